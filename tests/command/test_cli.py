"""The command line: version, help on every verb, options before or after the verb."""

from __future__ import annotations

import os
import re
import socket

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
    assert (
        run.stderr.strip()
        == f"{tmp_path / 'mkdocs.yml'}: error: no mkdocs.yml here (run presswork in the book's folder or pass --config FILE)"
    )


@pytest.mark.parametrize(
    "config, says",
    [
        ("/dev/null", "/dev/null: error: is a device, not a configuration file (pass --config the book's mkdocs.yml, or run presswork in the book's folder)"),
        ("folder", "{tmp}/folder: error: is a folder, not a configuration file (pass --config the book's mkdocs.yml, or run presswork in the book's folder)"),
        ("empty.yml", "empty.yml: error: is empty: it holds no settings (a book's mkdocs.yml names at least site_name and the presswork plugin)"),
        ("list.yml", "list.yml:1: error: holds a list, not settings (write the settings as 'key: value' lines, such as 'site_name: My book')"),
    ],
)  # fmt: skip
def test_a_configuration_that_is_no_settings_file_says_what_it_is(config, says, tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty.yml").write_text("")
    (tmp_path / "list.yml").write_text("- site_name: A list\n")
    for verb in ("build", "check"):
        run = presswork(verb, "--config", config, cwd=tmp_path)
        assert (run.returncode, run.stderr.strip()) == (2, says.format(tmp=tmp_path))


def test_a_named_pipe_in_the_docs_folder_is_said_and_waited_on_by_nobody(tmp_path):
    """MkDocs would open a FIFO among the chapters and wait for a writer forever."""
    book = copy_book(TESTS / "books" / "material", tmp_path / "book")
    os.mkfifo(book / "docs" / "pipe.md")
    for verb in (["build", "--no-check"], ["check", "--no-grammar"]):
        run = presswork(*verb, cwd=book, timeout=120)
        assert (run.returncode, run.stderr.splitlines()[-1]) == (
            1, "docs/pipe.md: error: is a named pipe (FIFO), not a file (remove it from docs/: every file there is published)"
        )  # fmt: skip
    assert not (book / "build").exists()


def test_a_languagetool_server_that_does_not_answer_says_what_to_do(tmp_path):
    book = copy_book(TESTS / "books" / "material", tmp_path / "book")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    run = presswork("check", "--languagetool-url", f"http://127.0.0.1:{port}", cwd=book)
    assert (run.returncode, run.stderr.splitlines()[-1]) == (
        2, f"error: LanguageTool is not available: no server answers at http://127.0.0.1:{port}/v2/ (connection refused) "
        "(start the server, pass the --languagetool-url of one that runs, or --no-grammar)"
    )  # fmt: skip


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

    from pipeline.configuration import config

    settings = config.load(Path(REPO / "mkdocs.yml"))
    assert settings.slug == "the-presswork-handbook"
    assert settings.formats == ["site", "pdf", "epub", "docx"]


def test_the_handbook_checks_as_a_pull_request_would(tmp_path):
    """mkdocs.yml makes a pull-request run untrusted; the environment Presswork runs from (a .venv
    inside the repository here) must stay importable while the book's own folder does not."""
    run = presswork("check", "--no-grammar", "--quiet", cwd=REPO, env={"GITHUB_EVENT_NAME": "pull_request"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("No findings in ")


def test_install_installs_each_tool_or_says_it_is_there(tmp_path):
    """`presswork install` with no tool named: each tool of the cache folder, with its version, as
    `make` installs them (they are installed already here, so nothing is fetched); an unknown name is a
    usage error that lists the tools."""
    from pipeline.tools import INSTALLED

    run = presswork("install", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split(" is installed")[0].rsplit(" ", 1)[0] for line in lines] == [
        "LanguageTool", "mermaid", "DAISY Ace", "veraPDF", "axe-core"
    ]  # fmt: skip
    assert all(re.search(r" \d+\.\d+(\.\d+)? is installed \(", line) for line in lines), lines
    run = presswork("install", "languagetools", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: 'languagetools' is not a tool presswork installs (name one of {', '.join(INSTALLED)})"
