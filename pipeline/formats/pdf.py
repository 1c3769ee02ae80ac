"""The PDF: pandoc writes Typst source on the template `styles/book.typ`, and typst compiles it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import tree
from pipeline.errors import ValidationError
from pipeline.formats.base import Artifact, Inputs
from pipeline.tools import pandoc, typst


class PdfBuilder:
    name = "pdf"
    suffix = ".pdf"

    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("book.typ"), pandoc.version(), typst.version()]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / ".work-pdf"
        work.mkdir()
        inputs.book.stage(work)
        document = inputs.document(_admonition)
        document["blocks"] = tree.rewrite_inlines(document["blocks"], _anchor)
        source = work / "book.typ"
        options = ["--standalone", "--template", str(inputs.style("book.typ")), "--wrap=preserve"]
        pandoc.write(
            document, "typst", source, options, timeout=inputs.timeout, cwd=work, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        output = staging / f"{inputs.slug}{self.suffix}"
        typst.compile_pdf(source, output, root=work, epoch=inputs.manuscript.epoch, timeout=inputs.timeout)
        return Artifact(self.name, output)

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        data = artifact.path.read_bytes()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise ValidationError("the PDF typst wrote is incomplete", path=artifact.path.name)


def _admonition(kind: str, title: str, body: list[Any]) -> list[Any]:
    """An admonition as a call of the template's `admonition` function around its body."""
    title_text = title.replace("\\", "\\\\").replace('"', '\\"')
    opening = f'#admonition(kind: "{kind}", title: "{title_text}")['
    return [{"t": "RawBlock", "c": ["typst", opening]}, *body, {"t": "RawBlock", "c": ["typst", "]"]}]


def _anchor(node: Any) -> list[Any] | None:
    """An empty span with an id (a raw HTML anchor) as a Typst label that links can land on."""
    if node["t"] == "Span" and node["c"][0][0] and not node["c"][1]:
        return [{"t": "RawInline", "c": ["typst", f"#metadata(none)<{node['c'][0][0]}>"]}]
    return None
