"""Small helpers for pandoc's document tree (its JSON AST): walking, reading text, building nodes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]
Attr = list[Any]  # [id, [classes], [[key, value], ...]]

# Where each node type keeps its attributes, its inline children and its block children in "c".
_ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Link": 0, "Image": 0, "Figure": 0, "Table": 0}


def attr(node: Node) -> Attr | None:
    index = _ATTR_AT.get(node.get("t", ""))
    if index is None:
        return None
    content = node["c"]
    return content[index] if isinstance(content, list) else None


def make_attr(identifier: str = "", classes: list[str] | None = None, pairs: dict[str, str] | None = None) -> Attr:
    return [identifier, list(classes or []), [[key, value] for key, value in (pairs or {}).items()]]


def nodes(value: Any) -> Iterator[Node]:
    """Every node in `value`, parents before their children (document order among siblings is kept
    for each list; an explicit stack, since books have many thousands of nodes)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                yield item
            content = item.get("c")
            if isinstance(content, (list, dict)):
                stack.append(content)
        elif isinstance(item, list):
            stack.extend(reversed(item))


def rewrite_blocks(blocks: list[Node], change: Callable[[Node], list[Node] | None]) -> list[Node]:
    """Replace blocks anywhere in the tree, in place: `change` returns a list of blocks to put instead
    (which are then visited too), or None to keep the block and look inside it."""
    _rewrite(blocks, change, _BLOCKS)
    return blocks


def rewrite_inlines(blocks: list[Node], change: Callable[[Node], list[Node] | None]) -> list[Node]:
    """Replace inlines anywhere in the tree, in place, like `rewrite_blocks`."""
    _rewrite(blocks, change, _INLINES)
    return blocks


def _rewrite(root: list[Any], change: Callable[[Node], list[Node] | None], kinds: set[str]) -> None:
    stack: list[Any] = [root]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            content = current.get("c")
            if isinstance(content, (list, dict)):
                stack.append(content)
            continue
        if not isinstance(current, list):
            continue
        index = 0
        while index < len(current):
            item = current[index]
            if isinstance(item, dict) and item.get("t") in kinds:
                replaced = change(item)
                if replaced is not None:
                    current[index : index + 1] = replaced
                    stack.extend(replaced)
                    index += len(replaced)
                    continue
            stack.append(item)
            index += 1


def copy(value: Any) -> Any:
    """A deep copy of a tree (through JSON, which is much faster than `copy.deepcopy`)."""
    return json.loads(json.dumps(value))


_BLOCKS = {
    "Plain",
    "Para",
    "LineBlock",
    "CodeBlock",
    "RawBlock",
    "BlockQuote",
    "OrderedList",
    "BulletList",
    "DefinitionList",
    "Header",
    "HorizontalRule",
    "Table",
    "Figure",
    "Div",
}
_INLINES = {
    "Str",
    "Emph",
    "Underline",
    "Strong",
    "Strikeout",
    "Superscript",
    "Subscript",
    "SmallCaps",
    "Quoted",
    "Cite",
    "Code",
    "Space",
    "SoftBreak",
    "LineBreak",
    "Math",
    "RawInline",
    "Link",
    "Image",
    "Note",
    "Span",
}


def stringify(value: Any) -> str:
    """The plain text of inlines, as a reader sees it (used for heading ids and titles)."""
    parts: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                walk(child)
            return
        if not isinstance(item, dict):
            return
        kind, content = item.get("t"), item.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Code":
            parts.append(content[1])
        elif kind == "Math":
            parts.append(content[1])
        elif kind in ("Note", "RawInline"):
            return
        elif kind == "Quoted":
            walk(content[1])
        elif kind in ("Link", "Image", "Span"):
            walk(content[1])
        elif kind == "Cite":
            walk(content[1])
        else:
            walk(content)

    walk(value)
    return "".join(parts)


def unique_id(identifier: str, used: set[str]) -> str:
    """`identifier` made unique among `used` (and added to it) as MkDocs' `toc` does it: `id`,
    `id_1`, `id_2`, ...; an empty one becomes `_`."""
    candidate, count = identifier or "_", 0
    while candidate in used or not candidate:
        count += 1
        candidate = f"{identifier}_{count}"
    used.add(candidate)
    return candidate


def text_inlines(text: str) -> list[Node]:
    """Plain text as pandoc inlines (words and spaces)."""
    out: list[Node] = []
    for index, word in enumerate(text.split()):
        if index:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def meta(value: Any) -> Node:
    """A value of a pandoc document's metadata: lists, mappings, booleans and strings."""
    if isinstance(value, list):
        return {"t": "MetaList", "c": [meta(item) for item in value]}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {key: meta(item) for key, item in value.items()}}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    return {"t": "MetaString", "c": str(value)}


def paragraphs(blocks: list[Node]) -> None:
    """Loose inline content (`Plain`, as pandoc reads inline HTML outside a `<p>`, such as an image
    in a `<center>`) made a paragraph of its own, where blocks follow one another: in the body, a
    `Div` or a quote. Typst would run a `Plain` into the paragraph after it. List items and table
    cells keep theirs: there `Plain` is how a tight item is written."""
    stack = [blocks]
    while stack:
        sequence = stack.pop()
        for index, block in enumerate(sequence):
            kind = block.get("t") if isinstance(block, dict) else None
            if kind == "Plain":
                sequence[index] = {"t": "Para", "c": block["c"]}
            elif kind == "Div":
                stack.append(block["c"][1])
            elif kind == "BlockQuote":
                stack.append(block["c"])
