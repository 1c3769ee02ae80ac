"""The editions' accessibility, checked as a reader's tools check it: DAISY Ace (the reference checker
of EPUB accessibility, run for real in Debian's chromium) on the handbook's EPUB, the metadata and the
summary the package declares read back from it, and a book whose EPUB fails Ace stopped, or, when the
book says so, published with a warning and without a claim of conformance."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from artifacts import editions_on, structure
from conftest import REPO, TESTS, copy_book, presswork

from pipeline.configuration import config
from pipeline.environment import cache_folder
from pipeline.formats.site import schemes
from pipeline.store import Store
from pipeline.tools import ace, axe, verapdf

SLUG = "the-presswork-handbook"
ACE = ace.Checker.find(cache_folder(os.environ))
NEEDS_ACE = pytest.mark.skipif(ACE.missing() is not None, reason=f"{ACE.missing()} (make test installs it from npm)")
CLAIM = '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>'


def _members(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith((".opf", ".xhtml"))}


def _summary(opf: str) -> str:
    return re.search(r'<meta property="schema:accessibilitySummary"[^>]*>(.*?)</meta>', opf, re.DOTALL).group(1)


@NEEDS_ACE
def test_the_handbook_s_epub_passes_daisy_ace(sample_book):
    found = ACE.check(sample_book / f"{SLUG}.epub", timeout=600)
    assert found == [], "\n".join(f"{v.document}: {v.rule}: {v.html}" for v in found[:20])


@NEEDS_ACE
def test_the_epub_declares_its_accessibility_from_what_it_holds(sample_book):
    members = _members(sample_book / f"{SLUG}.epub")
    opf = members["EPUB/content.opf"]
    assert CLAIM in opf
    for feature in (
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "MathML",
        "pageBreakMarkers",
        "pageNavigation",
    ):
        assert f'<meta property="schema:accessibilityFeature">{feature}</meta>' in opf
    # its pages are the PDF's (tests/formats/test_print_pages.py), and it says so
    assert f'<dc:source id="pw-page-source">{SLUG}.pdf</dc:source>' in opf
    assert '<meta refines="#pw-page-source" property="source-of">pagination</meta>' in opf
    assert '<meta property="schema:accessibilityHazard">none</meta>' in opf
    summary = _summary(opf)
    assert f"DAISY Ace {ACE.version} found no violation" in summary
    chapters = [text for name, text in members.items() if name.startswith("EPUB/text/ch")]
    tables = sum(text.count("<table") for text in chapters)
    formulas = sum(text.count("<math") for text in chapters)
    assert f"{tables} tables, each with a header row" in summary
    assert f"({formulas} formulas)" in summary
    assert "The pages of its PDF edition are marked where they begin and listed" in summary
    for name, text in members.items():  # every document says its language
        if name.endswith(".xhtml"):
            assert re.search(r'<html [^>]*xml:lang="en"', text), name
    # A link is told from the text around it by more than its colour; code lines are no empty links.
    assert not any(re.search(r'<a href="#cb\d+-\d+"', text) for text in chapters)


@NEEDS_ACE
def test_ace_s_epub_parser_is_mended_for_long_books():
    """`make` mends Ace's EPUB parser, which looked up each spine item's manifest entry with an XPath
    query over the whole manifest (minutes for a book of 1,000 chapters), once: the lookups are by id."""
    text = (ACE.modules / "@daisy" / "epub-utils" / "lib" / "epub-parse.js").read_text(encoding="utf-8")
    assert "manifestItemById(idref.nodeValue)" in text and "manifestItemById(moAttr)" in text
    assert "opf:item[@id=" not in text
    assert ACE.mend() is None  # already mended: nothing is done twice


def _fixture(tmp_path: Path, edition: str, level: str | None) -> Path:
    """The book of accessibility findings, built as `edition` alone, its checker at `level` (or the default)."""
    book = copy_book(TESTS / "books" / "accessibility", tmp_path / "book")
    config = (book / "mkdocs.yml").read_text().replace("formats: [site]", f"formats: [{edition}]")
    if level:
        config += f"      accessibility:\n        {edition}: {level}\n"
    (book / "mkdocs.yml").write_text(config)
    return book


@NEEDS_ACE
def test_an_epub_that_fails_ace_is_not_written_when_the_book_makes_it_an_error(tmp_path):
    book = _fixture(tmp_path, "epub", "error")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 4, run.stderr
    line = run.stderr.strip().splitlines()[-1]
    assert line.startswith("book/index.md: error: DAISY Ace"), line  # the chapter, and the document it became
    assert "(in accessibility-findings.epub/text/ch001.xhtml)" in line
    assert "color-contrast" in line and "#aaaaaa" in line and "accessibility: {epub: warning}" in line
    assert not (book / "build" / "accessibility-findings.epub").exists()


@NEEDS_ACE
def test_an_epub_that_fails_ace_is_published_with_a_warning_and_no_claim_by_default(tmp_path):
    book = _fixture(tmp_path, "epub", None)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert re.search(r"book/index\.md: warning: DAISY Ace [\d.]+: \d+ violations, the first serious color-contrast", run.stderr), run.stderr
    opf = _members(book / "build" / "accessibility-findings.epub")["EPUB/content.opf"]
    assert "dcterms:conformsTo" not in opf
    assert "claims no conformance" in _summary(opf)
    assert "4 of them without a text alternative" in _summary(opf)


@NEEDS_ACE
def test_an_epub_that_passes_ace_at_warning_claims_conformance(tmp_path):
    """Held to its claim as it is built: an EPUB that DAISY Ace passes keeps it at the default level."""
    book = _fixture(tmp_path, "epub", None)
    (book / "book" / "index.md").write_text("# Shore birds\n\nA heron stands in the water.\n")
    (book / "book" / "pictures.md").write_text("# Pictures\n\nNone yet.\n")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0 and "warning" not in run.stderr, run.stderr
    opf = _members(book / "build" / "accessibility-findings.epub")["EPUB/content.opf"]
    assert CLAIM in opf and f"DAISY Ace {ACE.version} found no violation" in _summary(opf)


@NEEDS_ACE
def test_ace_s_kept_verdicts_report_what_a_full_check_reports(tmp_path):
    """DAISY Ace reads again only the documents that changed: on a book with violations in its
    chapters, a check reusing the kept verdicts of the others reports exactly what Ace reports when it
    reads every document, and a document mended is no longer reported. Each check tells of the
    documents it reads as it reads them (the live line's "DAISY Ace: document 2 of 4")."""
    book = _fixture(tmp_path, "epub", None)
    epub = book / "build" / "accessibility-findings.epub"
    store = Store(tmp_path / "store")
    assert presswork("build", "--no-check", "--no-cache", cwd=book).returncode == 0
    heard: list[tuple[int, int]] = []
    first = ACE.check(epub, timeout=600, store=store, on_document=lambda done, total: heard.append((done, total)))
    assert first == ACE.check(epub, timeout=600) and {v.document for v in first} >= {"text/ch001.xhtml", "text/ch002.xhtml"}
    kept = sorted((tmp_path / "store" / "ace").rglob("*.json"))
    documents = [name for name in _members(epub) if name.endswith(".xhtml")]
    assert len(kept) == len(documents)  # one verdict for each content document (the navigation's too)
    assert heard[-1] == (len(documents), len(documents)) and heard == sorted(heard), heard

    chapter = book / "book" / "index.md"
    chapter.write_text(chapter.read_text() + '\n<span style="color: #bbbbbb">A second pale line.</span>\n')
    assert presswork("build", "--no-check", "--no-cache", cwd=book).returncode == 0
    heard.clear()
    again = ACE.check(epub, timeout=600, store=store, on_document=lambda done, total: heard.append((done, total)))
    assert again == ACE.check(epub, timeout=600) and again != first
    assert heard == [(1, 1)]  # the one changed document
    assert len(list((tmp_path / "store" / "ace").rglob("*.json"))) == len(kept) + 1  # only the changed chapter was read

    chapter.write_text("# Shore birds\n\nA heron stands in the water.\n")
    assert presswork("build", "--no-check", "--no-cache", cwd=book).returncode == 0
    mended = ACE.check(epub, timeout=600, store=store)
    assert mended == ACE.check(epub, timeout=600)
    assert {v.document for v in mended} == {"text/ch002.xhtml"}


def test_a_draft_skips_the_checkers_and_claims_nothing(tmp_path):
    """`build --draft` builds a book that fails every checker without running them: nothing stops it,
    no edition claims conformance, and its last line says it is a draft."""
    import pikepdf

    book = _fixture(tmp_path, "site, pdf, epub", None)
    config = (book / "mkdocs.yml").read_text()
    (book / "mkdocs.yml").write_text(config + "      accessibility: {site: error, pdf: error, epub: error}\n")
    assert presswork("build", "--no-check", cwd=book).returncode == 4  # what the checkers say of it
    run = presswork("build", "--no-check", "--draft", cwd=book)
    assert run.returncode == 0, run.stderr
    assert not re.search("DAISY Ace|veraPDF|axe-core", run.stderr.rsplit("\n", 2)[0]), run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("a draft: DAISY Ace, veraPDF and axe-core did not run")
    opf = _members(book / "build" / "accessibility-findings.epub")["EPUB/content.opf"]
    assert "dcterms:conformsTo" not in opf and "claims no conformance" in _summary(opf)
    with pikepdf.open(book / "build" / "accessibility-findings.pdf") as document:
        assert b"pdfuaid" not in document.Root.Metadata.read_bytes()


def test_strict_mode_makes_an_edition_s_accessibility_failure_an_error(tmp_path):
    """`strict: true`, MkDocs' own switch for warnings that stop the build, does so for the editions'
    checkers too, unless the book sets their level itself."""
    book = _fixture(tmp_path, "pdf", None)
    (book / "mkdocs.yml").write_text("strict: true\n" + (book / "mkdocs.yml").read_text())
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 4, run.stderr
    assert "error: typst refuses the PDF: it cannot be PDF/UA-1" in run.stderr.strip().splitlines()[-1]
    config = (book / "mkdocs.yml").read_text() + "      accessibility:\n        pdf: warning\n"
    (book / "mkdocs.yml").write_text(config)
    assert presswork("build", "--no-check", cwd=book).returncode == 0


VERAPDF = verapdf.Validator.find(cache_folder(os.environ))
NEEDS_VERAPDF = pytest.mark.skipif(VERAPDF.missing() is not None, reason=f"{VERAPDF.missing()} (make test installs it from Maven Central)")


@NEEDS_VERAPDF
def test_the_handbook_s_pdf_is_pdf_ua_1_by_verapdf(sample_book):
    import pikepdf

    pdf = sample_book / f"{SLUG}.pdf"
    assert VERAPDF.check(pdf, timeout=600) == []
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "en"
        assert bool(document.Root.ViewerPreferences.DisplayDocTitle)  # the title, not the file name, in the window
        assert b"<pdfuaid:part>1</pdfuaid:part>" in document.Root.Metadata.read_bytes()
    elements = structure(pdf)
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    formulas = [alt for kind, alt in elements if kind == "/Formula"]
    assert figures and all(figures), figures  # every picture described
    assert "How a build flows from the chapters and mkdocs.yml to the four editions in build/" in figures
    assert formulas and all(formulas) and any("mc^2" in alt.replace(" ", "") for alt in formulas), formulas


def test_a_pdf_that_cannot_be_pdf_ua_1_is_not_written_when_the_book_makes_it_an_error(tmp_path):
    book = _fixture(tmp_path, "pdf", "error")  # "#### Wading birds" under "# Shore birds"
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 4, run.stderr
    line = run.stderr.strip().splitlines()[-1]
    assert line.startswith(
        "accessibility-findings.pdf: error: typst refuses the PDF: it cannot be PDF/UA-1: skipped from heading level 1 to 4 in the chapter 'Shore birds'"
    ), line
    assert not (book / "build" / "accessibility-findings.pdf").exists()


def test_a_pdf_that_is_not_pdf_ua_1_is_published_with_a_warning_by_default(tmp_path):
    import pikepdf

    book = _fixture(tmp_path, "pdf", None)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert (
        "accessibility-findings.pdf: warning: it cannot be PDF/UA-1: skipped from heading level 1 to 4 in the chapter 'Shore birds'; it is written without PDF/UA-1"
        in run.stderr
    )
    with pikepdf.open(book / "build" / "accessibility-findings.pdf") as document:
        assert b"pdfuaid" not in document.Root.Metadata.read_bytes()
        assert "/StructTreeRoot" in document.Root  # still tagged


@NEEDS_VERAPDF
def test_a_pdf_that_fails_verapdf_at_warning_is_written_without_the_claim(tmp_path, monkeypatch):
    """A fake for a fault that cannot be produced for real here: no book is known whose PDF typst
    writes as PDF/UA-1 and veraPDF then fails. veraPDF runs for real on the PDF, and one failure is
    added to what it reports; the PDF published, tagged as it was, no longer claims PDF/UA-1, and
    the Downloads page claims nothing for it."""
    import io

    import pikepdf
    from conftest import EPOCH

    from pipeline import build as builds
    from pipeline.formats.base import Programs
    from pipeline.progress import Progress
    from pipeline.store import Store

    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "docs" / "index.md").write_text("# Gulls\n\nGulls nest on cliffs.\n")
    (book / "mkdocs.yml").write_text(
        "site_name: Gulls\ntheme: {name: material, font: false}\nnav:\n  - index.md\nplugins:\n  - presswork:\n"
        "      formats: [pdf, site]\n      accessibility: {pdf: warning, site: off}\n"
    )  # fmt: skip
    real = verapdf.Validator.check
    seen = []

    def check(self, pdf, *, timeout, warm=None):
        seen.append(real(self, pdf, timeout=timeout, warm=warm))
        return [
            *seen[-1],
            verapdf.Failure("7.1", 3, "Content shall be marked as Artifact or tagged as real content", 1, "root/document[0]/pages[0]"),
        ]

    monkeypatch.setattr(verapdf.Validator, "check", check)
    said = io.StringIO()
    builds.build(
        config.load(book / "mkdocs.yml"), formats=[], out=book / "build", epoch=int(EPOCH), progress=Progress(said),
        store=Store(tmp_path / "store"), offline=True, programs=Programs.found(),
    )  # fmt: skip
    assert seen == [[]]  # veraPDF ran once, as the PDF was built, and passed it
    assert f"gulls.pdf: warning: veraPDF {VERAPDF.version}: PDF/UA-1 fails 1 rule, the first ISO 14289-1 7.1 test 3" in said.getvalue(), (
        said.getvalue()
    )
    assert "it is written without claiming PDF/UA-1" in said.getvalue()
    with pikepdf.open(book / "build" / "gulls.pdf") as document:
        assert b"pdfuaid" not in document.Root.Metadata.read_bytes()
        assert "/StructTreeRoot" in document.Root  # still tagged
    shown = editions_on((book / "build" / "site" / "downloads.html").read_text())["gulls.pdf"]["Accessibility"]
    # no claim; where it would be, what stood in its way
    assert shown.startswith(f"— (veraPDF {VERAPDF.version}: PDF/UA-1 fails 1 rule, the first ISO 14289-1 7.1 test 3"), shown


