"""Prose extraction: a chapter's Markdown as the paragraphs an engine reads, with a source map.

Each chapter is read once. Blocks are found line by line (fenced and indented code, display math,
HTML blocks and comments, link definitions, front matter, file includes and API directives such as
`::: package.Name` are skipped); containers (lists, block quotes, admonitions, footnotes, definition
lists) are read again with their prefix taken off; each paragraph, heading, table cell and admonition
title becomes a `Unit` whose every character maps back to its offset in the chapter, so a finding
lands on the exact line and column of the source. The code skipped, blocks and inline, is kept as
written (`Prose.code`): the names it writes are the book's own words (`pipeline.checks.names`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markdown.extensions.toc import slugify as _toc_slugify
from markdown.util import BLOCK_LEVEL_ELEMENTS

from pipeline.checks import inline
from pipeline.checks.inline import PLACEHOLDER_OFFSET, Code, Reference, cells
from pipeline.configuration import entries
from pipeline.errors import ContentError
from pipeline.rendering import tree
from pipeline.sources.manuscript import Chapter

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MERMAID = re.compile(r"^ {0,3}(?:`{3,}|~{3,})\s*\{?\s*\.?mermaid\b")  # a Mermaid diagram's fence (superfences' custom fence)
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_ADMONITION = re.compile(r'^(!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+[\w-]+)*[ \t]*(?:"(.*)")?[ \t]*$')
_TAB = re.compile(r'^===(!?\+?|\+?!?)[ \t]+"(.*)"[ \t]*$')  # pymdownx.tabbed: `=== "Label"`, `===! "New set"`
_QUOTE = re.compile(r"^ {0,3}> ?")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*")
_DEFINITION = re.compile(r"^ {0,3}:[ \t]+")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$")
_TABLE_RULE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_TAG_OR_END = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s+[^<>]*?)?\s*/?>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HTML_BLOCK = re.compile(r"^ {0,3}</?([A-Za-z][A-Za-z0-9]*)[\s/>]")
_ATTR_LINE = re.compile(r"^ {0,3}\{:?[^}]*\}\s*$")
_COMMENT_START = re.compile(r"^ {0,3}<!--")
_DIRECTIVE = re.compile(r"^:::[ \t]+([\w.:-]+)[ \t]*$")  # mkdocstrings' and mkautodoc's `::: package.Name`: the API named
_INCLUDE = re.compile(r"^ {0,3}\{([!*])[ \t].*[ \t]\1\}[ \t]*$")  # mdx_include's `{! file !}`, and `{* file ln[1:8] *}` of code


@dataclass(frozen=True)
class Line:
    text: str
    offset: int  # where `text` starts in the chapter's text


@dataclass(frozen=True)
class Heading(Line):
    level: int = 1  # 1 to 6, as `#`s (or a setext underline) say


@dataclass(frozen=True)
class Unit:
    """One paragraph (or heading, cell, title) of prose, as the engines read it."""

    text: str
    offsets: tuple[int, ...]  # the chapter offset of each character; -1 for placeholder characters
    kind: str = "paragraph"  # paragraph, item (of a list), heading, cell, title
    language: str | None = None
    code: tuple[Code, ...] = ()  # its inline code and math, at their placeholders


@dataclass(frozen=True)
class Block:
    """Code as the chapter writes it: a code block, inline code, or the API a directive names."""

    text: str
    kind: str  # "block", "inline" or "directive"
    info: str = ""  # a fenced block's opening line (```` ```python ````)


@dataclass(frozen=True)
class Dialect:
    """What of the configuration decides the ids a page has on the site and the link definitions it
    can use: read once from `mkdocs.yml` (`dialect`), the same for every chapter."""

    slugify: Callable = _toc_slugify  # toc's: heading ids
    tab_slugify: Callable | None = None  # pymdownx.tabbed's, if set: tab ids made from labels (else `__tabbed_1_1`)
    combine_header_slug: bool = False  # tab ids prefixed with their heading's
    footnote_separator: str | None = None  # `footnotes`' (`fn:1`, `fnref:1`), if the extension is on
    symbols: bool = False  # pymdownx.smartsymbols: `-->` is read as an arrow
    appended: tuple[tuple[str, str], ...] = ()  # link definitions `pymdownx.snippets` appends to every page


@dataclass(frozen=True)
class Tab:
    """A content tab's label, where it is written, and what decides its id."""

    label: str
    offset: int
    headings: int  # how many headings come before it
    number: tuple[int, int]  # its set and its place in the set, counted as pymdownx.tabbed counts them


