"""A release: built from the tag's own tree, its files and checksums, and the site branch it lands on."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from importlib import metadata
from types import SimpleNamespace

import pytest
from conftest import CACHE
from publishing import DAY, SLUG, START, copy_project, new_project, sha256

from pipeline import __version__
from pipeline.formats.pdf import fonts
from pipeline.tools import verapdf


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """v1.0.0 and v1.1.0 published to gh-pages on origin, from a work tree with uncommitted and untracked changes."""
    project = new_project(tmp_path_factory.mktemp("release"))
    project.tag("v1.0.0", when=START)
    second = project.commit("More", {"book/second.md": "# Second chapter\n\nThe second edition says more.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.1.0", when=START + DAY)
    index = project.root / "book" / "index.md"
    index.write_text(index.read_text() + "\nUNCOMMITTED words must never be published.\n")
    (project.root / "book" / "untracked.md").write_text("# Untracked\n\nUNTRACKED words.\n")
    status = project.git("status", "--porcelain")
    index_bytes = (project.root / ".git" / "index").read_bytes()
    runs = [project.presswork("publish", tag) for tag in ("v1.0.0", "v1.1.0")]
    return SimpleNamespace(project=project, runs=runs, status=status, index=index_bytes, second=second)


def test_both_versions_are_published(published):
    first, second = published.runs
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [
        "published v1.1.0 as 1.1.0 on branch gh-pages on origin:",
        "  1.1.0/  the site",
        f"  1.1.0/downloads/{SLUG}-1.1.0.pdf",
        f"  1.1.0/downloads/{SLUG}-1.1.0.docx",
        "  1.1.0/downloads/SHA256SUMS, manifest.json",
        "  latest/  now 1.1.0",
    ]
    for stage in ("gate", "export", "manuscript", "pdf", "docx", "site", "release", "commit", "push"):
        assert re.search(rf"^✓ {stage}\b", second.stderr, re.MULTILINE), second.stderr


def test_the_site_branch_holds_each_version_latest_and_the_root_files(published):
    project = published.project
    files = set(project.files("gh-pages"))
    for version in ("1.0.0", "1.1.0"):
        for name in (f"{SLUG}-{version}.pdf", f"{SLUG}-{version}.docx", "SHA256SUMS", "manifest.json", "index.html"):
            assert f"{version}/downloads/{name}" in files
        assert f"{version}/index.html" in files and f"{version}/second/index.html" in files
    assert {"index.html", "versions.json", "releases.json"} <= files
    assert project.git("rev-parse", "gh-pages:latest") == project.git("rev-parse", "gh-pages:1.1.0")
    assert b"url=latest/" in project.read("gh-pages", "index.html")


def test_versions_json_is_what_mike_writes(published):
    versions = json.loads(published.project.read("gh-pages", "versions.json"))
    assert versions == [
        {"version": "1.1.0", "title": "1.1.0", "aliases": ["latest"]},
        {"version": "1.0.0", "title": "1.0.0", "aliases": []},
    ]


def test_each_publish_is_one_commit_pushed_to_origin(published):
    project = published.project
    assert project.git("rev-list", "--count", "gh-pages") == "2"
    assert project.git("log", "--format=%s", "gh-pages").splitlines() == [
        f"Publish 1.1.0 from v1.1.0 ({published.second[:12]})",
        f"Publish 1.0.0 from v1.0.0 ({project.git('rev-parse', 'v1.0.0^{commit}')[:12]})",
    ]
    refs = project.refs()
    assert refs["clone refs/heads/gh-pages"] == refs["origin refs/heads/gh-pages"] == refs["clone refs/remotes/origin/gh-pages"]


def test_the_work_tree_and_index_are_untouched(published):
    project = published.project
    assert project.git("status", "--porcelain") == published.status
    assert (project.root / ".git" / "index").read_bytes() == published.index
    assert project.git("symbolic-ref", "HEAD") == "refs/heads/main"
    assert not list((project.root / "build").glob(".publish-*"))


def test_uncommitted_and_untracked_files_never_reach_a_release(published):
    project = published.project
    assert not any("untracked" in name for name in project.files("gh-pages"))
    found = project.git("grep", "-I", "-l", "-e", "UNCOMMITTED", "-e", "UNTRACKED", "gh-pages", check=False)
    assert found == ""
    assert "The second edition says more." in project.read("gh-pages", "1.1.0/second/index.html").decode()
    assert "The second edition says more." not in project.read("gh-pages", "1.0.0/second/index.html").decode()


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_sha256sum_checks_the_release(published, version, tmp_path):
    project = published.project
    archive = subprocess.run(
        ["git", "archive", "gh-pages", f"{version}/downloads"], cwd=project.root, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive, check=True)
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / version / "downloads", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == [f"{SLUG}-{version}.docx: OK", f"{SLUG}-{version}.pdf: OK"]


def test_the_manifest_records_provenance_tools_and_files(published):
    project = published.project
    manifest = json.loads(project.read("gh-pages", "1.1.0/downloads/manifest.json"))
    assert manifest["tag"] == "v1.1.0" and manifest["version"] == "1.1.0" and manifest["annotated"] is True
    assert manifest["commit"] == published.second
    assert manifest["tag_object"] == project.git("rev-parse", "refs/tags/v1.1.0")
    # SOURCE_DATE_EPOCH of a release is its commit's time, whatever the environment says (1700000000 here)
    assert manifest["source_date_epoch"] == START + DAY == int(project.git("show", "-s", "--format=%ct", "v1.1.0^{commit}"))
    assert manifest["date"] == "2024-03-10T16:00:00Z"
    tools = manifest["tools"]
    assert tools["presswork"] == __version__
    assert tools["mkdocs"] == metadata.version("mkdocs")
    assert tools["mkdocs-material"] == metadata.version("mkdocs-material")
    assert tools["typst"] == metadata.version("typst")
    assert re.fullmatch(r"\d+(\.\d+)+", tools["pandoc"])
    assert manifest["checks"] == {"codespell": metadata.version("codespell")}  # published without grammar
    by_file = {font["file"]: font for font in manifest["fonts"]}  # the PDF's fonts beyond typst's own, as on this machine
    for font in fonts.present():
        assert by_file[font.path.name]["sha256"] == sha256(font.path.read_bytes()) and by_file[font.path.name]["package"] == font.package
        assert re.search(r"\d+\.\d+", by_file[font.path.name]["version"])  # the font's own version string
    for entry in manifest["files"]:
        data = project.read("gh-pages", f"1.1.0/downloads/{entry['name']}")
        assert entry["size"] == len(data) and entry["sha256"] == sha256(data)
    assert {entry["format"] for entry in manifest["files"]} == {"pdf", "docx"}
    by_format = {entry["format"]: entry for entry in manifest["files"]}  # what each says of its accessibility
    validator = verapdf.Validator.find(CACHE)
    assert by_format["pdf"]["conformance"] == "PDF/UA-1"
    assert by_format["pdf"]["checked_by"] == ("" if validator.missing() else f"veraPDF {validator.version}")
    assert by_format["docx"]["conformance"] == by_format["docx"]["checked_by"] == by_format["docx"]["withheld"] == ""
    assert by_format["pdf"]["withheld"] == ""  # it claims what the book asks: nothing stood in its way


def test_the_downloads_page_lists_every_edition_newest_first(published):
    project = published.project
    page = project.read("gh-pages", "latest/downloads/index.html").decode()
    releases = json.loads(project.read("gh-pages", "releases.json"))["editions"]
    assert [edition["version"] for edition in releases] == ["1.1.0", "1.0.0"]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings[:2] == ["1.1.0 · 2024-03-10 (this edition)", "1.0.0 · 2024-03-09"]
    for edition in releases:
        for file in edition["files"]:
            assert f">{file['sha256']}</code>" in page
        assert edition["files"]
    links = re.findall(r'href="([^"]+\.(?:pdf|docx))"', page)
    assert links == [
        f"{SLUG}-1.1.0.pdf",
        f"{SLUG}-1.1.0.docx",
        f"../../1.0.0/downloads/{SLUG}-1.0.0.pdf",
        f"../../1.0.0/downloads/{SLUG}-1.0.0.docx",
    ]
    assert re.search(r"<dd>\d+(\.\d)? kB</dd>", page)
    older = project.read("gh-pages", "1.0.0/downloads/index.html").decode()
    assert "1.1.0" not in re.findall(r"<h2[^>]*>(.*?)</h2>", older)[0]  # it lists what was published before it


def test_publishing_the_same_tag_again_changes_nothing(published, tmp_path):
    project = copy_project(published.project, tmp_path)
    before = project.refs()
    run = project.presswork("publish", "v1.1.0")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "v1.1.0 is already published as 1.1.0 on branch gh-pages on origin, from the same commit: nothing to do"
    assert project.refs() == before


def test_an_older_version_published_later_leaves_latest_alone(published, tmp_path):
    project = copy_project(published.project, tmp_path)
    project.tag("v1.0.1", commit="v1.0.0^{commit}", when=START + 2 * DAY)
    latest = project.git("rev-parse", "gh-pages:latest")
    run = project.presswork("publish", "v1.0.1")
    assert run.returncode == 0, run.stderr
    assert "latest/  unchanged: a higher version is published" in run.stdout
    assert project.git("rev-parse", "gh-pages:latest") == latest
    versions = json.loads(project.read("gh-pages", "versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("1.1.0", ["latest"]), ("1.0.1", []), ("1.0.0", [])]


def test_a_release_of_every_edition_records_every_tool(published, tmp_path):
    project = copy_project(published.project, tmp_path)
    project.git("stash", "-q", "--include-untracked")
    config = (project.root / "mkdocs.yml").read_text().replace("[site, pdf, docx]", "[site, pdf, epub, docx]")
    project.commit("Every edition", {"mkdocs.yml": config}, when=START + 3 * DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.2.0", when=START + 3 * DAY)
    run = project.presswork("publish", "v1.2.0", "--quiet")
    assert run.returncode == 0, run.stderr
    sums = project.read("gh-pages", "1.2.0/downloads/SHA256SUMS").decode()
    epub = project.read("gh-pages", f"1.2.0/downloads/{SLUG}-1.2.0.epub")
    assert f"{hashlib.sha256(epub).hexdigest()}  {SLUG}-1.2.0.epub" in sums.splitlines()
    manifest = json.loads(project.read("gh-pages", "1.2.0/downloads/manifest.json"))
    assert set(manifest["tools"]) == {"presswork", "pandoc", "typst", "pikepdf", "epubcheck", "mkdocs", "mkdocs-material"}
    assert re.fullmatch(r"\d+(\.\d+)+", manifest["tools"]["epubcheck"])


def test_a_book_in_a_folder_of_a_larger_repository(tmp_path):
    """mkdocs.yml need not be at the top of the repository: the tag's tree is exported whole."""
    project = new_project(tmp_path)
    (project.root / "docs").mkdir()
    project.git("mv", "mkdocs.yml", "book", "docs/")
    project.commit("The book moves into docs/", {"src/main.py": "print('the code this book documents')\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.0", when=START + DAY)
    run = project.presswork("--config", "docs/mkdocs.yml", "publish", "v1.0.0", "--quiet")
    assert run.returncode == 0, run.stderr
    assert f"1.0.0/downloads/{SLUG}-1.0.0.pdf" in project.files("gh-pages")
    assert not any(name.startswith(("src/", "docs/")) for name in project.files("gh-pages"))
