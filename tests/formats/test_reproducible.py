"""Same input, same bytes: two builds of the same sources with SOURCE_DATE_EPOCH give identical files."""

from __future__ import annotations

import hashlib

from conftest import TESTS, copy_book, presswork

EDITIONS = ("conformance-corpus.pdf", "conformance-corpus.epub", "conformance-corpus.docx")


def digests(folder):
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in EDITIONS}


def test_two_builds_with_the_same_epoch_are_byte_identical(conformance, tmp_path):
    book = copy_book(TESTS / "conformance", tmp_path / "elsewhere" / "book")  # another folder, too
    run = presswork("build", "--no-check", "--no-cache", "--format", "pdf", "--format", "epub", "--format", "docx", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    assert digests(book / "build") == digests(conformance)


def test_the_epoch_is_what_dates_the_editions(conformance, tmp_path):
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    env = {"SOURCE_DATE_EPOCH": "1600000000"}
    run = presswork(
        "build", "--no-check", "--no-cache", "--format", "pdf", "--format", "epub", "--format", "docx", "--quiet", cwd=book, env=env
    )
    assert run.returncode == 0, run.stderr
    first, second = digests(conformance), digests(book / "build")
    assert all(first[name] != second[name] for name in EDITIONS)


def test_a_malformed_epoch_is_a_usage_error(tmp_path):
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    run = presswork("build", "--no-check", "--quiet", cwd=book, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert run.returncode == 2
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in run.stderr


def test_the_site_is_dated_by_the_build_not_the_clock(tmp_path, monkeypatch):
    """A release passes its tag's time as the epoch, with no SOURCE_DATE_EPOCH in the environment:
    the site (its sitemap and the sitemap's gzip header included) must still come out the same."""
    import sys

    from conftest import tree_digest

    from pipeline import build
    from pipeline.configuration import config
    from pipeline.progress import Progress

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    settings = config.load(book / "mkdocs.yml")
    quiet = Progress(sys.stderr, enabled=False)
    trees = []
    for out in ("first", "second"):
        build.build(settings, formats=["site"], out=tmp_path / out, epoch=1600000000, progress=quiet)
        trees.append(tree_digest(tmp_path / out / "site"))
    assert trees[0] == trees[1]
    header = (tmp_path / "first" / "site" / "sitemap.xml.gz").read_bytes()[:8]
    assert int.from_bytes(header[4:8], "little") == 1599955200  # 2020-09-13, the epoch's day, not today
