"""`presswork diff A..B` on a real two-commit history: a chapter changed, one removed, one renamed, one
unchanged and one added, with the words added and removed in each, as text, JSON and Markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import presswork
from reviewing import BOOK, EVE, SECOND, commit_all, edit, git, two_commits


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return two_commits(tmp_path_factory.mktemp("diff") / "book")


@pytest.fixture(scope="module")
def found(history) -> dict:
    run = presswork("diff", "HEAD~1..HEAD", "--format", "json", "--quiet", cwd=history)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def words(name: str) -> int:
    return len((BOOK / "book" / name).read_text(encoding="utf-8").split())


def test_every_chapter_is_paired_in_reading_order(found):
    rows = [(c["status"], c["path"], c["old_path"], c["title"]) for c in found["chapters"]]
    assert rows == [
        ("changed", "book/opening.md", None, "Opening"),
        ("removed", "book/harbour.md", None, "Harbour"),
        ("renamed", "book/beacon.md", "book/lighthouse.md", "Beacon"),
        ("unchanged", "book/market.md", None, "Market"),
        ("added", "book/tides.md", None, "Tides"),
    ]


def test_words_added_and_removed_per_chapter(found):
    counts = {c["path"]: (c["words_added"], c["words_removed"]) for c in found["chapters"]}
    assert counts == {
        "book/opening.md": (3, 3),  # +very; quiet again. -> quiet.; first -> *first*
        "book/harbour.md": (0, words("harbour.md")),
        "book/beacon.md": (1, 1),  # ten -> twelve
        "book/market.md": (0, 0),
        "book/tides.md": (16, 0),
    }
    totals = found["totals"]
    assert totals == {"added": 1, "removed": 1, "renamed": 1, "changed": 1, "unchanged": 1,
                      "words_added": 20, "words_removed": 4 + words("harbour.md")}  # fmt: skip


def test_json_names_both_commits(found, history):
    assert found["from"] == {"ref": "HEAD~1", "commit": git("rev-parse", "HEAD~1", cwd=history)}
    assert found["to"] == {"ref": "HEAD", "commit": git("rev-parse", "HEAD", cwd=history)}


def test_text_lists_changed_chapters_only(history):
    run = presswork("diff", "HEAD~1", "--quiet", cwd=history)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("HEAD~1..HEAD (")
    assert lines[0].endswith("1 added, 1 removed, 1 renamed, 1 changed, 1 unchanged; +20 -31 words")
    assert [line.split()[:2] for line in lines[1:]] == [
        ["changed", "book/opening.md"], ["removed", "book/harbour.md"], ["renamed", "book/lighthouse.md"], ["added", "book/tides.md"],
    ]  # fmt: skip
    assert "book/lighthouse.md -> book/beacon.md" in lines[3]
    assert "market" not in run.stdout


def test_markdown_is_a_table_for_the_job_summary(history):
    run = presswork("diff", "HEAD~1..HEAD", "--format", "markdown", "--quiet", cwd=history)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "### What changed in the book"
    assert "| Chapter | Change | Words added | Words removed |" in lines
    assert "| Beacon (`book/lighthouse.md` → `book/beacon.md`) | renamed | 1 | 1 |" in lines
    assert "| Tides (`book/tides.md`) | added | 16 | 0 |" in lines
    assert not any("Market" in line for line in lines)


def test_three_dots_compare_from_where_the_branch_left(history, tmp_path):
    clone = tmp_path / "clone"
    git("clone", "-q", str(history), str(clone), cwd=tmp_path)
    git("checkout", "-q", "-b", "topic", "HEAD~1", cwd=clone)
    edit(clone / "book" / "market.md", "fruit, cheese and fish", "fruit and fish")
    commit_all(clone, "Shorter market", who=EVE, when=SECOND)
    run = presswork("diff", "main...topic", "--format", "json", "--quiet", cwd=clone)
    assert run.returncode == 0, run.stderr
    changed = [(c["path"], c["words_added"], c["words_removed"]) for c in json.loads(run.stdout)["chapters"] if c["status"] != "unchanged"]
    assert changed == [("book/market.md", 1, 2)]  # fruit, cheese -> fruit


def test_a_name_that_is_no_commit_is_a_usage_error(history):
    run = presswork("diff", "no-such-tag..HEAD", cwd=history)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == "error: 'no-such-tag' is not a commit, branch or tag here (fetch it or check the name)"
    run = presswork("diff", "--format", "json", "--", "--output=x..HEAD", cwd=history)
    assert run.returncode == 2
    assert not (history / "x").exists()


def test_a_commit_without_the_book_is_a_usage_error(tmp_path):
    root = tmp_path / "book"
    root.mkdir()
    git("init", "-q", "-b", "main", cwd=root)
    (root / "README.md").write_text("Nothing here yet.\n")
    commit_all(root, "Empty")
    for name in ("mkdocs.yml", "book"):
        source = BOOK / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    commit_all(root, "The book", when=SECOND)
    run = presswork("diff", "HEAD~1..HEAD", cwd=root)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("error: HEAD~1 (")
    assert run.stderr.strip().endswith("has no mkdocs.yml (compare commits that hold the book's configuration)")