@dataclass
class Prose:
    """Everything the checks need from one chapter."""

    chapter: Chapter
    units: list[Unit] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)  # heading and anchor ids, with their offsets
    footnotes: dict[str, int] = field(default_factory=dict)  # footnote definitions: label -> offset
    definitions: dict[str, str] = field(default_factory=dict)  # link definitions: label -> URL
    comments: list[tuple[str, int]] = field(default_factory=list)  # HTML comments: (content, offset)
    headings: list[Heading] = field(default_factory=list)
    html_headings: list[Heading] = field(default_factory=list)  # `<h2>` ... in raw HTML blocks (no toc id of their own)
    tables: list[Line] = field(default_factory=list)  # each table's header row
    diagrams: list[Line] = field(default_factory=list)  # each Mermaid diagram's source, at its opening fence
    styles: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # colours raw HTML and attribute lists give (`style`, `color`, `bgcolor`): (CSS, start, end)
    tabs: list[Tab] = field(default_factory=list)
    code: list[Block] = field(default_factory=list)  # every code block, inline code and API directive, in order
    generated: bool = False  # text its source does not hold (a file it includes, an API directive), with ids of its own
    _line_starts: list[int] = field(default_factory=list)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line (in the file) and column (in code points) of a chapter offset."""
        if not self._line_starts:
            self._line_starts = [0] + [i + 1 for i, c in enumerate(self.chapter.text) if c == "\n"]
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return self.chapter.body_line + index, offset - self._line_starts[index] + 1

    def span(self, unit: Unit, start: int, end: int) -> tuple[int, int, int, int] | None:
        """Where `unit.text[start:end]` is in the file, or None when it touches a placeholder."""
        offsets = unit.offsets[start:end]
        if not offsets or PLACEHOLDER_OFFSET in offsets:
            return None
        line, column = self.position(offsets[0])
        end_line, end_column = self.position(offsets[-1])
        return line, column, end_line, end_column + 1

    def source_line(self, line: int) -> str:
        lines = self.chapter.text.split("\n")
        index = line - self.chapter.body_line
        return lines[index] if 0 <= index < len(lines) else ""


def extract(chapter: Chapter, dialect: Dialect | None = None) -> Prose:
    """Read a chapter into units of prose and the references it makes; its ids (headings, tabs,
    footnotes, explicit `{#id}`s) are the ones the site gives them under `dialect` (MkDocs' defaults if None)."""
    dialect = dialect or Dialect()
    prose = Prose(chapter=chapter)
    lines, offset = [], 0
    for text in chapter.text.split("\n"):
        lines.append(Line(text, offset))
        offset += len(text) + 1
    try:
        _Blocks(prose, chapter.meta.get("lang"), dialect.symbols).read(lines)
    except RecursionError:
        raise ContentError(
            "lists, quotes or admonitions nest too deeply to be read", path=chapter.display, line=chapter.body_line,
            hint="nest them less deeply",
        ) from None  # fmt: skip
    prose.definitions.update(dialect.appended)  # appended after the page: they count over its own
    used: set[str] = {identifier for identifier, _ in prose.ids}
    headings = _heading_ids(prose.headings, used, dialect.slugify)
    prose.ids.extend((identifier, offset) for identifier, offset, made in headings if made)
    prose.ids.extend(_tab_ids(prose.tabs, [identifier for identifier, _, _ in headings], used, dialect))
    if dialect.footnote_separator is not None:
        separator = dialect.footnote_separator
        prose.ids.extend((f"fn{separator}{label}", offset) for label, offset in prose.footnotes.items())
        counts: dict[str, int] = {}
        for reference in prose.references:
            if reference.kind == "footnote":
                counts[reference.target] = counts.get(reference.target, 0) + 1
                number = "" if counts[reference.target] == 1 else str(counts[reference.target])
                prose.ids.append((f"fnref{number}{separator}{reference.target}", reference.offset))
    return prose


def dialect(settings) -> Dialect:
    """The `Dialect` of a book's configuration: the slugify functions it gives `toc` and
    `pymdownx.tabbed`, `footnotes`' separator, and the link definitions in the files that
    `pymdownx.snippets` appends to every page (`auto_append`, inside the book's folder)."""
    extensions = set(settings.mkdocs.markdown_extensions)
    configs = settings.mkdocs.mdx_configs
    toc = (configs.get("toc") or {}).get("slugify")
    tabbed = configs.get("pymdownx.tabbed") or {}
    footnotes = configs.get("footnotes") or {}
    return Dialect(
        slugify=toc if callable(toc) else _toc_slugify,
        tab_slugify=tabbed.get("slugify") if callable(tabbed.get("slugify")) else None,
        combine_header_slug=bool(tabbed.get("combine_header_slug")),
        footnote_separator=str(footnotes.get("SEPARATOR", ":")) if "footnotes" in extensions else None,
        appended=_appended(settings, "pymdownx.snippets" if "pymdownx.snippets" in extensions else "pipeline.rendering.snippets"),
        symbols="pymdownx.smartsymbols" in extensions,
    )  # fmt: skip


def _appended(settings, name: str) -> tuple[tuple[str, str], ...]:
    """The link definitions of the files snippets (`name`: PyMdown's, or an untrusted run's
    `pipeline.rendering.snippets`) appends to every page."""
    if name not in settings.mkdocs.markdown_extensions:
        return ()
    options = settings.mkdocs.mdx_configs.get(name) or {}
    root = Path(settings.root).resolve()
    found: dict[str, str] = {}
    for name in options.get("auto_append") or []:
        for _, base in entries.snippet_bases(options, root):
            path = (base / str(name)).resolve()
            if path.is_file() and path.is_relative_to(root):
                for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
                    definition = _LINK_DEFINITION.match(line)
                    if definition:
                        found.setdefault(label_key(definition.group(1)), definition.group(2))
                break
    return tuple(found.items())


def label_key(label: str) -> str:
    """A link reference's label as Markdown matches it: case and runs of white space do not count."""
    return " ".join(label.split()).lower()


class _Blocks:
    def __init__(self, prose: Prose, language: str | None, symbols: bool = False) -> None:
        self.prose = prose
        self.symbols = symbols
        self.language = str(language) if language else None
        self.tab_sets = 0

    def read(self, lines: list[Line], kind: str = "paragraph") -> None:
        """Read blocks; `kind` names what their paragraphs are: `paragraph`, or `item` in a list."""
        paragraph: list[Line] = []
        i = 0
        last_tab: Tab | None = None  # the tab just read at this level: the next one is in its set

        def flush() -> None:
            if paragraph:
                self.unit(paragraph, kind)
                paragraph.clear()

        while i < len(lines):
            line = lines[i]
            text = line.text
            stripped = text.strip()
            if not stripped:
                flush()
                i += 1
                continue
            tab = _TAB.match(text)
            if not tab:
                last_tab = None
            if stripped.startswith("--8<--") or _INCLUDE.match(
                text
            ):  # a snippet, which names a file: its text is checked in that file, if at all
                flush()
                self.prose.generated = True
                i = self._skip_until(lines, i, lambda t, first: not first and t.strip() == "--8<--") if stripped == "--8<--" else i + 1
                continue
            fence = _FENCE.match(text)
            if fence:
                flush()
                i = self._skip_fence(lines, i, fence.group(1))
                continue
            if stripped.startswith("$$"):
                flush()
                i = self._skip_until(lines, i, lambda t, first: t.rstrip().endswith("$$") and (not first or len(t.strip()) > 2))
                continue
            if _COMMENT_START.match(text):
                flush()
                i = self._comment(lines, i)
                continue
            directive = _DIRECTIVE.match(text)
            if directive and not paragraph:
                self.prose.code.append(Block(directive.group(1), "directive"))
                self.prose.generated = True
                i = self._skip_indented(lines, i + 1)  # its options, indented under it
                continue
            html = _HTML_BLOCK.match(text)
            if html and html.group(1).lower() in BLOCK_LEVEL_ELEMENTS and not paragraph:
                end = self._skip_until(lines, i, lambda t, first: False, blank_ends=True)
                self._colours(lines[i:end])
                self.prose.html_headings += [
                    Heading(line.text[tag.start() :], line.offset + tag.start(), level=int(tag.group(2)[1]))
                    for line in lines[i:end]
                    for tag in _TAG_OR_END.finditer(line.text)
                    if not tag.group(1) and re.fullmatch(r"[hH][1-6]", tag.group(2))
                ]
                i = end
                continue
            if len(text) - len(text.lstrip(" ")) >= 4 and not paragraph:
                i = self._skip_indented(lines, i)  # an indented code block
                continue
            if paragraph and _SETEXT.match(text) and not _ITEM.match(text):
                self.heading(paragraph, 1 if text.strip().startswith("=") else 2)
                paragraph.clear()
                i += 1
                continue
            if _RULE.match(text):
                flush()
                i += 1
                continue
            heading = _HEADING.match(text)
            if heading:
                flush()
                self.heading([Line(text[heading.end() :], line.offset + heading.end())], len(heading.group(1)))
                i += 1
                continue
            if tab:
                flush()
                start = text.index('"') + 1
                last_tab = self._tab(Line(tab.group(2), line.offset + start), None if "!" in tab.group(1) else last_tab)
                self.unit([Line(tab.group(2), line.offset + start)], "title")
                body, i = self._indented(lines, i + 1, 4)
                self.read(body)
                continue
            admonition = _ADMONITION.match(text.lstrip(" "))
            if admonition:
                flush()
                indent = len(text) - len(text.lstrip(" "))
                if admonition.group(2):
                    start = text.index('"', indent) + 1
                    self.unit([Line(admonition.group(2), line.offset + start)], "title")
                body, i = self._indented(lines, i + 1, 4)
                self.read(body)
                continue
            if _QUOTE.match(text):
                flush()
                body = []
                while i < len(lines) and lines[i].text.strip() and (_QUOTE.match(lines[i].text) or body):
                    prefix = _QUOTE.match(lines[i].text)
                    cut = prefix.end() if prefix else 0
                    body.append(Line(lines[i].text[cut:], lines[i].offset + cut))
                    i += 1
                self.read(body)
                continue
            footnote = _FOOTNOTE.match(text)
            if footnote:
                flush()
                self.prose.footnotes[footnote.group(1)] = line.offset + text.index(footnote.group(1))
                body, i = self._indented(lines, i + 1, 4)
                self.read([Line(text[footnote.end() :], line.offset + footnote.end()), *body])
                continue
            definition = _LINK_DEFINITION.match(text)
            if definition and not paragraph:
                self.prose.definitions[label_key(definition.group(1))] = definition.group(2)  # the last one counts, as in Python-Markdown
                start = line.offset + text.index(definition.group(2), definition.start(2))
                self.prose.references.append(Reference("definition", definition.group(2), start, len(definition.group(2))))
                i += 1
                continue
            item = _ITEM.match(text) or _DEFINITION.match(text)
            if item:
                flush()
                first = Line(text[item.end() :], line.offset + item.end())
                body, i = self._item_body(lines, i + 1)
                self.read([first, *body], "item")
                continue
            if "|" in text and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].text) and not paragraph:
                i = self._table(lines, i)
                continue
            if _ATTR_LINE.match(text) and not paragraph:
                self.unit([line], "attributes")
                i += 1
                continue
            paragraph.append(line)
            i += 1
        flush()

    # --- blocks that become units ------------------------------------------------------------

    def _tab(self, label: Line, previous: Tab | None) -> Tab:
        """A tab, in the set of `previous` (the tab just before it at its level) or first of a new set."""
        if previous is None:
            self.tab_sets += 1
        number = (previous.number[0], previous.number[1] + 1) if previous else (self.tab_sets, 1)
        tab = Tab(label.text, label.offset, len(self.prose.headings), number)
        self.prose.tabs.append(tab)
        return tab

    def heading(self, lines: list[Line], level: int) -> None:
        text = lines[0].text.rstrip()
        closing = re.search(r"[ \t]+#+[ \t]*$", text)
        if closing:
            text = text[: closing.start()]
        self.prose.headings.append(Heading(text, lines[0].offset, level))
        self.unit([Line(text, lines[0].offset)], "heading")

    def unit(self, lines: list[Line], kind: str) -> None:
        chars, offsets = [], []
        for index, line in enumerate(lines):
            if index:
                chars.append("\n")
                offsets.append(line.offset - 1)
            content = line.text.rstrip()  # a hard line break's trailing spaces are no text
            lead = len(content) - len(content.lstrip())
            chars.append(content[lead:])
            offsets.extend(range(line.offset + lead, line.offset + len(content)))
        result = inline.read("".join(chars), offsets, symbols=self.symbols)
        self.prose.references.extend(result.references)
        self.prose.comments.extend(result.comments)
        self.prose.styles.extend(result.styles)
        self.prose.code.extend(Block(code.text, "inline") for code in result.code if code.kind == "code")
        for reference in result.references:
            if reference.kind == "anchor":
                self.prose.ids.append((reference.target, reference.offset))
        text = "".join(result.text).replace("\n", " ")
        if kind == "heading":
            text = re.sub(r"\s+$", "", text)
        kept = list(result.offsets)
        while text and text[-1].isspace():
            text, kept = text[:-1], kept[:-1]
        if text.strip() and kind != "attributes":
            self.prose.units.append(Unit(text, tuple(kept), kind, self.language, tuple(c for c in result.code if c.end <= len(text))))

    # --- blocks that are skipped or read again -------------------------------------------------

    def _table(self, lines: list[Line], i: int) -> int:
        rows = [lines[i]]
        self.prose.tables.append(lines[i])
        i += 2  # the header row, then the rule under it
        while i < len(lines) and lines[i].text.strip() and "|" in lines[i].text:
            rows.append(lines[i])
            i += 1
        for row in rows:
            for start, end in cells(row.text):
                cell = row.text[start:end]
                lead = len(cell) - len(cell.lstrip())
                self.unit([Line(cell.strip(), row.offset + start + lead)], "cell")
        return i

    def _comment(self, lines: list[Line], i: int) -> int:
        start = lines[i]
        text = start.text[start.text.index("<!--") :]
        base = start.offset + start.text.index("<!--")
        j = i
        while "-->" not in text and j + 1 < len(lines):
            j += 1
            text += "\n" + lines[j].text
        match = inline._COMMENT.match(text)
        if match:
            self.prose.comments.append((match.group(1), base))
            rest = text[match.end() :]
            if rest.strip() and j == i:
                offset = base + match.end()
                self.read([Line(rest, offset)])
        return j + 1

    def _skip_fence(self, lines: list[Line], i: int, fence: str) -> int:
        info = lines[i].text
        start = i
        attributes = re.search(r"\{([^}]*)\}\s*$", info)  # superfences' `{ .sh #example }`: the code's id
        if attributes:
            unquoted = re.sub(r"\"[^\"]*\"|'[^']*'", lambda quoted: " " * len(quoted.group(0)), attributes.group(1))
            for found in re.finditer(r"(?:^|(?<=\s))#([\w-]+)", unquoted):
                self.prose.ids.append((found.group(1), lines[i].offset + attributes.start(1) + found.start(1)))
        i += 1
        while i < len(lines):
            match = _FENCE.match(lines[i].text)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not lines[i].text.strip().strip(fence[0]):
                break
            i += 1
        body = "\n".join(line.text for line in lines[start + 1 : i])
        if _MERMAID.match(info):
            self.prose.diagrams.append(Line(body, lines[start].offset))
        else:
            self.prose.code.append(Block(body, "block", info.strip()))
        return min(i + 1, len(lines))

    def _colours(self, lines: list[Line]) -> None:
        """The colours the tags of an HTML block give their elements (`style`, `color`, `bgcolor`), each
        read on the background of the element it is in (`<td bgcolor="#111"><font color="#222">`); an
        element that sets only a background is read with the default text unless one inside it sets a color."""
        open_: list[tuple[str, str, str, int | None]] = []  # (tag name, its background and color declarations, its entry in `found`)
        found: list[tuple[str, int, int] | None] = []
        for line in lines:
            for tag in _TAG_OR_END.finditer(line.text):
                name = tag.group(2).lower()
                if tag.group(1):  # an end tag: close up to its element
                    names = [entry[0] for entry in open_]
                    if name in names:
                        del open_[len(names) - 1 - names[::-1].index(name) :]
                    continue
                colours = inline.colours(tag.group(0))
                value = "; ".join(v for v, _, _ in colours)
                declarations = [d.strip() for d in value.split(";")]
                background = next((d for d in declarations if d.lower().startswith("background")), "")
                colour = next((d for d in declarations if d.lower().startswith("color")), "")
                index = None
                if background or colour:  # an element that sets neither is read as its parent is
                    if colour:
                        for _, _, _, outer in open_:
                            if outer is not None and found[outer] is not None and not _sets_colour(found[outer][0]):
                                found[outer] = None  # its text is this element's color, judged here
                    inherited = [
                        next((entry[place] for entry in reversed(open_) if entry[place]), "")
                        for place, own in ((1, background), (2, colour))
                        if not own
                    ]
                    index = len(found)
                    at = line.offset + tag.start()
                    found.append(("; ".join([*filter(None, inherited), value]), at + colours[0][1], at + colours[-1][2]))
                if not tag.group(0).endswith("/>") and name not in _VOID:
                    open_.append((name, background, colour, index))
        self.prose.styles.extend(entry for entry in found if entry is not None)

    def _skip_until(self, lines: list[Line], i: int, ends, blank_ends: bool = False) -> int:
        first = True
        while i < len(lines):
            text = lines[i].text
            if blank_ends and not text.strip():
                return i
            if ends(text, first):
                return i + 1
            first = False
            i += 1
        return i

    def _skip_indented(self, lines: list[Line], i: int) -> int:
        start = i
        while i < len(lines) and (not lines[i].text.strip() or lines[i].text.startswith("    ")):
            i += 1
        body = "\n".join(line.text[4:] for line in lines[start:i]).strip("\n")
        if body:
            self.prose.code.append(Block(body, "block"))
        return i

    def _indented(self, lines: list[Line], i: int, width: int) -> tuple[list[Line], int]:
        body: list[Line] = []
        while i < len(lines):
            text = lines[i].text.expandtabs(4) if "\t" in lines[i].text[:width] else lines[i].text
            if not text.strip():
                body.append(Line("", lines[i].offset))
            elif len(text) - len(text.lstrip(" ")) >= width:
                body.append(Line(text[width:], lines[i].offset + width))
            else:
                break
            i += 1
        while body and not body[-1].text:
            body.pop()
            i -= 1
        return body, i

    def _item_body(self, lines: list[Line], i: int) -> tuple[list[Line], int]:
        """The lines of a list item after its first: lazy continuations, then indented blocks."""
        body: list[Line] = []
        while i < len(lines) and lines[i].text.strip():
            text = lines[i].text
            if _ITEM.match(text) or _DEFINITION.match(text) or _FENCE.match(text) or _HEADING.match(text):
                if not text.startswith("    "):
                    return body, i
            cut = min(4, len(text) - len(text.lstrip(" ")))
            body.append(Line(text[cut:], lines[i].offset + cut))
            i += 1
        more, j = self._indented(lines, i, 4)
        if more:
            return [*body, Line("", lines[i].offset), *more], j
        return body, i


