"""poppler's pdftotext (Debian's poppler-utils), the one module that runs it: a typeset PDF read back
as words with their boxes, as a print shop's preflight reads it."""

from __future__ import annotations

import functools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process

_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    """A word as printed: its box in points from the page's top-left corner (the font's ascent to its
    descent, as wide as its glyphs)."""

    left: float
    top: float
    right: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as a PDF viewer counts
    width: float
    height: float
    lines: tuple[tuple[Word, ...], ...]  # the words of each line pdftotext finds, in its reading order

    @property
    def words(self) -> list[Word]:
        return [word for line in self.lines for word in line]


def missing() -> str | None:
    """Why pdftotext cannot run here, or None."""
    return None if shutil.which("pdftotext") else "poppler's pdftotext is not installed (apt-get install poppler-utils)"


@functools.cache
def version() -> str:
    if missing():
        return ""
    result = process.run("pdftotext", ["pdftotext", "-v"], timeout=30, check=False)
    found = re.search(rb"pdftotext version (\S+)", result.stdout + result.stderr)
    return found.group(1).decode() if found else ""


def pages(path: Path, *, timeout: float) -> list[Page]:
    """Every page of the PDF `path`, with its words."""
    from lxml import etree

    if problem := missing():
        raise ToolError(problem, hint="run 'make book' to install the tools")
    result = process.run("pdftotext", ["pdftotext", "-q", "-bbox-layout", "-enc", "UTF-8", str(path), "-"], timeout=timeout)
    root = etree.fromstring(result.stdout, etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True))
    if root is None:
        raise ToolError("pdftotext wrote nothing readable", detail=result.stderr.decode("utf-8", "replace"))
    found = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        lines = tuple(
            tuple(
                Word(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
                for w in line.iter(f"{_XHTML}word")
            )
            for line in page.iter(f"{_XHTML}line")
        )
        found.append(Page(number, float(page.get("width")), float(page.get("height")), tuple(line for line in lines if line)))
    return found
