"""The PDF's Typst is written by pandoc a chapter at a time, each chapter's kept in the cache: after
one chapter changed, pandoc writes that chapter alone, and the PDF is byte for byte the one a build
with nothing kept makes, whole and in parts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import fresh_cache, presswork

CHAPTERS = {
    "index.md": "# Terns\n\nTerns fly far, and *dive* for fish.\n\n- one\n- two\n",
    "gulls.md": "# Gulls\n\nGulls nest on cliffs[^1].\n\n[^1]: Mostly.\n\n| Kind | Where |\n|---|---|\n| Herring | Coast |\n",
    "auks.md": "# Auks\n\nAuks swim with their wings. See [Terns](index.md).\n\n```python\nprint('auk')\n```\n",
}


def _book(folder: Path, parts: bool) -> Path:
    (folder / "docs").mkdir(parents=True)
    for name, text in CHAPTERS.items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    setting = "      pdf_part_words: 20\n" if parts else ""
    (folder / "mkdocs.yml").write_text(
        "site_name: Sea birds\nnav: [index.md, gulls.md, auks.md]\nplugins:\n  - presswork:\n      formats: [pdf]\n" + setting,
        encoding="utf-8",
    )
    return folder


def _kept(cache: Path) -> set[str]:
    return {path.name for path in (cache / "store" / "typst-of").rglob("*.json")}


@pytest.mark.parametrize("parts", [False, True], ids=["whole", "in-parts"])
def test_a_changed_chapter_is_all_pandoc_writes_and_the_pdf_is_the_same(tmp_path, parts):
    book, cache = _book(tmp_path / "book", parts), fresh_cache(tmp_path / "cache")
    env = {"PRESSWORK_CACHE": str(cache)}
    first = presswork("build", "--no-check", cwd=book, env=env)
    assert first.returncode == 0, first.stderr
    before = _kept(cache)
    assert len(before) >= len(CHAPTERS)  # each chapter's, and what comes before the first

    gulls = book / "docs" / "gulls.md"
    gulls.write_text(gulls.read_text(encoding="utf-8").replace("nest on cliffs", "nest on high cliffs"), encoding="utf-8")
    second = presswork("build", "--no-check", cwd=book, env=env)
    assert second.returncode == 0, second.stderr
    assert len(_kept(cache) - before) == 1  # the changed chapter's Typst, and no other
    pdf = next((book / "build").glob("*.pdf"))
    kept = pdf.read_bytes()
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Gulls nest on high cliffs" in " ".join(text.split())

    alone = presswork("build", "--no-check", "--no-cache", cwd=book, env=env)
    assert alone.returncode == 0, alone.stderr
    assert pdf.read_bytes() == kept  # the same PDF as with every chapter's Typst written anew
