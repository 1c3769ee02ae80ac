"""The Typst source of the PDF: text stays text after whatever pandoc or the builder writes as a call
(`**main**.py` is never the field `py` of a `strong`), and a failure of typst names the chapter and
line it came from.

Inline constructs (code holding backticks, strong, emphasis, links, keys, marks, formulas, images,
anchors, a span in another language) are generated, each glued to what precedes and follows it
(names, dots, brackets, `#`, `$`, `@`, `<`, backslashes, quotes), in a paragraph, heading, table cell,
list item, quotation, link or footnote; each is read by pandoc's HTML reader, drawn and written as
the PDF's builder does, typeset by typst on the book's template, and read back with pdftotext.
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import tempfile
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import REPO, TESTS, copy_book, presswork
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.formats import pages, pdf, words
from pipeline.formats.pdf import fonts, typst_source
from pipeline.rendering import markup, tree
from pipeline.tools import pandoc, typst

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed: make test installs it"
)

EPOCH = 1700000000
WORDS = ["main", "unwrap", "harbour", "north", "tide", "calm", "sea", "Wort", "über"]  # no ligatures (fi, ff) to read back
AFTER = [
    ".py", ".unwrap()", ".len", "._x", ".é", "..", ".", ". ", "(x)", "[y]", ";", "#z", "$w", "@v", "<u>", "\\", "\\n", '"q"',
    "'s", "/", "//", "/*", "*", "_", "=", "-", ":", "`", "]", "{", "}", "~", "",
]  # fmt: skip
BEFORE = ["", "x", "\\", "/", "https://example.org", "#", "a.", "(", "$", "@", "<", '"', "'"]
CODE = ["a`b", "x``y", "`", "f(x)", "a.b", "main", "#raw", "$x$"]


@st.composite
def construct(draw, linked: bool) -> tuple[str, list[str]]:
    """One inline construct as MkDocs' HTML has it, and the words a reader sees in it."""
    word = draw(st.sampled_from(WORDS))
    kinds = ["code", "strong", "emphasis", "both", "key", "mark", "superscript", "subscript", "struck", "underlined",
             "smallcaps", "quoted", "language", "formula", "image", "anchor", "link"]  # fmt: skip
    kind = draw(st.sampled_from(kinds if not linked else kinds[:-3]))  # no link (nor anchor, image) inside a link
    if kind == "code":
        code = draw(st.sampled_from(CODE))
        return f"<code>{html.escape(code)}</code>", [code]
    if kind == "formula":
        return "<math><msup><mi>x</mi><mn>2</mn></msup></math>", []
    if kind == "image":
        return f'<img src="picture.png" alt="{word}">', []
    if kind == "anchor":
        return f'<a id="anchor-{draw(st.integers(0, 10**6))}"></a>', []
    element = {
        "strong": "<strong>{}</strong>", "emphasis": "<em>{}</em>", "both": "<strong><em>{}</em></strong>", "key": "<kbd>{}</kbd>",
        "mark": "<mark>{}</mark>", "superscript": "<sup>{}</sup>", "subscript": "<sub>{}</sub>", "struck": "<del>{}</del>",
        "underlined": "<ins>{}</ins>", "smallcaps": '<span class="smallcaps">{}</span>', "quoted": "<q>{}</q>",
        "language": '<span lang="de">{}</span>', "link": f'<a href="https://example.org/{word}">{{}}</a>',
    }[kind]  # fmt: skip
    return element.format(word), [word]


@st.composite
def run(draw, linked: bool = False) -> tuple[str, list[str]]:
    """A few constructs, each glued to what precedes and follows it: HTML, and the words in order."""
    out, words = "", []
    for _ in range(draw(st.integers(1, 4))):
        before, after = draw(st.sampled_from(BEFORE)), draw(st.sampled_from(AFTER))
        element, seen = draw(construct(linked))
        word = draw(st.sampled_from(["", *WORDS]))
        out += html.escape(before, quote=False) + element + html.escape(after + word, quote=False) + draw(st.sampled_from(["", " "]))
        words += [*_words(before), *(w for text in seen for w in _words(text)), *_words(after + word)]
    return out, words


