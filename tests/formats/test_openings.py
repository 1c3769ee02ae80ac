"""Where the PDF's chapters open under `open: right`: each on a right-hand page, but a one-page chapter
after another one-page chapter, which follows on the next page, so a run of short chapters is not
interleaved with blank pages. Read back from the PDF's bookmarks and its pages' text, whole and in
parts; and the same bytes whatever the previous build left in the cache."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
from conftest import fresh_cache, presswork

from pipeline.formats.pdf import openings
from pipeline.store import Store

WORDS = "The tern flies over the harbour while the tide turns and the boats come home. "

# (title, sentences): 40 sentences fill about three pages; 3 fit on one.
CHAPTERS = [("Long one", 40), ("Short one", 3), ("Short two", 3), ("Short three", 3), ("Long two", 40), ("Short four", 3)]


def _book(folder: Path, *, parts: bool = False) -> Path:
    folder.mkdir()
    (folder / "docs").mkdir()
    nav = []
    for number, (title, sentences) in enumerate(CHAPTERS, start=1):
        name = f"c{number}.md"
        (folder / "docs" / name).write_text(f"# {title}\n\n" + (WORDS * sentences + "\n\n") * 2, encoding="utf-8")
        nav.append(f"  - {title}: {name}\n")
    setting = "      pdf_part_words: 900\n" if parts else ""
    (folder / "mkdocs.yml").write_text(
        "site_name: Openings\nnav:\n" + "".join(nav) + "plugins:\n  - presswork:\n      formats: [pdf]\n" + setting,
        encoding="utf-8",
    )
    return folder


def _openings(pdf: Path) -> tuple[dict[str, int], set[int]]:
    """Each chapter's first page (as the viewer counts them), and the pages on which nothing is printed."""
    reader = pypdf.PdfReader(pdf)
    opened = {}
    for item in reader.outline:
        if not isinstance(item, list):
            opened[re.sub(r"^[0-9]+ ", "", item.title)] = reader.get_destination_page_number(item) + 1
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    blank = {number for number, page in enumerate(text.split("\f")[:-1], start=1) if not page.strip()}
    return opened, blank


def _build(book: Path, cache: Path) -> Path:
    run = presswork("build", "--no-check", "--draft", cwd=book, env={"PRESSWORK_CACHE": str(cache)})
    assert run.returncode == 0, run.stderr
    assert "did not settle" not in run.stderr and "preflight" not in run.stderr, run.stderr
    return book / "build" / "openings.pdf"


def test_a_run_of_one_page_chapters_is_set_page_after_page(tmp_path):
    pdf = _build(_book(tmp_path / "book"), fresh_cache(tmp_path / "cache"))
    opened, blank = _openings(pdf)
    assert set(opened) >= {title for title, _ in CHAPTERS}
    assert opened["Long one"] % 2 == 1 and opened["Short one"] % 2 == 1  # after a long chapter: a right-hand page
    assert opened["Short two"] == opened["Short one"] + 1  # one page after another: the next page, left or right
    assert opened["Short three"] == opened["Short two"] + 1
    assert opened["Long two"] % 2 == 1 and opened["Long two"] - opened["Short three"] <= 2
    assert opened["Short four"] % 2 == 1  # a short chapter after a long one opens on the right, as ever
    inside = [page for page in blank if opened["Short one"] <= page < opened["Short three"]]
    assert inside == []  # no blank page within the run
    short = [page for page in blank if opened["Long two"] - 1 == page]
    assert len(short) == (opened["Short three"] % 2)  # a blank left page only where the run ends on a right-hand one


def test_the_pages_are_the_same_whatever_the_previous_build_chose(tmp_path):
    book = _book(tmp_path / "book")
    first = _build(book, fresh_cache(tmp_path / "first")).read_bytes()
    cache = fresh_cache(tmp_path / "stale")
    store = Store(cache / "store")
    openings.remember(store, "openings", ["long-two", "short-four", "short-one", "no-such-chapter"])  # all wrong
    assert _build(book, cache).read_bytes() == first
    assert openings.remembered(store, "openings") == ["short-two", "short-three"]  # corrected for the next build


def test_a_book_typeset_in_parts_runs_its_short_chapters_on_within_a_part(tmp_path):
    pdf = _build(_book(tmp_path / "book", parts=True), fresh_cache(tmp_path / "cache"))
    opened, blank = _openings(pdf)
    order = [title for title, _ in CHAPTERS]
    lengths = {
        title: opened[after] - opened[title] - sum(opened[title] < p < opened[after] for p in blank)
        for title, after in zip(order, order[1:])
    }
    ran_on = [title for title in order if opened[title] % 2 == 0]
    assert ran_on, opened  # the book holds a run of short chapters within one part
    for title in ran_on:  # every chapter on a left-hand page is a one-page one after another
        before = order[order.index(title) - 1]
        assert lengths[before] == 1 and lengths.get(title, 1) == 1, (title, opened)
