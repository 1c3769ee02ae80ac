"""Inline Markdown to prose: markup dropped, code and math replaced by a placeholder, every kept
character remembering where it came from in the chapter.

The input is a run of characters each with its offset in the chapter's text; the output is the text
the engines read, with the same offsets (`PLACEHOLDER_OFFSET` for placeholder characters), plus the
links, images and footnote references found on the way, at their exact offsets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

PLACEHOLDER = "Placeholder"  # stands for inline code or math, so a sentence stays a sentence
VOWEL_PLACEHOLDER = "Element"  # stands for code read with a vowel first (`Arc`), so "an" before it is right
PLACEHOLDER_OFFSET = -1

_ESCAPABLE = set("\\`*_{}[]()#+-.!|<>~$\"'")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]|www\.[^\s<>()]*[^\s<>().,;:!?'\"]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^>\s@]+@[^>\s@]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*?)?\s*/?>")
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")
_HTML_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""")
_HTML_ALT = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""")
_HTML_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""")
_STYLE = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# HTML's own colour attributes (`<font color>`, `<td bgcolor>`), read as the CSS they stand for.
_COLOR_ATTRIBUTE = re.compile(r"""(?<![\w-])(color|bgcolor)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_ATTR_LIST = re.compile(
    r"\{:?\s*(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|\S+))(?:\s+(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|\S+)))*\s*\}"
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LINK_TAIL = re.compile(r"\(\s*<?([^\s<>()]*(?:\([^\s()]*\)[^\s<>()]*)*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REF_TAIL = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class Reference:
    """A link, image or footnote reference, at its offset in the chapter."""

    kind: str  # "link", "image", "footnote", "anchor" (an id declared in raw HTML or an attribute list), "url" (bare, in the text)
    target: str  # the URL, the reference label, the footnote label or the id
    offset: int  # where the target starts in the chapter's text
    length: int
    reference: bool = False  # a `[text][label]` link: `target` is the label
    text: str | None = None  # a link's text or an image's alt text, as written (None: it has none of its own)
    text_span: tuple[int, int] = (-1, -1)  # where that text is in the chapter (the brackets, when it is empty)


@dataclass
class Inline:
    """The result of reading one run of inline Markdown."""

    text: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    comments: list[tuple[str, int]] = field(default_factory=list)  # HTML comments: (content, offset)
    styles: list[tuple[str, int, int]] = field(default_factory=list)  # colours of raw HTML and attribute lists: (CSS, start, end)
    code: list[Code] = field(default_factory=list)  # inline code and math, where their placeholders are in `text`

    def keep(self, char: str, offset: int) -> None:
        self.text.append(char)
        self.offsets.append(offset)

    def placeholder(self, code: str | None = None, kind: str = "code") -> None:
        """A placeholder word for what cannot be read as prose; for `code` (or math), one whose first
        sound is the code's, when that is certain, and the code remembered where the placeholder is."""
        if self.text and self.text[-1].isalnum():
            self.keep(" ", PLACEHOLDER_OFFSET)
        word = VOWEL_PLACEHOLDER if code is not None and sound(code) == "vowel" else PLACEHOLDER
        if code is not None:
            self.code.append(Code(code, kind, len(self.text), len(self.text) + len(word)))
        for char in word:
            self.keep(char, PLACEHOLDER_OFFSET)


@dataclass(frozen=True)
class Code:
    """Inline code (or math) as written, and where its placeholder is in the text read."""

    text: str
    kind: str  # "code" or "math"
    start: int
    end: int


# How code is read aloud decides "a" or "an" before it. A letter's name: "an `x`", "a `y`".
_VOWEL_NAMED = set("aefhilmnorsx")
_CONSONANTS = set("bcdfghjklmnpqrstvwz")
_NOT_VOWEL_SOUNDS = ("one", "once", "eu", "ewe")  # "a one-off", "a euro"
# Consonants that begin English words: `thread`, `spawn` are read as words; `mkdocs` and `href`
# perhaps letter by letter, perhaps not.
_ONSETS = {"bl", "br", "ch", "cl", "cr", "dr", "dw", "fl", "fr", "gl", "gn", "gr", "kl", "kn", "kr", "ph", "pl", "pr",
           "ps", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "sq", "st", "sw", "th", "tr", "tw", "wh", "wr"}  # fmt: skip
_SPOKEN = re.compile(r"^[\"'(\[{<]*([A-Za-z][A-Za-z0-9]*)")  # quotes and brackets are not read
_HUMP = re.compile(r"[A-Za-z][a-z]*")


def sound(code: str) -> str | None:
    """`vowel` or `consonant`: the first sound of `code` read aloud, when it is certain; else None
    (`.event_hooks`, `8080`, `unsafe` and `usize`, `mkdocs` read as letters or as "make docs")."""
    found = _SPOKEN.match(code.strip())
    if not found:
        return None
    word = found.group(1)
    first = word[0].lower()
    if len(word) == 1 or word.isupper() and len(word) <= 5:  # a letter's name, or an initialism (`URL`, `EOF`, `SQL`)
        if len(word) > 1 and first in "fhlmnrsx":
            return None  # read as letters (an `HTML` page) or as a word (a `HEAD` request, a `REST` call)
        return "vowel" if first in _VOWEL_NAMED and not (len(word) > 1 and first == "u") else "consonant"
    if first in "aeio":
        return None if word.lower().startswith(_NOT_VOWEL_SOUNDS) else "vowel"
    if first not in _CONSONANTS:
        return None  # `u` and `x`: `unsafe`, `usize`; `xargs`, `xylophone`
    hump = _HUMP.match(word).group(0).lower()  # `Html` of `HtmlParser`, `base` of `base_url`
    onset = re.match(r"[^aeiouy]*", hump[1:]).group(0)
    if len(onset) == len(hump) - 1:  # no vowel: letter by letter (`cd`, `pthread`), or `str` read "string", `fn` "function"
        return None if first in _VOWEL_NAMED else "consonant"
    if not onset or first + onset[0] in _ONSETS:
        return "consonant"  # a word: `Mutex`, `hash`, `self`, `str`
    return None


def read(chars: str, offsets: list[int], *, code_as_text: bool = False, symbols: bool = False) -> Inline:
    """Read inline Markdown. `code_as_text` keeps code spans' contents (for heading ids); with
    `symbols`, `-->` or `(tm)` are read as the arrow or sign pymdownx.smartsymbols makes of them."""
    out = Inline()
    _Reader(chars, offsets, out, code_as_text, symbols).run()
    return out


class _Reader:
    def __init__(self, chars: str, offsets: list[int], out: Inline, code_as_text: bool, symbols: bool = False) -> None:
        self.s = chars
        self.o = offsets
        self.out = out
        self.code_as_text = code_as_text
        self.symbols = symbols
        self.closers: dict[int, int] = {}  # index of a link's "]" -> index after its "(...)" tail

    def run(self) -> None:
        s, i, n = self.s, 0, len(self.s)
        plain = _PLAIN_SYMBOLS if self.symbols else _PLAIN
        while i < n:
            if i in self.closers:
                i = self.closers.pop(i)
                continue
            text = plain.match(s, i)
            if text:  # characters that start no markup, kept as they are, at once
                self.out.text.extend(s[i : text.end()])
                self.out.offsets.extend(self.o[i : text.end()])
                i = text.end()
                continue
            c = s[i]
            symbol = _SYMBOLS.match(s, i) if self.symbols and c in "-<=+(c" else None
            if symbol:
                self.out.keep(_SYMBOL_OF[symbol.group(0).lower()], self.o[i])
                i = symbol.end()
                continue
            handler = _HANDLERS.get(c)
            if handler is not None:
                step = handler(self, i)
                if step is not None:
                    i = step
                    continue
            if c in "hfw" and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] in "/.")):
                match = _URL.match(s, i)
                if match:
                    self._reference("url", match.group(0), i, text=(i, match.end()))
                    self.out.placeholder()
                    i = match.end()
                    continue
            self.out.keep(c, self.o[i])
            i += 1

    # --- one method per character that can start markup ---------------------------------------

    def backslash(self, i: int) -> int | None:
        if i + 1 < len(self.s) and self.s[i + 1] in _ESCAPABLE:
            self.out.keep(self.s[i + 1], self.o[i + 1])
            return i + 2
        return None

    def backtick(self, i: int) -> int | None:
        run = len(self.s[i:]) - len(self.s[i:].lstrip("`"))
        fence = "`" * run
        end = i + run
        while True:
            close = self.s.find(fence, end)
            if close < 0:
                return None
            if self.s[close + run : close + run + 1] != "`" and self.s[close - 1] != "`":
                break
            end = close + run
            while end < len(self.s) and self.s[end] == "`":
                end += 1
        if self.code_as_text:
            for k in range(i + run, close):
                self.out.keep(self.s[k], self.o[k])
        else:
            self.out.placeholder(self.s[i + run : close].replace("\n", " ").strip())
        return close + run

    def dollar(self, i: int) -> int | None:
        s = self.s
        if s.startswith("$$", i):
            close = s.find("$$", i + 2)
            if close > i + 2:
                self.out.placeholder(s[i + 2 : close].strip(), "math")
                return close + 2
            return None
        if i + 1 >= len(s) or s[i + 1].isspace() or (i > 0 and s[i - 1] == "\\"):
            return None
        k = i + 1
        while True:
            close = s.find("$", k)
            if close < 0 or s[close - 1] == "\n":
                return None
            if not s[close - 1].isspace() and not s[close + 1 : close + 2].isdigit() and s[close - 1] != "\\":
                self.out.placeholder(s[i + 1 : close], "math")
                return close + 1
            k = close + 1

    def less_than(self, i: int) -> int | None:
        s = self.s
        if s.startswith("<!--", i):
            match = _COMMENT.match(s, i)
            if match:
                self.out.comments.append((match.group(1), self.o[i]))
                return match.end()
            return None
        match = _AUTOLINK.match(s, i)
        if match:
            self._reference("link", match.group(1), i + 1, text=(i + 1, match.end(1)))
            self.out.placeholder()
            return match.end()
        match = _HTML_TAG.match(s, i)
        if match:
            tag = match.group(0)
            for attribute, kind in ((_HTML_ID, "anchor"), (_HTML_HREF, "link")):
                found = attribute.search(tag)
                if found:
                    self._reference(kind, found.group(1), i + found.start(1))
            self._style(tag, i)
            if tag[:4].lower() == "<img":
                alt = _HTML_ALT.search(tag)
                source = _HTML_SRC.search(tag)
                text = (i + alt.start(2), i + alt.end(2)) if alt else None
                self._reference("html-image", source.group(1) if source else "", i, text=text, brackets=(i, match.end()))
            return match.end()
        return None

    def bang(self, i: int) -> int | None:
        if not self.s.startswith("![", i):
            return None
        close = self._bracket_end(i + 1)
        if close is None:
            return None
        tail = _LINK_TAIL.match(self.s, close + 1)
        if not tail:
            return None
        self._reference("image", tail.group(1), tail.start(1), text=(i + 2, close), brackets=(i, close + 1))
        for k in range(i + 2, close):  # the alt text is prose
            self.out.keep(self.s[k], self.o[k])
        return tail.end()

    def bracket(self, i: int) -> int | None:
        s = self.s
        if s.startswith("[^", i):
            close = s.find("]", i)
            if close > i + 2 and " " not in s[i + 2 : close]:
                self._reference("footnote", s[i + 2 : close], i + 2)
                return close + 1
            return None
        close = self._bracket_end(i)
        if close is None:
            return None
        tail = _LINK_TAIL.match(s, close + 1)
        if tail:
            self._reference("link", tail.group(1), tail.start(1), text=(i + 1, close), brackets=(i, close + 1))
            self.closers[close] = tail.end()
            return i + 1
        ref = _REF_TAIL.match(s, close + 1)
        if ref is None:
            return None  # `[text]` alone: plain text unless a definition names it (not followed here)
        if ref.group(1).startswith("^") and len(ref.group(1)) > 1 and " " not in ref.group(1):
            return None  # `[text][^1]`: plain text, then a footnote reference (footnotes reads it first)
        label = ref.group(1) or s[i + 1 : close]
        start = close + 2 if ref.group(1) else i + 1
        self._reference("link", label, start, reference=True, text=(i + 1, close), brackets=(i, close + 1))
        self.closers[close] = ref.end()
        return i + 1

    def brace(self, i: int) -> int | None:
        match = _ATTR_LIST.match(self.s, i)
        if not match:
            return None
        unquoted = re.sub(r"\"[^\"]*\"|'[^']*'", lambda quoted: " " * len(quoted.group(0)), match.group(0))
        for found in re.finditer(r"(?:(?<=\{)|(?<=\{:)|(?<=\s))#([\w-]+)", unquoted):  # `#id`, not a value (`style="color: #EF5350"`)
            self._reference("anchor", found.group(1), i + found.start(1))
        self._style(match.group(0), i)
        return match.end()

    def emphasis(self, i: int) -> int | None:
        s, c = self.s, self.s[i]
        run = len(s[i:]) - len(s[i:].lstrip(c))
        if c == "~" and run < 2:
            return None
        before = s[i - 1] if i > 0 else " "
        after = s[i + run] if i + run < len(s) else " "
        if before.isspace() and after.isspace():
            return None  # a lone `*` between spaces is a character, not emphasis
        if c == "_" and before.isalnum() and after.isalnum():
            return None  # snake_case: Python-Markdown leaves intraword underscores alone
        return i + run

    def plus(self, i: int) -> int | None:
        """Keys (`++ctrl+c++`, pymdownx.keys): a placeholder, as inline code is."""
        match = _KEYS.match(self.s, i)
        if not match:
            return None
        self.out.placeholder()
        return match.end()

    def marks(self, i: int) -> int | None:
        """`==mark==` and `^^insert^^` (or `^sup^`): the markers are not text; what they hold is."""
        s, c = self.s, self.s[i]
        run = len(s[i:]) - len(s[i:].lstrip(c))
        if (c == "=" and run != 2) or (c == "^" and run > 2):
            return None
        before = s[i - 1] if i > 0 else " "
        after = s[i + run] if i + run < len(s) else " "
        return None if before.isspace() and after.isspace() else i + run

    def colon(self, i: int) -> int | None:
        """An icon or emoji shortcode (`:material-book:`, `:smile:`): a picture, no words."""
        match = _SHORTCODE.match(self.s, i)
        if not match or (i > 0 and self.s[i - 1].isalnum()):
            return None
        end = match.end()
        spaced = (i == 0 or self.s[i - 1] == " ") and self.s[end : end + 1] == " "
        if self.out.text and self.out.text[-1] == " " and self.s[end : end + 1] not in ("", " ", "\n"):
            self.out.text.pop()  # `a smile :smile:.`: no space before the full stop
            self.out.offsets.pop()
        return end + 1 if spaced else end  # one space stays where the picture was

    def ampersand(self, i: int) -> int | None:
        match = _ENTITY.match(self.s, i)
        if not match:
            return None
        for char in html.unescape(match.group(0)):
            self.out.keep(char, self.o[i])
        return match.end()

    # --- helpers -----------------------------------------------------------------------------

    def _bracket_end(self, i: int) -> int | None:
        depth = 0
        k = i
        while k < len(self.s):
            c = self.s[k]
            if c == "\\":
                k += 2
                continue
            if c == "`":
                close = self.s.find("`", k + 1)
                k = close + 1 if close > 0 else k + 1
                continue
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return k
            k += 1
        return None

    def _reference(
        self,
        kind: str,
        target: str,
        start: int,
        *,
        reference: bool = False,
        text: tuple[int, int] | None = None,
        brackets: tuple[int, int] | None = None,
    ) -> None:
        """A reference at `start`; `text` is where its text is (indices into this run), if it has one,
        inside `brackets` (where an empty text is shown)."""
        offset = self.o[start] if start < len(self.o) else self.o[-1]
        written, span = None, (-1, -1)
        if text is not None:
            written = self.s[text[0] : text[1]]
        shown = text if text is not None and text[1] > text[0] else brackets
        if shown is not None:
            span = (self.o[shown[0]], self.o[shown[1] - 1] + 1)
        self.out.references.append(Reference(kind, target, offset, len(target), reference, written, span))

    def _style(self, tag: str, start: int) -> None:
        """The colours a tag or attribute list starting at `start` gives its element."""
        for value, begin, end in colours(tag):
            self.out.styles.append((value, self.o[start + begin], self.o[start + end - 1] + 1))


