"""veraPDF, the one module that runs it: the reference validator of PDF/A and PDF/UA, installed from
Maven Central (`org.verapdf.apps:greenfield-apps`) into the cache folder by `python -m
pipeline.tools.verapdf install` (which `make` runs), and run on the machine's Java with its PDF/UA-1
profile; its JSON report is read as data."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import daemon, java, maven, process

VERSION = "1.28.2"
ARTIFACT = f"org.verapdf.apps:greenfield-apps:{VERSION}"
_MAIN = "org.verapdf.apps.GreenfieldCliWrapper"
PER = 100  # pages veraPDF may read in the book's timeout: its limit grows with the PDF
_JVM = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]  # a short run: started in about half the time


@dataclass(frozen=True)
class Failure:
    """One rule of the profile the PDF fails: its clause of ISO 14289-1, what it asks, how often it
    failed, and the first place (an object path inside the PDF)."""

    clause: str
    test: int
    text: str
    count: int
    where: str


@dataclass(frozen=True)
class Validator:
    """Where veraPDF is installed (`cache/verapdf/<version>/lib`)."""

    folder: Path

    @classmethod
    def find(cls, cache: Path) -> Validator:
        return cls(cache / "verapdf" / VERSION)

    @property
    def version(self) -> str:
        return VERSION

    def missing(self) -> str | None:
        """What stops veraPDF running here, or None."""
        if maven.installed(self.folder) is None:
            return "veraPDF is not installed (run 'make install', or presswork install verapdf)"
        try:
            java.executable()
        except ToolError as error:
            return str(error)
        return None

    def check(self, pdf: Path, *, timeout: float, warm: daemon.Warm | None = None) -> list[Failure]:
        """Every rule of PDF/UA-1 that `pdf` fails (an empty list: it conforms); `timeout` for each
        `PER` of its pages (veraPDF reads every page and the whole structure tree, in one run); in the
        JVM kept for it when `warm`."""
        import pikepdf

        problem = self.missing()
        if problem:
            raise ToolError(f"veraPDF cannot run: {problem}")
        with pikepdf.open(pdf) as document:
            timeout, limit = process.grown(timeout, len(document.pages), PER, "pages", "pdf")
        arguments = ["--flavour", "ua1", "--format", "json", str(pdf.resolve())]
        result = java.run(
            "veraPDF", "verapdf", str(self.folder / "lib" / "*"), _MAIN, arguments, jvm=_JVM, timeout=timeout, limit=limit, warm=warm
        )
        try:
            report = json.loads(result.stdout)
        except ValueError:
            text = result.stderr.decode("utf-8", "replace").strip()
            first = next((line for line in text.splitlines() if line.strip()), process.ended(result.returncode))
            raise ToolError(f"veraPDF gave no report: {first}", detail=text) from None
        return failures(report)


def failures(report: dict) -> list[Failure]:
    """The failed rules of a veraPDF JSON report, in the standard's order, or a `ToolError` when it
    could not read the file."""
    found = []
    for job in report.get("report", {}).get("jobs", []):
        results = job.get("validationResult")
        if not results:
            raise ToolError(f"veraPDF could not validate the PDF: {job.get('taskException', {}).get('exceptionMessage', 'no result')}")
        for result in results if isinstance(results, list) else [results]:
            for rule in result.get("details", {}).get("ruleSummaries", []):
                checks = rule.get("checks") or [{}]
                found.append(Failure(
                    rule.get("clause", "?"), int(rule.get("testNumber", 0)), " ".join(str(rule.get("description", "")).split()),
                    int(rule.get("failedChecks", 0)), checks[0].get("context", ""),
                ))  # fmt: skip
    return sorted(
        found, key=lambda failure: ([int(part) for part in re.findall(r"\d+", failure.clause)], failure.test)
    )  # in the standard's order, as veraPDF may not


def install(cache: Path, *, timeout: float = 1800) -> Path:
    """Install veraPDF with Maven into `cache/verapdf/<version>`, whole or not at all."""
    target = Validator.find(cache).folder
    if maven.installed(target) is None:
        if not maven.available():
            raise ToolError("Maven is not installed", hint="install Maven, or set accessibility: {pdf: off} in mkdocs.yml")
        maven.install(target, [ARTIFACT], name=f"veraPDF {VERSION}", timeout=timeout)
    return target


def install_into(cache: Path) -> str:
    """Install veraPDF into `cache` (`presswork install verapdf`); what is installed."""
    folder = install(cache)
    return f"veraPDF {VERSION} is installed ({folder / 'lib'})"


if __name__ == "__main__":
    from pipeline import tools

    raise SystemExit(tools.module_main("verapdf", sys.argv[1:]))
