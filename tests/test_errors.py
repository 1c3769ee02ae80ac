"""Bad input: one fixture book per failure under tests/books/, each run through the real command.

Each must exit with its documented code, print one line naming the file and line with what to do,
print no traceback, and leave the output folder exactly as it was.
"""

from __future__ import annotations

import re

import pytest

from conftest import TESTS, copy_book, presswork, tree_digest

CASES = {
    # fixture: (exit code, the start of the one line, a word of the fix)
    "missing-chapter": (1, "mkdocs.yml:8: error: nav lists 'missing.md', which does not exist", "create the chapter"),
    "missing-image": (1, "book/index.md:5:22: error: image 'book/images/sea.png' not found", "relative to the chapter"),
    "missing-chapter-link": (1, "book/index.md:3:21: error: link to 'next.md', which is not a chapter in nav", "nav"),
    "missing-anchor": (1, "book/index.md:3:19: error: link to '#nowhere', which is no heading or anchor in 'other.md'", "id"),
    "bad-front-matter": (1, "book/index.md:3: error: invalid YAML front matter", "fix the YAML"),
    "not-utf8": (1, "book/index.md:3:4: error: not UTF-8 (byte 0xe9", "save the file as UTF-8"),
    "unknown-key": (2, "mkdocs.yml:17: error: plugins.presswork.formts: unknown key", "did you mean 'formats'?"),
    "invalid-isbn": (2, "mkdocs.yml:17: error: plugins.presswork.book.identifier: '978-0-306-40615-6' is not a valid ISBN", "check digit should be 7"),
    "malformed-yaml": (2, "mkdocs.yml:4: error:", "fix the YAML syntax"),
    "python-tag": (2, "mkdocs.yml:7: error: could not determine a constructor for the tag '!!python/name:", "plain value"),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_bad_input_is_one_clear_line_and_changes_nothing(fixture, tmp_path):
    code, start, fix = CASES[fixture]
    book = copy_book(TESTS / "books" / fixture, tmp_path / fixture)
    previous = book / "build"
    (previous / "site").mkdir(parents=True)
    (previous / "site" / "index.html").write_text("the previous site")
    (previous / "book.pdf").write_bytes(b"%PDF- the previous edition")
    before = tree_digest(previous)

    run = presswork("build", "--no-check", "--quiet", cwd=book)

    assert run.returncode == code, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(start), lines[0]
    assert fix in lines[0]
    assert "Traceback" not in run.stderr
    assert tree_digest(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == ["book.pdf", "site"]


def test_debug_shows_the_traceback(tmp_path):
    book = copy_book(TESTS / "books" / "missing-image", tmp_path / "book")
    run = presswork("build", "--no-check", "--quiet", "--debug", cwd=book)
    assert run.returncode == 1
    assert "Traceback" in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("book/index.md:5:22: error:")


def test_every_configuration_problem_is_reported_at_once(tmp_path):
    book = copy_book(TESTS / "books" / "unknown-key", tmp_path / "book")
    config = book / "mkdocs.yml"
    text = config.read_text().replace("site_name:", "site_nmae: typo\nsite_name:")
    text = text.replace("        title: Unknown key\n", "        title: Unknown key\n        language: 12\n        identifier: isbn 123\n")
    config.write_text(text)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 4, run.stderr
    assert re.match(r"mkdocs\.yml:1: error: site_nmae: unknown key \(did you mean 'site_name'\?\)", lines[0])
    assert any("plugins.presswork.book.language: '12' is not a language tag" in line for line in lines)
    assert any("plugins.presswork.book.identifier: 'isbn 123' is not a valid ISBN" in line for line in lines)
    assert any("plugins.presswork.formts: unknown key (did you mean 'formats'?)" in line for line in lines)
    assert not (book / "build").exists()


def test_a_bom_and_crlf_line_ends_are_accepted(tmp_path):
    book = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    page = (book / "build" / "site" / "index.html").read_text()
    assert '<h2 id="details">Details' in page
    assert (book / "build" / "bom-crlf.epub").is_file()


def test_an_unknown_format_on_the_command_line_is_a_usage_error(tmp_path):
    book = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "html", cwd=book)
    assert run.returncode == 2
    assert "invalid choice: 'html'" in run.stderr


def test_build_runs_the_checks_first_and_builds_nothing_when_they_fail(tmp_path):
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    run = presswork("build", "--no-grammar", cwd=book)
    assert run.returncode == 1
    assert "book/index.md\n  3:19  error    no heading or anchor '#nowhere' in 'other.md'" in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last == "error: the checks found 1 problem; nothing was built (fix what is listed above, or build with --no-check)"
    assert not (book / "build").exists() or not any((book / "build").iterdir())
