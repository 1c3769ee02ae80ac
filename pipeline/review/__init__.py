"""Review: what changed in a book between two commits (`presswork diff`), the redline DOCX for editors,
the pre-commit hooks, and a new book repository with its workflows (`presswork new`).

    diff A..B    the work tree's repository -> both commits' trees exported and read -> chapters paired
                 (git's rename detection) -> words compared -> text, JSON or Markdown
    --redline    both books assembled -> blocks and words compared -> the DOCX builder -> marks
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from pipeline.configuration.config import Settings
from pipeline.progress import Progress
from pipeline.review import history, summary
from pipeline.review.summary import FORMATS, BookDiff
from pipeline.tools.git import Repository


@dataclass(frozen=True)
class Compared:
    diff: BookDiff
    redline: Path | None = None


def diff(settings: Settings, text: str, *, redline: Path | None, progress: Progress) -> Compared:
    """Compare the book at the two commits `text` names (`A..B`, `A...B`, or `A` for A..HEAD)."""
    repo = Repository.find(settings.root, timeout=settings.presswork.timeout)
    span = history.parse_range(repo, text)
    with ExitStack() as stack:
        with progress.step("export") as note:
            base, head = stack.enter_context(history.snapshots(repo, span, settings.path))
            note["text"] = f"{span.base.short} and {span.head.short}"
        with progress.step("compare") as note:
            found = summary.compare(repo, span, base, head)
            note["text"] = f"{len(found.changed)} of {len(found.chapters)} chapters changed"
        if redline is not None:
            from pipeline.review import redline as redlines

            with progress.step("redline") as note:
                redlines.write(repo, span, base, head, redline)
                note["text"] = redline.name
    return Compared(found, redline)


__all__ = ["Compared", "FORMATS", "diff"]
