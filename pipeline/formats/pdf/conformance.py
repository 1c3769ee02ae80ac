"""The PDF held to PDF/UA-1 by veraPDF: as it is built at `accessibility: {pdf: warning}` (a PDF that
fails loses its claim, and a warning says why), when it is validated at `error` (a failure stops the
build). veraPDF's verdict on a file is kept in the store by its bytes (`pipeline.verdicts`)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from pipeline import verdicts
from pipeline.errors import ToolError
from pipeline.formats import accessibility
from pipeline.formats.base import Artifact, Inputs
from pipeline.tools import verapdf


def holds(inputs: Inputs, artifact: Artifact) -> bool:
    """Whether the PDF is held to PDF/UA-1 as it is built: it claims it, at the level `warning`."""
    return (
        accessibility.level(inputs.manuscript.settings, "pdf") == "warning"
        and accessibility.declared(artifact.path) == accessibility.PDF_CONFORMANCE
    )


def verdict(inputs: Inputs, artifact: Artifact) -> list[verapdf.Failure] | ToolError | str:
    """veraPDF's failures on the PDF; or why it could not say: the error it stopped with, or (a
    string) why it did not run."""
    validator = inputs.programs.verapdf
    problem = validator.missing() if validator else "veraPDF is not installed"
    if problem:
        return problem
    try:
        return _verapdf(inputs, artifact.path)
    except ToolError as error:  # veraPDF could not run to the end
        return error


def held(inputs: Inputs, artifact: Artifact, found: list[verapdf.Failure] | ToolError | str) -> Artifact:
    """The PDF as veraPDF's verdict `found` leaves it (`verdict`): as it was when it passes, else
    without its claim of PDF/UA-1 and with a warning that says why."""
    if isinstance(found, str):
        return dataclasses.replace(artifact, notes=(*artifact.notes, *accessibility.unchecked(artifact.path.name, found)))
    if isinstance(found, ToolError):  # the PDF claims nothing it was not held to
        _disclaimed(artifact.path)
        said = accessibility.unchecked(artifact.path.name, f"{found.message}; it is written without claiming PDF/UA-1")
        return dataclasses.replace(artifact, notes=(*artifact.notes, *said), withheld=f"not checked: {found.message}")
    if not found:
        return artifact
    _disclaimed(artifact.path)
    summary = _failed(inputs.programs.verapdf.version, found)[0]
    return dataclasses.replace(
        artifact,
        notes=(*artifact.notes, f"{artifact.path.name}: warning: {summary}; it is written without claiming PDF/UA-1"),
        withheld=summary,
    )


def validated(inputs: Inputs, artifact: Artifact) -> list[str] | None:
    """At the level `error`, veraPDF's failures on a PDF that claims PDF/UA-1 stop the build."""
    if accessibility.declared(artifact.path) != accessibility.PDF_CONFORMANCE:
        return None  # it claims no PDF/UA-1 (the book turned it off, or was told why)
    if accessibility.level(inputs.manuscript.settings, "pdf") != "error":
        return None  # held to it as it was built
    validator = inputs.programs.verapdf
    problem = validator.missing() if validator else "veraPDF is not installed"
    if problem:
        return accessibility.unchecked(artifact.path.name, problem)
    failures = _verapdf(inputs, artifact.path)
    if not failures:
        return None
    summary, detail = _failed(validator.version, failures)
    return accessibility.failed(
        "error", path=artifact.path.name, summary=summary, detail=detail,
        hint="set accessibility: {pdf: warning} under presswork in mkdocs.yml to publish it without claiming PDF/UA-1",
    )  # fmt: skip


def _disclaimed(path: Path) -> None:
    """The PDF `path`, tagged as it was, without its claim of PDF/UA-1 (in its XMP metadata)."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        metadata = pdf.Root.Metadata
        metadata.write(re.sub(rb'\s*<pdfuaid:part>1</pdfuaid:part>|\s*xmlns:pdfuaid="[^"]*"', b"", metadata.read_bytes()))
        pdf.save(path, deterministic_id=True)


def _failed(version: str, failures: list[Any]) -> tuple[str, str]:
    """veraPDF's failures told: one line, and every rule with the place of its first failure."""
    lines = [f"ISO 14289-1 {f.clause} test {f.test}, failed {f.count} times: {f.text} ({f.where})" for f in failures]
    return f"veraPDF {version}: PDF/UA-1 fails {len(failures)} rule{'s' if len(failures) != 1 else ''}, the first {lines[0]}", "\n".join(
        lines
    )


def _verapdf(inputs: Inputs, pdf: Path) -> list[verapdf.Failure]:
    """veraPDF's verdict on `pdf`: kept in the store by the file's bytes; none (not worked out) when
    it is another shard's."""
    validator = inputs.programs.verapdf
    return verdicts.whole(
        inputs.store, "verapdf", validator.version, pdf, inputs.manuscript.settings.shard,
        lambda: validator.check(pdf, timeout=inputs.timeout, warm=inputs.programs.warm), verapdf.Failure,
    ) or []  # fmt: skip
