"""Resource bounds: every external program runs with a timeout, the LanguageTool server's heap is
capped, the size limits are settings, and a book ten times the handbook builds within the memory
target (4096 MB peak resident memory, the benchmark's, summed over every process of the build)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import EPOCH, REPO

PIPELINE = REPO / "pipeline"
MEMORY_TARGET_MB = 4096


def _calls(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


def test_programs_are_started_in_one_place_only():
    """process.spawn, known while it runs so that it ends with presswork: for process.run (a timeout,
    the process group killed when it runs over) and the LanguageTool server (a startup deadline,
    stopped when its check ends); process.detach for the supervisor of the server kept between runs,
    which ends by itself; git through GitPython, with a timeout."""
    starters = {}
    for path in sorted(PIPELINE.rglob("*.py")):
        for _, name in _calls(path):
            if re.match(
                r"^(subprocess\.(run|Popen|call|check_call|check_output)|os\.(system|popen|exec\w*|spawn\w*|posix_spawn\w*))$", name
            ):
                starters.setdefault(path.relative_to(PIPELINE).as_posix(), []).append(name)
    assert starters == {"tools/process.py": ["subprocess.Popen", "subprocess.Popen"]}


def test_every_run_of_a_program_names_its_timeout():
    """Through `process.run`, or `java.run` (which runs it there, or in a JVM kept warm, with its timeout)."""
    runs = [
        (path.name, any(keyword.arg == "timeout" for keyword in node.keywords))
        for path in sorted(PIPELINE.rglob("*.py"))
        for node, name in _calls(path)
        if name in ("process.run", "java.run")
    ]
    assert {name for name, _ in runs} >= {
        "pandoc.py",
        "typst.py",
        "epubcheck.py",
        "java.py",
        "codespell.py",
        "maven.py",
        "npm.py",
        "ace.py",
        "verapdf.py",
    }
    assert all(timed for _, timed in runs), runs
    assert "kill_after_timeout=self.timeout" in (PIPELINE / "tools" / "git.py").read_text()


def test_the_languagetool_heap_is_a_checked_setting(tmp_path):
    from pipeline.configuration import config

    book = tmp_path / "book"
    (book / "book").mkdir(parents=True)
    (book / "book" / "index.md").write_text("# A\n\nText.\n")
    (book / "mkdocs.yml").write_text(
        "site_name: A\ndocs_dir: book\nnav: [index.md]\nplugins:\n  - presswork:\n      check:\n        languagetool_heap: lots\n"
    )
    with pytest.raises(Exception) as raised:
        config.load(book / "mkdocs.yml")
    assert "'lots' is not a heap size such as '1g' or '768m'" in str(raised.value)
    (book / "mkdocs.yml").write_text((book / "mkdocs.yml").read_text().replace("lots", "768m"))
    assert config.load(book / "mkdocs.yml").presswork.check.languagetool_heap == "768m"


class PeakMemory(threading.Thread):
    """The peak resident memory of a process and its descendants, sampled ten times a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError):
                continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def test_a_book_ten_times_the_handbook_builds_within_the_memory_target(tmp_path):
    """The handbook ten times over (each copy in a folder of its own, so its links still work)."""
    root = tmp_path / "big"
    (root / "book").mkdir(parents=True)
    shutil.copytree(REPO / "styles", root / "styles")
    shutil.copytree(REPO / "includes", root / "includes")
    shutil.copytree(REPO / "book" / "images", root / "book" / "images")
    config = (REPO / "mkdocs.yml").read_text()
    nav_start, nav_end = config.index("\nnav:\n") + 1, config.index("\nmarkdown_extensions:")
    entries = re.findall(r"^  - (.+): (\S+\.md)$", config[nav_start:nav_end], re.MULTILINE)
    (root / "book" / "index.md").write_text("# Ten handbooks\n\nThe handbook, ten times over.\n")
    nav = ["nav:", "  - Welcome: index.md"]
    for part in range(1, 11):
        shutil.copytree(REPO / "book", root / "book" / f"part{part}", ignore=shutil.ignore_patterns("*.pyc"))
        nav.append(f"  - Part {part}:")
        nav += [f"    - {title}: part{part}/{name}" for title, name in entries]
    (root / "mkdocs.yml").write_text(config[:nav_start] + "\n".join(nav) + config[nav_end:])
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(tmp_path / "cache")}
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--no-check", "--quiet"], cwd=root, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    sampler = PeakMemory(child.pid)
    sampler.start()
    out, err = child.communicate(timeout=900)
    sampler.stop.set()
    sampler.join()
    assert child.returncode == 0, err
    peak = sampler.peak / 1024 / 1024
    print(f"peak resident memory {peak:.0f} MB")
    assert 0 < peak <= MEMORY_TARGET_MB, f"peak resident memory {peak:.0f} MB"
    assert len(list((root / "build" / "site").rglob("*.html"))) > 100  # a page a chapter, opened from disk
