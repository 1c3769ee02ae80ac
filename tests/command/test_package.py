"""Presswork installed from its wheel, away from any source checkout: the styles travel inside the
package, so a book without a `styles/` folder builds, and `presswork new` copies them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from artifacts import Pdf
from conftest import CACHE, EPOCH, REPO

STYLE_FILES = ("book.typ", "epub.css", "site.css", "reference.docx", "config/vocabularies/Presswork/accept.txt")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources, unpacked into a folder of its own."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "pipeline", "styles"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}))
    wheels = work / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)]
    result = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = wheels.glob("presswork-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in STYLE_FILES:
            assert f"pipeline/default_styles/{name}" in names, name
        for module in (REPO / "pipeline").rglob("*.py"):  # every module of every package, the new ones too
            assert module.relative_to(REPO).as_posix() in names, module
        archive.extractall(work / "site")
    return work / "site"


def run(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline ...` importing Presswork from the unpacked wheel, not from the sources."""
    env = {
        **os.environ, "PYTHONPATH": str(installed), "PRESSWORK_CACHE": str(CACHE), "SOURCE_DATE_EPOCH": EPOCH,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }  # fmt: skip
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_the_installed_package_is_the_one_that_runs(installed, tmp_path):
    probe = subprocess.run(
        [sys.executable, "-c", "import pipeline, pipeline.formats.styles as s; print(pipeline.__file__); print(s.OWN)"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    module, styles = probe.stdout.split()
    assert Path(module).is_relative_to(installed)
    assert Path(styles) == installed / "pipeline" / "default_styles"


def test_a_book_without_styles_builds_on_the_shipped_ones(installed, tmp_path):
    book = tmp_path / "plain"
    book.mkdir()
    shutil.copytree(REPO / "tests" / "books" / "publishing" / "book", book / "book")
    shutil.copy(REPO / "tests" / "books" / "publishing" / "mkdocs.yml", book / "mkdocs.yml")
    assert not (book / "styles").exists()
    result = run(installed, "build", "--no-check", "--format", "pdf", cwd=book)
    assert result.returncode == 0, result.stderr
    (pdf,) = (book / "build").glob("*.pdf")
    assert any(title[0].isdigit() for title, _ in Pdf(pdf).chapters())  # numbered chapters: the house template


def test_new_copies_the_shipped_styles(installed, tmp_path):
    result = run(installed, "new", "river-notes", "--title", "River Notes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("book.typ", "epub.css", "site.css", "reference.docx"):
        assert (tmp_path / "river-notes" / "styles" / name).read_bytes() == (installed / "pipeline" / "default_styles" / name).read_bytes()
