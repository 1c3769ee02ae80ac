"""Assembly: the chapters of a manuscript as one pandoc document, ready for every single-file edition.

Each chapter is parsed once by pandoc (in the dialect of `pipeline.dialect`). Then, in this order:
heading ids are made as MkDocs makes them; ids that two chapters share are qualified with the chapter's
name; links between chapters are pointed at the combined document's ids, and checked; images are
checked and given content-addressed names under `assets/`. The site does not use this: MkDocs reads
the chapters itself.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__, dialect, sanitiser, tree
from pipeline.clock import utc
from pipeline.errors import ConfigError, ContentError
from pipeline.manuscript import Chapter, Manuscript
from pipeline.store import Store, key
from pipeline.tools import pandoc

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
_RAW_ANCHOR = re.compile(r'^<a\s+(?:id|name)\s*=\s*"([^"]+)"\s*/?>$', re.IGNORECASE)
_IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".svg": (b"<svg", b"<?xml"),
}
# Ids pandoc's writers use for their own elements (the EPUB's footnote section, its contents, ...).
_RESERVED = frozenset({"footnotes", "toc", "cover", "title-page", "title_page", "nav", "landmarks", "page-list"})


@dataclass(frozen=True)
class Book:
    """The whole book as one pandoc document, with the files it refers to."""

    document: dict[str, Any]
    assets: dict[str, Path]  # staged name (`assets/1f2e....png`) -> the file in the book
    cover: str | None  # staged name of the cover image
    anchors: dict[str, str] = field(default_factory=dict)  # chapter name -> id of its first heading

    def stage(self, folder: Path) -> None:
        """Copy the assets into `folder`, under the names the document uses."""
        for name, source in self.assets.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copyfile(source, target)


@dataclass
class _Tree:
    chapter: Chapter
    blocks: list[Any]
    ids: set[str]  # the ids as the site has them: what authors link to
    anchor: str  # the site id of the chapter's first heading
    renames: dict[str, str] = field(default_factory=dict)  # site id -> id in the combined document

    def resolve(self, fragment: str) -> str | None:
        if fragment not in self.ids:
            return None
        return self.renames.get(fragment, fragment)


def assemble(manuscript: Manuscript, store: Store | None = None) -> Book:
    timeout = manuscript.settings.presswork.timeout
    store = store or Store(None)
    trusted = manuscript.settings.trust.trusted
    parsed = _parse(list(manuscript.chapters), timeout, store, sandbox=not trusted)
    if not trusted:
        parsed = [_untrusted_raw(blocks) for blocks in parsed]
    trees = [_normalise(chapter, blocks) for chapter, blocks in zip(manuscript.chapters, parsed)]
    _qualify_shared_ids(trees)
    by_name = {item.chapter.name: item for item in trees}
    assets: dict[str, Path] = {}
    blocks: list[Any] = []
    for item in trees:
        linked = _rewrite_links(item, by_name)
        blocks.extend(_stage_images(item.chapter, linked, manuscript, assets))
    cover = _cover(manuscript, assets)
    document = {
        "pandoc-api-version": pandoc.api_version(),
        "meta": _metadata(manuscript, cover),
        "blocks": blocks,
    }
    return Book(document=document, assets=assets, cover=cover, anchors={t.chapter.name: t.resolve(t.anchor) for t in trees})


def _parse(chapters: list[Chapter], timeout: float, store: Store, *, sandbox: bool = False) -> list[list[Any]]:
    """Each chapter's tree, parsed once: reused from the store while its text, pandoc and the dialect
    stay the same; the others parsed in a few runs of pandoc, side by side."""
    texts = [dialect.for_pandoc(chapter.text) for chapter in chapters]
    names = [key("chapter", __version__, pandoc.version(), pandoc.READER, text) for text in texts]
    parsed = [store.get_json("chapters", name) for name in names]
    missing = [index for index, blocks in enumerate(parsed) if blocks is None]
    workers = os.cpu_count() or 2
    batches = [missing[start::workers] for start in range(workers) if missing[start::workers]]

    def parse(batch: list[int]) -> list[list[Any]]:
        return pandoc.parse_many(
            [texts[i] for i in batch], timeout=timeout, displays=[chapters[i].display for i in batch], sandbox=sandbox
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch, results in zip(batches, pool.map(parse, batches)):
            for index, blocks in zip(batch, results):
                store.put_json("chapters", names[index], blocks)
                parsed[index] = blocks
    return parsed


_HTML_FORMATS = {"html", "html4", "html5"}


def _untrusted_raw(blocks: list[Any]) -> list[Any]:
    """An untrusted chapter without what would run or fetch something: raw HTML sanitised (elements
    that embed a file too), raw pieces for any other format (Typst, OpenXML: code for the writer or
    its reader) dropped, `on...` attributes and script URLs taken off, links to a script URL made
    text. `pipeline.sanitiser.scan` reports each where it is written."""
    for node in tree.nodes(blocks):
        a = tree.attr(node)
        if a and a[2]:
            a[2] = [[key, value] for key, value in a[2] if not sanitiser.unsafe_attribute(key, value)]

    def change(node: Any) -> list[Any] | None:
        if node["t"] == "Link":
            return node["c"][1] if sanitiser.unsafe_value(node["c"][2][0]) else None
        if node["t"] not in ("RawInline", "RawBlock"):
            return None
        kind, text = node["c"]
        if kind.lower() not in _HTML_FORMATS:
            return []
        cleaned, dropped = sanitiser.clean(text, embeds=True)
        return [{"t": node["t"], "c": [kind, cleaned]}] if dropped else None

    return tree.rewrite_inlines(tree.rewrite_blocks(blocks, change), change)


def _normalise(chapter: Chapter, blocks: list[Any]) -> _Tree:
    """Raw anchors become spans, headings get MkDocs' ids, and the chapter gets a title heading."""
    if "<a" in chapter.text or "<A" in chapter.text:  # most chapters have no raw anchor: skip the walk
        blocks = _raw_anchors(blocks)
    used: set[str] = set()
    headers = []
    for node in tree.nodes(blocks):
        a = tree.attr(node)
        if a and a[0]:
            if a[0] in used:
                _duplicate_id(chapter, a[0])
            used.add(a[0])
        if node["t"] == "Header":
            headers.append(node)
    for node in headers:
        if not node["c"][1][0]:
            node["c"][1][0] = dialect.unique(dialect.slugify(tree.stringify(node["c"][2])), used)
    first = next((node for node in headers if node["c"][0] == 1), None)
    if first is not None:
        anchor = first["c"][1][0]
    else:
        title = chapter.title or chapter.stem.replace("-", " ").capitalize()
        anchor = dialect.unique(dialect.slugify(title), used)
        blocks.insert(0, {"t": "Header", "c": [1, tree.make_attr(anchor), tree.text_inlines(title)]})
    ids = set(used)
    renames = {i: dialect.unique(i, used) for i in sorted(ids & _RESERVED)}
    _rename(blocks, renames)
    return _Tree(chapter=chapter, blocks=blocks, ids=ids, anchor=anchor, renames=renames)


