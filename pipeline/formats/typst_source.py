"""The Typst source pandoc writes for the PDF: the book's text kept text in it.

pandoc's Typst writer writes most inlines as calls (`#strong[main]`, `#raw("a`b")`, `#link("u")[l]`,
`#footnote[...]`, `#highlight[...]`), and the PDF's builder writes its own (`#text(lang: "de")[...]`,
`#metadata(...)`). In markup, typst reads such a call on while what directly follows it is `.` and a
name (a field, or a method), `(` or `[` (more arguments), or `;` (the end of a statement): `**main**.py`,
written `#strong[main].py`, is the field `py` of a `strong`, and the PDF fails. pandoc escapes `(`,
`[` and `;` at the start of text, never `.` (pandoc 3.9). `kept_text` escapes all four wherever text
follows anything but text. What precedes a call needs nothing: pandoc escapes in text whatever would
reach into it (`\\`, `//`, `#`, ...).
"""

from __future__ import annotations

from typing import Any

from pipeline.tree import Node

_GOES_ON = ".([;"  # what typst reads a call on with
_TEXT = {"Str", "Space", "SoftBreak", "LineBreak"}  # after them, text is text
_LEAVES = {"Code", "Math", "Image", "Cite"}  # written as calls or markup; an image's or citation's inlines are not written where they are
_AROUND = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted", "Link", "Note", "Span"}


def kept_text(blocks: list[Node]) -> list[Node]:
    """`blocks`, in place, with the first character of text that follows anything but text (a call,
    a formula, raw Typst) made an escape (`\\.`) when typst would read a call on with it. An escape
    where none was needed is harmless, so what might be a call is taken to be one."""
    found: list[tuple[list[Any], int]] = []
    after_code = False  # whether what is written last may be a call typst would read on
    stack: list[Any] = [(blocks, index) for index in reversed(range(len(blocks)))]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):  # where an element ends: what follows it is, or is not, after code
            after_code = item
            continue
        siblings, index = item
        node = siblings[index]
        if isinstance(node, list):  # a list item's blocks, a table's row, a link's target, ...
            stack.extend((node, i) for i in reversed(range(len(node))))
            continue
        if not isinstance(node, dict):
            continue
        kind, content = node.get("t"), node.get("c")
        if kind == "Str":
            if content and after_code and content[0] in _GOES_ON:
                found.append((siblings, index))
            after_code = after_code and not content
        elif kind in _TEXT:
            after_code = False
        elif kind == "RawInline":
            after_code = after_code or (content[0] == "typst" and bool(content[1]))  # other formats are not written
        elif kind in _LEAVES:
            after_code = True
        elif isinstance(content, list):  # an inline around others (taken to be a call), or a block
            inline = kind in _AROUND
            stack.append(inline)  # after an inline, code may go on; after a block, a new line begins
            stack.extend((content, i) for i in reversed(range(len(content))))
            after_code = after_code and inline  # what an inline holds may follow code: a span's text is written as it is
    for siblings, index in reversed(found):  # from the last, so that each index still holds
        text = siblings[index]["c"]
        escape = {"t": "RawInline", "c": ["typst", "\\" + text[0]]}
        siblings[index : index + 1] = [escape, {"t": "Str", "c": text[1:]}] if len(text) > 1 else [escape]
    return blocks
