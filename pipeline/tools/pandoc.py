"""pandoc, the one module that runs it: bundled by pypandoc-binary, always with a timeout and a capped heap."""

from __future__ import annotations

import functools
import json
import re
import tempfile
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

# The reader that renders the dialect mkdocs.yml configures: Python-Markdown with the extensions
# named there. Everything pandoc's markdown adds beyond that dialect is turned off.
READER = "markdown" + "".join(
    f"-{extension}"
    for extension in (
        "auto_identifiers",
        "implicit_header_references",
        "citations",
        "raw_tex",
        "subscript",
        "superscript",
        "line_blocks",
        "grid_tables",
        "multiline_tables",
        "simple_tables",
        "yaml_metadata_block",
        "pandoc_title_block",
        "example_lists",
        "fancy_lists",
        "startnum",
        "fenced_divs",
        "bracketed_spans",
        "inline_notes",
        "task_lists",
        "blank_before_header",
        "space_in_atx_header",
    )
) + "+smart+tex_math_dollars+footnotes+pipe_tables+definition_lists+strikeout+header_attributes+link_attributes+native_divs+native_spans+raw_html"


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


def parse(markdown: str, *, timeout: float, display: str, sandbox: bool = False) -> dict[str, Any]:
    """Parse one chapter's Markdown (already translated by `pipeline.dialect`) into pandoc's AST."""
    try:
        out = run(["--from", READER, "--to", "json"], timeout=timeout, input=markdown.encode("utf-8"), sandbox=sandbox)
    except ToolError as error:
        if "timed out" in error.message:
            raise ContentError(
                f"pandoc took over {timeout:g} s to read this chapter",
                path=display,
                hint="look for deeply nested lists or quotes, or raise timeout in mkdocs.yml",
            ) from error
        error.path = display
        raise
    return json.loads(out)


_END = '<div class="presswork-chapter-end"></div>'
_PREFIX = "presswork-chapter-"


def parse_many(
    texts: list[str], *, timeout: float, displays: list[str], sandbox: bool = False
) -> list[list[dict[str, Any]]]:
    """Parse several chapters in one run of pandoc, each in a scope of its own (`--file-scope`: its
    footnotes and link definitions are its own); the blocks of each, in order.

    pandoc prefixes ids and same-file links with the file's name in that mode; the prefix is taken
    off again. Should the chapters not come apart cleanly (a chapter with an unclosed construct that
    swallows the end marker), or pandoc fail, each chapter is parsed alone, which also names the
    chapter at fault.
    """
    if len(texts) < 2:
        return [parse(text, timeout=timeout, display=display, sandbox=sandbox)["blocks"] for text, display in zip(texts, displays)]
    with tempfile.TemporaryDirectory(prefix="presswork-parse-") as folder:
        names = []
        for index, text in enumerate(texts):
            name = f"{_PREFIX}{index:05d}.md"
            (Path(folder) / name).write_text(f"{text}\n\n{_END}\n", encoding="utf-8")
            names.append(name)
        try:
            args = ["--from", READER, "--to", "json", "--file-scope", *names]
            out = run(args, timeout=timeout, cwd=Path(folder), sandbox=sandbox)
        except ToolError:
            out = None
    chapters = _split(json.loads(out)["blocks"], names) if out is not None else None
    if chapters is None:
        return [parse(text, timeout=timeout, display=display, sandbox=sandbox)["blocks"] for text, display in zip(texts, displays)]
    return chapters


def _split(blocks: list[dict[str, Any]], names: list[str]) -> list[list[dict[str, Any]]] | None:
    chapters: list[list[dict[str, Any]]] = [[]]
    for block in blocks:
        if block.get("t") == "Div" and block["c"][0][1] == ["presswork-chapter-end"] and not block["c"][1]:
            chapters.append([])
        else:
            chapters[-1].append(block)
    if len(chapters) != len(names) + 1 or chapters[-1]:
        return None
    for name, chapter in zip(names, chapters):
        _unprefix(chapter, name + "__")
    return chapters[:-1]


def _unprefix(value: Any, prefix: str) -> None:
    """Take the file-scope prefix off ids (`x.md__id`) and same-chapter links (`#x.md__id`)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and "t" in item:
            kind, content = item["t"], item.get("c")
            at = _ATTR_AT.get(kind)
            if at is not None and isinstance(content, list) and content[at][0].startswith(prefix):
                content[at][0] = content[at][0][len(prefix) :]
            if kind == "Link" and content[2][0].startswith("#" + prefix):
                content[2][0] = "#" + content[2][0][len(prefix) + 1 :]
            if isinstance(content, (list, dict)):
                stack.append(content)


_ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Link": 0, "Image": 0, "Figure": 0, "Table": 0}


def math_to_mathml(items: list[tuple[str, bool]], *, timeout: float, sandbox: bool = False) -> list[str]:
    """Render TeX math (text, display?) as MathML, in one run for all of them."""
    if not items:
        return []
    blocks = [
        {"t": "Para", "c": [{"t": "Math", "c": [{"t": "DisplayMath" if display else "InlineMath"}, tex]}]}
        for tex, display in items
    ]
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
