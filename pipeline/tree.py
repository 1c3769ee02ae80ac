"""Small helpers for pandoc's document tree (its JSON AST): walking, reading text, building nodes."""

from __future__ import annotations

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
    """Every node in `value`, depth first, parents before children."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for child in value.values():
            yield from nodes(child)
    elif isinstance(value, list):
        for item in value:
            yield from nodes(item)


def rewrite_blocks(blocks: list[Node], change: Callable[[Node], list[Node] | None]) -> list[Node]:
    """Replace blocks anywhere in the tree: `change` returns a list of blocks, or None to keep (and descend)."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                replaced = change(item) if _is_block(item) else None
                if replaced is None:
                    out.append(walk(item))
                else:
                    out.extend(walk(node) for node in replaced)
            return out
        if isinstance(value, dict):
            return {key: walk(child) for key, child in value.items()}
        return value

    return walk(blocks)


def rewrite_inlines(blocks: list[Node], change: Callable[[Node], list[Node] | None]) -> list[Node]:
    """Replace inlines anywhere in the tree, like `rewrite_blocks`."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                replaced = change(item) if _is_inline(item) else None
                if replaced is None:
                    out.append(walk(item))
                else:
                    out.extend(walk(node) for node in replaced)
            return out
        if isinstance(value, dict):
            return {key: walk(child) for key, child in value.items()}
        return value

    return walk(blocks)


_BLOCKS = {
    "Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
    "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div",
}
_INLINES = {
    "Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
    "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span",
}


def _is_block(value: Any) -> bool:
    return isinstance(value, dict) and value.get("t") in _BLOCKS


def _is_inline(value: Any) -> bool:
    return isinstance(value, dict) and value.get("t") in _INLINES


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


def text_inlines(text: str) -> list[Node]:
    """Plain text as pandoc inlines (words and spaces)."""
    out: list[Node] = []
    for index, word in enumerate(text.split()):
        if index:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out