def _heading_ids(headings: list[Line], used: set[str], slugify) -> list[tuple[str, int, bool]]:
    """Each heading's id, made as MkDocs' toc makes it, and whether it is made (an explicit `{#id}`
    was collected already)."""
    ids = []
    for heading in headings:
        explicit = re.search(r"\{:?(?:[^}\"']|\"[^\"]*\"|'[^']*')*?(?<=[{\s:])#([\w-]+)[^}]*\}\s*$", heading.text)
        if explicit:
            ids.append((explicit.group(1), heading.offset, False))
            continue
        plain = inline.read(heading.text, list(range(heading.offset, heading.offset + len(heading.text))), code_as_text=True)
        text = "".join(plain.text).strip()
        ids.append((tree.unique_id(slugify(text, "-"), used), heading.offset, True))
    return ids


def _tab_ids(tabs: list[Tab], headings: list[str], used: set[str], dialect: Dialect) -> list[tuple[str, int]]:
    """Each content tab's id, as pymdownx.tabbed makes it: from its label when a slugify is set (after
    its heading's id with `combine_header_slug`), else from its place (`__tabbed_2_1`)."""
    ids = []
    for tab in tabs:
        if dialect.tab_slugify is None:
            ids.append((f"__tabbed_{tab.number[0]}_{tab.number[1]}", tab.offset))
            continue
        plain = inline.read(tab.label, list(range(tab.offset, tab.offset + len(tab.label))), code_as_text=True)
        slug = dialect.tab_slugify("".join(plain.text).strip(), "-")
        if dialect.combine_header_slug and tab.headings:
            slug = f"{headings[tab.headings - 1]}-{slug}"
        ids.append((tree.unique_id(slug, used), tab.offset))
    return ids


def _sets_colour(declarations: str) -> bool:
    return any(d.strip().lower().startswith("color") for d in declarations.split(";"))
