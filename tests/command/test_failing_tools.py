"""External tools that fail for real: missing, killed, timed out, printing garbage, or given input they cannot take.

Each time Presswork names the tool and why in one line, exits 3, and leaves the output folder as it
was. A LanguageTool server that dies during a check is started again once and the check completes
with every finding; a second death fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CACHE, EPOCH, TESTS, copy_book, fresh_cache, presswork, tree_digest

from pipeline.errors import ToolError
from pipeline.formats import styles
from pipeline.tools import daemon, maven, pandoc

PYTHON_ONLY = os.path.dirname(sys.executable)  # a PATH with Python and nothing else: no java, no git


@pytest.fixture
def book(tmp_path) -> Path:
    """A small valid book with a previous build in its output folder."""
    root = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
    previous = root / "build"
    (previous / "site").mkdir(parents=True)
    (previous / "site" / "index.html").write_text("the previous site")
    (previous / "bom-crlf.pdf").write_bytes(b"%PDF- the previous edition")
    return root


def fails(book: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Build, expecting a tool failure: exit 3, one line, no traceback, the output folder as it was."""
    before = tree_digest(book / "build")
    run = presswork("build", "--no-check", "--no-cache", "--quiet", *args, cwd=book, env=env)  # every tool runs
    assert run.returncode == 3, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert tree_digest(book / "build") == before
    assert sorted(p.name for p in (book / "build").iterdir()) == ["bom-crlf.pdf", "site"]
    return lines[0]


def fake(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def test_pandoc_missing(book):
    line = fails(book, "--format", "docx", env={"PYPANDOC_PANDOC": str(book / "no-such-pandoc")})
    assert line == "error: pandoc was not found (reinstall pypandoc-binary)"


def test_pandoc_killed_while_it_writes(book, tmp_path):
    real = pandoc.executable()
    wrapper = fake(tmp_path / "bin", "pandoc", f'case "$*" in *"--to docx"*) kill -KILL $$;; esac\nexec {real} "$@"\n')
    line = fails(book, "--format", "docx", env={"PYPANDOC_PANDOC": str(wrapper)})
    assert line == "error: pandoc failed: it was killed (SIGKILL)"


def test_pandoc_given_a_reference_document_it_cannot_read(book):
    (book / "styles").mkdir()
    (book / "styles" / "reference.docx").write_bytes(b"PK\x03\x04 not really a Word document")
    line = fails(book, "--format", "docx")
    assert line.startswith("error: pandoc failed:"), line


def _template(book: Path, extra: str) -> None:
    """The book's own PDF template: Presswork's, with `extra` Typst source at its end (chapters
    cannot hold Typst source: they are read as the site reads them)."""
    (book / "styles").mkdir(exist_ok=True)
    (book / "styles" / "book.typ").write_text(styles.find(book, "book.typ").read_text() + extra)


def test_typst_given_source_it_cannot_compile(book):
    _template(book, "\n#let x = (\n")
    line = fails(book, "--format", "pdf")
    assert line.startswith("error: typst failed:") and "unclosed delimiter" in line, line


BUSY_TYPST = "\n#for i in range(100000000) {}\n"


@pytest.mark.parametrize("kept", [True, False], ids=["kept-compiler", "own-child"])
def test_typst_running_over_its_timeout_is_stopped(book, kept):
    """Whether typst runs in the compiler kept between runs or in a child of its own, a compile past
    the book's timeout is stopped: nothing is left compiling."""
    _template(book, BUSY_TYPST)
    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + "      timeout: 2\n")
    line = fails(book, "--format", "pdf", *([] if kept else ["--no-daemon"]))
    assert line == "error: typst timed out after 2 s and was stopped (raise timeout in mkdocs.yml)"
    assert daemon.running(daemon.home() / "typst") is None  # the kept compiler was stopped with it
    assert not [pid for pid, cmdline in _processes() if "pipeline.tools.typst" in " ".join(cmdline) and _descends_from(pid, os.getpid())]


