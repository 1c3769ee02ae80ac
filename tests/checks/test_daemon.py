"""LanguageTool's server kept running between runs: the next check finds it and reports what a check
with a server of its own reports; a server that died, or was started with another heap, is replaced;
`presswork stop` ends it; the supervisor ends it by itself when idle, never while a run uses it."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, fresh_cache, presswork

from pipeline.environment import cache_folder
from pipeline.tools import daemon, languagetool

SEEDED = TESTS / "books" / "seeded-findings"
INSTALLED = languagetool.installed(cache_folder(os.environ))
pytestmark = pytest.mark.skipif(INSTALLED is None, reason="LanguageTool is not installed (make install)")


def _own_cache(folder: Path) -> Path:
    """A cache whose LanguageTool is the installed one, kept running in a folder of its own: the other
    tests' server is not this one's."""
    cache = fresh_cache(folder)
    (cache / "languagetool").unlink()
    (cache / "languagetool").mkdir()
    (cache / "languagetool" / INSTALLED.version).symlink_to(cache_folder(os.environ) / "languagetool" / INSTALLED.version)
    return cache


def _servers(cache: Path) -> list[int]:
    listing = subprocess.run(["pgrep", "-f", f"{cache}/languagetool/.*HTTPServer"], capture_output=True, text=True)
    return [int(pid) for pid in listing.stdout.split()]


def _findings(cache: Path, book: Path, *args: str) -> list[tuple]:
    """What a check finds, every paragraph sent to LanguageTool (none taken from the findings cache)."""
    shutil.rmtree(cache / "checks", ignore_errors=True)
    run = presswork("check", "--quiet", "--format", "json", *args, cwd=book, env={"PRESSWORK_CACHE": str(cache)})
    assert run.returncode in (0, 1), run.stderr
    return [(f["path"], f["line"], f["column"], f["engine"], f["rule"]) for f in json.loads(run.stdout)]


def test_the_next_check_uses_the_server_the_last_one_left_running(tmp_path):
    cache, book = _own_cache(tmp_path / "cache"), copy_book(SEEDED, tmp_path / "book")
    try:
        alone = _findings(cache, book, "--no-daemon")
        assert alone and any(engine == "languagetool" for *_, engine, _ in alone)  # LanguageTool's own rules among them
        assert _servers(cache) == []  # a server of its own, stopped with the run

        first = _findings(cache, book)
        servers = _servers(cache)
        assert first == alone and len(servers) == 1  # left running for the next
        assert _findings(cache, book) == alone and _servers(cache) == servers  # found, not started again

        os.kill(servers[0], signal.SIGKILL)  # a server that died
        assert _findings(cache, book) == alone
        assert len(_servers(cache)) == 1 and _servers(cache) != servers  # replaced

        config = book / "mkdocs.yml"
        config.write_text(config.read_text() + "      check:\n        languagetool_heap: 700m\n")
        assert _findings(cache, book) == alone
        replaced = _servers(cache)
        assert len(replaced) == 1 and "-Xmx700m" in Path(f"/proc/{replaced[0]}/cmdline").read_text()  # started as this book asks

        stopped = presswork("stop", cwd=book, env={"PRESSWORK_CACHE": str(cache)})
        assert stopped.returncode == 0 and stopped.stdout.strip() == "LanguageTool's server is stopped"
        _gone(lambda: _servers(cache))
        again = presswork("stop", cwd=book, env={"PRESSWORK_CACHE": str(cache)})
        assert again.stdout.strip() == "no LanguageTool server was running"
    finally:
        languagetool.stop(cache)


def _gone(listed, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while listed() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listed()


def _supervised(folder: Path, idle: float) -> tuple[subprocess.Popen, Path]:
    """The supervisor of a real program (`sleep`) kept in `folder`, idle after `idle` seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / daemon.STATE
    state.write_text(json.dumps({"pid": 0, "url": "none", "identity": {}, "command": ["sleep", "600"]}))
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "pipeline.tools.daemon", "--state", str(state), "--idle", str(idle)], start_new_session=True
    )
    return supervisor, state


def _sleeping(supervisor: subprocess.Popen) -> list[int]:
    listing = subprocess.run(["pgrep", "-P", str(supervisor.pid)], capture_output=True, text=True)
    return [int(pid) for pid in listing.stdout.split()]


def test_an_idle_server_ends_by_itself_but_not_while_a_run_uses_it(tmp_path):
    supervisor, state = _supervised(tmp_path / "kept", idle=2)
    try:
        with open(tmp_path / "kept" / daemon.USE, "a") as use:
            fcntl.flock(use, fcntl.LOCK_SH)  # a run using it, for longer than its idle time
            time.sleep(6)
            assert supervisor.poll() is None and _sleeping(supervisor)
        supervisor.wait(timeout=20)  # left: it ends, and its program with it
        assert not state.exists()
    finally:
        supervisor.kill()
    supervisor, state = _supervised(tmp_path / "replaced", idle=600)
    try:
        state.write_text(json.dumps({"pid": 1, "url": "none", "identity": {}}))  # another took its place
        supervisor.wait(timeout=20)
    finally:
        supervisor.kill()
