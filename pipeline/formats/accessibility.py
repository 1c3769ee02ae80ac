"""What an edition can say of its own accessibility, read from what the book holds: the EPUB's
schema.org metadata (access modes, features, hazards) and the summary a reader is shown."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ValidationError
from pipeline.rendering import tree

# What the EPUB claims when its checker passed it (EPUB Accessibility 1.1, section 2.1).
EPUB_CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
PDF_CONFORMANCE = "PDF/UA-1"


@dataclass(frozen=True)
class Conformance:
    """What a file says of its accessibility, as readers are told on the Downloads page and in the
    manifest: the standard it declares, and the checker whose failures stopped the build that made it."""

    standard: str = ""  # "PDF/UA-1", ... ("": it declares none)
    checked_by: str = ""  # "veraPDF 1.28.2" ("": no checker held it to the standard)
    withheld: str = ""  # why it declares none though the book asks for it: its checker's verdict

    def __str__(self) -> str:
        return f"{self.standard} ({self.checked_by})" if self.standard and self.checked_by else self.standard


def level(settings, edition: str) -> str:
    """What the book makes of the failures of `edition`'s checker: as `accessibility:` sets it, else a
    warning, or an error in a book that asks MkDocs for strict mode (`strict: true`); `off` in a
    draft build (`--draft`)."""
    if settings.draft:
        return "off"
    chosen = settings.presswork.accessibility[edition]
    return chosen or ("error" if settings.mkdocs.strict else "warning")


def unchecked(name: str, problem: str | None) -> list[str]:
    """The one warning of an edition whose checker cannot run here (`problem` says why)."""
    return [f"{name}: warning: its accessibility was not checked ({problem})"]


def failed(level: str, *, path: str, summary: str, detail: str, hint: str) -> list[str]:
    """What a checker's failures do at the book's level for it: one warning line (`warning`), or
    the error that stops the build (`error`)."""
    if level == "warning":
        return [f"{path}: warning: {summary}"]
    raise ValidationError(summary, path=path, detail=detail, hint=hint)


def declared(path: Path) -> str:
    """The accessibility standard the edition `path` declares itself to meet, read from the file."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as archive:
            package = archive.read("EPUB/content.opf").decode("utf-8", "replace")
        found = re.search(r'<meta property="dcterms:conformsTo">([^<]+)</meta>', package)
        return found.group(1) if found else ""
    if path.suffix == ".pdf":
        import pikepdf

        with pikepdf.open(path) as pdf:
            metadata = pdf.Root.get("/Metadata")
            data = metadata.read_bytes() if metadata is not None else b""
        return PDF_CONFORMANCE if b"<pdfuaid:part>1</pdfuaid:part>" in data else ""
    return ""


@dataclass(frozen=True)
class Contents:
    """What in a book a reader who cannot see it, or reads it otherwise, needs to know of."""

    images: int = 0  # pictures that carry meaning (icons drawn as decoration are not counted)
    described: int = 0  # of those, the ones with a text alternative
    tables: int = 0
    headed: int = 0  # of those, the ones with a header row
    math: int = 0
    code: int = 0

    @classmethod
    def of(cls, blocks: list[Any]) -> Contents:
        counts = {"images": 0, "described": 0, "tables": 0, "headed": 0, "math": 0, "code": 0}
        for node in tree.nodes(blocks):
            kind = node.get("t")
            if kind == "Image" and "pw-icon" not in node["c"][0][1]:
                counts["images"] += 1
                counts["described"] += bool(tree.stringify(node["c"][1]).strip())
            elif kind == "Table":
                counts["tables"] += 1
                counts["headed"] += bool(node["c"][3][1])  # the head's rows
            elif kind == "Math":
                counts["math"] += 1
            elif kind == "CodeBlock":
                counts["code"] += 1
        return cls(**counts)


def epub_metadata(contents: Contents, *, checked_by: str | None, claims: bool, paged: bool = False) -> dict[str, Any]:
    """pandoc's EPUB accessibility metadata (`accessModes`, ...) for a book holding `contents`.
    `checked_by` names the checker that will pass or fail it (None: none here); `claims`: a book that
    passes it conforms (its violations stop the build); `paged`: it marks and lists the PDF's pages."""
    modes = ["textual", *(["visual"] if contents.images else [])]
    sufficient = ["textual"] if contents.described == contents.images else []
    if contents.images:
        sufficient.append("textual,visual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if contents.images:
        features.append("alternativeText")
    if contents.math:
        features.append("MathML")
    if paged:
        features += ["pageBreakMarkers", "pageNavigation"]
    return {
        "accessModes": modes,
        "accessModeSufficient": sufficient,
        "accessibilityFeatures": features,
        "accessibilityHazards": ["none"],
        "accessibilitySummary": summary(contents, checked_by=checked_by, claims=claims, paged=paged),
    }


def summary(contents: Contents, *, checked_by: str | None, claims: bool, paged: bool = False) -> str:
    """The accessibility summary, written from what the book holds."""
    if checked_by and claims:
        said = [f"This publication meets {_spoken(EPUB_CONFORMANCE)}: {checked_by} found no violation in it."]
    elif checked_by:
        said = [f"This publication was checked by {checked_by}; it claims no conformance to EPUB Accessibility 1.1."]
    else:
        said = ["This publication has not been checked for accessibility and claims no conformance."]
    said.append("Its table of contents and its headings, in order, lead through it; its text can be enlarged and restyled.")
    if paged:
        said.append(
            "The pages of its PDF edition are marked where they begin and listed, so that a page cited in one edition can be found in the other."
        )
    held = []
    if contents.images:
        undescribed = contents.images - contents.described
        every = "each with a text alternative" if not undescribed else f"{undescribed} of them without a text alternative"
        held.append(f"{_count(contents.images, 'image')}, {every}")
    if contents.tables:
        unheaded = contents.tables - contents.headed
        held.append(
            f"{_count(contents.tables, 'table')}, "
            + ("each with a header row" if not unheaded else f"{unheaded} of them without a header row")
        )
    if contents.math:
        held.append(f"mathematics in MathML, which screen readers speak ({_count(contents.math, 'formula', 'formulas')})")
    if contents.code:
        held.append(f"{_count(contents.code, 'code listing')} as text")
    if held:
        said.append(f"It holds {_listed(held)}.")
    said.append("It has no flashing, motion or sound.")
    return " ".join(said)


def _spoken(conformance: str) -> str:
    return conformance.replace(" - ", " at ").replace("Level", "level")


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]
