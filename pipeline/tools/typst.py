"""typst, the compiler bundled in the `typst` package, run with a timeout: in a child process of its own,
or in the compiler kept running between runs (`_serve`), which lays out again only what changed.

Only the fonts typst bundles and those of `pipeline.formats.pdf.fonts` (one folder of links) are used, system
fonts are ignored, and the PDF's creation date comes from the build's epoch: the same source and
fonts give the same bytes on any machine. Before the PDF is written, every character of the source
is typeset once in a small document under PDF/A-2b, which typst refuses for a character no font
shows: such a character is drawn as its code point (`stand_in`) instead of an empty box, and told.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from importlib import metadata
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import daemon, process

_MISSING = "missing glyph: "
_UNSETTLED = "presswork: unsettled: "  # the child tells the parent of a layout typst did not settle

_KEPT_UNDER = 3 * 2**30  # bytes: a kept compiler grown past this leaves once it has answered
_GRACE = 5.0  # seconds a kept compiler gives a compile past its caller's timeout (the caller stops it first)

_UA = "PDF/UA-1 error: "
_NOT_SHOWN = re.compile(r'the text `"(.+?)"` could not be displayed')
_UNPROBED = frozenset({"Mn", "Me", "Cf", "Cc", "Zs", "Zl", "Zp"})  # shaped with their neighbours, or nothing to show


class Inaccessible(ToolError):
    """A document typst will not write as PDF/UA-1 (an image without alternative text, a heading
    level skipped): its reason, and the line of the Typst source it names (0: none)."""

    def __init__(self, reason: str, line: int, detail: str) -> None:
        super().__init__(reason, detail=detail)
        self.reason = reason
        self.line = line


class Failed(ToolError):
    """typst could not compile the document: why, and the line and column (1-based) of the Typst
    source its diagnostic names (0: none)."""

    def __init__(self, reason: str, line: int, column: int, detail: str) -> None:
        super().__init__(f"typst failed: {reason}", detail=detail)
        self.reason = reason
        self.line = line
        self.column = column


def describe(text: str) -> str:
    """'中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D), for a message."""
    return f"'{text}' (" + ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in text) + ")"


@functools.cache
def version() -> str:
    try:
        return metadata.version("typst")
    except metadata.PackageNotFoundError as error:
        raise ToolError("the typst package is not installed", hint="run 'make book' or pip install presswork") from error


def compile_pdf(
    source: Path,
    output: Path,
    *,
    root: Path,
    epoch: int,
    timeout: float,
    report: str | None = None,
    fonts: Path | None = None,
    accessible: bool = False,
    unshown: list[str] | None = None,
    unsettled: list[str] | None = None,
    warm: daemon.Warm | None = None,
) -> object:
    """Compile `source` (inside `root`, which typst may not read beyond) to the PDF `output`, with
    the fonts typst bundles and those in the folder `fonts`; with `report`, return the value of the
    `metadata` the document labels so (read after it is laid out). The PDF is tagged; `accessible`
    writes it as PDF/UA-1. A character of the source that no font shows is drawn as its code point
    (`stand_in`) and added to `unshown`. What typst says of a layout it did not settle ("document did
    not converge within five attempts": page numbers, running heads or references that may be wrong)
    is added to `unsettled`. Raises `Inaccessible` when the document cannot be PDF/UA-1,
    and `Failed` when typst fails otherwise. With `warm`, the compiler kept running for the user does
    it (`_serve`), which remembers what it laid out before: a book compiled again after a small change
    takes a fraction of the time."""
    version()
    arguments = [os.path.abspath(source), os.path.abspath(output), os.path.abspath(root), str(epoch)]
    arguments += [
        f"--tags={'ua-1' if accessible else 'yes'}",
        f"--report={report or ''}",
        f"--fonts={os.path.abspath(fonts) if fonts else ''}",
    ]
    result = _kept(arguments, warm, timeout) if warm is not None else None
    if result is None:  # no kept compiler, or it failed on the way: a child of its own answers the same
        result = process.run("typst", [sys.executable, "-m", "pipeline.tools.typst", *arguments], timeout=timeout, check=False)
    said = result.stderr.decode("utf-8", "replace")
    if unshown is not None:
        unshown += [line.removeprefix(_MISSING) for line in said.splitlines() if line.startswith(_MISSING)]
    if unsettled is not None:
        unsettled += [line.removeprefix(_UNSETTLED) for line in said.splitlines() if line.startswith(_UNSETTLED)]
    if result.returncode != 0:
        text = "\n".join(line for line in said.splitlines() if not line.startswith((_MISSING, _UNSETTLED))).strip()
        first = next((line for line in text.splitlines() if line.strip()), process.ended(result.returncode))
        if first.startswith(_UA):
            line, _ = _place(text, source.name, text.find("error: " + _UA))
            raise Inaccessible(first.removeprefix(_UA).split(" (hint: ")[0], line, text)
        error = re.search(r"^error: ", text, re.MULTILINE)  # typst's warnings, each at its place, may come before
        raise Failed(first.removeprefix("error: "), *_place(text, source.name, error.start() if error else 0), text)
    return process.read_json("typst", result.stdout) if report else None


