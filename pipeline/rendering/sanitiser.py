"""Raw HTML in an untrusted run: one allowlist, applied by a browser's parser, reported where it is written.

What an untrusted page may hold is listed here once: its elements (`TAGS`), their attributes
(`ATTRIBUTES`, and `data-` ones on any element), the style properties an attribute may set
(`STYLES`) and the addresses a link or image may have (`_SCHEMES`, relative ones, and an image's own
`data:image/...`). Three parts use that one list:

- `clean` sanitises a rendered page (which the site shows and every other edition is made from)
  with ammonia (`nh3`), which parses the page as a browser does (html5ever, the HTML5 parsing
  algorithm), so markup a browser would read differently from how it is written (mutation XSS:
  `<math><mtext><table><mglyph><style><img onerror=...>`) is judged as the browser reads it;
  anything not listed goes, and what scripts or styles hold goes with it;
- `scan` finds in a chapter's Markdown what `clean` will leave out, with its line and column, so
  each is reported where the author wrote it (`presswork check --untrusted` and the build's warnings);
- `svg` cleans an SVG file of the book's own (for the site and every edition): no script, no
  `<foreignObject>`, no event handler, no link out of the drawing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from lxml import etree

_DRAWING = frozenset({"svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan", "defs"})
_XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
# Elements an untrusted page keeps. Others go, their text kept, except those in `EMPTIED`.
TAGS = frozenset(nh3.ALLOWED_TAGS | {
    "big", "caption", "font", "input", "label", "main", "section", "tfoot",  # what Markdown extensions and authors write
    "video", "audio", "source", "track", "picture",  # media, on the site only (`pipeline.rendering.markup`)
} | _DRAWING)  # fmt: skip
# Elements that go with everything they hold: what they hold is code, or text nobody reads as such.
EMPTIED = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed", "noframes",
    "template", "xmp", "textarea", "select", "title", "math", "form", "button", "base", "meta", "link",
})  # fmt: skip
_EVERYWHERE = {"class", "id", "title", "lang", "dir", "role", "style", "align", "hidden", "aria-label", "aria-hidden"}
ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": {"href", "hreflang", "name", "target", "rel", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "input": {"type", "checked", "disabled", "name"},
    "label": {"for"},
    "table": {"border", "cellpadding", "cellspacing", "width", "summary"},
    "td": {"colspan", "rowspan", "headers", "valign", "width", "height", "bgcolor"},
    "th": {"colspan", "rowspan", "headers", "scope", "valign", "width", "height", "bgcolor"},
    "tr": {"valign", "bgcolor"}, "col": {"span", "width"}, "colgroup": {"span", "width"},
    "ol": {"start", "type", "reversed"}, "ul": {"type"}, "li": {"value"},
    "details": {"open"}, "font": {"color", "size", "face"}, "time": {"datetime"}, "data": {"value"},
    "abbr": set(), "q": {"cite"}, "blockquote": {"cite"}, "ins": {"cite", "datetime"}, "del": {"cite", "datetime"},
    "video": {"src", "controls", "width", "height", "poster", "loop", "muted", "playsinline", "preload"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "source": {"src", "type", "media"}, "track": {"src", "kind", "srclang", "label", "default"},
    "hr": {"size", "width"}, "p": set(), "div": set(), "span": set(), "pre": set(), "code": set(),
    **{tag: {"viewBox", "xmlns", "width", "height", "fill", "stroke", "stroke-width", "fill-rule", "clip-rule", "opacity",
             "transform", "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "dx", "dy", "points",
             "font-size", "text-anchor"}
       for tag in _DRAWING},
}  # fmt: skip
_PREFIXES = {"data-"}  # not `aria-`: those naming other elements must find them, in every edition
# What `style` may set: how text and boxes look, nothing that loads a file (no `url()`-taking property).
STYLES = frozenset({
    "color", "background-color", "text-align", "vertical-align", "text-decoration", "text-transform", "font-weight",
    "font-style", "font-size", "font-family", "font-variant", "line-height", "white-space", "width", "height",
    "max-width", "min-width", "max-height", "min-height", "margin", "margin-top", "margin-right", "margin-bottom",
    "margin-left", "padding", "padding-top", "padding-right", "padding-bottom", "padding-left", "border", "border-top",
    "border-right", "border-bottom", "border-left", "border-color", "border-style", "border-width", "border-collapse",
    "border-radius", "float", "clear", "display", "list-style-type", "opacity",
})  # fmt: skip
_SCHEMES = {"http", "https", "mailto", "tel", "data"}  # `data:`: an image's own, see `_value`
_INPUT_TYPES = {"checkbox", "radio"}  # task lists and tabbed content
_SAFE_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]+")
_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "formaction", "background", "xlink:href", "lowsrc", "dynsrc"})
# Files of the docs folder an untrusted site leaves out: pages and scripts of the content's own.
SCRIPT_FILES = frozenset({".html", ".htm", ".xhtml", ".js", ".mjs"})


def _value(tag: str, name: str, value: str) -> str | None:
    """The attribute's value as it stays, or None when it goes (ammonia has judged the name and the scheme)."""
    if name == "type" and tag == "input" and value.lower() not in _INPUT_TYPES:
        return None
    if name == "style":
        return style(value) or None
    if name == "id" and tag in _DRAWING and not _XML_NAME.match(value):
        return None  # a drawing is XML wherever an edition keeps it as a file of its own (the EPUB)
    if name in _URL_ATTRIBUTES and _CONTROL.sub("", html.unescape(value)).lower().startswith("data:"):
        return value if tag == "img" and name == "src" and _SAFE_DATA.match(_CONTROL.sub("", value)) else None
    return value


_DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*([#\w\s.,%+!'\"/-]*|(?:rgba?|hsla?)\([\d\s.,%/]*\))\s*$", re.IGNORECASE)


def style(value: str) -> str:
    """A `style` attribute's declarations that stay: a property of `STYLES` with a plain value (words,
    numbers, colours; no `url()`, no braces, no escapes), in the form every edition's CSS reads."""
    kept = []
    for declaration in html.unescape(value).split(";"):
        match = _DECLARATION.match(declaration)
        if match and match.group(1).lower() in STYLES and "expression" not in match.group(2).lower():
            kept.append(f"{match.group(1).lower()}: {match.group(2).strip()}")
    return "; ".join(kept)


_CLEANER = nh3.Cleaner(
    tags=set(TAGS), clean_content_tags=set(EMPTIED), attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    generic_attribute_prefixes=_PREFIXES, url_schemes=_SCHEMES, link_rel=None, strip_comments=True,
    attribute_filter=_value,
)  # fmt: skip


def clean(text: str) -> str:
    """`text` (a rendered page's HTML) with everything not on the list left out."""
    return _CLEANER.clean(text)


_LOWERED = {tag: {name.lower() for name in names} for tag, names in ATTRIBUTES.items()}  # as Markdown's raw HTML spells them (`viewbox`)


def kept_tag(tag: str) -> bool:
    return tag.lower() in TAGS


def kept_attribute(tag: str, name: str, value: str | None) -> bool:
    """Whether `clean` keeps the attribute `name="value"` on a `tag` it keeps."""
    tag, name = tag.lower(), name.lower()
    if not (name in _EVERYWHERE or name in _LOWERED.get(tag, ()) or any(name.startswith(p) for p in _PREFIXES)):
        return False
    if value is None:
        return True
    plain = _CONTROL.sub("", html.unescape(value)).lower()
    if name in _URL_ATTRIBUTES:
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", plain)
        if scheme and scheme.group(1) not in _SCHEMES:
            return False
    return _value(tag, name, value) is not None


# --- finding them in the Markdown -------------------------------------------------------------


@dataclass(frozen=True)
class Unsafe:
    """Something an untrusted run leaves out, where the chapter's Markdown has it (in its text)."""

    offset: int  # in the chapter's text
    length: int
    what: str  # "a <script> element", "the event handler 'onclick'", ...


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*$")
_CODE_SPAN = re.compile(r"(`+)((?:(?!\n[ \t]*\n).)+?)\1", re.DOTALL)  # within a paragraph
_COMMENT = re.compile(r"<!--(?:>|->|.*?-->|.*\Z)", re.DOTALL)  # as a browser ends one
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9.-]+)>")
_BLOCK_START = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)")
_BLOCK_TAGS = frozenset(markdown.Markdown().block_level_elements)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>]+))?""")
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_MARKDOWN_URL = re.compile(r"\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SPACE = " \t\n\f\r"


def scan(text: str) -> list[Unsafe]:
    """Everything in a chapter's Markdown that an untrusted run leaves out, in order."""
    found: list[Unsafe] = []
    plain = _masked(text)
    for name, start, end, attributes in _tags(plain):
        if _AUTOLINK.fullmatch(plain, start, end):
            continue
        if not kept_tag(name):
            found.append(Unsafe(start, end - start, f"a <{name}> element"))
            continue
        for attribute, value, begin, finish in attributes:
            if attribute.lower() == "markdown":
                continue  # md_in_html's: Python-Markdown reads it and leaves it out itself
            if not kept_attribute(name, attribute, value):
                found.append(Unsafe(begin, finish - begin, _what(attribute, value)))
    for match in _ATTR_LIST.finditer(plain):
        found.extend(_listed(match.group(1), match.start(1)))
    for match in _MARKDOWN_URL.finditer(plain):
        group = 1 if match.group(1) is not None else 2
        if not kept_attribute("a", "href", match.group(group)):
            found.append(Unsafe(match.start(group), len(match.group(group)), "a script URL"))
    return sorted(set(found), key=lambda unsafe: unsafe.offset)


