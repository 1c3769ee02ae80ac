"""Bad input: one fixture book per failure under tests/books/, each run through the real command.

Each must exit with its documented code, print one line naming the file and line with what to do,
print no traceback, and leave the output folder exactly as it was.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import TESTS, copy_book, presswork, tree_digest

CASES = {
    # fixture: (exit code, the start of the one line, a word of the fix)
    "missing-chapter": (1, "mkdocs.yml:9: error: nav lists 'missing.md', which does not exist", "create the chapter"),
    "missing-image": (1, "book/index.md:5:22: error: image 'book/images/sea.png' not found", "relative to the chapter"),
    "missing-chapter-link": (1, "book/index.md:3:21: error: link to 'next.md', which is not a chapter in nav", "nav"),
    "missing-anchor": (1, "book/index.md:3:19: error: link to '#nowhere', which is no heading or anchor in 'other.md'", "id"),
    "bad-front-matter": (1, "book/index.md:3: error: invalid YAML front matter", "fix the YAML"),
    "not-utf8": (1, "book/index.md:3:4: error: not UTF-8 (byte 0xe9", "save the file as UTF-8"),
    "unknown-key": (2, "mkdocs.yml:17: error: plugins.presswork.formts: unknown key", "did you mean 'formats'?"),
    "invalid-isbn": (
        2,
        "mkdocs.yml:17: error: plugins.presswork.book.identifier: '978-0-306-40615-6' is not a valid ISBN",
        "check digit should be 7",
    ),
    "malformed-yaml": (2, "mkdocs.yml:4: error:", "fix the YAML syntax"),
    "python-tag": (2, "mkdocs.yml:7: error: !!python/name:materialx.nosuch.twemoji: cannot import materialx.nosuch", "install the package"),
    "wrong-type": (
        2,
        "mkdocs.yml:17: error: plugins.presswork.timeout: 'ten' is not a whole number of 1 or more",
        "whole number of 1 or more",
    ),
    "missing-template": (
        1,
        "book/other.md:3: error: the front matter names the template 'landing.html', which the theme does not have",
        "theme.custom_dir",
    ),
    "empty-chapter": (1, "book/empty.md:1: error: the chapter is empty", "take it out of nav"),
    "image-not-an-image": (1, "book/index.md:5:12: error: 'book/images/photo.png' is not a PNG image", "misnamed"),
    # A PNG whose header is right and whose data is not: only typst decodes it, and names its line in the Typst it was given.
    "damaged-image": (1, "book/index.md:5: error: typst cannot typeset this in the PDF: failed to decode image", "write it otherwise"),
    # An SVG that declares an entity reading a file of the machine: refused before any parser expands it.
    "svg-entity": (
        1,
        "book/index.md:5:26: error: 'book/images/drawing.svg' declares entities (<!ENTITY ...>), which no edition reads",
        "plain SVG",
    ),
    "binary-chapter": (1, "book/data.md:1: error: this is a binary file, not a Markdown chapter", "Markdown files"),
    "cover-wrong-size": (
        1,
        "mkdocs.yml:17: error: plugins.presswork.book.cover: 'book/images/cover.png' is 600 x 600 pixels; a cover is a 2:3 portrait",
        "1600 x 2400",
    ),
    # 6,000 quotes one inside another: MkDocs renders them, the PDF could not typeset them.
    "pathological-nesting": (
        1,
        "book/nested.md: error: quotes or blocks nested more than 16 deep, which the PDF cannot typeset",
        "less deeply",
    ),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_bad_input_is_one_clear_line_and_changes_nothing(fixture, tmp_path):
    code, start, fix = CASES[fixture]
    book = copy_book(TESTS / "books" / fixture, tmp_path / fixture)
    previous = book / "build"
    (previous / "site").mkdir(parents=True)
    (previous / "site" / "index.html").write_text("the previous site")
    (previous / "book.pdf").write_bytes(b"%PDF- the previous edition")
    before = tree_digest(previous)

    run = presswork("build", "--no-check", "--quiet", cwd=book)

    assert run.returncode == code, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(start), lines[0]
    assert fix in lines[0]
    assert "Traceback" not in run.stderr
    assert tree_digest(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == ["book.pdf", "site"]


def test_debug_shows_the_traceback(tmp_path):
    book = copy_book(TESTS / "books" / "missing-image", tmp_path / "book")
    run = presswork("build", "--no-check", "--quiet", "--debug", cwd=book)
    assert run.returncode == 1
    assert "Traceback" in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("book/index.md:5:22: error:")


def test_every_configuration_problem_is_reported_at_once(tmp_path):
    book = copy_book(TESTS / "books" / "unknown-key", tmp_path / "book")
    config = book / "mkdocs.yml"
    text = config.read_text().replace(
        "site_name:", "strict: true\nsite_nmae: typo\nsite_name:"
    )  # MkDocs' strict mode stops at an unknown key
    text = text.replace("        title: Unknown key\n", "        title: Unknown key\n        language: 12\n        identifier: isbn 123\n")
    config.write_text(text)
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 4, run.stderr
    assert re.match(r"mkdocs\.yml:2: error: site_nmae: unknown key \(did you mean 'site_name'\?\)", lines[0])
    assert any("plugins.presswork.book.language: '12' is not a language tag" in line for line in lines)
    assert any("plugins.presswork.book.identifier: 'isbn 123' is not a valid ISBN" in line for line in lines)
    assert any("plugins.presswork.formts: unknown key (did you mean 'formats'?)" in line for line in lines)
    assert not (book / "build").exists()


def test_a_bom_and_crlf_line_ends_are_accepted(tmp_path):
    book = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    page = (book / "build" / "site" / "index.html").read_text()
    assert '<h2 id="details">Details' in page
    assert (book / "build" / "bom-crlf.epub").is_file()


def test_an_unknown_format_on_the_command_line_is_a_usage_error(tmp_path):
    book = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "html", cwd=book)
    assert run.returncode == 2
    assert "invalid choice: 'html'" in run.stderr


def test_build_runs_the_checks_first_and_in_strict_mode_builds_nothing_when_they_fail(tmp_path):
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    run = presswork("build", "--no-grammar", cwd=book)
    assert run.returncode == 1
    assert "book/index.md\n  3:19  error    no heading or anchor '#nowhere' in 'other.md'" in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last == (
        "error: the checks found 1 problem and the book builds in strict mode; nothing was built "
        "(fix what is listed above, or build with --no-check)"
    )
    assert not (book / "build").exists() or not any((book / "build").iterdir())


def test_without_strict_mode_the_checks_findings_are_said_and_every_edition_is_built(tmp_path):
    """As MkDocs builds a site with its warnings unless the book sets `strict: true`."""
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("strict: true", "strict: false"))
    run = presswork("build", "--no-grammar", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "book/index.md\n  3:19  error    no heading or anchor '#nowhere' in 'other.md'" in run.stderr
    assert "warning: the checks found 1 problem; the editions are built all the same" in run.stderr
    assert sorted(p.name for p in (book / "build").iterdir()) == [
        "missing-anchor.docx",
        "missing-anchor.epub",
        "missing-anchor.pdf",
        "site",
    ]


# Each as MkDocs gives it without strict mode: a warning at its place, and every edition built.
WARNINGS = {
    "missing-chapter": "mkdocs.yml:9: warning: nav lists 'missing.md', which does not exist in book/: no edition has it",
    "missing-image": "book/index.md:5:22: warning: image 'book/images/sea.png' not found: every edition shows its description instead",
    "missing-chapter-link": "book/index.md:3:21: warning: link to 'next.md', which is not a chapter in nav: the PDF, EPUB and DOCX show its text",
    "missing-anchor": "book/index.md:3:19: warning: link to '#nowhere', which is no heading or anchor in 'other.md': it leads to the top",
}


@pytest.mark.parametrize("fixture", sorted(WARNINGS))
def test_what_strict_mode_makes_an_error_is_otherwise_a_warning(fixture, tmp_path):
    book = copy_book(TESTS / "books" / fixture, tmp_path / fixture)
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("strict: true", "strict: false"))
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert any(line.startswith(WARNINGS[fixture]) for line in run.stderr.splitlines()), run.stderr
    built = sorted(p.suffix or p.name for p in (book / "build").iterdir())
    assert built == [".docx", ".epub", ".pdf", "site"], built


def _sparse_png(path, size: int) -> None:
    """A file that claims to be a PNG and is `size` bytes long, without taking that room on disk."""
    with open(path, "r+b") as file:
        file.truncate(size)


# Each: (fixture, what the test writes, the start of the one line). Limits are 5 MB a chapter and 50 MB
# an image by default; both are settings, and each is tried at its default and lowered.
HUGE = {
    "chapter": ("huge-chapter", lambda b: (b / "book" / "huge.md").write_text("# Huge\n\n" + "word " * 1_000_000),
                "book/huge.md:1: error: chapter is 5,000,008 bytes, over the limit of 5,000,000"),
    "chapter-limit": ("huge-chapter", lambda b: _setting(b, "max_chapter_bytes: 40"),
                      "book/huge.md:1: error: chapter is 58 bytes, over the limit of 40"),
    "image": ("huge-image", lambda b: _sparse_png(b / "book" / "images" / "huge.png", 50_000_001),
              "book/index.md:5:19: error: image 'book/images/huge.png' is 50,000,001 bytes, over the limit of 50,000,000"),
    "image-limit": ("huge-image", lambda b: _setting(b, "max_image_bytes: 10"),
                    "book/index.md:5:19: error: image 'book/images/huge.png' is 72 bytes, over the limit of 10"),
    "footnotes": ("huge-chapter", lambda b: _notes(b, 10_000),
                  "book/huge.md:1005: error: more than 1,000 footnotes in one chapter (split the chapter, or raise max_footnotes)"),
    "footnotes-limit": ("huge-chapter", lambda b: (_notes(b, 10), _setting(b, "max_footnotes: 3")),
                        "book/huge.md:8: error: more than 3 footnotes in one chapter"),
    "table": ("huge-chapter", lambda b: _rows(b, 5_000),
              "book/huge.md:1007: error: a table of more than 1,000 rows (split the table, offer it as a file to download, or raise max_table_rows)"),
    "table-limit": ("huge-chapter", lambda b: (_rows(b, 10), _setting(b, "max_table_rows: 4")),
                    "book/huge.md:11: error: a table of more than 4 rows"),
}  # fmt: skip


def _notes(book, count: int) -> None:
    """A chapter of `count` footnotes: each checker of the editions would take minutes over 10,000."""
    body = " ".join(f"Word{n}[^n{n}]." for n in range(count))
    (book / "book" / "huge.md").write_text("# Notes\n\n" + body + "\n\n" + "".join(f"[^n{n}]: Note {n}.\n" for n in range(count)))


def _rows(book, count: int) -> None:
    rows = "".join(f"| {n} | value {n} |\n" for n in range(count))
    (book / "book" / "huge.md").write_text("# Table\n\nText.\n\n| n | v |\n|---|---|\n" + rows + "\nAfter.\n")


def _setting(book, line: str) -> None:
    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + f"      {line}\n")


@pytest.mark.parametrize("case", sorted(HUGE))
def test_huge_chapters_images_footnotes_and_tables_are_refused_at_a_limit_that_is_a_setting(case, tmp_path):
    fixture, write, start = HUGE[case]
    book = copy_book(TESTS / "books" / fixture, tmp_path / fixture)
    write(book)
    run = presswork("build", "--no-check", "--quiet", "--format", "docx", cwd=book)
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), run.stderr
    assert not (book / "build").exists() or not [p for p in (book / "build").iterdir() if not p.name.startswith(".")]


def test_a_chapter_not_in_nav_is_a_warning(tmp_path):
    book = copy_book(TESTS / "books" / "chapter-not-in-nav", tmp_path / "book")
    run = presswork("build", "--no-check", "--format", "docx", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    warning = "book/draft.md:1: warning: not in nav: it is on the site but in no other edition (add it to nav, or move it out of book/)"
    assert warning in run.stderr.splitlines()
    assert (book / "build" / "site" / "draft.html").is_file()
    check = presswork("check", "--no-grammar", "--quiet", cwd=book)
    assert check.returncode == 0, check.stdout
    assert "1:1  warning  not in nav: it is on the site but in no other edition, and not checked  [links not-in-nav]" in check.stdout


def test_an_id_given_twice_is_a_warning_and_the_editions_rename_the_second(tmp_path):
    """MkDocs accepts it, and the site's links land on the first: so do the editions'."""
    book = copy_book(TESTS / "books" / "duplicate-heading-ids", tmp_path / "book")
    build = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert build.returncode == 0, build.stderr
    assert (
        "book/index.md:7:18: warning: the id 'part' is given twice in this chapter (first on line 3); links land on the "
        "first, and the PDF, EPUB and DOCX rename the second (give each heading its own id)"
    ) in build.stderr.splitlines()
    with zipfile.ZipFile(book / "build" / "duplicate-heading-ids.epub") as epub:
        text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    number = r'<span class="header-section-number">[\d.]+</span> '  # numbered as in the PDF
    assert re.search(rf'id="part"[^>]*>\s*<h2[^>]*>{number}First part', text) and re.search(
        rf'id="part_1"[^>]*>\s*<h2[^>]*>{number}Second part', text
    )
    run = presswork("check", "--no-grammar", "--quiet", "--fail-on", "warning", cwd=book)
    assert run.returncode == 1
    assert (
        "7:18  warning  the id 'part' is given twice in this chapter (first on line 3); links land on the first  [links duplicate-id]"
        in run.stdout
    )


def test_a_missing_anchor_leads_to_the_chapter_as_on_the_site_unless_anchors_are_validated(tmp_path):
    """MkDocs reports a missing anchor as info unless validation.links.anchors is warn: the site's link
    then leads to the top of the page, and so does the book's, with a warning at the link."""
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().split("validation:")[0])
    run = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    assert (
        "book/index.md:3:19: warning: link to '#nowhere', which is no heading or anchor in 'other.md': it leads to the "
        "top of 'other.md', as on the site (check the heading's id)"
    ) in run.stderr.splitlines()
    with zipfile.ZipFile(book / "build" / "missing-anchor.epub") as epub:
        text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert re.search(r'href="ch\d+\.xhtml#other"[^>]*>the details</a>', text)


