"""Whatever the site shows, every edition shows: for each chapter, the words a reader sees on the site
are in the PDF (its extracted text), the EPUB and the DOCX, no piece of Markdown syntax that the site
rendered is left as text in an edition, and every image of the site is in every edition.

Run on the conformance corpus, the handbook and a documentation set configured as Material for MkDocs
documents it (tests/books/material: its markdown_extensions block, !!python tags included).
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from artifacts import Pdf
from conftest import TESTS, copy_book, presswork

from pipeline.configuration import config

# Syntax of the dialect that, once rendered, a reader never sees as such.
SYNTAX = re.compile(
    r"!!!|\?\?\?|^===|\+\+\w|:(?:material|fontawesome|octicons|simple)-[\w-]+:|\{\s*[.#:]|\(\d+\)!|--8<--|~~|==\w|\^\^|\[\^|\]\(|\{--|\{\+\+|\*\[",
    re.MULTILINE,
)
WORD = re.compile(r"\w+")
NOTED = re.compile(r"^([^\W\d_]{2,})\d{1,3}$")  # a word of letters, a note's number after it
BLOCKS = {
    "p",
    "div",
    "pre",
    "li",
    "dt",
    "dd",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figcaption",
    "blockquote",
    "label",
    "summary",
    "text",
}  # "text": an SVG label


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> Path:
    book = copy_book(TESTS / "books" / "material", tmp_path_factory.mktemp("material") / "book")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    return book / "build"


def site_chapters(build: Path, nav: list[str]) -> dict[str, lxml.html.HtmlElement]:
    """Each chapter's article as the site shows it, without the site's own furniture (permalinks,
    buttons, the edit link), without its formulas (MathML, whose text is not words: the
    conformance tests compare formulas) and without code's line numbers (which the editions' writers
    number themselves, or not: pandoc's `numberLines`)."""
    pages = {}
    for name in nav:
        page = build / "site" / name.replace(".md", ".html")  # the site `presswork build` writes, opened from disk
        root = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        article = root.xpath("//article")[0]
        for junk in article.xpath(
            ".//a[contains(@class,'headerlink')]|.//button|.//script|.//nav|.//*[contains(@class,'md-source-file')]|.//*[local-name()='math']|.//*[local-name()='style']|.//*[contains(@class,'linenos')]"
        ):
            junk.drop_tree()
        for element in article.iter():  # blocks apart, as a reader sees them (a code block's title above its code)
            if element.tag in BLOCKS or "filename" in (element.get("class") or ""):
                element.tail = "\n" + (element.tail or "")
        pages[name] = article
    return pages


def words(text: str) -> Counter:
    text = re.sub(r"(\w)(?:\xad\s*|-[ \t]*\n\s*)(\w)", r"\1\2", text)  # a word hyphenated at the end of a line
    text = re.sub(r"(\w_)[ \t]*\n\s*(?=\w)", r"\1", text)  # a name in code the PDF breaks after an underscore
    text = text.replace("\xad", "").replace("\u2060", "")
    found = Counter(word.lower() for word in WORD.findall(text))
    # A note's number set against its word (the PDF's link notes: `Contribute¹³`) is read with it as
    # one word: the word counts too.
    found.update(marked.group(1) for word in list(found.elements()) if (marked := NOTED.match(word)))
    return found


def present(site: Counter, edition: Counter) -> float:
    total = sum(site.values())
    return sum(min(count, edition[word]) for word, count in site.items()) / total if total else 1.0


def drawn(archive: zipfile.ZipFile) -> str:
    """The words a reader sees in the edition's SVG pictures (a diagram's labels)."""
    return " " + " ".join(
        " ".join(
            re.sub(r"<[^>]+>", " ", label)
            for label in re.findall(r"<text\b.*?</text>", archive.read(name).decode("utf-8", "replace"), re.DOTALL)
        )
        for name in archive.namelist()
        if name.endswith(".svg")
    )