def test_the_downloads_page_says_what_each_edition_declares_and_what_checked_it(sample_book):
    page = (sample_book / "site" / "downloads.html").read_text()
    rows = {card["format"]: card["Accessibility"] for card in editions_on(page).values()}
    pdf = "PDF/UA-1" + ("" if VERAPDF.missing() else f" (veraPDF {VERAPDF.version})")
    epub = "" if ACE.missing() else f"EPUB Accessibility 1.1 - WCAG 2.1 Level AA (DAISY Ace {ACE.version})"
    assert pdf in rows["PDF"], rows["PDF"]
    assert epub in rows["EPUB"], rows["EPUB"]
    assert "—" in rows["Word (DOCX)"]


AXE = axe.Checker.find(cache_folder(os.environ))
NEEDS_AXE = pytest.mark.skipif(AXE.missing() is not None, reason=f"{AXE.missing()} (make test installs it from npm)")


@NEEDS_AXE
def test_every_page_of_the_handbook_s_site_passes_axe_core(sample_book):
    site = sample_book / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    palettes = schemes(config.load(REPO / "mkdocs.yml").mkdocs.theme)
    assert palettes == ["default", "slate"]  # light and dark, as a reader's toggle has them
    found = AXE.check(site, pages, palettes, timeout=900)
    assert found == [], "\n".join(f"{v.page} ({v.scheme}): {v.rule}: {v.html} {v.why}" for v in found[:20])


