"""Real git histories for the review tests, written with the `git` command, fixed identities and dates,
and no user or system configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import TESTS

BOOK = TESTS / "books" / "review"
ROBIN = ("Robin Reviewer", "robin@example.org")
EVE = ("Eve Editor", "eve@example.org")
FIRST = 1_710_000_000  # 2024-03-09T16:00:00Z
SECOND = 1_710_086_400  # a day later
ISO_SECOND = "2024-03-10T16:00:00Z"

ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


def git(*args: str, cwd: Path, who: tuple[str, str] = ROBIN, when: int = FIRST, check: bool = True) -> str:
    env = {**os.environ, **ENV}
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = who[0]
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = who[1]
    env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when} +0000"
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def init(root: Path) -> None:
    git("init", "-q", "-b", "main", cwd=root)


def commit_all(root: Path, message: str, who: tuple[str, str] = ROBIN, when: int = FIRST) -> str:
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", message, cwd=root, who=who, when=when)
    return git("rev-parse", "HEAD", cwd=root)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def two_commits(root: Path) -> Path:
    """The review book committed by Robin, then a second commit by Eve that changes one chapter, removes
    one, renames one (with one word changed), leaves one alone and adds one."""
    shutil.copytree(BOOK, root)
    init(root)
    commit_all(root, "The first four chapters")
    book = root / "book"
    edit(book / "opening.md", "wakes early", "wakes very early")
    edit(book / "opening.md", "quiet again.", "quiet.")
    edit(book / "opening.md", "sells its first loaves", "sells its *first* loaves")
    git("rm", "-q", "book/harbour.md", cwd=root)
    git("mv", "book/lighthouse.md", "book/beacon.md", cwd=root)
    edit(book / "beacon.md", "ten seconds", "twelve seconds")
    (book / "tides.md").write_text("# Tides\n\nThe tide goes out twice a day and leaves the bay full of pools.\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    edit(config, "  - Harbour: harbour.md\n", "")
    edit(config, "  - Lighthouse: lighthouse.md\n", "  - Beacon: beacon.md\n")
    edit(config, "  - Market: market.md\n", "  - Market: market.md\n  - Tides: tides.md\n")
    commit_all(root, "Edits, a new chapter on tides, the harbour chapter gone", who=EVE, when=SECOND)
    return root