@st.composite
def chapter(draw) -> tuple[str, str, list[str]]:
    """A chapter's HTML (its title, then one block holding a run), where the run is, and its words."""
    where = draw(st.sampled_from(["paragraph", "heading", "cell", "item", "quotation", "link", "footnote"]))
    text, words = draw(run(linked=where == "link"))
    # (A heading's run follows a word: typst will not tag a heading that begins with an anchor for PDF/UA-1, its title "empty".)
    block = {
        "paragraph": "<p>{}</p>", "heading": "<h2>Head {}</h2>", "cell": "<table><tr><th>Head</th></tr><tr><td>{}</td></tr></table>",
        "item": "<ul><li>{}</li></ul>", "quotation": "<blockquote><p>{}</p></blockquote>",
        "link": '<p><a href="https://example.org">{}</a></p>', "footnote": "<p>{}</p>",
    }[where]  # fmt: skip
    return f"<h1>Chapter</h1>\n{block.format(text)}", where, words


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00\xff\x00\x00" * 1)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def typeset(chapter_html: str, where: str, folder: Path) -> str:
    """The chapter read, drawn and written as the PDF's builder does it, typeset on the book's template,
    as PDF/UA-1; the PDF's text, as pdftotext reads it."""
    prepared, _ = markup.for_pandoc(chapter_html)
    blocks = pandoc.read_html([prepared], timeout=60, displays=["book/index.md"])[0]
    if where == "footnote":  # assembly joins a note to its reference so: the run is the note's
        blocks[1] = {"t": "Para", "c": [{"t": "Str", "c": "See"}, {"t": "Note", "c": [blocks[1]]}]}
    blocks = pdf.written(pdf.drawn(pages.mark(blocks)), {})
    source = pandoc.save({"pandoc-api-version": pandoc.api_version(), "meta": META, "blocks": blocks}, folder / "book.pandoc.json")
    typ, output = folder / "book.typ", folder / "book.pdf"
    options = ["--standalone", "--template", str(REPO / "styles" / "book.typ"), "--wrap=preserve"]
    pandoc.write(source, "typst", typ, options, timeout=60, cwd=folder, epoch=EPOCH)
    typst.compile_pdf(typ, output, root=folder, epoch=EPOCH, timeout=60, fonts=fonts.folder(folder / "fonts"), accessible=True)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(output), "-"], capture_output=True, text=True, check=True).stdout


_WORDING = words.of("en", {})
META = {
    key: tree.meta(value)
    for key, value in {
        "title": "Text after calls",
        "lang": "en",
        "date": "2023-11-14",
        "identifier": "urn:uuid:0",
        "toc-title": _WORDING["contents"],
        "pw-words": _WORDING,
    }.items()
}  # what assembly gives the template of an English book
_FOLDER = Path(tempfile.mkdtemp(prefix="presswork-typst-source-"))
(_FOLDER / "picture.png").write_bytes(_png())


@needs_pdftotext
@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(chapter())
def test_text_after_a_call_is_typeset_as_text(generated):
    chapter_html, where, words = generated
    text = typeset(chapter_html, where, _FOLDER)  # typst compiles it: a failure raises here
    joined = re.sub(r"\s+", "", re.sub(r"-\n", "", text)).casefold()
    at = 0
    for word in words:
        found = joined.find(word.casefold(), at)
        assert found >= 0, (word, chapter_html, text)
        at = found + len(word)


