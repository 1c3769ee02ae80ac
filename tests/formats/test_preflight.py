"""The PDF's preflight: the typeset PDF read back word by word, as a print shop reads it before it
prints. A PDF typst sets with every fault on purpose is read back by the real pdftotext, and each
fault is named at its page; the books whose lines used to run off the page (a hash in prose, in a
table's cells, in inline code; long code lines; a displayed equation; a definition longer than a page)
build clean, every word still printed; and a layout that overflows stops the build in one line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import typst
from conftest import TESTS, copy_book, presswork

from pipeline.formats.pdf import preflight
from pipeline.formats.styles import OWN

# The shipped template's page: 6 × 9 in, margins inside 0.85 in, outside 0.65 in, top and bottom 0.8 in.
DESIGN = preflight.Geometry(inside=61.2, outside=46.8, top=57.6, bottom=57.6)

FAULTY = """
#set page(width: 6in, height: 9in, margin: (inside: 0.85in, outside: 0.65in, top: 0.8in, bottom: 0.8in))
#set heading(numbering: "1.1")
= First chapter
#lorem(60)
#place(top + left, dy: 2cm)[Overprinted words here]
#place(top + left, dy: 2.1cm)[Printed over them again]
#lorem(30)
#box(width: 6in)[#lorem(20)]
#v(6.5cm)
#show heading: set block(sticky: false)
== A heading at the foot
#block(breakable: false, lorem(80))
#pagebreak()
#pagebreak()
= Second chapter
#lorem(20)
#place(bottom + left, dy: 1.6cm)[Below the block]
"""

CLEAN = """
#set page(width: 6in, height: 9in, margin: (inside: 0.85in, outside: 0.65in, top: 0.8in, bottom: 0.8in),
          footer: context align(center, counter(page).display()))
#set par(justify: true)
#set heading(numbering: "1.1")
= First chapter
#lorem(400)
== A section
#lorem(500), the end.
#pagebreak(to: "odd")
= Second chapter
#lorem(50)
"""


def _typeset(source: str, path: Path) -> Path:
    path.with_suffix(".typ").write_text(source, encoding="utf-8")
    typst.compile(str(path.with_suffix(".typ")), output=str(path), ignore_system_fonts=True)
    return path


def test_every_fault_of_a_typeset_pdf_is_named_at_its_page(tmp_path):
    problems = preflight.check(_typeset(FAULTY, tmp_path / "faulty.pdf"), DESIGN, timeout=60)
    said = [(problem.error, problem.page, problem.chapter, problem.what) for problem in problems]
    errors = [entry for entry in said if entry[0]]
    warnings = [entry for entry in said if not entry[0]]
    assert any(page == 1 and "printed over each other: 'Overprinted' and 'Printed'" in what for _, page, _, what in errors), said
    assert any(page == 1 and "printed off the page" in what for _, page, _, what in errors), said  # the box 6 in wide
    assert any(page == 1 and "into the margin" in what for _, page, _, what in errors), said
    assert any(page == 4 and what.startswith("'Below' is printed below the text block") for _, page, _, what in errors), said
    assert [(page, chapter) for _, page, chapter, what in warnings if "alone at the foot" in what] == [(1, "1 First chapter")], said
    assert [page for _, page, _, what in warnings if "is blank" in what] == [3], said  # a right-hand page left blank
    assert problems == sorted(problems, key=lambda problem: (not problem.error, problem.page))


def test_a_well_set_pdf_passes_with_its_designed_blank_page(tmp_path):
    pdf = _typeset(CLEAN, tmp_path / "clean.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert len(pages) >= 5 and pages[3].split() == ["4"] and "Second chapter" in pages[4]  # page 4 left blank, by design
    assert preflight.check(pdf, DESIGN, timeout=60) == []


def _words(text: str) -> str:
    return re.sub(r"\s+|↪\ufe0e?", "", text)


def test_lines_that_ran_off_the_page_are_set_inside_it(tmp_path):
    book = copy_book(TESTS / "books" / "wide-lines", tmp_path / "book")
    run = presswork("build", "--format", "pdf", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "preflight" not in run.stderr, run.stderr
    pdf = book / "build" / "wide-lines.pdf"
    assert preflight.check(pdf, DESIGN, timeout=60) == []
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = _words(text)
    token = "sha256new_K44G7XQ4SOWRHVVFSXDW737RFQAKICZE6MAX35OJ7DJHABZKSLVQK44G7XQ4SOWRHVVFSXDW737RFQAKICZE6MAX35OJ7DJHABZKSLVQ"
    assert squeezed.count(token) == 2  # in prose and in inline code, broken over lines, every character kept
    assert squeezed.count("sha256new_K44G7XQ4SOWRHVVFSXDW737RFQAKICZE6") >= 6  # and in each of the table's four cells
    line = '"[inventorycube{grass.png{dirt.png&grass_side.png{dirt.png&grass_side.png{dirt.png&grass_side.png{dirt.png&grass_side.png"'
    assert squeezed.count(line) == 2  # the long code line, plain and numbered
    java = "BigIntegerresult=BigInteger.valueOf(pr[i]).modInverse(BigInteger.valueOf(mod)).multiply(BigInteger.valueOf(x[i])"
    assert java in squeezed  # highlighted code, cut into short runs, breaks after its signs
    marks = [row for row in text.splitlines() if row.startswith("↪")]
    assert len(marks) >= 4, text  # each continuation of a wrapped code line opens with the mark
    assert "pasttheendoftheline,ascommentsdoinrealcode" in squeezed
    assert all(f"Paragraph{number}." in squeezed for number in range(1, 15))  # the long definition, over the page
    assert "Thelastwordsofthedescription,inanote" in squeezed and "safe_mode" in text


def test_a_layout_that_runs_off_the_page_stops_the_build_in_one_line(tmp_path):
    book = copy_book(TESTS / "books" / "wide-lines", tmp_path / "book")
    (book / "styles").mkdir()
    template = (OWN / "book.typ").read_text(encoding="utf-8")
    assert "  margin: pw-margin,\n" in template
    narrow = template.replace("  margin: pw-margin,\n", "  margin: (inside: 0.3in, outside: 0.3in, top: 0.8in, bottom: 0.8in),\n")
    (book / "styles" / "book.typ").write_text(narrow, encoding="utf-8")  # the text wider than the block it declares
    run = presswork("build", "--format", "pdf", "--no-check", cwd=book)
    assert run.returncode == 4, run.stderr
    said = [line for line in run.stderr.splitlines() if "preflight" in line]
    assert len(said) == 1 and said[0].startswith("wide-lines.pdf: error: the preflight finds"), run.stderr
    assert "the first on page 1 (printed i): 'Wide' is" in said[0] and "beside the text block" in said[0]  # the title page
    assert "the book's own styles/book.typ lays these pages out" in said[0]
    assert "Traceback" not in run.stderr
    assert not (book / "build" / "wide-lines.pdf").exists()  # nothing half-written


def _blank_pages_between_chapters(pdf: Path) -> list[int]:
    """The pages, after the first chapter's opening, on which nothing is printed (not even a folio)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    first = next(number for number, page in enumerate(pages, start=1) if "Wide things" in page and "CHAPTER" in page.upper())
    return [number for number, page in enumerate(pages, start=1) if number > first and not page.strip()]


