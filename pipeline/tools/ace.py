"""DAISY Ace, the one module that runs it: the reference checker of EPUB accessibility (`@daisy/ace-cli`
from npm, axe-core inside), in Debian's chromium, installed into the cache folder by `python -m
pipeline.tools.ace install` (which `make` runs; see `pipeline.tools.npm`)."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import verdicts
from pipeline.errors import ToolError
from pipeline.store import Store, digest, key
from pipeline.tools import npm, process

PACKAGE = "@daisy/ace-cli@1.4.6"
PER = 25  # documents Ace may read in the book's timeout: its limit grows with the book
_SCRIPT = Path(__file__).with_name("ace.cjs")  # Ace's command line, reusing known verdicts on documents
_DOCUMENTS = (".xhtml", ".html")
_PACKAGING = ("mimetype", "META-INF/container.xml")  # no document loads them


@dataclass(frozen=True)
class Violation:
    """One thing Ace found: its rule (`color-contrast`), how much it matters, where, and what it says."""

    rule: str
    impact: str  # critical, serious, moderate, minor
    document: str  # the package document or content document, as a path inside the EPUB
    html: str  # the element, as Ace shows it ("" for the package's metadata)
    text: str


@dataclass(frozen=True)
class Checker(npm.Installed):
    """Where Ace is installed (`cache/ace/node_modules`) and the browser it runs in."""

    title = "DAISY Ace"
    name = "ace"
    main = "@daisy/ace-cli"
    packages = (PACKAGE,)
    without = "set accessibility: {epub: off} in mkdocs.yml"

    def mend(self) -> str | None:
        """Ace's EPUB parser (`@daisy/epub-utils`, which Ace pins) finds each spine item's manifest
        entry, and its media overlay's, by an XPath query over the whole manifest, each answer put in
        document order by walking the document: a quarter of an hour for a book of 1,000 chapters. The same
        lookups, from one map of the manifest's items by id (the first item of an id, as the query's
        first answer), give the same report in seconds. Applied once; a parser not as expected is left."""
        parser = self.modules / "@daisy" / "epub-utils" / "lib" / "epub-parse.js"
        try:
            text = parser.read_text(encoding="utf-8")
        except OSError:
            return None
        if _MAP in text or not all(slow in text for slow, _ in _LOOKUPS):
            return None
        for slow, fast in _LOOKUPS:
            text = text.replace(slow, fast)
        text = text.replace(_SPINE, _MAP + _SPINE, 1)
        parser.write_text(text, encoding="utf-8")
        return "its EPUB parser's manifest lookups mended (by id, from a map)"

    @property
    def fingerprint(self) -> str:
        """What decides a verdict besides the EPUB: Ace's version and the script that runs it."""
        return f"{self.version} {hashlib.sha256(_SCRIPT.read_bytes()).hexdigest()}"

    def check(
        self, epub: Path, *, timeout: float, store: Store | None = None, shard: verdicts.Shard | None = None,
        on_document: Callable[[int, int], None] | None = None,
    ) -> list[Violation]:  # fmt: skip
        """Every violation Ace reports in `epub` (an empty list: it passes); `timeout` for each `PER` of
        the documents it reads. With `store`, Ace's result for each content document is kept there
        under what decides it (the document, every other file of the EPUB but the package's, Ace and
        how it is run): a document that did not change is not read again, and the package's checks
        (metadata, navigation, page list) are made anew, so the report is that of a full run. With a
        `shard`, only its share of the documents not kept is read, and nothing is reported: the
        package's checks need every document, and are made by the build that merges the shards.
        `on_document` hears (documents read, documents to read) as Ace reads each one."""
        problem = self.missing()
        if problem:
            raise ToolError(f"DAISY Ace cannot run: {problem}")
        names = _verdict_names(epub, self.fingerprint) if store is not None else {}
        known = {member: found for member, name in names.items() if (found := store.get_json("ace", name)) is not None}
        others = [member for member, name in names.items() if member not in known and not verdicts.ours(name, shard)]
        if shard and len(known) + len(others) == len(names):
            return []  # nothing of this shard's to read
        timeout, limit = process.grown(
            timeout, len(names) - len(known) - len(others) if names else _documents(epub), PER, "documents", "epub"
        )
        with tempfile.TemporaryDirectory(prefix="presswork-ace-") as scratch:
            out, kept, fresh = Path(scratch) / "report", Path(scratch) / "known.json", Path(scratch) / "fresh.json"
            kept.write_text(json.dumps(known), encoding="utf-8")
            command = ["node", str(_SCRIPT), "--force", "--silent", "--outdir", str(out),
                       "--tempdir", str(Path(scratch) / "unzipped"), str(epub)]  # fmt: skip
            env = {"PUPPETEER_EXECUTABLE_PATH": self.chromium or "", "PRESSWORK_ACE_MODULES": str(self.modules),
                   "PRESSWORK_ACE_KNOWN": str(kept), "PRESSWORK_ACE_FRESH": str(fresh),
                   "PRESSWORK_ACE_SKIP": json.dumps(others), "PRESSWORK_ACE_PROGRESS": str(Path(scratch) / "progress")}  # fmt: skip
            with _watched(Path(scratch) / "progress", on_document):
                result = process.run("DAISY Ace", command, timeout=timeout, check=False, env=env, limit=limit)
            report = out / "report.json"
            if not report.is_file():
                text = result.stderr.decode("utf-8", "replace").strip() or result.stdout.decode("utf-8", "replace").strip()
                first = next((line for line in text.splitlines() if line.strip()), "")
                raise ToolError(f"DAISY Ace gave no report: {process.ended(result.returncode)}{': ' + first if first else ''}", detail=text)
            found = violations(process.read_json("DAISY Ace", report.read_text(encoding="utf-8")))
            if store is not None and fresh.is_file():
                for member, checked in process.read_json("DAISY Ace", fresh.read_text(encoding="utf-8")).items():
                    if member in names:
                        store.put_json("ace", names[member], checked)
            return [] if shard else found


