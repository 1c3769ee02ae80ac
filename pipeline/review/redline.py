"""The redline: the DOCX edition of the newer commit, with every change since the older one as a Word
tracked change (`w:ins`, `w:del`) that an editor accepts or rejects in Word or LibreOffice.

Why tracked changes are made in pandoc's document tree rather than by editing `word/document.xml`
afterwards: pandoc's DOCX writer already turns a span with class `insertion` or `deletion` (and
`author` and `date` attributes) into `w:ins` and `w:del` runs, with `w:delText` for deleted text and
every run keeping its formatting. Comparing the two books as pandoc trees is also the natural level:
words are pandoc's `Str` nodes, emphasis and links are containers around them, and footnotes, images
and code stay whole. So the redline is the ordinary DOCX build (the same `DocxBuilder`, reference
document, admonitions and images) of a document whose blocks were compared first; editing the XML
would mean re-deriving paragraphs, runs and their styles that pandoc has just written.

The comparison, chapter by chapter (paired as `presswork diff` pairs them): blocks are aligned by
their content; paragraphs, headings and list items that changed are compared word by word, a word's
formatting included (a word made bold is deleted plain and inserted bold); a changed table or code
block is deleted whole and inserted whole. Each chapter's changes carry the author and date of the
newest commit between the two that touched the chapter's file, else of the newer commit.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import formats
from pipeline.clock import utc
from pipeline.formats.base import Inputs
from pipeline.rendering import assembly, tree
from pipeline.review import marks
from pipeline.review.history import Range, Snapshot
from pipeline.review.summary import pairs
from pipeline.tools.git import Repository, Signature

INSERTION, DELETION = "insertion", "deletion"
_CONTAINERS = {"Emph": None, "Underline": None, "Strong": None, "Strikeout": None, "Superscript": None,
               "Subscript": None, "SmallCaps": None, "Quoted": 1, "Link": 1, "Span": 1, "Cite": 1}  # fmt: skip
_INLINE_BLOCKS = ("Para", "Plain")


@dataclass(frozen=True)
class Stamp:
    """Who made a change and when, as Word records it."""

    author: str
    date: str  # ISO 8601 in UTC, e.g. 2024-03-09T10:00:00Z

    @classmethod
    def of(cls, signature: Signature) -> Stamp:
        return cls(signature.name, utc(signature.time).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def span(self, kind: str, inlines: list[Any]) -> dict[str, Any]:
        return {"t": "Span", "c": [tree.make_attr("", [kind], {"author": self.author, "date": self.date}), inlines]}


@dataclass(frozen=True)
class _RedlineInputs(Inputs):
    """The newer book's inputs, with the compared document in place of the assembled one."""

    redlined: assembly.Book | None = None

    @property
    def book(self) -> assembly.Book:
        return self.redlined


def write(repo: Repository, span: Range, base: Snapshot, head: Snapshot, target: Path) -> int:
    """Build the redline DOCX at `target` (replaced in one rename); return how many chapters changed."""
    old_book, new_book = assembly.assemble(base.manuscript), assembly.assemble(head.manuscript)
    old_parts, new_parts = _chapters(old_book), _chapters(new_book)
    blocks: list[Any] = []
    changed = 0
    for before, after in pairs(repo, base, head):
        old = old_parts.get(before.name, []) if before else []
        new = new_parts.get(after.name, []) if after else []
        if _keys(old) == _keys(new):
            blocks += new
            continue
        changed += 1
        paths = [side.in_repo(chapter.display) for side, chapter in ((base, before), (head, after)) if chapter]
        stamp = Stamp.of(repo.last_change(span.base.commit, span.head.commit, paths) or span.head.author)
        blocks += compare_blocks(old, new, stamp)
    document = {**new_book.document, "blocks": blocks}
    redlined = assembly.Book(document, {**old_book.assets, **new_book.assets}, new_book.cover, new_book.anchors)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".redline-", dir=target.parent) as staging:
        builder = formats.builder("docx")
        inputs = _RedlineInputs(head.manuscript, redlined=redlined)
        artifact = builder.build(inputs, Path(staging))
        builder.validate(inputs, artifact)
        marks.mark_paragraphs(artifact.path)
        os.replace(artifact.path, target)
    return changed


def _chapters(book: assembly.Book) -> dict[str, list[Any]]:
    """The assembled blocks cut into chapters at each chapter's first heading."""
    starts = {anchor: name for name, anchor in book.anchors.items() if anchor}
    parts: dict[str, list[Any]] = {}
    current = next(iter(book.anchors), "")
    for block in book.document["blocks"]:
        if block["t"] == "Header" and block["c"][1][0] in starts:
            current = starts[block["c"][1][0]]
        parts.setdefault(current, []).append(block)
    return parts


