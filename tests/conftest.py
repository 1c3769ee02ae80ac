"""Shared fixtures: run the real `presswork` command on copies of the books kept under tests/."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
EPOCH = "1700000000"


def fresh_cache(folder: Path) -> Path:
    """An empty cache folder that shares the installed LanguageTool, mermaid, DAISY Ace, veraPDF and axe-core (installed by `make test`)."""
    from pipeline.environment import cache_folder
    from pipeline.tools import INSTALLED

    folder.mkdir(parents=True, exist_ok=True)
    for tool in INSTALLED:
        installed = cache_folder(os.environ) / tool
        if installed.is_dir() and not (folder / tool).exists():
            (folder / tool).symlink_to(installed, target_is_directory=True)
    return folder


CACHE = fresh_cache(Path(tempfile.mkdtemp(prefix="presswork-test-cache-")))


@pytest.fixture(scope="session", autouse=True)
def _no_server_left():
    """The tools the runs keep running for the next (LanguageTool, EPUBCheck, veraPDF: the user's, one
    of each whatever the cache) are stopped when the tests end: they leave nothing running."""
    yield
    from pipeline.tools import daemon

    daemon.stop_all()


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def presswork(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> Run:
    """Run the command a user runs, in `cwd`, and return what it printed and its exit code."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(CACHE), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def copy_book(source: Path, target: Path) -> Path:
    """A fresh copy of a book folder (without any build/ of its own)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", "site"))
    return target


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its SHA-256: what 'left as it was' is checked against."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def conformance(tmp_path_factory) -> Path:
    """The conformance corpus built once in all four editions; the folder of its build/."""
    book = copy_book(TESTS / "conformance", tmp_path_factory.mktemp("conformance") / "book")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    return book / "build"


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory) -> Path:
    """The handbook in book/ built once in all four editions; the folder of its build/."""
    root = tmp_path_factory.mktemp("handbook")
    for name in ("mkdocs.yml", "book", "styles", "includes"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    run = presswork("build", cwd=root)
    assert run.returncode == 0, run.stderr
    return root / "build"
