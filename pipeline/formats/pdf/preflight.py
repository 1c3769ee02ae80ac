"""The PDF's preflight, as a print shop runs one before it prints: the typeset PDF read back, word by
word with its place on the page (pdftotext), against the page's design.

- Words printed over each other, and words outside the text block or the page, are errors: the
  layout is at fault, never the book.
- A heading alone at the foot of its page, and a blank page the design does not make (one before a
  chapter that opens on a right-hand page is the design's), are warnings.

Each is told with its page (as a PDF viewer counts it, and as it is printed) and its chapter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.tools import pdftotext

_FOLIO = re.compile(r"^(?:[0-9]+|[ivxlcdm]+)$", re.IGNORECASE)  # a page number, alone on the footer's line


@dataclass(frozen=True)
class Geometry:
    """The page's design, as the template sets it: margins in points, and the side it is bound on."""

    inside: float
    outside: float
    top: float
    bottom: float
    right_to_left: bool = False  # bound on the right: a right-hand (odd) page has its inside margin on the right

    @classmethod
    def of(cls, report: dict, right_to_left: bool) -> Geometry | None:
        """As the template's report gives it (`pw-geometry`); None from a book's own template that
        reports none: then only the page's edges are known."""
        margin = report.get("margin") if isinstance(report, dict) else None
        if not isinstance(margin, dict) or not all(isinstance(margin.get(side), (int, float)) for side in _SIDES):
            return None
        return cls(*(float(margin[side]) for side in _SIDES), right_to_left)

    def block(self, page: pdftotext.Page) -> tuple[float, float]:
        """The text block's left and right edges on `page`."""
        inside_left = (page.number % 2 == 1) != self.right_to_left
        left = self.inside if inside_left else self.outside
        return left, page.width - (self.outside if inside_left else self.inside)


_SIDES = ("inside", "outside", "top", "bottom")


@dataclass(frozen=True)
class Problem:
    error: bool  # an error (the layout's fault) or a warning
    page: int
    printed: str  # the page's number as printed on it ("" if none)
    chapter: str  # the title of the chapter it is in, as the PDF's bookmarks give it ("" before the first)
    what: str

    def __str__(self) -> str:
        printed = f" (printed {self.printed})" if self.printed and self.printed != str(self.page) else ""
        chapter = f", in {self.chapter!r}" if self.chapter else ""
        return f"page {self.page}{printed}{chapter}: {self.what}"


def check(path: Path, geometry: Geometry | None, *, timeout: float) -> list[Problem]:
    """Every problem of the PDF at `path`, errors first, each kind in page order; without the
    page's design (`geometry`), only what the page's edges tell."""
    pages = pdftotext.pages(path, timeout=timeout)
    headings, labels, drawn = _bookmarks(path)
    chapters = _chapters(headings, len(pages))
    found: list[tuple[bool, int, str]] = []
    for page in pages:
        found += [(True, page.number, what) for what in _overprinted(page)]
        found += [(True, page.number, what) for what in _outside(page, geometry)]
    for title, number, top in headings if geometry is not None else ():
        if 0 < number <= len(pages) and _alone_at_foot(pages[number - 1], geometry, title, top):
            found.append((False, number, f"the heading {title!r} is alone at the foot of the page"))
    for page in pages:
        if _blank(page) and page.number not in drawn and not _designed_blank(page.number, len(pages)):
            found.append((False, page.number, "the page is blank, and no chapter opening on a right-hand page needs it"))
    problems = [Problem(error, number, labels.get(number, ""), chapters[number], what) for error, number, what in found]
    return sorted(problems, key=lambda problem: (not problem.error, problem.page))


def _overprinted(page: pdftotext.Page) -> list[str]:
    """Words printed over each other: boxes that share most of their height and much of their width.
    Only words of two letters or more count: a mathematical sign's box (a radical, a large operator)
    is as tall as its font allows, and reaches into the lines around it."""
    words = sorted((word for word in page.words if sum(c.isalnum() for c in word.text) >= 2), key=lambda word: word.top)
    pairs = []
    for index, first in enumerate(words):
        for second in words[index + 1 :]:
            if second.top >= first.bottom:
                break
            across = min(first.right, second.right) - max(first.left, second.left)
            down = min(first.bottom, second.bottom) - max(first.top, second.top)
            if down > 0.5 * max(first.height, second.height) and across > 0.3 * min(first.width, second.width):
                pairs.append((first.text, second.text))
    if not pairs:
        return []
    more = f" ({len(pairs)} pairs of words)" if len(pairs) > 1 else ""
    return [f"words are printed over each other: {pairs[0][0]!r} and {pairs[0][1]!r}{more}"]


