"""Readers for the built editions, so tests look at what a reader gets: HTML, XHTML, Word XML, PDF."""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pypdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def text_of(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def unnumbered(text: str) -> str:
    """A heading's text (or a passage that opens with one) without the number the EPUB gives it as
    the PDF does (`2.1 Summary` -> `Summary`)."""
    return re.sub(r"^\d+(?:\.\d+)* ", "", text)


# --- EPUB -----------------------------------------------------------------------------------------


@dataclass
class Epub:
    files: dict[str, bytes]

    @classmethod
    def open(cls, path: Path) -> Epub:
        with zipfile.ZipFile(path) as archive:
            return cls({name: archive.read(name) for name in archive.namelist()})

    def chapters(self) -> dict[str, ElementTree.Element]:
        """The XHTML documents of the book's text, by file name."""
        return {
            name.rsplit("/", 1)[-1]: ElementTree.fromstring(data)
            for name, data in sorted(self.files.items())
            if re.search(r"text/ch\d+\.xhtml$", name)
        }

    def find(self, tag: str, text: str, *, exact: bool = False) -> tuple[str, ElementTree.Element]:
        """The first element `tag` whose text contains (or is) `text`, and the file it is in."""
        for name, root in self.chapters().items():
            for element in root.iter(f"{XHTML}{tag}"):
                if (text == text_of(element)) if exact else (text in text_of(element)):
                    return name, element
        raise AssertionError(f"no <{tag}> with {text!r} in the EPUB")

    def element_by_id(self, name: str, identifier: str) -> ElementTree.Element:
        root = self.chapters()[name]
        for element in root.iter():
            if element.get("id") == identifier:
                return element
        raise AssertionError(f"no id {identifier!r} in {name}")


_SECTIONS = re.compile(r"^(?:\s*</section>|\s*<section[^>]*>)*\s*")
_END = re.compile(r'(?:\s*</section>)*\s*(?:<section id="footnotes"|</body>)')
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd|th|td|pre|figcaption)>")
_MARKERS = re.compile(r'(?:<span id="pw-page-(\d+)" role="doc-pagebreak" epub:type="pagebreak" aria-label="\1"></span>\s*)+')


@dataclass
class Place:
    """Where in the EPUB one or more pages begin: their numbers, the document, and the text after."""

    pages: list[int]
    document: str
    after: str  # the next words, without spaces (as pypdf and the XHTML space them differently)
    kind: str  # "text": the words after are a paragraph's or heading's; "end": of a chapter; "other": a table, code, ...


def _squeezed(markup: str) -> str:
    return "".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def places(epub: Path) -> list[Place]:
    """Every place a page begins, in reading order."""
    with zipfile.ZipFile(epub) as archive:
        package = archive.read("EPUB/content.opf").decode()
        manifest = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', package))
        spine = [manifest[ref] for ref in re.findall(r'<itemref idref="([^"]+)"', package)]
        found = []
        for document in spine:
            data = archive.read(f"EPUB/{document}").decode()
            for match in _MARKERS.finditer(data):
                numbers = [int(n) for n in re.findall(r'id="pw-page-(\d+)"', match.group(0))]
                before, rest = data[: match.start()], data[match.end() :]
                opening = _SECTIONS.sub("", rest[:500])  # the sections closed and opened where it is
                if _END.match(rest):
                    kind = "end"
                elif opening.startswith(("<p>", "<h")) or before.rfind("<p>") > before.rfind("</p>"):
                    kind = "text"
                else:
                    kind = "other"
                words = _squeezed(_BLOCK_END.split(rest[:3000], maxsplit=1)[0])  # in the block it is in, or opens
                found.append(Place(numbers, document, words[:16], kind))
    return found


