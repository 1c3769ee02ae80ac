"""A long book's PDF: typeset in parts of whole chapters, one after another, and joined.

typst keeps every page of a document in memory until it writes the PDF, about 1.1 MB a page: 4.5 GB
for a 4,000-page book. A book of more than `pdf_part_words` words is therefore typeset in parts, each
numbered on from where the part before it ended (pages, chapters, figures, tables, code), each asked
after it is laid out where its headings and linked anchors fell. The front matter comes last: its
contents lists the pages the parts reported. The join keeps what a reader uses (page labels,
bookmarks, every link, to the place it lands on, the metadata) and the structure tree that a screen
reader reads (typst tags each piece; the join puts them in one tree, in order, each piece a `Part`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ValidationError
from pipeline.rendering import tree

LINK = "x-presswork:"  # how a part links to an anchor in another part, until the join


@dataclass
class Part:
    blocks: list[Any]
    targets: list[str]  # its anchors that other parts link to


def split(blocks: list[Any], words: int) -> list[Part]:
    """The book's blocks as parts of whole chapters, each of at most about `words` words (a longer
    chapter is a part of its own); links between parts are marked to be joined later. One part:
    the book is typeset whole."""
    chapters: list[list[Any]] = []
    for block in blocks:
        if not chapters or (block["t"] == "Header" and block["c"][0] == 1):
            chapters.append([])
        chapters[-1].append(block)
    parts: list[Part] = []
    links: list[tuple[int, Any]] = []  # (part, link node) of every link within the book
    home: dict[str, int] = {}  # id -> the part it is in
    count = 0
    for chapter in chapters:
        size, found, within = 0, [], []
        for node in tree.nodes(chapter):
            kind = node["t"]
            if kind == "Str":
                size += 1
            elif kind == "Link" and node["c"][2][0].startswith("#"):
                within.append(node)
            if (attributes := tree.attr(node)) and attributes[0]:
                found.append(attributes[0])
        if not parts or (words and count and count + size > words):
            parts.append(Part([], []))
            count = 0
        parts[-1].blocks.extend(chapter)
        count += size
        home.update(dict.fromkeys(found, len(parts) - 1))
        links += [(len(parts) - 1, node) for node in within]
    if len(parts) > 1:
        for index, node in links:
            identifier = node["c"][2][0][1:]
            target = home.get(identifier)
            if target is not None and target != index:
                parts[target].targets.append(identifier)
                node["c"][2][0] = LINK + identifier
        for part in parts:
            part.targets = sorted(set(part.targets))
    return parts


def start(previous: dict[str, Any] | None) -> dict[str, int]:
    """Where a part's numbering starts: after the part before it (`previous`, its report, which
    counts its pages), and after the empty page that makes this part open on a right-hand page."""
    if previous is None:
        return {"page": 1, "chapter": 0, "image": 0, "table": 0, "raw": 0}
    return {
        "page": previous["page"] + 1 + previous["pages"] % 2,
        **{name: previous[name] for name in ("chapter", "image", "table", "raw")},
    }


def entries(blocks: list[Any]) -> list[Any]:
    """The front matter's contents: one entry per heading, a call of the template's `pw-entry`
    around a copy of its title (without its notes, links and raw markup, as an outline shows it)."""
    found: list[Any] = []
    for node in blocks:
        if node["t"] == "Header" and node["c"][1][0]:
            level, (identifier, _, _), inlines = node["c"]
            title = tree.rewrite_inlines([{"t": "Plain", "c": tree.copy(inlines)}], _plain)
            opening = f'#pw-entry(level: {level}, id: "{_escape(identifier)}")['
            found += [{"t": "RawBlock", "c": ["typst", opening]}, *title, {"t": "RawBlock", "c": ["typst", "]"]}]
    return found


def contents(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """What the entries show: the number and page of each heading, as the parts reported them, and
    the widest number of each level (the entries line up on it)."""
    found = {h["id"]: {"number": h["number"], "page": h["page"]} for report in reports for h in report["headings"]}
    widest: dict[str, str] = {}
    for heading in found.values():
        if heading["number"]:
            level = str(heading["number"].count(".") + 1)
            widest[level] = max(widest.get(level, ""), heading["number"], key=len)
    return {"entries": found, "widest": widest}


def _plain(node: Any) -> list[Any] | None:
    if node["t"] in ("Note", "RawInline"):
        return []
    if node["t"] == "Link":
        return node["c"][1]
    return None


def join(front: Path, parts: list[Path], reports: list[dict[str, Any]], output: Path) -> None:
    """One PDF of the front matter and the parts, each opening on a right-hand page, with their page
    labels, bookmarks, named destinations and metadata, and the links between parts pointed at the
    place they land on. qpdf (through pikepdf) copies the pages; the same input gives the same bytes."""
    import pikepdf

    pieces = [front, *parts]
    result = pikepdf.new()
    sources = [pikepdf.open(path) for path in pieces]
    try:
        labels: list[Any] = []
        starts: list[int] = []
        structure = _Structure(result) if all("/StructTreeRoot" in source.Root for source in sources) else None
        for index, source in enumerate(sources):
            starts.append(len(result.pages))
            result.add_pages_from(source)  # with the bookmarks and named destinations that lead to them
            if structure is not None:
                structure.add(source, list(result.pages)[starts[-1] :], prefix=f"part {index} " if index else "")
            for at, label in _pairs(source.Root.get("/PageLabels", {}).get("/Nums", [])):
                labels += [starts[-1] + int(at), pikepdf.Dictionary({k: v for k, v in label.items()})]
            if len(source.pages) % 2 and index < len(sources) - 1:
                box = source.pages[-1].mediabox
                result.add_blank_page(page_size=(float(box[2]) - float(box[0]), float(box[3]) - float(box[1])))
        first = sources[0]
        # The metadata of the pieces is the same but for a claim of PDF/UA-1: the book's is one only
        # when every piece makes it (typst refused none of them).
        described = next((source for source in sources if _CLAIM not in _metadata(source)), first) if structure else first
        for key in ("/Lang", "/ViewerPreferences", "/Metadata"):
            if key in described.Root:
                value = described.Root[key]
                result.Root[key] = result.copy_foreign(value if value.is_indirect else described.make_indirect(value))
        for key, value in first.docinfo.items():
            result.docinfo[key] = value
        result.docinfo.Producer = f"{first.docinfo.get('/Creator', 'typst')}, joined by pikepdf {pikepdf.__version__}"
        result.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
        if structure is not None:
            structure.finish()
        _point_links(result, starts, reports, output)
        result.save(output, deterministic_id=True)
    finally:
        for source in sources:
            source.close()
        result.close()


_CLAIM = b"<pdfuaid:part>1</pdfuaid:part>"


def _metadata(pdf: Any) -> bytes:
    metadata = pdf.Root.get("/Metadata")
    return metadata.read_bytes() if metadata is not None else b""


class _Structure:
    """The joined PDF's structure tree: each piece's tree, in order, as a `Part` of one `Document`.
    Pages and annotations are numbered on in the parent tree that leads from content to its element;
    element ids (notes, table cells) of later pieces are prefixed, so that no two are the same."""

    def __init__(self, result: Any) -> None:
        import pikepdf

        self.result = result
        self.document = result.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array()))
        self.parents = pikepdf.Array()
        self.ids: list[tuple[str, Any]] = []
        self.roles = pikepdf.Dictionary()
        self.next = 0  # the parent tree's next key

    def add(self, source: Any, pages: list[Any], prefix: str) -> None:
        """The tree of `source`, whose `pages` have just been copied into the result."""
        import pikepdf

        root = source.Root.StructTreeRoot
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + self.next
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + self.next
        for key, value in pikepdf.NumberTree(root.ParentTree).items():
            self.parents.extend([int(key) + self.next, self._copy(source, value)])
        self.next += int(root.get("/ParentTreeNextKey", 0))
        for kid in root.K if isinstance(root.K, pikepdf.Array) else [root.K]:
            part = self._copy(source, kid)
            if part.get("/S") == pikepdf.Name.Document:
                part.S = pikepdf.Name.Part
            part.P = self.document
            self.document.K.append(part)
            if prefix:
                _prefix_headers(part, prefix)
        if "/IDTree" in root:
            for name, element in pikepdf.NameTree(root.IDTree).items():
                copied = self._copy(source, element)
                copied.ID = pikepdf.String(prefix + name)
                self.ids.append((prefix + name, copied))
        for name, role in root.get("/RoleMap", {}).items():
            self.roles[name] = role

    def _copy(self, source: Any, value: Any) -> Any:
        # Copied from the same source as its pages, an element's page is the page already copied.
        return self.result.copy_foreign(value if value.is_indirect else source.make_indirect(value))

    def finish(self) -> None:
        import pikepdf

        names = pikepdf.Array(
            [item for name, element in sorted(self.ids, key=lambda pair: pair[0]) for item in (pikepdf.String(name), element)]
        )
        root = pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([self.document]), ParentTree=self.result.make_indirect(pikepdf.Dictionary(Nums=self.parents)),
            ParentTreeNextKey=self.next, RoleMap=self.roles,
        )  # fmt: skip
        if self.ids:
            root.IDTree = self.result.make_indirect(pikepdf.Dictionary(Names=names))
        self.result.Root.StructTreeRoot = self.result.make_indirect(root)
        self.document.P = self.result.Root.StructTreeRoot
        self.result.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def _prefix_headers(element: Any, prefix: str) -> None:
    """The ids a table cell's `Headers` attribute names, prefixed as their elements' ids are."""
    import pikepdf

    stack, seen = [element], set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node or (node.is_indirect and node.objgen in seen):
            continue
        seen.add(node.objgen)
        attributes = node.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes] if attributes is not None else []:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                attribute.Headers = pikepdf.Array([pikepdf.String(prefix + str(header)) for header in attribute.Headers])
        if "/K" in node:
            stack.append(node.K)


def _pairs(numbers: Any) -> list[tuple[Any, Any]]:
    items = list(numbers)
    return list(zip(items[::2], items[1::2]))


def _point_links(result: Any, starts: list[int], reports: list[dict[str, Any]], output: Path) -> None:
    """Each link to another part (a URI the part could not resolve) pointed at the page and place its
    target landed on, a little above it, as typst points its own links."""
    import pikepdf

    places = {}
    titles = {h["id"]: h.get("title", "") for report in reports for h in report["headings"]}
    for piece, report in enumerate(reports, start=1):
        for place in [*report["targets"], *({"id": h["id"], **h["at"]} for h in report["headings"])]:
            if "page" in place:
                places[place["id"]] = (starts[piece] + place["page"] - 1, place["x"], place["y"])
    for page in result.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(LINK):
                continue
            identifier = uri[len(LINK) :]
            if identifier not in places:
                raise ValidationError(f"a link to '#{identifier}' lands on no page of the PDF", path=output.name)
            number, x, y = places[identifier]
            target = result.pages[number]
            top = float(target.mediabox[3]) - y + 10
            annotation.Dest = pikepdf.Array([target.obj, pikepdf.Name.XYZ, x, top, 0])
            del annotation["/A"]
            if "/Contents" in annotation:  # what a screen reader says of it: no longer the URI
                annotation.Contents = pikepdf.String(titles.get(identifier) or target.label)


def write_data(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path.name


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
