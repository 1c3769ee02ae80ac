"""The words the editions print themselves, in the book's language, and the book's own: the PDF's
contents page, chapter label and captions, the EPUB's and DOCX's table of contents, and the site's
Downloads page, read from each artifact."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from artifacts import Docx, Pdf
from conftest import presswork

from pipeline.formats import words

_CONFIG = """\
site_name: {title}
docs_dir: book
theme:
  name: material
  font: false
nav:
  - index.md
markdown_extensions:
  - toc
  - attr_list
  - md_in_html
plugins:
  - presswork:
      book:
        title: {title}
        language: {language}
{extra}"""


def _book(folder: Path, language: str, extra: str = "") -> Path:
    (folder / "book").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(_CONFIG.format(title="Le livre", language=language, extra=extra), encoding="utf-8")
    (folder / "book" / "index.md").write_text(
        "# Premier chapitre\n\nUn paragraphe.\n\n<figure markdown>\n![Un carré](carre.svg)\n<figcaption>Un carré</figcaption>\n</figure>\n\n"
        "",
        encoding="utf-8",
    )
    (folder / "book" / "carre.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    return folder


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> Path:
    book = _book(tmp_path_factory.mktemp("words") / "fr", "fr-FR")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    return book / "build"


def test_the_pdf_prints_its_words_in_the_book_s_language(french):
    text = Pdf(french / "le-livre.pdf").text()
    assert "Table des matières" in text and "Contents" not in text
    assert "CHAPITRE" in text.replace(" ", "") and "CHAPTER" not in text.replace(" ", "")  # set letter-spaced
    assert re.search(r"Figure 1\. Un carré", text), text


def test_the_epub_and_docx_contents_are_titled_in_the_book_s_language(french):
    with zipfile.ZipFile(french / "le-livre.epub") as epub:
        nav = epub.read("EPUB/nav.xhtml").decode()
    assert '<h1 id="toc-title">Table des matières</h1>' in nav
    assert any("Table des matières" in text for _, text, _ in Docx.open(french / "le-livre.docx").paragraphs())


def test_the_site_s_downloads_page_is_in_the_book_s_language(french):
    page = (french / "site" / "downloads.html").read_text(encoding="utf-8")  # a site to open from disk
    assert '<h1 id="telechargements">Téléchargements</h1>' in page or ">Téléchargements</h1>" in page
    assert "<em>Le livre</em> en livre, à partir des mêmes sources que ce site." in page
    assert "<dt>Fichier</dt>" in page and "<dt>Taille</dt>" in page and 'data-copy="Copier"' in page
    sizes = re.findall(r"<dd>(\d[^<]*(?:o|Mo|ko))</dd>", page)
    assert sizes and all(re.fullmatch(r"\d+,\d[\u00a0\u202f](ko|Mo)|\d+[\u00a0\u202f]o", size) for size in sizes), (
        sizes
    )  # as a French reader writes them


def test_a_book_overrides_a_word(tmp_path):
    book = _book(tmp_path / "fr", "fr", "        words:\n          contents: Sommaire\n")
    run = presswork("build", "--no-check", "--format", "pdf", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "Sommaire" in Pdf(book / "build" / "le-livre.pdf").text()
    with zipfile.ZipFile(book / "build" / "le-livre.epub") as epub:
        assert '<h1 id="toc-title">Sommaire</h1>' in epub.read("EPUB/nav.xhtml").decode()


def test_a_word_the_editions_do_not_print_is_refused_at_its_line(tmp_path):
    book = _book(tmp_path / "fr", "fr", "        words:\n          contnets: Sommaire\n")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 2, run.stderr
    assert "mkdocs.yml:17" in run.stderr and "'contnets' is not a word the editions print" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and not (book / "build").exists()


def test_a_field_of_another_language_that_the_book_has_not_is_refused_at_its_line(tmp_path):
    book = _book(tmp_path / "fr", "fr", "        languages:\n          de:\n            titel: Feldführer\n")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 2, run.stderr
    assert "mkdocs.yml:17" in run.stderr and "de.titel: not a field of the book: use title, subtitle, description" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_every_language_has_every_word():
    for language in ("en", "de", "fr", "es", "pt", "it", "nl", "pl", "ru", "uk", "zh", "ja", "ko", "ar", "he"):
        assert set(words.WORDS[language]) == set(words.KEYS), language
    assert words.of("pt-BR")["contents"] == "Sumário" and words.of("xx")["contents"] == "Contents"
