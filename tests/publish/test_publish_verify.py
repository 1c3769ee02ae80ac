"""`presswork verify` rebuilds a published tag and compares it byte for byte; `presswork status` explains."""

from __future__ import annotations

import pytest
from publishing import DAY, SLUG, START, copy_project, git, one_published_one_tagged


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return one_published_one_tagged(tmp_path_factory.mktemp("verify"))


def test_verify_passes_when_every_file_is_rebuilt_identical(base):
    run = base.presswork("verify", "v1.0.0", "--quiet")
    assert run.returncode == 0, run.stderr
    sums = base.read("gh-pages", "1.0.0/downloads/SHA256SUMS").decode().splitlines()
    expected = [f"identical  {name}  {digest}" for digest, name in (line.split("  ") for line in sums)]
    assert run.stdout.splitlines() == [*expected, "v1.0.0: every file is identical to the published SHA256SUMS"]


def test_verify_fails_when_one_byte_of_a_published_file_changes(base, tmp_path):
    project = copy_project(base, tmp_path / "copy")
    pdf = f"{SLUG}-1.0.0.pdf"
    checkout = tmp_path / "pages"
    project.git("worktree", "add", "-q", str(checkout), "gh-pages")
    published = checkout / "1.0.0" / "downloads" / pdf
    data = bytearray(published.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte
    published.write_bytes(bytes(data))
    git("commit", "-q", "-am", "Tamper with a published file", cwd=checkout)
    git("push", "-q", "origin", "gh-pages", cwd=checkout)
    project.git("worktree", "remove", str(checkout))
    run = project.presswork("verify", "v1.0.0", "--quiet")
    assert run.returncode == 4
    line = next(line for line in run.stdout.splitlines() if pdf in line)
    assert line.startswith(f"DIFFERENT  {pdf}  SHA256SUMS ") and ", published " in line and "rebuilt" not in line
    assert f"identical  {SLUG}-1.0.0.docx" in run.stdout
    assert run.stderr.strip().splitlines() == [
        f"error: 1 of 2 files of v1.0.0 differ from the published SHA256SUMS: {pdf} (a published file was changed, "
        "or the build is not reproducible here: compare the tool versions in manifest.json)"
    ]


def test_verify_refuses_a_tag_that_is_not_published(base):
    run = base.presswork("verify", "v1.1.0", "--quiet")
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "error: version 1.1.0 is not published on branch gh-pages on origin (publish it: presswork publish v1.1.0)"
    )


def test_status_shows_what_is_published_and_what_this_commit_would_do(base):
    run = base.presswork("status")
    assert run.returncode == 0, run.stderr
    head = base.git("rev-parse", "HEAD")[:12]
    published = base.git("rev-parse", "v1.0.0^{commit}")[:12]
    assert run.stdout.splitlines() == [
        "published on branch gh-pages on origin: 1 edition",
        f"  1.0.0        2024-03-09  v1.0.0  {published}  latest",
        "newest tag: v1.1.0 (not published)",
        f"current commit {head}: tagged v1.1.0: it would publish as 1.1.0 (the checks run on its tree then)",
    ]


def test_status_says_why_an_untagged_or_dirty_commit_would_not_publish(base, tmp_path):
    project = copy_project(base, tmp_path)
    project.commit("Unreleased", {"book/index.md": "# Welcome\n\nNot released yet.\n"}, when=START + 2 * DAY)
    (project.root / "book" / "draft.md").write_text("# Draft\n")
    run = project.presswork("status")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-2].endswith(": not tagged, so it would not publish (tag it to publish it: git tag -a vX.Y.Z -m 'Version X.Y.Z')")
    assert lines[-1] == "the work tree has uncommitted or untracked changes: they are never part of a release"


def test_status_gives_the_gate_s_reason_for_a_tag_that_would_be_refused(base, tmp_path):
    project = copy_project(base, tmp_path)
    project.commit("Unreleased", {"book/index.md": "# Welcome\n\nLightweight.\n"}, when=START + 2 * DAY)
    project.tag("v1.2.0", annotated=False)
    run = project.presswork("status")
    assert run.returncode == 0, run.stderr
    assert "tagged v1.2.0, but it would not publish: 'v1.2.0' is a lightweight tag" in run.stdout


def test_publishing_to_the_local_branch_only(base, tmp_path):
    project = copy_project(base, tmp_path)
    before = project.refs()
    run = project.presswork("publish", "v1.1.0", "--remote", "", "--quiet")
    assert run.returncode == 0, run.stderr
    assert "on local branch gh-pages:" in run.stdout
    after = project.refs()
    assert after["clone refs/heads/gh-pages"] != before["clone refs/heads/gh-pages"]
    assert {k: v for k, v in after.items() if k != "clone refs/heads/gh-pages"} == {
        k: v for k, v in before.items() if k != "clone refs/heads/gh-pages"
    }
