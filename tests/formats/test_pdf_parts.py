"""A long book's PDF is typeset in parts and joined: read as a reader reads it, it must be the PDF the
book typeset whole gives, page for page (text, page labels, bookmarks, every link and where it lands).

Two books stand in for a long one, with a low `pdf_part_words`: the conformance corpus (every
construct; each of its chapters becomes a part) and the handbook (eleven chapters in parts of a few).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil

import pypdf
import pytest
from artifacts import Pdf, page_list, places, structure
from conftest import REPO, TESTS, copy_book, presswork

from pipeline.environment import cache_folder
from pipeline.tools import verapdf

BOOKS = {"conformance": 1, "handbook": 4000}  # pdf_part_words that split each into several parts


def _with_parts(folder, words: int, name: str = "conformance"):
    if name == "conformance":
        book = copy_book(TESTS / "conformance", folder / "book")
    else:
        book = folder / "book"
        shutil.copytree(REPO / "book", book / "book")
        shutil.copytree(REPO / "styles", book / "styles")
        shutil.copytree(REPO / "includes", book / "includes")
        shutil.copy(REPO / "mkdocs.yml", book / "mkdocs.yml")
    config = book / "mkdocs.yml"
    text = config.read_text()
    assert "      book:\n" in text
    config.write_text(text.replace("      book:\n", f"      pdf_part_words: {words}\n      book:\n", 1))
    return book


@pytest.fixture(scope="module", params=list(BOOKS))
def book(request):
    return request.param


@pytest.fixture(scope="module")
def parts(book, tmp_path_factory):
    folder = _with_parts(tmp_path_factory.mktemp("parts"), BOOKS[book], book)
    run = presswork("build", "--no-check", "--format", "pdf", cwd=folder)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    return _pdf(folder / "build")


@pytest.fixture(scope="module")
def whole(book, request):
    return _pdf(request.getfixturevalue("conformance" if book == "conformance" else "sample_book"))


def _pdf(folder):
    (found,) = folder.glob("*.pdf")
    return found


def _links(path):
    """Every link: (its page, and for a link within the book the page it lands on and where)."""
    reader = pypdf.PdfReader(path)
    index = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    named = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest")
            if destination is None:
                found.append((number, str(annotation["/A"]["/URI"])))
            elif isinstance(destination, str):
                target = named[destination]
                found.append((number, index[target.page.idnum], round(float(target.left), 1), round(float(target.top), 1)))
            else:
                found.append((number, index[destination[0].idnum], round(float(destination[2]), 1), round(float(destination[3]), 1)))
    return found


def _outline(path):
    reader = pypdf.PdfReader(path)

    def walk(items):
        return [walk(item) if isinstance(item, list) else (item.title, reader.get_destination_page_number(item)) for item in items]

    return walk(reader.outline)


def test_every_page_reads_as_in_the_book_typeset_whole(parts, whole):
    joined, single = Pdf(parts), Pdf(whole)
    # A hyphen typst breaks a word with is the same glyph in both; its text is U+00AD (soft hyphen)
    # without tags, and "-" with tags except inside emphasis.
    assert [page.replace("\xad", "-") for page in joined.page_texts()] == [page.replace("\xad", "-") for page in single.page_texts()]
    assert joined.reader.page_labels == single.reader.page_labels
    assert len(single.chapters()) >= 3  # the contents and chapters of several parts


def test_every_link_lands_where_it_lands_in_the_book_typeset_whole(parts, whole):
    # A link broken over two lines may be one annotation (with QuadPoints) or one a line: count it once.
    joined, single = [k for k, _ in itertools.groupby(_links(parts))], [k for k, _ in itertools.groupby(_links(whole))]
    assert joined == single
    crossing = [link for link in joined if len(link) == 4 and link[1] != link[0]]
    assert crossing  # links from the contents and between chapters: pages of other parts
    assert not any(isinstance(link[1], str) and link[1].startswith("x-presswork:") for link in joined)


def test_contents_and_bookmarks_give_the_pages_chapters_open_on(parts, whole):
    assert _outline(parts) == _outline(whole)
    pdf = Pdf(parts)
    (_, first), *chapters = pdf.chapters()  # the contents, then the chapters
    contents = " ".join(pdf.page_texts()[first : chapters[0][1]])
    for title, page in chapters:
        assert f"{title} {pdf.reader.page_labels[page]}" in contents  # its entry, with the page it opens on


def test_the_joined_pdf_has_the_books_metadata(parts, whole):
    joined, single = pypdf.PdfReader(parts), pypdf.PdfReader(whole)
    for key in ("/Title", "/Author", "/CreationDate", "/ModDate"):
        assert joined.metadata[key] == single.metadata[key]
    assert joined.trailer["/Root"]["/Lang"] == single.trailer["/Root"]["/Lang"]


def test_the_joined_pdf_keeps_the_structure_a_screen_reader_reads(parts, whole):
    """Each part's tags, joined in order: the same headings, figures (with their alternative texts),
    formulas, tables, lists, notes and code as in the book typeset whole, in the same order."""
    joined, single = structure(parts), structure(whole)
    assert [kind for kind, _ in joined].count("/Part") >= 3  # the front matter and each part, under one Document

    def body(found):  # the contents page is tagged otherwise in the joined PDF: paragraphs of links
        return [
            (kind, alt)
            for kind, alt in found
            if kind in ("/H1", "/H2", "/H3", "/H4", "/Figure", "/Formula", "/Table", "/TH", "/L", "/LI", "/Note", "/Code")
        ]

    assert body(joined) == body(single)
    assert any(kind == "/Figure" for kind, _ in body(single)) and any(kind == "/Table" for kind, _ in body(single))
    # Each id (of a note, a table cell) names one element, and every table cell's headers are ids.
    ids, headers = _ids(parts)
    assert len(ids) == len(set(ids)) and len(ids) == len(_ids(whole)[0])
    assert headers and set(headers) <= set(ids)


def _ids(path):
    """The ids of the PDF's structure elements, and the ids that table cells name as their headers."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        ids = [str(name) for name in pikepdf.NameTree(root.IDTree).keys()] if "/IDTree" in root else []
        headers, stack = [], [root.K]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                attributes = node.get("/A")
                for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes] if attributes is not None else []:
                    if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                        headers += [str(header) for header in attribute.Headers]
                if "/K" in node:
                    stack.append(node.K)
    return ids, headers


