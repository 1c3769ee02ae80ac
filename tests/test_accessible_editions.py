"""The editions' accessibility, checked as a reader's tools check it: DAISY Ace (the reference checker
of EPUB accessibility, run for real in Debian's chromium) on the handbook's EPUB, the metadata and the
summary the package declares read back from it, and a book whose EPUB fails Ace stopped, or, when the
book says so, published with a warning and without a claim of conformance."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from conftest import TESTS, copy_book, presswork
from pipeline.environment import cache_folder
from pipeline.tools import ace

SLUG = "the-presswork-handbook"
ACE = ace.Checker.find(cache_folder(os.environ))
NEEDS_ACE = pytest.mark.skipif(ACE.missing() is not None, reason=f"{ACE.missing()} (make test installs it from npm)")
CLAIM = '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>'


def _members(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith((".opf", ".xhtml"))}


def _summary(opf: str) -> str:
    return re.search(r'<meta property="schema:accessibilitySummary"[^>]*>(.*?)</meta>', opf, re.DOTALL).group(1)


@NEEDS_ACE
def test_the_handbook_s_epub_passes_daisy_ace(sample_book):
    found = ACE.check(sample_book / f"{SLUG}.epub", timeout=600)
    assert found == [], "\n".join(f"{v.document}: {v.rule}: {v.html}" for v in found[:20])


@NEEDS_ACE
def test_the_epub_declares_its_accessibility_from_what_it_holds(sample_book):
    members = _members(sample_book / f"{SLUG}.epub")
    opf = members["EPUB/content.opf"]
    assert CLAIM in opf
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder", "alternativeText", "MathML"):
        assert f'<meta property="schema:accessibilityFeature">{feature}</meta>' in opf
    assert '<meta property="schema:accessibilityHazard">none</meta>' in opf
    summary = _summary(opf)
    assert f"DAISY Ace {ACE.version} found no violation" in summary
    chapters = [text for name, text in members.items() if name.startswith("EPUB/text/ch")]
    tables = sum(text.count("<table") for text in chapters)
    formulas = sum(text.count("<math") for text in chapters)
    assert f"{tables} tables, each with a header row" in summary
    assert f"({formulas} formulas)" in summary
    for name, text in members.items():  # every document says its language
        if name.endswith(".xhtml"):
            assert re.search(r'<html [^>]*xml:lang="en"', text), name
    # A link is told from the text around it by more than its colour; code lines are no empty links.
    assert not any(re.search(r'<a href="#cb\d+-\d+"', text) for text in chapters)


def _fixture(tmp_path: Path, level: str | None) -> Path:
    book = copy_book(TESTS / "books" / "accessibility", tmp_path / "book")
    config = (book / "mkdocs.yml").read_text().replace("formats: [site]", "formats: [epub]")
    if level:
        config += f"      accessibility:\n        epub: {level}\n"
    (book / "mkdocs.yml").write_text(config)
    return book


@NEEDS_ACE
def test_an_epub_that_fails_ace_is_not_written(tmp_path):
    book = _fixture(tmp_path, None)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 4, run.stderr
    line = run.stderr.strip().splitlines()[-1]
    assert line.startswith("accessibility-findings.epub/text/ch001.xhtml: error: DAISY Ace")
    assert "color-contrast" in line and "#aaaaaa" in line and "accessibility: {epub: warning}" in line
    assert not (book / "build" / "accessibility-findings.epub").exists()


@NEEDS_ACE
def test_a_book_can_publish_what_fails_ace_with_a_warning_and_no_claim(tmp_path):
    book = _fixture(tmp_path, "warning")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert re.search(r"accessibility-findings\.epub: warning: DAISY Ace [\d.]+: \d+ violations: text/ch001\.xhtml: serious color-contrast", run.stderr)
    opf = _members(book / "build" / "accessibility-findings.epub")["EPUB/content.opf"]
    assert "dcterms:conformsTo" not in opf
    assert "claims no conformance" in _summary(opf)
    assert "4 of them without a text alternative" in _summary(opf)
