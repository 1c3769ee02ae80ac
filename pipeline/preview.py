"""The preview `presswork serve` keeps of the editions MkDocs' own server does not show.

After each save, the PDF and the EPUB are built again in the background (a `presswork build --draft`
of their own, with the tools kept warm between runs: the accessibility checkers are left to `build`),
the saved chapter is checked, and one page, on
the port after the site's, shows them: the saved chapter's pages of the PDF as images, the whole PDF
in the browser's viewer, the chapter's EPUB document as an e-reader lays it out, and the check's
findings at their lines. The page asks every second whether a newer build is ready and shows it; a
build that fails shows its error there, and the next save tries again. Nothing is written to the
book's folder: the preview lives in a temporary folder, removed when the server stops.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.tools import process

_POLL = 0.5  # seconds between looks at the sources
_PAGES = 12  # at most this many pages of the saved chapter as images
_BUILD_TIMEOUT = 1800.0


class Preview:
    def __init__(self, config: Path, root: Path, docs: Path, host: str, port: int, *, title: str) -> None:
        self.config, self.root, self.docs, self.title = config, root, docs, title
        self.folder = Path(tempfile.mkdtemp(prefix="presswork-preview-"))
        self.state: dict = {"version": 0, "state": "building", "title": title}
        handler = functools.partial(_Handler, directory=str(self.folder))
        self.server = http.server.ThreadingHTTPServer((host, port), handler)
        self.address = f"http://{host}:{self.server.server_address[1]}/"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        (self.folder / "index.html").write_text(_PAGE.replace("$TITLE", html.escape(title)), encoding="utf-8")
        self._write_state()

    def start(self) -> None:
        for target in (self.server.serve_forever, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _sources(self) -> dict[Path, int]:
        found = {self.config: _mtime(self.config)}
        for path in self.docs.rglob("*"):
            if path.is_file():
                found[path] = _mtime(path)
        styles = self.root / "styles"
        for path in styles.rglob("*") if styles.is_dir() else []:
            found[path] = _mtime(path)
        return found

    def _watch(self) -> None:
        seen: dict[Path, int] = {}
        saved: list[Path] = []
        while not self._stop.is_set():
            now = self._sources()
            changed = [path for path, mtime in now.items() if seen.get(path) != mtime]
            first = not seen
            seen = now
            if changed:
                chapters = [path for path in changed if path.suffix in (".md", ".markdown") and not first]
                saved = chapters or saved  # a style or mkdocs.yml changed: the chapter shown before stays
                try:
                    self._rebuild(saved)
                except KeyboardInterrupt:  # the server is stopping: its tools were ended
                    return
                continue  # look again at once: what was saved while it built
            self._stop.wait(_POLL)

    def _rebuild(self, saved: list[Path]) -> None:
        self.state.update(state="building")
        self._write_state()
        start = time.monotonic()
        version = self.state["version"] + 1
        out = self.folder / f"editions-{version}"
        with ThreadPoolExecutor(max_workers=1) as beside:  # the saved chapter is checked while the editions build
            checking = (
                beside.submit(self._presswork, "check", "--quiet", "--format", "json", "--fail-on", "never", *map(str, saved))
                if saved
                else None
            )
            run = self._presswork("build", "--no-check", "--draft", "--quiet", "--format", "pdf", "--format", "epub", "--out", str(out))
            found = checking.result() if checking else None
        if run.returncode != 0:
            self.state.update(state="failed", message=_last_error(run.stderr), version=version)
            self._write_state()
            print(f"preview: {self.state['message']}", file=sys.stderr, flush=True)
            return
        state = {"version": version, "state": "ready", "message": "", "built": time.strftime("%H:%M:%S"), "chapter": None, "pages": []}
        pdf = next(out.glob("*.pdf"), None)
        epub = next(out.glob("*.epub"), None)
        state["pdf"] = pdf.relative_to(self.folder).as_posix() if pdf else None
        chapter = _title_of(saved[-1]) if saved else None
        state["chapter"] = chapter
        if pdf is not None:
            first, pages = _pages_of(pdf, chapter)
            state["first_page"] = first
            state["pages"] = [page.relative_to(self.folder).as_posix() for page in pages]
        if epub is not None:
            state["epub"] = _epub_document(epub, self.folder / f"epub-{version}", chapter, self.folder)
        if found is not None:
            try:
                state["findings"] = json.loads(found.stdout) if found.returncode == 0 else []
            except json.JSONDecodeError:
                state["findings"] = []
            if found.returncode != 0:
                state["message"] = f"the check failed: {_last_error(found.stderr)}"
        state["seconds"] = round(time.monotonic() - start, 1)
        old = [entry for entry in self.folder.iterdir() if entry.is_dir() and not entry.name.endswith(f"-{version}")]
        self.state = {**self.state, **state}
        self._write_state()
        findings = len(state.get("findings") or [])
        about = f"; {findings} finding{'s' if findings != 1 else ''} in {saved[-1].name}" if saved else ""
        print(f"preview: the PDF and the EPUB built in {state['seconds']} s{about}", file=sys.stderr, flush=True)
        for entry in old:  # after the page has the new ones: a reader never asks for what is gone
            shutil.rmtree(entry, ignore_errors=True)

    def _presswork(self, *arguments: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "pipeline", *arguments, "--config", str(self.config)]
        result = process.run("presswork", command, timeout=_BUILD_TIMEOUT, cwd=self.root, check=False)
        return subprocess.CompletedProcess(
            result.args, result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
        )

    def _write_state(self) -> None:
        staged = self.folder / "status.json.new"
        staged.write_text(json.dumps(self.state, ensure_ascii=False), encoding="utf-8")
        staged.replace(self.folder / "status.json")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _last_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return next((line for line in reversed(lines) if "error" in line), lines[-1] if lines else "the build failed")


def _title_of(chapter: Path) -> str | None:
    """The chapter's title as its first heading writes it (its attribute list left out)."""
    try:
        text = chapter.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", text, re.MULTILINE)
    return found.group(1).strip() if found else None