def test_an_image_on_a_host_that_cannot_be_reached_is_its_description_in_the_book(tmp_path):
    """An image that cannot be fetched: the book says what the image is and links it, with a warning."""
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    (book / "book" / "index.md").write_text(
        "# Introduction\n\nA chart: ![The sales chart](https://example.org/chart.png)\n\nSee [other](other.md).\n"
    )
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert any(
        line.startswith("book/index.md:3:29: warning: image 'https://example.org/chart.png' is not in the book and it could not be fetched")
        and line.endswith(
            "the PDF, EPUB and DOCX show its description instead (download it into the book's folder and link it by its path)"
        )
        for line in run.stderr.splitlines()
    ), run.stderr
    with zipfile.ZipFile(book / "build" / "missing-anchor.epub") as epub:
        text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
        assert not [n for n in epub.namelist() if n.startswith("EPUB/media/")]
    assert '<a href="https://example.org/chart.png">The sales chart</a>' in text


def test_a_trusted_book_in_a_subfolder_may_link_a_file_of_its_repository(tmp_path):
    """A docs folder inside a project links the project's logo: followed in a trusted build, as MkDocs
    follows it; refused in an untrusted one, where every path must stay inside the book's folder."""
    import subprocess

    project = tmp_path / "project"
    book = copy_book(TESTS / "books" / "missing-anchor", project / "doc")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "misc").mkdir()
    (project / "misc" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'
    )
    (book / "book" / "logo.svg").symlink_to("../../misc/logo.svg")
    (book / "book" / "index.md").write_text("# Introduction\n\n![The project's logo](logo.svg)\n\nSee [other](other.md).\n")
    run = presswork("build", "--no-grammar", "--format", "epub", cwd=book)  # strict: the checks find nothing either
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "build" / "missing-anchor.epub") as epub:
        assert any(name.startswith("EPUB/media/") and name.endswith(".svg") for name in epub.namelist())
    refused = presswork("build", "--no-check", "--untrusted", "--format", "epub", cwd=book)
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        .splitlines()[-1]
        .startswith("book/logo.svg: error: a symbolic link to '../../misc/logo.svg', which is outside the book's folder")
    )


