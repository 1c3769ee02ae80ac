"""Tools kept warm between runs, as Gradle keeps its daemon: LanguageTool's server, typst's compiler
(`pipeline.tools.typst`), and EPUBCheck and veraPDF each in a JVM of its own (`Warm.java`), are
started by the first run that needs them, used by every run that finds them, and end by themselves
after some idle minutes (`tools_idle`; `--no-daemon` or 0 minutes: each run starts its own and stops it).

They are the user's, whatever cache a run uses: each one's state lives in a folder of its own under
`home()` (`daemon.json`: the supervisor's process id, the address it serves, what it was started
from). A run that uses it holds `daemon.use` shared, and
touches the state as it starts and ends. The supervisor, this module run as a detached program (the
one exception to "no tool outlives Presswork", see `process.detach`), runs the tool under it and
ends the tool and itself when the state was not touched for its idle time and no run holds
`daemon.use`, when the state is gone or names another, or when the tool died. A run that finds a
daemon started from something else (another version, another heap), or dead, or not answering,
replaces it: a stale daemon never changes a result.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process

STATE, USE, START, LOG = "daemon.json", "daemon.use", "daemon.lock", "daemon.log"
_POLL = 2.0  # seconds between the supervisor's looks at its tool and its state


@contextlib.contextmanager
def used(folder: Path, identity: dict, command: list[str], address: str, *, idle: float, answers: Callable[[str], bool],
         startup: float, title: str) -> Iterator[str]:  # fmt: skip
    """The address of the tool kept in `folder`, for the length of a `with` block: the one running when it
    was started from `identity` and answers, else one started now from `command` (and address), where
    `{port}` stands for a free loopback port. It stays `idle` seconds after the last run leaves it;
    messages name it as `title` ("the LanguageTool server")."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / USE, "a") as use:
        fcntl.flock(use, fcntl.LOCK_SH)  # the supervisor ends nothing while a run holds this
        url = warm(folder, identity, command, address, idle=idle, answers=answers, startup=startup, title=title)
        try:
            yield url
        finally:
            _touch(folder / STATE)


def warm(folder: Path, identity: dict, command: list[str], address: str, *, idle: float, answers: Callable[[str], bool],
         startup: float, title: str, replace: bool = False) -> str:  # fmt: skip
    """The address of a running daemon started from `identity` (a new one when `replace`); see `used`."""
    state = folder / STATE
    with open(folder / START, "a") as start:
        fcntl.flock(start, fcntl.LOCK_EX)  # one run starts it; the others wait and find it
        record = _read(state)
        if record and not replace and record.get("identity") == identity and _alive(record.get("pid")) and answers(record["url"]):
            _touch(state)
            return record["url"]
        if record:
            _end(record)
        port = free_port()
        url = address.replace("{port}", str(port))
        command = [part.replace("{port}", str(port)) for part in command]
        _write(state, {"pid": 0, "url": url, "identity": identity, "command": command})  # 0: its supervisor about to start
        (folder / LOG).write_bytes(b"")
        supervisor = [sys.executable, "-P", "-m", "pipeline.tools.daemon", "--state", str(state), "--idle", f"{idle:g}"]
        pid = process.detach(supervisor, log=folder / LOG, env={**os.environ, "PYTHONPATH": _ours()})
        record = {"pid": pid, "url": url, "identity": identity, "command": command, "started": time.time()}
        _write(state, record)
        deadline = time.monotonic() + startup
        while time.monotonic() < deadline:
            if not _alive(pid):
                log = (folder / LOG).read_text(encoding="utf-8", errors="replace")
                state.unlink(missing_ok=True)
                raise ToolError(f"{title} stopped while starting", hint="run with --no-daemon to start it as before", detail=log[-4000:])
            if answers(url):
                return url
            time.sleep(0.25)
        _end(record)
        raise ToolError(f"{title} did not answer within {startup:g} s", hint="run with --no-daemon to start it as before")


