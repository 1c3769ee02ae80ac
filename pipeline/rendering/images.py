"""The book's images: each file checked once, wherever a chapter names it (Markdown or raw HTML), the cover,
and the SVG pictures written inside a page (icons, diagrams) made files of their own."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pipeline.errors import ConfigError, ContentError
from pipeline.rendering import markup, tree
from pipeline.sources.manuscript import Manuscript

_IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".svg": (b"<svg", b"<?xml"),
}


def kind(data: bytes) -> str | None:
    """The suffix of the image type `data` is (`.png`, `.svg`, ...), read from its first bytes, or None."""
    head = data[:512].lstrip()
    for suffix, magic in _IMAGE_MAGIC.items():
        if suffix != ".jpeg" and any(head.startswith(m) for m in magic):
            if suffix == ".webp" and data[8:12] != b"WEBP":
                continue
            if suffix == ".svg" and b"<svg" not in data[:4096]:
                continue
            return suffix
    return None


def staged_name(data: bytes, suffix: str) -> str:
    """An image's name in every edition: by its content."""
    return f"assets/{hashlib.sha256(data).hexdigest()[:16]}{'.jpg' if suffix == '.jpeg' else suffix}"


def check(source: Path, manuscript: Manuscript, fail) -> str:
    """Check an image file (inside the book's folder, there, of a type every edition shows, within its
    size limit, and what its name says) and give it its staged, content-addressed name; `fail(message,
    hint)` raises, naming the place that refers to it."""
    shown = os.path.relpath(source, manuscript.root)
    if not any(
        source.is_relative_to(folder.resolve()) for folder in (manuscript.root, manuscript.settings.docs_dir)
    ):  # docs_dir may lie beside it
        fail(f"image '{shown}' is outside the book's folder", "keep images inside the book's folder")
    if not source.is_file():
        fail(f"image '{shown}' not found", "check the path; it is relative to the chapter")
    suffix = source.suffix.lower()
    magic = _IMAGE_MAGIC.get(suffix)
    if magic is None:
        fail(f"'{shown}' is not an image type every edition can show", "use PNG, JPEG, GIF, WebP or SVG")
    size = source.stat().st_size
    limit = manuscript.settings.presswork.max_image_bytes
    if size > limit:
        fail(f"image '{shown}' is {size:,} bytes, over the limit of {limit:,}", "make it smaller or raise max_image_bytes")
    data = source.read_bytes()
    head = data[:512].lstrip()
    if not any(head.startswith(m) for m in magic) or (suffix == ".svg" and b"<svg" not in data[:4096]):
        fail(f"'{shown}' is not a {suffix[1:].upper()} image", "check the file; it may be damaged or misnamed")
    if suffix == ".svg":
        problem = svg_problem(data)
        if problem:
            fail(f"'{shown}' {problem}", "save the drawing again as plain SVG")
    return staged_name(data, suffix)


def svg_problem(data: bytes) -> str | None:
    """What keeps an SVG from being drawn the same in every edition, or None: entities it declares
    (which could read other files, or grow without end) are refused before any parser expands them,
    and the rest must be well-formed XML."""
    if re.search(rb"<!ENTITY", data[:65536], re.IGNORECASE):
        return "declares entities (<!ENTITY ...>), which no edition reads"
    try:
        ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"is not well-formed XML ({error})"
    return None


def cover(manuscript: Manuscript, assets: dict[str, Path]) -> str | None:
    """The book's cover, checked (a 2:3 portrait, at least 400 pixels wide) and added to `assets`."""
    cover = manuscript.settings.presswork.book.cover
    if not cover:
        return None
    settings = manuscript.settings
    line = settings.line_mentioning("cover:")

    def fail(message: str, hint: str) -> None:
        raise ConfigError(f"plugins.presswork.book.cover: {message}", path=settings.path.name, line=line, hint=hint)

    source = (manuscript.docs_dir / cover).resolve()
    staged = check(source, manuscript, fail)
    size = dimensions(source.read_bytes()[:65536])
    if size is not None and not _cover_shaped(*size):
        line_error = ContentError(
            f"plugins.presswork.book.cover: '{os.path.relpath(source, manuscript.root)}' is {size[0]} x {size[1]} pixels; "
            "a cover is a 2:3 portrait at least 400 pixels wide",
            path=settings.path.name, line=line, hint="e.g. 1600 x 2400 pixels",
        )  # fmt: skip
        raise line_error
    assets[staged] = source
    return staged


def _cover_shaped(width: int, height: int) -> bool:
    """A cover is 2:3 (width:height, within 2 %), at least 400 pixels wide: what readers and stores show."""
    return width >= 400 and abs(width * 3 - height * 2) <= 0.02 * height * 2


def dimensions(head: bytes) -> tuple[int, int] | None:
    """An image's width and height in pixels, read from its header (PNG, JPEG, GIF), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    if head.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(head) and head[index] == 0xFF:
            marker, length = head[index + 1], int.from_bytes(head[index + 2 : index + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(head[index + 7 : index + 9], "big"), int.from_bytes(head[index + 5 : index + 7], "big")
            index += 2 + length
    return None


def inline_svgs(blocks: list[Any], svgs: list[str], generated: dict[str, bytes]) -> list[Any]:
    """Each inline SVG (an icon, an emoji) as an image file of its own, as high as the text."""

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Image" or not node["c"][2][0].startswith(markup.SVG_SCHEME):
            return None
        index = int(node["c"][2][0][len(markup.SVG_SCHEME) :])
        svg, width = _standalone_svg(svgs[index])
        data = svg.encode("utf-8")
        name = f"assets/{hashlib.sha256(data).hexdigest()[:16]}.svg"
        generated[name] = data
        if "pw-diagram" in node["c"][0][1]:  # a drawn diagram: its own size, at most the text's width
            attr = tree.make_attr("", ["pw-diagram"], {"width": f"{width:.0f}px" if width and width <= _TEXT_WIDTH_PX else "100%"})
        else:  # an icon or emoji: as high as the text
            attr = tree.make_attr("", ["pw-icon"], {"height": "1em"})
        return [{"t": "Image", "c": [attr, node["c"][1], [name, ""]]}]

    return tree.rewrite_inlines(blocks, change)


_TEXT_WIDTH_PX = 430  # about the PDF's text width at 96 pixels an inch
_VIEWBOX = re.compile(r'viewBox="[-\d.]+[ ,]+[-\d.]+[ ,]+([\d.]+)[ ,]+([\d.]+)"')


_SVG_LINK = re.compile(r"<a\b[^>]*?(/?)>")  # a link's start tag, whatever it holds


def _standalone_svg(svg: str) -> tuple[str, float | None]:
    """An SVG written inside HTML, as a file of its own (with its namespace, and a size where the
    page gave it `width="100%"`, and no links: a picture shown as an image leads nowhere, and an
    EPUB's may lead only to its documents); and its width in pixels, if known."""
    svg = _SVG_LINK.sub(lambda link: f"<a{link.group(1)}>", svg)
    head = svg[: svg.find(">")]
    if "xmlns=" not in head:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    box = _VIEWBOX.search(head)
    width = float(box.group(1)) if box else None
    if box and 'width="100%"' in head:
        svg = svg.replace('width="100%"', f'width="{box.group(1)}" height="{box.group(2)}"', 1)
    return svg, width
