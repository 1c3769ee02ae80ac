"""The build store: an unchanged edition comes from the cache, a change rebuilds exactly the editions it
affects, and a damaged entry is rebuilt, never used."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, fresh_cache, presswork

EDITIONS = ("pdf", "epub", "docx", "site")


def build(book: Path, cache: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, bool]:
    """Build, and say for each edition whether it came from the cache."""
    run = presswork("build", "--no-check", *args, cwd=book, env={"PRESSWORK_CACHE": str(cache), **(env or {})})
    assert run.returncode == 0, run.stderr
    cached = {}
    for line in run.stderr.splitlines():
        match = re.match(r"✓ (\w+)\s", line)
        if match and match.group(1) in EDITIONS:
            cached[match.group(1)] = "from the cache" in line
    return cached


@pytest.fixture
def warm(tmp_path) -> tuple[Path, Path]:
    """The conformance corpus, built once into a cache of its own."""
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    cache = fresh_cache(tmp_path / "cache")
    assert build(book, cache) == {name: False for name in EDITIONS}
    return book, cache


def test_nothing_changed_nothing_built(warm):
    book, cache = warm
    before = {p.name: p.read_bytes() for p in (book / "build").iterdir() if p.is_file()}
    assert build(book, cache) == {name: True for name in EDITIONS}
    assert {p.name: p.read_bytes() for p in (book / "build").iterdir() if p.is_file()} == before


def test_a_changed_chapter_rebuilds_every_edition(warm):
    book, cache = warm
    chapter = book / "book" / "second.md"
    chapter.write_text(chapter.read_text() + "\nOne more paragraph.\n")
    assert build(book, cache) == {name: False for name in EDITIONS}
    assert "One more paragraph." in (book / "build" / "site" / "second.html").read_text()


def test_a_changed_image_rebuilds_every_edition(warm):
    book, cache = warm
    image = book / "book" / "images" / "figure.png"
    image.write_bytes((TESTS / "conformance" / "book" / "images" / "cover.png").read_bytes())
    assert build(book, cache) == {name: False for name in EDITIONS}


def test_a_changed_style_rebuilds_its_edition_and_the_page_that_lists_it(warm):
    book, cache = warm
    styles = book / "styles"
    styles.mkdir()
    from pipeline.formats import styles as presswork_styles

    css = presswork_styles.find(book, "epub.css").read_text()
    (styles / "epub.css").write_text(css + "\np { text-indent: 1.5em; }\n")
    assert build(book, cache) == {"pdf": True, "epub": False, "docx": True, "site": False}


def test_a_changed_configuration_rebuilds_every_edition(warm):
    book, cache = warm
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("publisher: Marker Press", "publisher: Another Press"))
    assert build(book, cache) == {name: False for name in EDITIONS}


def test_a_damaged_entry_is_rebuilt_not_used(warm):
    book, cache = warm
    stored = list((cache / "store" / "editions").glob("*/content/*.pdf"))  # the PDF edition, not the site's copy
    assert len(stored) == 1
    data = bytearray(stored[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    stored[0].unlink()  # a new file, not the build's own hard link
    stored[0].write_bytes(bytes(data))
    result = build(book, cache)
    assert result == {"pdf": False, "epub": True, "docx": True, "site": True}
    assert (book / "build" / "conformance-corpus.pdf").read_bytes() != bytes(data)


def test_no_cache_builds_everything_and_clean_removes_the_cache(warm):
    book, cache = warm
    assert build(book, cache, "--no-cache") == {name: False for name in EDITIONS}
    run = presswork("clean", cwd=book, env={"PRESSWORK_CACHE": str(cache)})
    assert run.returncode == 0
    assert not (book / "build").exists() and not (cache / "store").exists()
    assert (cache / "languagetool").is_symlink()  # the LanguageTool installation is kept


def test_a_new_tool_version_rebuilds_only_the_editions_that_use_it(warm, monkeypatch):
    """A fake for what cannot be produced for real here: a second typst version. In-process, the
    version typst reports is replaced; the PDF is rebuilt, and so is the EPUB, whose page list is the
    PDF's pages; the rest comes from the cache (the PDF's bytes do not change, so neither does the
    site's downloads page)."""
    import sys

    from conftest import EPOCH

    from pipeline import build as builds
    from pipeline.configuration import config
    from pipeline.formats.base import Programs
    from pipeline.progress import Progress
    from pipeline.store import Store
    from pipeline.tools import typst

    book, cache = warm
    monkeypatch.setattr(typst, "version", lambda: "99.0.0")
    store = Store(cache / "store")
    fetch, seen = store.fetch, []

    def fetched(name, target):
        found = fetch(name, target)
        seen.append(f"{target.name}:{'cache' if found else 'built'}")
        return found

    monkeypatch.setattr(store, "fetch", fetched)
    settings = config.load(book / "mkdocs.yml")
    quiet = Progress(sys.stderr, enabled=False)
    monkeypatch.setenv("PRESSWORK_CACHE", str(cache))  # the programs that check the editions, as the warm build found them
    programs = Programs.found()
    builds.build(
        settings, formats=[], out=book / "build", epoch=int(EPOCH), progress=quiet, store=store, offline=True, programs=programs
    )  # as `presswork build`
    assert sorted(seen) == ["conformance-corpus.docx:cache", "conformance-corpus.epub:built", "conformance-corpus.pdf:built", "site:cache"]


