"""`--changed-since REF`: the lines added or changed since REF, read from git through GitPython."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import ConfigError, ToolError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def changed_lines(root: Path, ref: str, paths: list[str]) -> dict[str, set[int] | None]:
    """For each of `paths` (relative to `root`): the changed line numbers, or None for a new file."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
        raise ConfigError(f"--changed-since needs a git repository; {root} is not in one") from error
    try:
        repo.commit(ref)
    except (git.BadName, ValueError) as error:
        raise ConfigError(f"--changed-since: '{ref}' is not a commit, branch or tag here", hint="fetch it or check the name") from error
    top = Path(repo.working_tree_dir).resolve()
    prefix = root.resolve().relative_to(top)
    result: dict[str, set[int] | None] = {}
    for path in paths:
        in_repo = (prefix / path).as_posix()
        try:
            known = bool(repo.git.ls_tree(ref, "--", in_repo))
            diff = repo.git.diff(ref, "--unified=0", "--no-color", "--no-ext-diff", "--", in_repo) if known else ""
        except git.GitCommandError as error:
            raise ToolError(f"git diff failed: {' '.join(error.stderr.split())}") from error
        if not known:
            result[path] = None  # new since REF: every line is new
            continue
        lines: set[int] = set()
        for match in _HUNK.finditer(diff):
            start, count = int(match.group(1)), int(match.group(2) or 1)
            lines.update(range(start, start + count))
        result[path] = lines
    return result