def _kept(arguments: list[str], warm: daemon.Warm, timeout: float) -> subprocess.CompletedProcess[bytes] | None:
    """The compile `arguments` ask for, done by the compiler kept running in `warm` (started now when
    none runs, or when it was started from another version); None when it failed on the way (it died,
    it did not answer): it is stopped, and the caller compiles in a child of its own."""
    folder = warm.folder / "typst"
    address = str(folder / "sock")
    identity = {"python": sys.executable, "typst": version(), "code": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
    command = [sys.executable, "-P", "-m", "pipeline.tools.typst", "--serve", address]
    try:
        with daemon.used(folder, identity, command, address, idle=warm.idle, answers=_answers, startup=60, title="typst") as kept:
            answer = _ask(kept, {"arguments": arguments, "timeout": timeout}, timeout)
        return subprocess.CompletedProcess(arguments, int(answer["code"]), answer["stdout"].encode(), answer["stderr"].encode())
    except TimeoutError as error:
        daemon.stop(folder)  # still compiling: the next run starts another
        raise ToolError(f"typst timed out after {timeout:g} s and was stopped", hint="raise timeout in mkdocs.yml") from error
    except (OSError, ValueError, KeyError, TypeError, ToolError):
        daemon.stop(folder)
        return None


def _ask(address: str, request: dict, timeout: float) -> dict:
    """The kept compiler's answer to `request`: one line of JSON each way."""
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(timeout)
        connection.connect(address)
        connection.sendall(json.dumps(request).encode("utf-8") + b"\n")
        with connection.makefile("rb") as answer:
            return json.loads(answer.readline())


def _answers(address: str) -> bool:
    try:
        return _ask(address, {}, 5) == {"warm": True}
    except (OSError, ValueError):
        return False


def _serve(address: str) -> int:
    """The compiler kept running between runs (under `pipeline.tools.daemon`), on the Unix socket
    `address` in the user's own folder: each connection asks one compile (`_compile`'s arguments, and
    the caller's timeout) and is answered its exit code and what it said, compiles side by side.
    typst remembers what it laid out (and forgets what ten compiles did not use), so a book compiled
    again after a small change is laid out again only where it changed. It leaves, once it has
    answered, when it has grown past `_KEPT_UNDER`, and at once when a compile runs past its caller's
    timeout (the caller has stopped waiting): the next run starts another."""
    import socketserver

    deadlines: dict[int, float] = {}
    guard = threading.Lock()

    class Compile(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request = json.loads(self.rfile.readline() or b"{}")
            if "arguments" not in request:
                self.wfile.write(b'{"warm": true}\n')
                return
            with guard:
                deadlines[threading.get_ident()] = time.monotonic() + float(request["timeout"]) + _GRACE
            try:
                code, out, err = _compile(*request["arguments"])
            finally:
                with guard:
                    deadlines.pop(threading.get_ident(), None)
            self.wfile.write(json.dumps({"code": code, "stdout": out, "stderr": err}).encode("utf-8") + b"\n")
            if _resident() > _KEPT_UNDER:
                threading.Thread(target=server.shutdown).start()

    def watch() -> None:
        while True:
            time.sleep(1)
            with guard:
                if any(deadline < time.monotonic() for deadline in deadlines.values()):
                    os._exit(1)  # a compile that will not end: nobody waits for it any more

    Path(address).unlink(missing_ok=True)
    with socketserver.ThreadingUnixStreamServer(address, Compile) as server:  # closed, it waits for the compiles under way
        threading.Thread(target=watch, daemon=True).start()
        server.serve_forever()
    return 0


def _resident() -> int:
    """This process's resident memory, in bytes."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _place(text: str, name: str, start: int) -> tuple[int, int]:
    """The line and column of the file `name` that typst's diagnostic `text` names first after
    `start` (`book.typ:7:6`); (0, 0) when it names none."""
    where = re.compile(rf"(?<![\w.-]){re.escape(name)}:(\d+):(\d+)").search(text, max(start, 0))
    return (int(where.group(1)), int(where.group(2))) if where else (0, 0)


def stand_in(character: str) -> str:
    """What the PDF shows for a character no font has: its code point, `‹U+F0C1›`."""
    return f"\u2039U+{ord(character):04X}\u203a"


def _every_unshown(text: str, font_paths: list[str]) -> list[str]:
    """Every character of `text` that no font shows, asked of typst one at a time (it names the first)."""
    found: list[str] = []
    while len(found) < 1000:
        character = _unshown(text, font_paths)
        if character is None:
            break
        found.append(character)
        text = text.replace(character, "")
    return found


def _unshown(text: str, font_paths: list[str]) -> str | None:
    """The first character of `text` that no font shows, asked of typst: PDF/A-2b forbids a
    character drawn as the fonts' empty box, and typst names it."""
    import typst

    characters = sorted({c for c in text if ord(c) > 0x7E and unicodedata.category(c) not in _UNPROBED})
    if not characters:
        return None
    probe = "#set page(width: auto, height: auto)\n" + " ".join(f"#str.from-unicode({ord(c)})" for c in characters)
    try:
        typst.compile(probe.encode(), font_paths=font_paths, ignore_system_fonts=True, pdf_standards=["a-2b"])
    except Exception as error:  # typst raises its own TypstError
        found = _NOT_SHOWN.search(str(error))
        if found:
            shown = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), found.group(1))
            return next((c for c in shown if c in characters), shown)
    return None