def test_a_drawing_in_the_page_whose_shapes_are_links_is_a_valid_epub(tmp_path):
    """An SVG written into a chapter (Graphviz's, through a snippet) whose shapes link the page's
    headings: in the EPUB a picture, which leads nowhere, so EPUBCheck finds no link out of the spine."""
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    (book / "book" / "index.md").write_text(
        '# Introduction\n\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="20" viewBox="0 0 60 20">'
        '<a xlink:href="#events" xlink:title="events"><rect width="60" height="20" fill="#335"/></a></svg>\n\n'
        "## Events\n\nSee [other](other.md).\n"
    )
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "build" / "missing-anchor.epub") as epub:
        drawings = [epub.read(name).decode() for name in epub.namelist() if name.endswith(".svg")]
    assert drawings and all("<rect" in svg and "href" not in svg for svg in drawings), drawings


def test_a_draw_io_drawing_with_html_labels_is_a_valid_epub(tmp_path):
    """draw.io writes each label twice, as HTML in a `foreignObject` and as SVG text for readers
    without HTML, in a `<switch>`: EPUB's SVG may not hold the HTML, so the EPUB keeps the text."""
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    (book / "book" / "mapper.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40"><g><switch>'
        '<foreignObject width="100%" height="100%" requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><font face="Roboto">Set of triangles</font></div></foreignObject>'
        '<text x="10" y="25">Set of triangles</text></switch></g></svg>'
    )
    (book / "book" / "index.md").write_text("# Introduction\n\n![A mapper](mapper.svg)\n\nSee [other](other.md).\n")
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "build" / "missing-anchor.epub") as epub:
        drawing = next(epub.read(n).decode() for n in epub.namelist() if n.startswith("EPUB/media/") and n.endswith(".svg"))
    assert "foreignObject" not in drawing and '<text x="10" y="25">Set of triangles</text>' in drawing