@dataclass(frozen=True)
class Warm:
    """Where tools are kept running between runs (the user's folder of daemons, `home()`, one folder
    in it for each tool), and how many seconds each stays after its last run."""

    folder: Path
    idle: float

    @classmethod
    def found(cls, idle: float) -> Warm | None:
        """Tools kept `idle` seconds (None, when 0 or when the user has no folder of daemons: each run starts its own)."""
        folder = home() if idle > 0 else None
        return cls(folder, idle) if folder is not None else None


def home() -> Path | None:
    """The user's folder of daemons: `$XDG_RUNTIME_DIR/presswork`, else `presswork-UID` in the temporary
    folder, readable by the user alone (None when it is not the user's own: no daemon then)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) / "presswork" if runtime and Path(runtime).is_dir() else Path(tempfile.gettempdir()) / f"presswork-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        return None
    if found.st_mode & 0o077:
        try:
            folder.chmod(0o700)  # ours, made readable by others: the user's alone again
        except OSError:
            return None
    return folder


def stop_all() -> list[str]:
    """End every daemon of the user (`presswork stop`); the names of those that were running."""
    folder = home()
    if folder is None:
        return []
    return [kept.name for kept in sorted(folder.iterdir()) if kept.is_dir() and stop(kept)]


def running(folder: Path) -> dict | None:
    """The state of the daemon kept in `folder`, if its supervisor runs."""
    record = _read(folder / STATE)
    return record if record and _alive(record.get("pid")) else None


def stop(folder: Path) -> bool:
    """End the daemon kept in `folder` (`presswork stop`); whether one was running."""
    with contextlib.suppress(FileNotFoundError), open(folder / START, "a") as start:
        fcntl.flock(start, fcntl.LOCK_EX)
        record = _read(folder / STATE)
        (folder / STATE).unlink(missing_ok=True)
        return bool(record) and _end(record)
    return False


def _end(record: dict) -> bool:
    """Ask the supervisor of `record` to end its tool and itself, and wait for it; whether it ran."""
    pid = record.get("pid")
    if not _alive(pid):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    return True


def _alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # a zombie (ended, not yet reaped by a run that started it) is no daemon
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    return True


def _read(state: Path) -> dict | None:
    try:
        record = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("url"), str) else None


def _write(state: Path, record: dict) -> None:
    partial = state.with_suffix(".partial")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, state)


def _touch(state: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(state)


def free_port() -> int:
    """A loopback port no program listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ours() -> str:
    """The folder Presswork is imported from, for the supervisor (started from anywhere) to import it."""
    here = str(Path(__file__).resolve().parent.parent.parent)
    return os.pathsep.join([here, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])


def supervise(state: Path, idle: float) -> int:
    """Run the command the state names (not on our own command line: a search for the tool's process
    finds the tool alone) until it dies, the state is gone or names another supervisor, or it was idle for
    `idle` seconds with no run holding `daemon.use`; then end it."""
    me = os.getpid()
    record = _read(state)
    if record is None or record.get("pid") not in (0, me) or not isinstance(record.get("command"), list):
        return 0
    child = process.spawn([str(part) for part in record["command"]], stdin=subprocess.DEVNULL)  # writes where we write: the log

    def ended(*_) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, ended)
    signal.signal(signal.SIGINT, ended)
    try:
        while child.poll() is None:
            time.sleep(_POLL)
            record = _read(state)
            if record is None or record.get("pid") not in (0, me):
                return 0  # stopped, or replaced
            if time.time() - state.stat().st_mtime < idle:
                continue
            with open(state.parent / USE, "a") as use:
                try:
                    fcntl.flock(use, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a run is using it
                if _read(state) == record:
                    state.unlink(missing_ok=True)
                return 0
        if (record := _read(state)) and record.get("pid") == me:
            state.unlink(missing_ok=True)  # the tool died: the next run starts another
        return 0
    finally:
        process.stop_all()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.daemon")
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--idle", type=float, required=True)
    args = parser.parse_args(argv)
    return supervise(args.state, args.idle)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
