"""The conformance corpus (tests/conformance): every construct of the dialect, in every edition.

Each test reads the built artifact itself: the site's HTML, the EPUB's XHTML, the DOCX's Word XML
and the PDF's text, fonts, outline and links.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from artifacts import XHTML, Docx, Epub, Pdf, text_of, unnumbered


@pytest.fixture(scope="module")
def site(conformance: Path) -> str:
    return (conformance / "site" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def epub(conformance: Path) -> Epub:
    return Epub.open(conformance / "conformance-corpus.epub")


@pytest.fixture(scope="module")
def docx(conformance: Path) -> Docx:
    return Docx.open(conformance / "conformance-corpus.docx")


@pytest.fixture(scope="module")
def pdf(conformance: Path) -> Pdf:
    return Pdf(conformance / "conformance-corpus.pdf")


# --- headings and ids -----------------------------------------------------------------------------


def test_headings_keep_explicit_ids_and_fold_accents_like_the_site(site, epub, docx, pdf):
    assert re.search(r'<h2 id="explicit-id">Explicit heading', site)
    assert re.search(r'<h2 id="cafe-au-lait">Café au lait', site)
    assert unnumbered(text_of(epub.element_by_id("ch001.xhtml", "explicit-id").find(f"{XHTML}h2"))) == "Explicit heading"
    assert unnumbered(text_of(epub.element_by_id("ch001.xhtml", "cafe-au-lait").find(f"{XHTML}h2"))) == "Café au lait"
    assert docx.bookmark_before("explicit-id") == "Explicit heading"
    assert docx.bookmark_before("cafe-au-lait") == "Café au lait"
    assert {"explicit-id", "cafe-au-lait"} <= set(pdf.reader.named_destinations)


def test_headings_are_real_headings_in_every_edition(site, epub, docx, pdf):
    assert '<h1 id="every-construct">Every construct' in site
    _, heading = epub.find("h1", "Every construct")
    assert heading is not None
    style, _ = docx.paragraph("Every construct", exact=True)
    assert docx.style_name(style) == "heading 1"
    style, _ = docx.paragraph("Explicit heading", exact=True)
    assert docx.style_name(style) == "heading 2"
    titles = pdf.outline_titles()
    assert any(title.endswith("Every construct") for title in titles)
    assert any(title.endswith("Explicit heading") for title in titles)
    assert any(title.endswith("Second chapter") for title in titles)


# --- inline formatting ----------------------------------------------------------------------------


def test_emphasis_strong_and_strike_through(site, epub, docx, pdf):
    assert "<em>emphasised words</em>" in site
    assert "<strong>strong words</strong>" in site
    assert "<del>struck words</del>" in site
    _, paragraph = epub.find("p", "Plain paragraph")
    assert text_of(paragraph.find(f"{XHTML}em")) == "emphasised words"
    assert text_of(paragraph.find(f"{XHTML}strong")) == "strong words"
    assert text_of(paragraph.find(f"{XHTML}del")) == "struck words"
    assert "emphasised words" in docx.runs_with("i")
    assert "strong words" in docx.runs_with("b")
    assert "struck words" in docx.runs_with("strike")
    page = pdf.page_of("emphasised words")
    fonts = {span.text.strip(): span.font for span in pdf.spans(page)}
    assert "Italic" in fonts.get("emphasised words", "") or any("emphasised" in text and "Italic" in font for text, font in fonts.items())
    assert "~~" not in pdf.text()


# --- blocks ---------------------------------------------------------------------------------------


def test_nested_lists(site, epub, docx, pdf):
    assert re.search(r"<li>outer item one<ul>\s*<li>nested item alpha</li>", site)
    _, outer = epub.find("li", "outer item one")
    nested = outer.find(f"{XHTML}ul")
    assert [text_of(li) for li in nested.findall(f"{XHTML}li")] == ["nested item alpha", "nested item beta"]
    for text, level in (("outer item one", "0"), ("nested item alpha", "1"), ("first numbered", "0")):
        _, paragraph = docx.paragraph(text)
        ilvl = paragraph.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ilvl")
        assert ilvl is not None and ilvl.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == level
    text = pdf.text()
    assert text.index("outer item one") < text.index("nested item alpha") < text.index("outer item two")


def test_fenced_code_is_highlighted(site, epub, docx, pdf):
    assert '<span class="k">def</span>' in site
    _, code = epub.find("code", "def greet")
    assert "python" in code.get("class", "")
    assert any(span.get("class") == "kw" and span.text == "def" for span in code.iter(f"{XHTML}span"))
    style, paragraph = docx.paragraph("def greet")
    assert style == "SourceCode"
    assert "KeywordTok" in {
        r.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
        for r in paragraph.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rStyle")
    }
    page = pdf.page_of("greet(name)")
    assert any("greet" in span.text and "DejaVuSansMono" in span.font for span in pdf.spans(page))


def test_block_quotes(site, epub, docx, pdf):
    assert re.search(r"<blockquote>\s*<p>A quoted sentence about marmalade.</p>", site)
    _, quote = epub.find("blockquote", "marmalade")
    assert quote is not None
    style, _ = docx.paragraph("about marmalade")
    assert docx.style_name(style) == "Block Text"
    assert "A quoted sentence about marmalade." in pdf.text()


def test_pipe_tables(site, epub, docx, pdf):
    assert re.search(r"<th>Fruit</th>\s*<th>Colour</th>", site)
    _, table = epub.find("table", "Quince")
    assert [text_of(th) for th in table.iter(f"{XHTML}th")] == ["Fruit", "Colour"]
    tables = list(docx.document.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl"))
    assert len(tables) == 1 and "Quince" in "".join(tables[0].itertext())
    text = pdf.text()
    assert re.search(r"Fruit\s+Colour\s+Quince\s+Yellow\s+Sloe\s+Purple", text)


def test_footnotes(site, epub, docx, pdf):
    assert 'class="footnote-ref"' in site and "The footnote body about teacups." in site
    _, note = epub.find("aside", "teacups")
    assert note.get("{http://www.idpf.org/2007/ops}type") == "footnote"
    assert "teacups" in "".join(docx.footnotes.itertext())
    assert list(docx.document.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}footnoteReference"))
    page = pdf.page_of("A sentence with a footnote")
    assert "The footnote body about teacups." in pdf.page_texts()[page]


def test_images_become_figures_with_captions(site, epub, docx, pdf, conformance):
    assert re.search(
        r'<figure><img alt="A caption about lighthouses" src="images/figure.png" /><figcaption>A caption about lighthouses</figcaption></figure>',
        site,
    )
    assert (conformance / "site" / "images" / "figure.png").is_file()
    _, figure = epub.find("figure", "lighthouses")
    assert text_of(figure.find(f"{XHTML}figcaption")) == "Figure 1. A caption about lighthouses"  # numbered as in the PDF
    source = figure.find(f"{XHTML}img").get("src")
    assert f"EPUB/{source.removeprefix('../')}" in epub.files
    style, _ = docx.paragraph("A caption about lighthouses")
    assert docx.style_name(style) == "Image Caption"
    assert docx.media
    page = pdf.page_of("A caption about lighthouses")
    assert re.search(r"Figure 1\W+A caption about lighthouses", pdf.page_texts()[page])
    assert pdf.image_count(page) >= 1


def test_admonitions(site, epub, docx, pdf):
    assert re.search(
        r'<div class="admonition warning">\s*<p class="admonition-title">Mind the gap</p>\s*<p>The admonition body about platforms.</p>',
        site,
    )
    _, box = epub.find("div", "Mind the gap")
    assert box.get("class") == "admonition warning"
    assert "admonition-title" in [child.get("class") for child in box]
    style, _ = docx.paragraph("Mind the gap")
    assert docx.style_name(style) == "Admonition Title Warning"  # a warning, in the colour the site gives it
    style, _ = docx.paragraph("The admonition body about platforms.")
    assert docx.style_name(style) == "Admonition Warning"
    text = pdf.text()
    assert "Mind the gap" in text and "The admonition body about platforms." in text
    for edition_text in (site, text, "".join(docx.document.itertext())):
        assert "!!!" not in edition_text


def test_definition_lists(site, epub, docx, pdf):
    assert re.search(r"<dl>\s*<dt>Gazebo</dt>\s*<dd>A garden structure with a roof.</dd>", site)
    _, term = epub.find("dt", "Gazebo")
    assert term is not None
    assert docx.style_name(docx.paragraph("Gazebo")[0]) == "Definition Term"
    assert docx.style_name(docx.paragraph("A garden structure")[0]) == "Definition"
    assert re.search(r"Gazebo\s+A garden structure with a roof.", pdf.text())


def test_math_inline_and_display(site, epub, docx, pdf):
    assert '<math display="inline"' in site and '<math display="block"' in site
    assert "arithmatex" not in site and "\\(" not in site
    assert "<script" not in site.split("<article", 1)[1].split("</article>", 1)[0]
    _, paragraph = epub.find("p", "Inline math")
    assert paragraph.find("{http://www.w3.org/1998/Math/MathML}math") is not None
    maths = list(docx.document.iter("{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath"))
    assert len(maths) == 2
    text = pdf.text()
    assert "$" not in text and "\\frac" not in text and "a^2" not in text
    page = pdf.page_of("Inline math")
    assert any("Math" in span.font for span in pdf.spans(page))


# --- links ----------------------------------------------------------------------------------------


def test_links_within_and_across_chapters_land_on_the_right_heading(site, epub, docx, pdf, conformance):
    assert '<a href="#explicit-id">the explicit heading</a>' in site
    assert '<a href="second.html#summary">the other chapter&rsquo;s summary</a>' in site  # a site opened from disk
    second = (conformance / "site" / "second.html").read_text()
    assert '<h2 id="summary">Summary' in second and "chestnuts" in second

    def epub_target(link_text):
        _, link = epub.find("a", link_text, exact=True)
        name, _, identifier = link.get("href").partition("#")
        return unnumbered(text_of(epub.element_by_id(name, identifier)))  # numbered as in the PDF

    assert epub_target("the other chapter’s summary").startswith("Summary The summary of the second chapter")
    assert epub_target("this chapter’s summary").startswith("Summary The summary of the constructs chapter")
    assert epub_target("the explicit heading").startswith("Explicit heading")
    assert epub_target("the other chapter").startswith("Second chapter")
    assert epub_target("an anchor") == ""  # the raw anchor's span

    anchors = [  # the links of the text, not of its contents
        h.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}anchor")
        for style, _, paragraph in docx.paragraphs()
        if not style.startswith("TOC")
        for h in paragraph.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink")
    ]
    assert anchors[:6] == ["explicit-id", "cafe-au-lait", "second--summary", "second-chapter", "raw-anchor", "index--summary"]
    assert docx.bookmark_before("second--summary") == "Summary"
    assert docx.bookmark_before("index--summary") == "Summary"

    links = {destination: page for page, _, destination in pdf.links()}
    texts = pdf.page_texts()
    assert "chestnuts" in texts[pdf.destination_page("second--summary")]
    assert "walnuts" in texts[pdf.destination_page("index--summary")]
    assert "Second chapter" in texts[pdf.destination_page("second-chapter")]
    assert (
        "the other chapter’s summary" in texts[links["second--summary"]] or "the other chapter's summary" in texts[links["second--summary"]]
    )


def test_ids_stay_unique_in_single_file_editions(epub, docx, pdf):
    ids = [e.get("id") for root in epub.chapters().values() for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    names = [
        b.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name")
        for b in docx.document.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bookmarkStart")
    ]
    assert len(names) == len(set(names))
    assert {"index--summary", "second--summary"} <= set(pdf.reader.named_destinations)


# --- the book around the chapters ----------------------------------------------------------------


def test_epub_metadata_cover_and_navigation(epub):
    opf = epub.files["EPUB/content.opf"].decode()
    assert "<dc:title" in opf and "Conformance Corpus" in opf
    assert "Ada Marker" in opf and "Ben Marker" in opf
    assert "<dc:language>en</dc:language>" in opf
    assert "urn:isbn:9783161484100" in opf
    assert "<dc:rights>CC0 1.0</dc:rights>" in opf
    assert "Marker Press" in opf
    assert re.search(r"<dc:date[^>]*>2023-11-14</dc:date>", opf)  # SOURCE_DATE_EPOCH 1700000000
    assert 'properties="cover-image"' in opf
    assert "EPUB/nav.xhtml" in epub.files
    assert "Second chapter" in epub.files["EPUB/nav.xhtml"].decode()


def test_docx_has_a_table_of_contents_field(conformance):
    with zipfile.ZipFile(conformance / "conformance-corpus.docx") as archive:
        document = archive.read("word/document.xml").decode()
    assert re.search(r"<w:instrText[^>]*>\s*TOC \\o", document)


def test_pdf_is_a_book(pdf):
    texts = pdf.page_texts()
    assert pdf.image_count(0) == 1  # the cover
    assert any("Contents" in text for text in texts[:6])
    opening = pdf.page_of("Plain paragraph")
    second = pdf.page_of("Back to the explicit heading")
    assert second > opening
    assert "Second chapter" in texts[second]
    assert "Second chapter" not in texts[second - 1] or second - 1 < opening
    body = texts[opening + 1]
    assert re.search(r"\b\d+\b", body)  # a page number
    assert "Conformance Corpus" in body or "Every construct" in body  # a running header
