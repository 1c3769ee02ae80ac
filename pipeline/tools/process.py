"""Run an external program: always a timeout, the whole process group killed when it runs over.

No tool outlives Presswork, but one kept warm on purpose (`detach`: LanguageTool's server between
checks, which stops itself when idle; see `pipeline.tools.daemon`). Each child starts in a process group of its own (a tool's own children,
Java's or chromium's, are in it too), known here while it runs: `stop_all` kills every group at once
when the user presses Ctrl-C or the build is stopped (SIGTERM), and starts no more. A Presswork
killed outright (SIGKILL), which can run nothing, takes its children with it all the same: each is
started under `setpriv --pdeathsig TERM`, so the system stops it when the thread that started it ends.

A group is asked first (SIGTERM) and killed (SIGKILL) a moment later: puppeteer, which runs Mermaid,
DAISY Ace and axe-core, starts chromium in a process group of chromium's own and closes it only when
asked, so that a browser outlives a node killed outright. Our own scripts (`axe.mjs`, `mermaid.mjs`)
talk to chromium over a pipe, which the system closes when node ends however it ends, and chromium
with it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from pipeline.errors import ToolError

_live: dict[int, subprocess.Popen] = {}  # pid -> child, while it runs
_lock = threading.RLock()  # reentrant: the signal handler may stop all while its own thread is starting one
_stopping = threading.Event()
_SETPRIV = shutil.which("setpriv")


def spawn(command: list[str], **options) -> subprocess.Popen:
    """Start `command` (`subprocess.Popen`'s `options`) in a process group of its own that ends with
    Presswork; `release` it once it has ended. After `stop_all`, nothing is started: KeyboardInterrupt."""
    with _lock:
        if _stopping.is_set():
            raise KeyboardInterrupt
        path = (options.get("env") or os.environ).get("PATH")
        if _SETPRIV and shutil.which(command[0], path=path) is None:
            raise FileNotFoundError(2, "No such file or directory", command[0])  # as Popen says it, which setpriv cannot
        guarded = [_SETPRIV, "--pdeathsig", "TERM", "--", *command] if _SETPRIV else command
        child = subprocess.Popen(guarded, start_new_session=True, **options)
        _live[child.pid] = child
        return child


def detach(command: list[str], *, log: Path, env: dict[str, str]) -> int:
    """Start `command` to outlive Presswork: in a session of its own, reading nothing, writing to
    `log`, holding none of our files or pipes, in the root folder (a path it is given is whole), not
    stopped with the others. Only a program that ends
    itself may be started so (`pipeline.tools.daemon`); its process id is returned."""
    with _lock:
        if _stopping.is_set():
            raise KeyboardInterrupt
        with open(log, "ab") as out:
            child = subprocess.Popen(
                command, start_new_session=True, stdin=subprocess.DEVNULL, stdout=out, stderr=out, close_fds=True, env=env, cwd="/"
            )
    threading.Thread(target=child.wait, daemon=True).start()  # reaped when it ends while we still run
    return child.pid


def release(child: subprocess.Popen) -> None:
    with _lock:
        _live.pop(child.pid, None)


def stop_all() -> None:
    """End every child's process group, and start none from now on (Ctrl-C, SIGTERM)."""
    with _lock:
        _stopping.set()
        children = list(_live.values())
    _end(children)


def _end(children: list[subprocess.Popen], grace: float = 1.0) -> None:
    """Ask each child's group to stop, and kill what is left of it after `grace` seconds."""
    for child in children:
        _signal(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(child.poll() is None for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    for child in children:
        _signal(child, signal.SIGKILL)  # the group: a tool's own children too, whether it has ended or not


def _signal(child: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(child.pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def resume() -> None:
    """Children may be started again (a new command in the same process)."""
    _stopping.clear()


def run(
    tool: str,
    command: list[str],
    *,
    timeout: float,
    input: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    limit: str = "",
) -> subprocess.CompletedProcess[bytes]:
    """Run `command`; raise `ToolError` naming `tool` when it is missing, times out or (if `check`) fails.

    `env` holds variables to set for the child on top of this process's environment; `limit` says how
    the timeout was reckoned and what changes it, for the message when it runs over.
    """
    if env is not None:
        env = {**os.environ, **env}
    try:
        child = spawn(
            command,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
    except FileNotFoundError as error:
        raise ToolError(f"{tool} was not found ({command[0]})", hint="run 'make book' to install the tools") from error
    try:
        stdout, stderr = child.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _kill(child)
        raise ToolError(f"{tool} timed out after {timeout:g} s and was stopped", hint=limit or "raise timeout in mkdocs.yml") from error
    except BaseException:
        _kill(child)
        raise
    finally:
        release(child)
    if _stopping.is_set():
        raise KeyboardInterrupt  # killed by `stop_all`: not a failure of the tool
    result = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    if check and result.returncode != 0:
        text = stderr.decode("utf-8", "replace").strip()
        first = text.splitlines()[0] if text else ended(result.returncode)
        raise ToolError(f"{tool} failed: {first}", detail=text)
    return result


def grown(timeout: float, count: int, per: int, what: str, setting: str) -> tuple[float, str]:
    """A checker's time limit for reading `count` of `what` (documents, pages): the book's `timeout`
    for each `per` of them, and how to change it; `setting` is the accessibility setting that turns
    the checker off."""
    times = max(1, math.ceil(count / per))
    hint = f"the book's timeout of {timeout:g} s for each {per} {what}; raise timeout under presswork in mkdocs.yml, or set accessibility: {{{setting}: off}}"
    return timeout * times, hint


def read_json(tool: str, output: bytes | str) -> Any:
    """A tool's report, which it writes as JSON; anything else it printed is a failure of the tool,
    said with what it began with (garbage from a broken install, a crash's message on stdout)."""
    try:
        return json.loads(output)
    except ValueError:
        text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        shown = f": {first[:80]!r}" if first else " (it printed nothing)"
        raise ToolError(
            f"{tool} gave a report that is not JSON{shown}",
            hint="run again with --debug; if it persists, reinstall the tool",
            detail=text[:20000],
        ) from None


def ended(returncode: int) -> str:
    """How a process ended, for a message: `exit code 3`, or `it was killed (SIGKILL)`."""
    if returncode < 0:
        try:
            return f"it was killed ({signal.Signals(-returncode).name})"
        except ValueError:
            return f"it was killed (signal {-returncode})"
    return f"exit code {returncode}"


def _kill(child: subprocess.Popen[bytes]) -> None:
    _end([child])
    child.communicate()
