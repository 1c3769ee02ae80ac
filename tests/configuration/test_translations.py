"""A book laid out for mkdocs-static-i18n: the site built by the real plugin, one tree per language,
and `presswork translations` reading real git history (commits one after another, a translation
falling behind, one missing, one catching up)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from artifacts import Docx, Pdf, page_list
from conftest import presswork
from publishing import git

from pipeline.environment import cache_folder
from pipeline.tools import ace, axe, verapdf

_CONFIG = """\
site_name: Field guide
docs_dir: docs
theme:
  name: material
  font: false
nav:
  - index.md
  - Birds: birds.md
  - fish.md
plugins:
  - search
  - i18n:
      docs_structure: {structure}
      fallback_to_default: true
      languages:
        - locale: en
          name: English
          default: true
          build: true
        - locale: fr
          name: Français
          build: true
          nav_translations:
            Birds: Oiseaux
        - locale: zh
          name: 中文
          build: true
  - presswork:
      book:
        title: Field guide
"""


def _commit(book: Path, message: str, files: dict[str, str], when: int) -> None:
    for name, text in files.items():
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=book)
    git("commit", "-q", "-m", message, cwd=book, when=when)


def _book(folder: Path, structure: str) -> Path:
    """English, French and Chinese; the French fish and the Chinese birds and fish never written."""
    en, fr, zh = ("docs/en/", "docs/fr/", "docs/zh/") if structure == "folder" else ("docs/", "docs/", "docs/")
    fr_name = (lambda stem: f"{fr}{stem}.md") if structure == "folder" else (lambda stem: f"{fr}{stem}.fr.md")
    zh_name = (lambda stem: f"{zh}{stem}.md") if structure == "folder" else (lambda stem: f"{zh}{stem}.zh.md")
    folder.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=folder)
    config = _CONFIG.format(structure=structure)
    if structure == "folder":
        config = config.replace(
            "  - index.md\n  - Birds: birds.md\n  - fish.md\n", "  - en/index.md\n  - Birds: en/birds.md\n  - en/fish.md\n"
        )
    _commit(folder, "English", {
        "mkdocs.yml": config,
        f"{en}index.md": "# Field guide\n\nWelcome to the guide.\n",
        f"{en}birds.md": "# Birds\n\nBirds fly over the sea.\n",
        f"{en}fish.md": "# Fish\n\nFish swim in the sea.\n",
    }, when=1_700_000_000)  # fmt: skip
    _commit(folder, "Translations", {
        fr_name("index"): "# Guide de terrain\n\nBienvenue dans le guide.\n",
        fr_name("birds"): "# Oiseaux\n\nLes oiseaux volent au-dessus de la mer.\n",
        zh_name("index"): "# 野外指南\n\n欢迎阅读本指南。\n",
    }, when=1_700_000_100)  # fmt: skip
    _commit(folder, "More birds", {f"{en}birds.md": "# Birds\n\nBirds fly over the sea and the land.\n"}, when=1_700_000_200)
    _commit(folder, "Their home", {f"{en}birds.md": "# Birds\n\nBirds fly over the sea and the land, far from home.\n"}, when=1_700_000_300)
    return folder


@pytest.mark.parametrize("structure", ["suffix", "folder"])
def test_translations_report_current_stale_and_missing_from_git_history(tmp_path, structure):
    book = _book(tmp_path / "book", structure)
    run = presswork("translations", "--format", "json", cwd=book)
    assert run.returncode == 0, run.stderr
    found = {(entry["language"], entry["chapter"]): entry for entry in json.loads(run.stdout)}
    chapter = (lambda stem: f"en/{stem}.md") if structure == "folder" else (lambda stem: f"{stem}.md")
    assert len(found) == 6  # two languages, three chapters each
    birds = found["fr", chapter("birds")]
    assert birds["status"] == "stale" and birds["behind"] == 2 and birds["words_changed"] > 0
    assert birds["translation"] == ("docs/fr/birds.md" if structure == "folder" else "docs/birds.fr.md")
    assert found["fr", chapter("index")]["status"] == "current" and found["fr", chapter("index")]["behind"] == 0
    assert found["fr", chapter("fish")] == {
        "language": "fr", "chapter": chapter("fish"), "translation": None, "status": "missing", "behind": 0, "words_changed": 0,
    }  # fmt: skip
    assert found["zh", chapter("index")]["status"] == "current"
    assert found["zh", chapter("birds")]["status"] == found["zh", chapter("fish")]["status"] == "missing"

    # the French birds catch up: current again, whatever the English had before
    name = "docs/fr/birds.md" if structure == "folder" else "docs/birds.fr.md"
    _commit(
        book,
        "Oiseaux à jour",
        {name: "# Oiseaux\n\nLes oiseaux volent au-dessus de la mer et de la terre, loin de chez eux.\n"},
        when=1_700_000_400,
    )
    text = presswork("translations", cwd=book)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert any(line.split()[:3] == ["fr", chapter("birds"), "current"] for line in lines), text.stdout
    assert lines[-1] == "3 current, 0 stale, 3 missing in 2 languages"


def test_a_stale_translation_says_how_far_behind_it_is(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    run = presswork("translations", cwd=book)
    line = next(line for line in run.stdout.splitlines() if line.startswith("fr") and "birds.md" in line)
    assert line.split()[2] == "stale" and "(2 commits behind, " in line and " words changed)" in line


def test_a_book_without_languages_is_told_so(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    (book / "mkdocs.yml").write_text(
        (book / "mkdocs.yml").read_text().split("  - i18n:")[0] + "  - presswork:\n      book:\n        title: Field guide\n"
    )
    run = presswork("translations", cwd=book)
    assert run.returncode == 2 and run.stderr.strip().splitlines()[-1].startswith("mkdocs.yml: error: the book has no languages"), (
        run.stderr
    )


def test_the_site_is_built_by_the_i18n_plugin_one_tree_per_language(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    run = presswork("build", "--no-check", "--format", "site", "--format", "pdf", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "not in nav" not in run.stderr  # a translation is its language's chapter, not a page nav forgot
    site = book / "build" / "site"
    home, french, chinese = (
        (site / "index.html").read_text(),
        (site / "fr" / "index.html").read_text(),
        (site / "zh" / "index.html").read_text(),
    )
    assert '<html lang="en"' in home and '<html lang="fr"' in french and '<html lang="zh"' in chinese
    assert "Welcome to the guide." in home and "Bienvenue dans le guide." in french and "欢迎阅读本指南。" in chinese
    assert "Oiseaux" in french  # nav_translations
    assert 'hreflang="fr"' in home and 'hreflang="zh"' in home  # Material's language selector
    assert "Fish swim in the sea." in (site / "fr" / "fish.html").read_text()  # fallback_to_default
    assert (book / "build" / "field-guide.pdf").is_file()


# Long enough to break across lines: Japanese breaks between any two characters, but not before 。、」
_JAPANESE = "このガイドへようこそ。海辺に住む鳥と魚を、季節ごとに観察できる場所とともに紹介します。" * 4


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    """The suffix book with Arabic, Japanese and Russian too, every edition of every language built."""
    book = _book(tmp_path_factory.mktemp("languages") / "book", "suffix")
    config = (book / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "  - presswork:",
        "        - locale: ar\n          name: العربية\n          build: true\n          site_name: دليل ميداني\n"
        "        - locale: ja\n          name: 日本語\n        - locale: ru\n          name: Русский\n  - presswork:",
    )
    config = config.replace(
        "        title: Field guide\n",
        "        title: Field guide\n        subtitle: Along the shore\n        description: What lives by the sea.\n"
        "        languages:\n          fr:\n            title: Guide de terrain\n            subtitle: Au bord de la mer\n"
        "            description: Ce qui vit au bord de la mer.\n",
    )
    _commit(book, "Arabic", {
        "mkdocs.yml": config,
        "docs/index.ar.md": "# دليل ميداني\n\nمرحبا بكم في هذا الدليل.\n",
        "docs/birds.ar.md": "# الطيور\n\nتطير الطيور فوق البحر.\n",
        "docs/index.ja.md": "# 野外ガイド\n\n" + _JAPANESE + "\n",
        "docs/birds.ru.md": "# Птицы\n\nПтицы летают над морем.\n",
    }, when=1_700_000_500)  # fmt: skip
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "docs/fish.md: warning: not translated into 'fr': the 'fr' editions show it in the default language" in run.stderr
    return book


def test_every_language_gets_its_own_pdf_epub_and_docx(editions):
    build = editions / "build"
    for locale in ("fr", "zh", "ar", "ja", "ru"):
        for suffix in ("pdf", "epub", "docx"):
            assert (build / f"field-guide.{locale}.{suffix}").is_file(), (locale, suffix)
    french = Pdf(build / "field-guide.fr.pdf").text()
    assert "Bienvenue dans le guide." in french and "Table des matières" in french and "Welcome" not in french
    assert "Fish swim in the sea." in french  # fish.md is not translated: the default language's chapter
    assert "Welcome to the guide." in Pdf(build / "field-guide.pdf").text()
    downloads = (build / "site" / "downloads.html").read_text(encoding="utf-8")
    assert all(f"field-guide.{locale}.pdf" in downloads for locale in ("fr", "zh", "ar"))


def test_japanese_and_russian_editions_read_as_written(editions):
    build = editions / "build"
    japanese = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(build / "field-guide.ja.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in japanese.splitlines() if line.strip()]
    assert "目次" in lines, lines
    assert _JAPANESE in "".join(lines)  # every character, in order, across the line breaks
    assert not any(line.startswith(("。", "、")) for line in lines), lines  # no line starts with a full stop or comma
    russian = " ".join(Pdf(build / "field-guide.ru.pdf").text().split())
    assert "Содержание" in russian and "Птицы летают над морем." in russian
    with zipfile.ZipFile(build / "field-guide.ja.epub") as epub:
        assert "<dc:language>ja</dc:language>" in epub.read("EPUB/content.opf").decode()


def test_each_edition_declares_its_language(editions):
    build = editions / "build"
    with zipfile.ZipFile(build / "field-guide.fr.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        chapter = next(
            epub.read(n).decode() for n in epub.namelist() if n.startswith("EPUB/text/ch") and "Bienvenue" in epub.read(n).decode()
        )
    assert "<dc:language>fr</dc:language>" in opf and 'xml:lang="fr"' in chapter
    styles = zipfile.ZipFile(build / "field-guide.fr.docx").read("word/styles.xml").decode()
    assert 'w:val="fr"' in styles
    import pypdf

    assert pypdf.PdfReader(build / "field-guide.zh.pdf").trailer["/Root"]["/Lang"] == "zh"


def test_a_chapter_shown_in_the_default_language_says_so_and_is_marked_as_that_language(editions):
    build = editions / "build"
    note = "Ce chapitre n’est pas encore traduit : il est présenté dans la langue originale du livre."
    french = " ".join(Pdf(build / "field-guide.fr.pdf").text().split())
    assert french.count(note) == 1 and "Fish swim in the sea." in french  # fish.md alone is not translated
    with zipfile.ZipFile(build / "field-guide.fr.epub") as epub:
        chapters = [epub.read(n).decode() for n in epub.namelist() if n.startswith("EPUB/text/ch")]
    fish = next(text for text in chapters if "Fish swim" in text)
    assert re.search(r'<h1[^>]*>(<span class="header-section-number">\d+</span> )?<span lang="en"[^>]*>Fish</span></h1>', fish), fish
    assert re.search(r'<div lang="en"[^>]*>\s*<p>Fish swim in the sea.</p>', fish), fish
    assert note in fish and all(note not in text for text in chapters if text is not fish)
    document = zipfile.ZipFile(build / "field-guide.fr.docx").read("word/document.xml").decode()
    run = re.search(r"<w:r>(?:(?!</w:r>).)*Fish swim in the sea\.", document, re.DOTALL).group(0)
    assert '<w:lang w:val="en" />' in run or '<w:lang w:val="en"/>' in run
    assert "Ce chapitre n’est pas encore traduit" in document


def test_each_language_has_its_own_title_subtitle_and_description(editions):
    build = editions / "build"
    with zipfile.ZipFile(build / "field-guide.fr.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        title_page = epub.read("EPUB/text/title_page.xhtml").decode()
    assert re.search(r"<dc:title[^>]*>Guide de terrain</dc:title>", opf) and '<p class="subtitle">Au bord de la mer</p>' in title_page
    assert re.search(r"<dc:description>Ce qui vit au bord de la mer.</dc:description>", opf), opf
    import pypdf

    french = pypdf.PdfReader(build / "field-guide.fr.pdf")
    assert french.metadata.title == "Guide de terrain" and french.metadata.subject == "Ce qui vit au bord de la mer."
    assert "Au bord de la mer" in Pdf(build / "field-guide.fr.pdf").text()
    core = zipfile.ZipFile(build / "field-guide.fr.docx").read("docProps/core.xml").decode()
    assert "<dc:title>Guide de terrain</dc:title>" in core and "Ce qui vit au bord de la mer." in core
    english = pypdf.PdfReader(build / "field-guide.pdf").metadata
    assert english.title == "Field guide" and english.subject == "What lives by the sea."
    arabic = pypdf.PdfReader(build / "field-guide.ar.pdf").metadata
    assert arabic.title == "دليل ميداني" and arabic.subject == "What lives by the sea."  # the plugin's site_name; no description of its own


def test_a_right_to_left_language_reads_right_to_left_in_every_edition(editions):
    build = editions / "build"
    with zipfile.ZipFile(build / "field-guide.ar.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        documents = [epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")]
    assert 'page-progression-direction="rtl"' in opf
    assert documents and all('dir="rtl"' in document.split("<html", 1)[1].split(">", 1)[0] for document in documents)
    assert "<w:bidi/>" in zipfile.ZipFile(build / "field-guide.ar.docx").read("word/document.xml").decode().replace(
        "<w:bidi />", "<w:bidi/>"
    )
    text = subprocess.run(["pdftotext", str(build / "field-guide.ar.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    cleaned = "".join(c for c in text if c not in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
    assert "مرحبا بكم في هذا الدليل." in cleaned and "دليل ميداني" in cleaned
    # The contents read right to left, the English title of the fallback chapter too: its number at
    # the right, then the title, and its page at the left.
    number = next(n for n, page in enumerate(cleaned.split("\f"), start=1) if "المحتويات" in page)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(build / "field-guide.ar.pdf"), "-"], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    words = [
        (float(x), float(y), word.strip("\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    ]
    fish = next((x, y) for x, y, word in words if word == "Fish")
    beside = sorted((x, word) for x, y, word in words if abs(y - fish[1]) < 2 and word.isdigit())
    assert len(beside) == 2 and beside[0][0] < fish[0] < beside[1][0], (fish, beside)


_CHECKERS = [checker.find(cache_folder(os.environ)) for checker in (ace.Checker, verapdf.Validator, axe.Checker)]
_UNCHECKED = next((checker.missing() for checker in _CHECKERS if checker.missing()), None)


@pytest.mark.skipif(_UNCHECKED is not None, reason=f"{_UNCHECKED} (make test installs it)")
def test_every_language_s_editions_pass_the_reference_checkers(editions):
    """The build ran DAISY Ace, veraPDF and axe-core on every language's editions and stops at a
    violation: each EPUB claims EPUB Accessibility 1.1 (only one that Ace passed does), each PDF
    PDF/UA-1, and each EPUB lists the pages of its own language's PDF."""
    import pikepdf
    import pypdf

    build = editions / "build"
    for suffix in ("", ".fr", ".zh", ".ar", ".ja", ".ru"):
        epub, pdf = build / f"field-guide{suffix}.epub", build / f"field-guide{suffix}.pdf"
        opf = zipfile.ZipFile(epub).read("EPUB/content.opf").decode()
        assert '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>' in opf, suffix
        with pikepdf.open(pdf) as document:
            assert b"<pdfuaid:part>1</pdfuaid:part>" in document.Root.Metadata.read_bytes(), suffix
        numbered = [label for label in pypdf.PdfReader(pdf).page_labels if label.isdigit()]
        assert [label for label, _ in page_list(epub)] == numbered, suffix
    downloads = (build / "site" / "downloads.html").read_text(encoding="utf-8")
    assert downloads.count("EPUB Accessibility 1.1 - WCAG 2.1 Level AA") >= 6 and downloads.count("PDF/UA-1") >= 6