def editions(build: Path, slug: str) -> dict[str, str]:
    with zipfile.ZipFile(build / f"{slug}.epub") as epub:
        epub_text = " ".join(
            lxml.html.fromstring(epub.read(name)).text_content()
            for name in epub.namelist()
            if name.endswith(".xhtml") and "nav" not in name
        ) + drawn(epub)
    with zipfile.ZipFile(build / f"{slug}.docx") as docx:
        docx_text = " ".join(
            re.sub(r"<[^>]+>", "", re.sub(r"</w:p>|<w:tab\s*/>|<w:br\s*/>", "\n", docx.read(name).decode()))
            for name in ("word/document.xml", "word/footnotes.xml")
            if name in docx.namelist()
        ) + drawn(docx)
    pdf_text = "\n".join(
        page.extract_text() for page in Pdf(build / f"{slug}.pdf").reader.pages
    )  # lines kept: words hyphenated at their end are joined
    return {"pdf": pdf_text, "epub": epub_text, "docx": docx_text}


def media(build: Path, slug: str) -> dict[str, set[bytes]]:
    found = {}
    for suffix, folder in (("epub", "EPUB/media/"), ("docx", "word/media/")):
        with zipfile.ZipFile(build / f"{slug}.{suffix}") as archive:
            found[suffix] = {archive.read(name) for name in archive.namelist() if name.startswith(folder)}
    return found


def site_images(build: Path, name: str, article) -> set[bytes]:
    """The image files a chapter's page shows (not the theme's), by their bytes."""
    folder = posixpath.dirname(name)
    base = f"{folder}/" if folder else ""
    images = set()
    for image in article.iter("img"):
        source = image.get("src") or ""
        if source.startswith(("data:", "http:", "https:")) or source.endswith("#only-dark"):
            continue  # of a light and dark pair, a reader sees one: the editions show the light one
        path = urllib.parse.urljoin("http://site/" + base, source).removeprefix("http://site/").split("#")[0]
        file = build / "site" / urllib.parse.unquote(path)
        if file.is_file():
            images.add(file.read_bytes())
    return images


CASES = {"material": "material-dialect", "conformance": "conformance-corpus", "sample_book": "the-presswork-handbook"}


def chapters(build: Path) -> list[str]:
    """The chapters the book's `nav` lists (its mkdocs.yml beside build/), in order: every one compared."""
    found: list[str] = []

    def walk(entry) -> None:
        if isinstance(entry, str):
            if entry.endswith(".md") and "://" not in entry:
                found.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                walk(value)
        elif isinstance(entry, list):
            for value in entry:
                walk(value)

    walk(config.load(build.parent / "mkdocs.yml").mkdocs.nav)
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_edition_holds_the_words_the_site_shows(case, request):
    build = request.getfixturevalue(case)
    slug, nav = CASES[case], chapters(build)
    texts = {edition: words(text) for edition, text in editions(build, slug).items()}
    for name, article in site_chapters(build, nav).items():
        site = words(article.text_content())
        for edition, found in texts.items():
            share = present(site, found)
            missing = sorted(word for word, count in site.items() if found[word] < count)
            assert share >= 0.99, f"{name}: {edition} holds {share:.1%} of the site's words; missing {missing[:20]}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_edition_shows_syntax_the_site_rendered(case, request):
    build = request.getfixturevalue(case)
    slug, nav = CASES[case], chapters(build)

    def pieces(text: str) -> Counter:  # spaces as the edition sets them (a DOCX run, a PDF line) do not make a new piece
        return Counter(re.sub(r"\s+", " ", match.group(0)) for match in SYNTAX.finditer(text))

    shown = sum((pieces(article.text_content()) for article in site_chapters(build, nav).values()), Counter())
    for edition, text in editions(build, slug).items():
        left = pieces(text)
        extra = {piece: count for piece, count in left.items() if count > shown[piece]}
        assert not extra, f"{edition} shows as text what the site rendered: {extra}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_image_of_the_site_is_in_every_edition(case, request):
    build = request.getfixturevalue(case)
    slug, nav = CASES[case], chapters(build)
    held = media(build, slug)
    pdf = Pdf(build / f"{slug}.pdf")
    pictures = sum(pdf.image_count(page) for page in range(len(pdf.page_texts())))
    wanted: set[bytes] = set()
    for name, article in site_chapters(build, nav).items():
        wanted |= site_images(build, name, article)
    assert wanted, "the book shows images on the site"
    for edition, files in held.items():
        assert wanted <= files, f"{edition} lacks {len(wanted - files)} of the site's {len(wanted)} images"
    assert pictures >= len(wanted)


