"""Paragraph marks for a redline: the one thing pandoc's DOCX writer leaves out of tracked changes.

pandoc marks the runs of a paragraph that was inserted or deleted whole, but not the paragraph's
own mark, so accepting a deleted paragraph would leave an empty one behind and rejecting an inserted
one likewise. Word records the mark as `w:pPr/w:rPr/w:ins` or `w:del`; this adds it to every
paragraph whose text is all inserted or all deleted, and gives every change its own `w:id`, apart
from the bookmarks' ids, as Word expects. Only `word/document.xml` changes; every other entry is
copied with its order and date.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "word/document.xml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def mark_paragraphs(path: Path) -> None:
    """Rewrite the DOCX at `path` in place (through a temporary file and one rename)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    for index, (info, data) in enumerate(entries):
        if info.filename == _DOCUMENT:
            entries[index] = (info, _rewrite(data))
    temporary = path.with_name(f".{path.name}.marks")
    with zipfile.ZipFile(temporary, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    os.replace(temporary, path)


def _rewrite(data: bytes) -> bytes:
    text = data.decode("utf-8")
    for prefix, uri in re.findall(r'xmlns:(\w+)="([^"]+)"', text[:4000]):
        ElementTree.register_namespace(prefix, uri)
    root = ElementTree.fromstring(data)
    for paragraph in root.iter(_w("p")):
        kind, change = _whole(paragraph)
        if kind is not None:
            properties = paragraph.find(_w("pPr"))
            if properties is None:
                properties = ElementTree.Element(_w("pPr"))
                paragraph.insert(0, properties)
            run_properties = properties.find(_w("rPr"))
            if run_properties is None:
                run_properties = ElementTree.SubElement(properties, _w("rPr"))
            stamp = {_w("author"): change.get(_w("author"), ""), _w("date"): change.get(_w("date"), "")}
            ElementTree.SubElement(run_properties, _w(kind), stamp)
            _number_changed(paragraph, kind, stamp)
    changes = [e for e in root.iter() if e.tag in (_w("ins"), _w("del"))]
    tags = (_w("ins"), _w("del"))
    taken = [int(e.get(_w("id"))) for e in root.iter() if e.tag not in tags and (e.get(_w("id")) or "").isdigit()]
    for number, change in enumerate(changes, start=max(taken, default=0) + 1):  # unique among bookmarks too
        change.set(_w("id"), str(number))
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ElementTree.tostring(
        root, encoding="utf-8", xml_declaration=False
    )


def _number_changed(paragraph: ElementTree.Element, kind: str, stamp: dict[str, str]) -> None:
    """The number of a heading inserted or deleted whole (and the tab after it), inside the same change:
    accepted or rejected with its words. A deleted one's text becomes deleted text."""
    children = list(paragraph)
    for index, child in enumerate(children):
        if child.tag != _w("r") or not _numbered(child):
            continue
        runs = [child] + ([children[index + 1]] if index + 1 < len(children) and children[index + 1].find(_w("tab")) is not None else [])
        change = ElementTree.Element(_w(kind), stamp)
        paragraph.insert(list(paragraph).index(child), change)
        for run in runs:
            paragraph.remove(run)
            change.append(run)
            if kind == "del":
                for text in run.iter(_w("t")):
                    text.tag = _w("delText")
        return


def _numbered(run: ElementTree.Element) -> bool:
    """Whether `run` is a heading's number, as pandoc writes it (`--number-sections`)."""
    style = run.find(f"{_w('rPr')}/{_w('rStyle')}")
    return style is not None and style.get(_w("val")) == "SectionNumber"


def _whole(paragraph: ElementTree.Element) -> tuple[str | None, ElementTree.Element | None]:
    """('ins' or 'del', the first change) when every run with text in `paragraph` is inside one kind."""
    kinds: set[str | None] = set()
    first = None
    for run in _runs(paragraph, None):
        element, kind = run
        kinds.add(kind)
        if kind is not None and first is None:
            first = element
    if len(kinds) == 1 and None not in kinds:
        return kinds.pop(), first
    return None, None


def _runs(parent: ElementTree.Element, kind: str | None):
    """(the change element, 'ins'/'del'/None) for each run with text, in paragraph order."""
    for child in parent:
        if child.tag in (_w("ins"), _w("del")):
            for run in child.iter(_w("r")):
                if _has_text(run):
                    yield child, child.tag.rsplit("}", 1)[1]
        elif child.tag == _w("r"):
            if _has_text(child) and not _numbered(child):  # a heading's number is the book's, no change of its own
                yield child, kind
        elif child.tag in (_w("hyperlink"), _w("smartTag"), _w("fldSimple")):
            yield from _runs(child, kind)


def _has_text(run: ElementTree.Element) -> bool:
    return any((e.text or "").strip() for e in run if e.tag in (_w("t"), _w("delText"))) or run.find(_w("drawing")) is not None
