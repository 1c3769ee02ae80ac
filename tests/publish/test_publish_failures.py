"""Publishes that fail: the site branch, the remote and the work tree are left exactly as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from conftest import CACHE, EPOCH
from publishing import DAY, ENV, START, clone, copy_project, git, one_published_one_tagged


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return one_published_one_tagged(tmp_path_factory.mktemp("failures"))


@pytest.fixture
def project(base, tmp_path):
    return copy_project(base, tmp_path)


def test_a_build_error_in_the_tagged_tree_changes_nothing(project):
    strict = "strict: true\n" + (project.root / "mkdocs.yml").read_text()  # a missing image stops the build in strict mode
    project.commit(
        "A broken chapter", {"book/second.md": "# Second\n\n![A sea](images/sea.png)\n", "mkdocs.yml": strict}, when=START + 2 * DAY
    )
    project.git("push", "-q", "origin", "main")
    project.tag("v1.2.0", when=START + 2 * DAY)
    before, status = project.refs(), project.git("status", "--porcelain")
    run = project.presswork("publish", "v1.2.0", "--quiet")
    assert run.returncode == 1
    # The checks run on the tag's tree first: the findings, even with --quiet, then one line.
    assert "book/second.md\n  3:10  error    image 'images/sea.png' not found" in run.stderr
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith("error: the checks found 1 problem and the book builds in strict mode; nothing was built")
    )
    assert project.refs() == before
    assert project.git("status", "--porcelain") == status
    assert not list((project.root / "build").glob(".publish-*"))


def test_a_publish_killed_midway_changes_nothing_and_the_next_one_succeeds(project):
    before, status = project.refs(), project.git("status", "--porcelain")
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "publish", "v1.1.0"],
        cwd=project.root,
        env={**os.environ, **ENV, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(CACHE)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    seen = []
    for line in child.stderr:  # the progress display: one line per finished stage
        seen.append(line)
        if line.startswith("✓ pdf"):  # the staging folder is being filled: kill it here
            os.killpg(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "".join(seen)
    assert list((project.root / "build").glob(".publish-*")), "the killed publish left its workspace"
    assert project.refs() == before
    assert project.git("status", "--porcelain") == status
    run = project.presswork("publish", "v1.1.0", "--quiet")
    assert run.returncode == 0, run.stderr
    assert not list((project.root / "build").glob(".publish-*")), "the next publish removes what the killed one left"
    assert project.refs()["origin refs/heads/gh-pages"] != before["origin refs/heads/gh-pages"]


def test_two_publishers_racing_one_wins_and_the_other_retries_after_fetching(base, tmp_path):
    """Two clones publish different versions at once: one push wins, the other is rejected and nothing is lost."""
    origin = copy_project(base, tmp_path / "origin")
    origin.git("push", "-q", "origin", "--tags")
    alice, bob = clone(origin, tmp_path / "alice"), clone(origin, tmp_path / "bob")
    for publisher in (alice, bob):
        publisher.tag("v1.2.0", commit="v1.1.0^{commit}", when=START + 2 * DAY)  # the same commit, both clones
    refs = {"alice": alice.git("for-each-ref"), "bob": bob.git("for-each-ref")}
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "pipeline", "publish", tag, "--quiet"],
            cwd=publisher.root,
            env={**os.environ, **ENV, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(CACHE)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, publisher, tag in (("alice", alice, "v1.1.0"), ("bob", bob, "v1.2.0"))
    }
    for child in started.values():
        child.wait(timeout=300)
    codes = {name: child.returncode for name, child in started.items()}
    assert sorted(codes.values()) == [0, 1], {name: child.stderr.read() for name, child in started.items()}
    loser_name = next(name for name, code in codes.items() if code == 1)
    loser, tag = (alice, "v1.1.0") if loser_name == "alice" else (bob, "v1.2.0")
    message = started[loser_name].stderr.read().strip().splitlines()
    assert message == [
        "error: origin refused the new gh-pages: it changed since it was last fetched (someone published meanwhile); "
        f"nothing was changed (fetch and publish again: git fetch origin && presswork publish {tag})"
    ]
    winner_tip = git("rev-parse", "refs/heads/gh-pages", cwd=origin.origin)
    assert loser.git("for-each-ref") == refs[loser_name]  # the loser's refs did not move
    loser.git("fetch", "-q", "origin")
    run = loser.presswork("publish", tag, "--quiet")
    assert run.returncode == 0, run.stderr
    assert git("rev-parse", "refs/heads/gh-pages~1", cwd=origin.origin) == winner_tip  # built on the winner's commit
    versions = git("show", "refs/heads/gh-pages:versions.json", cwd=origin.origin)
    assert [line.strip() for line in versions.splitlines() if '"version"' in line] == [
        '"version": "1.2.0",',
        '"version": "1.1.0",',
        '"version": "1.0.0",',
    ]


def test_a_remote_that_declines_the_push_is_a_tool_failure_and_changes_nothing(project):
    hook = project.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'site branch is frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = project.refs()
    run = project.presswork("publish", "v1.1.0", "--quiet")
    assert run.returncode == 3
    assert run.stderr.strip().splitlines() == ["error: git push to origin failed: remote: site branch is frozen; nothing was published"]
    assert project.refs() == before


def test_a_local_site_branch_that_diverged_from_the_remote_is_refused(project):
    tree = project.git("rev-parse", "gh-pages^{tree}")
    stray = project.git("commit-tree", tree, "-m", "A stray commit", when=START)
    project.git("update-ref", "refs/heads/gh-pages", stray)
    before = project.refs()
    run = project.presswork("publish", "v1.1.0", "--quiet")
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "error: the local branch gh-pages and origin/gh-pages have diverged "
        "(keep the remote's: git branch -f gh-pages origin/gh-pages, then publish again)"
    )
    assert project.refs() == before


def test_a_site_branch_only_pushed_before_is_published_on(project):
    """Without a local gh-pages (a fresh clone in CI), the remote's as last fetched is the base."""
    published = project.git("rev-parse", "origin/gh-pages")
    project.git("branch", "-D", "gh-pages")
    run = project.presswork("publish", "v1.1.0", "--quiet")
    assert run.returncode == 0, run.stderr
    assert project.git("rev-parse", "gh-pages~1") == published
    assert project.git("rev-parse", "gh-pages") == project.git("rev-parse", "origin/gh-pages")
