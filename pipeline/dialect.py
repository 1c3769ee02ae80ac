"""The one Markdown dialect: what mkdocs.yml configures for the site, made readable for pandoc.

Two things differ between Python-Markdown and pandoc's reader and are settled here:

- admonitions (`!!! note "Title"` with a body indented by four spaces) are plain paragraphs to
  pandoc, so they are rewritten as `<div class="admonition note" data-title="Title">` blocks;
- heading ids are made by MkDocs' own `toc` slugify (ASCII, accents folded), never by pandoc's.
"""

from __future__ import annotations

import html
import re

from markdown.extensions.toc import slugify as _toc_slugify

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_ADMONITION = re.compile(r'^(\s*)!!!\s*([\w-]+)((?:\s+[\w-]+)*)\s*(?:"(.*?)")?\s*$')


def slugify(text: str) -> str:
    """The id MkDocs' `toc` extension gives a heading with this text."""
    return _toc_slugify(text, "-")


def unique(identifier: str, used: set[str]) -> str:
    """Make `identifier` unique among `used` the way `toc` does (`id`, `id_1`, `id_2`, ...)."""
    candidate = identifier or "_"
    count = 0
    while candidate in used or not candidate:
        count += 1
        candidate = f"{identifier}_{count}"
    used.add(candidate)
    return candidate


def title_of(kind: str) -> str:
    """The title an admonition gets when none is written: its type, capitalised."""
    return kind.replace("-", " ").capitalize()


def for_pandoc(text: str) -> str:
    """Rewrite the site's Markdown so pandoc's reader sees the same structure."""
    return "\n".join(_translate(text.split("\n")))


def _translate(lines: list[str]) -> list[str]:
    out: list[str] = []
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(2)[0] == fence[0] and len(match.group(2)) >= len(fence):
                fence = None
            out.append(line)
            index += 1
            continue
        if match:
            fence = match.group(2)
            out.append(line)
            index += 1
            continue
        admonition = _ADMONITION.match(line)
        if admonition is None:
            out.append(line)
            index += 1
            continue
        indent, kind, extra, title = admonition.groups()
        classes = " ".join(["admonition", kind.lower(), *extra.split()])
        body, index = _indented_body(lines, index + 1, len(indent) + 4)
        shown = title_of(kind) if title is None else title
        out.append(f'{indent}<div class="{html.escape(classes)}" data-title="{html.escape(shown)}">')
        out.append("")
        out.extend(f"{indent}{body_line}" if body_line else "" for body_line in _translate(body))
        out.append("")
        out.append(f"{indent}</div>")
        out.append("")
    return out


def _indented_body(lines: list[str], start: int, width: int) -> tuple[list[str], int]:
    """The lines indented by at least `width` columns (blank lines included), dedented."""
    body: list[str] = []
    index = start
    while index < len(lines):
        line = lines[index].expandtabs(4)
        if line.strip() == "":
            body.append("")
        elif len(line) - len(line.lstrip(" ")) >= width:
            body.append(line[width:])
        else:
            break
        index += 1
    while body and body[-1] == "":
        body.pop()
        index -= 1
    return body, index
