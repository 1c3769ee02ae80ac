"""DAISY Ace, the one module that runs it: the reference checker of EPUB accessibility (`@daisy/ace-cli`
from npm, axe-core inside), in Debian's chromium, installed into the cache folder by `python -m
pipeline.tools.ace install` (which `make` runs)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process

PACKAGE = "@daisy/ace-cli@1.4.6"


@dataclass(frozen=True)
class Violation:
    """One thing Ace found: its rule (`color-contrast`), how much it matters, where, and what it says."""

    rule: str
    impact: str  # critical, serious, moderate, minor
    document: str  # the package document or content document, as a path inside the EPUB
    html: str  # the element, as Ace shows it ("" for the package's metadata)
    text: str


@dataclass(frozen=True)
class Checker:
    """Where Ace is installed (`cache/ace/node_modules`) and the browser it runs in."""

    folder: Path
    chromium: str | None

    @classmethod
    def find(cls, cache: Path) -> Checker:
        return cls(cache / "ace", shutil.which("chromium") or shutil.which("chromium-browser"))

    @property
    def _package(self) -> Path:
        return self.folder / "node_modules" / "@daisy" / "ace-cli"

    def missing(self) -> str | None:
        """What stops Ace running here, or None."""
        if shutil.which("node") is None:
            return "Node.js is not installed"
        if not (self._package / "package.json").is_file():
            return "DAISY Ace is not installed (run 'make install', or python -m pipeline.tools.ace install)"
        if self.chromium is None:
            return "chromium is not installed (apt-get install chromium)"
        return None

    @functools.cached_property
    def version(self) -> str:
        return json.loads((self._package / "package.json").read_text())["version"]

    def check(self, epub: Path, *, timeout: float) -> list[Violation]:
        """Every violation Ace reports in `epub` (an empty list: it passes)."""
        problem = self.missing()
        if problem:
            raise ToolError(f"DAISY Ace cannot run: {problem}")
        with tempfile.TemporaryDirectory(prefix="presswork-ace-") as scratch:
            out = Path(scratch) / "report"
            command = ["node", str(self._package / "bin" / "ace.js"), "--force", "--silent", "--outdir", str(out),
                       "--tempdir", str(Path(scratch) / "unzipped"), str(epub)]  # fmt: skip
            result = process.run("DAISY Ace", command, timeout=timeout, check=False, env={"PUPPETEER_EXECUTABLE_PATH": self.chromium or ""})
            report = out / "report.json"
            if not report.is_file():
                text = result.stderr.decode("utf-8", "replace").strip() or result.stdout.decode("utf-8", "replace").strip()
                first = next((line for line in text.splitlines() if line.strip()), "")
                raise ToolError(f"DAISY Ace gave no report: {process.ended(result.returncode)}{': ' + first if first else ''}", detail=text)
            return violations(json.loads(report.read_text(encoding="utf-8")))


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


def install(folder: Path, *, timeout: float = 900) -> None:
    """Install Ace from npm into `folder` (no browser download: Debian's chromium is used)."""
    if shutil.which("npm") is None:
        raise ToolError("npm is not installed", hint="install Node.js, or set accessibility: {epub: off} in mkdocs.yml")
    folder.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), PACKAGE]
    process.run("npm", command, timeout=timeout, env={"PUPPETEER_SKIP_DOWNLOAD": "1"})


def _main(argv: list[str]) -> int:
    from pipeline.environment import cache_folder

    if argv[:1] != ["install"]:
        print("usage: python -m pipeline.tools.ace install", file=sys.stderr)
        return 2
    checker = Checker.find(cache_folder(os.environ))
    try:
        if not (checker._package / "package.json").is_file():
            install(checker.folder)
    except ToolError as error:
        print(str(error), file=sys.stderr)
        return 3
    print(f"DAISY Ace {checker.version} is installed ({checker.folder / 'node_modules'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
