"""The configuration a pull request is checked with (`python -m pipeline.review.trust`): the base branch's
mkdocs.yml whole, the pull request's nav only, and the base checkout's hooks and theme templates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from conftest import presswork
from reviewing import BOOK

BASE = """site_name: Base
docs_dir: book
hooks: [hooks/stamp.py]
theme: {name: material, custom_dir: overrides}
nav: [{Opening: opening.md}]
markdown_extensions: [toc]
plugins: [search, {presswork: {formats: [docx]}}]
"""
HEAD = """site_name: Changed by the pull request
docs_dir: elsewhere
hooks: [evil.py]
theme: {name: material, custom_dir: evil}
nav: [{Opening: opening.md}, {New: [tides.md, {Deeper: deep/water.md}]}]
markdown_extensions: [evil_extension]
plugins: [search, evil-plugin, {presswork: {formats: [docx]}}]
"""


def trust(base: Path, head: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline.review.trust", str(base), str(head)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def sides(tmp_path: Path, head: str) -> tuple[Path, Path]:
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    (tmp_path / "base" / "mkdocs.yml").write_text(BASE, encoding="utf-8")
    (tmp_path / "head" / "mkdocs.yml").write_text(head, encoding="utf-8")
    return tmp_path / "base" / "mkdocs.yml", tmp_path / "head" / "mkdocs.yml"


def test_everything_but_nav_comes_from_the_base(tmp_path):
    base, head = sides(tmp_path, HEAD)
    result = trust(base, head)
    assert result.returncode == 0, result.stderr
    merged = yaml.safe_load(result.stdout)
    assert merged["site_name"] == "Base" and merged["docs_dir"] == "book"
    assert merged["markdown_extensions"] == ["toc"] and merged["plugins"] == ["search", {"presswork": {"formats": ["docx"]}}]
    assert merged["nav"] == [{"Opening": "opening.md"}, {"New": ["tides.md", {"Deeper": "deep/water.md"}]}]
    assert merged["hooks"] == [str((tmp_path / "base" / "hooks" / "stamp.py").resolve())]
    assert merged["theme"]["custom_dir"] == str((tmp_path / "base" / "overrides").resolve())


def test_a_nav_that_is_more_than_titles_and_pages_is_refused(tmp_path):
    base, head = sides(tmp_path, "nav: [{Opening: opening.md, Second: two.md}]\n")
    result = trust(base, head)
    assert result.returncode == 2 and result.stdout == ""
    assert "which is not a title or a page" in result.stderr


def test_yaml_tags_in_the_pull_request_are_refused(tmp_path):
    base, head = sides(tmp_path, "nav: !!python/object/apply:os.system ['touch pwned']\n")
    result = trust(base, head)
    assert result.returncode == 2 and not (tmp_path / "head" / "pwned").exists()
    assert "not a plain YAML configuration" in result.stderr.splitlines()[-1]


def test_the_trusted_configuration_checks_the_pull_requests_new_chapter(tmp_path):
    import shutil

    shutil.copytree(BOOK, tmp_path / "base")
    shutil.copytree(BOOK, tmp_path / "head")
    config = tmp_path / "head" / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Market: market.md\n", "  - Market: market.md\n  - Tides: tides.md\n"))
    (tmp_path / "head" / "book" / "tides.md").write_text("# Tides\n\nThe tide recieves the boats.\n")
    result = trust(tmp_path / "base" / "mkdocs.yml", config)
    assert result.returncode == 0, result.stderr
    config.write_text(result.stdout)
    run = presswork("check", "--no-grammar", "--quiet", "--format", "json", cwd=tmp_path / "head")
    assert run.returncode == 1
    assert "book/tides.md" in run.stdout and "recieves" in run.stdout


def test_what_the_base_inherits_comes_from_the_base_too(tmp_path):
    base, head = tmp_path / "base", tmp_path / "head"
    for side in (base, head):
        (side / "book").mkdir(parents=True)
        (side / "book" / "index.md").write_text("# Opening\n\nThe harbour at dawn.\n")
        (side / "mkdocs.yml").write_text(
            "INHERIT: shared.yml\nsite_name: Base\ndocs_dir: book\nnav: [index.md]\nplugins: [{presswork: {formats: [site]}}]\n"
        )
    (base / "shared.yml").write_text("theme: {name: material, font: false}\ncopyright: The base's own words\n")
    (head / "hooks").mkdir()
    (head / "hooks" / "stamp.py").write_text("from pathlib import Path\nPath(__file__).parent.parent.joinpath('HOOK-RAN').touch()\n")
    (head / "shared.yml").write_text(
        "theme: {name: material, font: false}\ncopyright: Changed by the pull request\nhooks: [hooks/stamp.py]\n"
    )
    result = trust(base / "mkdocs.yml", head / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    (head / "mkdocs.yml").write_text(result.stdout)
    run = presswork("build", "--no-check", "--quiet", "--format", "site", cwd=head)
    assert not (head / "HOOK-RAN").exists()
    assert run.returncode == 0, run.stderr
    assert "The base's own words" in (head / "build" / "site" / "index.html").read_text()
