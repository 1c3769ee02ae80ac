"""What makes a chapter hard to read without sight, or with low vision, found where it is written.

Each rule is a finding of the `accessibility` engine at the exact place in the source, levelled
like any other (`check.rules: {vague-link-text: error}`, or `off`):

- `image-no-alt`: an image with no alternative text (`![](bird.png)`, `<img>` with no `alt`);
- `image-alt-file-name`: alternative text that is only the picture's file name;
- `diagram-no-alt`: a Mermaid diagram with neither `accTitle` nor `accDescr`, which every edition
  uses as the picture's alternative text;
- `heading-skipped`: a heading more than one level below the one before it (`##` then `####`);
- `vague-link-text`: a link whose text says nothing of where it goes ("here", "read more");
- `url-link-text`: a bare URL as the text a reader hears;
- `table-no-header`: a table whose header row is empty;
- `low-contrast`: a color in a `style`, `color` or `bgcolor` attribute (raw HTML, attribute lists) below WCAG 2.1 AA's 4.5:1 against its background;
- `language-not-marked`: words in a script the chapter's language is not written in (Cyrillic in an
  English chapter, Latin excepted), outside any element that says its language (`<span lang="ru">`,
  `*слово*{ lang=ru }`, a block's `{: lang=ru }`), which a screen reader would speak as the chapter's.
"""

from __future__ import annotations

import posixpath
import re

from pipeline.checks import scripts
from pipeline.checks.findings import Finding, at
from pipeline.checks.inline import cells
from pipeline.checks.prose import Prose
from pipeline.checks.reading import Reading

ENGINE = "accessibility"
RULES = (
    "image-no-alt", "image-alt-file-name", "diagram-no-alt", "heading-skipped", "vague-link-text", "url-link-text",
    "table-no-header", "low-contrast", "language-not-marked",
)  # fmt: skip
# Link texts that say nothing of where a link goes, in the languages a book is most often written in.
VAGUE = {
    "here", "click here", "this", "this link", "this page", "link", "more", "read more", "learn more", "click", "go", "details",
    "ici", "cliquez ici", "ce lien", "lien", "plus", "en savoir plus",
    "hier", "hier klicken", "klicken sie hier", "dieser link", "mehr", "weiterlesen",
    "aquí", "haga clic aquí", "haz clic aquí", "este enlace", "más",
    "aqui", "clique aqui", "este link", "qui", "clicca qui", "questo link",
}  # fmt: skip
_ACCESSIBLE = re.compile(r"^\s*acc(?:Title|Descr)\s*[:{]", re.MULTILINE)  # Mermaid's accessible title and description
_PICTURE = re.compile(r"^[\w\s.-]+\.(?:png|jpe?g|gif|svg|webp|avif|bmp|tiff?)$", re.IGNORECASE)
_URL_TEXT = re.compile(r"^(?:(?:https?|ftp)://|www\.)\S+$", re.IGNORECASE)
_MARKUP = re.compile(r"[*_`~=^]+|\{[^}]*\}")
_DECLARATION = re.compile(r"(?:^|;)\s*(color|background-color|background)\s*:\s*([^;]+)", re.IGNORECASE)
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})\b", re.IGNORECASE)
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})", re.IGNORECASE)
_NAMED = {
    "black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255),
    "yellow": (255, 255, 0), "orange": (255, 165, 0), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "lightgray": (211, 211, 211), "lightgrey": (211, 211, 211), "purple": (128, 0, 128),
    "pink": (255, 192, 203), "lime": (0, 255, 0), "cyan": (0, 255, 255), "aqua": (0, 255, 255), "magenta": (255, 0, 255),
    "navy": (0, 0, 128), "maroon": (128, 0, 0), "olive": (128, 128, 0), "teal": (0, 128, 128), "gold": (255, 215, 0),
}  # fmt: skip
PAGE = (255, 255, 255)  # the page a color without a background of its own is read on
TEXT = (0, 0, 0)  # the text a background without a color of its own is under
AA = 4.5  # WCAG 2.1 AA, success criterion 1.4.3, for text of ordinary size


class Accessibility:
    step = "accessibility"

    def wanted(self, reading: Reading) -> bool:
        return True

    def check(self, reading: Reading, note: dict[str, str]) -> list[Finding]:
        return check(reading.proses, reading.selected, reading.language)


CHECKER = Accessibility()


def check(proses: dict[str, Prose], selected: list[str], language: str = "en") -> list[Finding]:
    """The accessibility findings of the chapters named in `selected`, of a book in `language`."""
    findings: list[Finding] = []
    for name in selected:
        prose = proses[name]
        findings += _images(prose) + _diagrams(prose) + _headings(prose) + _links(prose) + _tables(prose) + _contrast(prose)
        findings += _languages(prose, language)
    return findings


def _images(prose: Prose) -> list[Finding]:
    findings = []
    for reference in prose.references:
        if reference.kind not in ("image", "html-image"):
            continue
        text = (reference.text or "").strip()
        if reference.text is None or (reference.kind == "image" and not text):
            message = (
                "this image has no alternative text, so a reader who cannot see it is told nothing: "
                + ("describe what it shows in an alt attribute (alt=\"\" if it is only decoration)" if reference.kind == "html-image" else "describe what it shows between the brackets")
            )  # fmt: skip
            findings.append(_finding(prose, reference.text_span, "image-no-alt", message))
        elif _is_file_name(text, reference.target):
            message = f"the alternative text '{text}' is the picture's file name, which tells a reader nothing: describe what it shows"
            findings.append(_finding(prose, reference.text_span, "image-alt-file-name", message))
    return findings


