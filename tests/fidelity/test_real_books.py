"""Books nobody here wrote, built as their authors left them with `- presswork` added to their plugins
(small copies in tests/books/real-*, each with a SOURCE.md): every edition is made, and each chapter's
words on the site are in the PDF, the EPUB and the DOCX, with no Markdown syntax left as text.

- real-luanti: Luanti's Lua API reference, the readthedocs theme, gfm_admonition, sections of one
  long document (their links to other sections are warnings, as on the site);
- real-httpx: HTTPX's documentation, Material with a theme folder of its own, codehilite, mkautodoc,
  images on the web (a warning each, where the network is out of reach);
- real-mkdocs: MkDocs' own documentation, the mkdocs theme, a nav built by mkdocs-literate-nav,
  hooks, mkdocstrings API pages, mkdocs-click, callouts, snippets;
- real-sqlmodel: SQLModel's documentation, Material with blocks, tabs and included code
  (mdx_include, markdown-include-variants), `INHERIT` of a file whose `!ENV` sets an option, the macros
  plugin, a hook that renames nav sections;
- real-fire: Python Fire's documentation, the readthedocs theme, a chapter titled with a linked badge
  (no link in the PDF's running heads), highlight.js from the network (a warning naming the setting).
- real-i18n: mkdocs-static-i18n's documentation, in English and French (`docs_structure: suffix`, a
  chapter not translated shown in English), Material's home page template, emoji from the network.
- real-cpalgo: Algorithms for Competitive Programming, a long book of mathematics (six of its
  articles): raw HTML pictures (`<center><img style>`, `<figure>` with a caption of Markdown and
  math), `$...$` math with thin spaces, a nav by literate-nav, a home page the macros plugin
  includes, and the git, rss, tags and toggle-sidebar plugins.
- real-0install: Zero Install's documentation, Material with tabs, no `nav:` but `.pages` files that
  mkdocs-awesome-pages-plugin reads (sections whose first page is their folder's `index.md`, shown
  under the section's title), a screenshot that is a link with no alternative text, redirects.

Each is laid out as its authors keep it, a git repository with one commit (git-authors needs one).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import lxml.html
import pypdf
import pytest
from artifacts import keep_pages
from conftest import TESTS, copy_book, presswork
from publishing import git
from test_fidelity import SYNTAX, editions, present, words

from pipeline.configuration import config
from pipeline.sources import navigation

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed: make test installs it")
BOOKS = {
    "real-luanti": "luanti-api-documentation", "real-httpx": "httpx", "real-mkdocs": "mkdocs", "real-sqlmodel": "sqlmodel",
    "real-fire": "python-fire", "real-i18n": "mkdocs-static-i18n-plugin-documentation",
    "real-cpalgo": "algorithms-for-competitive-programming", "real-0install": "zero-install-docs",
}  # fmt: skip
BLOCKS = {"p", "div", "pre", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "summary"}


@pytest.fixture(scope="module", params=sorted(BOOKS))
def built(request, tmp_path_factory) -> tuple[Path, str]:
    book = copy_book(TESTS / "books" / request.param, tmp_path_factory.mktemp(request.param) / "book")
    git("init", "--quiet", cwd=book)
    git("add", "--all", cwd=book)
    git("commit", "--quiet", "--message", "The book", cwd=book)
    run = presswork("build", "--no-grammar", cwd=book)  # the checks run first, and say what they find
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return book / "build", BOOKS[request.param], run.stderr


def _texts(build: Path, slug: str) -> dict[str, str]:
    """Each edition's text as a reader copies it out; the PDF's by poppler's pdftotext, which reads
    typst's /ActualText (a hyphen typst also draws at a line's end is a hard hyphen there)."""
    texts = editions(build, slug)
    texts["pdf"] = subprocess.run(["pdftotext", str(build / f"{slug}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    return texts


def _page(name: str) -> str:
    """Where the site `presswork build` writes (opened from disk) has the page of the file `name`."""
    stem = name.removesuffix(".md")
    folder, _, leaf = stem.rpartition("/")
    if leaf in ("index", "README"):
        return f"{folder}/index.html" if folder else "index.html"
    return f"{stem}.html"


def _chapters(build: Path, *, formulas: bool = False) -> dict[str, lxml.html.HtmlElement]:
    """Each chapter's content as the site shows it (Material's article, the other themes' main
    element), without the theme's furniture (permalinks, buttons, scripts) and without what no
    reader sees as text (a drawing's tooltips); without its formulas (the editions set their letters
    in other characters), or, with `formulas`, with each formula's characters in its place (`t[]`
    before `(one`)."""
    settings = config.load(build.parent / "mkdocs.yml")
    found = {}
    for number, (name, _) in enumerate(navigation.resolve(settings).entries):
        page = build / "site" / _page(name)
        if number == 0 and not page.exists():
            page = build / "site" / "index.html"  # a book that opens with no index.md: its first chapter is the home page
        root = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        main = (root.xpath("//article") or root.xpath("//*[@role='main']"))[0]
        for formula in main.xpath(".//*[local-name()='math']") if formulas else []:
            for annotation in formula.xpath(".//*[local-name()='annotation']"):
                annotation.drop_tree()
            shown = lxml.html.Element("span")
            shown.text, shown.tail = formula.text_content(), formula.tail
            formula.getparent().replace(formula, shown)
        for junk in main.xpath(
            ".//a[contains(@class,'headerlink')]|.//button|.//script|.//style|.//*[local-name()='math']|.//*[contains(@class,'linenos')]|.//*[contains(@class,'md-source-file')]|.//*[local-name()='svg']//*[local-name()='title']"
        ):
            junk.drop_tree()
        for element in main.iter():
            if element.tag in BLOCKS:
                element.tail = "\n" + (element.tail or "")
        found[name] = main
    return found


def test_every_edition_of_a_book_nobody_here_wrote_holds_the_site_s_words(built):
    build, slug, _ = built
    assert {p.suffix or p.name for p in build.iterdir() if not p.name.startswith(".")} == {".docx", ".epub", ".pdf", "site"}
    assert all((build / f"{slug}{suffix}").is_file() for suffix in (".pdf", ".epub", ".docx"))  # a translated book has each language's too
    texts = {edition: words(text) for edition, text in _texts(build, slug).items()}
    short = []
    for name, main in _chapters(build).items():
        site = words(main.text_content())
        for edition, found in texts.items():
            share = present(site, found)
            if share < 0.98:
                missing = sorted(word for word, count in site.items() if found[word] < count)
                short.append(f"{name}: {edition} holds {share:.1%} of the site's words; missing {missing[:15]}")
    assert not short, "\n".join(short)


def test_no_edition_of_a_book_nobody_here_wrote_shows_syntax_as_text(built):
    build, slug, _ = built

    def pieces(text: str) -> Counter:
        return Counter(re.sub(r"\s+", " ", match.group(0)) for match in SYNTAX.finditer(text))

    shown = sum((pieces(main.text_content()) for main in _chapters(build, formulas=True).values()), Counter())
    for edition, text in _texts(build, slug).items():
        extra = {piece: count for piece, count in pieces(text).items() if count > shown[piece]}
        assert not extra, f"{edition} shows as text what the site rendered: {extra}"


def test_a_book_nobody_here_wrote_passes_the_preflight(built):
    """Its PDF typeset as its authors left the book: no word over another or outside the text block
    (those stop the build), and no heading alone at a page's foot or blank page beyond the design's
    (those are warnings, of which there is none). The first chapters' opening pages are kept as
    images for a reviewer to look at."""
    build, slug, said = built
    assert not [line for line in said.splitlines() if "preflight" in line], said
    pdf = build / f"{slug}.pdf"
    reader = pypdf.PdfReader(pdf)
    chapters = [reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)]
    assert len(keep_pages(pdf, slug, chapters[1:4] or chapters)) >= 1  # the opening pages of the chapters after the contents