def test_text_after_a_call_is_escaped_and_only_there():
    strong = {"t": "Strong", "c": [{"t": "Str", "c": "main"}]}
    raw = {"t": "RawInline", "c": ["typst", "]"]}
    inlines = [
        strong, {"t": "Str", "c": ".py"}, {"t": "Space"}, {"t": "Str", "c": ".plain"}, {"t": "Space"},
        {"t": "Code", "c": [["", [], []], "a`b"]}, {"t": "Str", "c": "("}, raw, {"t": "Str", "c": ";x"},
        {"t": "Span", "c": [["", [], []], [strong]]}, {"t": "Str", "c": "[y"},
        {"t": "RawInline", "c": ["html", "<br>"]}, {"t": "Str", "c": ".no"},
    ]  # fmt: skip
    blocks = typst_source.kept_text([{"t": "Para", "c": inlines}, {"t": "Para", "c": [{"t": "Str", "c": ".first"}]}])
    assert [(n["t"], n.get("c")) for n in blocks[0]["c"] if n["t"] in ("Str", "RawInline")] == [
        ("RawInline", ["typst", "\\."]), ("Str", "py"), ("Str", ".plain"), ("RawInline", ["typst", "\\("]), ("RawInline", ["typst", "]"]),
        ("RawInline", ["typst", "\\;"]), ("Str", "x"), ("RawInline", ["typst", "\\["]), ("Str", "y"), ("RawInline", ["html", "<br>"]),
        ("Str", ".no"),
    ]  # fmt: skip
    assert blocks[1]["c"] == [{"t": "Str", "c": ".first"}]  # a paragraph begins on a line of its own


def test_a_line_of_typst_is_found_in_the_chapter_by_its_words():
    text = "# Running main\n\nFirst, open it.\nRun **main**.py, then ``a`b``.unwrap() it.\n"
    assert typst_source.line_of(text, '#metadata("3.1")<pw-page>Run #strong[main]\\.py, then #raw("a`b")\\.unwrap() it.') == 3
    assert typst_source.line_of(text, "= Running main <running-main>") == 0
    assert typst_source.line_of(text, '#pw-alt("A view")[#box(image("assets/0123.png"))]') is None  # no words: no line
    assert typst_source.image_in('#pw-alt("A view")[#box(image("assets/0123.png"))]') == "assets/0123.png"


def test_a_line_of_typst_is_in_the_chapter_marked_before_it():
    header = {"t": "Header", "c": [1, ["second", [], []], [{"t": "Str", "c": "Second"}]]}
    third = {"t": "Div", "c": [["", [], []], [{"t": "Para", "c": []}, {**header, "c": [1, ["third", [], []], []]}]]}
    marked = typst_source.marked_chapters([{"t": "Para", "c": []}, header, third], {"second": 4, "third": 5})
    assert [block["c"][1] if block["t"] == "RawBlock" else block["t"] for block in marked] == [
        "Para", "// presswork-chapter 4", "Header", "// presswork-chapter 5", "Div", "// presswork-chapter end",
    ]  # fmt: skip
    source = "#let template = 1\n// presswork-chapter 4\n= Second\n#foo\n// presswork-chapter end\n#bar\n"
    assert [typst_source.chapter_at(source, line) for line in (1, 3, 4, 6)] == [None, 4, 4, None]


def test_typst_names_the_line_of_its_failure(tmp_path):
    (tmp_path / "book.typ").write_text("= Intro\n\nsome #foo text\n")
    with pytest.raises(typst.Failed) as failed:
        typst.compile_pdf(tmp_path / "book.typ", tmp_path / "book.pdf", root=tmp_path, epoch=EPOCH, timeout=60)
    assert (failed.value.reason, failed.value.line, failed.value.column) == ("unknown variable: foo", 3, 6)
    assert str(failed.value) == "error: typst failed: unknown variable: foo"