def _masked(text: str) -> str:
    """`text` with what is no HTML blanked out, lines kept: fenced code, code spans (not in a raw
    HTML block, where Markdown reads no backticks) and comments."""
    masked = list(text)
    offset = 0
    fence: str | None = None
    raw = False  # in a raw HTML block: from a line opening a block-level element after a blank one, to a blank line
    blank = True
    blocks = []
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            _mask(masked, offset, len(line))
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
                fence = None
            _mask(masked, offset, len(line))
        else:
            opening = _BLOCK_START.match(line)
            raw = bool(line.strip()) and (raw or bool(blank and opening and opening.group(1).lower() in _BLOCK_TAGS))
            if raw:
                blocks.append((offset, offset + len(line)))
        blank = not line.strip()
        offset += len(line) + 1
    plain = "".join(masked)
    for match in _CODE_SPAN.finditer(plain):
        if not any(start <= match.start() < end for start, end in blocks):
            _mask(masked, match.start(), match.end() - match.start())
    plain = "".join(masked)
    for match in _COMMENT.finditer(plain):
        _mask(masked, match.start(), match.end() - match.start())
    return "".join(masked)


def _tags(text: str):
    """Each start tag in `text` as a browser's tokenizer reads it (HTML5's tag states): its name,
    where it begins and ends, and its attributes (name, value or None, where each begins and ends).
    A tag that never ends is none (Markdown leaves it as text)."""
    size = len(text)
    at = text.find("<")
    while 0 <= at < size - 1:
        if not (text[at + 1].isascii() and text[at + 1].isalpha()):
            at = text.find("<", at + 1)
            continue
        end = at + 1
        while end < size and text[end] not in _SPACE + "/>":
            end += 1
        name, attributes = text[at + 1 : end].lower(), []
        while True:
            while end < size and text[end] in _SPACE + "/":
                end += 1
            if end >= size or text[end] == ">":
                break
            begin, end = end, end + 1  # a name may begin with `=`
            while end < size and text[end] not in _SPACE + "/>=":
                end += 1
            attribute, value, after = text[begin:end], None, end
            while after < size and text[after] in _SPACE:
                after += 1
            if after < size and text[after] == "=":
                after += 1
                while after < size and text[after] in _SPACE:
                    after += 1
                if after < size and text[after] in "\"'":
                    close = text.find(text[after], after + 1)
                    if close < 0:
                        end = size
                        break
                    value, end = text[after + 1 : close], close + 1
                else:
                    end = after
                    while end < size and text[end] not in _SPACE + ">":
                        end += 1
                    value = text[after:end]
            attributes.append((attribute, value, begin, end))
        if end >= size:
            at = text.find("<", at + 1)
            continue
        yield name, at, end + 1, attributes
        at = text.find("<", end + 1)


