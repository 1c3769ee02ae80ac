"""What an e-reader shows of the EPUB: an abbreviation's title, which the site shows on hover, is
spelt out after its first use in each chapter; numbered code keeps its numbers in its panel, laid out
in chromium as a reading system lays it out."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
import zipfile

import pytest
from artifacts import Epub, text_of
from conftest import TESTS, presswork

from pipeline.environment import cache_folder


def test_an_abbreviation_is_spelt_out_after_its_first_use_in_each_chapter(tmp_path):
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    glossary = "\n*[PDF]: Portable Document Format\n"
    (book / "docs" / "index.md").write_text(
        "# The PDF edition\n\nA PDF is typeset. Another PDF follows.\n\nThe last PDF of the chapter.\n" + glossary
    )
    (book / "docs" / "second.md").write_text("# Second\n\nHere a PDF again, and one more PDF.\n" + glossary)
    (book / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: Abbreviations
        nav: [index.md, second.md]
        markdown_extensions: [abbr]
        plugins: [presswork]
        """)
    )
    run = presswork("build", "--format", "epub", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    epub = Epub.open(book / "build" / "abbreviations.epub")
    chapters = list(epub.chapters().values())
    first, second = (" ".join(text_of(p) for p in root.iter("{http://www.w3.org/1999/xhtml}p")) for root in chapters[:2])
    assert first == "A PDF (Portable Document Format) is typeset. Another PDF follows. The last PDF of the chapter."
    assert second == "Here a PDF (Portable Document Format) again, and one more PDF."
    headings = [text_of(h) for root in chapters for h in root.iter("{http://www.w3.org/1999/xhtml}h1")]
    assert "Portable Document Format" not in " ".join(headings)  # a heading is left as written
    css = next(data for name, data in epub.files.items() if name.endswith(".css") and b"abbr" in data).decode()
    assert "text-decoration: none" in css.split("abbr, abbr[title]", 1)[1].split("}", 1)[0]  # no hover-only underline


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MODULES = cache_folder(os.environ) / "mermaid" / "node_modules"  # puppeteer-core, installed with mermaid


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt-get)")
@pytest.mark.skipif(not (MODULES / "puppeteer-core").is_dir(), reason="puppeteer-core is not installed (make installs it with mermaid)")
def test_numbered_code_keeps_its_numbers_inside_the_panel_and_not_as_links(tmp_path):
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    long = "    return " + " + ".join(f"value_{n}" for n in range(24))
    (book / "docs" / "index.md").write_text(f'# Code\n\n```python linenums="1"\ndef add():\n{long}\n```\n')
    (book / "mkdocs.yml").write_text(
        "site_name: Numbered\nnav: [index.md]\nmarkdown_extensions: [pymdownx.highlight, pymdownx.superfences]\nplugins: [presswork]\n"
    )
    run = presswork("build", "--format", "epub", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "build" / "numbered.epub") as epub:
        epub.extractall(tmp_path / "unzipped")
    (document,) = [path for path in (tmp_path / "unzipped").rglob("ch*.xhtml") if b"numberSource" in path.read_bytes()]
    shown = subprocess.run(
        ["node", str(TESTS / "epub-code.mjs"), document.as_uri()], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PRESSWORK_NODE_MODULES": str(MODULES), "PRESSWORK_CHROMIUM": CHROMIUM},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr[-2000:]
    (panel,) = json.loads(shown.stdout)
    assert len(panel["numbers"]) == 2  # one a line, the long line wrapped within its own
    for number in panel["numbers"]:
        assert panel["left"] <= number["left"] and number["right"] <= panel["right"], panel  # inside the panel
        assert number["underline"] == "none" and number["linked"] == "none", panel  # not drawn as a link


def test_figures_tables_and_listings_carry_the_pdf_s_numbers_in_every_edition(tmp_path):
    """A figure cited as "Figure 2" is found as Figure 2 in the PDF, the EPUB and the DOCX: only what has
    a caption is numbered, each kind counted through the book; a table without one is not counted."""
    from artifacts import Docx, Pdf
    from PIL import Image

    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    for name in ("gull.png", "tern.png", "plain.png", "skua.png"):
        Image.new("RGB", (120, 80), "steelblue").save(book / "docs" / name)
    (book / "docs" / "index.md").write_text(
        textwrap.dedent("""\
        # Birds

        ![A gull on a post](gull.png)

        | Bird | Wings |
        |------|-------|
        | Gull | 2     |

        <figure markdown>

        | Bird | Legs |
        |------|------|
        | Tern | 2    |

        <figcaption>Legs of terns</figcaption>
        </figure>

        ![](plain.png)

        ![A tern in flight](tern.png)

        <figure markdown>

        ```python
        print("a greeting")
        ```

        <figcaption>A greeting</figcaption>
        </figure>
        """)
    )
    (book / "docs" / "second.md").write_text("# Skuas\n\n![A skua at sea](skua.png)\n")
    (book / "mkdocs.yml").write_text(
        "site_name: Numbered figures\nnav: [index.md, second.md]\n"
        "markdown_extensions: [tables, md_in_html, pymdownx.highlight, pymdownx.superfences]\nplugins: [presswork]\n"
    )
    run = presswork("build", "--format", "pdf", "--format", "epub", "--format", "docx", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    captions = [
        "Figure 1. A gull on a post",
        "Table 1. Legs of terns",
        "Figure 2. A tern in flight",
        "Listing 1. A greeting",
        "Figure 3. A skua at sea",
    ]
    printed = " ".join(Pdf(book / "build" / "numbered-figures.pdf").text().split())
    assert [caption for caption in captions if caption in printed] == captions, printed
    assert "Table 2" not in printed and "Figure 4" not in printed
    epub = Epub.open(book / "build" / "numbered-figures.epub")
    shown = [
        " ".join(text_of(caption).split())
        for root in epub.chapters().values()
        for caption in root.iter()
        if caption.tag in ("{http://www.w3.org/1999/xhtml}figcaption", "{http://www.w3.org/1999/xhtml}caption")
    ]
    assert shown == captions
    written = [" ".join(text.split()) for _, text, _ in Docx.open(book / "build" / "numbered-figures.docx").paragraphs()]
    assert [caption for caption in captions if caption in written] == captions, written