def _pages_of(pdf: Path, chapter: str | None) -> tuple[int, list[Path]]:
    """The saved chapter's pages (from the bookmarks) as images, at most `_PAGES`; the first pages of
    the book when the chapter is not found."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    starts = [(reader.get_destination_page_number(item) + 1, item.title) for item in reader.outline if not isinstance(item, list)]
    first, last = 1, min(len(reader.pages), _PAGES)
    for index, (page, title) in enumerate(starts):
        if chapter and (title == chapter or title.endswith(f" {chapter}")):
            following = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(reader.pages)
            first, last = page, min(max(following, page), page + _PAGES - 1)
            break
    stem = pdf.parent / "page"
    command = ["pdftoppm", "-f", str(first), "-l", str(last), "-r", "80", "-png", str(pdf), str(stem)]
    process.run("pdftoppm", command, timeout=120, check=False)  # no images: the page says so by showing none
    return first, sorted(pdf.parent.glob("page-*.png"))


def _epub_document(epub: Path, folder: Path, chapter: str | None, root: Path) -> str | None:
    """The EPUB unpacked, and the address of the saved chapter's document (titled as the chapter),
    else of its first chapter."""
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(folder)
    documents = sorted(path for path in folder.rglob("*.xhtml") if path.name != "nav.xhtml" and "cover" not in path.name)
    for document in documents:
        title = re.search(r"<title>(.*?)</title>", document.read_text(encoding="utf-8", errors="replace"), re.DOTALL)
        if chapter and title and html.unescape(title.group(1)).strip() == chapter:
            return document.relative_to(root).as_posix()
    chapters = [document for document in documents if document.name.startswith("ch")]
    return chapters[0].relative_to(root).as_posix() if chapters else None


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview: $TITLE</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem; color: #1a1a1a; }
h1 { font-size: 1.4rem; margin: 0 0 0.3rem; }
#status { color: #444; margin: 0 0 1rem; }
#status.failed { color: #b00020; font-weight: 600; }
section { margin: 1.5rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
#pages { display: flex; flex-wrap: wrap; gap: 0.6rem; }
#pages img { width: 24rem; max-width: 100%; border: 1px solid #ccc; box-shadow: 0 1px 3px rgba(0,0,0,0.15); }
#epub { width: 26rem; max-width: 100%; height: 36rem; border: 1px solid #ccc; }
#findings li { margin: 0.2rem 0; }
.error { color: #b00020; } .warning { color: #8a5a00; }
</style>
</head>
<body>
<h1>Preview: $TITLE</h1>
<p id="status" role="status">Building the PDF and the EPUB…</p>
<section><h2>Findings in the saved chapter</h2><ul id="findings"><li>Save a chapter to check it here.</li></ul></section>
<section><h2>PDF: <span id="chapter">the first pages</span></h2><div id="pages"></div>
<p><a id="pdf" href="#">The whole PDF</a></p></section>
<section><h2>EPUB</h2><iframe id="epub" title="The chapter in the EPUB"></iframe></section>
<script>
let shown = -1;
async function look() {
  let state;
  try { state = await (await fetch("status.json", { cache: "no-store" })).json(); } catch (e) { return; }
  const status = document.getElementById("status");
  status.className = state.state;
  if (state.state === "building") { status.textContent = "Building the PDF and the EPUB…"; return; }
  if (state.state === "failed") { status.textContent = "The build failed: " + state.message; return; }
  status.textContent = `Built at ${state.built} in ${state.seconds} s` + (state.message ? ` (${state.message})` : "");
  if (state.version === shown) return;
  shown = state.version;
  document.getElementById("chapter").textContent = state.chapter ? `${state.chapter}, from page ${state.first_page}` : "the first pages";
  const pages = document.getElementById("pages");
  pages.replaceChildren(...state.pages.map((src, i) => Object.assign(document.createElement("img"), { src, alt: `Page ${state.first_page + i}` })));
  document.getElementById("pdf").href = state.pdf ? `${state.pdf}#page=${state.first_page || 1}` : "#";
  if (state.epub) document.getElementById("epub").src = state.epub;
  const findings = document.getElementById("findings");
  const items = (state.findings || []).map((f) => {
    const item = document.createElement("li");
    item.className = f.severity;
    item.textContent = `${f.path}:${f.line}:${f.column} ${f.severity}: ${f.message} [${f.engine} ${f.rule}]`;
    return item;
  });
  if (!items.length) items.push(Object.assign(document.createElement("li"), { textContent: state.chapter ? "No findings." : "Save a chapter to check it here." }));
  findings.replaceChildren(...items);
}
look();
setInterval(look, 1000);
</script>
</body>
</html>
"""
