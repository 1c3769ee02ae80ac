"""Regenerate styles/reference.docx from pandoc's default reference document.

pandoc builds the DOCX edition on the styles of a reference document. This
script takes pandoc's own default (``pandoc --print-default-data-file
reference.docx``), rewrites the styles in ``word/styles.xml`` for book
typography and writes the result next to itself as ``reference.docx``. Every
other entry of the archive is copied unchanged, with the same order and
timestamps, so running it twice with the same pandoc gives the same bytes.

What it sets:

* body text in Georgia, 11 pt, with a little space after each paragraph;
* Title, Subtitle, Author and Date for the title block;
* Heading 1 to 6 as a clear hierarchy; they stay Word's built-in heading
  styles (names "heading 1".."heading 6", outline levels 0..5), so the
  navigation pane and a Word table of contents work; Heading 1 starts a page;
* "Source Code" (code blocks) and "Verbatim Char" (inline code) in Consolas
  on a light grey ground;
* block quotes, footnotes, captions, figures, definition lists, links;
* the default table style: rule above and below, a rule under the header
  row, light lines between rows;
* "Admonition" (indented, tinted, with a blue bar on the left) and
  "Admonition Title" (bold), used through pandoc's custom-style attribute:
  ``::: {custom-style="Admonition"}``.

Usage::

    python styles/reference_docx.py [--pandoc PATH] [--output PATH]
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = f"{{{W_NS}}}"

SERIF = "Georgia"
MONO = "Consolas"
ACCENT = "283593"  # deep indigo, as on the site and in the PDF
LINK = "1F4E99"
GREY_TEXT = "595959"


def fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:cs="{name}" w:eastAsiaTheme="minorEastAsia"/>'


SERIF_FONTS = fonts(SERIF)
MONO_FONTS = fonts(MONO)


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def paragraph_style(style_id, name, *, based_on=None, next_style=None, link=None,
                    custom=False, default=False, ui_priority=None, ppr="", rpr="", extra=""):
    attrs = f'w:type="paragraph" w:styleId="{style_id}"'
    if default:
        attrs += ' w:default="1"'
    if custom:
        attrs += ' w:customStyle="1"'
    parts = [f'<w:style xmlns:w="{W_NS}" {attrs}>', f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    if link:
        parts.append(f'<w:link w:val="{link}"/>')
    if ui_priority is not None:
        parts.append(f'<w:uiPriority w:val="{ui_priority}"/>')
    parts.append(extra)
    parts.append("<w:qFormat/>")
    parts.append(f"<w:pPr>{ppr}</w:pPr>")
    parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append("</w:style>")
    return "".join(parts)


def character_style(style_id, name, *, based_on="DefaultParagraphFont", link=None,
                    custom=True, ui_priority=None, rpr=""):
    attrs = f'w:type="character" w:styleId="{style_id}"'
    if custom:
        attrs += ' w:customStyle="1"'
    parts = [f'<w:style xmlns:w="{W_NS}" {attrs}>', f'<w:name w:val="{name}"/>',
             f'<w:basedOn w:val="{based_on}"/>']
    if link:
        parts.append(f'<w:link w:val="{link}"/>')
    if ui_priority is not None:
        parts.append(f'<w:uiPriority w:val="{ui_priority}"/>')
    parts.append(f"<w:rPr>{rpr}</w:rPr></w:style>")
    return "".join(parts)


# (font size in half-points, bold, italic, small caps, colour, space before, space after, page break)
HEADINGS = {
    1: (40, False, False, False, ACCENT, 960, 360, True),
    2: (30, True, False, False, ACCENT, 480, 160, False),
    3: (25, True, False, False, "1A1A1A", 360, 120, False),
    4: (22, True, True, False, "1A1A1A", 280, 100, False),
    5: (22, False, True, False, "1A1A1A", 240, 80, False),
    6: (21, False, False, True, GREY_TEXT, 240, 80, False),
}


def heading_styles() -> list[str]:
    out = []
    for level, (sz, bold, italic, caps, colour, before, after, page_break) in HEADINGS.items():
        ppr = "<w:keepNext/><w:keepLines/>"
        if page_break:
            ppr += "<w:pageBreakBefore/>"
        if level == 1:
            ppr += (f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="6" w:color="{ACCENT}"/></w:pBdr>')
        ppr += f'<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'
        ppr += f'<w:outlineLvl w:val="{level - 1}"/>'
        rpr = SERIF_FONTS
        rpr += "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
        if italic:
            rpr += "<w:i/><w:iCs/>"
        if caps:
            rpr += "<w:smallCaps/>"
        rpr += f'<w:color w:val="{colour}"/>' + size(sz)
        out.append(paragraph_style(
            f"Heading{level}", f"heading {level}", based_on="Normal", next_style="FirstParagraph",
            link=f"Heading{level}Char", ui_priority=9, ppr=ppr, rpr=rpr))
        out.append(character_style(
            f"Heading{level}Char", f"Heading {level} Char", link=f"Heading{level}", ui_priority=9,
            rpr=rpr))
    return out


def styles() -> list[str]:
    body_spacing = '<w:spacing w:before="0" w:after="140" w:line="288" w:lineRule="auto"/>'
    s = [
        paragraph_style("Normal", "Normal", default=True, ppr="", rpr=SERIF_FONTS + size(22)),
        paragraph_style("BodyText", "Body Text", based_on="Normal", next_style="BodyText",
                        link="BodyTextChar", ppr=body_spacing),
        paragraph_style("FirstParagraph", "First Paragraph", based_on="BodyText",
                        next_style="BodyText", custom=True),
        paragraph_style("Compact", "Compact", based_on="BodyText", custom=True,
                        ppr='<w:spacing w:before="20" w:after="40"/>'),
        paragraph_style("Title", "Title", based_on="Normal", next_style="Subtitle", link="TitleChar",
                        ui_priority=10,
                        ppr='<w:keepNext/><w:spacing w:before="2400" w:after="240" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
                        rpr=SERIF_FONTS + '<w:color w:val="1A1A1A"/>' + size(56)),
        character_style("TitleChar", "Title Char", link="Title", ui_priority=10,
                        rpr=SERIF_FONTS + size(56)),
        paragraph_style("Subtitle", "Subtitle", based_on="Title", next_style="Author",
                        link="SubtitleChar", ui_priority=11,
                        ppr='<w:spacing w:before="0" w:after="600"/>',
                        rpr=f'<w:i/><w:iCs/><w:color w:val="{GREY_TEXT}"/>' + size(30)),
        character_style("SubtitleChar", "Subtitle Char", link="Subtitle", ui_priority=11,
                        rpr=SERIF_FONTS + f'<w:i/><w:iCs/><w:color w:val="{GREY_TEXT}"/>' + size(30)),
        paragraph_style("Author", "Author", based_on="Title", next_style="BodyText", custom=True,
                        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="0" w:after="80"/>',
                        rpr="<w:smallCaps/>" + size(26)),
        paragraph_style("Date", "Date", based_on="Title", next_style="BodyText",
                        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/>',
                        rpr=f'<w:color w:val="{GREY_TEXT}"/>' + size(22)),
        paragraph_style("BlockText", "Block Text", based_on="BodyText", next_style="BodyText",
                        ui_priority=9,
                        ppr=('<w:pBdr><w:left w:val="single" w:sz="8" w:space="10" w:color="A0A0A0"/></w:pBdr>'
                             '<w:spacing w:before="60" w:after="100"/><w:ind w:left="500" w:right="360" w:firstLine="0"/>'),
                        rpr=size(21)),
        paragraph_style("FootnoteText", "Footnote Text", based_on="Normal", next_style="FootnoteText",
                        ui_priority=9,
                        ppr='<w:spacing w:before="0" w:after="60" w:line="240" w:lineRule="auto"/>',
                        rpr=size(18)),
        paragraph_style("FootnoteBlockText", "Footnote Block Text", based_on="FootnoteText",
                        next_style="FootnoteText", custom=True,
                        ppr='<w:spacing w:before="60" w:after="60"/><w:ind w:left="360" w:right="360" w:firstLine="0"/>'),
        paragraph_style("DefinitionTerm", "Definition Term", based_on="Normal", next_style="Definition",
                        custom=True,
                        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="0"/>',
                        rpr="<w:b/><w:bCs/>"),
        paragraph_style("Definition", "Definition", based_on="BodyText", custom=True,
                        ppr='<w:spacing w:before="20" w:after="100"/><w:ind w:left="400"/>'),
        paragraph_style("Caption", "Caption", based_on="Normal", next_style="BodyText",
                        ppr='<w:spacing w:before="80" w:after="240"/><w:jc w:val="center"/>',
                        rpr='<w:i/><w:iCs/>' + size(19)),
        paragraph_style("TableCaption", "Table Caption", based_on="Caption", custom=True,
                        ppr='<w:keepNext/><w:spacing w:before="240" w:after="100"/>'),
        paragraph_style("ImageCaption", "Image Caption", based_on="Caption", custom=True),
        paragraph_style("Figure", "Figure", based_on="Normal", custom=True,
                        ppr='<w:spacing w:before="240" w:after="80"/><w:jc w:val="center"/>'),
        paragraph_style("CaptionedFigure", "Captioned Figure", based_on="Figure", custom=True,
                        ppr="<w:keepNext/>"),
        paragraph_style("SourceCode", "Source Code", based_on="Normal", link="VerbatimChar",
                        custom=True,
                        ppr=('<w:wordWrap w:val="off"/>'
                             '<w:pBdr><w:left w:val="single" w:sz="12" w:space="6" w:color="D5D5D5"/></w:pBdr>'
                             '<w:shd w:val="clear" w:color="auto" w:fill="F5F5F5"/>'
                             '<w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/>'
                             '<w:ind w:left="160" w:right="0"/>'),
                        rpr=MONO_FONTS + size(18)),
        character_style("VerbatimChar", "Verbatim Char", based_on="BodyTextChar", link="SourceCode",
                        rpr=MONO_FONTS + size(19)),
        character_style("Hyperlink", "Hyperlink", based_on="BodyTextChar", custom=False,
                        rpr=f'<w:color w:val="{LINK}"/>'),
        character_style("FootnoteReference", "Footnote Reference", based_on="BodyTextChar",
                        custom=False, rpr='<w:vertAlign w:val="superscript"/>'),
        paragraph_style("TOCHeading", "TOC Heading", based_on="Heading1", next_style="BodyText",
                        ui_priority=39,
                        ppr='<w:spacing w:before="960" w:after="360"/><w:outlineLvl w:val="9"/>',
                        rpr=f'<w:b w:val="0"/><w:bCs w:val="0"/><w:color w:val="{ACCENT}"/>'),
        paragraph_style("Admonition", "Admonition", based_on="BodyText", next_style="Admonition",
                        custom=True,
                        ppr=('<w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="1E6FD9"/></w:pBdr>'
                             '<w:shd w:val="clear" w:color="auto" w:fill="EDF3FC"/>'
                             '<w:spacing w:before="0" w:after="100" w:line="276" w:lineRule="auto"/>'
                             '<w:ind w:left="300" w:right="240"/>'),
                        rpr=size(21)),
        paragraph_style("AdmonitionTitle", "Admonition Title", based_on="Admonition",
                        next_style="Admonition", custom=True,
                        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/>',
                        rpr='<w:b/><w:bCs/><w:color w:val="14509E"/>'),
    ]
    return s + heading_styles()


TABLE_STYLE = f"""<w:style xmlns:w="{W_NS}" w:type="table" w:default="1" w:styleId="Table">
  <w:name w:val="Table"/>
  <w:basedOn w:val="TableNormal"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr>{size(19)}</w:rPr>
  <w:tblPr>
    <w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="1A1A1A"/>
      <w:bottom w:val="single" w:sz="8" w:space="0" w:color="1A1A1A"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="D0D0D0"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="40" w:type="dxa"/>
      <w:left w:w="108" w:type="dxa"/>
      <w:bottom w:w="40" w:type="dxa"/>
      <w:right w:w="108" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr>
      <w:tcBorders>
        <w:bottom w:val="single" w:sz="6" w:space="0" w:color="1A1A1A"/>
      </w:tcBorders>
      <w:vAlign w:val="bottom"/>
    </w:tcPr>
  </w:tblStylePr>