def test_typst_killed_while_it_compiles(book):
    _template(book, BUSY_TYPST)
    killer = Killer("pipeline.tools.typst")
    killer.start()
    line = fails(book, "--format", "pdf", "--no-daemon")  # a child of its own (the kept compiler, killed, is replaced)
    killer.join()
    assert killer.killed == 1
    assert line == "error: typst failed: it was killed (SIGKILL)"


def test_java_missing(book):
    line = fails(book, "--format", "epub", env={"PATH": PYTHON_ONLY})
    assert line.startswith("error: Java 17 or newer was not found"), line


def test_epubcheck_s_java_killed(book, tmp_path):
    fake(tmp_path / "bin", "java", 'case "$1" in -version) echo \'openjdk version "17.0.9"\' >&2; exit 0;; esac\nkill -KILL $$\n')
    line = fails(book, "--format", "epub", env={"PATH": f"{tmp_path / 'bin'}:{PYTHON_ONLY}"})
    assert line == "error: EPUBCheck gave no report: it was killed (SIGKILL)"


def test_a_checker_that_dies_at_the_default_level_leaves_the_pdf_unclaimed_with_a_warning(book, tmp_path):
    """veraPDF's Java killed as it checks the PDF: at the default level (warning) the PDF is written,
    claiming no PDF/UA-1 it was not held to, and the build says the PDF was not checked."""
    import pikepdf

    fake(tmp_path / "bin", "java", 'case "$1" in -version) echo \'openjdk version "17.0.9"\' >&2; exit 0;; esac\nkill -KILL $$\n')
    run = presswork("build", "--no-check", "--no-cache", "--format", "pdf", cwd=book, env={"PATH": f"{tmp_path / 'bin'}:{PYTHON_ONLY}"})
    assert run.returncode == 0, run.stderr
    assert (
        "bom-crlf.pdf: warning: its accessibility was not checked (veraPDF gave no report: it was killed (SIGKILL); it is written without claiming PDF/UA-1)"
        in run.stderr.splitlines()
    )
    with pikepdf.open(book / "build" / "bom-crlf.pdf") as pdf:
        assert b"pdfuaid" not in pdf.Root.Metadata.read_bytes()


def test_a_site_checker_that_dies_at_the_default_level_leaves_the_site_written_with_a_warning(book, tmp_path):
    """axe-core's node killed as it checks the site: at the default level (warning) the site is
    published all the same, and the build says its pages were not checked; at `error` it is exit 3."""
    fake(tmp_path / "bin", "node", "kill -KILL $$\n")
    (tmp_path / "bin" / "chromium").symlink_to(shutil.which("chromium") or "/usr/bin/chromium")
    env = {"PATH": f"{tmp_path / 'bin'}:{PYTHON_ONLY}"}
    run = presswork("build", "--no-check", "--no-cache", "--format", "site", cwd=book, env=env)
    assert run.returncode == 0, run.stderr
    assert "site/: warning: its accessibility was not checked (axe-core failed: it was killed (SIGKILL))" in run.stderr.splitlines(), (
        run.stderr
    )
    assert (book / "build" / "site" / "index.html").read_text() != "the previous site"

    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + "      accessibility: {site: error}\n")
    assert fails(book, "--format", "site", env=env) == "error: axe-core failed: it was killed (SIGKILL)"


def test_pandoc_that_prints_garbage_where_its_tree_goes(book, tmp_path):
    real = pandoc.executable()
    wrapper = fake(
        tmp_path / "bin",
        "pandoc",
        f'case "$*" in *"--to json"*) echo "Segmentation fault (core dumped)"; exit 0;; esac\nexec {real} "$@"\n',
    )
    line = fails(book, "--format", "docx", env={"PYPANDOC_PANDOC": str(wrapper)})
    assert line == (
        "book/index.md: error: pandoc gave a report that is not JSON: 'Segmentation fault (core dumped)' "
        "(run again with --debug; if it persists, reinstall the tool)"
    )