def page_list(epub: Path) -> list[tuple[str, str]]:
    """The navigation document's page list: (label, href)."""
    with zipfile.ZipFile(epub) as archive:
        navigation = archive.read("EPUB/nav.xhtml").decode()
    listed = re.search(r'<nav epub:type="page-list" role="doc-pagelist"[^>]*>(.*?)</nav>', navigation, re.DOTALL)
    assert listed, "the EPUB has no page list"
    return [(label, href) for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', listed.group(1))]


# --- DOCX -----------------------------------------------------------------------------------------


@dataclass
class Docx:
    document: ElementTree.Element
    footnotes: ElementTree.Element
    styles: ElementTree.Element
    media: list[str]

    @classmethod
    def open(cls, path: Path) -> Docx:
        with zipfile.ZipFile(path) as archive:
            return cls(
                ElementTree.fromstring(archive.read("word/document.xml")),
                ElementTree.fromstring(archive.read("word/footnotes.xml")),
                ElementTree.fromstring(archive.read("word/styles.xml")),
                [name for name in archive.namelist() if name.startswith("word/media/")],
            )

    def paragraphs(self, *, numbered: bool = True) -> list[tuple[str, str, ElementTree.Element]]:
        """Every paragraph of the body as (style id, text, element); a tab reads as a space. Without
        `numbered`, a heading's words alone, without the number it carries as the PDF numbers it."""
        out = []
        for paragraph in self.document.iter(f"{W}p"):
            style = paragraph.find(f"{W}pPr/{W}pStyle")
            out.append((style.get(f"{W}val") if style is not None else "", self.text_of(paragraph, numbered=numbered), paragraph))
        return out

    @staticmethod
    def text_of(paragraph: ElementTree.Element, *, numbered: bool = True) -> str:
        """The words of `paragraph`; without `numbered`, not its heading number nor the tab after it."""
        skipped: set[int] = set()
        if not numbered:
            runs = list(paragraph.iter(f"{W}r"))
            for index, run in enumerate(runs):
                if run.find(f"{W}rPr/{W}rStyle[@{W}val='SectionNumber']") is not None:
                    skipped |= {id(node) for node in run.iter()}
                    if index + 1 < len(runs) and runs[index + 1].find(f"{W}tab") is not None:
                        skipped |= {id(node) for node in runs[index + 1].iter()}
        return "".join(
            " " if node.tag == f"{W}tab" else node.text or ""
            for node in paragraph.iter()
            if node.tag in (f"{W}t", f"{W}tab") and id(node) not in skipped
        )

    def paragraph(self, text: str, *, exact: bool = False) -> tuple[str, ElementTree.Element]:
        """The first paragraph holding `text` (or being it), a heading read without its number."""
        for style, content, element in self.paragraphs(numbered=False):
            if (text == content) if exact else (text in content):
                return style, element
        raise AssertionError(f"no paragraph with {text!r} in the DOCX")

    def runs_with(self, property_tag: str) -> list[str]:
        """The text of every run whose properties include `property_tag` (`i`, `strike`, ...)."""
        out = []
        for run in self.document.iter(f"{W}r"):
            if run.find(f"{W}rPr/{W}{property_tag}") is not None:
                out.append("".join(node.text or "" for node in run.iter(f"{W}t")))
        return out

    def bookmark_before(self, name: str) -> str:
        """The text of the paragraph that follows the bookmark `name` (where a link to it lands), a
        heading's without its number."""
        body = self.document.find(f"{W}body")
        children = list(body.iter())
        for index, node in enumerate(children):
            if node.tag == f"{W}bookmarkStart" and node.get(f"{W}name") == name:
                for following in children[index + 1 :]:
                    if following.tag == f"{W}p":
                        return self.text_of(following, numbered=False)
        raise AssertionError(f"no bookmark {name!r} in the DOCX")

    def style_name(self, style_id: str) -> str:
        for style in self.styles.iter(f"{W}style"):
            if style.get(f"{W}styleId") == style_id:
                return style.find(f"{W}name").get(f"{W}val")
        raise AssertionError(f"no style {style_id!r}")


# --- PDF ------------------------------------------------------------------------------------------


@dataclass
class Span:
    text: str
    font: str


class Pdf:
    def __init__(self, path: Path) -> None:
        self.reader = pypdf.PdfReader(path)

    def page_texts(self) -> list[str]:
        return [" ".join(page.extract_text().split()) for page in self.reader.pages]

    def text(self) -> str:
        return "\n".join(self.page_texts())

    def spans(self, page_index: int) -> list[Span]:
        """The text pieces of a page with the font each is set in."""
        spans: list[Span] = []

        def visit(text, cm, tm, font_dict, font_size):
            if text.strip() and font_dict is not None:
                spans.append(Span(text, str(font_dict.get("/BaseFont", ""))))

        self.reader.pages[page_index].extract_text(visitor_text=visit)
        return spans

    def page_of(self, text: str) -> int:
        for index, content in enumerate(self.page_texts()):
            if text in content:
                return index
        raise AssertionError(f"{text!r} is on no page of the PDF")

    def links(self) -> list[tuple[int, list[float], str]]:
        """Every internal link: (page index, its rectangle, the named destination it goes to)."""
        out = []
        for index, page in enumerate(self.reader.pages):
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") == "/Link" and isinstance(annotation.get("/Dest"), str):
                    out.append((index, [float(v) for v in annotation["/Rect"]], str(annotation["/Dest"])))
        return out

    def destination_page(self, name: str) -> int:
        destination = self.reader.named_destinations[name]
        return self.reader.get_destination_page_number(destination)

    def outline_titles(self) -> list[str]:
        titles: list[str] = []

        def walk(items):
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    titles.append(item.title)

        walk(self.reader.outline)
        return titles

    def chapters(self) -> list[tuple[str, int]]:
        """The top-level bookmarks: (title, page index), in order."""
        items = [item for item in self.reader.outline if not isinstance(item, list)]
        return [(item.title, self.reader.get_destination_page_number(item)) for item in items]

    def image_count(self, page_index: int) -> int:
        return len(self.reader.pages[page_index].images)


def structure(pdf: Path) -> list[tuple[str, str | None]]:
    """The PDF's structure tree read in document order: each element's type (`/Figure`) and its
    alternative text (None: it has none)."""
    import pikepdf

    found = []
    with pikepdf.open(pdf) as document:
        stack = [document.Root.StructTreeRoot.K]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(node))
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                found.append((str(node.S), str(node.Alt) if "/Alt" in node else None))
                if "/K" in node:
                    stack.append(node.K)
    return found