def test_material_blocks_are_drawn_not_written(material):
    """Tabs each under their label, collapsible blocks open, notes numbered, check boxes drawn."""
    pdf = Pdf(material / "material-dialect.pdf").text()
    for shown in ("Python", "The Python tab about pythons.", "Rust", "The Rust tab about crabs.", "Collapsed question",
                  "The collapsed body about cormorants.", "Nested warning", "☒ A finished task", "☐ An open task",
                  "content.code.annotate (1)", "The annotation about owls", "Ctrl+Alt+Del"):  # fmt: skip
        assert shown in pdf, shown
    assert "The figure caption about puffins" in pdf and "A caption about puffins" not in pdf  # md_in_html's own caption
    assert "Start" in pdf and "Stop" in pdf and "graph LR" not in pdf  # the diagram drawn, its labels text
    code_page = (material / "site" / "code.html").read_text()
    assert 'class="pw-diagram"><svg' in code_page and 'class="mermaid"' not in code_page  # drawn once, no script needed
    with zipfile.ZipFile(material / "material-dialect.epub") as epub:
        svgs = [name for name in epub.namelist() if name.endswith(".svg")]
        pictures = {epub.read(name) for name in epub.namelist() if name.startswith("EPUB/media/")}
    docs = TESTS / "books" / "material" / "docs" / "images"
    assert (docs / "light.png").read_bytes() in pictures and (docs / "dark.png").read_bytes() not in pictures
    assert len(svgs) >= 5  # the icons, each the site's own SVG, and the diagram


