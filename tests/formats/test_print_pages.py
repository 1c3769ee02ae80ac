"""The EPUB's pages are the PDF's: a reader of one edition finds a page cited from the other. Read
from the two artifacts: every numbered page of the PDF is in the EPUB's page list, in order, and
marked (`doc-pagebreak`) where it begins, as the text extracted from that page of the PDF shows."""

from __future__ import annotations

import pypdf
from artifacts import page_list, places

from pipeline.formats import pages

SLUG = "the-presswork-handbook"


def test_every_page_of_the_pdf_is_listed_and_marked_in_the_epub(sample_book):
    reader = pypdf.PdfReader(sample_book / f"{SLUG}.pdf")
    numbered = [label for label in reader.page_labels if label.isdigit()]  # the body (the front matter counts i, ii, ...)
    found = places(sample_book / f"{SLUG}.epub")
    assert [page for place in found for page in place.pages] == [int(label) for label in numbered]
    assert page_list(sample_book / f"{SLUG}.epub") == [
        (str(page), f"{place.document}#pw-page-{page}") for place in found for page in place.pages
    ]


def test_each_page_is_marked_where_the_pdf_s_page_begins(sample_book):
    """A page is marked before the first paragraph that begins on it; a page on which none begins
    (a block runs over it, or it is left empty before a chapter) where the block running onto it
    begins, or at the end of the chapter before it."""
    reader = pypdf.PdfReader(sample_book / f"{SLUG}.pdf")
    labels = reader.page_labels
    texts = ["".join(page.extract_text().split()) for page in reader.pages]

    def on(page: int) -> str:
        return texts[labels.index(str(page))]

    found = places(sample_book / f"{SLUG}.epub")
    checked = running = ends = 0
    for place, following in zip(found, found[1:] + [None]):
        first = place.pages[0]
        if place.kind == "end":  # at a chapter's end: the next chapter begins on none of its pages
            assert following is None or not any(following.after in on(page) for page in place.pages), place
            ends += 1
            continue
        if place.kind != "text":  # code, tables and mathematics extract otherwise from a PDF
            continue
        if place.after in on(first):
            checked += 1
        else:  # a page no paragraph begins on: the paragraph before it runs onto it
            earlier = [page for page in range(max(1, first - 3), first) if place.after in on(page)]
            assert earlier, f"page {first} is marked before {place.after!r}, which is on no page up to it"
            assert following is None or following.after not in on(first), f"a paragraph begins on page {first}, after its marker"
            running += 1
        for page in place.pages[1:]:  # pages the same block runs over: no paragraph begins on them
            assert following is None or following.after not in on(page)
    assert checked > 50 and ends, (checked, running, ends)


def test_a_page_begins_where_the_first_block_on_it_does():
    # Marks in order with the page each is on: page 1 begins at a; 2 at c (b ran onto it); no block
    # begins on 3, over which d runs; e, a chapter's end, is on 4, and 5 is left empty after it.
    placed = pages.place([["a", 1], ["b", 1], ["c", 2], ["d", 2], ["e", 4], ["f", 6]], 6)
    assert placed == {"a": [1], "c": [2], "d": [3], "e": [4, 5], "f": [6]}
    assert pages.place([], 3) == {}
