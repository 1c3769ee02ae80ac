"""`presswork check`'s accessibility engine on a fixture with one of each problem that makes a book
hard to read without sight or with low vision, and their look-alikes that are fine: each problem at
its exact place, nothing else; each rule levelled like any other; every report format carries them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, presswork

FIXTURE = TESTS / "books" / "accessibility"

# (chapter, a unique piece of its source line, the span within it the finding covers, the rule)
PROBLEMS = [
    ("index.md", "read [here](pictures.md)", "here", "vague-link-text"),
    ("index.md", "[**Read more**]", "**Read more**", "vague-link-text"),
    ("index.md", "<https://example.org/shore-birds>", "https://example.org/shore-birds", "url-link-text"),
    ("index.md", "https://mirror.example.org/shore-birds", "https://mirror.example.org/shore-birds", "url-link-text"),
    ("index.md", "#### Wading birds", "Wading birds", "heading-skipped"),
    ("index.md", "цапля серая", "цапля серая", "language-not-marked"),
    ("index.md", "| | |", "| | |", "table-no-header"),
    ("index.md", 'style="color: #aaaaaa"', "color: #aaaaaa", "low-contrast"),
    ("index.md", 'style="color: yellow"', "color: yellow", "low-contrast"),
    ("index.md", '<font color="#444444">Shag', 'color="#444444"', "low-contrast"),  # on its cell's #222222
    ("index.md", '<p style="color: #bbbbbb">', "color: #bbbbbb", "low-contrast"),  # in an HTML block
    ("pictures.md", "![](images/heron.svg)", "![]", "image-no-alt"),
    ("pictures.md", "![heron.svg]", "heron.svg", "image-alt-file-name"),
    ("pictures.md", "![heron]", "heron", "image-alt-file-name"),
    ("pictures.md", '<img src="images/heron.svg" width="40">', '<img src="images/heron.svg" width="40">', "image-no-alt"),
    ("pictures.md", "```mermaid", "```mermaid", "diagram-no-alt"),
    ("pictures.md", "<h4>Drawn birds</h4>", "<h4>Drawn birds</h4>", "heading-skipped"),  # in raw HTML, after a ##
]


def where(book: Path, chapter: str, piece: str, span: str) -> tuple[int, int]:
    lines = (book / "book" / chapter).read_text(encoding="utf-8").split("\n")
    found = [n for n, line in enumerate(lines, 1) if piece in line]
    assert len(found) == 1, piece
    return found[0], lines[found[0] - 1].index(piece) + piece.index(span) + 1


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[Path, list[dict]]:
    book = copy_book(FIXTURE, tmp_path_factory.mktemp("accessibility") / "book")
    run = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr  # warnings: the check passes, and says so
    return book, json.loads(run.stdout)


def test_each_problem_is_found_at_its_exact_place_and_nothing_else(checked):
    book, findings = checked
    expected = set()
    for chapter, piece, span, rule in PROBLEMS:
        line, column = where(book, chapter, piece, span)
        expected.add((f"book/{chapter}", line, column, line, column + len(span), rule))
    found = {(f["path"], f["line"], f["column"], f["end_line"], f["end_column"], f["rule"]) for f in findings}
    assert found == expected  # not the described image, the heading in order, alt="", #333, white on a dark cell, the code block
    assert {(f["engine"], f["severity"]) for f in findings} == {("accessibility", "warning")}


def test_messages_say_what_is_wrong_and_what_to_do(checked):
    _, findings = checked
    said = {f["rule"]: f["message"] for f in findings}
    assert "has no alternative text" in said["image-no-alt"]
    skipped = [f["message"] for f in findings if f["rule"] == "heading-skipped"]
    assert any("a level-4 heading after a level-1 one skips level 2" in m and "make it ##" in m for m in skipped), skipped
    assert any("a level-4 heading after a level-2 one skips level 3" in m and "make it <h3>" in m for m in skipped), skipped
    contrast = [f["message"] for f in findings if f["rule"] == "low-contrast"]
    assert any("#aaaaaa on #ffffff has a contrast of 2.3:1" in m for m in contrast), contrast  # WCAG 2.1's formula
    assert any("#ffff00 on #ffffff has a contrast of 1.1:1" in m for m in contrast), contrast
    assert any("#444444 on #222222" in m for m in contrast), contrast  # a cell's background under its text's color
    assert "'цапля серая' is in Cyrillic script, not English" in said["language-not-marked"]
    assert '<span lang="ru">цапля серая</span>' in said["language-not-marked"]


def test_a_chapter_in_another_language_is_read_in_its_own_script(tmp_path):
    """A Russian chapter's Cyrillic is its own language; the English name in it (Latin) is never a finding."""
    book = copy_book(FIXTURE, tmp_path / "book")
    chapter = book / "book" / "pictures.md"
    chapter.write_text("---\nlang: ru\n---\n\n# Цапли\n\nСерая цапля (grey heron) и 青鹭 стоят в воде.\n")
    run = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    found = [(f["line"], f["column"], f["message"].split(",")[0]) for f in json.loads(run.stdout) if f["path"] == "book/pictures.md"]
    line, column = where(book, "pictures.md", "青鹭", "青鹭")
    assert found == [(line, column, "'青鹭' is in Han script")], found


def test_each_rule_is_levelled_like_any_other(tmp_path):
    book = copy_book(FIXTURE, tmp_path / "book")
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      formats: [site]\n", "      formats: [site]\n      check:\n        rules:\n          accessibility: info\n"
        "          vague-link-text: error\n          low-contrast: off\n"
    ))  # fmt: skip
    run = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 1, run.stderr  # the errors fail the check
    levels = {(f["rule"], f["severity"]) for f in json.loads(run.stdout)}
    assert ("vague-link-text", "error") in levels and ("image-no-alt", "info") in levels
    assert not any(rule == "low-contrast" for rule, _ in levels)
    assert {severity for rule, severity in levels if rule != "vague-link-text"} == {"info"}


def test_a_suppression_names_the_rule(tmp_path):
    book = copy_book(FIXTURE, tmp_path / "book")
    chapter = book / "book" / "pictures.md"
    chapter.write_text(
        chapter.read_text().replace("![](images/heron.svg)", "<!-- presswork-disable-next-line image-no-alt -->\n![](images/heron.svg)")
    )
    run = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    rules = [(f["path"], f["rule"]) for f in json.loads(run.stdout)]
    assert rules.count(("book/pictures.md", "image-no-alt")) == 1  # the raw <img> is still found


def test_every_report_format_carries_the_findings(checked):
    book, _ = checked
    line, column = where(book, "pictures.md", "![heron]", "heron")
    github = presswork("check", "--no-grammar", "--format", "github", "--quiet", cwd=book).stdout
    assert f"::warning file=book/pictures.md,line={line},col={column},endLine={line},endColumn={column + 5}" in github
    sarif = json.loads(presswork("check", "--no-grammar", "--format", "sarif", "--quiet", cwd=book).stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"image-alt-file-name", "low-contrast"}
