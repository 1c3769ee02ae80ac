"""The DOCX: pandoc on `styles/reference.docx`: Word heading styles, Word footnotes, a contents field
written out; the PDF's page, the book's title at the head of each page and its number at the foot;
every picture described (pandoc writes the alt text) or, for the icons, marked as decoration, as
Word's accessibility checker asks."""

from __future__ import annotations

import html
import os
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pipeline.errors import ValidationError
from pipeline.formats import words
from pipeline.formats.base import Artifact, Builder, Inputs, figures_numbered, numbered_as_printed
from pipeline.rendering import tree
from pipeline.tools import pandoc


class DocxBuilder(Builder):
    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("reference.docx"), inputs.style_digest("highlighting.theme"), pandoc.version()]

    def checked_by(self, inputs: Inputs) -> str:
        return ""  # no standard of accessibility for word processing documents has a checker here

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / f".work-{inputs.slug}-docx"  # one for each language's edition
        work.mkdir()
        inputs.book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        options = [
            "--standalone", "--toc", "--number-sections", "--reference-doc", str(inputs.style("reference.docx")),
            "--syntax-highlighting", str(inputs.style("highlighting.theme")),
        ]  # fmt: skip
        document = inputs.document(_admonitions(_style_names(inputs.style("reference.docx"))))
        if inputs.book.cover:  # the cover's picture, moved before the title page when the file is finished
            picture = {
                "t": "Image",
                "c": [
                    tree.make_attr(pairs={"width": "4.3in"}),
                    tree.text_inlines(inputs.manuscript.settings.title),
                    [inputs.book.cover, ""],
                ],
            }  # 2:3, within the page
            cover = {"t": "Para", "c": [picture]}
            document["blocks"].insert(0, {"t": "Div", "c": [tree.make_attr(pairs={"custom-style": _COVER}), [cover]]})
        _apart(document["blocks"])
        tree.rewrite_blocks(document["blocks"], numbered_as_printed)
        book_settings = inputs.manuscript.settings.presswork.book
        figures_numbered(document["blocks"], words.of(book_settings.language, book_settings.words))
        tree.rewrite_inlines(document["blocks"], _decorative)
        copyright = _copyright(document["meta"])
        if not inputs.trusted:
            document = inputs.inline_images(document)
        source = pandoc.save(document, work / "book.json")
        del document  # only its JSON is kept while pandoc runs
        pandoc.write(
            source, "docx", output, options, timeout=inputs.timeout, cwd=work, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        _finish(output, title=inputs.manuscript.settings.title, copyright=copyright)
        return Artifact(self.name, output)

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        try:
            with zipfile.ZipFile(artifact.path) as archive:
                body = ElementTree.fromstring(archive.read("word/document.xml"))
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
            raise ValidationError(f"the DOCX pandoc wrote is not readable: {error}", path=artifact.path.name) from error
        if body.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body") is None:
            raise ValidationError("the DOCX pandoc wrote has no document body", path=artifact.path.name)
        if not inputs.trusted:
            inputs.require_own_media(artifact.path, "word/media/")


# Material's kinds of admonition, by the colour its theme gives them: a style of the reference document each
# (`Admonition Tip`, `Admonition Title Tip`); `note`, `info` and any other kind take `Admonition`.
_KINDS = {
    "Tip": ("tip", "hint", "important", "success", "check", "done"),
    "Warning": ("warning", "caution", "attention", "question", "help", "faq"),
    "Danger": ("danger", "error", "failure", "fail", "missing", "bug"),
    "Example": ("example",),
    "Quote": ("quote", "cite", "abstract", "summary", "tldr"),
}
_KIND_STYLE = {kind: style for style, kinds in _KINDS.items() for kind in kinds}


def _style_names(reference: Path) -> set[str]:
    """The names of the styles the reference document defines (none of a file that is no Word
    document: pandoc says what is wrong with it)."""
    try:
        with zipfile.ZipFile(reference) as archive:
            return set(re.findall(r'<w:name w:val="([^"]+)"', archive.read("word/styles.xml").decode("utf-8", "replace")))
    except (OSError, zipfile.BadZipFile, KeyError):
        return set()


def _admonitions(styles: set[str]):
    """Paragraph styles of the reference document: `Admonition Title`, then `Admonition`, each with
    the kind's colour (`Admonition Title Warning`) where the reference document has one."""

    def admonition(kind: str, title: str, body: list[Any]) -> list[Any]:
        suffix = _KIND_STYLE.get(kind.lower(), "")
        suffix = f" {suffix}" if suffix and f"Admonition {suffix}" in styles and f"Admonition Title {suffix}" in styles else ""
        heading = [
            {
                "t": "Div",
                "c": [
                    tree.make_attr("", [], {"custom-style": f"Admonition Title{suffix}"}),
                    [{"t": "Para", "c": tree.text_inlines(title)}],
                ],
            }
        ]
        content = [{"t": "Div", "c": [tree.make_attr("", [], {"custom-style": f"Admonition{suffix}"}), body]}]
        return (heading if title else []) + content

    return admonition


def _apart(value: Any) -> None:
    """An empty paragraph between two admonitions in a row, in every list of blocks of `value`: Word
    draws paragraphs of the same border and shading as one box, so two would read as one."""
    if isinstance(value, dict):
        _apart(value.get("c"))
        return
    if not isinstance(value, list):
        return
    for item in value:
        _apart(item)
    for index in range(len(value) - 1, 0, -1):
        if _admonition_style(value[index - 1]).startswith("Admonition") and not _admonition_style(value[index - 1]).startswith(
            "Admonition Title"
        ):
            if _admonition_style(value[index]).startswith("Admonition"):
                value.insert(index, {"t": "RawBlock", "c": ["openxml", _GAP]})


# An empty paragraph six points high (pandoc leaves out an empty paragraph of its own).
_GAP = '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="120" w:lineRule="exact"/></w:pPr></w:p>'


def _admonition_style(block: Any) -> str:
    """The paragraph style of a block `_admonitions` drew ("" for any other)."""
    if not isinstance(block, dict) or block.get("t") != "Div":
        return ""
    return dict(block["c"][0][2]).get("custom-style", "")


# An icon is decoration beside the words that say the same: Word's own mark for it (Office 2019's
# `adec:decorative`), so that its accessibility checker and screen readers pass over it.
_DECORATIVE = "pw-decorative"  # the title pandoc writes into the picture's properties, replaced below
_DOC_PR = re.compile(r'<wp:docPr ([^>]*?)title="' + _DECORATIVE + r'"([^>]*?)\s*/>')
_EXTENSION = (
    '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/></a:ext></a:extLst>'
)


def _decorative(node: dict[str, Any]) -> list[dict[str, Any]] | None:
    if node["t"] != "Image" or "pw-icon" not in node["c"][0][1]:
        return None
    return [{"t": "Image", "c": [node["c"][0], node["c"][1], [node["c"][2][0], _DECORATIVE]]}]


def _copyright(meta: dict[str, Any]) -> list[tuple[str, bool]]:
    """The lines of the copyright page, as the PDF's template prints them (`words.copyright_page`, in
    the document's metadata), each with whether it is set in italics."""
    lines = []
    for line in meta.get("pw-copyright", {}).get("c", []):
        fields = {key: value["c"] for key, value in line["c"].items()}
        lines.append((" ".join(part for part in (fields.get("text"), fields.get("code")) if part), bool(fields.get("italic"))))
    return lines


def _front(document: str, copyright: list[tuple[str, bool]]) -> str:
    """The cover's picture (the paragraph of style `_COVER`) on a page of its own before the title
    page; after the title page, the copyright page; the contents on a page of their own."""
    cover = re.search(rf'<w:p>(?:(?!</w:p>).)*?<w:pStyle w:val="{_COVER}" />.*?</w:p>', document, re.DOTALL)
    if cover is not None:
        document = document[: cover.start()] + document[cover.end() :]
        document = document.replace("<w:body>", "<w:body>" + cover.group(0), 1)
        document = document.replace('<w:pStyle w:val="Title" />', '<w:pStyle w:val="Title" /><w:pageBreakBefore />', 1)
    page = "".join(
        f'<w:p><w:pPr>{"<w:pageBreakBefore />" if index == 0 else ""}<w:spacing w:before="{2600 if index == 0 else 0}" w:after="120" /></w:pPr>'
        f'<w:r><w:rPr>{"<w:i />" if italic else ""}<w:sz w:val="17" /></w:rPr><w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r></w:p>'
        for index, (text, italic) in enumerate(copyright)
    )
    field = document.find("<w:sdt>")
    if field >= 0:
        document = document[:field] + page + document[field:]
        document = document.replace('<w:pStyle w:val="TOCHeading" />', '<w:pStyle w:val="TOCHeading" /><w:pageBreakBefore />', 1)
    return document


def _finish(path: Path, *, title: str, copyright: list[tuple[str, bool]]) -> None:
    """The DOCX pandoc wrote, finished as a book opens in a word processor: the icons' pictures marked
    as decoration, the contents written out (each heading of levels 1 to 3, a link to it) inside the
    contents field, which stays marked for the word processor to update with page numbers; the page
    the PDF has (6 by 9 inches, margins mirrored) with the book's title at the head of each page and
    its number at the foot; tables as wide as the text. Every other entry as pandoc wrote it."""
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: (info, archive.read(info)) for info in archive.infolist()}
    document = entries["word/document.xml"][1].decode("utf-8")
    if _DECORATIVE in document:
        document = _DOC_PR.sub(lambda m: f'<wp:docPr {m.group(1)}title=""{m.group(2)}>{_EXTENSION}</wp:docPr>', document)
    document = _contents(document)
    document = _front(document, copyright)
    document = _tables(document)
    document = document.replace("<w:sectPr>", f'<w:sectPr><w:headerReference w:type="default" r:id="{_HEADER_ID}" />'
                                f'<w:footerReference w:type="default" r:id="{_FOOTER_ID}" />', 1)  # fmt: skip
    document = re.sub(r"(<w:sectPr>.*?)(</w:sectPr>)", lambda m: m.group(1) + _PAGE + m.group(2), document, count=1, flags=re.DOTALL)
    if f'<w:pStyle w:val="{_COVER}" />' in document:  # the cover's page shows no running head nor number (in schema order)
        document = document.replace(_PAGE + "</w:sectPr>", _PAGE + "<w:titlePg /></w:sectPr>", 1)
    settings = entries["word/settings.xml"][1].decode("utf-8")
    settings = settings.replace("<w:embedSystemFonts />", "<w:embedSystemFonts /><w:mirrorMargins />", 1)
    settings = settings.replace("<w:rsids>", '<w:updateFields w:val="true" /><w:rsids>', 1)
    relations = entries["word/_rels/document.xml.rels"][1].decode("utf-8")
    relations = relations.replace(
        "</Relationships>",
        f'<Relationship Id="{_HEADER_ID}" Type="{_RELATIONSHIP}/header" Target="header1.xml" />'
        f'<Relationship Id="{_FOOTER_ID}" Type="{_RELATIONSHIP}/footer" Target="footer1.xml" /></Relationships>',
    )
    types = entries["[Content_Types].xml"][1].decode("utf-8")
    types = types.replace(
        "</Types>",
        f'<Override PartName="/word/header1.xml" ContentType="{_PART}.header+xml" />'
        f'<Override PartName="/word/footer1.xml" ContentType="{_PART}.footer+xml" /></Types>',
    )
    changed = {
        "word/document.xml": document, "word/settings.xml": settings, "word/_rels/document.xml.rels": relations,
        "[Content_Types].xml": types, "word/header1.xml": _margin("hdr", _run(title)),
        "word/footer1.xml": _margin("ftr", _field("PAGE", "1")),
    }  # fmt: skip
    model = entries["word/document.xml"][0]
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, (info, data) in entries.items():  # the same names, dates and compression: the same bytes for the same book
            archive.writestr(info, changed[name].encode("utf-8") if name in changed else data, compress_type=info.compress_type)
        for name in ("word/header1.xml", "word/footer1.xml"):
            info = zipfile.ZipInfo(name, date_time=model.date_time)
            archive.writestr(info, changed[name].encode("utf-8"), compress_type=model.compress_type)
    os.replace(partial, path)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_HEADER_ID, _FOOTER_ID = "rIdPwHeader", "rIdPwFooter"