# --- blocks ----------------------------------------------------------------------------------------


def compare_blocks(old: list[Any], new: list[Any], stamp: Stamp) -> list[Any]:
    """The blocks of `new`, with what changed since `old` marked as insertions and deletions."""
    out: list[Any] = []
    for op, i1, i2, j1, j2 in _opcodes(_keys(old), _keys(new)):
        if op == "equal":
            out += new[j1:j2]
        else:
            out += _replace(old[i1:i2], new[j1:j2], stamp)
    return out


def _replace(old: list[Any], new: list[Any], stamp: Stamp) -> list[Any]:
    """Blocks of the same kind are compared inside; the others are deleted and inserted whole."""
    out: list[Any] = []
    for op, i1, i2, j1, j2 in _opcodes([_kind(b) for b in old], [_kind(b) for b in new]):
        if op == "equal":
            for before, after in zip(old[i1:i2], new[j1:j2]):
                out += _revise(before, after, stamp)
        else:
            out += [mark(block, DELETION, stamp) for block in old[i1:i2]]
            out += [mark(block, INSERTION, stamp) for block in new[j1:j2]]
    return [block for block in out if block is not None]


def _revise(old: dict[str, Any], new: dict[str, Any], stamp: Stamp) -> list[Any]:
    kind, a, b = new["t"], old["c"], new["c"]
    if kind in _INLINE_BLOCKS:
        return [{"t": kind, "c": compare_inlines(a, b, stamp)}]
    if kind == "Header":
        return [{"t": kind, "c": [b[0], b[1], compare_inlines(a[2], b[2], stamp)]}]
    if kind == "BlockQuote":
        return [{"t": kind, "c": compare_blocks(a, b, stamp)}]
    if kind == "Div":
        return [{"t": kind, "c": [b[0], compare_blocks(a[1], b[1], stamp)]}]
    if kind == "BulletList":
        return [{"t": kind, "c": _items(a, b, stamp)}]
    if kind == "OrderedList":
        return [{"t": kind, "c": [b[0], _items(a[1], b[1], stamp)]}]
    return [mark(old, DELETION, stamp), mark(new, INSERTION, stamp)]


def _items(old: list[list[Any]], new: list[list[Any]], stamp: Stamp) -> list[list[Any]]:
    """List items: equal ones kept, changed ones compared, the rest inserted or deleted whole."""
    out = []
    for op, i1, i2, j1, j2 in _opcodes([_key(i) for i in old], [_key(i) for i in new]):
        if op == "equal":
            out += new[j1:j2]
            continue
        for index in range(max(i2 - i1, j2 - j1)):
            before = old[i1 + index] if i1 + index < i2 else None
            after = new[j1 + index] if j1 + index < j2 else None
            if before is not None and after is not None:
                out.append(compare_blocks(before, after, stamp))
            elif after is not None:
                out.append([mark(block, INSERTION, stamp) for block in after])
            else:
                out.append([b for b in (mark(block, DELETION, stamp) for block in before) if b is not None])
    return out


def mark(block: dict[str, Any], kind: str, stamp: Stamp) -> dict[str, Any] | None:
    """A whole block inserted or deleted: all its text in one change each paragraph."""
    block = copy.deepcopy(block)
    if kind == DELETION:  # a deleted heading must not take the id of one that stays, nor a number
        for node in tree.nodes(block):
            attributes = tree.attr(node)
            if attributes:
                attributes[0] = ""
            if node.get("t") == "Header" and "unnumbered" not in node["c"][1][1]:
                node["c"][1][1].append("unnumbered")
        if block["t"] in ("HorizontalRule", "RawBlock"):
            return None
    return _mark(block, kind, stamp)


def _mark(value: Any, kind: str, stamp: Stamp) -> Any:
    if isinstance(value, list):
        return [_mark(item, kind, stamp) for item in value]
    if not isinstance(value, dict) or "t" not in value:
        return value
    t, c = value["t"], value.get("c")
    if t in _INLINE_BLOCKS:
        return {"t": t, "c": [stamp.span(kind, c)] if c else c}
    if t == "Header":
        return {"t": t, "c": [c[0], c[1], [stamp.span(kind, c[2])]]}
    if t == "LineBlock":
        return {"t": t, "c": [[stamp.span(kind, line)] for line in c]}
    if t == "CodeBlock":  # as the DOCX writer draws code, but as runs that can carry a change
        lines: list[Any] = []
        for number, line in enumerate(c[1].split("\n")):
            lines += ([{"t": "LineBreak"}] if number else []) + [{"t": "Code", "c": [tree.make_attr(), line]}]
        body = [{"t": "Para", "c": [stamp.span(kind, lines)]}]
        return {"t": "Div", "c": [tree.make_attr("", [], {"custom-style": "Source Code"}), body]}
    return {"t": t, "c": _mark(c, kind, stamp)} if "c" in value else value


