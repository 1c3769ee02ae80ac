"""`presswork new DIR`: a book repository that passes the full check (LanguageTool included) and builds
every edition as created, with its workflows, pre-commit configuration and a first commit."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import presswork

from pipeline.scaffold import STYLE_FILES, STYLES, WORKFLOWS_BOOK, render_workflows

ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    parent = tmp_path_factory.mktemp("new")
    run = presswork("new", "sea-stories", "--title", "Sea Stories: Tides & Harbours", "--author", "Robin Reviewer", cwd=parent, env=ENV)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("created 'Sea Stories: Tides & Harbours' in sea-stories: 14 files, first commit ")
    return parent / "sea-stories"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **ENV}, capture_output=True, text=True, check=True).stdout.strip()


def test_it_is_a_repository_with_everything_in_its_first_commit(book):
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=book) == "main"
    assert git("log", "--format=%an|%s", cwd=book) == "Robin Reviewer|A new book: Sea Stories: Tides & Harbours"
    assert git("status", "--porcelain", cwd=book) == ""
    files = set(git("ls-files", cwd=book).splitlines())
    assert files == {
        "mkdocs.yml", "book/index.md", ".pre-commit-config.yaml", ".gitignore", "requirements.txt",
        ".github/workflows/review.yml", ".github/workflows/review-comments.yml", ".github/workflows/publish.yml",
        "styles/config/vocabularies/SeaStoriesTidesHarbours/accept.txt",
        *(f"styles/{name}" for name in STYLE_FILES),
    }  # fmt: skip
    for name in STYLE_FILES:
        assert (book / "styles" / name).read_bytes() == (STYLES / name).read_bytes()
    for name, text in render_workflows(WORKFLOWS_BOOK).items():
        assert (book / ".github" / "workflows" / name).read_text() == text


def test_the_configuration_reads_back_what_was_asked(book):
    config = yaml.safe_load((book / "mkdocs.yml").read_text())
    presswork_block = next(item["presswork"] for item in config["plugins"] if isinstance(item, dict))
    assert config["site_name"] == presswork_block["book"]["title"] == "Sea Stories: Tides & Harbours"
    assert presswork_block["book"]["authors"] == ["Robin Reviewer"]
    assert presswork_block["book"]["identifier"].startswith("urn:uuid:")
    hooks = yaml.safe_load((book / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["presswork-fast", "presswork"]


def test_it_passes_the_full_check(book):
    run = presswork("check", cwd=book)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == "No findings in 1 chapter.\n"
    assert "grammar" in run.stderr  # LanguageTool read it


def test_it_builds_every_edition(book):
    run = presswork("build", "--no-check", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    slug = "sea-stories-tides-harbours"
    assert {p.name for p in (book / "build").iterdir()} == {"site", f"{slug}.pdf", f"{slug}.epub", f"{slug}.docx"}
    assert (book / "build" / "site" / "index.html").is_file()
    assert git("status", "--porcelain", cwd=book) == ""  # build/ is ignored


def test_a_folder_that_is_not_empty_is_refused(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine\n")
    run = presswork("new", "taken", cwd=tmp_path, env=ENV)
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: {tmp_path / 'taken'} exists and is not empty (name a new folder, or an empty one)"
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_without_a_git_identity_the_first_commit_is_still_made(tmp_path):
    env = {**ENV, "HOME": str(tmp_path)}  # no user.name, no user.email
    run = presswork("new", "plain", cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert git("log", "--format=%s", cwd=tmp_path / "plain") == "A new book: Plain"


def test_a_book_in_several_languages_is_laid_out_for_the_i18n_plugin(tmp_path):
    run = presswork("new", "tide", "--languages", "en,fr,zh", cwd=tmp_path, env=ENV)
    assert run.returncode == 0, run.stderr
    book = tmp_path / "tide"
    config = yaml.safe_load((book / "mkdocs.yml").read_text())
    i18n = next(item["i18n"] for item in config["plugins"] if isinstance(item, dict) and "i18n" in item)
    assert i18n["docs_structure"] == "suffix" and i18n["fallback_to_default"] is True
    assert [(entry["locale"], entry["name"], entry.get("default", False)) for entry in i18n["languages"]] == [
        ("en", "English", True), ("fr", "Français", False), ("zh", "中文", False),
    ]  # fmt: skip
    assert 'The book is also written in <span lang="fr">Français</span> (`fr`) and <span lang="zh">中文</span> (`zh`).' in " ".join(
        (book / "book" / "index.md").read_text().split()
    )
    check = presswork("check", "--no-grammar", cwd=book)
    assert check.returncode == 0 and check.stdout == "No findings in 1 chapter.\n", check.stdout + check.stderr
    translations = presswork("translations", cwd=book)
    assert translations.stdout.splitlines()[-1] == "0 current, 0 stale, 2 missing in 2 languages"
    build = presswork("build", "--no-check", "--format", "pdf", "--format", "site", cwd=book)
    assert build.returncode == 0, build.stderr
    assert {p.name for p in (book / "build").iterdir()} == {"site", "tide.pdf", "tide.fr.pdf", "tide.zh.pdf"}
    assert (book / "build" / "site" / "fr" / "index.html").is_file()
    assert "book/index.md: warning: not translated into 'fr'" in build.stderr


@pytest.mark.parametrize("languages, says", [
    ("en,fr,en", "--languages names a language twice"),
    ("en,français", "--languages: 'français' is not a language tag"),
    ("fr,en", "the first chapter is written in English, so the default language (the first) is English"),
])  # fmt: skip
def test_languages_that_cannot_make_a_book_are_refused(tmp_path, languages, says):
    run = presswork("new", "tide", "--languages", languages, cwd=tmp_path, env=ENV)
    assert run.returncode == 2 and says in run.stderr and not (tmp_path / "tide").exists(), run.stderr
