"""A book as it was at one commit: the commit's own tree, exported from git, read as the build reads it.

`presswork diff A..B` compares two of these. Each side is read with its own `mkdocs.yml` (so a
chapter added to `nav` on one side counts), loaded with the same safe loader as always: nothing in a
tree is ever run. `A..B` compares A with B; `A...B` compares the commit where B left A (their merge
base) with B, which is what a pull request shows; a missing B means HEAD.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.configuration.config import Settings
from pipeline.configuration.trust import Trust
from pipeline.errors import ConfigError
from pipeline.sources import manuscript, source
from pipeline.sources.manuscript import Manuscript
from pipeline.tools.git import Repository, Signature


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: the name given, the commit it leads to, and that commit's author."""

    ref: str
    commit: str
    author: Signature

    @property
    def short(self) -> str:
        return self.commit[:12]


@dataclass(frozen=True)
class Range:
    base: Revision
    head: Revision
    text: str  # as given, e.g. v1.0.0..HEAD


@dataclass(frozen=True)
class Snapshot:
    """The book of one revision, read from its exported tree."""

    revision: Revision
    settings: Settings
    manuscript: Manuscript
    prefix: str  # the folder of mkdocs.yml inside the repository ('' at its top)

    def in_repo(self, display: str) -> str:
        """A path as presswork shows it (relative to mkdocs.yml) -> the same path in the repository."""
        return f"{self.prefix}/{display}" if self.prefix else display


def parse_range(repo: Repository, text: str) -> Range:
    """`A..B`, `A...B` or `A` (meaning A..HEAD), resolved to commits; a bad name is a usage error."""
    symmetric = "..." in text
    base_ref, _, head_ref = text.partition("..." if symmetric else "..")
    if not base_ref:
        raise ConfigError(f"'{text}' names no base commit", hint="write A..B, e.g. presswork diff v1.0.0..HEAD")
    head_ref = head_ref or "HEAD"
    base_commit, head_commit = repo.commit_of(base_ref), repo.commit_of(head_ref)
    for ref, commit in ((base_ref, base_commit), (head_ref, head_commit)):
        if commit is None:
            raise ConfigError(f"'{ref}' is not a commit, branch or tag here", hint="fetch it or check the name")
    if symmetric:
        base_commit = repo.merge_base(base_commit, head_commit)
        if base_commit is None:
            raise ConfigError(f"'{base_ref}' and '{head_ref}' have no commit in common", hint="write A..B instead")
    base = Revision(base_ref, base_commit, repo.author(base_commit))
    head = Revision(head_ref, head_commit, repo.author(head_commit))
    return Range(base, head, f"{base_ref}{'...' if symmetric else '..'}{head_ref}")


# A compared commit's configuration names the chapters; nothing in it (hooks, plugins) may run.
_READ_ONLY = Trust(trusted=False, reason="a compared commit")


@contextmanager
def snapshots(repo: Repository, span: Range, config_path: Path) -> Iterator[tuple[Snapshot, Snapshot]]:
    """Both sides of `span`, exported into a scratch folder that is removed afterwards."""
    relative = config_path.resolve().relative_to(repo.root)
    with tempfile.TemporaryDirectory(prefix="presswork-diff-") as scratch:
        sides = []
        for name, revision in (("base", span.base), ("head", span.head)):
            settings = source.export(
                repo, revision.commit, Path(scratch) / name, config_path, _READ_ONLY,  # either side may be a pull request's: read, never run
                missing=lambda path, revision=revision: ConfigError(
                    f"{revision.ref} ({revision.short}) has no {path.as_posix()}", hint="compare commits that hold the book's configuration"
                ),
            )  # fmt: skip
            book = manuscript.read(settings, repo.commit_time(revision.commit))
            prefix = relative.parent.as_posix()
            sides.append(Snapshot(revision, settings, book, "" if prefix == "." else prefix))
        yield sides[0], sides[1]