</w:style>"""


DOC_DEFAULTS = f"""<w:docDefaults xmlns:w="{W_NS}">
  <w:rPrDefault>
    <w:rPr>
      {SERIF_FONTS}
      {size(22)}
      <w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>
    </w:rPr>
  </w:rPrDefault>
  <w:pPrDefault>
    <w:pPr>
      <w:spacing w:after="140" w:line="288" w:lineRule="auto"/>
    </w:pPr>
  </w:pPrDefault>
</w:docDefaults>"""


def restyle(styles_xml: bytes) -> bytes:
    ET.register_namespace("w", W_NS)
    ET.register_namespace("r", R_NS)
    root = ET.fromstring(styles_xml)

    defaults = root.find(f"{W}docDefaults")
    index = list(root).index(defaults)
    root.remove(defaults)
    root.insert(index, ET.fromstring(DOC_DEFAULTS))

    new_styles = [ET.fromstring(x) for x in styles()] + [ET.fromstring(TABLE_STYLE)]
    for new in new_styles:
        style_id = new.get(f"{W}styleId")
        old = next((s for s in root.findall(f"{W}style") if s.get(f"{W}styleId") == style_id), None)
        if old is None:
            root.append(new)
        else:
            position = list(root).index(old)
            root.remove(old)
            root.insert(position, new)

    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def find_pandoc(explicit: str | None) -> str:
    if explicit:
        return explicit
    try:
        import pypandoc  # the pypandoc-binary wheel ships pandoc

        return pypandoc.get_pandoc_path()
    except Exception:
        pass
    found = shutil.which("pandoc")
    if not found:
        sys.exit("pandoc not found: pass --pandoc PATH")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pandoc", help="pandoc executable (default: pypandoc's, then PATH)")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("reference.docx"))
    args = parser.parse_args(argv)

    default = subprocess.run(
        [find_pandoc(args.pandoc), "--print-default-data-file", "reference.docx"],
        check=True, capture_output=True,
    ).stdout

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/styles.xml":
                data = restyle(data)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    args.output.write_bytes(out.getvalue())
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
