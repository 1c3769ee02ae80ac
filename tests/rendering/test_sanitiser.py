"""One sanitiser for the site and every edition: public mutation-XSS payloads built untrusted run
nothing and keep no handler in any edition, opened in chromium as a reader opens them; what the
sanitiser takes out is what `presswork check --untrusted` reports; untrusted SVG files lose their
scripts and keep their drawing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from conftest import TESTS, copy_book, presswork

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MODULES = Path(os.environ.get("PRESSWORK_CACHE", Path.home() / ".cache" / "presswork")) / "mermaid" / "node_modules"
VECTORS = json.loads((TESTS / "books" / "mutation-xss" / "vectors.json").read_text(encoding="utf-8"))
browser = pytest.mark.skipif(
    CHROMIUM is None or not (MODULES / "puppeteer-core").is_dir(),
    reason="chromium or puppeteer-core is not installed (make test installs Debian's chromium, and puppeteer-core with mermaid)",
)


def _open(selector: str, paths: list[Path]) -> list[dict]:
    """What each page held and did, opened in chromium (tests/hostile.mjs)."""
    run = subprocess.run(
        ["node", str(TESTS / "hostile.mjs"), selector, *(path.resolve().as_uri() for path in paths)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PRESSWORK_NODE_MODULES": str(MODULES), "PRESSWORK_CHROMIUM": CHROMIUM or ""},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return [json.loads(line) for line in run.stdout.splitlines()]


def _harm(row: dict) -> dict:
    return {name: row[name] for name in ("ran", "requests", "handlers", "scriptUrls", "running") if row[name]}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The payloads, one chapter each (as a block, then inside a paragraph), built untrusted."""
    book = copy_book(TESTS / "books" / "mutation-xss", tmp_path_factory.mktemp("xss") / "book")
    for number, vector in enumerate(VECTORS, 1):
        payload = vector["payload"]
        (book / "book" / f"v{number:03}.md").write_text(f"# Vector {number}\n\n{payload}\n\nAnd inline: {payload} to the end.\n")
    run = presswork("build", "--untrusted", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr[-3000:]
    return book


@browser
def test_no_payload_runs_or_keeps_a_handler_in_the_site_or_the_epub(hostile):
    site = sorted((hostile / "build" / "site").glob("v*.html"))
    assert len(site) == len(VECTORS)
    pages = _open("article", site)
    assert {row["url"]: _harm(row) for row in pages if _harm(row)} == {}
    epub = hostile / "epub"
    with zipfile.ZipFile(hostile / "build" / "hostile.epub") as archive:
        archive.extractall(epub)
    documents = sorted((epub / "EPUB" / "text").glob("ch*.xhtml"))
    assert len(documents) > len(VECTORS)
    opened = _open("body", documents)
    assert {row["url"]: _harm(row) for row in opened if _harm(row)} == {}
    assert sum(row["present"].get("p", 0) for row in opened) > len(VECTORS)  # the chapters' text is there


def test_the_pdf_and_docx_hold_no_script(hostile):
    with zipfile.ZipFile(hostile / "build" / "hostile.docx") as archive:
        for name in archive.namelist():  # a link's address is a relationship's target, or a HYPERLINK field's
            data = archive.read(name).lower()
            targets = re.findall(rb'target="([^"]*)"', data) + re.findall(rb"<w:instrtext[^>]*>([^<]*)", data)
            assert not [t for t in targets if re.match(rb"\s*(javascript|vbscript|data):", t)], name
    with pikepdf.open(hostile / "build" / "hostile.pdf") as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A", {})
                assert "/JS" not in action and not str(action.get("/URI", "")).lower().startswith(("javascript", "vbscript"))
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root


@browser
def test_check_untrusted_reports_every_payload_the_sanitiser_changes(hostile, tmp_path):
    """Built trusted, the same chapters hold what the untrusted site leaves out: each chapter that
    loses an element or an attribute has a finding of `check --untrusted` saying so."""
    trusted = copy_book(hostile, tmp_path / "trusted")
    run = presswork("build", "--no-check", "--format", "site", cwd=trusted)
    assert run.returncode == 0, run.stderr[-3000:]
    names = [f"v{number:03}.html" for number in range(1, len(VECTORS) + 1)]
    kept = _open("article", [hostile / "build" / "site" / name for name in names])
    written = _open("article", [trusted / "build" / "site" / name for name in names])
    assert any(row["ran"] for row in written)  # trusted, they do run: the browser check sees it
    check = presswork("check", "--untrusted", "--no-grammar", "--format", "json", "--quiet", cwd=hostile)
    reported = Counter(f["path"] for f in json.loads(check.stdout) if f["rule"] == "unsafe-html")
    lost = {}
    for name, before, after in zip(names, written, kept):
        gone = set(before["present"]) - set(after["present"])  # kinds, not counts: re-parsed, an unclosed <a> is cloned less
        if gone:
            lost[f"book/{name.removesuffix('.html')}.md"] = sorted(gone)
    assert len(lost) > len(VECTORS) // 2
    unreported = {path: gone for path, gone in lost.items() if not reported[path]}
    assert unreported == {}, json.dumps(unreported, indent=1)


SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80" viewBox="0 0 120 80" onload="alert(1)">
  <title>A red square</title>
  <script>alert(2)</script>
  <rect x="10" y="10" width="60" height="60" fill="#c00"/>
  <a xlink:href="javascript:alert(3)"><text x="80" y="40">go</text></a>
  <foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(4)"/></body></foreignObject>
  <set attributeName="onmouseover" to="alert(5)"/>
</svg>
"""


@browser
def test_an_untrusted_svg_keeps_its_drawing_and_loses_what_runs(tmp_path):
    book = copy_book(TESTS / "books" / "mutation-xss", tmp_path / "book")
    (book / "book" / "chart.svg").write_text(SVG)
    (book / "book" / "index.md").write_text("# Drawing\n\n![A red square](chart.svg)\n\nThe end.\n")
    run = presswork("build", "--untrusted", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr[-3000:]
    said = [line for line in run.stderr.splitlines() if line.startswith("book/chart.svg: warning:")]
    assert sorted(said) == sorted(
        f"book/chart.svg: warning: {what} is left out of the drawing (an untrusted build)"
        for what in ("a <script> element", "a <foreignObject> element", "a <set> element", "the event handler 'onload'", "a link to 'javascript:alert(3)'")
    )  # fmt: skip
    check = presswork("check", "--untrusted", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    reported = sorted(f["message"] for f in json.loads(check.stdout) if f["path"] == "book/chart.svg")
    assert reported == sorted(
        line.split(": warning: ")[1].replace("drawing (an untrusted build)", "drawing in an untrusted build") for line in said
    )
    published = (book / "build" / "site" / "chart.svg").read_text(encoding="utf-8")
    with zipfile.ZipFile(book / "build" / "hostile.epub") as archive:
        drawings = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".svg")]
    assert len(drawings) == 1
    for drawing in (published, drawings[0]):
        assert "<rect" in drawing and "A red square" in drawing
        assert not re.search(r"script|onload|foreignObject|javascript|<set|onerror", drawing, re.IGNORECASE), drawing
    [opened] = _open("svg", [book / "build" / "site" / "chart.svg"])
    assert _harm(opened) == {} and opened["present"]["rect"] == 1
    trusted = presswork("build", "--no-check", "--format", "site", cwd=book)  # the book's own drawing, as it is
    assert trusted.returncode == 0, trusted.stderr[-3000:]
    assert (book / "build" / "site" / "chart.svg").read_text(encoding="utf-8") == SVG


def test_a_declaration_python_s_parser_cannot_read_is_read_as_a_browser_reads_it(tmp_path):
    """Python's HTML parser (3.11) stops at `<![>`, in MkDocs' own reading of a page for its ids: it is
    read as text, as Python-Markdown renders it, in code and out of it."""
    book = copy_book(TESTS / "books" / "mutation-xss", tmp_path / "book")
    (book / "book" / "index.md").write_text('# Hostile\n\nIn code, `<![>` stays.\n\n<![><img src="]><img src=x onerror=alert(39)//">\n')
    for trust in ([], ["--untrusted"]):
        run = presswork("build", "--no-check", "--format", "site", *trust, cwd=book)
        assert run.returncode == 0, run.stderr
        page = (book / "build" / "site" / "index.html").read_text(encoding="utf-8")
        assert "<code>&lt;![&gt;</code> stays" in page and "<p>&lt;![&gt;<img" in page


def test_what_authors_write_in_raw_html_is_kept_and_not_reported(tmp_path):
    """The allowlist keeps the raw HTML books are written with, and reports none of it."""
    book = copy_book(TESTS / "books" / "mutation-xss", tmp_path / "book")
    (book / "book" / "index.md").write_text(
        '# Kept\n\nPress <kbd>Ctrl</kbd>, see <span style="color: #c00">red</span> and an icon '
        '<svg viewBox="0 0 24 24" width="12"><path d="M0 0h24v24H0z"/></svg>.\n\n'
        '<div align="center"><img src="https://example.org/logo.png" alt="Logo" width="80"></div>\n\n'
        "<details open><summary>More</summary>Inside <sub>2</sub> and <sup>3</sup>.</details>\n"
    )
    check = presswork("check", "--untrusted", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert [f for f in json.loads(check.stdout) if f["rule"] == "unsafe-html"] == []
    run = presswork("build", "--untrusted", "--no-check", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    page = (book / "build" / "site" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    for kept in (
        "<kbd>Ctrl</kbd>",
        'style="color: #c00"',
        'viewBox="0 0 24 24"',
        '<div align="center">',
        '<details open="">',
        "<sub>2</sub>",
    ):
        assert kept in article, kept


def test_check_untrusted_does_not_report_what_markdown_itself_reads(tmp_path):
    """md_in_html's `markdown` attribute, TeX's braces (`\\sum_{i=1}`) and Critic Markup's
    (`{==marked==}`) look like attributes to a scan of the Markdown: none of them is reported."""
    book = copy_book(TESTS / "books" / "mutation-xss", tmp_path / "book")
    (book / "book" / "index.md").write_text(
        '# Kept\n\n<div class="grid" markdown>\n\nText in a grid.\n\n</div>\n\n'
        "The sum $\\sum_{i=1}^{n} i$ is {==marked==}, and a list item is styled {: .wide data-x=1 }.\n"
    )
    check = presswork("check", "--untrusted", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert [f["message"] for f in json.loads(check.stdout) if f["rule"] == "unsafe-html"] == []
