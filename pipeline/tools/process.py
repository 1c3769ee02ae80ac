"""Run an external program: always a timeout, the whole process group killed when it runs over."""

from __future__ import annotations

import math
import os
import signal
import subprocess
from pathlib import Path

from pipeline.errors import ToolError


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
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    except FileNotFoundError as error:
        raise ToolError(f"{tool} was not found ({command[0]})", hint="run 'make book' to install the tools") from error
    try:
        stdout, stderr = child.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _kill(child)
        raise ToolError(
            f"{tool} timed out after {timeout:g} s and was stopped", hint=limit or "raise timeout in mkdocs.yml"
        ) from error
    except BaseException:
        _kill(child)
        raise
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


def ended(returncode: int) -> str:
    """How a process ended, for a message: `exit code 3`, or `it was killed (SIGKILL)`."""
    if returncode < 0:
        try:
            return f"it was killed ({signal.Signals(-returncode).name})"
        except ValueError:
            return f"it was killed (signal {-returncode})"
    return f"exit code {returncode}"


def _kill(child: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.communicate()