# --- words -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    key: str  # what is compared: the word and the formatting around it
    leaf: Any
    chain: tuple[Any, ...]  # the containers around the word, outermost first, each without its children


def compare_inlines(old: list[Any], new: list[Any], stamp: Stamp) -> list[Any]:
    """The inlines of `new` with the words inserted since `old` marked, and the deleted ones put back, marked."""
    before, after = _flatten(old), _flatten(new)
    inserted: set[int] = set()
    deleted: dict[int, list[_Token]] = {}
    for op, i1, i2, j1, j2 in _opcodes([t.key for t in before], [t.key for t in after]):
        if op in ("delete", "replace"):
            deleted.setdefault(j1, []).extend(before[i1:i2])
        if op in ("insert", "replace"):
            inserted.update(range(j1, j2))
    state = _State(inserted, deleted, stamp)
    out = state.rebuild(new)
    out += state.deletions_at(len(after))
    return out


def _flatten(inlines: list[Any], chain: tuple[Any, ...] = ()) -> list[_Token]:
    tokens: list[_Token] = []
    for node in inlines:
        if node["t"] in _CONTAINERS:
            tokens += _flatten(_children(node), (*chain, _shell(node)))
        else:
            leaf = {"t": "Space"} if node["t"] == "SoftBreak" else node
            tokens.append(_Token(json.dumps([chain, leaf], sort_keys=True), node, chain))
    return tokens


class _State:
    """Walks the newer inlines in order, counting words, wrapping inserted runs, placing deleted ones."""

    def __init__(self, inserted: set[int], deleted: dict[int, list[_Token]], stamp: Stamp) -> None:
        self.inserted, self.deleted, self.stamp, self.at = inserted, deleted, stamp, 0

    def deletions_at(self, index: int) -> list[Any]:
        tokens = self.deleted.pop(index, [])
        return [self.stamp.span(DELETION, _rewrap(tokens))] if tokens else []

    def rebuild(self, inlines: list[Any]) -> list[Any]:
        out: list[Any] = []
        run: list[Any] = []

        def flush() -> None:
            if run:
                out.append(self.stamp.span(INSERTION, list(run)))
                run.clear()

        for node in inlines:
            pending = self.deletions_at(self.at)
            if pending:
                flush()
                out += pending
            if node["t"] in _CONTAINERS:
                count = len(_flatten([node]))
                if count and all(self.at + i in self.inserted for i in range(count)):
                    run.append(node)
                    self.at += count
                    continue
                flush()
                out.append(_fill(node, self.rebuild(_children(node))))
                continue
            if self.at in self.inserted:
                run.append(node)
            else:
                flush()
                out.append(node)
            self.at += 1
        flush()
        return out


def _children(node: dict[str, Any]) -> list[Any]:
    at = _CONTAINERS[node["t"]]
    return node["c"] if at is None else node["c"][at]


def _shell(node: dict[str, Any]) -> dict[str, Any]:
    return _fill(node, [])


def _fill(node: dict[str, Any], children: list[Any]) -> dict[str, Any]:
    at = _CONTAINERS[node["t"]]
    if at is None:
        return {"t": node["t"], "c": children}
    content = list(node["c"])
    content[at] = children
    return {"t": node["t"], "c": content}


def _rewrap(tokens: list[_Token]) -> list[Any]:
    """Deleted words back inside their formatting; neighbours with the same formatting share it."""
    out: list[Any] = []
    index = 0
    while index < len(tokens):
        end = index
        while end < len(tokens) and tokens[end].chain == tokens[index].chain:
            end += 1
        inner = [copy.deepcopy(token.leaf) for token in tokens[index:end]]
        for shell in reversed(tokens[index].chain):
            inner = [_fill(shell, inner)]
        out += inner
        index = end
    return out


def _keys(blocks: list[Any]) -> list[str]:
    return [_key(block) for block in blocks]


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False).replace('{"t": "SoftBreak"}', '{"t": "Space"}')


def _kind(block: dict[str, Any]) -> str:
    return f"{block['t']}{block['c'][0]}" if block["t"] == "Header" else block["t"]


def _opcodes(a: list[str], b: list[str]):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
