"""The EPUB: EPUB 3 by pandoc, with cover, navigation, metadata, `styles/epub.css` and MathML; EPUBCheck must pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import tree
from pipeline.errors import ValidationError
from pipeline.formats.base import Artifact, Inputs
from pipeline.tools import epubcheck, pandoc


class EpubBuilder:
    name = "epub"
    suffix = ".epub"

    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("epub.css"), pandoc.version(), epubcheck.version()]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / ".work-epub"
        work.mkdir()
        book = inputs.book
        book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        options = [
            "--standalone",
            "--toc",
            "--split-level=1",
            "--mathml",
            "--css",
            str(inputs.style("epub.css")),
        ]
        if book.cover:
            options += ["--epub-cover-image", book.cover]
        document = inputs.document(_admonition)
        pandoc.write(document, "epub3", output, options, timeout=inputs.timeout, cwd=work, epoch=inputs.manuscript.epoch)
        return Artifact(self.name, output)

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        messages = epubcheck.check(artifact.path, timeout=inputs.timeout)
        if messages:
            first = messages[0]
            more = f" and {len(messages) - 1} more" if len(messages) > 1 else ""
            raise ValidationError(
                f"EPUBCheck: {first.severity} {first.id} {first.text}{more}",
                path=f"{artifact.path.name}/{first.location}",
                detail="\n".join(f"{m.severity} {m.id} {m.location}: {m.text}" for m in messages),
            )


def _admonition(kind: str, title: str, body: list[Any]) -> list[Any]:
    """The structure Material gives an admonition on the site, so `styles/epub.css` can match it."""
    heading = [{"t": "Div", "c": [tree.make_attr("", ["admonition-title"]), [{"t": "Para", "c": tree.text_inlines(title)}]]}]
    return [{"t": "Div", "c": [tree.make_attr("", ["admonition", kind]), (heading if title else []) + body]}]
