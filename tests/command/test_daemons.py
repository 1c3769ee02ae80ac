"""The tools kept running between runs (LanguageTool's server, EPUBCheck and veraPDF in JVMs of their
own): the next run finds them and reports what a run with tools of its own reports; one that died, or
was started otherwise, is replaced; `presswork stop` ends them; the supervisor ends one by itself
when idle, never while a run uses it."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import EPOCH, TESTS, copy_book, fresh_cache, presswork

from pipeline.environment import cache_folder
from pipeline.tools import ace, daemon, epubcheck, typst, verapdf

SEEDED = TESTS / "books" / "seeded-findings"
VERAPDF = verapdf.Validator.find(cache_folder(os.environ))
ACE = ace.Checker.find(cache_folder(os.environ))


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
    daemon.stop_all()  # those the other tests left: this one starts its own, found by its cache's path
    cache, book = fresh_cache(tmp_path / "cache"), copy_book(SEEDED, tmp_path / "book")
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
        assert stopped.returncode == 0 and stopped.stdout.strip() == "stopped: languagetool"
        _gone(lambda: _servers(cache))
        again = presswork("stop", cwd=book, env={"PRESSWORK_CACHE": str(cache)})
        assert again.stdout.strip() == "no tool was running"
    finally:
        daemon.stop_all()


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


def _broken_epub(path: Path) -> Path:
    """An EPUB 3 with no navigation document and a chapter that is not XHTML: EPUBCheck's errors."""
    package = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:1</dc:identifier>'
        "<dc:title>Broken</dc:title><dc:language>en</dc:language></metadata>"
        '<manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c"/></spine></package>'
    )
    container = (
        '<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("content.opf", package)
        archive.writestr("c.xhtml", "<html><body><p>Not closed</body></html>")
    return path


def _kept_of(folder: Path) -> int:
    """The process a kept tool runs in (its JVM, typst's compiler): the child of its supervisor."""
    supervisor = daemon.running(folder)["pid"]
    return int(subprocess.run(["pgrep", "-P", str(supervisor)], capture_output=True, text=True).stdout.split()[0])


def test_epubcheck_kept_running_answers_as_one_started_anew(tmp_path):
    """EPUBCheck in the JVM kept for it reports what it reports started anew, the second run in the
    same JVM; a kept JVM killed gives the same answer, from a JVM started again."""
    daemon.stop_all()
    warm = daemon.Warm.found(600)
    epub = _broken_epub(tmp_path / "broken.epub")
    try:
        anew = epubcheck.check(epub, timeout=600)
        assert {m.severity for m in anew} >= {"ERROR"} or {m.severity for m in anew} >= {"FATAL"}, anew
        assert epubcheck.check(epub, timeout=600, warm=warm) == anew
        first = _kept_of(warm.folder / "epubcheck")
        assert epubcheck.check(epub, timeout=600, warm=warm) == anew and _kept_of(warm.folder / "epubcheck") == first
        os.kill(first, signal.SIGKILL)
        assert epubcheck.check(epub, timeout=600, warm=warm) == anew
    finally:
        daemon.stop_all()
    assert daemon.running(warm.folder / "epubcheck") is None


TYPESET = """#set page(height: 6cm)
#set text(font: "Libertinus Serif")
#metadata((pages: "WORDS")) <pw-report>
#for i in range(40) [WORDS, paragraph #i. #parbreak()]
"""


def test_typst_kept_running_typesets_as_one_started_anew(tmp_path):
    """typst's compiler kept running writes the PDF a compiler started anew writes, byte for byte, with
    the same report and the same characters no font shows, compile after compile as the source
    changes; a source it cannot compile fails the same way; one killed is replaced, same answer."""
    daemon.stop_all()
    warm = daemon.Warm.found(600)
    source = tmp_path / "book.typ"

    def compiled(text: str, kept: bool) -> tuple:
        source.write_text(text, encoding="utf-8")
        unshown: list[str] = []
        output = tmp_path / ("kept.pdf" if kept else "anew.pdf")
        report = typst.compile_pdf(
            source, output, root=tmp_path, epoch=int(EPOCH), timeout=120, report="pw-report", unshown=unshown, warm=warm if kept else None
        )
        return report, unshown, output.read_bytes()

    try:
        for words in ("First words", "Other words, \u0f8a unshown", "First words"):
            text = TYPESET.replace("WORDS", words)
            anew = compiled(text, kept=False)
            assert anew[0] == {"pages": words.replace("\u0f8a", typst.stand_in("\u0f8a"))} and anew[2].startswith(b"%PDF")
            assert compiled(text, kept=True) == anew
        first = _kept_of(warm.folder / "typst")
        with pytest.raises(typst.Failed) as anew_failure:
            compiled("#let x = (\n", kept=False)
        with pytest.raises(typst.Failed) as kept_failure:
            compiled("#let x = (\n", kept=True)
        assert (kept_failure.value.reason, kept_failure.value.line) == (anew_failure.value.reason, anew_failure.value.line)
        assert "unclosed delimiter" in kept_failure.value.reason and _kept_of(warm.folder / "typst") == first
        os.kill(first, signal.SIGKILL)
        text = TYPESET.replace("WORDS", "After the kill")
        assert compiled(text, kept=True) == compiled(text, kept=False)
        assert _kept_of(warm.folder / "typst") != first
    finally:
        daemon.stop_all()
    assert daemon.running(warm.folder / "typst") is None


@pytest.mark.skipif(VERAPDF.missing() is not None, reason=f"{VERAPDF.missing()} (make test installs it from Maven Central)")
def test_verapdf_kept_running_answers_as_one_started_anew(tmp_path):
    """veraPDF in the JVM kept for it reports the same failures as started anew, run after run."""
    import pikepdf

    daemon.stop_all()
    warm = daemon.Warm.found(600)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "untagged.pdf")
    try:
        failed = VERAPDF.check(tmp_path / "untagged.pdf", timeout=600)
        assert failed and VERAPDF.check(tmp_path / "untagged.pdf", timeout=600, warm=warm) == failed
        assert VERAPDF.check(tmp_path / "untagged.pdf", timeout=600, warm=warm) == failed
        assert daemon.running(warm.folder / "verapdf") is not None  # it ran in the kept JVM
    finally:
        daemon.stop_all()