def _duplicate_id(chapter: Chapter, identifier: str) -> None:
    """Stop at an id given twice in one chapter, pointing at its second place."""
    written = re.compile(
        r"\{[^}\n]*#" + re.escape(identifier) + r"(?![\w-])[^}\n]*\}|\b(?:id|name)\s*=\s*[\"']" + re.escape(identifier) + r"[\"']"
    )
    places = [chapter.position(match.start() + match.group(0).index(identifier)) for match in written.finditer(chapter.text)]
    line, column = places[1] if len(places) > 1 else (None, None)
    first = f" (first on line {places[0][0]})" if places else ""
    raise ContentError(
        f"the id '{identifier}' is given twice in this chapter{first}",
        path=chapter.display, line=line, column=column, hint="give each heading its own id",
    )  # fmt: skip


def _rename(blocks: list[Any], renames: dict[str, str]) -> None:
    if renames:
        for node in tree.nodes(blocks):
            a = tree.attr(node)
            if a and a[0] in renames:
                a[0] = renames[a[0]]


def _raw_anchors(blocks: list[Any]) -> list[Any]:
    """`<a id="x"></a>` (raw HTML, which pandoc's Typst writer drops) becomes an empty span with id x."""
    stack: list[Any] = [blocks]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("c"), (list, dict)):
                stack.append(current["c"])
            continue
        if not isinstance(current, list):
            continue
        index = 0
        while index < len(current):
            match = _anchor_match(current[index])
            if match:
                following = current[index + 1] if index + 1 < len(current) else None
                end = index + 2 if _is_raw(following, "</a>") else index + 1
                current[index:end] = [{"t": "Span", "c": [tree.make_attr(match.group(1)), []]}]
            else:
                stack.append(current[index])
            index += 1
    return blocks


def _anchor_match(item: Any) -> re.Match[str] | None:
    if isinstance(item, dict) and item.get("t") == "RawInline" and item["c"][0] == "html":
        return _RAW_ANCHOR.match(item["c"][1].strip())
    return None


def _is_raw(item: Any, text: str) -> bool:
    return isinstance(item, dict) and item.get("t") == "RawInline" and item["c"][1].strip().lower() == text