def _listed(text: str, start: int) -> list[Unsafe]:
    """What goes of an attribute list (`{: onclick=... }`) that would run or load something: its
    element is not known here, and braces are also TeX's (`\\sum_{i=1}`) and Critic Markup's, so an
    attribute no element keeps is reported only when it is a handler, a script URL or a style."""
    found = []
    for match in _ATTRIBUTE.finditer(text):
        name, value = match.group(1), match.group(2)
        value = value[1:-1] if value and value[0] in "\"'" else value
        if name.startswith((".", "#")) or "=" not in match.group(0):
            continue  # `.class`, `#id`
        what = _what(name, value)
        if what.startswith("the attribute "):
            continue
        if not any(kept_attribute(tag, name, value) for tag in ATTRIBUTES):
            found.append(Unsafe(start + match.start(), len(match.group(0)), what))
    return found


def _what(name: str, value: str | None) -> str:
    plain = _CONTROL.sub("", html.unescape(value or "")).lower()
    if name.lower().startswith("on"):
        return f"the event handler '{name}'"
    if name.lower() == "style":
        return "a style other than plain colours, sizes, spacing and alignment"
    if re.match(r"^[a-z][a-z0-9+.-]*:", plain) and not plain.startswith(("http:", "https:", "mailto:", "tel:")):
        return f"a script URL in '{name}'"
    return f"the attribute '{name}'"


def _mask(chars: list[str], start: int, length: int) -> None:
    for index in range(start, min(start + length, len(chars))):
        if chars[index] != "\n":
            chars[index] = " "


# --- SVG files --------------------------------------------------------------------------------

_SVG = "http://www.w3.org/2000/svg"
_ACTIVE = frozenset({"script", "foreignObject", "handler", "listener", "iframe", "embed", "object"})
_ANIMATING = frozenset({"set", "animate", "animateTransform", "animateMotion"})
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def svg(data: bytes) -> tuple[bytes, list[str]]:
    """An SVG file of the book's without what would run or load something (the file as it was when
    nothing is), and what was left out. Entities are not expanded, nor anything fetched."""
    try:
        root = etree.fromstring(data, _XML)
    except etree.XMLSyntaxError:
        return data, []  # no drawing: refused where a chapter shows it (`pipeline.rendering.images`)
    dropped: list[str] = []
    _clean_element(root, dropped)
    if not dropped:
        return data, []
    return etree.tostring(root, encoding="utf-8", xml_declaration=True), dropped


def drawings(docs: Path) -> list[tuple[Path, list[str]]]:
    """Each SVG file of the docs folder that an untrusted run publishes without something, and what."""
    found = []
    for path in sorted(docs.rglob("*")):
        if path.suffix.lower() == ".svg" and path.is_file():
            dropped = svg(path.read_bytes())[1]
            if dropped:
                found.append((path, dropped))
    return found


def _clean_element(element, dropped: list[str]) -> None:
    for attribute, value in list(element.attrib.items()):
        name = etree.QName(attribute).localname
        if name.lower().startswith("on"):
            del element.attrib[attribute]
            dropped.append(f"the event handler '{name}'")
        elif name == "href" and not _local(value):
            del element.attrib[attribute]
            dropped.append(f"a link to '{value[:40]}'")
    for child in list(element):
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        qualified = etree.QName(child)
        animated = (child.get("attributeName") or "").lower()
        if qualified.namespace not in (_SVG, None):
            element.remove(child)  # another vocabulary's (XHTML, an editor's metadata): it draws nothing
        elif qualified.localname in _ACTIVE or (
            qualified.localname in _ANIMATING and (animated.endswith("href") or animated.startswith("on"))
        ):
            element.remove(child)
            dropped.append(f"a <{qualified.localname}> element")
        else:
            _clean_element(child, dropped)


def _local(value: str) -> bool:
    """Whether an address inside an SVG stays inside it: a fragment, a relative path, a picture of its own."""
    plain = _CONTROL.sub("", html.unescape(value)).lower()
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", plain)
    return scheme is None and not plain.startswith("//") or bool(_SAFE_DATA.match(plain))