def test_the_material_set_builds_untrusted_too(tmp_path):
    """Its !!python tags name only well-known callables, which an untrusted run reads too."""
    book = copy_book(TESTS / "books" / "material", tmp_path / "book")
    run = presswork("build", "--no-check", "--untrusted", "--format", "pdf", "--format", "site", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "Set up in minutes" in Pdf(book / "build" / "material-dialect.pdf").text()


def test_the_first_chapter_of_nav_is_the_home_page_whatever_its_name(tmp_path):
    book = copy_book(TESTS / "books" / "first-chapter-not-index", tmp_path / "book")
    run = presswork("build", "--no-check", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    home = (book / "build" / "site" / "index.html").read_text()
    assert "The home page, about" in home
    chapter = (book / "build" / "site" / "chapter.html").read_text()
    assert re.search(r'<a href="index.html">the preface</a>', chapter)
    pdf = Pdf(book / "build" / "first-chapter-not-index.pdf")
    assert pdf.text().index("The home page") < pdf.text().index("Back to the preface")


def test_links_to_tabs_fences_and_paragraphs_land_in_every_edition(material):
    """Ids the site gives a tab, a fence (`{ .sh #id }`) and a paragraph (`{ #id }`) are in the EPUB
    and the DOCX, and the PDF (whose Typst stops at a link to no label) was written."""
    site = (material / "site" / "blocks.html").read_text()
    wanted = ["content-tabs-rust", "hello-script", "marked", "anchors-empty"]
    assert all(f'id="{identifier}"' in site for identifier in wanted)
    with zipfile.ZipFile(material / "material-dialect.epub") as epub:
        text = " ".join(epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml"))
    with zipfile.ZipFile(material / "material-dialect.docx") as docx:
        document = docx.read("word/document.xml").decode()
    for identifier in wanted:
        assert re.search(rf'id="[\w-]*{identifier}"', text), identifier
        assert re.search(rf'w:name="[\w-]*{identifier}"', document), identifier
        assert re.search(rf'href="[^"]*#[\w-]*{identifier}"', text), identifier  # the link, not made text
    assert "A paragraph marked with an id, about terns." in Pdf(material / "material-dialect.pdf").text()


def test_a_site_that_loads_from_the_network_is_built_with_one_warning_per_address(tmp_path):
    """Material's default fonts come from Google: the site is built, and the build says so once,
    with the number of pages, rather than refusing a configuration that Material documents."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "mkdocs.yml").write_text(
        "site_name: Fonts\ntheme:\n  name: material\nnav:\n  - index.md\n  - other.md\nplugins:\n  - presswork\n"
    )
    (book / "docs" / "index.md").write_text("# Fonts\n\nThe theme's own fonts.\n")
    (book / "docs" / "other.md").write_text("# Other\n\n![A remote picture](https://example.org/picture.png)\n")
    run = presswork("build", "--no-check", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    fonts = [line for line in run.stderr.splitlines() if "fonts.googleapis.com" in line]
    assert len(fonts) == 1 and ": warning: " in fonts[0] and "more page" in fonts[0] and "theme.font: false" in fonts[0], run.stderr
    assert "https://example.org/picture.png' from the network" in run.stderr
    assert "fonts.googleapis.com" in (book / "build" / "site" / "index.html").read_text()


def test_numbered_and_highlighted_code_lines_in_the_pdf(material):
    """`linenums="1" hl_lines="2 3"`: the PDF numbers the lines in the margin of the block and lays
    the two marked lines, and only those, on a tinted ground."""
    pdf = Pdf(material / "material-dialect.pdf")
    text = pdf.text()
    assert "1 def bubble_sort(items):" in text and "5 items[j], items[j + 1]" in text
    page = pdf.reader.pages[pdf.page_of("def bubble_sort(items):")]
    drawn = page.get_contents().get_data().decode("latin-1")
    tinted = re.findall(r"\b1 0\.95\d* 0\.69\d* (?:rg|scn)\b", drawn)  # #fff3b0, the marked lines' ground
    assert len(tinted) == 2, re.findall(r"[\d.]+ [\d.]+ [\d.]+ (?:rg|scn)", drawn)


def test_a_figure_without_a_caption_is_not_numbered_in_the_pdf(material):
    """A drawn diagram has no caption: the PDF shows it centred, without a lone "Figure N."."""
    pdf = Pdf(material / "material-dialect.pdf")
    page = pdf.page_texts()[pdf.page_of("Start")]
    assert not re.search(r"Figure \d+\.?\s*$|Figure \d+\.\s*(?![A-Z])", page), page
    assert re.search(r"Figure \d+\W+The figure caption about puffins", pdf.text())  # one with a caption still is


@pytest.mark.parametrize("name", ["material", "conformance"])
def test_chapters_read_while_the_others_render_make_the_same_book(name, tmp_path):
    """pandoc reads each chapter as soon as MkDocs has rendered it (`assembly.Reading`): the book is
    the one read after the whole rendering, node for node, with the same warnings."""
    from pipeline.configuration import config
    from pipeline.rendering import assembly
    from pipeline.rendering.render import Rendering
    from pipeline.sources import manuscript
    from pipeline.store import Store

    book = copy_book(TESTS / "books" / name if name == "material" else TESTS / name, tmp_path / "book")
    if name == "conformance":  # two chapters alike (a book copied into two parts): each keeps a tree of its own
        (book / "book" / "second-copy.md").write_text((book / "book" / "second.md").read_text())
        config_file = book / "mkdocs.yml"
        config_file.write_text(
            config_file.read_text().replace("  - Second: second.md\n", "  - Second: second.md\n  - Copy: second-copy.md\n")
        )
    settings = config.load(book / "mkdocs.yml")
    chapters = manuscript.read(settings, 0)
    made = []
    for early in (True, False):
        reading = assembly.Reading(chapters, Store(None)) if early else None
        rendering = Rendering(
            settings, site_dir=tmp_path / f"site-{early}", epoch=0, trusted=True, downloads=[], on_page=reading.page if reading else None
        )
        made.append(assembly.assemble(chapters, rendering, Store(None), reading))
        assert not early or reading.read, "some chapters were read while the others rendered"
    assert made[0].document == made[1].document and made[0].warnings == made[1].warnings