def _openings(pdf: Path) -> dict[str, int]:
    """Each chapter's title and the page it opens on, from the PDF's bookmarks."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    return {
        re.sub(r"^[0-9]+ ", "", item.title): reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }


def test_chapters_open_on_the_next_page_when_the_book_says_any(tmp_path):
    right = copy_book(TESTS / "books" / "wide-lines", tmp_path / "right")
    assert presswork("build", "--format", "pdf", "--no-check", cwd=right).returncode == 0
    opened = _openings(right / "build" / "wide-lines.pdf")
    assert opened["Wide things"] % 2 == 1 and opened["Terms"] % 2 == 1  # right-hand pages
    assert opened["Long code lines"] == opened["Wide things"] + 1  # a one-page chapter after another: the next page

    any_page = copy_book(TESTS / "books" / "wide-lines", tmp_path / "any")
    config = any_page / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - presswork\n", "  - presswork:\n      book: {open: any}\n"))
    run = presswork("build", "--format", "pdf", "--no-check", cwd=any_page)
    assert run.returncode == 0, run.stderr
    assert "preflight" not in run.stderr, run.stderr
    assert _blank_pages_between_chapters(any_page / "build" / "wide-lines.pdf") == []


def test_code_in_a_table_s_cell_stands_on_the_baseline_of_the_text_beside_it(tmp_path):
    import pypdf

    book = copy_book(TESTS / "books" / "wide-lines", tmp_path / "book")
    assert presswork("build", "--format", "pdf", "--no-check", cwd=book).returncode == 0
    reader = pypdf.PdfReader(book / "build" / "wide-lines.pdf")
    baselines: dict[str, float] = {}

    def seen(text, cm, tm, font, size):
        for word in ("tools", "Minutes"):  # the code's runs: `tools`, `_`, `idle` (it may break after `_`)
            if text.strip().startswith(word):
                baselines.setdefault(word, round((pypdf.mult(tm, cm))[5], 1))  # the run's baseline, in the page's space

    for page in reader.pages:
        if "tools_idle" in page.extract_text():
            page.extract_text(visitor_text=seen)
    assert set(baselines) == {"tools", "Minutes"} and abs(baselines["tools"] - baselines["Minutes"]) < 0.5, baselines


def test_the_handbook_passes_the_preflight_without_a_warning(sample_book):
    """The handbook, its gallery of Material's blocks included: nothing over anything, nothing in the
    margins, no heading alone at a page's foot, no blank page but those before a right-hand page."""
    pdf = sample_book / "the-presswork-handbook.pdf"
    assert pdf.is_file() and preflight.check(pdf, DESIGN, timeout=120) == []
    import pypdf
    from artifacts import keep_pages

    reader = pypdf.PdfReader(pdf)
    opened = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)}
    tables = opened["4 Writing chapters"] + 2  # a table, a figure and code
    gallery = [
        page for page in range(opened["14 The gallery"], opened["14 The gallery"] + 8) if reader.pages[page - 1].extract_text().strip()
    ]
    keep_pages(pdf, "handbook", [3, 4, opened["Contents"], opened["1 Welcome"], tables, *gallery])  # the printed pages
