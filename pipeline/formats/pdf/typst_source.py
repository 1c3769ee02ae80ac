"""The Typst source pandoc writes for the PDF: the book's text kept text in it, and its chapters
marked in it, so that what typst says of a line of it is said of the chapter, and the line, it came from.

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

import re
from typing import Any

from pipeline.rendering import tree
from pipeline.rendering.tree import Node

_GOES_ON = ".([;"  # what typst reads a call on with
_TEXT = {"Str", "Space", "SoftBreak", "LineBreak"}  # after them, text is text
_LEAVES = {"Code", "Math", "Image", "Cite"}  # written as calls or markup; an image's or citation's inlines are not written where they are
_AROUND = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted", "Link", "Note", "Span"}
CHAPTER = "// presswork-chapter "  # a Typst comment before each chapter: its place in the manuscript
_END = CHAPTER + "end"


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


def marked_chapters(blocks: list[Node], starts: dict[str, int]) -> list[Node]:
    """`blocks` (the top-level blocks of the book, or of a part of it) with a Typst comment before
    the block that holds each chapter's title, the heading whose id is a key of `starts`, naming the
    chapter's place in the manuscript, and one at the end. A comment typesets nothing."""
    marked: list[Node] = []
    for block in blocks:
        inside = tree.nodes(block) if block.get("t") == "Div" else [block]  # a title in a block of its own
        place = next((starts[node["c"][1][0]] for node in inside if node.get("t") == "Header" and node["c"][1][0] in starts), None)
        if place is not None:
            marked.append({"t": "RawBlock", "c": ["typst", f"{CHAPTER}{place}"]})
        marked.append(block)
    marked.append({"t": "RawBlock", "c": ["typst", _END]})
    return marked


def chapter_at(source: str, line: int) -> int | None:
    """The place in the manuscript of the chapter that line `line` (1-based) of the Typst source
    `source` was written from; None for a line of the template, before or after the chapters."""
    lines = source.splitlines()[: max(line, 0)]
    for text in reversed(lines):
        if text.startswith(CHAPTER):
            place = text.removeprefix(CHAPTER).strip()
            return int(place) if place.isdigit() else None
    return None


def line_of(text: str, typst_line: str) -> int | None:
    """The index (0-based) of the first line of a chapter's `text` that holds the words of a line of
    the Typst source written from it, in order: pandoc keeps the chapter's line breaks (`--wrap=preserve`),
    so the words of a line of Typst, its calls and their arguments left out, are those of a line of
    the chapter. None: no line holds them, or the line of Typst has no words."""
    words = _WORD.findall(_text_of(typst_line))
    if not words:
        return None
    for number, line in enumerate(text.split("\n")):
        at = 0
        for word in words:
            at = line.find(word, at)
            if at < 0:
                break
            at += len(word)
        else:
            return number
    return None


def image_in(typst_line: str) -> str | None:
    """The staged name (`assets/...`) of the first image a line of the Typst source shows, if any."""
    found = _IMAGE.search(typst_line)
    return found.group(1) if found else None


_IMAGE = re.compile(r'image\("(assets/[^"\\]+)"')
_WORD = re.compile(r"[^\W_]+")
_CALL = re.compile(r"#[\w-]+(?:\.[\w-]+)*")
_LABEL = re.compile(r"<[\w:.-]+>")


def _text_of(typst_line: str) -> str:
    """What a line of Typst markup says as text: its calls' names and arguments in parentheses (a
    link's address, a language, an alternative text, a mark's name) and its labels left out; the
    contents in brackets, which are markup, kept."""
    out: list[str] = []
    at = 0
    while at < len(typst_line):
        if typst_line[at] == "\\":
            out.append(typst_line[at + 1 : at + 2])
            at += 2
            continue
        call = _CALL.match(typst_line, at)
        if call:
            at = call.end()
            while at < len(typst_line) and typst_line[at] == "(":
                at = _closing(typst_line, at)
            continue
        label = _LABEL.match(typst_line, at)
        if label:
            at = label.end()
            continue
        out.append(typst_line[at])
        at += 1
    return "".join(out)


def _closing(text: str, at: int) -> int:
    """Where the parenthesized arguments opening at `at` end (past strings and nested parentheses)."""
    depth, quoted = 0, False
    while at < len(text):
        character = text[at]
        if quoted:
            if character == "\\":
                at += 1
            elif character == '"':
                quoted = False
        elif character == '"':
            quoted = True
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    return at