def _outside(page: pdftotext.Page, geometry: Geometry | None) -> list[str]:
    """Words beyond the page's edge, beside the text block (past what hangs there by design:
    punctuation at a line's end) or below it (but the folio)."""
    left, right = geometry.block(page) if geometry is not None else (-page.width, 2 * page.width)
    bottom = geometry.bottom if geometry is not None else -page.height
    off, beside, below = [], [], []
    for line in page.lines:
        folio = len(line) == 1 and _FOLIO.match(line[0].text) is not None
        for word in line:
            if word.left < -0.5 or word.top < -0.5 or word.right > page.width + 0.5 or word.bottom > page.height + 0.5:
                off.append(word.text)
            elif word.left < left - _hangs(word, word.text[:1]) or word.right > right + _hangs(word, word.text[-1:]):
                beside.append(word.text)
            elif word.top > page.height - bottom + 1 and not folio:
                below.append(word.text)
    said = []
    for words, where in ((off, "off the page"), (beside, "into the margin, beside the text block"), (below, "below the text block")):
        if words:
            more = f" (and {len(words) - 1} more word{'s' if len(words) > 2 else ''})" if len(words) > 1 else ""
            said.append(f"{_short(words[0])!r} is printed {where}{more}")
    return said


def _hangs(word: pdftotext.Word, character: str) -> float:
    """How far a word's edge may reach past the text block: punctuation hangs into the margin by
    design (typst's overhang), up to a full-width mark in Chinese or Japanese."""
    punctuation = bool(character) and unicodedata.category(character)[0] == "P"
    return (0.6 if punctuation else 0.3) * word.height


def _alone_at_foot(page: pdftotext.Page, geometry: Geometry, title: str, top: float) -> bool:
    """Whether the heading `title` that begins `top` points down `page` is the last thing printed in the
    lower half of its text block, with nothing of its section after it."""
    body_bottom = page.height - geometry.bottom
    if top < geometry.top + (body_bottom - geometry.top) / 2:
        return False
    words = {_plain(part) for part in title.split()}
    after = sorted((line for line in page.lines if line[0].top >= top - 2 and line[0].top < body_bottom + 1), key=lambda line: line[0].top)
    rest = [line for line in after if not all(_plain(word.text) in words for word in line)]
    return bool(after) and not rest


def _blank(page: pdftotext.Page) -> bool:
    """Nothing printed on the page, or its number alone."""
    return all(len(line) == 1 and _FOLIO.match(line[0].text) for line in page.lines)


def _designed_blank(number: int, count: int) -> bool:
    """A left-hand page left empty so that what follows opens on a right-hand page."""
    return number % 2 == 0 and number < count


def _bookmarks(path: Path) -> tuple[list[tuple[str, int, float]], dict[int, str], set[int]]:
    """The PDF's bookmarks, each (title, page, top in points from the page's top, or -1 for a
    chapter), the printed number of every page, and the pages that draw an image."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        heights = {number: float(page.mediabox[3]) for number, page in enumerate(pdf.pages, start=1)}
        labels = {number: str(page.label) for number, page in enumerate(pdf.pages, start=1)}
        drawn = {number for number, page in enumerate(pdf.pages, start=1) if "/XObject" in page.obj.get("/Resources", {})}
        found: list[tuple[str, int, float]] = []
        with pdf.open_outline() as outline:

            def walk(items, depth: int) -> None:
                for item in items:
                    destination = item.destination
                    if isinstance(destination, pikepdf.Array) and len(destination) >= 4 and destination[0].objgen in pages:
                        number = pages[destination[0].objgen]
                        top = heights[number] - float(destination[3]) if depth else -1.0
                        found.append((str(item.title), number, top))
                    walk(item.children, depth + 1)

            walk(outline.root, 0)
    return found, labels, drawn


def _chapters(headings: list[tuple[str, int, float]], count: int) -> list[str]:
    """The chapter each page is in (index 0 unused): the last chapter bookmark at or before it."""
    chapters = [""] * (count + 1)
    for title, number, top in headings:
        if top < 0 and 0 < number <= count:
            chapters[number:] = [title] * (count + 1 - number)
    return chapters


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip(".,:;")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