def _on_a_terminal(book: Path, cache: Path, *args: str) -> str:
    """What `presswork check` (or the verb `args` give) shows on a terminal, its live line included,
    run in a pseudo-terminal."""
    import pty

    primary, secondary = pty.openpty()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(cache), "TERM": "xterm"}  # as `presswork()` runs it
    child = subprocess.Popen([sys.executable, "-m", "pipeline", *(args or ("check",))], cwd=book, env=env, stdin=subprocess.DEVNULL,
                             stdout=secondary, stderr=secondary)  # fmt: skip
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child has ended and closed its side
            break
        if not chunk:
            break
        shown += chunk
    child.wait(timeout=300)
    os.close(primary)
    return shown.decode("utf-8", "replace")


def test_the_live_line_says_when_languagetool_is_started_and_what_it_checks(tmp_path):
    daemon.stop_all()
    cache, book = fresh_cache(tmp_path / "cache"), copy_book(SEEDED, tmp_path / "book")
    try:
        first = _on_a_terminal(book, cache)
        assert re.search(r"grammar \(starting LanguageTool for \d+ paragraphs\) \d+\.\d s", first), first[-2000:]
        shutil.rmtree(cache / "checks")
        again = _on_a_terminal(book, cache)  # the server kept from the first
        assert re.search(r"grammar \(\d+ paragraphs\) \d+\.\d s", again) and "starting LanguageTool" not in again, again[-2000:]
    finally:
        daemon.stop_all()


@pytest.mark.skipif(ACE.missing() is not None, reason=f"{ACE.missing()} (make test installs it from npm)")
def test_the_live_line_counts_the_documents_daisy_ace_reads(tmp_path):
    """A build on a terminal says which of the EPUB's documents DAISY Ace is reading ("document 3 of
    7"), and the second build, which reads only the changed one, counts that one."""
    cache, book = fresh_cache(tmp_path / "cache"), copy_book(SEEDED, tmp_path / "book")
    shown = _on_a_terminal(book, cache, "build", "--format", "epub", "--no-check")
    counts = [(int(a), int(b)) for a, b in re.findall(r"epub(?: valid)? \(DAISY Ace: document (\d+) of (\d+)\)", shown)]
    assert counts and counts == sorted(counts) and len({total for _, total in counts}) == 1 and counts[0][1] > 1, shown[-2000:]
    chapter = next((book / "book").glob("*.md"))
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence at the end.\n", encoding="utf-8")
    again = _on_a_terminal(book, cache, "build", "--format", "epub", "--no-check")
    assert set(re.findall(r"DAISY Ace: document (\d+ of \d+)", again)) <= {"1 of 1"}, again[-2000:]  # only the changed one