# The PDF's page (styles/book.typ): 6 by 9 inches, inside 0.85in, outside 0.65in, top and bottom 0.8in.
_COVER = "Cover"  # the custom style of the cover's paragraph, found again by `_front`
_PAGE = (
    '<w:pgSz w:w="8640" w:h="12960" />'
    '<w:pgMar w:top="1152" w:right="936" w:bottom="1152" w:left="1224" w:header="576" w:footer="576" w:gutter="0" />'
)
_HEADING = re.compile(
    r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)" />\s*<w:p><w:pPr><w:pStyle w:val="Heading([1-3])" />.*?</w:pPr>(.*?)</w:p>', re.DOTALL
)
_WORDS = re.compile(r"<w:t[^>]*>([^<]*)</w:t>|(<w:tab />)")  # a heading's words, and the tab after its number
_CONTENTS_FIELD = re.compile(
    r'<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true" /><w:instrText xml:space="preserve">(TOC [^<]*)</w:instrText>'
    r'<w:fldChar w:fldCharType="separate" /><w:fldChar w:fldCharType="end" /></w:r></w:p>'
)


def _contents(document: str) -> str:
    """`document` with its empty contents field filled: a paragraph for each heading of levels 1 to
    3 (style `TOC1` to `TOC3`), its words a link to the heading's bookmark."""
    field = _CONTENTS_FIELD.search(document)
    if field is None:
        return document
    headings = [
        (anchor, int(level), "".join(html.unescape(text) if text or not tab else " " for text, tab in _WORDS.findall(body)))
        for anchor, level, body in _HEADING.findall(document[field.end() :])
    ]
    if not headings:
        return document
    begin = f'<w:r><w:fldChar w:fldCharType="begin" w:dirty="true" /></w:r><w:r><w:instrText xml:space="preserve">{field.group(1)}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate" /></w:r>'
    end = '<w:r><w:fldChar w:fldCharType="end" /></w:r>'
    paragraphs = []
    for index, (anchor, level, text) in enumerate(headings):
        link = f'<w:hyperlink w:anchor="{html.escape(anchor)}" w:history="1">{_run(text)}</w:hyperlink>'
        paragraphs.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{level}" /><w:ind w:left="{(level - 1) * 360}" /></w:pPr>'
            f"{begin if index == 0 else ''}{link}{end if index == len(headings) - 1 else ''}</w:p>"
        )
    return document[: field.start()] + "".join(paragraphs) + document[field.end() :]