def colours(tag: str) -> list[tuple[str, int, int]]:
    """What a tag or attribute list says of its element's colours, as CSS declarations, each with the
    indexes in `tag` where it is written (start, end): its `style`, and HTML's `color` and `bgcolor`."""
    found = []
    style = _STYLE.search(tag)
    if style:
        group = 1 if style.group(1) is not None else 2
        found.append((style.group(group), style.start(group), max(style.end(group), style.start(group) + 1)))
    attributes = [
        match for match in _COLOR_ATTRIBUTE.finditer(re.sub(r"\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')", lambda m: " " * len(m.group(0)), tag))
    ]
    if attributes and tag.startswith("<"):
        declarations = "; ".join(
            f"{'color' if m.group(1).lower() == 'color' else 'background-color'}: {next(g for g in m.groups()[1:] if g is not None)}"
            for m in attributes
        )
        found.append((declarations, attributes[0].start(), attributes[-1].end()))
    return found


_HANDLERS = {
    "\\": _Reader.backslash,
    "`": _Reader.backtick,
    "$": _Reader.dollar,
    "<": _Reader.less_than,
    "!": _Reader.bang,
    "[": _Reader.bracket,
    "{": _Reader.brace,
    "*": _Reader.emphasis,
    "_": _Reader.emphasis,
    "~": _Reader.emphasis,
    "&": _Reader.ampersand,
    "+": _Reader.plus,
    "=": _Reader.marks,
    "^": _Reader.marks,
    ":": _Reader.colon,
}
# What pymdownx.smartsymbols makes of plain characters.
_SYMBOL_OF = {"<-->": "↔", "-->": "→", "<--": "←", "(tm)": "™", "(c)": "©", "(r)": "®", "+/-": "±", "=/=": "≠", "c/o": "℅"}
_SYMBOLS = re.compile("|".join(re.escape(key) for key in _SYMBOL_OF), re.IGNORECASE)
# A run of characters that start no markup: none that a handler reads, no "]" (a link's text may end
# there), no h, f or w beginning a word (a bare URL may start there), and, reading smart symbols, none
# that starts one.
_PLAIN = re.compile(r"(?:[^\\`$<!\[\]{*_~&+=^:hfw]|(?<=[^\W_]|[/.])[hfw])+")
_PLAIN_SYMBOLS = re.compile(r"(?:[^\\`$<!\[\]{*_~&+=^:hfw\-(c]|(?<=[^\W_]|[/.])[hfw])+")
_KEYS = re.compile(r"\+\+[\w-]+(?:\+[\w-]+)*\+\+")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:(?![\w/])")  # one class, no nested repetition: linear on a row of dashes


def cells(row: str) -> list[tuple[int, int]]:
    """The spans of a table row's cells, split on `|` outside code spans and escapes."""
    bounds, start, i, in_code = [], 0, 0, False
    text = row
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            in_code = not in_code
        elif c == "|" and not in_code:
            bounds.append((start, i))
            start = i + 1
        i += 1
    bounds.append((start, len(text)))
    if bounds and not text[bounds[0][0] : bounds[0][1]].strip():
        bounds = bounds[1:]
    if bounds and not text[bounds[-1][0] : bounds[-1][1]].strip():
        bounds = bounds[:-1]
    return bounds
