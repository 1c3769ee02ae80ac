"""`pipeline.tools.git`, the one module that runs git: timeouts, errors with git's own words, a safe export."""

from __future__ import annotations

import os

import pytest
from publishing import START, new_project

from pipeline.errors import ContentError, ToolError
from pipeline.tools.git import Repository


@pytest.fixture
def repo(tmp_path, monkeypatch):
    from publishing import ENV

    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    project = new_project(tmp_path)
    return project, Repository.find(project.root / "book", timeout=30)


def test_the_repository_is_found_from_a_folder_inside_it(repo):
    project, found = repo
    assert found.root == project.root.resolve()


def test_a_git_that_runs_too_long_is_stopped(repo):
    project, _ = repo
    slow = Repository(project.root, timeout=1)
    with pytest.raises(ToolError) as caught:
        slow.run("nap", config={"alias.nap": "!sleep 30"})
    assert str(caught.value) == "error: git nap timed out after 1 s and was stopped (raise timeout in mkdocs.yml)"


def test_a_failing_git_raises_with_its_stderr(repo):
    _, found = repo
    with pytest.raises(ToolError) as caught:
        found.run("cat-file", "blob", "HEAD:no-such-file")
    assert caught.value.message.startswith("git cat-file failed: fatal: path 'no-such-file' does not exist")
    assert "no-such-file" in caught.value.detail


def test_names_that_look_like_options_or_shell_are_only_names(repo):
    _, found = repo
    assert found.resolve("--help") is None
    assert found.resolve("refs/tags/v1;$(touch pwned)") is None
    assert not (found.root / "pwned").exists()


def test_the_export_holds_the_commit_and_nothing_else(repo, tmp_path):
    project, found = repo
    commit = project.git("rev-parse", "HEAD")
    (project.root / "book" / "index.md").write_text("# Changed, not committed\n")
    (project.root / "book" / "untracked.md").write_text("# Untracked\n")
    found.export(commit, tmp_path / "export")
    assert (tmp_path / "export" / "book" / "index.md").read_text().startswith("# Welcome")
    assert not (tmp_path / "export" / "book" / "untracked.md").exists()
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == [".gitignore", "book", "mkdocs.yml"]


def test_the_export_refuses_a_link_that_leaves_the_tree(repo, tmp_path):
    project, found = repo
    os.symlink("/etc/passwd", project.root / "book" / "secret.md")
    project.git("add", "book/secret.md")
    project.git("commit", "-q", "-m", "A link out", when=START)
    with pytest.raises(ContentError) as caught:
        found.export(project.git("rev-parse", "HEAD"), tmp_path / "export")
    assert "the tagged tree holds a path that leaves it" in caught.value.message
