"""DAISY Ace, the one module that runs it: the reference checker of EPUB accessibility (`@daisy/ace-cli`
from npm, axe-core inside), in Debian's chromium, installed into the cache folder by `python -m
pipeline.tools.ace install` (which `make` runs; see `pipeline.tools.npm`)."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import npm, process

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
class Checker(npm.Installed):
    """Where Ace is installed (`cache/ace/node_modules`) and the browser it runs in."""

    title = "DAISY Ace"
    name = "ace"
    main = "@daisy/ace-cli"
    packages = (PACKAGE,)
    without = "set accessibility: {epub: off} in mkdocs.yml"

    def check(self, epub: Path, *, timeout: float) -> list[Violation]:
        """Every violation Ace reports in `epub` (an empty list: it passes)."""
        problem = self.missing()
        if problem:
            raise ToolError(f"DAISY Ace cannot run: {problem}")
        with tempfile.TemporaryDirectory(prefix="presswork-ace-") as scratch:
            out = Path(scratch) / "report"
            command = ["node", str(self.package / "bin" / "ace.js"), "--force", "--silent", "--outdir", str(out),
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


if __name__ == "__main__":
    raise SystemExit(Checker.command_line(sys.argv[1:]))