def test_typeset_in_parts_twice_gives_the_same_bytes(book, parts, tmp_path):
    folder = _with_parts(tmp_path, BOOKS[book], book)
    run = presswork("build", "--no-check", "--format", "pdf", "--no-cache", cwd=folder)
    assert run.returncode == 0, run.stderr
    again = _pdf(folder / "build")
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(parts.read_bytes()).digest()


def test_the_epub_cites_the_pages_of_the_pdf_typeset_in_parts(book, tmp_path, request):
    # Built alone, the EPUB still has the PDF's pages: the book is typeset (in parts) to know them.
    folder = _with_parts(tmp_path, BOOKS[book], book)
    run = presswork("build", "--no-check", "--format", "epub", cwd=folder)
    assert run.returncode == 0, run.stderr
    assert not list((folder / "build").glob("*.pdf"))
    (epub,) = (folder / "build").glob("*.epub")
    (typeset_whole,) = request.getfixturevalue("conformance" if book == "conformance" else "sample_book").glob("*.epub")
    found = places(epub)
    assert len(found) >= (3 if book == "conformance" else 50)
    assert found == places(typeset_whole)
    assert page_list(epub) == page_list(typeset_whole)


def test_a_book_within_the_limit_is_typeset_whole(tmp_path):
    folder = _with_parts(tmp_path, 10_000_000)
    run = presswork("build", "--no-check", "--format", "pdf", cwd=folder)
    assert run.returncode == 0, run.stderr
    assert "/StructTreeRoot" in pypdf.PdfReader(_pdf(folder / "build")).trailer["/Root"]


def test_a_limit_below_zero_is_refused_where_it_is_written(tmp_path):
    folder = _with_parts(tmp_path, -5)
    run = presswork("build", "--no-check", "--format", "pdf", cwd=folder)
    assert run.returncode == 2
    assert run.stderr.strip() == "mkdocs.yml:32: error: plugins.presswork.pdf_part_words: '-5' is not a whole number of 0 or more"
    assert not (folder / "build").exists()


VERAPDF = verapdf.Validator.find(cache_folder(os.environ))


@pytest.mark.skipif(VERAPDF.missing() is not None, reason=f"{VERAPDF.missing()} (make test installs it from Maven Central)")
def test_the_joined_pdf_is_pdf_ua_1_by_verapdf(parts, whole):
    assert b"<pdfuaid:part>1</pdfuaid:part>" in whole.read_bytes() and b"<pdfuaid:part>1</pdfuaid:part>" in parts.read_bytes()
    assert VERAPDF.check(parts, timeout=600) == []