def _qualify_shared_ids(trees: list[_Tree]) -> None:
    """An id two chapters share (both have `## Summary`) becomes `<chapter>--<id>` in each."""
    counts = Counter(identifier for item in trees for identifier in item.ids)
    for item in trees:
        shared = {i for i in item.ids if counts[i] > 1}
        _rename(item.blocks, {item.renames.get(i, i): f"{item.chapter.stem}--{i}" for i in shared})
        item.renames.update({i: f"{item.chapter.stem}--{i}" for i in shared})


def _rewrite_links(item: _Tree, by_name: dict[str, _Tree]) -> list[Any]:
    chapter = item.chapter

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Link":
            return None
        attr, content, (url, title) = node["c"]
        if not url or _SCHEME.match(url):
            return None
        path, _, fragment = url.partition("#")
        fragment = urllib.parse.unquote(fragment)
        if path:
            name = posixpath.normpath(posixpath.join(posixpath.dirname(chapter.name), urllib.parse.unquote(path)))
            if not name.endswith(".md"):
                return content  # a file of the site (a download, say): text only in a single-file edition
            target = by_name.get(name)
            if target is None:
                _fail(chapter, url, f"link to '{path}', which is not a chapter in nav", "link to a chapter listed in nav")
        else:
            target = item
        if fragment:
            resolved = target.resolve(fragment)
            if resolved is None:
                where = f"'{target.chapter.name}'" if path else "this chapter"
                _fail(chapter, url, f"link to '#{fragment}', which is no heading or anchor in {where}", "check the heading's id")
        else:
            resolved = target.resolve(target.anchor)
        return [{"t": "Link", "c": [attr, content, ["#" + resolved, title]]}]

    return tree.rewrite_inlines(item.blocks, change)


def _stage_images(chapter: Chapter, blocks: list[Any], manuscript: Manuscript, assets: dict[str, Path]) -> list[Any]:
    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Image":
            return None
        attr, content, (url, title) = node["c"]
        if url.startswith("data:") and not manuscript.settings.trust.trusted:
            _fail(chapter, url[:20], "an image written as a data: URL", "an untrusted build takes images from files only")
        if url.startswith("data:"):
            return None
        if _SCHEME.match(url):
            _fail(chapter, url, f"image '{url}' is not in the book", "download it into the book's folder and link it by its path")
        source = (chapter.path.parent / urllib.parse.unquote(url)).resolve()
        staged = _asset(source, manuscript, lambda message, hint: _fail(chapter, url, message, hint))
        assets[staged] = source
        return [{"t": "Image", "c": [attr, content, [staged, title]]}]

    return tree.rewrite_inlines(blocks, change)


def _asset(source: Path, manuscript: Manuscript, fail) -> str:
    """Check an image file and give it its staged, content-addressed name."""
    shown = os.path.relpath(source, manuscript.root)
    if not source.is_relative_to(manuscript.root.resolve()):
        fail(f"image '{shown}' is outside the repository", "keep images inside the book's folder")
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
    return f"assets/{hashlib.sha256(data).hexdigest()[:16]}{'.jpg' if suffix == '.jpeg' else suffix}"


def _cover(manuscript: Manuscript, assets: dict[str, Path]) -> str | None:
    cover = manuscript.settings.presswork.book.cover
    if not cover:
        return None
    settings = manuscript.settings
    line = settings.line_mentioning("cover:")

    def fail(message: str, hint: str) -> None:
        raise ConfigError(f"plugins.presswork.book.cover: {message}", path=settings.path.name, line=line, hint=hint)

    source = (manuscript.docs_dir / cover).resolve()
    staged = _asset(source, manuscript, fail)
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


def _fail(chapter: Chapter, url: str, message: str, hint: str) -> None:
    line, column = chapter.position_of(f"]({url}")
    if column is not None:
        column += 2  # point at the target itself, after "]("
    else:
        line, column = chapter.position_of(url)
    raise ContentError(message, path=chapter.display, line=line, column=column, hint=hint)


def _metadata(manuscript: Manuscript, cover: str | None) -> dict[str, Any]:
    settings = manuscript.settings
    book = settings.presswork.book
    values: dict[str, Any] = {
        "title": settings.title,
        "subtitle": book.subtitle,
        "author": list(book.authors) or None,
        "lang": book.language,
        "date": utc(manuscript.epoch).strftime("%Y-%m-%d"),
        "rights": book.license,
        "publisher": book.publisher,
        "identifier": book.identifier or _default_identifier(settings.title, list(book.authors)),
        "cover": cover,
    }
    return {key: _meta(value) for key, value in values.items() if value}


def _default_identifier(title: str, authors: list[str]) -> str:
    """A stable identifier for a book that names none: the same title and authors, the same id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'presswork:' + title + ':' + ';'.join(authors))}"


def _meta(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        return {"t": "MetaList", "c": [_meta(item) for item in value]}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    return {"t": "MetaString", "c": str(value)}