def test_an_image_with_stray_attributes_in_raw_html_gives_a_valid_epub(tmp_path):
    """`<img alt=""Linked list with cycle"">`, as a real book wrote it: a browser reads `alt=""` and
    ignores the rest; so do the editions, and EPUBCheck (which refuses an <img list>) passes the EPUB."""
    book = copy_book(TESTS / "books" / "damaged-image", tmp_path / "book")
    shutil.copy(TESTS / "books" / "material" / "docs" / "images" / "figure.png", book / "book" / "images" / "sea.png")
    (book / "book" / "index.md").write_text(
        '# Introduction\n\n<div style="text-align: center;">\n  <img src="images/sea.png" width="40" alt=""Linked list with cycle"">\n</div>\n\nText.\n'
    )
    run = presswork("build", "--no-check", "--quiet", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "build" / "damaged-image.epub") as archive:
        chapter = archive.read("EPUB/text/ch001.xhtml").decode()
    assert re.search(r'<img src="../media/[^"]+" [^>]*width="40"', chapter) and " list=" not in chapter


@pytest.mark.parametrize(
    "chapter, addition, inside",
    [
        ("inline.md", '<div aria-labelledby="nothing">Labelled by nothing.</div>', "EPUB/text/ch004.xhtml"),
        ("blocks.md", 'A drawing: <svg width="10" height="10"><rect id="1" width="5" height="5"/></svg>', "EPUB/media/file"),
    ],
)  # fmt: skip
def test_what_epubcheck_refuses_is_said_at_the_chapter_it_was_made_from(chapter, addition, inside, tmp_path):
    """EPUBCheck names a file inside the EPUB (a content document, a medium pandoc drew out of the
    page): the message names the chapter, and says where inside the EPUB."""
    book = copy_book(TESTS / "books" / "material", tmp_path / "book")
    page = book / "docs" / chapter
    page.write_text(page.read_text() + f"\n\n{addition}\n")
    run = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert run.returncode == 4, run.stderr
    last = run.stderr.splitlines()[-1]
    assert last.startswith(f"docs/{chapter}: error: EPUBCheck: ERROR RSC-005 ") and f"(in material-dialect.epub/{inside}" in last, last