@contextlib.contextmanager
def _watched(told: Path, on_document: Callable[[int, int], None] | None) -> Iterator[None]:
    """While the block runs, `on_document` hears each count Ace writes in the file `told` ("12 100"),
    from a thread in the caller's context (so what it says reaches the caller's progress line)."""
    if on_document is None:
        yield
        return
    stop = threading.Event()

    def watch() -> None:
        heard, ended = "", False
        while not ended:
            ended = stop.wait(0.25)  # and read once more at the end: the last count is heard
            try:
                said = told.read_text(encoding="utf-8")
            except OSError:
                continue
            done, _, total = said.partition(" ")
            if said != heard and done.isdigit() and total.isdigit():
                heard = said
                on_document(int(done), int(total))

    watcher = threading.Thread(target=contextvars.copy_context().run, args=(watch,), daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _documents(epub: Path) -> int:
    with zipfile.ZipFile(epub) as archive:
        return sum(1 for name in archive.namelist() if name.endswith(_DOCUMENTS))


def _verdict_names(epub: Path, fingerprint: str) -> dict[str, str]:
    """Each content document of `epub` (a member's name) and the name its verdict is kept under: its
    bytes, the other files a document may load (stylesheets, images, fonts: all but the documents and
    the package's own files), and Ace's `fingerprint`."""
    with zipfile.ZipFile(epub) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    package = {name for name in members if name.endswith((".opf", ".ncx"))} | set(_PACKAGING)
    loaded = [(name, digest(data)) for name, data in sorted(members.items()) if not name.endswith(_DOCUMENTS) and name not in package]
    return {name: key(fingerprint, name, digest(data), loaded) for name, data in members.items() if name.endswith(_DOCUMENTS)}


_SPINE = "  var spineContainsNavDoc = undefined;\n"
_MAP = (
    "  const manifestItems = new Map(); // presswork: each item by id, the first of an id as XPath's first answer\n"
    "  select('/opf:package/opf:manifest/opf:item', doc).forEach(item => { const id = item.getAttribute('id'); if (item.hasAttribute('id') && !manifestItems.has(id)) manifestItems.set(id, item); });\n"
    "  const manifestItemById = id => (manifestItems.has(String(id)) ? [manifestItems.get(String(id))] : []);\n"
)
_LOOKUPS = (
    ("select(`/opf:package/opf:manifest/opf:item[@id='${idref.nodeValue}']`, doc)", "manifestItemById(idref.nodeValue)"),
    ("select(`/opf:package/opf:manifest/opf:item[@id='${moAttr}']`, doc)", "manifestItemById(moAttr)"),
)


def violations(report: dict) -> list[Violation]:
    """The failed assertions of an Ace report (`report.json`), document by document."""
    found = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", "")
        for assertion in document.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test, result = assertion.get("earl:test", {}), assertion["earl:result"]
            text = "; ".join(line.strip() for line in str(result.get("dct:description", "")).splitlines() if line.strip())
            found.append(Violation(test.get("dct:title", "?"), test.get("earl:impact", "?"), where, result.get("html", "") or "", text))
    return found


def install_into(cache: Path) -> str:
    return Checker.install_into(cache)


if __name__ == "__main__":
    from pipeline import tools

    raise SystemExit(tools.module_main("ace", sys.argv[1:]))
