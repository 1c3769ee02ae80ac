"""`presswork diff A..B --redline FILE.docx` on a real three-commit history: the DOCX of B with the
changes since A as Word tracked changes, read as XML (`w:ins`, `w:del`, their authors and dates, the
paragraph marks), accepted and rejected in the XML to give back B's and A's DOCX text, and opened by
LibreOffice, which must see the same tracked changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import presswork
from reviewing import ISO_SECOND, ROBIN, SECOND, commit_all, edit, git, two_commits

from pipeline.review.redline import Stamp, compare_inlines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THIRD = SECOND + 86_400
ISO_THIRD = "2024-03-11T16:00:00Z"


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    root = two_commits(tmp_path_factory.mktemp("redline") / "book")
    edit(root / "book" / "market.md", "fruit, cheese and fish", "fruit, bread and fish")
    commit_all(root, "Bread at the market", who=ROBIN, when=THIRD)
    return root


@pytest.fixture(scope="module")
def redline(history) -> Path:
    target = history.parent / "out" / "changes.docx"
    run = presswork("diff", "HEAD~2..HEAD", "--redline", str(target), "--quiet", cwd=history)
    assert run.returncode == 0, run.stderr
    return target


def body(path: Path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as archive:
        return ElementTree.fromstring(archive.read("word/document.xml")).find(f"{W}body")


def changes(root: ElementTree.Element, kind: str) -> list[tuple[str, str, str]]:
    """(text, author, date) of every `w:ins` or `w:del` run group."""
    tag = "t" if kind == "ins" else "delText"
    return [
        ("".join(t.text or "" for t in change.iter(f"{W}{tag}")), change.get(f"{W}author"), change.get(f"{W}date"))
        for change in root.iter(f"{W}{kind}")
        if list(change.iter(f"{W}r"))
    ]


def paragraphs(root: ElementTree.Element, *, keep: str) -> list[str]:
    """The text of each paragraph after the contents, with every change accepted (keep='ins') or rejected (keep='del'),
    without the headings' numbers (each book's own, which the redline gives as the newer book has them)."""
    drop = "del" if keep == "ins" else "ins"
    out, started = [], False
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        started = started or (style is not None and style.get(f"{W}val") == "Heading1")
        if not started or paragraph.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None:
            continue
        dropped = {id(e) for change in paragraph.iter(f"{W}{drop}") for e in change.iter()}
        out.append(
            "".join(
                e.text or ""
                for e in paragraph.iter()
                if e.tag in (f"{W}t", f"{W}delText") and id(e) not in dropped and not _numbered(paragraph, e)
            )
        )
    return out


def plain_docx(history: Path, commit: str, folder: Path) -> Path:
    clone = folder / commit
    git("clone", "-q", str(history), str(clone), cwd=folder)
    git("checkout", "-q", commit, cwd=clone)
    run = presswork("build", "--no-check", "--format", "docx", "--quiet", cwd=clone)
    assert run.returncode == 0, run.stderr
    return clone / "build" / "review-fixture.docx"


def test_insertions_and_deletions_are_words_with_author_and_date(redline):
    root = body(redline)
    inserted, deleted = changes(root, "ins"), changes(root, "del")
    eve = ("Eve Editor", ISO_SECOND)
    assert (" very", *eve) in inserted
    assert ("quiet again.", *eve) in deleted and ("quiet.", *eve) in inserted
    assert ("ten", *eve) in deleted and ("twelve", *eve) in inserted
    assert ("cheese", "Robin Reviewer", ISO_THIRD) in deleted  # the newest commit that touched market.md
    assert ("bread", "Robin Reviewer", ISO_THIRD) in inserted
    assert ("Harbour", *eve) in deleted and ("Tides", *eve) in inserted
    assert {author for _, author, _ in inserted + deleted} == {"Eve Editor", "Robin Reviewer"}


def test_formatting_changes_are_a_deletion_and_an_insertion(redline):
    root = body(redline)
    italic = [c for c in root.iter(f"{W}ins") if "".join(t.text or "" for t in c.iter(f"{W}t")) == "first"]
    assert len(italic) == 1 and italic[0].find(f"{W}r/{W}rPr/{W}i") is not None
    assert ("first", "Eve Editor", ISO_SECOND) in changes(root, "del")


def _numbered(paragraph: ElementTree.Element, text: ElementTree.Element) -> bool:
    """Whether `text` is the number of the heading `paragraph` (the book's numbers, which are no change)."""
    return any(
        text in list(run.iter(f"{W}t"))
        for run in paragraph.iter(f"{W}r")
        if run.find(f"{W}rPr/{W}rStyle[@{W}val='SectionNumber']") is not None
    )


def test_whole_paragraphs_carry_their_paragraph_mark(redline):
    root = body(redline)
    marked = {
        "".join(t.text or "" for t in p.iter() if t.tag in (f"{W}t", f"{W}delText") and not _numbered(p, t)): kind
        for p in root.iter(f"{W}p")
        for kind in ("ins", "del")
        if p.find(f"{W}pPr/{W}rPr/{W}{kind}") is not None
    }
    assert marked["Harbour"] == "del" and marked["Ferries use the south pier."] == "del"
    assert marked["Tides"] == "ins"
    numbers = [
        "".join(t.text or "" for t in r.iter(f"{W}t"))
        for r in root.iter(f"{W}r")
        if r.find(f"{W}rPr/{W}rStyle[@{W}val='SectionNumber']") is not None
    ]
    assert numbers and len(numbers) == len(set(numbers))  # a deleted heading takes no number: the new book's numbers
    assert "The tide goes out twice a day and leaves the bay full of pools." in marked
    ids = [c.get(f"{W}id") for c in root.iter() if c.tag in (f"{W}ins", f"{W}del")]
    bookmarks = [b.get(f"{W}id") for b in root.iter(f"{W}bookmarkStart")]
    assert len(set(ids)) == len(ids) and not set(ids) & set(bookmarks)


def test_accepting_every_change_gives_b_and_rejecting_gives_a(redline, history, tmp_path):
    root = body(redline)
    newer = body(plain_docx(history, git("rev-parse", "HEAD", cwd=history), tmp_path))
    older = body(plain_docx(history, git("rev-parse", "HEAD~2", cwd=history), tmp_path))
    assert paragraphs(root, keep="ins") == paragraphs(newer, keep="ins")
    assert paragraphs(root, keep="del") == paragraphs(older, keep="ins")


def test_libreoffice_opens_it_with_the_tracked_changes(redline, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:  # as root, make test installs it: missing then is a failed install, not a reason to skip
        assert os.geteuid() != 0, "LibreOffice is missing: run make test, which installs libreoffice-writer-nogui"
        pytest.skip("LibreOffice is not installed, and make test can install it only as root (libreoffice-writer-nogui)")
    command = [
        soffice,
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--headless",
        "--convert-to",
        "odt",
        "--outdir",
        str(tmp_path),
        str(redline),
    ]
    subprocess.run(command, capture_output=True, timeout=180, check=True)
    with zipfile.ZipFile(tmp_path / "changes.odt") as archive:
        content = ElementTree.fromstring(archive.read("content.xml"))
    text = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    dc = "{http://purl.org/dc/elements/1.1/}"
    regions = list(content.iter(f"{text}changed-region"))
    kinds = [next(iter(region)).tag.removeprefix(text) for region in regions]
    assert kinds.count("insertion") >= 6 and kinds.count("deletion") >= 5
    assert {c.text for c in content.iter(f"{dc}creator")} == {"Eve Editor", "Robin Reviewer"}
    assert {d.text[:10] for d in content.iter(f"{dc}date")} == {"2024-03-10", "2024-03-11"}
    deleted = ["".join(region.itertext()) for region in regions]
    assert any("Harbour" in piece and "Ferries use the south pier." in piece for piece in deleted)
    assert any(piece.endswith("ten") for piece in deleted)


# --- word-level comparison of pandoc inlines ------------------------------------------------------

STAMP = Stamp("A", "2024-01-01T00:00:00Z")


def words(text: str) -> list[dict]:
    out: list[dict] = []
    for index, word in enumerate(text.split()):
        out += ([{"t": "Space"}] if index else []) + [{"t": "Str", "c": word}]
    return out


def shown(inlines: list[dict]) -> str:
    """Insertions as {+...+}, deletions as [-...-], emphasis as *...*."""
    parts = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            parts.append(c)
        elif t in ("Space", "SoftBreak"):
            parts.append(" ")
        elif t == "Emph":
            parts.append(f"*{shown(c)}*")
        elif t == "Link":
            parts.append(f"[{shown(c[1])}]({c[2][0]})")
        elif t == "Span":
            kind = c[0][1][0]
            parts.append(("{+%s+}" if kind == "insertion" else "[-%s-]") % shown(c[1]))
    return "".join(parts)


def test_a_word_deleted_at_the_end_of_emphasis_keeps_its_emphasis():
    old = [{"t": "Emph", "c": words("calm blue sea")}]
    new = [{"t": "Emph", "c": words("calm blue")}]
    assert shown(compare_inlines(old, new, STAMP)) == "*calm blue*[-* sea*-]"


def test_a_reworded_link_keeps_the_deleted_word_linked_and_the_rest_of_the_link_whole():
    old = words("see the") + [{"t": "Space"}, {"t": "Link", "c": [["", [], []], words("old map"), ["maps.md", ""]]}]
    new = words("see the") + [{"t": "Space"}, {"t": "Link", "c": [["", [], []], words("new map"), ["maps.md", ""]]}]
    assert shown(compare_inlines(old, new, STAMP)) == "see the [-[old](maps.md)-][{+new+} map](maps.md)"


def test_a_line_wrapped_differently_is_no_change():
    old = words("one two") + [{"t": "SoftBreak"}] + words("three")
    new = words("one") + [{"t": "SoftBreak"}] + words("two three")
    assert shown(compare_inlines(old, new, STAMP)) == "one two three"
