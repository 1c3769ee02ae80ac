"""A long book's PDF: typeset in parts of whole chapters, one after another, and joined.

typst keeps every page of a document in memory until it writes the PDF, about 1.1 MB a page: 4.5 GB
for a 4,000-page book. A book of more than `pdf_part_words` words is therefore typeset in parts, each
numbered on from where the part before it ended (pages, chapters, figures, tables, code), each asked
after it is laid out where its headings and linked anchors fell. The front matter comes last: its
contents lists the pages the parts reported. The join keeps what a reader uses (page labels,
bookmarks, every link, to the place it lands on, the metadata) but not typst's tags, which describe one
document's structure: a book within the limit is typeset whole and keeps them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import tree
from pipeline.errors import ValidationError

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
    groups: list[list[Any]] = [[]]
    count = 0
    for chapter in chapters:
        size = len(tree.stringify(chapter).split())
        if groups[-1] and words and count + size > words:
            groups.append([])
            count = 0
        groups[-1].extend(chapter)
        count += size
    ids = [{a[0] for node in tree.nodes(group) if (a := tree.attr(node)) and a[0]} for group in groups]
    parts = [Part(group, []) for group in groups]
    home = {identifier: index for index, found in enumerate(ids) for identifier in found}
    for index, part in enumerate(parts):

        def mark(node: Any, index: int = index) -> list[Any] | None:
            url = node["c"][2][0] if node["t"] == "Link" else ""
            target = home.get(url[1:]) if url.startswith("#") else None
            if target is None or target == index:
                return None
            parts[target].targets.append(url[1:])
            return [{"t": "Link", "c": [node["c"][0], node["c"][1], [LINK + url[1:], node["c"][2][1]]]}]

        part.blocks = tree.rewrite_inlines(part.blocks, mark)
    for part in parts:
        part.targets = sorted(set(part.targets))
    return parts


def start(previous: dict[str, Any] | None, pages: int) -> dict[str, int]:
    """Where a part's numbering starts: after the part before it (`previous`, its report, and
    `pages`, its page count), and after the empty page that makes this part open on a right-hand page."""
    if previous is None:
        return {"page": 1, "chapter": 0, "image": 0, "table": 0, "raw": 0}
    return {
        "page": previous["page"] + 1 + pages % 2,
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
    labels, bookmarks and metadata, and the links between parts pointed at the place they land on."""
    import pypdf
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, FloatObject, NameObject, NumberObject

    writer = pypdf.PdfWriter()
    labels: list[Any] = []
    starts: list[int] = []
    pieces = [front, *parts]
    for index, path in enumerate(pieces):
        reader = pypdf.PdfReader(path)
        first = len(writer.pages)
        starts.append(first)
        writer.append(reader, import_outline=True)
        numbers = reader.trailer["/Root"].get("/PageLabels", {}).get("/Nums", [])
        for at, label in zip(numbers[::2], numbers[1::2]):
            labels += [NumberObject(first + int(at)), DictionaryObject({NameObject(k): v for k, v in label.get_object().items()})]
        if index == 0:
            metadata = dict(reader.metadata or {})
            writer.add_metadata({**metadata, "/Producer": f"{metadata.get('/Creator', 'typst')}, joined by pypdf {pypdf.__version__}"})
            root = reader.trailer["/Root"]
            for key in ("/Lang", "/Metadata"):
                if key in root:
                    writer._root_object[NameObject(key)] = root[key].clone(writer) if key == "/Metadata" else root[key]
        if len(reader.pages) % 2 and index < len(pieces) - 1:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(box.width, box.height)
    writer._root_object[NameObject("/PageLabels")] = DictionaryObject({NameObject("/Nums"): ArrayObject(labels)})
    places = {}
    for piece, report in enumerate(reports, start=1):
        for place in [*report["targets"], *({"id": h["id"], **h["at"]} for h in report["headings"])]:
            if "page" in place:
                places[place["id"]] = (starts[piece] + place["page"] - 1, place["x"], place["y"])
    for page in writer.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            uri = annotation.get("/A", {}).get("/URI", "")
            if not uri.startswith(LINK):
                continue
            if uri[len(LINK):] not in places:
                raise ValidationError(f"a link to '#{uri[len(LINK):]}' lands on no page of the PDF", path=output.name)
            number, x, y = places[uri[len(LINK):]]
            target = writer.pages[number]
            top = float(target.mediabox.height) - y + 10  # as typst does: a little above the place
            annotation[NameObject("/Dest")] = ArrayObject(
                [target.indirect_reference, NameObject("/XYZ"), FloatObject(x), FloatObject(top), NumberObject(0)]
            )
            for key in ("/A", "/Contents"):
                annotation.pop(NameObject(key), None)
    identity = hashlib.md5(b"".join(path.read_bytes() for path in pieces)).digest()
    writer._ID = ArrayObject([ByteStringObject(identity), ByteStringObject(identity)])
    with open(output, "wb") as handle:
        writer.write(handle)


def write_data(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path.name


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def page_count(path: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(path).pages)