def test_one_language_s_editions_alone(editions, tmp_path):
    run = presswork("build", "--no-check", "--format", "pdf", "--language", "zh", "--out", str(tmp_path / "out"), cwd=editions)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["field-guide.zh.pdf"]
    wrong = presswork("build", "--no-check", "--language", "de", cwd=editions)
    assert (
        wrong.returncode == 2
        and "error: --language 'de' is not one of the book's languages (use one of en, fr, zh, ar, ja, ru)" in wrong.stderr
    )


def test_a_chapter_without_a_heading_is_titled_as_the_plugin_translates_its_nav_title(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    _commit(book, "Sans titre", {"docs/birds.fr.md": "Les oiseaux volent au-dessus de la mer.\n"}, when=1_700_000_600)
    run = presswork("build", "--no-check", "--format", "docx", "--language", "fr", "--out", str(tmp_path / "out"), cwd=book)
    assert run.returncode == 0, run.stderr
    docx = Docx.open(tmp_path / "out" / "field-guide.fr.docx")
    headings = [text for style, text, _ in docx.paragraphs(numbered=False) if style.startswith("Heading")]
    assert "Oiseaux" in headings and "Birds" not in headings, headings  # nav_translations: Birds: Oiseaux
    assert docx.paragraph("Les oiseaux volent au-dessus de la mer.")


def test_each_language_is_checked_in_its_own_language(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    _commit(book, "Faute", {"docs/birds.fr.md": "# Oiseaux\n\nLes oiseaux volent tres haut au-dessus de la mer.\n"}, when=1_700_000_600)
    run = presswork("check", "--format", "json", cwd=book)
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    french = [f for f in findings if f["path"] == "docs/birds.fr.md"]
    assert [(f["line"], f["column"], f["rule"], f["language"]) for f in french] == [(3, 20, "FR_SPELLING_RULE", "fr")], findings
    assert not [f for f in findings if f["path"] != "docs/birds.fr.md"]  # English and Chinese: nothing, fish.md checked once
    assert run.stderr.count("codespell reads English only: the fr text is left to LanguageTool") == 1
    assert "codespell reads English only: the zh text is left to LanguageTool" in run.stderr

    # a word the French text accepts, in the vocabulary's French list: accepted there, and said so nowhere else
    (book / "styles/config/vocabularies/Guide").mkdir(parents=True)
    (book / "styles/config/vocabularies/Guide/accept.fr.txt").write_text("tres\n", encoding="utf-8")
    (book / "docs/fish.md").write_text("# Fish\n\nFish swim tres deep in the sea.\n", encoding="utf-8")
    again = presswork("check", "--format", "json", cwd=book)
    found = json.loads(again.stdout)
    found = found["findings"] if isinstance(found, dict) else found
    assert not [f for f in found if f["path"] == "docs/birds.fr.md"], found
    assert [(f["path"], f["language"]) for f in found if f["engine"] in ("codespell", "languagetool")] == [("docs/fish.md", "en")], found
    text = presswork("check", cwd=book)
    assert "Possible spelling mistake found. (en) (suggestion: " in text.stdout, text.stdout  # the report names the language


def test_check_warns_at_a_stale_translation_and_the_rule_can_be_turned_off(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    run = presswork("check", "--no-grammar", "--format", "json", cwd=book)
    assert run.returncode == 0, run.stderr  # a warning does not fail the check
    findings = json.loads(run.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    stale = [f for f in findings if f["rule"] == "stale-translation"]
    assert [(f["path"], f["line"], f["column"], f["end_column"], f["severity"]) for f in stale] == [
        ("docs/birds.fr.md", 1, 1, 10, "warning")
    ]
    assert "fr translation is 2 commits behind docs/birds.md" in stale[0]["message"]
    text = presswork("check", "--no-grammar", "--fail-on", "warning", cwd=book)
    assert text.returncode == 1 and "docs/birds.fr.md\n  1:1  warning  this fr translation" in text.stdout, text.stdout

    config = (
        (book / "mkdocs.yml")
        .read_text()
        .replace(
            "        title: Field guide\n", "        title: Field guide\n      check:\n        rules:\n          stale-translation: off\n"
        )
    )
    (book / "mkdocs.yml").write_text(config)
    quiet = presswork("check", "--no-grammar", "--fail-on", "warning", cwd=book)
    assert quiet.returncode == 0 and "stale" not in quiet.stdout, quiet.stdout


def test_the_review_summary_names_the_translations_a_change_makes_stale(tmp_path):
    book = _book(tmp_path / "book", "suffix")
    git("checkout", "-q", "-b", "fish", cwd=book)
    _commit(book, "Fish and a new chapter", {
        "docs/index.md": "# Field guide\n\nWelcome to the whole guide.\n",
        "docs/index.fr.md": "# Guide de terrain\n\nBienvenue dans tout le guide.\n",  # kept up in French, not in Chinese
        "docs/reptiles.md": "# Reptiles\n\nLizards sleep in the sun.\n",
        "mkdocs.yml": (book / "mkdocs.yml").read_text().replace("  - fish.md\n", "  - fish.md\n  - reptiles.md\n"),
    }, when=1_700_000_500)  # fmt: skip
    run = presswork("diff", "main...fish", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    found = {(t["status"], t["language"], t["translation"]) for t in json.loads(run.stdout)["translations"]}
    assert found == {
        ("stale", "zh", "docs/index.zh.md"),
        ("untranslated", "fr", "docs/reptiles.fr.md"),
        ("untranslated", "zh", "docs/reptiles.zh.md"),
    }  # the French index changed with its source; birds, already stale, are not this change's doing
    markdown = presswork("diff", "main...fish", "--format", "markdown", "--quiet", cwd=book).stdout
    assert "This change makes 1 translation stale and leaves 2 untranslated:" in markdown
    assert "| `docs/index.zh.md` | zh | stale: `docs/index.md` changed |" in markdown
    text = presswork("diff", "main...fish", "--quiet", cwd=book).stdout
    assert "  stale        zh    docs/index.zh.md  (docs/index.md changed)" in text.splitlines()
