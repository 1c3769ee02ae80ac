"""What a reviewer sees on a pull request, proven with reviewdog itself: `presswork check --format rdjson`
of a real two-commit history, fed to reviewdog's `local` reporter with the diff of the second commit.
An old misspelling on a line the commit leaves alone gets no comment; the new one on an added line
gets exactly one, at its place, with its suggestion."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import presswork
from reviewing import BOOK, EVE, SECOND, commit_all, git, init

REVIEWDOG = Path(sys.executable).parent / "reviewdog"
OLD = "On Saturdays the square has alot of stalls."  # committed first: a reviewer of the second commit never sees it
NEW = "The boats recieve their nets at dawn."  # added by the second commit


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reviewdog") / "book"
    shutil.copytree(BOOK, root)
    market = root / "book" / "market.md"
    market.write_text(market.read_text(encoding="utf-8") + f"\n{OLD}\n", encoding="utf-8")
    init(root)
    commit_all(root, "The book, with an old misspelling")
    harbour = root / "book" / "harbour.md"
    harbour.write_text(harbour.read_text(encoding="utf-8") + f"\n{NEW}\n", encoding="utf-8")
    market.write_text(market.read_text(encoding="utf-8") + "\nThe square is quiet on Sundays.\n", encoding="utf-8")
    commit_all(root, "A new misspelling", who=EVE, when=SECOND)
    return root


@pytest.fixture(scope="module")
def rdjson(repo) -> str:
    run = presswork("check", "--format", "rdjson", "--no-grammar", "--fail-on", "never", "--quiet", cwd=repo)
    assert run.returncode == 0, run.stderr
    return run.stdout


def line_of(repo: Path, name: str, text: str) -> int:
    return (repo / "book" / name).read_text(encoding="utf-8").split("\n").index(text) + 1


def reviewdog(repo: Path, rdjson: str, mode: str) -> list[dict]:
    if not REVIEWDOG.exists():
        pytest.fail("reviewdog is not installed: run make test, which installs the review tools")
    result = subprocess.run(
        [str(REVIEWDOG), "-f=rdjson", "-reporter=local", f"-filter-mode={mode}", "-diff=git diff HEAD~1", "-fail-level=none"],
        input=rdjson, cwd=repo, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [_comment(line) for line in result.stdout.splitlines() if line.strip()]


def _comment(line: str) -> dict:
    """One comment as reviewdog's local reporter prints it (the diagnostic in protobuf text format)."""
    numbers = re.search(
        r'location:\{path:"([^"]+)"\s+range:\{start:\{line:(\d+)\s+column:(\d+)\}\s+end:\{line:(\d+)\s+column:(\d+)\}', line
    )
    assert numbers, line
    path, *place = numbers.groups()
    return {
        "path": path,
        "range": tuple(int(n) for n in place),
        "message": re.search(r'message:"((?:[^"\\]|\\.)*)"', line).group(1),
        "suggestions": re.findall(r'suggestions:\{.*?text:"((?:[^"\\]|\\.)*)"\}', line),
    }


def test_the_check_reports_both_misspellings(repo, rdjson):
    paths = sorted(d["location"]["path"] for d in json.loads(rdjson)["diagnostics"])
    assert paths == ["book/harbour.md", "book/market.md"]


def test_a_reviewer_sees_only_the_added_line_with_its_suggestion(repo, rdjson):
    line = line_of(repo, "harbour.md", NEW)
    column = NEW.index("recieve") + 1
    assert reviewdog(repo, rdjson, "added") == [
        {
            "path": "book/harbour.md",
            "range": (line, column, line, column + len("recieve")),
            "message": "'recieve' is a common misspelling of 'receive'",
            "suggestions": ["receive"],
        }
    ]


def test_without_the_filter_the_old_line_would_be_commented_too(repo, rdjson):
    seen = reviewdog(repo, rdjson, "nofilter")
    assert [(c["path"], c["range"][0]) for c in seen] == [
        ("book/harbour.md", line_of(repo, "harbour.md", NEW)),
        ("book/market.md", line_of(repo, "market.md", OLD)),
    ]
    assert git("diff", "--stat", "HEAD~1", cwd=repo).count("|") == 2  # both files changed, only one of the lines
