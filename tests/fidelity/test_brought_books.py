"""What books nobody here wrote met, each kept as a small book: a Chinese algorithms book (hello-algo)
with math in its headings, MathJax's `\\newline`, a translation whose `docs_dir` lies beside its
`mkdocs.yml`, its language given only to the theme, and its sources under `build/`; each builds every
edition as MkDocs builds its site, and what an edition shows otherwise is said."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

from conftest import TESTS, presswork

FIGURE = TESTS / "books" / "material" / "docs" / "images" / "figure.png"


def _book(folder: Path, settings: str, chapter: str, *, config: str = "mkdocs.yml", docs: str = "docs") -> Path:
    (folder / docs).mkdir(parents=True, exist_ok=True)
    (folder / docs / "index.md").write_text(chapter, encoding="utf-8")
    (folder / config).parent.mkdir(parents=True, exist_ok=True)
    (folder / config).write_text(textwrap.dedent(settings), encoding="utf-8")
    return folder


def _epub(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def test_math_in_a_heading_gives_a_valid_epub(tmp_path):
    """`### 常数阶 $O(1)$`: the heading's formula is MathML in the navigation too, which the package
    declares (EPUBCheck OPF-014 refused the EPUB, and with it every edition)."""
    book = _book(
        tmp_path / "book",
        """\
        site_name: Complexity
        markdown_extensions:
          - pymdownx.arithmatex: {generic: true}
        plugins: [presswork]
        """,
        "# Complexity\n\n## Constant order $O(1)$\n\nThe time does not grow with $n$.\n",
    )
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    epub = book / "build" / "complexity.epub"
    assert "<math" in _epub(epub, "EPUB/nav.xhtml")
    item = re.search(r'<item [^>]*href="nav.xhtml"[^>]*>', _epub(epub, "EPUB/content.opf")).group(0)
    assert re.search(r'properties="[^"]*\bmathml\b', item), item


def test_mathjax_s_newline_is_a_row_and_a_formula_pandoc_cannot_read_is_said(tmp_path):
    """hello-algo ends the rows of `aligned` with `\\newline`, which MathJax reads as `\\\\`: every
    edition has the rows as MathML. A formula pandoc cannot read is a warning at its chapter, and
    the site keeps it for MathJax as arithmatex marked it."""
    book = _book(
        tmp_path / "book",
        """\
        site_name: Twos
        markdown_extensions:
          - pymdownx.arithmatex: {generic: true}
        plugins:
          - presswork: {formats: [site, epub]}
        """,
        "# Two's complement\n\n$$\n\\begin{aligned}\n& 1 + (-2) \\newline\n& = 1000 \\; 0011\n\\end{aligned}\n$$\n\n"
        "A broken one:\n\n$$\n\\begin{aligned} x \\end{array}\n$$\n",
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    chapter = _epub(book / "build" / "twos.epub", "EPUB/text/ch001.xhtml")
    assert chapter.count("<mtr") >= 2 and "newline" not in chapter
    assert "docs/index.md: warning:" in run.stderr and "pandoc cannot read the formula '\\begin{aligned} x \\end{array}'" in run.stderr
    site = (book / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="arithmatex">\\\[\s*\\begin\{aligned\} x \\end\{array\}', site)


def test_a_translation_whose_docs_lie_beside_its_configuration_builds_with_its_images(tmp_path):
    """hello-algo's `en/mkdocs.yml` has `docs_dir: ../build/en/docs`, as MkDocs allows: its images
    are the book's, not "outside the book's folder"."""
    book = _book(
        tmp_path / "repo",
        """\
        site_name: Hello Algo
        docs_dir: ../build/en/docs
        plugins:
          - presswork: {formats: [site, epub]}
        """,
        "# Hello\n\n![A one-pixel figure](figure.png)\n",
        config="en/mkdocs.yml",
        docs="build/en/docs",
    )
    shutil.copy(FIGURE, book / "build" / "en" / "docs" / "figure.png")
    run = presswork("build", "--no-check", "--config", "en/mkdocs.yml", cwd=book)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "en" / "build" / "hello-algo.epub") as archive:
        assert any(name.startswith("EPUB/media/") and name.endswith(".png") for name in archive.namelist())