_TEXT_WIDTH = 8640 - 1224 - 936  # the page's width less its margins, in twentieths of a point
_GRID = re.compile(r"<w:tblGrid>(.*?)</w:tblGrid>", re.DOTALL)
_AFTER_TABLE = re.compile(r"</w:tbl>(\s*)<w:p>(?:<w:pPr>((?:<w:pStyle [^>]*/>)?(?:<w:numPr>.*?</w:numPr>)?)</w:pPr>|(?!<w:pPr>))")


def _tables(document: str) -> str:
    """Every table as wide as the text, its columns in the proportions pandoc gave them, and space
    between it and the paragraph after it."""
    document = document.replace('<w:tblW w:type="auto" w:w="0" />', '<w:tblW w:type="pct" w:w="5000" />')

    def grid(match: re.Match) -> str:
        widths = [int(width) for width in re.findall(r'<w:gridCol w:w="(\d+)" />', match.group(1))]
        if not widths or not sum(widths):
            return match.group(0)
        scaled = [width * _TEXT_WIDTH // sum(widths) for width in widths]
        return "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{width}" />' for width in scaled) + "</w:tblGrid>"

    document = _GRID.sub(grid, document)
    return _AFTER_TABLE.sub(lambda m: f'</w:tbl>{m.group(1)}<w:p><w:pPr>{m.group(2) or ""}<w:spacing w:before="240" /></w:pPr>', document)


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r>'


def _field(instruction: str, shown: str) -> str:
    """A field (`PAGE`) showing `shown` until the word processor works it out."""
    return (
        f'<w:r><w:fldChar w:fldCharType="begin" /></w:r><w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate" /></w:r>{_run(shown)}<w:r><w:fldChar w:fldCharType="end" /></w:r>'
    )


def _margin(kind: str, content: str) -> str:
    """A header (`hdr`) or footer (`ftr`) part of one centred paragraph holding `content`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind} xmlns:w="{_W}" xmlns:r="{_RELATIONSHIP}">'
        f'<w:p><w:pPr><w:jc w:val="center" /></w:pPr>{content}</w:p></w:{kind}>'
    )