@NEEDS_AXE
def test_a_site_that_fails_axe_core_is_not_written_when_the_book_makes_it_an_error(tmp_path):
    book = _fixture(tmp_path, "site", "error")  # a pale grey word, a yellow link
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 4, run.stderr
    line = run.stderr.strip().splitlines()[-1]
    assert re.match(
        r"book/index\.md: error: axe-core [\d.]+: \d+ violations on \d+ pages?, the first serious color-contrast \(default colours\)", line
    ), line
    assert "(on site/index.html)" in line
    assert not (book / "build" / "site").exists()


@NEEDS_AXE
def test_a_site_that_fails_axe_core_is_published_with_a_warning_by_default(tmp_path):
    book = _fixture(tmp_path, "site", None)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert re.search(r"book/index\.md: warning: axe-core [\d.]+: \d+ violations? on \d+ pages?", run.stderr), run.stderr
    assert (book / "build" / "site" / "index.html").is_file()


def _two_pages(folder: Path, css: str = "", birds: bool = False) -> Path:
    """A book of two chapters (and two more in a folder, `birds/`), built as a site, its axe-core
    findings warnings."""
    (folder / "book").mkdir(parents=True)
    (folder / "book" / "index.md").write_text("# Home\n\nThe first page.\n")
    (folder / "book" / "two.md").write_text("# Two\n\nThe second page.\n")
    nav = ["index.md", "two.md"]
    if birds:
        (folder / "book" / "birds").mkdir()
        for name in ("tern", "gull"):
            (folder / "book" / "birds" / f"{name}.md").write_text(f"# {name.title()}\n\nA bird.\n")
            nav.append(f"birds/{name}.md")
    extra = ""
    if css:
        (folder / "book" / "pale.css").write_text(css)
        extra = "extra_css: [pale.css]\n"
    (folder / "mkdocs.yml").write_text(
        "site_name: Two pages\ndocs_dir: book\ntheme:\n  name: material\n  font: false\n" + extra +
        "nav:\n" + "".join(f"  - {name}\n" for name in nav) + "plugins:\n  - presswork:\n      formats: [site]\n      accessibility: {site: warning}\n"
    )  # fmt: skip
    return folder