def test_epubcheck_that_writes_garbage_for_its_report(book, tmp_path):
    """EPUBCheck's Java writes its report: here a half-written one."""
    java = shutil.which("java")
    fake(
        tmp_path / "bin",
        "java",
        f'case "$*" in *epubcheck*) for a; do [ "$prev" = --json ] && printf \'{{"messages": [\' > "$a"; prev=$a; done; exit 0;; esac\nexec {java} "$@"\n',
    )
    line = fails(book, "--format", "epub", env={"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"})
    assert (
        line
        == "error: EPUBCheck gave a report that is not JSON: '{\"messages\": [' (run again with --debug; if it persists, reinstall the tool)"
    )


def _checked_against(handler, tmp_path):
    """`presswork check` of a small book against a server at --languagetool-url that `handler` answers."""
    import http.server

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
        return presswork("check", "--languagetool-url", f"http://127.0.0.1:{server.server_address[1]}", cwd=root)
    finally:
        server.shutdown()


def test_a_languagetool_server_that_answers_garbage(tmp_path):
    """A server at --languagetool-url that answers HTML (a proxy's error page) to every request."""
    import http.server

    class Garbage(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            body = b"<html><body>502 Bad Gateway</body></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    run = _checked_against(Garbage, tmp_path)
    assert (run.returncode, run.stdout) == (3, ""), run.stderr  # no report, never a clean one
    assert run.stderr.strip().splitlines()[-1] == (
        "error: LanguageTool gave a report that is not JSON: '<html><body>502 Bad Gateway</body></html>' "
        "(run again with --debug; if it persists, reinstall the tool)"
    )


def test_a_languagetool_server_that_hangs_up(tmp_path):
    """A server at --languagetool-url that answers a check but hangs up when asked its languages, as one
    another run replaces does: one line, exit 3, no report, never an internal error."""
    import http.server
    import json

    class HangsUp(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.dumps({"matches": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.close_connection = True  # no answer at all: the connection is closed under the request

        def log_message(self, *args):
            pass

    run = _checked_against(HangsUp, tmp_path)
    assert (run.returncode, run.stdout) == (3, ""), run.stderr  # no report, never a clean one
    assert run.stderr.strip().splitlines()[-1].startswith("error: LanguageTool failed: "), run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


def test_git_missing(book):
    run = presswork("status", cwd=book, env={"PATH": PYTHON_ONLY})
    assert run.returncode == 3
    assert run.stderr.strip() == "error: git was not found (install git, e.g. apt-get install git)"


class Killer(threading.Thread):
    """Kills, with SIGKILL, each new process started by this test run whose command line holds
    `needle`, up to `times` times; `ready` (a process's command line -> bool) says when it is time.
    Processes that do not descend from this one (another user's build on the same machine) are left alone."""

    def __init__(self, needle: str, *, times: int = 1, ready=lambda cmdline: True, deadline: float = 120) -> None:
        super().__init__(daemon=True)
        self.needle, self.times, self.ready, self.deadline = needle, times, ready, deadline
        self.killed = 0
        self.cmdlines: list[list[str]] = []

    def run(self) -> None:
        seen: set[int] = set()
        end = time.monotonic() + self.deadline
        while self.killed < self.times and time.monotonic() < end:
            for pid, cmdline in _processes():
                if pid in seen or self.needle not in " ".join(cmdline) or not _descends_from(pid, os.getpid()):
                    continue
                if self.ready(cmdline):
                    seen.add(pid)
                    self.cmdlines.append(cmdline)
                    try:
                        os.kill(pid, signal.SIGKILL)
                        self.killed += 1
                    except ProcessLookupError:
                        pass
            time.sleep(0.05)


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])  # the parent's id, after the command's name
        if pid == ancestor:
            return True
    return False


def _processes():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            except OSError:
                continue


# --- LanguageTool: a server that dies during a check -------------------------------------------


def _long_book(root: Path) -> Path:
    """A book with enough paragraphs that a check takes a while, and one grammar mistake at the end."""
    copy_book(TESTS / "books" / "bom-crlf", root)
    paragraphs = [f"Paragraph number {n} of this chapter says one more plain thing about ships." for n in range(800)]
    text = "# A long chapter\n\n" + "\n\n".join(paragraphs) + "\n\nIn the end he go to school by boat.\n"
    (root / "book" / "index.md").write_text(text)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "      check:\n        languagetool_heap: 900m\n")
    return root


def _answering(cmdline: list[str]) -> bool:
    """Whether the LanguageTool server started with `cmdline` answers: then the check is under way."""
    port = cmdline[cmdline.index("--port") + 1]
    try:
        data = b"language=en-US&text=Ready."
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/check", data=data, timeout=2).read()
    except OSError:
        return False
    time.sleep(1.0)  # let the check's own requests start
    return True


@pytest.fixture(scope="module")
def languagetool_installed():
    """`make test` installs LanguageTool (`make install`, which fails without it): missing, it is a failed install."""
    assert (CACHE / "languagetool").exists(), "LanguageTool is not installed: run make test, which installs it (make install)"


def _check_while_killing(root: Path, cache: Path, times: int):
    """The check run while its LanguageTool server is killed `times` times: the server the checks keep
    running between runs is stopped first, so that the check starts the one it uses (and the killer,
    which kills only what this test started, finds it)."""
    from pipeline.tools import daemon

    daemon.stop_all()
    killer = Killer("org.languagetool.server.HTTPServer", times=times, ready=_answering)
    killer.start()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PRESSWORK_CACHE": str(cache)}
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "--format", "json", "--quiet"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    killer.join(timeout=1)
    return run, killer


def test_a_languagetool_server_that_dies_is_started_again_and_nothing_is_lost(tmp_path, languagetool_installed):
    root = _long_book(tmp_path / "book")
    run, killer = _check_while_killing(root, fresh_cache(tmp_path / "cache"), times=1)
    assert killer.killed == 1
    assert "-Xmx900m" in killer.cmdlines[0]  # the heap is capped as configured
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)
    last = len((root / "book" / "index.md").read_text().split("\n")) - 1
    assert [(f["line"], f["rule"]) for f in findings] == [(last, "HE_VERB_AGR")]