def test_typst_says_when_it_could_not_settle_a_layout(tmp_path):
    """A layout whose every chapter's break hangs on where the one before ended needs more passes than
    typst makes: its page numbers may be wrong, and the build is told. A settled one says nothing."""
    rule = textwrap.dedent("""\
        #set page(height: 8cm, width: 6cm, numbering: "1")
        #let pw-last = state("pw-last", none)
        #let pw-ending = state("pw-ending", none)
        #let pw-openings = state("pw-openings", ())
        #let pw-blanks = state("pw-blanks", ())
        #show heading.where(level: 1): it => {
          context { pw-ending.update(here().page()) }
          context pagebreak(weak: true, to: if pw-last.get() != none and pw-last.get() == pw-ending.get() { none } else { "odd" })
          context {
            let page = here().page()
            let ended = pw-ending.get()
            pw-last.update(page)
            pw-openings.update(pages => pages + (page,))
            if ended != none and page - ended > 1 { pw-blanks.update(pages => pages + range(ended + 1, page)) }
          }
          it
        }
        = The first
        #lorem(200)
        """)
    ending = "#lorem(100)\n#context [#repr(pw-openings.final()) #repr(pw-blanks.final())]\n"
    (tmp_path / "chained.typ").write_text(rule + "".join(f"= Chapter {n}\n\nShort.\n\n" for n in range(20)) + ending)
    (tmp_path / "settled.typ").write_text("".join(f"= Chapter {n}\n\nShort.\n\n#pagebreak()\n" for n in range(20)))
    said: dict[str, list[str]] = {"chained": [], "settled": []}
    for name, unsettled in said.items():
        typst.compile_pdf(tmp_path / f"{name}.typ", tmp_path / f"{name}.pdf", root=tmp_path, epoch=EPOCH, timeout=60, unsettled=unsettled)
    assert "document did not converge within five attempts" in said["chained"] and said["settled"] == [], said


