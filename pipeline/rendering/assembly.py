"""Assembly: the chapters as MkDocs rendered them, made into one pandoc document for every single-file edition.

Each chapter's HTML, from the one rendering (`pipeline.rendering.render`), is rewritten where Material and
PyMdown mean more than their elements say (`pipeline.rendering.markup`) and read by pandoc's HTML reader, in
a few runs side by side. Then, in this order: footnotes are joined to their references; ids, which
are the site's own, are kept, and those that two chapters share are qualified with the chapter's
name; links between chapters are pointed at the combined document's ids, and checked; images (from
Markdown or raw HTML alike) are checked and given content-addressed names under `assets/`
(both in `pipeline.rendering.references`), and inline SVG pictures (icons, emoji) become image files of their own.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.clock import utc
from pipeline.errors import ContentError
from pipeline.formats import words
from pipeline.rendering import images, markup, references, remote, tree
from pipeline.rendering.render import Rendering, plain_url
from pipeline.sources.manuscript import Chapter, Manuscript
from pipeline.store import Store, key, presswork
from pipeline.tools import pandoc

# Ids pandoc's writers use for their own elements (the EPUB's footnote section, its contents, ...).
_RESERVED = frozenset({"footnotes", "toc", "cover", "title-page", "title_page", "nav", "landmarks", "page-list"})


@dataclass(frozen=True)
class Book:
    """The whole book as one pandoc document, with the files it refers to."""

    document: dict[str, Any]
    assets: dict[str, Path]  # staged name (`assets/1f2e....png`) -> the file in the book
    cover: str | None  # staged name of the cover image
    anchors: dict[str, str] = field(default_factory=dict)  # chapter name -> id of its first heading
    generated: dict[str, bytes] = field(default_factory=dict)  # staged name -> a picture the page held inline (SVG)
    warnings: tuple[str, ...] = ()  # what the editions leave out, each where it is written

    def stage(self, folder: Path) -> None:
        """Copy the assets into `folder`, under the names the document uses."""
        for name, source in self.assets.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copyfile(source, target)
        for name, data in self.generated.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def media(self) -> list[bytes]:
        """The bytes of every picture the book holds: what an edition may embed."""
        return [path.read_bytes() for path in self.assets.values()] + list(self.generated.values())


@dataclass
class _Tree:
    chapter: Chapter
    url: str  # where the site has the chapter
    blocks: list[Any]
    ids: set[str]  # the ids as the site has them: what authors link to
    anchor: str  # the site id of the chapter's first heading
    renames: dict[str, str] = field(default_factory=dict)  # site id -> id in the combined document
    holders: dict[str, list[list[Any]]] = field(default_factory=dict, repr=False)  # id now -> the attributes holding it
    aliases: dict[str, str] = field(
        default_factory=dict
    )  # an anchor inside a heading (`## <a name="x"></a>Title`) -> the heading's site id

    def resolve(self, fragment: str) -> str | None:
        fragment = self.aliases.get(fragment, fragment)
        if fragment not in self.ids:
            return None
        return self.renames.get(fragment, fragment)


class Reading:
    """Chapters read by pandoc while MkDocs renders the others: given each page as it is rendered
    (`page`, Rendering's `on_page`), it reads them in runs of `_BATCH_BYTES` in the background, so
    that pandoc's reading runs beside MkDocs' rendering instead of after it."""

    def __init__(self, manuscript: Manuscript, store: Store) -> None:
        settings = manuscript.settings
        self._displays = {chapter.name: chapter.display for chapter in manuscript.chapters}
        self._store, self._timeout, self._sandbox = store, settings.presswork.timeout, not settings.trust.trusted
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2)
        self._waiting: list[tuple[str, str, str]] = []  # (store key, HTML for pandoc, display)
        self._size = 0
        self.read: dict[str, tuple[Future, int]] = {}  # store key -> (its run, its place in the run)
        self.prepared: dict[str, tuple[str, tuple[str, list[str]]]] = {}  # chapter -> (page HTML, for_pandoc's)

    def page(self, name: str, html: str) -> None:
        if name not in self._displays:
            return
        prepared = markup.for_pandoc(html)
        self.prepared[name] = (html, prepared)
        name_key = _chapter_key(prepared[0])
        if name_key in self.read or self._store.get_json("chapters", name_key) is not None:
            return
        self._waiting.append((name_key, prepared[0], self._displays[name]))
        self._size += len(prepared[0])
        if self._size >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        batch, self._waiting, self._size = self._waiting, [], 0
        if batch:
            run = self._pool.submit(
                pandoc.read_html, [html for _, html, _ in batch], timeout=self._timeout, displays=[d for _, _, d in batch],
                sandbox=self._sandbox,
            )  # fmt: skip
            for place, (name_key, _, _) in enumerate(batch):
                self.read[name_key] = (run, place)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _chapter_key(html: str) -> str:
    """A chapter's tree in the store: its HTML, read by this pandoc, each chapter in a div of its own."""
    return key("chapter-html", presswork(), pandoc.version(), pandoc.READER, "wrapped", html)


def assemble(
    manuscript: Manuscript, rendering: Rendering | None = None, store: Store | None = None, reading: Reading | None = None
) -> Book:
    """The book from `rendering` (made here, and not written anywhere, when none is given); what
    `reading` read while it was rendered is taken from it."""
    settings = manuscript.settings
    if rendering is None:
        with tempfile.TemporaryDirectory(prefix="presswork-render-") as folder:
            rendering = Rendering(
                settings, site_dir=Path(folder) / "site", epoch=manuscript.epoch, trusted=settings.trust.trusted, downloads=[]
            )
    timeout = settings.presswork.timeout
    store = store or Store(None)
    early = reading.prepared if reading is not None else {}
    prepared = [
        early[c.name][1] if c.name in early and early[c.name][0] == rendering.pages[c.name].html else markup.for_pandoc(rendering.pages[c.name].html)
        for c in manuscript.chapters
    ]  # fmt: skip
    if reading is not None:
        reading.flush()
    parsed = _parse(
        [html for html, _ in prepared], list(manuscript.chapters), timeout, store, sandbox=not settings.trust.trusted, reading=reading
    )
    generated: dict[str, bytes] = {}
    warnings: list[str] = []
    trees = [
        _normalise(
            chapter,
            rendering.pages[chapter.name].url,
            html,
            _notes(blocks, html) if 'class="pw-note' in html else blocks,
            svgs,
            generated,
            warnings,
        )
        for chapter, blocks, (html, svgs) in zip(manuscript.chapters, parsed, prepared)
    ]  # each walk of a chapter's tree only where its HTML says there is something for it to do
    if manuscript.fallbacks:
        note = words.of(settings.presswork.book.language, settings.presswork.book.words)["untranslated"]
        for item in trees:
            if item.chapter.name in manuscript.fallbacks:
                item.blocks = _untranslated(item.blocks, manuscript.original, note)
    _qualify_shared_ids(trees)
    by_url = {plain_url(item.url): item for item in trees}
    assets: dict[str, Path] = {}
    blocks: list[Any] = []
    fetcher = remote.Fetcher.of(store, settings, timeout)
    parts = dict(manuscript.parts)
    for item in trees:
        if item.chapter.name in parts:  # a section of the nav: a heading of its own, unnumbered, over its chapters
            attr = tree.make_attr(f"pw-part-{len(parts)}-{item.chapter.stem}", ["unnumbered", "pw-part"])
            blocks.append({"t": "Header", "c": [1, attr, tree.text_inlines(parts[item.chapter.name])]})
        linking = references.linking(item, by_url, rendering, warnings)
        staging = references.staging(item, manuscript, rendering, assets, generated, warnings, fetcher)
        blocks.extend(tree.rewrite_inlines(item.blocks, references.both(linking, staging)))
    cover = images.cover(manuscript, assets)
    document = {
        "pandoc-api-version": pandoc.api_version(),
        "meta": _metadata(manuscript, cover),
        "blocks": blocks,
    }
    anchors = {t.chapter.name: t.resolve(t.anchor) for t in trees}
    return Book(document=document, assets=assets, cover=cover, anchors=anchors, generated=generated, warnings=tuple(warnings))


def _parse(
    htmls: list[str], chapters: list[Chapter], timeout: float, store: Store, *, sandbox: bool = False, reading: Reading | None = None
) -> list[list[Any]]:
    """Each chapter's tree, read once by pandoc's HTML reader: reused from the store while its HTML
    and pandoc stay the same, or taken from what `reading` read; the others read in a few runs of
    pandoc, side by side."""
    names = [_chapter_key(html) for html in htmls]
    parsed = [store.get_json("chapters", name) for name in names]
    taken: set[str] = set()
    for index, name in enumerate(names):
        if parsed[index] is None and reading is not None and name in reading.read:
            run, place = reading.read[name]
            blocks = run.result()[place]  # a chapter pandoc cannot read fails here, as below
            parsed[index] = tree.copy(blocks) if name in taken else blocks  # two chapters alike: a tree each
            taken.add(name)
            store.put_json("chapters", name, blocks)
    missing = [index for index, blocks in enumerate(parsed) if blocks is None]
    workers = os.cpu_count() or 2
    batches = _batches(missing, [len(htmls[i]) for i in missing], workers)

    def parse(batch: list[int]) -> list[list[Any]]:
        return pandoc.read_html([htmls[i] for i in batch], timeout=timeout, displays=[chapters[i].display for i in batch], sandbox=sandbox)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch, results in zip(batches, pool.map(parse, batches)):
            for index, blocks in zip(batch, results):
                store.put_json("chapters", names[index], blocks)
                parsed[index] = blocks
    return parsed


_BATCH_BYTES = 200_000  # pandoc's HTML reader slows down on long documents: 100 chapters (760 KB) 1.3 s, 500 chapters 16 s


def _batches(indexes: list[int], sizes: list[int], workers: int) -> list[list[int]]:
    """Chapters in runs of pandoc of at most `_BATCH_BYTES` of HTML each (a chapter alone when larger),
    at least one per worker."""
    limit = min(_BATCH_BYTES, max(1, sum(sizes) // workers + 1))
    batches: list[list[int]] = []
    size = 0
    for index, length in zip(indexes, sizes):
        if not batches or size + length > limit:
            batches.append([])
            size = 0
        batches[-1].append(index)
        size += length
    return batches


def _notes(blocks: list[Any], html: str) -> list[Any]:
    """Footnotes as pandoc notes: each reference (`span.pw-noteref`) takes its body (`div.pw-note`),
    and keeps the site's ids of both (`fnref:x`, `fn:x`) so links to either still land."""
    bodies: dict[str, list[Any]] = {}

    def take(node: Any) -> list[Any] | None:
        if node["t"] == "Div" and "pw-note" in node["c"][0][1]:
            bodies[node["c"][0][0]] = node["c"][1]
            return []
        return None

    # Python-Markdown writes the notes at the end of the page: taken from there without a walk of
    # the whole chapter, unless one is elsewhere (a page an extension built otherwise).
    kept = [block for block in blocks if take(block) is None]
    if html.count('class="pw-note"') > len(bodies):
        kept = tree.rewrite_blocks(kept, take)
    blocks[:] = kept
    if not bodies:
        return blocks

    def join(node: Any) -> list[Any] | None:
        if node["t"] != "Span" or "pw-noteref" not in node["c"][0][1]:
            return None
        identifier, _, pairs = node["c"][0]
        target = dict(pairs).get("note", "")
        body = bodies.get(target)
        if body is None:
            return []
        marks = [{"t": "Span", "c": [tree.make_attr(i), []]} for i in (identifier, target) if i]
        return [*marks, {"t": "Note", "c": body}]

    return tree.rewrite_inlines(blocks, join)


def _normalise(
    chapter: Chapter, url: str, html: str, blocks: list[Any], svgs: list[str], generated: dict[str, bytes], warnings: list[str]
) -> _Tree:
    """The site's ids collected, inline pictures made files, and the chapter given a title heading."""
    used: set[str] = set()
    headers, repeated = [], []
    holders: dict[str, list[list[Any]]] = {}  # so that ids are renamed later without another walk
    aliases = _heading_anchors(blocks)
    for node in tree.nodes(blocks):
        a = tree.attr(node)
        if a and a[0]:
            if a[0] in used:
                repeated.append(a)
            used.add(a[0])
            holders.setdefault(a[0], []).append(a)
        if node["t"] == "Header":
            headers.append(node)
    for a in repeated:  # the site has it twice, and its links land on the first: so do the editions'
        warnings.append(_duplicate_id(chapter, a[0], len(repeated)))
        holders[a[0]] = [held for held in holders[a[0]] if held is not a]  # by identity: two attrs can be equal
        a[0] = tree.unique_id(a[0], used)
        holders.setdefault(a[0], []).append(a)
    if html.count("<blockquote") + html.count("<div") > MAX_NESTING:
        _nesting(chapter, blocks)
    tree.paragraphs(blocks)
    titles = sum(1 for node in headers if node["c"][0] == 1)
    top = sum(1 for block in blocks if block.get("t") == "Header" and block["c"][0] == 1)
    if titles > top:
        if not top:  # a page of API documentation: mkdocstrings writes its title inside its block
            _hoist_title(blocks)
        _nested_titles(blocks)
    if markup.LEFT_OUT in html:
        _left_out(chapter, blocks, warnings)
    if any(not tree.stringify(node["c"][2]).strip() for node in headers):
        blocks = _empty_headings(blocks)
        headers = [node for node in headers if node["t"] == "Header"]
    if svgs:
        blocks = images.inline_svgs(blocks, svgs, generated)
    first = next((node for node in blocks if node.get("t") == "Header" and node["c"][0] == 1), None)  # the chapter's title
    if first is not None and first["c"][1][0]:
        anchor = first["c"][1][0]
    else:
        title = chapter.title or _file_title(chapter.name)
        anchor = tree.unique_id(chapter.stem or "chapter", used)
        if first is None:
            blocks.insert(0, {"t": "Header", "c": [1, tree.make_attr(anchor), tree.text_inlines(title)]})
            holders.setdefault(anchor, []).append(blocks[0]["c"][1])
        else:
            first["c"][1][0] = anchor
            holders.setdefault(anchor, []).append(first["c"][1])
    ids = set(used)
    renames = {i: tree.unique_id(i, used) for i in sorted(ids & _RESERVED)}
    _rename(holders, renames)
    return _Tree(chapter=chapter, url=url, blocks=blocks, ids=ids, anchor=anchor, renames=renames, holders=holders, aliases=aliases)


def _heading_anchors(blocks: list[Any]) -> dict[str, str]:
    """Empty anchors inside headings (`## <a name="x"></a>Title`, an old way to give a heading an id)
    taken out, since a heading's text is what tables of contents show: the heading takes the
    anchor's id when it has none; else a link to the anchor lands on the heading (returned: anchor
    id -> heading id)."""
    aliases: dict[str, str] = {}
    for node in blocks:
        if node.get("t") != "Header" or not any(_empty_anchor(inline) for inline in node["c"][2]):
            continue
        attr = node["c"][1]
        for inline in [inline for inline in node["c"][2] if _empty_anchor(inline)]:
            identifier = inline["c"][0][0]
            if not attr[0]:
                attr[0] = identifier
            elif identifier != attr[0]:
                aliases[identifier] = attr[0]
        node["c"][2] = [inline for inline in node["c"][2] if not _empty_anchor(inline)]
    return aliases


def _empty_anchor(inline: Any) -> bool:
    return isinstance(inline, dict) and inline.get("t") == "Span" and bool(inline["c"][0][0]) and not inline["c"][1]


def _untranslated(blocks: list[Any], language: str, note: str) -> list[Any]:
    """A chapter a translated edition shows in the default language: marked as written in `language`
    (read aloud, hyphenated and checked as such) and, under its title, a note in the edition's language
    saying so. Headings stay at the top level, where the contents find them."""
    marked: list[Any] = []
    run: list[Any] = []
    noted = False

    def flush() -> None:
        if run:
            marked.append({"t": "Div", "c": [tree.make_attr(pairs={"lang": language}), list(run)]})
            run.clear()

    for block in blocks:
        if block.get("t") != "Header":
            run.append(block)
            continue
        flush()
        block["c"][2] = [{"t": "Span", "c": [tree.make_attr(pairs={"lang": language}), block["c"][2]]}]
        marked.append(block)
        if not noted and block["c"][0] == 1:
            marked.append(
                {
                    "t": "Div",
                    "c": [tree.make_attr(classes=["pw-untranslated"]), [{"t": "Para", "c": [{"t": "Emph", "c": tree.text_inlines(note)}]}]],
                }
            )
            noted = True
    flush()
    return marked


def _left_out(chapter: Chapter, blocks: list[Any], warnings: list[str]) -> None:
    """What the site embeds and no other edition can hold (`<iframe>`, `<video>`): its fallback
    text kept, and a warning at the place the chapter writes it."""
    seen: Counter = Counter()

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Span" or markup.LEFT_OUT not in node["c"][0][1]:
            return None
        element = dict(node["c"][0][2]).get("element", "element")
        seen[element] += 1
        places = [m.start() for m in re.finditer(rf"<{element}\b", chapter.text, re.IGNORECASE)]
        line, column = chapter.position(places[seen[element] - 1]) if len(places) >= seen[element] else (1, 1)
        warnings.append(
            f"{chapter.display}:{line}:{column}: warning: a <{element}> element is on the site only: "
            "the PDF, EPUB and DOCX cannot hold what it embeds (link to it, or add a picture of it)"
        )
        return node["c"][1]

    tree.rewrite_inlines(blocks, change)


def _empty_headings(blocks: list[Any]) -> list[Any]:
    """A heading without text (`#` alone) shows nothing on the site; in a book it would be an empty
    entry of the contents, which an EPUB may not have: it keeps only its id."""

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Header" or tree.stringify(node["c"][2]).strip():
            return None
        node["t"] = "Plain"  # the node object itself: `headers` no longer counts it
        attributes = node["c"][1]  # the same list, which `_Tree.holders` knows
        attributes[1:] = [[], []]
        node["c"] = [{"t": "Span", "c": [attributes, []]}] if attributes[0] else []
        return [node]

    return tree.rewrite_blocks(blocks, change)


def _hoist_title(blocks: list[Any]) -> None:
    """A chapter whose only first-level heading is inside a block (`::: package.module` with
    `heading_level: 1`: mkdocstrings writes `<div class="doc"><h1>...`) opens with that heading: it is
    taken out in front of the block, as the site shows it, and opens the chapter in every edition."""

    def found_in(items: list[Any]) -> bool:
        for index, node in enumerate(items):
            if not isinstance(node, dict):
                continue
            if node.get("t") == "Header" and node["c"][0] == 1:
                hoisted.append(items.pop(index))
                return True
            if node.get("t") == "Div" and found_in(node["c"][1]):
                return True
        return False

    for index, block in enumerate(blocks):
        hoisted: list[Any] = []
        if block.get("t") == "Div" and found_in(block["c"][1]):
            blocks.insert(index, hoisted[0])
            return


def _nested_titles(blocks: list[Any]) -> None:
    """A first-level heading inside a quote, a list or a block (`> # Title`) opens no chapter in a
    book: it becomes a strong paragraph, its id kept on it, so the PDF does not break a page inside
    a container and the contents list only the chapters."""

    def inside(node: Any) -> list[Any] | None:
        if node["t"] == "Header" and node["c"][0] == 1:
            attributes = node["c"][1]  # the same list, which `_Tree.holders` knows
            attributes[1:] = [[], []]
            mark = [{"t": "Span", "c": [attributes, []]}] if attributes[0] else []
            return [{"t": "Para", "c": [*mark, {"t": "Strong", "c": node["c"][2]}]}]
        return None

    for block in blocks:
        if block.get("t") in ("BlockQuote", "BulletList", "OrderedList", "DefinitionList", "Div", "Table", "Figure"):
            tree.rewrite_blocks([block], lambda node: None if node is block else inside(node))  # noqa: B023 (called at once)


# How deeply quotes and blocks (admonitions, tabs) may nest: the PDF's template draws each level
# with a show rule, and typst stops at a fixed depth of them (16 levels typeset, 24 do not).
MAX_NESTING = 16


def _nesting(chapter: Chapter, blocks: list[Any]) -> None:
    """Stop at quotes or blocks nested deeper than every edition can show, naming the chapter."""
    stack = [(block, 1) for block in blocks]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict):
            continue
        kind = node.get("t")
        if kind in ("BlockQuote", "Div"):
            if depth > MAX_NESTING:
                raise ContentError(
                    f"quotes or blocks nested more than {MAX_NESTING} deep, which the PDF cannot typeset",
                    path=chapter.display, hint="nest them less deeply",
                )  # fmt: skip
            children = node["c"] if kind == "BlockQuote" else node["c"][1]
            stack.extend((child, depth + 1) for child in children)
        elif kind in ("BulletList", "OrderedList", "DefinitionList"):
            items = node["c"] if kind == "BulletList" else node["c"][1] if kind == "OrderedList" else [d for _, ds in node["c"] for d in ds]
            stack.extend((child, depth) for item in items for child in item)


def _file_title(name: str) -> str:
    """The title MkDocs gives a page with none of its own, from its file's name: `boats_and-nets.md`
    is 'Boats and nets', `API-guide.md` 'API guide', the home page 'Home'."""
    stem = posixpath.splitext(posixpath.basename(name))[0]
    if name in ("index.md", "README.md"):
        return "Home"
    title = ("index" if stem == "README" else stem).replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _duplicate_id(chapter: Chapter, identifier: str, count: int) -> str:
    """The warning for an id given twice in one chapter, at its second place."""
    written = re.compile(
        r"\{[^}\n]*#" + re.escape(identifier) + r"(?![\w-])[^}\n]*\}|\b(?:id|name)\s*=\s*[\"']" + re.escape(identifier) + r"[\"']"
    )
    places = [chapter.position(match.start() + match.group(0).index(identifier)) for match in written.finditer(chapter.text)]
    line, column = places[1] if len(places) > 1 else (1, 1)
    first = f" (first on line {places[0][0]})" if places else ""
    return (
        f"{chapter.display}:{line}:{column}: warning: the id '{identifier}' is given twice in this chapter{first}; "
        "links land on the first, and the PDF, EPUB and DOCX rename the second (give each heading its own id)"
    )


def _rename(holders: dict[str, list[list[Any]]], renames: dict[str, str]) -> None:
    """Ids renamed where they are held (`_Tree.holders`, kept up to date)."""
    moved = {old: holders.pop(old) for old in renames if old in holders}
    for old, attributes in moved.items():
        for a in attributes:
            if a[0] == old:
                a[0] = renames[old]
        holders.setdefault(renames[old], []).extend(attributes)


def _qualify_shared_ids(trees: list[_Tree]) -> None:
    """An id two chapters share (both have `## Summary`) becomes `<chapter>--<id>` in each."""
    counts = Counter(identifier for item in trees for identifier in item.ids)
    for item in trees:
        shared = {i for i in item.ids if counts[i] > 1}
        _rename(item.holders, {item.renames.get(i, i): f"{item.chapter.stem}--{i}" for i in shared})
        item.renames.update({i: f"{item.chapter.stem}--{i}" for i in shared})


def _metadata(manuscript: Manuscript, cover: str | None) -> dict[str, Any]:
    settings = manuscript.settings
    book = settings.presswork.book
    values: dict[str, Any] = {
        "title": settings.title,
        "subtitle": book.subtitle,
        "description": book.description or settings.mkdocs.site_description,
        "author": list(book.authors) or None,
        "lang": book.language,
        "date": utc(manuscript.epoch).strftime("%Y-%m-%d"),
        "rights": book.license,
        "publisher": book.publisher,
        "identifier": book.identifier or _default_identifier(settings.title, list(book.authors)),
        "cover": cover,
    }
    if words.direction(book.language) == "rtl":  # the EPUB's spine, the DOCX's bidi
        values["dir"], values["page-progression-direction"] = "rtl", "rtl"
    wording = words.of(book.language, book.words)
    values["toc-title"] = wording["contents"]  # the EPUB's and DOCX's table of contents
    values["pw-words"] = wording  # what the PDF's template prints itself
    values["pw-copyright"] = words.copyright_page(
        title=settings.title, subtitle=book.subtitle or "", authors=list(book.authors), date=utc(manuscript.epoch),
        rights=book.license or "", publisher=book.publisher or "", identifier=values["identifier"], language=book.language, wording=wording,
    )  # fmt: skip
    return {key: tree.meta(value) for key, value in values.items() if value}


def _default_identifier(title: str, authors: list[str]) -> str:
    """A stable identifier for a book that names none: the same title and authors, the same id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'presswork:' + title + ':' + ';'.join(authors))}"
