"""Facts the environment gives a run, read once at the command line's boundary and passed down."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def cache_folder(environ: Mapping[str, str]) -> Path:
    """Where Presswork keeps what it may rebuild: `PRESSWORK_CACHE`, else the user's cache folder."""
    if environ.get("PRESSWORK_CACHE"):
        return Path(environ["PRESSWORK_CACHE"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".cache")
    return Path(base) / "presswork"
