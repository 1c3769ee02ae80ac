"""pandoc, the one module that runs it: bundled by pypandoc-binary, always with a timeout and a capped heap."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from pipeline.errors import ContentError, ToolError
from pipeline.tools import process

MINIMUM_VERSION = (3, 1, 4)  # older releases had an arbitrary-file-write flaw
HEAP = "512M"

# What each pandoc exit code means to a Presswork user.
_EXIT_MEANINGS = {
    3: "a warning was turned into an error",
    64: "pandoc could not parse its input",
    92: "the input is not UTF-8",
    93: "a template or filter failed",
    97: "a resource could not be fetched",
    99: "a resource was not found",
}

# pandoc reads the chapters as MkDocs rendered them: HTML, with ids as the site has them (none made up).
READER = "html-auto_identifiers"


@functools.cache
def executable() -> str:
    try:
        import pypandoc
    except ImportError as error:  # pragma: no cover - a broken installation
        raise ToolError("pypandoc-binary is not installed", hint="run 'make book' or pip install presswork") from error
    try:
        return pypandoc.get_pandoc_path()
    except OSError as error:
        raise ToolError("pandoc was not found", hint="reinstall pypandoc-binary") from error


@functools.cache
def version() -> str:
    text = process.run("pandoc", [executable(), "--version"], timeout=60).stdout.decode()
    match = re.search(r"pandoc\S*\s+(\d+(?:\.\d+)+)", text)
    if not match:
        raise ToolError(f"cannot read pandoc's version from {text[:60]!r}")
    found = match.group(1)
    if tuple(int(part) for part in found.split(".")[:3]) < MINIMUM_VERSION:
        wanted = ".".join(map(str, MINIMUM_VERSION))
        raise ToolError(f"pandoc {found} is too old, {wanted} or newer is needed", hint="upgrade pypandoc-binary")
    return found


@functools.cache
def api_version() -> list[int]:
    """The version of the AST this pandoc reads and writes."""
    return json.loads(run(["--from", "markdown", "--to", "json"], timeout=60, input=b""))["pandoc-api-version"]


def run(
    args: list[str],
    *,
    timeout: float,
    input: bytes | None = None,
    cwd: Path | None = None,
    epoch: int | None = None,
    sandbox: bool = False,
    heap: str = HEAP,
) -> bytes:
    """Run pandoc with `args`; return its standard output or raise `ToolError`.

    `epoch` becomes pandoc's `SOURCE_DATE_EPOCH`: the dates inside EPUB and DOCX files. With
    `sandbox` (an untrusted run), pandoc reads no file but those named on its command line.
    """
    version()
    command = [executable(), "+RTS", f"-M{heap}", "-RTS", *(["--sandbox"] if sandbox else []), *args]
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
    result = process.run("pandoc", command, timeout=timeout, input=input, cwd=cwd, check=False, env=env)
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        meaning = _EXIT_MEANINGS.get(result.returncode, process.ended(result.returncode))
        if "Heap exhausted" in stderr or result.returncode == 251:
            meaning = f"it ran out of its {heap} heap"
        first = stderr.splitlines()[0] if stderr else ""
        raise ToolError(f"pandoc failed: {meaning}: {first}".rstrip(": "), detail=stderr)
    return result.stdout


_CHAPTER = "pw-chapter"


def read_html(htmls: list[str], *, timeout: float, displays: list[str], sandbox: bool = False) -> list[list[dict[str, Any]]]:
    """Read several chapters' HTML in one run of pandoc, each in a `div` of its own; the blocks of
    each, in order. Should pandoc fail or time out, each chapter is read alone, which names the one at fault."""
    # Each chapter in a div of its own, read alone or with others: the same tree either way.
    wrapped = [f'<div class="{_CHAPTER}">\n{html}\n</div>\n' for html in htmls]
    if len(htmls) > 1:
        try:
            blocks = _read("".join(wrapped), timeout=timeout, sandbox=sandbox)
        except (ToolError, ContentError):
            blocks = None
        if blocks is not None and len(blocks) == len(htmls) and all(_is_chapter(block) for block in blocks):
            return [block["c"][1] for block in blocks]
    chapters = []
    for html, display in zip(wrapped, displays):
        try:
            blocks = _read(html, timeout=timeout, sandbox=sandbox)
            chapters.append(blocks[0]["c"][1] if len(blocks) == 1 and _is_chapter(blocks[0]) else blocks)
        except ToolError as error:
            if "timed out" in error.message:
                raise ContentError(
                    f"pandoc took over {timeout:g} s to read this chapter",
                    path=display,
                    hint="look for deeply nested lists or quotes, or raise timeout in mkdocs.yml",
                ) from error
            if "heap" in error.message:  # the cap guards the machine; what overran it is the chapter
                raise ContentError(
                    f"pandoc ran out of memory reading this chapter ({error.message.removeprefix('pandoc failed: ')})",
                    path=display, hint="split the chapter, and its longest paragraph or table, into smaller ones",
                ) from error  # fmt: skip
            error.path = display
            raise
    return chapters


def _is_chapter(block: dict[str, Any]) -> bool:
    return block.get("t") == "Div" and block["c"][0][1] == [_CHAPTER]


def _read(html: str, *, timeout: float, sandbox: bool) -> list[dict[str, Any]]:
    out = run(["--from", READER, "--to", "json"], timeout=timeout, input=html.encode("utf-8"), sandbox=sandbox)
    return process.read_json("pandoc", out)["blocks"]


def math_to_mathml(items: list[tuple[str, bool]], *, timeout: float, sandbox: bool = False) -> list[str]:
    """Render TeX math (text, display?) as MathML, in one run for all of them."""
    if not items:
        return []
    blocks = [{"t": "Para", "c": [{"t": "Math", "c": [{"t": "DisplayMath" if display else "InlineMath"}, tex]}]} for tex, display in items]
    document = {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}
    out = run(
        ["--from", "json", "--to", "html5", "--mathml", "--wrap=none"],
        timeout=timeout,
        input=json.dumps(document).encode(),
        sandbox=sandbox,
    ).decode()
    rendered = re.findall(r"<p>(.*?)</p>", out, flags=re.DOTALL)
    if len(rendered) != len(items):
        raise ToolError(f"pandoc rendered {len(rendered)} of {len(items)} formulas")
    return rendered


def save(document: dict[str, Any], path: Path) -> Path:
    """Save a whole pandoc document (AST) as the JSON `write` gives pandoc. A builder saves it, then
    lets go of the tree, which for a long book is large, before pandoc runs."""
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def write(source: Path, to: str, output: Path, options: list[str], *, timeout: float, cwd: Path, epoch: int, sandbox: bool = False) -> None:
    """Write the document saved in `source` (in `cwd`) to `output` in format `to`, dated `epoch`."""
    args = ["--from", "json", "--to", to, "--output", str(output), *options, str(source.relative_to(cwd))]
    run(args, timeout=timeout, cwd=cwd, epoch=epoch, sandbox=sandbox, heap=_write_heap(source.stat().st_size))


def _write_heap(size: int) -> str:
    """The heap for writing a whole book: the reading cap (which guards against crafted chapters)
    grows with the book, as pandoc's live data is about ten times its JSON input (a 45 MB, 1,000-chapter
    book peaks near 500 MB live, 1.1 GB in use)."""
    return f"{max(512, 32 * size // 1_000_000)}M"
