"""The one place that knows what time the build is.

`SOURCE_DATE_EPOCH` when it is set (a release sets it from its tag's commit, so the same tag gives the
same bytes). Otherwise a book in git is as old as the newest commit that touches its folder, and a
book outside git as its newest file: what changed in the work tree since is told by the content's
hashes, not by the time, so building an unchanged book again is a no-op and gives the same bytes.
Only a book with no commit and no file to date it by takes the time of the build.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError, PressworkError

if TYPE_CHECKING:
    from pipeline.configuration.config import Settings

LATEST = 253402300799  # 9999-12-31T23:59:59Z: the last moment a date in a book's metadata can name


def build_epoch(environ: Mapping[str, str], settings: Settings | None = None) -> int:
    """Seconds since 1970 for this build: `SOURCE_DATE_EPOCH` when it is set, else the book's own
    time (its newest commit, or its newest file), else now."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return (book_epoch(settings) if settings is not None else None) or int(time.time())
    if not value.isdigit() or int(value) > LATEST:
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds up to {LATEST} (the end of 9999), not '{value}'",
            hint="unset it or set it to e.g. $(git log -1 --format=%ct)",
        )
    return int(value)


def book_epoch(settings: Settings) -> int | None:
    """When the book last changed: its folder's newest commit, or, outside git (or before its first
    commit), its newest file's modification time."""
    from pipeline.tools.git import Repository

    root = settings.root.resolve()
    try:
        repository = Repository.find(root, timeout=settings.presswork.timeout)
        found = repository.run("log", "-1", "--format=%ct", "--", str(root), check=False)
    except PressworkError:  # no git, or not a repository
        found = None
    if found is not None and found.returncode == 0 and found.text.isdigit():
        return int(found.text)
    files = [settings.path, *(path for path in settings.docs_dir.rglob("*") if path.is_file())]
    times = [int(path.stat().st_mtime) for path in files if path.exists()]
    return min(max(times), LATEST) if times else None


def utc(epoch: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch, tz=_dt.UTC)
