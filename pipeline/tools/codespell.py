"""codespell, run once per check on the extracted prose (one paragraph a line), with a timeout."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from importlib import metadata

from pipeline.errors import ToolError
from pipeline.tools import process


@dataclass(frozen=True)
class Typo:
    line: int  # 0-based index of the paragraph that was given
    word: str
    suggestions: tuple[str, ...]


@functools.cache
def version() -> str:
    try:
        return metadata.version("codespell")
    except metadata.PackageNotFoundError as error:
        raise ToolError("codespell is not installed", hint="run 'make install' or pip install presswork") from error


@functools.cache
def misspellings() -> frozenset[str]:
    """Every misspelling codespell's dictionaries (those `check` uses) know, in lower case."""
    from importlib import resources

    known: set[str] = set()
    for name in ("dictionary.txt", "dictionary_rare.txt"):
        text = resources.files("codespell_lib").joinpath("data", name).read_text(encoding="utf-8")
        known.update(line.split("->", 1)[0].strip().casefold() for line in text.splitlines() if "->" in line)
    return frozenset(known)


def check(paragraphs: list[str], *, timeout: float) -> list[Typo]:
    """The misspellings codespell finds, in order, one entry per occurrence."""
    if not paragraphs:
        return []
    version()
    text = "\n".join(paragraphs) + "\n"
    command = [sys.executable, "-m", "codespell_lib", "--builtin", "clear,rare", "-"]
    result = process.run("codespell", command, timeout=timeout, input=text.encode("utf-8"), check=False)
    if result.returncode not in (0, 65):
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise ToolError(f"codespell failed (exit code {result.returncode})", detail=stderr)
    typos = []
    lines = result.stdout.decode("utf-8", "replace").split("\n")
    for head, body in zip(lines, lines[1:]):
        if not body.startswith("\t") or "==>" not in body or ":" not in head:
            continue
        number = head.split(":", 1)[0]
        if not number.isdigit():
            continue
        word, _, fixes = body.strip().partition(" ==> ")
        fixes = fixes.split("|", 1)[0]
        typos.append(Typo(int(number) - 1, word, tuple(f.strip() for f in fixes.split(",") if f.strip())))
    return typos
