"""The command line: version, help on every verb, options before or after the verb."""

from __future__ import annotations

import pytest

from conftest import REPO, TESTS, copy_book, presswork
from pipeline import __version__


def test_version(tmp_path):
    run = presswork("--version", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout.strip() == f"presswork {__version__}"


@pytest.mark.parametrize("verb", ["build", "check", "serve", "publish", "status", "verify"])
def test_every_verb_has_help(verb, tmp_path):
    run = presswork(verb, "--help", cwd=tmp_path)
    assert run.returncode == 0
    assert f"usage: presswork {verb}" in run.stdout
    assert "--config FILE" in run.stdout and "--debug" in run.stdout


def test_no_verb_prints_help_and_is_a_usage_error(tmp_path):
    run = presswork(cwd=tmp_path)
    assert run.returncode == 2
    assert "build" in run.stderr and "serve" in run.stderr


def test_no_configuration_is_a_usage_error(tmp_path):
    run = presswork("build", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip() == f"{tmp_path / 'mkdocs.yml'}: error: no mkdocs.yml here (run presswork in the book's folder or pass --config FILE)"


@pytest.mark.parametrize("order", ["before", "after"])
def test_global_options_go_before_or_after_the_verb(order, tmp_path):
    book = copy_book(TESTS / "books" / "missing-chapter", tmp_path / "book")
    options = ["--config", str(book / "mkdocs.yml"), "--debug"]
    args = [*options, "build"] if order == "before" else ["build", *options]
    run = presswork(*args, cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" in run.stderr
    assert "nav lists 'missing.md'" in run.stderr.splitlines()[-1]


def test_the_handbook_configuration_is_valid():
    from pathlib import Path

    from pipeline import config

    settings = config.load(Path(REPO / "mkdocs.yml"))
    assert settings.slug == "the-presswork-handbook"
    assert settings.formats == ["site", "pdf", "epub", "docx"]


def test_the_handbook_checks_as_a_pull_request_would(tmp_path):
    """mkdocs.yml makes a pull-request run untrusted; the environment Presswork runs from (a .venv
    inside the repository here) must stay importable while the book's own folder does not."""
    run = presswork("check", "--no-grammar", "--quiet", cwd=REPO, env={"GITHUB_EVENT_NAME": "pull_request"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("No findings in ")
