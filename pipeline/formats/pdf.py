"""The PDF: pandoc writes Typst source on the template `styles/book.typ`, and typst compiles it (a long
book in parts, joined by `pipeline.formats.parts`)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import tree
from pipeline.errors import ValidationError
from pipeline.formats import parts
from pipeline.formats.base import Artifact, Inputs
from pipeline.tools import pandoc, typst


class PdfBuilder:
    name = "pdf"
    suffix = ".pdf"

    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("book.typ"), pandoc.version(), typst.version(), metadata.version("pikepdf")]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / ".work-pdf"
        work.mkdir()
        inputs.book.stage(work)
        document = inputs.document(_admonition)
        output = staging / f"{inputs.slug}{self.suffix}"
        limit = inputs.manuscript.settings.presswork.pdf_part_words
        long = limit and sum(len(chapter.text.split()) for chapter in inputs.manuscript.chapters) > limit
        pieces = parts.split(document["blocks"], limit) if long else []
        if len(pieces) <= 1:
            self._typeset(inputs, document, work / "book.typ", output)
        else:
            self._typeset_in_parts(inputs, document, pieces, work, output)
        return Artifact(self.name, output)

    def _typeset(
        self, inputs: Inputs, document: dict[str, Any], source: Path, output: Path, variables: tuple[str, ...] = (), *, report: bool = False
    ) -> Any:
        """pandoc writes `document` as Typst on the template, typst compiles it to `output`. With
        `variables` (the template's, for a part or the front matter), without tags; with `report`, the
        part's report."""
        document["blocks"] = tree.rewrite_inlines(document["blocks"], _anchor)
        options = ["--standalone", "--template", str(inputs.style("book.typ")), "--wrap=preserve", *variables]
        pandoc.write(
            document, "typst", source, options, timeout=inputs.timeout, cwd=source.parent, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        return typst.compile_pdf(
            source, output, root=source.parent, epoch=inputs.manuscript.epoch, timeout=inputs.timeout,
            tags=not variables, report="pw-report" if report else None,
        )  # fmt: skip

    def _typeset_in_parts(self, inputs: Inputs, document: dict[str, Any], pieces: list[parts.Part], work: Path, output: Path) -> None:
        """A long book: the parts one after another, each numbered on from the one before, then the
        front matter with the contents they reported, then one PDF of them all."""
        entries = parts.entries(document["blocks"])
        reports: list[dict[str, Any]] = []
        files: list[Path] = []
        pages = 0
        for number, piece in enumerate(pieces, start=1):
            setting = {**parts.start(reports[-1] if reports else None, pages), "targets": piece.targets}
            data = parts.write_data(work / f"part-{number}.json", setting)
            pdf = work / f"part-{number}.pdf"
            part = {**document, "blocks": piece.blocks}
            reports.append(self._typeset(inputs, part, work / f"part-{number}.typ", pdf, ("-V", f"pw-part={data}"), report=True))
            pages = parts.page_count(pdf)
            files.append(pdf)
        data = parts.write_data(work / "contents.json", parts.contents(reports))
        front = work / "front.pdf"
        self._typeset(inputs, {**document, "blocks": entries}, work / "front.typ", front, ("-V", f"pw-front={data}"))
        parts.join(front, files, reports, output)

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
