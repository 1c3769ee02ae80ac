"""The hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit tool at `git commit` in a temporary
book repository: a seeded misspelling in a staged chapter stops the commit, a clean chapter passes, and
a staged file that is not a chapter is left alone.

The hooks repository is a snapshot of this source tree committed into a temporary repository, named in
the book's `.pre-commit-config.yaml` by its path and commit, as a book names Presswork's repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CACHE, EPOCH, REPO
from reviewing import BOOK, commit_all, git, init

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("hooks") / "presswork"
    root.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "pipeline", root / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "styles", root / "styles")  # installed as pipeline.default_styles
    init(root)
    return root, commit_all(root, "Presswork")


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> dict[str, str]:
    if not PRE_COMMIT.exists():
        pytest.fail("pre-commit is not installed: run make test (it installs the review tools)")
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRESSWORK_CACHE": str(CACHE), "SOURCE_DATE_EPOCH": EPOCH,
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}  # fmt: skip


@pytest.fixture(scope="module")
def book(tmp_path_factory, hooks_repo, environment) -> Path:
    path, rev = hooks_repo
    root = tmp_path_factory.mktemp("precommit") / "book"
    shutil.copytree(BOOK, root)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n      - id: presswork-fast\n      - id: presswork\n",
        encoding="utf-8",
    )
    init(root)
    commit_all(root, "The book, before its hooks")
    subprocess.run([str(PRE_COMMIT), "install"], cwd=root, env=environment, check=True, capture_output=True, timeout=60)
    return root


def commit(root: Path, environment: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    env = {**environment, "GIT_AUTHOR_NAME": "Robin Reviewer", "GIT_AUTHOR_EMAIL": "robin@example.org",
           "GIT_COMMITTER_NAME": "Robin Reviewer", "GIT_COMMITTER_EMAIL": "robin@example.org"}  # fmt: skip
    return subprocess.run(["git", "commit", "-m", message], cwd=root, env=env, capture_output=True, text=True, timeout=900)


def test_a_seeded_misspelling_stops_the_commit(book, environment):
    head = git("rev-parse", "HEAD", cwd=book)
    chapter = book / "book" / "market.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nThe stalls recieve fresh fish at dawn.\n", encoding="utf-8")
    git("add", "book/market.md", cwd=book)
    result = commit(book, environment, "A line with a misspelling")
    assert result.returncode != 0, result.stdout
    out = result.stdout + result.stderr
    assert "presswork (spelling and links of the staged chapters)" in out
    fast = out.split("presswork (spelling and links of the staged chapters)")[1].split("presswork (every check")[0]
    assert "Failed" in fast and "book/market.md" in fast and "recieve" in fast and "receive" in fast
    full = out.split("presswork (every check of the book)")[1]
    assert "Failed" in full and "recieve" in full
    assert git("rev-parse", "HEAD", cwd=book) == head  # nothing was committed


def test_a_clean_chapter_passes_and_commits(book, environment):
    head = git("rev-parse", "HEAD", cwd=book)
    chapter = book / "book" / "market.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("recieve", "receive"), encoding="utf-8")
    (book / "NOTES.md").write_text("Teh notes of the editors are not a chapter.\n", encoding="utf-8")
    git("add", "book/market.md", "NOTES.md", cwd=book)
    result = commit(book, environment, "The market gets its fish")
    assert result.returncode == 0, result.stdout + result.stderr
    passed = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("presswork (")]
    assert len(passed) == 2 and all(line.endswith("Passed") for line in passed), result.stderr
    assert git("rev-parse", "HEAD~1", cwd=book) == head