def test_a_list_nested_500_deep_is_said_at_the_line_the_pdf_stops_at(tmp_path):
    """The DOCX holds it; typst stops laying out nested lists at about 30 levels (and the EPUB takes its page
    numbers from the PDF)."""
    book = copy_book(TESTS / "books" / "pathological-nesting", tmp_path / "book")
    (book / "book" / "nested.md").write_text("# Nested\n\n" + "".join(f"{'    ' * depth}- item {depth}\n" for depth in range(500)))
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert (run.returncode, run.stderr.splitlines()[-1]) == (
        1, "book/nested.md:33: error: typst cannot typeset this in the PDF: maximum show rule depth exceeded (nest the lists or blocks less deeply)"
    )  # fmt: skip
    assert presswork("build", "--no-check", "--format", "docx", cwd=book).returncode == 0


def test_an_anchor_inside_a_heading_and_the_same_heading_in_another_chapter(tmp_path):
    """`## <a name="gen-x"></a>Gen X`, an old way to give a heading an id (cp-algorithms writes it),
    while another chapter has `## Gen X`: every edition is made, the link lands on the heading, and
    the contents show the heading's words alone (EPUBCheck refuses an empty span in the navigation)."""
    book = copy_book(TESTS / "books" / "chapter-not-in-nav", tmp_path / "book")
    docs = book / "book"
    for stale in docs.glob("*.md"):
        stale.unlink()
    (docs / "index.md").write_text('# Doc\n\nSee [later](#gen-x).\n\n## <a name="gen-x"></a>Gen X\n\nText.\n')
    (docs / "seg.md").write_text("# Seg\n\n## Gen X\n\nText.\n")
    config = book / "mkdocs.yml"
    config.write_text(re.sub(r"nav:\n(  - .*\n)+", "nav:\n  - index.md\n  - seg.md\n", config.read_text()))
    run = presswork("build", "--no-check", "--format", "pdf", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "given twice" not in run.stderr
    epub = next((book / "build").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        chapter = archive.read("EPUB/text/ch001.xhtml").decode()
        nav = archive.read("EPUB/nav.xhtml").decode()
    target = re.search(r'<a href="ch001.xhtml#([^"]+)"[^>]*>later</a>', chapter).group(1)
    assert re.search(rf'id="{target}"[^>]*>\s*<h2[^>]*>(<span class="header-section-number">[\d.]+</span> )?Gen X</h2>', chapter), chapter
    assert (
        not re.search(r"<span[^>]*>\s*</span>", nav) and len(re.findall(r">\s*Gen X\s*</a>", nav)) == 2
    )  # no empty span (EPUBCheck refuses one in nav)


def test_an_image_in_a_center_element_stands_apart_from_the_paragraph_after_it(tmp_path):
    """`<center><img></center>` (cp-algorithms writes it) then a paragraph: the PDF sets the
    paragraph below the picture, not beside it, as the site and the EPUB do."""
    import subprocess

    book = copy_book(TESTS / "books" / "damaged-image", tmp_path / "book")
    shutil.copy(TESTS / "books" / "material" / "docs" / "images" / "figure.png", book / "book" / "images" / "sea.png")
    (book / "book" / "index.md").write_text(
        '# Introduction\n\nBefore.\n\n<center><img src="images/sea.png" alt="The sea" width="100"></center>\n\n'
        "Here we go with the paragraph after the picture.\n"
    )
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert run.returncode == 0, run.stderr
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(book / "build" / "damaged-image.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = {word: (float(x), float(y)) for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)}
    before, here = words["Before."], words["Here"]
    assert "after" in words  # the text after the picture is printed
    assert here[1] > before[1] + 40  # a picture's height below
    assert here[0] < before[0] + 40  # at the start of a line (an indent at most), not right of the picture


def _book(folder, settings: str, chapter: str = "# Welcome\n\nA sentence.\n"):
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(chapter)
    (folder / "mkdocs.yml").write_text(f"site_name: Small\ntheme: {{name: material, font: false}}\nnav: [index.md]\n{settings}")
    return folder


def test_a_plugin_that_fails_is_named_with_its_version_not_called_a_bug(tmp_path):
    """mkdocstrings' Python handler 2 no longer takes `import:` (a book written for 1.x): its TypeError
    names the handler and its version, as a tool that failed (exit 3), not as Presswork's bug (70)."""
    book = _book(
        tmp_path / "book",
        "plugins:\n  - mkdocstrings:\n      handlers:\n        python:\n          import: [https://docs.python.org/3/objects.inv]\n  - presswork\n",
    )
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert run.returncode == 3, run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert re.match(r"error: mkdocstrings-python \d+\.\d+\S* failed: TypeError: .*'import'", last), last
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


def test_the_book_s_own_hook_that_fails_is_named_at_its_line(tmp_path):
    book = _book(tmp_path / "book", "hooks: [hooks.py]\nplugins: [presswork]\n")
    (book / "hooks.py").write_text("def on_config(config):\n    raise RuntimeError('the hook is broken')\n")
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert run.returncode == 1, run.stderr
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith("hooks.py:2: error: the book's Python module failed: RuntimeError: the hook is broken")
    )


def test_a_link_in_a_chapter_s_title_is_no_link_in_the_running_head(tmp_path):
    """A chapter titled `# Python Fire [docs](url)`: the running head repeats the title as an artifact,
    which PDF/UA-1 forbids links in. The PDF is PDF/UA-1 all the same, with the title in its heads."""
    paragraphs = "\n\n".join(f"Paragraph {n} of plain text, long enough to fill the pages of a chapter with words." for n in range(60))
    book = _book(
        tmp_path / "book",
        "plugins:\n  - presswork:\n      accessibility: {pdf: error}\n",
        f"# Python Fire [docs](https://github.com/google/python-fire)\n\n{paragraphs}\n",
    )
    run = presswork("build", "--no-check", "--format", "pdf", cwd=book)
    assert run.returncode == 0, run.stderr
    pdf = book / "build" / "small.pdf"
    assert b"pdfuaid:part>1<" in pdf.read_bytes().replace(b" ", b"")
    heads = [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for n in range(4, 9)
    ]
    assert any(page.lstrip().startswith("Python Fire docs") for page in heads), heads


def test_an_event_handler_in_raw_html_is_on_the_site_and_said_for_the_other_editions(tmp_path):
    """`<a onmouseover=...>` in a trusted book: the site keeps it; the EPUB, which would have to
    declare itself scripted, leaves it out and is valid; the build says so at its line."""
    book = _book(
        tmp_path / "book",
        "plugins: [presswork]\n",
        '# Home\n\nSupport us:\n\n<a href="https://example.com/s" onmouseover="this.style.opacity=\'0.8\'">Become a sponsor</a>\n',
    )
    run = presswork("build", "--no-check", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "docs/index.md:5:33: warning: the event handler 'onmouseover' works on the site only" in run.stderr
    with zipfile.ZipFile(book / "build" / "small.epub") as archive:
        chapter = archive.read("EPUB/text/ch001.xhtml").decode()
    assert "Become a sponsor" in chapter and "onmouseover" not in chapter
    assert "onmouseover=" in (book / "build" / "site" / "index.html").read_text()


def test_markup_nested_past_what_markdown_can_read_is_said_at_its_chapter(tmp_path):
    """5,000 asterisks around a word: Python-Markdown runs out of recursion. The build names the chapter."""
    book = _book(tmp_path / "book", "plugins: [presswork]\n", "# Deep\n\n" + "*" * 5000 + "x" + "*" * 5000 + "\n")
    run = presswork("build", "--no-check", "--format", "site", cwd=book)
    assert run.returncode == 1, run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("docs/index.md: error: MkDocs cannot render this chapter: it nests its markup")


def test_the_book_s_macros_module_that_cannot_import_is_named_not_the_plugin(tmp_path):
    """The macros plugin imports the book's module and raises its own error about it: the message names
    the book's module, at the line of the import that failed, not the plugin."""
    book = _book(tmp_path / "book", "plugins:\n  - presswork\n  - macros:\n      module_name: mymacros\n")
    (book / "mymacros.py").write_text("import not_installed_package\n\n\ndef define_env(env):\n    env.variables.x = 1\n")
    run = presswork("build", "--no-check", "--format", "docx", cwd=book)
    assert run.returncode == 1, run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "mymacros.py:1: error: the book's Python module failed: ModuleNotFoundError: No module named 'not_installed_package'"
    ), last


def test_in_strict_mode_a_misspelling_stops_the_build_only_when_the_book_asks_its_checks_to(tmp_path):
    """`strict: true` is MkDocs' word on MkDocs' warnings: a broken link stops the build, as it stops
    MkDocs; a finding of the prose checks is said and the editions are built, unless the presswork
    block sets `check: {fail_on: error}`."""
    book = _book(
        tmp_path / "book",
        "strict: true\nplugins:\n  - presswork: {formats: [docx]}\n",
        "# Welcome\n\nThe boats come in at dawn, and teh fishermen sort the catch.\n",
    )
    run = presswork("build", "--no-grammar", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "'teh' is a common misspelling" in run.stderr and "the editions are built all the same" in run.stderr
    assert (book / "build" / "small.docx").is_file()

    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("{formats: [docx]}", "{formats: [docx], check: {fail_on: error}}"))
    shutil.rmtree(book / "build")
    run = presswork("build", "--no-grammar", cwd=book)
    assert run.returncode == 1, run.stderr
    assert "the book builds in strict mode; nothing was built" in run.stderr.strip().splitlines()[-1]
    assert not (book / "build").exists() or not any((book / "build").iterdir())


def test_a_colon_before_a_long_row_of_dashes_is_read_at_once(tmp_path):
    """`:------…|` outside a table (a column rule written by hand): the check reads it as text, as it
    reads any line, instead of trying every way to cut the dashes into an icon's name (which took
    minutes at 45 dashes, doubling with each one more)."""
    book = copy_book(TESTS / "books" / "pathological-nesting", tmp_path / "book")
    (book / "book" / "nested.md").write_text(
        "# Widths\n\nThe widths were set by hand :" + "-" * 60 + "| :---- and kept.\n", encoding="utf-8"
    )
    run = presswork("check", "--no-grammar", "--format", "json", cwd=book, timeout=120)  # minutes before, not seconds
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