def _compile(
    source: str, output: str, root: str, epoch: str, tags: str = "--tags=yes", report: str = "--report=", fonts: str = "--fonts="
) -> tuple[int, str, str]:
    """One compile as `compile_pdf` asks it (its arguments as the child's command line gives them):
    the exit code, what goes to standard output (the report), and what goes to standard error."""
    import typst

    label = report.removeprefix("--report=")
    font_paths = [fonts.removeprefix("--fonts=")] if fonts.removeprefix("--fonts=") else []
    said: list[str] = []
    try:
        text = Path(source).read_text(encoding="utf-8")
        unshown = _every_unshown(text, font_paths)
        if unshown:  # each drawn as its code point, and told to the parent
            for character in unshown:
                text = text.replace(character, stand_in(character))
                said.append(_MISSING + character)
            Path(source).write_text(text, encoding="utf-8")
        compiler = typst.Compiler(source, root=root, font_paths=font_paths, ignore_system_fonts=True)
        accessible = tags == "--tags=ua-1"
        _, warnings = compiler.compile_with_warnings(
            output=output, timestamp=int(epoch), pdf_tags=True, pdf_standards=["ua-1"] if accessible else []
        )
        for warning in warnings:
            message = " ".join(str(getattr(warning, "message", warning)).split())
            if "converge" in message or "stabilize" in message:
                said.append(_UNSETTLED + message)
        # the layout is cached: asking the document costs next to nothing now
        found = compiler.query(f"<{label}>", field="value", one=True, format="json") if label else ""
    except Exception as error:  # typst raises its own TypstError; reported to the parent
        said += [" ".join(str(error).split()), str(getattr(error, "diagnostic", ""))]  # and where in the source, when typst says
        return 1, "", "\n".join(said) + "\n"
    return 0, found, "".join(line + "\n" for line in said)


def _main(*arguments: str) -> int:
    code, out, err = _compile(*arguments)
    sys.stdout.write(out)
    sys.stderr.write(err)
    return code


if __name__ == "__main__":
    raise SystemExit(_serve(sys.argv[2]) if sys.argv[1:2] == ["--serve"] else _main(*sys.argv[1:]))