def _commit(folder: Path, when: str) -> None:
    import subprocess

    dated = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "PATH": os.environ["PATH"], "HOME": str(folder)}
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=Ada", "-c", "user.email=ada@example.org", "commit", "-qm", "Book"],
    ):
        subprocess.run(["git", *args], cwd=folder, env=dated, check=True, capture_output=True)


def _modified(book: Path) -> str:
    with zipfile.ZipFile(book / "build" / "conformance-corpus.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
    return re.search(r'<meta property="dcterms:modified">([^<]+)<', opf).group(1)


def test_a_plain_build_of_an_unchanged_book_is_a_no_op_dated_by_its_commit(tmp_path):
    """No SOURCE_DATE_EPOCH, as an author builds: the book is as old as its newest commit, so building
    it again reuses every edition, and a change not yet committed rebuilds but keeps the date."""
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    _commit(book, "2024-03-01T12:00:00Z")
    cache = fresh_cache(tmp_path / "cache")
    plain = {"SOURCE_DATE_EPOCH": ""}  # set empty, as a shell leaves it: no epoch
    assert build(book, cache, env=plain) == {name: False for name in EDITIONS}
    assert build(book, cache, env=plain) == {name: True for name in EDITIONS}
    assert _modified(book) == "2024-03-01T12:00:00Z"
    chapter = book / "book" / "second.md"
    chapter.write_text(chapter.read_text() + "\nOne more paragraph.\n")
    assert build(book, cache, "--format", "epub", env=plain) == {"epub": False}
    assert _modified(book) == "2024-03-01T12:00:00Z"


def test_a_book_outside_git_is_dated_by_its_newest_file(tmp_path):
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    newest = 1709294400  # 2024-03-01T12:00:00Z
    for path in [book / "mkdocs.yml", *(book / "book").rglob("*")]:
        os.utime(path, (newest - 86400, newest - 86400))
    os.utime(book / "book" / "second.md", (newest, newest))
    run = presswork("build", "--no-check", "--format", "epub", cwd=book, env={"SOURCE_DATE_EPOCH": ""})
    assert run.returncode == 0, run.stderr
    assert _modified(book) == "2024-03-01T12:00:00Z"


def test_presswork_changed_is_everything_changed(tmp_path):
    """The store knows Presswork by its version and every file of its package: a copy of the package
    with one line of its code changed takes nothing the installed one made."""
    import shutil
    import subprocess
    import sys

    from conftest import REPO

    shutil.copytree(REPO / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))

    def known() -> str:
        asked = [sys.executable, "-c", "from pipeline.store import presswork; print(presswork())"]
        return subprocess.run(
            asked, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True, check=True
        ).stdout

    before = known()
    assert re.fullmatch(r"\S+\+[0-9a-f]{16}\n", before), before  # its version, and the digest of its files
    assert known() == before  # the same files, the same Presswork
    code = tmp_path / "pipeline" / "formats" / "docx.py"
    code.write_text(code.read_text() + "\n# one line more\n")
    assert known() != before
