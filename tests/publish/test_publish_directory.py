"""The directory target: the same layout in a folder, swapped in by one rename, never half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import tree_digest
from publishing import BOOK, DAY, SLUG, START, copy_project, new_project


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """v1.0.0 and v1.1.0 published into www/book beside the clone, as the work tree's mkdocs.yml says."""
    project = new_project(tmp_path_factory.mktemp("directory"))
    config = (BOOK / "mkdocs.yml").read_text() + "      publish:\n        target: directory\n        directory: ../www/book\n"
    (project.root / "mkdocs.yml").write_text(config)
    project.tag("v1.0.0", when=START)
    project.commit("More", {"book/second.md": "# Second chapter\n\nMore.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.1.0", when=START + DAY)
    runs = [project.presswork("publish", tag, "--quiet") for tag in ("v1.0.0", "v1.1.0")]
    for run in runs:
        assert run.returncode == 0, run.stderr
    return project


@pytest.fixture
def project(base, tmp_path):
    """A copy of the clone, its remote and its published folder, for a test that changes them."""
    copied = copy_project(base, tmp_path)
    published = (base.root.parent / "www" / "book").resolve()
    www = copied.root.parent / "www"
    www.mkdir()
    shutil.copytree(published, www / published.name, symlinks=True)
    os.symlink(published.name, www / "book")
    return copied


def test_the_folder_is_a_link_to_a_complete_layout(base):
    www = base.root.parent / "www"
    book = www / "book"
    assert book.is_symlink()
    assert sorted(path.name for path in www.iterdir()) == sorted(["book", os.readlink(book), ".book.lock"])
    names = {path.relative_to(book).as_posix() for path in book.rglob("*") if path.is_file()}
    for version in ("1.0.0", "1.1.0"):
        for name in (f"{SLUG}-{version}.pdf", f"{SLUG}-{version}.docx", "SHA256SUMS", "manifest.json", "index.html"):
            assert f"{version}/downloads/{name}" in names
    assert {"index.html", "versions.json", "releases.json", "latest/index.html"} <= names
    assert tree_digest(book / "latest") == tree_digest(book / "1.1.0")
    versions = json.loads((book / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [("1.1.0", ["latest"]), ("1.0.0", [])]
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=book / "1.1.0" / "downloads", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_failed_publish_leaves_the_folder_as_it_was(project):
    project.commit("A broken chapter", {"book/second.md": "# Second\n\n![A sea](images/sea.png)\n"}, when=START + 2 * DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.2.0", when=START + 2 * DAY)
    www = project.root.parent / "www"
    link, digest, entries = os.readlink(www / "book"), tree_digest(www / "book"), sorted(os.listdir(www))
    run = project.presswork("publish", "v1.2.0", "--quiet")
    assert run.returncode == 1
    assert os.readlink(www / "book") == link
    assert tree_digest(www / "book") == digest
    assert sorted(os.listdir(www)) == entries


def test_publishing_swaps_in_a_new_copy_and_removes_the_old_one(project):
    project.commit("Third", {"book/second.md": "# Second chapter\n\nThird.\n"}, when=START + 2 * DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.2.0", when=START + 2 * DAY)
    www = project.root.parent / "www"
    old = os.readlink(www / "book")
    published = tree_digest(www / "book" / "1.0.0")
    (www / ".book.killed1").mkdir()  # what a publish killed before it could clean up leaves behind
    os.symlink(".book.killed1", www / ".book.link-killed1")
    run = project.presswork("publish", "v1.2.0", "--quiet")
    assert run.returncode == 0, run.stderr
    new = os.readlink(www / "book")
    assert new != old and sorted(os.listdir(www)) == sorted(["book", new, ".book.lock"])
    assert tree_digest(www / "book" / "1.0.0") == published  # earlier editions are carried over unchanged
    assert tree_digest(www / "book" / "latest") == tree_digest(www / "book" / "1.2.0")


def test_verify_reads_the_folder_and_catches_one_changed_byte(project):
    run = project.presswork("verify", "v1.1.0", "--quiet")
    assert run.returncode == 0, run.stderr
    docx = project.root.parent / "www" / "book" / "1.1.0" / "downloads" / f"{SLUG}-1.1.0.docx"
    data = bytearray(docx.read_bytes())
    data[-1] ^= 0x20
    docx.write_bytes(bytes(data))
    run = project.presswork("verify", "v1.1.0", "--quiet")
    assert run.returncode == 4
    assert f"DIFFERENT  {SLUG}-1.1.0.docx" in run.stdout


def test_a_folder_presswork_did_not_make_is_refused(project, tmp_path):
    elsewhere = tmp_path / "site"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("someone else's site")
    project.tag("v1.2.0", commit="v1.1.0^{commit}", when=START + 2 * DAY)
    run = project.presswork("publish", "v1.2.0", "--directory", str(elsewhere), "--quiet")
    assert run.returncode == 2
    assert run.stderr.strip().startswith(f"error: {elsewhere} already exists and was not published by Presswork")
    assert (elsewhere / "index.html").read_text() == "someone else's site"
