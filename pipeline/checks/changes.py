"""`--changed-since REF`: the lines added or changed since REF, as git's diff tells them."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.tools.git import Repository

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def changed_lines(root: Path, ref: str, paths: list[str], *, timeout: float) -> dict[str, set[int] | None]:
    """For each of `paths` (relative to `root`): the changed line numbers, or None for a new file."""
    repo = Repository.find(root, timeout=timeout)
    if ref.startswith("-") or repo.resolve(f"{ref}^{{commit}}") is None:
        raise ConfigError(f"--changed-since: '{ref}' is not a commit, branch or tag here", hint="fetch it or check the name")
    prefix = root.resolve().relative_to(repo.root)
    result: dict[str, set[int] | None] = {}
    for path in paths:
        in_repo = (prefix / path).as_posix()
        if not repo.run("ls-tree", "--name-only", ref, "--", in_repo).text:
            result[path] = None  # new since REF: every line is new
            continue
        diff = repo.run("diff", "--unified=0", "--no-color", "--no-ext-diff", ref, "--", in_repo).stdout.decode("utf-8", "replace")
        lines: set[int] = set()
        for match in _HUNK.finditer(diff):
            start, count = int(match.group(1)), int(match.group(2) or 1)
            lines.update(range(start, start + count))
        result[path] = lines
    return result
