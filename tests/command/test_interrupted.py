"""Runs killed outright (SIGKILL) at a series of moments: the output folder, the build store, the site
branch and the remote are each left as before or complete, and the next run succeeds. A build
stopped (Ctrl-C, SIGTERM, SIGKILL) while its tools run leaves none of them running."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EPOCH, TESTS, copy_book, fresh_cache, presswork
from publishing import DAY, ENV, START, new_project

from pipeline import build


def editions(out: Path) -> dict[str, str]:
    """The editions in an output folder (what readers see: not the hidden staging folders), by digest."""
    found = {}
    for path in sorted(out.rglob("*")) if out.exists() else []:
        relative = path.relative_to(out)
        if path.is_file() and not relative.parts[0].startswith("."):
            found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def assert_store_sound(store: Path) -> None:
    """Every entry of the store is whole: each edition's files match its manifest, each parsed
    chapter and drawn diagram its checksum. Half-written entries may only be hidden temporary files and
    folders (`.new-*`), which the store never reads."""

    def whole(paths):
        return [path for path in paths if not any(part.startswith(".") for part in path.relative_to(store).parts)]

    for manifest in whole((store / "editions").glob("*/manifest.json")):
        for name, digest in json.loads(manifest.read_text())["files"].items():
            assert hashlib.sha256((manifest.parent / "content" / name).read_bytes()).hexdigest() == digest
    for entry in whole(path for path in store.glob("*/*/*.json") if path.parts[-3] != "editions"):
        record = json.loads(entry.read_bytes())
        assert record["sha256"] == hashlib.sha256(json.dumps(record["value"], sort_keys=True).encode()).hexdigest()


def run_until(args: list[str], cwd: Path, env: dict[str, str], label: str | None) -> tuple[int, str]:
    """Run presswork and kill it (its whole process group) when the stage `label` has finished."""
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, text=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    seen = []
    for line in child.stderr:
        seen.append(line)
        if label is not None and line.startswith("✓ ") and line[2:16].strip() == label:
            os.killpg(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=300)
    return child.returncode, "".join(seen)


BUILD_POINTS = ["manuscript", "pdf", "docx", "epub", "pdf valid", "site", "site valid", "epub valid"]


def test_a_build_killed_at_each_stage_leaves_the_editions_as_before_and_the_store_whole(tmp_path):
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(fresh_cache(tmp_path / "cache"))}
    first = presswork("build", "--no-check", "--quiet", cwd=book, env=env)
    assert first.returncode == 0, first.stderr
    before = editions(book / "build")
    chapter = next((book / "book").glob("*.md"))
    chapter.write_text(chapter.read_text() + "\nOne more paragraph, so every edition changes.\n")
    reference = copy_book(book, tmp_path / "reference")  # the same change, built to the end, elsewhere
    assert presswork("build", "--no-check", "--quiet", "--no-cache", cwd=reference).returncode == 0
    after = editions(reference / "build")
    assert after != before
    for label in BUILD_POINTS:
        code, said = run_until(["build", "--no-check"], book, env, label)
        now = editions(book / "build")
        assert now in (before, after), f"killed after {label}: a mix of editions\n{said}"
        assert_store_sound(tmp_path / "cache" / "store")
        if code == 0:  # it finished before the kill: nothing left to interrupt
            break
        assert code == -signal.SIGKILL, said
    final = presswork("build", "--no-check", "--quiet", cwd=book, env=env)
    assert final.returncode == 0, final.stderr
    assert editions(book / "build") == after
    assert not list((book / "build").glob(".staging-*"))


def test_a_move_into_place_cut_short_is_finished_by_the_next_run(tmp_path):
    """Killed between two renames: the next run finishes the move it had written down."""
    out = tmp_path / "build"
    (out / "site").mkdir(parents=True)
    (out / "site" / "index.html").write_text("old site")
    (out / "book.pdf").write_text("old pdf")
    staging = out / f"{build.STAGING_PREFIX}killed"
    (staging / "site").mkdir(parents=True)
    (staging / "site" / "index.html").write_text("new site")
    (staging / "book.epub").write_text("new epub")
    (out / "book.pdf").write_text("new pdf")  # the first rename had happened
    (staging / build.MOVING).write_text(json.dumps(["book.pdf", "book.epub", "site"]))
    build._remove_stale_staging(out)
    assert editions(out) == {
        name: hashlib.sha256(text.encode()).hexdigest()
        for name, text in {"book.epub": "new epub", "book.pdf": "new pdf", "site/index.html": "new site"}.items()
    }
    assert sorted(p.name for p in out.iterdir()) == ["book.epub", "book.pdf", "site"]


PUBLISH_POINTS = ["gate", "export", "manuscript", "spelling", "pdf", "site", "release", "commit"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = new_project(tmp_path_factory.mktemp("interrupted"))
    project.commit("More", {"book/second.md": "# Second chapter\n\nMore.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.0", when=START + DAY)
    return project


def test_a_publish_killed_at_each_stage_changes_nothing_and_the_next_one_succeeds(project, tmp_path):
    env = {**os.environ, **ENV, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(tmp_path / "cache")}
    before, status = project.refs(), project.git("status", "--porcelain")
    for label in PUBLISH_POINTS:
        code, said = run_until(["publish", "v1.0.0", "--no-grammar"], project.root, env, label)
        assert code == -signal.SIGKILL, f"{label}: {said}"
        assert project.refs() == before, f"killed after {label}"
        assert project.git("status", "--porcelain") == status
        assert_store_sound(tmp_path / "cache" / "store")
    code, said = run_until(["publish", "v1.0.0", "--no-grammar"], project.root, env, None)
    assert code == 0, said
    after = project.refs()
    assert after["origin refs/heads/gh-pages"] == after["clone refs/heads/gh-pages"] != before.get("origin refs/heads/gh-pages")
    assert not list((project.root / "build").glob(".publish-*"))


def _tree(root: int) -> set[int]:
    """The processes descended from `root`, now (zombies, which have ended, aside)."""
    rows = [
        line.split(None, 2)
        for line in subprocess.run(["ps", "-eo", "pid,ppid,stat"], capture_output=True, text=True).stdout.splitlines()[1:]
    ]
    children: dict[int, list[int]] = {}
    for pid, ppid, stat in rows:
        if not stat.startswith("Z"):
            children.setdefault(int(ppid), []).append(int(pid))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _command(pid: int) -> str:
    """The command line of a process, or nothing when it has ended since it was found."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            alive.add(pid)
    return alive


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "sigterm", "sigkill"])
def test_a_build_stopped_while_its_tools_run_leaves_no_tool_running(tmp_path, stop):
    """Stopped while the checkers and browsers run (chromium for axe-core and DAISY Ace, Java for
    EPUBCheck and veraPDF): Ctrl-C and SIGTERM are answered at once (exit 130, the output folder as it
    was), and none of the processes it started, nor theirs, is left running, not even after SIGKILL."""
    book = copy_book(TESTS / "conformance", tmp_path / "book")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(fresh_cache(tmp_path / "cache"))}
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--no-check", "--no-daemon"],  # no tool kept for the next run, on purpose
        cwd=book,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started, deadline = set(), time.monotonic() + 300
    while time.monotonic() < deadline and child.poll() is None:
        started |= _tree(child.pid)
        commands = " ".join(_command(pid) for pid in _alive(started))
        if "chromium" in commands and "java" in commands:
            break
        time.sleep(0.2)
    assert child.poll() is None, "the build ended before its tools could be stopped"
    started |= _tree(child.pid)
    asked = time.monotonic()
    child.send_signal(stop)
    stderr = child.communicate(timeout=60)[1]
    answered = time.monotonic() - asked
    if stop != signal.SIGKILL:
        assert child.returncode == 130, stderr
        assert stderr.strip().splitlines()[-1] == "presswork: interrupted; nothing was changed in the output folder"
        assert answered < 15, f"{answered:.1f} s to answer"  # bounded, not timed: 2 s when the machine is not busy
    settled = time.monotonic() + 15  # what the system stops when its parent has gone (setpriv --pdeathsig), and
    while _alive(started) and time.monotonic() < settled:  # a browser whose driver has gone, end within moments
        time.sleep(0.2)
    left = _alive(started)
    described = {pid: _command(pid)[:100] for pid in left}
    assert not left, described
    if stop != signal.SIGKILL:  # (killed outright, it leaves its staging folder to the next run, as above)
        assert not (book / "build").exists() or not list((book / "build").glob(".staging-*"))
