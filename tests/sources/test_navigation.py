"""The chapters of every edition are the nav MkDocs resolves, after every plugin: a book whose nav a
plugin builds (mkdocs-literate-nav, awesome-pages, section-index), or that has no `nav:` at all,
keeps every chapter of its site, in the site's order; pages MkDocs leaves out stay out."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from conftest import TESTS, copy_book, presswork


def _epub_chapters(epub: Path) -> list[str]:
    """The titles of the EPUB's navigation, in order."""
    with zipfile.ZipFile(epub) as archive:
        nav = archive.read("EPUB/nav.xhtml").decode()
    toc = nav[nav.index('epub:type="toc"') :].split("</nav>", 1)[0]
    numbers = r'<span class="section-header-number">[^<]*</span>'  # numbered as in the PDF
    return [re.sub(r"<[^>]+>", "", re.sub(numbers, "", text)).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", toc, re.DOTALL)]


def _site_order(site: Path) -> list[str]:
    """The pages the site's own navigation leads to, in order (Material's primary sidebar)."""
    page = (site / "index.html").read_text()
    primary = page[page.index("md-nav--primary") :]
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link', primary)
    return [link for link in dict.fromkeys(links) if not link.startswith("http")]


def test_a_nav_that_plugins_build_gives_every_edition_its_chapters_in_the_site_s_order(tmp_path):
    book = copy_book(TESTS / "books" / "plugin-nav", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "not in nav" not in run.stderr and "warning" not in run.stderr, run.stderr
    # literate-nav's SUMMARY.md, a section whose index.md is its page (section-index), a folder listed whole
    titles = ["Welcome", "The guide", "Installing", "Using", "Aardvark", "Zebra"]
    assert _epub_chapters(book / "build" / "plugin-nav.epub") == titles
    pages = ["index.html", "guide/index.html", "guide/install.html", "guide/use.html", "reference/aardvark.html", "reference/zebra.html"]
    assert _site_order(book / "build" / "site") == pages


def test_awesome_pages_orders_a_folder_in_every_edition(tmp_path):
    book = copy_book(TESTS / "books" / "plugin-nav", tmp_path / "book")
    (book / "book" / "SUMMARY.md").unlink()
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - literate-nav:\n      nav_file: SUMMARY.md\n", ""))
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    titles = _epub_chapters(book / "build" / "plugin-nav.epub")
    assert titles.index("Zebra") + 1 == titles.index("Aardvark"), titles  # as reference/.pages orders them
    assert sorted(titles) == sorted(["Welcome", "The guide", "Installing", "Using", "Aardvark", "Zebra"])


def test_a_book_without_nav_has_every_page_as_mkdocs_lists_them_and_leaves_out_what_it_excludes(tmp_path):
    book = copy_book(TESTS / "books" / "plugin-nav", tmp_path / "book")
    (book / "book" / "SUMMARY.md").unlink()
    shutil.rmtree(book / "book" / "reference")
    (book / "book" / "draft.md").write_text("# A draft\n\nNot ready.\n")
    (book / "book" / "orphan.md").write_text("# An orphan\n\nOn the site, reached by a link only.\n")
    (book / "book" / "private.md").write_text("# Private\n\nNever published.\n")
    config = book / "mkdocs.yml"
    text = config.read_text().split("plugins:")[0]
    text += "exclude_docs: private.md\ndraft_docs: draft.md\nnot_in_nav: orphan.md\nplugins:\n  - presswork:\n      book:\n        title: Plugin nav\n"
    config.write_text(text)
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr  # a page kept out of nav on purpose is no omission
    # the guide's index.md, "The guide", opens the section "Guide": no heading of the section's own
    assert _epub_chapters(book / "build" / "plugin-nav.epub") == ["Welcome", "The guide", "Installing", "Using"]


def test_a_page_nav_lists_that_mkdocs_excludes_or_keeps_as_a_draft_stays_out_of_every_edition(tmp_path):
    book = copy_book(TESTS / "books" / "plugin-nav", tmp_path / "book")
    (book / "book" / "SUMMARY.md").write_text(
        (book / "book" / "SUMMARY.md").read_text() + "* [A draft](draft.md)\n* [Private](private.md)\n"
    )
    (book / "book" / "draft.md").write_text("# A draft\n\nNot ready.\n")
    (book / "book" / "private.md").write_text("# Private\n\nNever published.\n")
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:", "exclude_docs: private.md\ndraft_docs: draft.md\nplugins:", 1))
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    titles = _epub_chapters(book / "build" / "plugin-nav.epub")
    assert "A draft" not in titles and "Private" not in titles and "Welcome" in titles


def _epub_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml"))


def _docx_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as archive:
        return re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode())


def test_a_page_gen_files_writes_is_a_chapter_of_every_edition_and_follows_its_script(tmp_path):
    book = copy_book(TESTS / "books" / "gen-files", tmp_path / "book")
    assert not (book / "book" / "reference.md").exists()
    run = presswork("build", "--no-check", "--format", "epub", "--format", "docx", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "reference.md" not in run.stderr, run.stderr  # no "nav lists 'reference.md', which does not exist"
    assert _epub_chapters(book / "build" / "generated-pages.epub") == ["Home", "The API", "frobnicate()"]
    for text in (_epub_text(book / "build" / "generated-pages.epub"), _docx_text(book / "build" / "generated-pages.docx")):
        assert "Turns the knob." in text and "frobnicate()" in text

    script = book / "gen_pages.py"  # the script changed, no file of the book did: the editions follow it
    script.write_text(script.read_text().replace("Turns the knob.", "Turns the dial."))
    run = presswork("build", "--no-check", "--format", "epub", "--format", "docx", cwd=book)
    assert run.returncode == 0, run.stderr
    for text in (_epub_text(book / "build" / "generated-pages.epub"), _docx_text(book / "build" / "generated-pages.docx")):
        assert "Turns the dial." in text and "knob" not in text

    run = presswork("check", "--format", "json", "--quiet", cwd=book)  # the check reads the page as written
    assert run.returncode == 0, run.stdout + run.stderr
    script.write_text(script.read_text().replace("Turns the dial.", "Turns teh dial."))
    run = presswork("check", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 1, run.stderr
    assert [(f["path"], f["line"], f["rule"]) for f in json.loads(run.stdout)] == [("book/reference.md", 7, "codespell")]


def test_a_plugin_that_sets_up_its_state_on_startup_runs_as_mkdocs_runs_it(tmp_path):
    """MkDocs sends `on_startup` before anything else (mkdocs-rss-plugin makes its lists there): a hook
    that reads in `on_page_markdown` what it made in `on_startup` works in every edition."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "hooks.py").write_text(
        "def on_startup(command, dirty):\n    global seen\n    seen = []\n\n\n"
        "def on_page_markdown(markdown, page, **kwargs):\n    seen.append(page.file.src_uri)\n"
        "    return markdown + f'\\n\\nPage {len(seen)} seen by the hook.\\n'\n"
    )
    (book / "mkdocs.yml").write_text("site_name: Startup\nhooks: [hooks.py]\nplugins: [presswork]\n")
    (book / "docs" / "index.md").write_text("# Home\n\nThe text.\n")
    run = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "seen by the hook." in _epub_text(book / "build" / "startup.epub")
    assert "seen by the hook." in (book / "build" / "site" / "index.html").read_text()


def test_a_chapter_that_is_a_link_to_a_file_of_the_repository_is_read_through_it(tmp_path):
    """`docs/contributing.md -> ../../CONTRIBUTING.md`, as projects keep one file for GitHub and the
    site: a trusted build reads it (MkDocs follows the link); an untrusted one keeps to the book's folder."""
    repository = tmp_path / "project"
    book = repository / "documentation"
    (book / "docs").mkdir(parents=True)
    (repository / "CONTRIBUTING.md").write_text("# Contributing\n\nSend a patch with a test.\n")
    (book / "docs" / "index.md").write_text("# Home\n\nThe text.\n")
    (book / "docs" / "contributing.md").symlink_to("../../CONTRIBUTING.md")
    (book / "mkdocs.yml").write_text("site_name: Linked\nnav: [index.md, contributing.md]\nplugins: [presswork]\n")
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "Send a patch with a test." in _epub_text(book / "build" / "linked.epub")
    run = presswork("build", "--no-check", "--untrusted", "--format", "epub", "--quiet", cwd=book)
    assert run.returncode == 1, run.stderr
    assert "docs/contributing.md: error: a symbolic link to '../../CONTRIBUTING.md', which is outside the book's folder" in run.stderr


def test_a_page_of_api_documentation_is_a_chapter_of_its_own(tmp_path):
    """A page that is one `::: module` directive, its heading at level 1 (mkdocstrings writes it inside
    its block): a chapter of every edition, titled as the site titles it, not sections of the chapter
    before it."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "shipping.py").write_text(
        '"""Ships and their cargo."""\n\n\ndef load(crates: int) -> int:\n    """Load `crates` crates; return how many are aboard."""\n    return crates\n'
    )
    (book / "docs" / "index.md").write_text("# Home\n\nThe text.\n")
    (book / "docs" / "api.md").write_text("::: shipping\n    options:\n      show_root_heading: true\n      heading_level: 1\n")
    (book / "docs" / "last.md").write_text("# Last\n\nThe end.\n")
    (book / "mkdocs.yml").write_text(
        "site_name: Api\nnav: [index.md, {API: api.md}, last.md]\n"
        "plugins: [{mkdocstrings: {handlers: {python: {paths: [.]}}}}, presswork]\n"
    )
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert _epub_chapters(book / "build" / "api.epub") == ["Home", "shipping", "Last"]
    assert "Load <code>crates</code> crates" in _epub_text(book / "build" / "api.epub")
    with zipfile.ZipFile(book / "build" / "api.epub") as archive:
        documents = [name for name in archive.namelist() if re.search(r"ch\d+\.xhtml$", name)]
    assert len(documents) == 3  # Home, shipping, Last: each a document of its own


def test_a_section_opened_by_its_index_page_only_where_the_theme_opens_it_so(tmp_path):
    """Zero Install's documentation lists `basics/index.md` first under "Getting started", and its
    theme shows that page under the section's title: the section heads its chapters in the book too.
    With Material's `navigation.indexes`, the site opens the section with that page: so does the book."""
    book = tmp_path / "book"
    (book / "docs" / "basics").mkdir(parents=True)
    (book / "docs" / "index.md").write_text("# Home\n\nThe text.\n")
    (book / "docs" / "basics" / "index.md").write_text("# Introduction\n\nWhat it is.\n")
    (book / "docs" / "basics" / "next.md").write_text("# Next steps\n\nWhat to do.\n")
    config = book / "mkdocs.yml"
    config.write_text(
        "site_name: Indexes\ntheme:\n  name: material\n  font: false\n"
        "nav: [index.md, {Getting started: [basics/index.md, basics/next.md]}]\nmarkdown_extensions: [attr_list]\nplugins: [presswork]\n"
    )
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert _epub_chapters(book / "build" / "indexes.epub") == ["Home", "Getting started", "Introduction", "Next steps"]
    (book / "docs" / "basics" / "index.md").write_text("# Getting started {#start}\n\nWhat it is.\n")  # the section's own title
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert _epub_chapters(book / "build" / "indexes.epub") == ["Home", "Getting started", "Next steps"]
    (book / "docs" / "basics" / "index.md").write_text("# Introduction\n\nWhat it is.\n")
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  features: [navigation.indexes]\n"))
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert _epub_chapters(book / "build" / "indexes.epub") == ["Home", "Introduction", "Next steps"]