# --- math as this typst reads it -------------------------------------------------------------------
# pandoc 3.9 writes some math in names typst 0.14 retired (`sect` for ∩, `dot.circle` for ⊙) and both
# `vmatrix` and `Vmatrix` as `mat(delim: "||", ...)`, a delimiter typst refuses: one such formula
# would stop the PDF. A determinant is given pandoc as a matrix between bars (`mat(delim: "|")`), the
# double bars of a norm are written `bar.double`, and the retired names their current ones, in the
# formulas of the Typst source only.
_BARRED = {"vmatrix": ("\\left|", "\\right|"), "Vmatrix": ("\\left\\|", "\\right\\|")}
_BARRED_ENV = re.compile(r"\\(begin|end)\{(vmatrix|Vmatrix)\}")
_RETIRED = [
    (re.compile(r"(?<![\w.])sect(?![\w])"), "inter"),  # ∩ ⋂ ⊓
    (re.compile(r"(?<![\w.])(dot|times|minus|dash|plus)\.circle(?![\w])"), r"\1.o"),  # ⊙ ⊗ ⊖ ⊝
    (re.compile(r'delim: "\|\|"'), "delim: bar.double"),  # ‖ ‖ around a matrix (a norm)
    # a delimiter TeX sizes by hand (`\Bigl\lfloor`): pandoc scales its name in a content block, where
    # typst reads it as text (`floor.l` printed as words); in math, it is the sign
    (re.compile(r"(#scale\(x: [\d.]+%, y: [\d.]+%\)\[)([A-Za-z]+(?:\.[A-Za-z]+)*)\]"), r"\1$\2$]"),
]
# pandoc 3.9 (texmath) writes TeX's spaces of a fraction of an em as whole ems: `\!` (-3mu) as
# `#h(-1em)`, which prints a letter over the one before it, and `\;` (5mu) as `#h(0em)`. Each such
# space is given pandoc as a marked name, written in the Typst source as the space it is.
_SPACED = re.compile(
    r"\\(?:(?P<short>[!;])|(?P<named>enspace)(?![A-Za-z])"
    r"|mspace\{\s*(?P<mu>-?[\d.]+)\s*mu\s*\}|hspace\{\s*(?P<em>-?[\d.]+)\s*em\s*\}|(?P<other>.))",
    re.DOTALL,
)
_MU = {"!": -3, ";": 5, "enspace": 9}
_SPACE_MARK = re.compile(r'"pw-space:(-?[\d.]+em)"')
_MATH = re.compile(r'(#pw-alt\("(?:[^"\\]|\\.)*"\)\[)(\$(?:[^$\\]|\\.)*\$)', re.DOTALL)  # a formula, as pdf._described writes it


def math_written(blocks: list[Node]) -> list[Node]:
    """Each formula's TeX with `vmatrix` and `Vmatrix` written as a matrix between bars, and its
    spaces of a fraction of an em marked (`_SPACED`)."""

    def barred(found: re.Match) -> str:
        left, right = _BARRED[found.group(2)]
        return f"{left}\\begin{{matrix}}" if found.group(1) == "begin" else f"\\end{{matrix}}{right}"

    def spaced(found: re.Match) -> str:
        if found.group("other") is not None:
            return found.group(0)  # another command, or an escaped character (`\\`), as written
        if found.group("em") is not None:
            width = float(found.group("em"))
        else:
            width = (float(found.group("mu")) if found.group("mu") is not None else _MU[found.group("short") or found.group("named")]) / 18
        return f"\\operatorname{{pw-space:{width:.4f}em}}"

    def change(node: Node) -> list[Node] | None:
        if node["t"] != "Math" or "\\" not in node["c"][1]:
            return None
        tex = _SPACED.sub(spaced, node["c"][1])
        tex = _BARRED_ENV.sub(barred, tex) if "matrix}" in tex else tex
        return [{"t": "Math", "c": [node["c"][0], tex]}] if tex != node["c"][1] else None

    return tree.rewrite_inlines(blocks, change)


def current_math(source: str) -> str:
    """The Typst `source` with the retired names in its formulas written as their current ones."""

    def current(found: re.Match) -> str:
        text = _SPACE_MARK.sub(r"#h(\1)", found.group(2))
        for pattern, name in _RETIRED:
            text = pattern.sub(name, text)
        return found.group(1) + text

    return _MATH.sub(current, source)
