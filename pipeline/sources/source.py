"""The source stage of a build from git: a commit's own tree, exported, and the book's configuration
read from it. `publish` builds a tag this way, and `diff` reads both sides of a comparison."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.configuration import config
from pipeline.configuration.config import Settings
from pipeline.configuration.trust import Trust
from pipeline.errors import PressworkError
from pipeline.tools.git import Repository


def export(
    repo: Repository, commit: str, tree: Path, configuration: Path, trust: Trust, *, missing: Callable[[Path], PressworkError]
) -> Settings:
    """`commit`'s tree exported into `tree`, and the book's settings read from the file at the place
    `configuration` has in the repository, as `trust` allows; a tree without that file raises
    `missing(its path in the repository)`."""
    relative = configuration.resolve().relative_to(repo.root)
    repo.export(commit, tree)
    path = tree / relative
    if not path.is_file():
        raise missing(relative)
    return config.load(path, trust)