@NEEDS_AXE
@NEEDS_AXE
def test_a_long_site_is_checked_in_runs_of_the_browser_with_the_same_verdict(tmp_path, monkeypatch):
    """A long book's site is checked `axe.BATCH` pages to a run of the browser, each run within the
    timeout: one page to a run finds what one run for them all finds."""
    book = _fixture(tmp_path, "site", "warning")
    assert presswork("build", "--no-check", cwd=book).returncode == 0
    site = book / "build" / "site"
    pages = sorted(site.rglob("*.html"))
    together = AXE.check(site, pages, ["default"], timeout=600)
    monkeypatch.setattr(axe, "BATCH", 1)
    assert together and AXE.check(site, pages, ["default"], timeout=600) == together
    assert len(pages) > 1


def test_the_navigation_is_checked_once_and_still_fails_the_site(tmp_path):
    """The chapters' navigation is the same on every page: axe-core checks it on the home page and on
    the first page of each folder of chapters (a tab of its own, with navigation.tabs), so a pale
    navigation is found there, and the other pages are checked for what they hold of their own."""
    book = _two_pages(tmp_path / "book", ".md-nav__link { color: #d8d8d8 !important; }\n", birds=True)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    warning = next(line for line in run.stderr.splitlines() if "warning: axe-core" in line)
    # the home page and birds/gull.html (the first of its folder), not two.html or birds/tern.html
    assert re.match(
        r"book/birds/gull\.md: warning: axe-core [\d.]+: \d+ violations on 2 pages, the first serious color-contrast \(default colours\)",
        warning,
    ), warning
    assert '<span class="md-ellipsis"> Home </span> (on site/birds/gull.html)' in warning, warning


