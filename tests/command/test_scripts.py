"""Every script typeset: a Chinese book with chapters in Cyrillic, Greek, Arabic, Hebrew, Devanagari,
Japanese, Korean and emoji, read back from the PDF as a reader copies it out (poppler's pdftotext),
and a character no font has stopped at its line before any PDF is written."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, presswork

from pipeline.formats.pdf import fonts

pytestmark = [
    pytest.mark.skipif(
        bool(fonts.missing_packages()),
        reason=f"the Noto fonts are not installed ({' '.join(fonts.missing_packages())}): make test installs them",
    ),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed: make test installs it"),
]

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    book = copy_book(TESTS / "books" / "scripts", tmp_path_factory.mktemp("scripts") / "book")
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert run.returncode == 0, run.stderr
    return book


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _source_lines(book: Path, name: str) -> list[str]:
    lines = (book / "book" / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith(("#", "```")) and "](" not in line]


def test_chinese_text_comes_out_of_the_pdf_as_written(built):
    text = "".join(_text(built / "build" / "多文种排版.pdf").split())  # a line break in Chinese is no space
    for line in _source_lines(built, "index.md"):
        assert "".join(line.split()) in text, line
    assert "第1章中文排版" in text and "第2章" in text  # the chapter's number inside its word, as Chinese books write it


def test_every_script_comes_out_of_the_pdf_as_written(built):
    lines = [" ".join(_BIDI.sub("", line).split()) for line in _text(built / "build" / "多文种排版.pdf").splitlines()]
    for written in _source_lines(built, "scripts.md"):
        label, _, rest = written.partition(":") if ":" in written else written.partition("：")
        if any("\u0590" <= c <= "\u06ff" for c in written):  # right to left: each word as written, in a line of its own
            line = next((line for line in lines if rest.split()[0] in line), "")
            assert set(rest.strip().rstrip(".").split()) <= set(line.replace(".", " ").replace(":", " ").split()), (written, line)
        elif label == "Emoji":  # drawn as pictures on their own baseline: pdftotext may put them before their line
            assert all(symbol in "".join(lines) for symbol in rest.split()), written
        else:
            assert "".join(written.split()) in "".join("".join(lines).split()), written


def test_every_page_of_the_pdf_is_kept_to_look_at(built):
    """Chinese, Arabic, Hebrew and Devanagari pages as a reader sees them (build/test-pages/)."""
    from artifacts import keep_pages

    pdf = built / "build" / "多文种排版.pdf"
    printed = [number for number, page in enumerate(_text(pdf).split("\f")[:-1], start=1) if page.strip()]
    assert len(keep_pages(pdf, "scripts", printed)) == len(printed) > 3


def test_the_pdf_embeds_the_noto_fonts_it_needs(built):
    data = (built / "build" / "多文种排版.pdf").read_bytes()
    for family in (b"NotoSerifCJK", b"NotoNaskhArabic", b"NotoSerifDevanagari", b"NotoColorEmoji"):  # Hebrew is in Libertinus
        assert family in data, family


def test_the_same_book_gives_the_same_pdf(built, tmp_path):
    again = copy_book(TESTS / "books" / "scripts", tmp_path / "book")
    run = presswork("build", "--no-check", "--no-cache", "--format", "pdf", cwd=again)
    assert run.returncode == 0, run.stderr
    assert (again / "build" / "多文种排版.pdf").read_bytes() == (built / "build" / "多文种排版.pdf").read_bytes()


def test_a_character_no_font_shows_is_its_code_point_in_the_pdf_with_a_warning_at_its_line(tmp_path):
    """An icon font's private-use character in a code example, a hieroglyph in prose: the PDF shows
    each as its code point, which a reader sees, and the build says where each is; in strict mode
    (`strict: true`) it is an error and no PDF is written."""
    book = copy_book(TESTS / "books" / "scripts", tmp_path / "book")
    chapter = book / "book" / "scripts.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + '\nHieroglyphs: 𓀀 here.\n\n```yaml\nicon: "\uf0c1"\n```\n', encoding="utf-8")
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert (
        "book/scripts.md:21:14: warning: no font for the PDF can show '𓀀' (U+13000 EGYPTIAN HIEROGLYPH A001): the PDF shows "
        "its code point, ‹U+13000›, instead (write it otherwise, or as an image)"
    ) in lines, run.stderr
    assert any(
        line.startswith("book/scripts.md:24:8: warning: no font for the PDF can show '\uf0c1' (U+F0C1 unnamed)") for line in lines
    ), run.stderr
    text = subprocess.run(["pdftotext", str(book / "build" / "多文种排版.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hieroglyphs: ‹U+13000› here." in text and 'icon: "‹U+F0C1›"' in text
    assert "\x00" not in text  # no empty box in place of a character

    config = book / "mkdocs.yml"
    config.write_text("strict: true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    (book / "build" / "多文种排版.pdf").unlink()
    strict = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert strict.returncode == 1, strict.stderr
    assert (
        strict.stderr.strip().splitlines()[-1]
        == "book/scripts.md:21:14: error: no font for the PDF can show '𓀀' (U+13000 EGYPTIAN HIEROGLYPH A001) (write it otherwise, or as an image)"
    )
    assert not (book / "build" / "多文种排版.pdf").exists()


def test_headings_in_any_script_get_ids_that_work_in_every_edition(tmp_path):
    book = copy_book(TESTS / "books" / "scripts", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "site", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    site = (book / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert 'id="中文排版"' in site and 'id="代码"' in site  # not toc's own `_` and `_1`
    assert 'href="index.html#代码"' in (book / "build" / "site" / "scripts.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(book / "build" / "多文种排版.epub") as epub:
        chapters = {name: epub.read(name).decode() for name in epub.namelist() if name.startswith("EPUB/text/ch")}
    holder = next(name for name, text in chapters.items() if 'id="代码"' in text)
    assert any(f'href="{Path(holder).name}#代码"' in text for text in chapters.values())
    check = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert check.returncode == 0, check.stdout + check.stderr
    # no link or id finding; the chapter of scripts leaves its languages unmarked, so in this Chinese
    # book each of its non-Chinese lines is one language-not-marked warning, heading included
    findings = json.loads(check.stdout)
    assert {f["rule"] for f in findings} == {"language-not-marked"}, findings
    lines = (book / "book" / "scripts.md").read_text(encoding="utf-8").split("\n")
    assert {lines[f["line"] - 1].split(":")[0].lstrip("# ") for f in findings} >= {
        "Письменности",
        "Русский",
        "Ελληνικά",
        "العربية",
        "עברית",
        "हिन्दी",
    }
