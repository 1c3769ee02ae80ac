"""The output folder (`build/`, or `--out`): made if need be, and held by one build at a time.

Two builds of one book at once would each remove the other's staging folder as stale, and move
their editions over each other's. A build holds a lock on the folder itself for as long as it writes
there (an advisory `flock`, released by the system when the process ends, however it ends; nothing
is added to the folder); a second build says which process holds it and waits its turn.

A folder that cannot be written (an `--out` that names a file, a read-only file system, a full disk)
is a `WriteError`, exit 73, before anything is built or while it is staged: the editions already in
the folder are left as they were.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import WriteError

# What the system answers when nothing can be written where the output goes: no room, or read-only.
UNWRITABLE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def unwritable(error: OSError, what: str = "") -> WriteError:
    """The `WriteError` that says why `error` kept a file from being written, and what to do."""
    place = what or error.filename or "the output folder"
    hint = {
        errno.ENOSPC: "free some space on that disk, or build elsewhere with --out",
        errno.EDQUOT: "free some of your quota, or build elsewhere with --out",
        errno.EROFS: "the file system is read-only: build elsewhere with --out",
    }.get(error.errno or 0, "build elsewhere with --out, or make the folder writable")
    return WriteError(f"cannot write {place}: {error.strerror or error}", hint=hint)


def prepare(out: Path) -> None:
    """Make `out` a folder that exists, or say why it cannot be one."""
    if out.exists() and not out.is_dir():
        raise WriteError(f"the output '{out}' is a file, not a folder", hint="give --out a folder, or move the file away")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise unwritable(error, f"the output folder '{out}'") from None


@contextlib.contextmanager
def held(out: Path, say) -> Iterator[None]:
    """`out` held by this process alone; `say` tells the user when another build holds it first."""
    try:
        handle = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise unwritable(error, f"the output folder '{out}'") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for the build that is writing {out} ({_holder(handle)}) to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)  # Ctrl-C stops the wait (KeyboardInterrupt)
        yield
    finally:
        os.close(handle)  # and the lock with it


def _holder(handle: int) -> str:
    """Which process holds the lock on the folder open as `handle`, as the system lists it."""
    status = os.fstat(handle)
    device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == device and fields[4].isdigit():
            return f"process {fields[4]}"
    return "another process"