@NEEDS_AXE
def test_a_page_s_verdict_is_kept_until_the_page_changes(tmp_path):
    """A rebuild checks again only the pages that changed: a violation on a page left alone is still
    reported, and one mended is not."""
    book = _two_pages(tmp_path / "book")
    two = book / "book" / "two.md"
    two.write_text('# Two\n\n<span style="color: #dddddd">A pale line.</span>\n')
    first = presswork("build", "--no-check", cwd=book)
    assert "warning: axe-core" in first.stderr and "1 page" in first.stderr, first.stderr
    (book / "book" / "index.md").write_text("# Home\n\nThe first page, changed.\n")
    again = presswork("build", "--no-check", cwd=book)
    assert again.returncode == 0, again.stderr
    assert re.search(r"book/two\.md: warning: axe-core [\d.]+: 1 violation on 1 page", again.stderr), again.stderr
    two.write_text('# Two\n\n<span style="color: #333333">A dark line.</span>\n')
    mended = presswork("build", "--no-check", cwd=book)
    assert mended.returncode == 0 and "axe-core" not in mended.stderr, mended.stderr


def test_a_language_the_source_marks_is_marked_in_every_edition(tmp_path):
    """`<span lang="ru">`, `*чайка*{ lang=ru }` and a paragraph's `{: lang=ru }` (tests/books/accessibility):
    pandoc keeps the language of spans and blocks only, and its Typst writer of blocks only."""
    import pikepdf

    book = _fixture(tmp_path, "epub, pdf, docx", None)
    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + "      accessibility: {epub: off, pdf: off, site: off}\n")
    run = presswork("build", "--no-check", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    chapter = _members(book / "build" / "accessibility-findings.epub")["EPUB/text/ch001.xhtml"]
    assert re.search(r'<span lang="ru"[^>]*>цапля</span>', chapter) and re.search(r'<span lang="ru"[^>]*>чайка</span>', chapter), chapter
    assert re.search(r'<div lang="ru"[^>]*>\s*<p>Серая цапля стоит в воде\.</p>', chapter), chapter
    with zipfile.ZipFile(book / "build" / "accessibility-findings.docx") as docx:
        document = docx.read("word/document.xml").decode()
    russian = re.findall(r'<w:r>(?:(?!</w:r>).)*?<w:lang w:val="ru" />(?:(?!</w:r>).)*?<w:t[^>]*>([^<]*)</w:t>', document)
    assert {"цапля", "чайка", "Серая цапля стоит в воде."} <= set(russian), russian
    with pikepdf.open(book / "build" / "accessibility-findings.pdf") as pdf:
        marked = b"".join(page.Contents.read_bytes() for page in pdf.pages if "/Contents" in page)
    assert marked.count(b"/Lang(ru)") >= 2, "the two Russian words are in marked content that says so"


def _strict_pdf_book(tmp_path: Path, title: str, extensions: str, chapter: str, pictures: tuple[str, ...] = ()) -> Path:
    """A book of one chapter (and the `pictures` it shows, each a copy of a PNG), built as a PDF that
    must be PDF/UA-1 (`accessibility: {pdf: error}`), with exit 0 expected."""
    book = tmp_path / "book"
    (book / "book").mkdir(parents=True)
    for name in pictures:
        shutil.copy(TESTS / "books" / "material" / "docs" / "images" / "figure.png", book / "book" / name)
    (book / "book" / "index.md").write_text(chapter)
    (book / "mkdocs.yml").write_text(
        f"site_name: {title}\ndocs_dir: book\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\n{extensions}"
        "plugins:\n  - presswork:\n      formats: [pdf]\n      accessibility: {pdf: error}\n"
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    return book


@NEEDS_VERAPDF
def test_material_s_buttons_with_icons_are_pdf_ua_1(tmp_path):
    """A button with an icon (`[:octicons-heart-fill-24: Sponsor](url){ .md-button }`), as Material's
    reference pages write them: the icon is decoration, which PDF/UA-1 lets hold no link, so the PDF
    sets it beside the link; a link that is an icon alone is described by where it leads."""
    import pikepdf

    from pipeline.formats import accessibility

    extensions = (
        "markdown_extensions:\n  - attr_list\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
    )
    book = _strict_pdf_book(
        tmp_path, "Buttons", extensions,
        "# Buttons\n\n[Subscribe](https://example.org/news){ .md-button }\n\n"
        "[:octicons-heart-fill-24: Sponsor](https://example.org/start){ .md-button .md-button--primary }\n\n"
        "[Send :fontawesome-solid-paper-plane:](https://example.org/send){ .md-button }\n\n"
        "Only an icon: [:fontawesome-brands-github:](https://github.com/example)\n\n"
        "A screenshot that is a link, as Zero Install's documentation has one: [![](shot.png)](https://example.org/app)\n\n"
        "[![](logo.png) The project](https://example.org/project)\n",
        pictures=("shot.png", "logo.png"),
    )  # fmt: skip
    pdf = book / "build" / "buttons.pdf"
    assert accessibility.declared(pdf) == accessibility.PDF_CONFORMANCE
    with pikepdf.open(pdf) as document:
        links = sorted(str(a.A.URI) for page in document.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A)
    assert links == sorted(2 * [
        "https://example.org/app", "https://example.org/news", "https://example.org/project", "https://example.org/send",
        "https://example.org/start", "https://github.com/example",
    ])  # fmt: skip  # each link, and its address printed in a note
    figures = [alt for kind, alt in structure(pdf) if kind == "/Figure"]
    # the icons and the logo beside their links are artifacts; the lone icon and the lone screenshot are the link
    assert figures == ["github.com/example", "example.org/app"]


@NEEDS_VERAPDF
def test_a_heading_that_begins_with_a_raw_anchor_is_pdf_ua_1(tmp_path):
    """`## <a id="tides"></a>Tides`, as long books mark what other chapters link to: the anchor is set
    just before the heading, which keeps its words (typst would read it as empty)."""
    from pipeline.formats import accessibility

    book = _strict_pdf_book(
        tmp_path, "Anchors", "", '# Harbour\n\nSee [the tides](#tides).\n\n## <a id="tides"></a>Tides\n\nTwice a day.\n'
    )
    pdf = book / "build" / "anchors.pdf"
    assert accessibility.declared(pdf) == accessibility.PDF_CONFORMANCE
    headings = [alt for kind, alt in structure(pdf) if kind in ("/H2", "/H3")]
    assert headings, structure(pdf)


def test_the_downloads_page_says_why_an_edition_claims_no_conformance(tmp_path):
    """A PDF typst cannot write as PDF/UA-1 (a skipped heading level) is published at the default
    level, and the Downloads page says what stood in its way where a claim would be."""
    book = _fixture(tmp_path, "site, pdf", None)
    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + "      accessibility: {site: off}\n")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    page = (book / "build" / "site" / "downloads.html").read_text()
    shown = editions_on(page)["accessibility-findings.pdf"]["Accessibility"]
    assert shown == "— (it cannot be PDF/UA-1: skipped from heading level 1 to 4 in the chapter 'Shore birds')", shown


def test_each_document_of_the_epub_is_titled_as_its_chapter(sample_book):
    """A reading system shows a document's `<title>` and a screen reader says it: pandoc titles each
    by its file's name (`ch003.xhtml`); each is its chapter's title, as its first heading reads."""
    import lxml.etree

    members = _members(sample_book / f"{SLUG}.epub")
    chapters = {name: text for name, text in members.items() if name.startswith("EPUB/text/ch")}
    assert len(chapters) >= 20
    for name, text in chapters.items():
        document = lxml.etree.fromstring(text.encode("utf-8"))
        namespace = {"x": "http://www.w3.org/1999/xhtml"}
        title = document.findtext(".//x:head/x:title", namespaces=namespace)
        heading = document.xpath("(.//x:h1|.//x:h2)[1]", namespaces=namespace)[0]
        shown = " ".join("".join(heading.itertext()).split())
        assert title == shown.removeprefix(heading.get("data-number") or "").strip(), name  # the title without its number
    assert "<title>Bringing your book</title>" in members["EPUB/text/ch003.xhtml"]


def test_the_epub_numbers_chapters_and_sections_as_the_pdf_does(sample_book):
    """A number cited from one edition is found in the other: every chapter and section of the
    EPUB carries the number the PDF's contents give it (1, 1.1; headings below them have none)."""
    import subprocess

    import lxml.etree

    printed = " ".join(
        subprocess.run(["pdftotext", str(sample_book / f"{SLUG}.pdf"), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    numbered = []
    for name, text in _members(sample_book / f"{SLUG}.epub").items():
        if name.startswith("EPUB/text/ch"):
            document = lxml.etree.fromstring(text.encode("utf-8"))
            for heading in document.xpath(
                "//*[local-name()='h1' or local-name()='h2' or local-name()='h3' or local-name()='h4'][@data-number]"
            ):
                number = heading.get("data-number")
                title = " ".join("".join(heading.itertext()).split()).removeprefix(number).strip()
                numbered.append((heading.tag.rsplit("}", 1)[-1], number, title))
    assert len(numbered) > 100
    assert {tag for tag, _, _ in numbered} == {"h1", "h2"}
    missing = [f"{number} {title}" for _, number, title in numbered if f"{number} {title}" not in printed]
    assert not missing, missing[:10]
    assert ("h2", "11.10", "Looking inside from Python") in numbered