def _diagrams(prose: Prose) -> list[Finding]:
    findings = []
    for diagram in prose.diagrams:
        if not _ACCESSIBLE.search(diagram.text):
            message = (
                "this diagram has no text alternative, so a reader who cannot see it is told nothing: add an 'accTitle:' "
                "and an 'accDescr:' line saying what it shows (every edition gives them as the picture's alternative text)"
            )
            fence = prose.chapter.text[diagram.offset :].split("\n", 1)[0]
            findings.append(
                _finding(
                    prose,
                    (diagram.offset + len(fence) - len(fence.lstrip()), diagram.offset + len(fence.rstrip())),
                    "diagram-no-alt",
                    message,
                )
            )
    return findings


def _is_file_name(text: str, target: str) -> bool:
    name = posixpath.basename(target.split("#", 1)[0].split("?", 1)[0])
    return bool(_PICTURE.match(text)) or (bool(name) and text.lower() in (name.lower(), posixpath.splitext(name)[0].lower()))


def _headings(prose: Prose) -> list[Finding]:
    findings, previous = [], 1  # a page's title is its first level; a chapter may begin at the second
    for heading in sorted(prose.headings + prose.html_headings, key=lambda heading: heading.offset):
        if heading.level > previous + 1:
            written = f"<h{previous + 1}>" if heading in prose.html_headings else "#" * (previous + 1)
            message = (
                f"a level-{heading.level} heading after a level-{previous} one skips level {previous + 1}, so a reader moving "
                f"through the headings finds a gap: make it {written} (or add the heading it belongs under)"
            )
            end = heading.offset + max(len(heading.text), 1)
            findings.append(_finding(prose, (heading.offset, end), "heading-skipped", message))
        previous = heading.level
    return findings


def _links(prose: Prose) -> list[Finding]:
    findings = []
    texts = [r.text_span for r in prose.references if r.kind == "link" and r.text]
    for reference in prose.references:
        if reference.kind not in ("link", "url") or reference.text is None:
            continue
        if reference.kind == "url" and any(a <= reference.text_span[0] < b for a, b in texts):
            continue  # a URL inside a link's text: the link's text is what is judged
        text = " ".join(_MARKUP.sub("", reference.text).split())
        if reference.kind == "url" or _URL_TEXT.match(text) or (text and text == reference.target and "/" in text):
            message = (
                "a bare URL as the text of a link is spelt out to a reader, and says nothing of where it goes: "
                "write what is there as the link's text ([the project's site](https://...))"
            )
            findings.append(_finding(prose, reference.text_span, "url-link-text", message))
        elif text.lower().rstrip(".:!…") in VAGUE:
            message = (
                f"the link's text '{text}' says nothing of where it goes, and a reader going through the page's links hears "
                "only that: make the words say it ([the installation guide](...))"
            )
            findings.append(_finding(prose, reference.text_span, "vague-link-text", message))
    return findings


def _tables(prose: Prose) -> list[Finding]:
    findings = []
    for row in prose.tables:
        texts = [row.text[start:end] for start, end in cells(row.text)]
        if texts and not any(_MARKUP.sub("", text).strip() for text in texts):
            message = "this table's header row is empty, so a reader cannot be told which column a cell is in: give each column a heading"
            findings.append(_finding(prose, (row.offset, row.offset + len(row.text.rstrip())), "table-no-header", message))
    return findings


def _contrast(prose: Prose) -> list[Finding]:
    findings = []
    for style, start, end in prose.styles:
        colors = {}
        for declaration in _DECLARATION.finditer(style):
            color = _color(declaration.group(2))
            if color is not None:
                colors["color" if declaration.group(1).lower() == "color" else "background"] = color
        if not colors:
            continue
        foreground, background = colors.get("color", TEXT), colors.get("background", PAGE)
        ratio = _ratio(foreground, background)
        if ratio < AA:
            message = (
                f"the text color {_hex(foreground)} on {_hex(background)} has a contrast of {ratio:.1f}:1, under the {AA}:1 "
                "that WCAG 2.1 AA asks of text: choose colors further apart"
            )
            findings.append(_finding(prose, (start, end), "low-contrast", message))
    return findings


def _languages(prose: Prose, book_language: str) -> list[Finding]:
    findings = []
    for run in scripts.unmarked(prose, book_language):
        message = (
            f"'{run.text}' is in {run.script} script, not {run.language_name}, and no element says its language: mark it, "
            f'as <span lang="{run.guess}">{run.text}</span> (with its own language tag), so that a screen reader speaks it in its language'
        )
        findings.append(_finding(prose, run.span, "language-not-marked", message))
    return findings


def _color(value: str) -> tuple[int, int, int] | None:
    value = value.strip().lower()
    found = _HEX.search(value)
    if found:
        digits = found.group(1)
        digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    found = _RGB.search(value)
    if found:
        return tuple(min(255, int(part)) for part in found.groups())  # type: ignore[return-value]
    return _NAMED.get(value.split()[0] if value else "")


def _ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1's contrast ratio of two sRGB colors."""
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _hex(color: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{v:02x}" for v in color)


def _finding(prose: Prose, span: tuple[int, int], rule: str, message: str) -> Finding:
    return at(prose, span[0], span[1], "warning", ENGINE, rule, message)