@needs_pdftotext
def test_a_book_with_text_after_code_builds_its_pdf(tmp_path):
    book = copy_book(TESTS / "books" / "text-after-code", tmp_path / "book")
    result = presswork("build", "--format", "pdf", "--no-check", "--quiet", cwd=book)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(book / "build" / "text-after-code.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for said in ("Running main.py", "Run main.py, then call a`b.unwrap()", "word.split()", "link1.com", "Ctrl.c", "marked.text", "Wort.lower()",
                 "setup.cfg", "a`b.strip", "On files", "config.toml", "note1.after", ".anchored", "notes.md"):  # fmt: skip
        assert said in text, (said, text)
    assert "\n1 example.org\n" in text  # the link's address, in its note (numbered 1, before the chapter's own)


@needs_pdftotext
def test_a_link_s_address_is_printed_where_the_book_says(tmp_path):
    """`links: after` prints a web link's address in parentheses after it, `none` nowhere; the text
    after the link is set as text either way."""
    for setting, shown, gone in (("after", "link (example.org).com", "1 example.org"), ("none", "link.com", "example.org")):
        book = copy_book(TESTS / "books" / "text-after-code", tmp_path / setting)
        config = book / "mkdocs.yml"
        config.write_text(
            config.read_text().replace("        title: Text after code\n", f"        title: Text after code\n        links: {setting}\n")
        )
        result = presswork("build", "--format", "pdf", "--no-check", "--quiet", cwd=book)
        assert result.returncode == 0, result.stderr
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(book / "build" / "text-after-code.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert shown in text and gone not in text, (setting, text)


@needs_pdftotext
def test_math_pandoc_writes_in_names_typst_retired_is_typeset(tmp_path):
    """∩, ⋂, ⊓, ⊙, ⊗, ⊖, a determinant, a norm and a floor sized by hand: pandoc 3.9 writes them as
    typst 0.14 no longer reads (`sect`, `dot.circle`, `mat(delim: "||")`, `#scale(..)[floor.l]`);
    each is typeset, as the site shows it, and the same words in code are left as written."""
    book = copy_book(TESTS / "books" / "style-rules", tmp_path / "book")
    (book / "book" / "index.md").write_text(
        "# Sets\n\nThe meet is $A \\cap B$, and $\\bigcap_i A_i \\sqcap C$.\n\n"
        "$$a \\odot b \\otimes c \\ominus d = \\begin{vmatrix}p&q\\\\r&s\\end{vmatrix} + \\begin{Vmatrix}v\\end{Vmatrix}$$\n\n"
        "The count is $\\Bigl\\lfloor\\dfrac{n}{k}\\Bigr\\rfloor$, sized by hand.\n\n"
        '```text\nsect dot.circle mat(delim: "||")\n```\n'
    )
    (book / "mkdocs.yml").write_text(
        "site_name: Style rules\ndocs_dir: book\nnav: [index.md]\n"
        "markdown_extensions: [pymdownx.superfences, {pymdownx.arithmatex: {generic: true}}]\n"
        "plugins: [{presswork: {formats: [pdf]}}]\n"
    )
    run = presswork("build", "--no-check", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    text = subprocess.run(["pdftotext", str(book / "build" / "style-rules.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    for symbol in "∩⋂⊓⊙⊗⊖‖⌊⌋":
        assert symbol in text, symbol
    assert "floor" not in text  # `\\Bigl\\lfloor`: the sign, not its name as words
    assert 'sect dot.circle mat(delim: "||")' in text


def test_math_between_single_dollars_is_math_in_every_edition(tmp_path):
    """`tex_inline_wrap: ['$', '$']`, as books of mathematics set arithmatex: `$\\frac{a}{b}$` is a
    formula on the site and in the EPUB (MathML), not its TeX source."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "docs" / "index.md").write_text("# Sums\n\nInline $\\frac{a}{b}$ here, and a price of \\$5.\n\n$$x^2$$\n")
    (book / "mkdocs.yml").write_text(
        "site_name: Sums\nmarkdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
        "      tex_inline_wrap: ['$', '$']\n      tex_block_wrap: ['$$', '$$']\nplugins: [{presswork: {formats: [epub, site]}}]\n"
    )
    run = presswork("build", "--no-check", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    page = (book / "build" / "site" / "index.html").read_text()
    with zipfile.ZipFile(book / "build" / "sums.epub") as archive:
        chapter = " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml"))
    for text in (page, chapter):
        assert '<math display="inline"' in text and '<math display="block"' in text
        assert "\\frac" not in text.split("<math", 1)[0] and "$\\frac" not in text


def test_thin_spaces_of_tex_keep_their_width_in_the_pdf(tmp_path):
    """`\\!` (a negative thin space, -3/18 em), `\\;` (5/18 em) and `\\mspace{9mu}`, as books of
    mathematics write them: pandoc alone makes the first a whole em back, printing a letter over the
    one before it, the second no space, the third a rounded one. Read back from the PDF, each pair of
    letters stands as far apart as its space says."""
    book = copy_book(TESTS / "books" / "style-rules", tmp_path / "book")
    (book / "book" / "index.md").write_text("# Spaces\n\nClose $m\\!n$ wide $p\\;q$ far $x\\mspace{9mu}y$ plain $mn$ end.\n")
    (book / "mkdocs.yml").write_text(
        "site_name: Style rules\ndocs_dir: book\nnav: [index.md]\n"
        "markdown_extensions: [{pymdownx.arithmatex: {generic: true}}]\nplugins: [{presswork: {formats: [pdf]}}]\n"
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "formula" not in run.stderr, run.stderr  # every formula read as mathematics
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(book / "build" / "style-rules.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = [
        (found.group(3), float(found.group(1)), float(found.group(2)))
        for found in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)
    ]
    texts = [text for text, _, _ in words]
    start = texts.index("Close")
    line = words[start : start + texts[start:].index("end.") + 1]

    def width(text: str, nth: int = 0) -> float:
        found = [(left, right) for word, left, right in line if word == text][nth]
        return found[1] - found[0]

    def gap(first: str, second: str) -> float:
        at = [word for word, _, _ in line].index(first)
        assert line[at + 1][0] == second, line
        return line[at + 1][1] - line[at][2]

    em = 11.0  # the body's size, in points
    assert abs(width("𝑚𝑛", 0) - (width("𝑚𝑛", 1) - em * 3 / 18)) < 0.5  # pandoc alone: the n a whole em back
    assert abs(gap("𝑝", "𝑞") - em * 5 / 18) < 0.5  # pandoc alone: no space
    assert abs(gap("𝑥", "𝑦") - em * 9 / 18) < 0.5  # pandoc alone: a whole em