def editions_on(page: str) -> dict[str, dict[str, str]]:
    """The Downloads page's cards, by file name: each one's format (its heading) and its terms' values
    (File, Size, Accessibility, SHA-256, in the page's words), as a reader sees them."""
    import lxml.html

    cards = {}
    for card in lxml.html.fromstring(page).find_class("pw-edition"):
        terms = {" ".join(dt.text_content().split()): " ".join(dt.getnext().text_content().split()) for dt in card.iter("dt")}
        (link,) = card.xpath(".//dd/a")
        cards[link.text_content()] = {"format": " ".join(card[0].text_content().split()), **terms}
    return cards


KEPT = Path(__file__).resolve().parent.parent / "build" / "test-pages"  # where a reviewer looks at the pages


def keep_pages(pdf: Path, name: str, pages: list[int]) -> list[Path]:
    """Pages of `pdf` (numbered as a viewer counts them) kept as images under build/test-pages/, as a
    reader would see them, for a reviewer to look at; each one checked to have something printed on it."""
    import subprocess

    from PIL import Image

    KEPT.mkdir(parents=True, exist_ok=True)
    kept = []
    for page in pages:
        stem = KEPT / f"{name}-{page:03d}"
        subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "60", "-png", "-singlefile", str(pdf), str(stem)], check=True)
        image = Image.open(stem.with_suffix(".png")).convert("L")
        assert image.getextrema()[0] < 128, f"page {page} of {pdf.name} is blank"
        kept.append(stem.with_suffix(".png"))
    return kept
