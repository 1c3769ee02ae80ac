"""Adding an edition is one module with its builder and one row in `pipeline.formats.FORMATS`: a
plain-text edition written here, and registered by that row alone, is accepted by mkdocs.yml's
`formats:` and by `--format`, built beside the site, and listed by the Downloads page under its label."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import lxml.html
from conftest import CACHE, EPOCH

PLAIN_TEXT = '''
from pipeline.formats.base import Artifact, Builder


class TextBuilder(Builder):
    """Every chapter's Markdown, one after the other."""

    def fingerprint(self, inputs):
        return ["text 1"]

    def build(self, inputs, staging):
        output = staging / f"{inputs.slug}{self.suffix}"
        output.write_text("\\n\\n".join(chapter.text for chapter in inputs.manuscript.chapters), encoding="utf-8")
        return Artifact(self.name, output)
'''

# What a row in `FORMATS` is, added before anything reads the table (as a row written there would be).
DRIVER = """
import sys
from pipeline import formats
formats.FORMATS["txt"] = formats.Format("txt", "Plain text", ".txt", "plaintext:TextBuilder")
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_format_added_by_one_module_and_one_row_is_built_and_listed(tmp_path):
    (tmp_path / "plaintext.py").write_text(PLAIN_TEXT)
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "docs" / "index.md").write_text("# Plain words\n\nA sentence only a text edition keeps.\n")
    (book / "docs" / "second.md").write_text("# Second\n\nAnother chapter's sentence.\n")
    (book / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: Plain
        theme: {name: material, font: false}
        nav: [index.md, second.md]
        plugins:
          - presswork:
              formats: [site, txt]
              accessibility: {site: off}
        """)
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(CACHE), "PYTHONPATH": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, "build", "--no-check"], cwd=book, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    text = (book / "build" / "plain.txt").read_text(encoding="utf-8")
    assert "A sentence only a text edition keeps." in text and "Another chapter's sentence." in text
    downloads = lxml.html.fromstring((book / "build" / "site" / "downloads.html").read_bytes())
    cards = [" ".join(heading.text_content().split()) for heading in downloads.xpath("//div[@class='pw-edition']/*[1]")]
    assert cards == ["Plain text"]
    assert downloads.xpath("//a[@href='downloads/plain.txt']")

    chosen = subprocess.run(
        [sys.executable, "-c", DRIVER, "build", "--no-check", "--format", "txt"],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert chosen.returncode == 0, chosen.stderr
    assert sorted(p.name for p in (book / "build").iterdir() if not p.name.startswith(".")) == ["plain.txt", "site"]

    unknown = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--format", "txt"], cwd=book, env=env, capture_output=True, text=True, timeout=600
    )
    assert unknown.returncode == 2 and "txt" in unknown.stderr  # without the row, no such format


def test_admonitions_in_a_row_are_boxes_apart_in_the_docx(tmp_path):
    """Word draws paragraphs of one border and shading as one box: between two admonitions in a row
    (with titles or without) the DOCX has a paragraph of neither, and none before the first."""
    from artifacts import Docx
    from conftest import presswork

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Notes\ntheme:\n  name: material\n  font: false\nmarkdown_extensions:\n  - admonition\n"
        "plugins:\n  - presswork:\n      formats: [docx]\n"
    )
    (tmp_path / "docs" / "index.md").write_text(
        '# Notes in a row\n\nSome text.\n\n!!! note "First"\n    The first note.\n\n!!! warning "Second"\n    The second one.\n\n'
        "!!! note\n    A third, with no title.\n\n!!! note\n    A fourth.\n\nText after.\n"
    )
    run = presswork("build", "--no-check", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    shown = [(style, text) for style, text, _ in Docx.open(tmp_path / "build" / "notes.docx").paragraphs()]
    start = shown.index(("FirstParagraph", "Some text."))
    assert shown[start : start + 12] == [
        ("FirstParagraph", "Some text."),
        ("AdmonitionTitle", "First"), ("Admonition", "The first note."), ("", ""),
        ("AdmonitionTitleWarning", "Second"), ("AdmonitionWarning", "The second one."), ("", ""),
        ("AdmonitionTitle", "Note"), ("Admonition", "A third, with no title."), ("", ""),
        ("AdmonitionTitle", "Note"), ("Admonition", "A fourth."),
    ]  # fmt: skip
    assert shown[start + 12] == ("BodyText", "Text after.")


def test_the_pdf_and_the_docx_print_the_same_copyright_page(tmp_path):
    """One source for the copyright page's lines: the DOCX prints what the PDF prints, the identifier
    Presswork gives a book that names none included."""
    import re
    import zipfile

    from artifacts import Pdf
    from conftest import presswork

    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "docs" / "index.md").write_text("# Shore birds\n\nGulls and terns.\n")
    (book / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: Shore birds
        nav: [index.md]
        plugins:
          - presswork:
              book:
                subtitle: A field guide
                authors: [Ann Tern, Bob Gull]
                license: CC BY 4.0
                publisher: Harbour Press
        """)
    )
    run = presswork("build", "--format", "pdf", "--format", "docx", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    printed = next(page for page in Pdf(book / "build" / "shore-birds.pdf").page_texts() if "©" in page)
    with zipfile.ZipFile(book / "build" / "shore-birds.docx") as docx:
        document = docx.read("word/document.xml").decode()
    paragraphs = re.findall(
        r'<w:p><w:pPr>(?:<w:pageBreakBefore />)?<w:spacing w:before="\d+" w:after="120" /></w:pPr>(.*?)</w:p>', document
    )
    written = [" ".join(re.sub(r"<[^>]+>", "", paragraph).split()) for paragraph in paragraphs]
    assert " ".join(written) == " ".join(printed.split()), (written, printed)
    assert written[:4] == [
        "Shore birds: A field guide",
        f"© {written[1][2:6]} Ann Tern and Bob Gull",
        "CC BY 4.0",
        "Published by Harbour Press",
    ]
    assert written[-1].startswith("Identifier: urn:uuid:"), written
