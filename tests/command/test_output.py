"""The output folder as it really fails: an `--out` that is a file, a read-only file system, a full
disk (small tmpfs mounts, which need root: the machine and CI run the tests as root), and a second
build of the same folder while one holds it. Each is one line and exit 73 (or a wait), and the
editions already in the folder are left as they were."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, presswork, tree_digest

BOOK = TESTS / "books" / "style-rules"  # one chapter, the site alone: quick to build


def _book(tmp_path: Path) -> Path:
    return copy_book(BOOK, tmp_path / "book")


@contextlib.contextmanager
def _mounted(folder: Path, options: str):
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:  # as root (the machine's and CI's tests) a mount that fails is a failure, not a skip
        assert os.geteuid() != 0, f"a tmpfs could not be mounted as root: {mounted.stderr.strip()}"
        pytest.skip(f"mounting a tmpfs needs root, and these tests run as user {os.geteuid()}: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _last_line(run) -> str:
    return run.stderr.strip().splitlines()[-1]


def test_an_out_that_is_a_file_is_said_in_one_line(tmp_path):
    book = _book(tmp_path)
    (book / "taken").write_text("a file the user keeps\n")
    run = presswork("build", "--no-check", "--out", "taken", cwd=book)
    assert run.returncode == 73, run.stderr
    assert _last_line(run) == f"error: the output '{book / 'taken'}' is a file, not a folder (give --out a folder, or move the file away)"
    assert (book / "taken").read_text() == "a file the user keeps\n"


def test_a_read_only_file_system_is_said_in_one_line(tmp_path):
    book = _book(tmp_path)
    with _mounted(tmp_path / "ro", "ro,size=1m") as folder:
        run = presswork("build", "--no-check", "--out", str(folder / "out"), cwd=book)
    assert run.returncode == 73, run.stderr
    assert "Read-only file system (the file system is read-only: build elsewhere with --out)" in _last_line(run), run.stderr
    assert "Traceback" not in run.stderr


def test_a_full_disk_is_said_in_one_line_and_the_editions_there_are_kept(tmp_path):
    book = _book(tmp_path)
    with _mounted(tmp_path / "small", "size=8m") as folder:
        out = folder / "out"
        first = presswork("build", "--no-check", "--out", str(out), cwd=book)
        assert first.returncode == 0, first.stderr
        before = tree_digest(out / "site")
        filler = folder / "filler"  # what else fills the disk, leaving a few kB
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        filler.write_bytes(b"\0" * max(0, free - 16_384))
        chapter = book / "book" / "index.md"
        chapter.write_text(chapter.read_text() + "\nOne more sentence, so that the site is made again.\n")
        run = presswork("build", "--no-check", "--out", str(out), cwd=book)
        assert run.returncode == 73, run.stderr
        assert _last_line(run).startswith(
            f"error: cannot write into the output folder '{out}': No space left on device (free some space"
        ), run.stderr
        assert tree_digest(out / "site") == before  # the site built before is whole, as it was
        assert [p.name for p in out.iterdir()] == ["site"]  # no staging folder left, nothing added


def test_a_second_build_of_the_same_folder_waits_for_the_first(tmp_path):
    book = _book(tmp_path)
    out = book / "build"
    out.mkdir()
    held = os.open(out, os.O_RDONLY | os.O_DIRECTORY)  # what a first build holds while it writes
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "build", "--no-check"],
            cwd=book,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        time.sleep(5)
        assert second.poll() is None  # it waits
        assert not (out / "site").exists()
    finally:
        os.close(held)
    stderr = second.communicate(timeout=300)[1]
    assert second.returncode == 0, stderr
    assert f"waiting for the build that is writing {out} (process {os.getpid()}) to finish" in stderr
    assert (out / "site" / "index.html").is_file()


def test_a_staging_folder_removed_under_the_build_is_said_in_one_line(tmp_path):
    """Someone deletes `build/.staging-*` while the build writes in it: a write error (73) that says so,
    not an internal error, and the editions already in the output folder are kept."""
    import shutil

    book = _book(tmp_path)
    assert presswork("build", "--no-check", cwd=book).returncode == 0
    out = book / "build"
    before = tree_digest(out)
    env = {**os.environ, "PRESSWORK_CACHE": str(tmp_path / "cache")}  # a cache of its own: everything is made anew
    child = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--no-check"], cwd=book, env=env,
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while child.poll() is None and time.monotonic() < deadline:  # removed again and again, until the build gives up
        for staging in out.glob(".staging-*"):
            shutil.rmtree(staging, ignore_errors=True)
        time.sleep(0.005)
    stderr = child.communicate(timeout=300)[1]
    assert child.returncode == 73, stderr
    assert "was removed while the build ran; nothing was changed in it" in stderr.strip().splitlines()[-1], stderr
    assert "Traceback" not in stderr
    assert tree_digest(out) == before