def test_a_languagetool_server_that_dies_twice_fails_the_check(tmp_path, languagetool_installed):
    root = _long_book(tmp_path / "book")
    run, killer = _check_while_killing(root, fresh_cache(tmp_path / "cache"), times=2)
    assert killer.killed == 2
    assert run.returncode == 3, run.stderr
    assert run.stdout == ""  # no report at all, never a clean one
    assert run.stderr.strip().splitlines()[-1] == (
        "error: the LanguageTool server stopped during the check, and again after a restart; nothing is reported "
        "(give it more memory (check.languagetool_heap) or run with --no-grammar)"
    )


@pytest.mark.skipif(not maven.available(), reason="Maven is not installed (make installs LanguageTool and veraPDF with it)")
def test_a_maven_install_that_fails_leaves_no_folder_behind(tmp_path):
    """A version Maven Central does not have: a clear error, and no half-installed tool that a later
    run would take for a whole one."""
    target = tmp_path / "verapdf" / "0.0.0"
    with pytest.raises(ToolError) as raised:
        maven.install(target, ["org.verapdf.apps:greenfield-apps:0.0.0"], name="veraPDF 0.0.0", timeout=600)
    assert str(raised.value) == "error: veraPDF 0.0.0 could not be installed with Maven"
    assert "0.0.0" in (raised.value.detail or "")  # what Maven said, shown with --debug
    assert list((tmp_path / "verapdf").iterdir()) == []
    assert maven.installed(target) is None
