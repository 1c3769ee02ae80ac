"""Raw HTML in an untrusted run: scripts, event handlers and script URLs dropped, each one reported.

Two halves. `clean` sanitises a rendered page (which the site shows and every other edition is made
from): it drops elements that run or embed something (`<script>`, `<iframe>`, `<object>`, ...),
every `on...` attribute, and every attribute whose value is a `javascript:`, `vbscript:` or (other
than an image) `data:` URL; everything else is passed through as it was written. `scan` finds the
same things in a chapter's Markdown, with their line and column, so each can be reported where the
author wrote it. Images, raw HTML ones included, are checked where every edition takes them
(`pipeline.assembly`), as in a trusted run.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements dropped whole (with what they hold, when they hold something).
DROPPED = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "noscript"})
# Elements that make pandoc fetch a file: left out of the pandoc editions (not of the site, where a
# browser only asks the site for them), whose images come from Markdown images, checked.
EMBEDS = frozenset({"img", "video", "audio", "source", "track", "picture", "image", "input"})
# Files of the docs folder an untrusted site leaves out: pages and scripts of the content's own.
SCRIPT_FILES = frozenset({".html", ".htm", ".xhtml", ".js", ".mjs"})
_VOID = frozenset({"embed", "base", "meta", "link", "frame"})
_SAFE_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]+")


def unsafe_value(value: str) -> bool:
    """Whether an attribute's value is a URL that runs a script (however it is spelt) or a data URL
    that is not an image."""
    plain = _CONTROL.sub("", html.unescape(value)).lower()
    if plain.startswith(("javascript:", "vbscript:")):
        return True
    return plain.startswith("data:") and not _SAFE_DATA.match(plain)


def unsafe_attribute(name: str, value: str | None) -> bool:
    name = name.lower()
    if name.startswith("on"):
        return True
    if value is None:
        return False
    if name == "style":
        plain = _CONTROL.sub("", html.unescape(value)).lower()
        return "javascript:" in plain or "expression(" in plain
    return unsafe_value(value)


def clean(text: str) -> tuple[str, int]:
    """`text` with everything unsafe dropped, and how many things were dropped (0: `text` unchanged)."""
    cleaner = _Cleaner(DROPPED)
    cleaner.feed(text)
    cleaner.close()
    if not cleaner.dropped:
        return text, 0
    return "".join(cleaner.out), cleaner.dropped


class _Cleaner(HTMLParser):
    def __init__(self, dropped: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.dropping = dropped
        self.out: list[str] = []
        self.dropped = 0
        self.skipping: list[str] = []  # the dropped elements we are inside

    def _emit(self, text: str) -> None:
        if not self.skipping:
            self.out.append(text)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if tag in self.dropping:
            if not self.skipping:
                self.dropped += 1
            if tag not in _VOID | EMBEDS - {"video", "audio", "picture"} and not closed:
                self.skipping.append(tag)
            return
        kept = [(name, value) for name, value in attrs if not unsafe_attribute(name, value)]
        if len(kept) == len(attrs):
            self._emit(self.get_starttag_text() or "")
            return
        if not self.skipping:
            self.dropped += len(attrs) - len(kept)
        written = "".join(f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"' for name, value in kept)
        self._emit(f"<{tag}{written}{' /' if closed else ''}>")

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in self.dropping:
            self.dropped += 1
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self._emit(data)

    def handle_entityref(self, name):
        self._emit(f"&{name};")

    def handle_charref(self, name):
        self._emit(f"&#{name};")

    def handle_comment(self, data):
        self._emit(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._emit(f"<!{decl}>")

    def handle_pi(self, data):
        self._emit(f"<?{data}>")

    def unknown_decl(self, data):
        self._emit(f"<![{data}]>")


# --- finding them in the Markdown -------------------------------------------------------------


@dataclass(frozen=True)
class Unsafe:
    """Something an untrusted run drops, where the chapter's Markdown has it (1-based, in its text)."""

    offset: int  # in the chapter's text
    length: int
    what: str  # "a <script> element", "the event handler 'onclick'", ...


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>]+))?""")
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_MARKDOWN_URL = re.compile(r"\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)


def scan(text: str) -> list[Unsafe]:
    """Everything in a chapter's Markdown that an untrusted run drops, in order."""
    found: list[Unsafe] = []
    masked = list(text)
    offset = 0
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            _mask(masked, offset, len(line))
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
                fence = None
            _mask(masked, offset, len(line))
        offset += len(line) + 1
    plain = "".join(masked)
    for match in _CODE_SPAN.finditer(plain):
        _mask(masked, match.start(), match.end() - match.start())
    plain = "".join(masked)
    for match in _TAG.finditer(plain):
        name = match.group(1).lower()
        if name in DROPPED:
            found.append(Unsafe(match.start(), len(match.group(0)), f"a <{name}> element"))
            continue
        found.extend(_attributes(match.group(2), match.start(2)))
    for match in _ATTR_LIST.finditer(plain):
        found.extend(_attributes(match.group(1), match.start(1)))
    for match in _MARKDOWN_URL.finditer(plain):
        group = 1 if match.group(1) is not None else 2
        if unsafe_value(match.group(group)):
            found.append(Unsafe(match.start(group), len(match.group(group)), "a script URL"))
    return sorted(set(found), key=lambda unsafe: unsafe.offset)


def _attributes(text: str, start: int) -> list[Unsafe]:
    found = []
    for match in _ATTRIBUTE.finditer(text):
        name, value = match.group(1), match.group(2)
        value = value[1:-1] if value and value[0] in "\"'" else value
        if name.lower().startswith("on"):
            found.append(Unsafe(start + match.start(), len(match.group(0)), f"the event handler '{name}'"))
        elif value is not None and unsafe_attribute(name, value):
            found.append(Unsafe(start + match.start(), len(match.group(0)), f"a script URL in '{name}'"))
    return found


def _mask(chars: list[str], start: int, length: int) -> None:
    for index in range(start, min(start + length, len(chars))):
        if chars[index] != "\n":
            chars[index] = " "