def test_the_language_the_theme_is_given_is_the_book_s(tmp_path):
    """`theme: {language: zh}` and `site_author`, with nothing in the presswork block: the editions
    are in Chinese, by that author (the checks read the text as Chinese, not as English)."""
    book = _book(
        tmp_path / "book",
        """\
        site_name: Hello
        site_author: krahets
        theme: {name: material, language: zh, font: false}
        plugins:
          - presswork: {formats: [epub]}
        """,
        "# 你好\n\n数据结构与算法。\n",
    )
    run = presswork("build", "--no-grammar", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "not English" not in run.stdout + run.stderr
    package = _epub(book / "build" / "hello.epub", "EPUB/content.opf")
    assert "<dc:language>zh</dc:language>" in package and ">krahets</dc:creator>" in package


def test_clean_keeps_the_book_s_own_files_in_build(tmp_path):
    """`docs_dir: build/docs`, as hello-algo's container lays it out: `presswork clean` takes away
    what the build wrote there, never the chapters."""
    book = _book(
        tmp_path / "book",
        """\
        site_name: Kept
        docs_dir: build/docs
        plugins:
          - presswork: {formats: [site, docx]}
        """,
        "# Kept\n\nA chapter that must survive.\n",
        docs="build/docs",
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert (book / "build" / "kept.docx").is_file() and (book / "build" / "site").is_dir()
    cleaned = presswork("clean", cwd=book)
    assert cleaned.returncode == 0, cleaned.stderr
    assert (book / "build" / "docs" / "index.md").read_text() == "# Kept\n\nA chapter that must survive.\n"
    assert not (book / "build" / "kept.docx").exists() and not (book / "build" / "site").exists()


def test_a_key_mkdocs_does_not_know_is_a_warning_as_mkdocs_gives_it(tmp_path):
    """hello-algo's `version: 1.3.0` at the top: MkDocs warns and builds; so does Presswork."""
    book = _book(
        tmp_path / "book", "site_name: Versioned\nversion: 1.3.0\nplugins:\n  - presswork: {formats: [docx]}\n", "# One\n\nText.\n"
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "mkdocs.yml:2: warning: version: unknown key, which MkDocs ignores" in run.stderr
    assert (book / "build" / "versioned.docx").is_file()


def test_what_a_theme_loads_from_the_network_is_said_with_the_setting_that_stops_it(tmp_path):
    """Python Fire's readthedocs theme loads highlight.js from a CDN: the warning names a chapter's
    page (not the 404 page) and the theme's setting, not "put the file in the book"."""
    book = _book(
        tmp_path / "book",
        "site_name: Fire\ntheme: readthedocs\nplugins:\n  - presswork: {formats: [site], accessibility: {site: 'off'}}\n",
        "# Fire\n\n```python\nimport fire\n```\n",
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if "highlight" in line and "from the network" in line]
    assert said and all(line.startswith("site/index.html: warning:") and "set theme.highlightjs: false" in line for line in said), said


def test_the_nav_s_sections_head_their_chapters_in_every_edition(tmp_path):
    """hello-algo's nav has a section per chapter, each with a "Summary" page: the sections' titles
    are headings of their own in the PDF, EPUB and DOCX (unnumbered: the chapters' numbers run on),
    but not a section opened by a page of its own (its title, or its folder's index.md)."""
    book = _book(
        tmp_path / "book",
        """\
        site_name: Parts
        nav:
          - index.md
          - Part one:
            - a/one.md
            - a/summary.md
          - Part two:
            - b/two.md
            - b/summary.md
          - Appendix:
            - c/appendix.md
          - Reference:
            - d/index.md
            - d/api.md
        plugins:
          - presswork: {formats: [pdf, epub]}
        """,
        "# Home\n\nWelcome.\n",
    )
    for name, text in {
        "a/one.md": "# Chapter one\n\nText.\n",
        "a/summary.md": "# Summary\n\nOf one.\n",
        "b/two.md": "# Chapter two\n\nText.\n",
        "b/summary.md": "# Summary\n\nOf two.\n",
        "c/appendix.md": "# Appendix\n\nTables.\n",
        "d/index.md": "# The reference\n\nWhat is in it.\n",
        "d/api.md": "# API\n\nCalls.\n",
    }.items():
        (book / "docs" / name).parent.mkdir(exist_ok=True)
        (book / "docs" / name).write_text(text)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    pdf = subprocess.run(["pdftotext", str(book / "build" / "parts.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    contents = [line for line in pdf[pdf.index("Contents") :].splitlines() if line.strip() and not line.strip().isdigit()]
    assert contents[1:9] == ["1 Home", "Part one", "2 Chapter one", "3 Summary", "Part two", "4 Chapter two", "5 Summary", "6 Appendix"], (
        contents
    )
    navigation = re.sub(r"<[^>]+>", " ", _epub(book / "build" / "parts.epub", "EPUB/nav.xhtml"))
    assert re.search(r"Part one\s+.*Chapter one.*Summary.*Part two\s+.*Chapter two", navigation, re.DOTALL), navigation


def test_a_section_number_of_five_characters_stands_apart_from_its_heading(tmp_path):
    """bfg9000's reference printed "10.14Exceptions": the number's column was narrower than the number."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    names = []
    for number in range(1, 11):
        names.append(f"c{number}.md")
        sections = "".join(f"## Exceptions {section}\n\nText.\n\n" for section in range(1, 12))
        (book / "docs" / names[-1]).write_text(f"# Chapter {number}\n\n{sections}")
    (book / "mkdocs.yml").write_text(f"site_name: Numbers\nnav: [{', '.join(names)}]\nplugins:\n  - presswork: {{formats: [pdf]}}\n")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    text = subprocess.run(["pdftotext", str(book / "build" / "numbers.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "10.10 Exceptions 10" in text and "10.11 Exceptions 11" in text and "10.10Exceptions" not in text


def test_a_code_block_s_title_is_never_alone_at_the_foot_of_a_page(tmp_path):
    """mkdocs-awesome-nav's "File Structure" title ended a page, its code on the next."""
    paragraphs = "".join(
        f"Paragraph {n} of text that takes a line or two of the page, so that titles fall at different places on it.\n\n"
        f'```python title="setup{n}.py"\nprint(1)\nprint(2)\nprint(3)\n```\n\n'
        for n in range(30)
    )
    book = _book(
        tmp_path / "book",
        "site_name: Titles\nmarkdown_extensions: [pymdownx.superfences, pymdownx.highlight]\nplugins:\n  - presswork: {formats: [pdf]}\n",
        f"# Titles\n\n{paragraphs}",
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    pdf = book / "build" / "titles.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ends = [[line for line in page.splitlines() if line.strip() and not line.strip().isdigit()][-1:] for page in text.split("\f")]
    assert sum("setup" in line for end in ends for line in end) == 0, ends
    assert text.count("setup") == 30


def test_a_font_the_book_s_own_stylesheet_loads_is_said_as_the_book_s(tmp_path):
    """Typer's custom.css loads a web font: the hint is the book's stylesheet, not Material's `theme.font`."""
    book = _book(
        tmp_path / "book",
        "site_name: Styled\ntheme: {name: material, font: false}\nextra_css: [css/custom.css]\n"
        "plugins:\n  - presswork: {formats: [site], accessibility: {site: 'off'}}\n",
        "# Styled\n\nText.\n",
    )
    (book / "docs" / "css").mkdir()
    (book / "docs" / "css" / "custom.css").write_text('@import url("https://fonts.googleapis.com/css2?family=Noto+Color+Emoji");\n')
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if "fonts.googleapis.com" in line]
    assert said and all("css/custom.css of the book loads it" in line for line in said), said


def test_a_title_in_another_script_names_the_files_in_it(tmp_path):
    """hello-algo's "Hello 算法" was `hello.pdf`, and "你好" was `book.pdf`: the files keep the title's
    letters, and every tool reads and validates them under that name."""
    book = _book(
        tmp_path / "book",
        "site_name: Hello 算法\ntheme: {name: material, language: zh, font: false}\nplugins:\n  - presswork: {formats: [site, pdf, epub]}\n",
        "# 你好\n\n数据结构与算法。\n",
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (book / "build").iterdir() if not p.name.startswith(".")) == ["hello-算法.epub", "hello-算法.pdf", "site"]
    downloads = (book / "build" / "site" / "downloads.html").read_text(encoding="utf-8")
    assert 'href="downloads/hello-%E7%AE%97%E6%B3%95.pdf"' in downloads  # the address, as a browser asks for it
    assert (book / "build" / "site" / "downloads" / "hello-算法.pdf").is_file()


def test_a_plugin_that_reads_each_page_s_source_file_builds_the_downloads_page(tmp_path):
    """mkdocs-rss-plugin opens every page's source file, the Downloads page's too: it had none (an
    in-memory page), the plugin failed, and no edition was written. Now the site has the page, and
    the feed lists the chapter."""
    book = _book(
        tmp_path / "book",
        """\
        site_name: Feeds
        site_url: https://example.org/feeds/
        plugins:
          - rss
          - presswork: {formats: [docx, site]}
        """,
        "# Feeds\n\nA chapter the feed lists.\n",
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    site = book / "build" / "site"
    assert "feeds.docx" in (site / "downloads.html").read_text(encoding="utf-8")
    assert "A chapter the feed lists" in (site / "feed_rss_created.xml").read_text(encoding="utf-8")
