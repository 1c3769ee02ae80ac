"""The print pages: where each page of the PDF begins in the book, so that the EPUB marks the same
pages (page-break markers and a page list) and a reader of either edition can cite the other's pages.

The PDF's and the EPUB's documents carry the same marks: one before each of the book's top-level
blocks (before a chapter's heading it is the end of the chapter before: the heading's own page is the
page of the block under it, which typst keeps with it), numbered in order. A mark is a raw block of
a format no pandoc writer writes, so an edition that does not place them (the DOCX) drops them
unseen. The PDF makes each a Typst `metadata` whose page typst reports once the book is laid out;
the EPUB makes each an HTML comment, which it replaces, once those pages are known, by the markers
of the pages that begin there.

Marks also sit before each sentence of a paragraph (a word that ends with a full stop, a question or
an exclamation mark, then a space) and each paragraph within a list, quotation or admonition. A page
is placed at the first mark on it; a page with none at the block that runs onto it (a long table or
listing), or, left empty before a chapter, at the end of the one before.
"""

from __future__ import annotations

import html
import re
from typing import Any

MARK = "presswork-page"  # the raw format of a mark
LABEL = "pw-page"  # the Typst label of a mark in the PDF
_NAME = re.compile(r"\d+(?:\.\d+)?")
_COMMENT = re.compile(rb"<!--presswork-page (\d+(?:\.\d+)?)-->\n?")


def mark(blocks: list[Any]) -> list[Any]:
    """`blocks` with a mark before each one (before a chapter's heading, the end of the chapter before
    it, where a page left empty before the next chapter begins), one at the end, and one before each
    sentence of a paragraph (`12.3`: the third in block 12) and each paragraph within a block."""
    marked: list[Any] = []
    for index, block in enumerate(blocks):
        if index or not (block["t"] == "Header" and block["c"][0] == 1):
            marked.append(_mark("RawBlock", str(index)))
        _within(block, str(index), top=True)
        marked.append(block)
    marked.append(_mark("RawBlock", str(len(blocks))))
    return marked


def _mark(kind: str, name: str) -> dict[str, Any]:
    return {"t": kind, "c": [MARK, name]}


_SENTENCE_ENDS = (".", "!", "?", ".\u201d", "!\u201d", "?\u201d", ".)", "\u3002", "\uff01", "\uff1f")


def _within(block: dict[str, Any], name: str, *, top: bool = False, counter: list[int] | None = None) -> None:
    """Marks in `block`, in place: before each sentence of its paragraphs but the block's first,
    through quotations, lists and admonitions (not tables, figures or notes, which typst places apart)."""
    counter = counter if counter is not None else [0]
    kind, content = block["t"], block.get("c")
    if kind in ("Para", "Plain"):
        inlines: list[Any] = []
        ended = not top  # a paragraph within a block is marked where it begins
        for node in content:
            if ended and node["t"] not in ("Space", "SoftBreak"):
                counter[0] += 1
                inlines.append(_mark("RawInline", f"{name}.{counter[0]}"))
                ended = False
            inlines.append(node)
            if node["t"] in ("Space", "SoftBreak"):
                ended = ended or (len(inlines) > 1 and inlines[-2]["t"] == "Str" and inlines[-2]["c"].endswith(_SENTENCE_ENDS))
            else:
                ended = False
        block["c"] = inlines
        return
    children: list[Any] = []
    if kind == "BlockQuote":
        children = content
    elif kind == "Div":
        children = content[1]
    elif kind == "BulletList":
        children = [b for item in content for b in item]
    elif kind == "OrderedList":
        children = [b for item in content[1] for b in item]
    elif kind == "DefinitionList":
        children = [b for _, definitions in content for definition in definitions for b in definition]
    for child in children:
        _within(child, name, counter=counter)


def as_typst(node: Any) -> list[Any] | None:
    """A mark as Typst metadata, for `tree.rewrite_blocks` and `tree.rewrite_inlines`."""
    if node["t"] not in ("RawBlock", "RawInline") or node["c"][0] != MARK:
        return None
    return [{"t": node["t"], "c": ["typst", f'#metadata("{_checked(node["c"][1])}")<{LABEL}>']}]


def as_comment(node: Any) -> list[Any] | None:
    """A mark as an HTML comment, for `tree.rewrite_blocks` and `tree.rewrite_inlines`: it keeps its
    place through pandoc's EPUB writer."""
    if node["t"] not in ("RawBlock", "RawInline") or node["c"][0] != MARK:
        return None
    return [{"t": node["t"], "c": ["html", f"<!--{MARK} {_checked(node['c'][1])}-->"]}]


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a mark: {name!r}")
    return name


def place(marks: list[list[Any]], last: int) -> dict[str, list[int]]:
    """Each page from the first marked one to `last`, at the mark it begins at: `marks` are
    [mark, page] in the book's order (typst's report), the result is mark -> its pages, in order."""
    first: dict[int, str] = {}
    final: dict[int, str] = {}
    for name, page in marks:
        first.setdefault(page, name)
        final[page] = name
    placed: dict[str, list[int]] = {}
    if not marks:
        return placed
    running = marks[0][0]
    for page in range(marks[0][1], last + 1):
        placed.setdefault(first.get(page, running), []).append(page)
        running = final.get(page, running)
    return placed


def break_marker(page: int) -> str:
    """The EPUB's marker of where page `page` of the print edition begins."""
    return f'<span id="pw-page-{page}" role="doc-pagebreak" epub:type="pagebreak" aria-label="{page}"></span>'


def replace_comments(data: bytes, placed: dict[str, list[int]]) -> tuple[bytes, list[int]]:
    """An EPUB document with each mark's comment replaced by the markers of the pages that begin
    there (or by nothing), and those pages, in order."""
    found: list[int] = []

    def marker(match: re.Match[bytes]) -> bytes:
        pages = placed.get(match.group(1).decode(), [])
        found.extend(pages)
        between = "\n" if match.group(0).endswith(b"\n") else ""  # a block's comment ends its line, a sentence's does not
        return "".join(break_marker(page) + between for page in pages).encode()

    return _COMMENT.sub(marker, data), found


def page_list(pages: list[tuple[int, str]], title: str) -> str:
    """The navigation document's page list: each page (number, the document it begins in), hidden
    from view as pandoc's landmarks are, and read by reading systems' "go to page"."""
    items = "\n".join(f'      <li><a href="{html.escape(document)}#pw-page-{page}">{page}</a></li>' for page, document in pages)
    return (
        f'<nav epub:type="page-list" role="doc-pagelist" id="page-list" hidden="hidden">\n'
        f"    <h1>{html.escape(title)}</h1>\n    <ol>\n{items}\n    </ol>\n  </nav>\n"
    )
