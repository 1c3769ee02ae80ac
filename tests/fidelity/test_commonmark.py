"""Valid Markdown never breaks a tool: the CommonMark spec's examples (0.31.2, from npm's
`commonmark-spec`, installed by `make test`), each a chapter of one book, built in every edition,
trusted and untrusted.

Each example must either be built into valid editions, or stop the build with a one-line content error
naming its chapter (exit 1); none may end in a tool's failure (3), a failed validation (4) or an
internal error (70). `make test` builds every eleventh example; `make commonmark` builds them all.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import REPO, presswork

SPEC = REPO / ".venv" / "node_modules" / "commonmark-spec" / "spec.txt"
_EXAMPLE = re.compile(r"^`{32} example\n(.*?)^\.\n(.*?)^`{32}$", re.MULTILINE | re.DOTALL)
CONFIG = """site_name: CommonMark
docs_dir: book
strict: true
theme:
  name: material
  font: false
nav:
{nav}
markdown_extensions:
  - toc
  - tables
  - attr_list
  - footnotes
  - admonition
plugins:
  - presswork:
      book:
        title: CommonMark
      # what this book proves is that the reader holds every example; many of them are
      # inaccessible on purpose (a link with no text), which test_accessible_editions covers
      accessibility:
        epub: warning
        pdf: warning
        site: warning
"""


def examples() -> list[tuple[int, str]]:
    if not SPEC.is_file():
        pytest.fail("the CommonMark spec is not installed: run make test, which installs it from npm")
    found = _EXAMPLE.findall(SPEC.read_text(encoding="utf-8"))
    return [(number, markdown.replace("→", "\t")) for number, (markdown, _) in enumerate(found, start=1)]


def write_book(root: Path, chosen: list[tuple[int, str]]) -> None:
    (root / "book").mkdir(parents=True, exist_ok=True)
    (root / "book" / "index.md").write_text("# CommonMark\n\nThe spec's examples, one a chapter.\n")
    nav = ["  - index.md"]
    for number, markdown in chosen:
        (root / "book" / f"example-{number:03d}.md").write_text(markdown, encoding="utf-8")
        nav.append(f"  - example-{number:03d}.md")
    (root / "mkdocs.yml").write_text(CONFIG.format(nav="\n".join(nav)))


def outcomes(root: Path, chosen: list[tuple[int, str]], *flags: str) -> dict[int, str]:
    """Build the book of `chosen`; an example its build stops at is taken out (with the line
    printed) and the rest built again, until the book builds. Raises on a forbidden exit code."""
    stopped: dict[int, str] = {}
    remaining = list(chosen)
    while True:
        write_book(root, remaining)
        run = presswork("build", "--no-check", "--quiet", *flags, cwd=root)
        if run.returncode == 0:
            return stopped
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 1, f"exit {run.returncode}: {run.stderr}"
        assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
        match = re.search(r"example-(\d{3})\.md", lines[0])
        assert match, f"the error names no chapter: {lines[0]}"
        number = int(match.group(1))
        stopped[number] = lines[0]
        remaining = [(n, m) for n, m in remaining if n != number]
        for stale in (root / "book").glob("example-*.md"):
            stale.unlink()


def sample() -> list[tuple[int, str]]:
    every = examples()
    return every if os.environ.get("PRESSWORK_COMMONMARK") == "all" else every[::11]


@pytest.mark.parametrize("trust", ["trusted", "untrusted"])
def test_every_example_builds_or_stops_at_its_chapter(trust, tmp_path):
    chosen = sample()
    flags = ["--untrusted"] if trust == "untrusted" else []
    stopped = outcomes(tmp_path / "book", chosen, *flags)
    assert len(stopped) < len(chosen) / 4, stopped  # most valid Markdown builds
