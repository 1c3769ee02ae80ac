"""The DOCX: pandoc on `styles/reference.docx`: Word heading styles, Word footnotes, a contents field."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pipeline import tree
from pipeline.errors import ValidationError
from pipeline.formats.base import Artifact, Inputs
from pipeline.tools import pandoc


class DocxBuilder:
    name = "docx"
    suffix = ".docx"

    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("reference.docx"), pandoc.version()]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / f".work-{inputs.slug}-docx"  # one for each language's edition
        work.mkdir()
        inputs.book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        options = ["--standalone", "--toc", "--reference-doc", str(inputs.style("reference.docx"))]
        document = inputs.document(_admonition)
        if not inputs.trusted:
            document = inputs.inline_images(document)
        source = pandoc.save(document, work / "book.json")
        del document  # only its JSON is kept while pandoc runs
        pandoc.write(
            source, "docx", output, options, timeout=inputs.timeout, cwd=work, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        return Artifact(self.name, output)

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        try:
            with zipfile.ZipFile(artifact.path) as archive:
                body = ElementTree.fromstring(archive.read("word/document.xml"))
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
            raise ValidationError(f"the DOCX pandoc wrote is not readable: {error}", path=artifact.path.name) from error
        if body.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body") is None:
            raise ValidationError("the DOCX pandoc wrote has no document body", path=artifact.path.name)
        if not inputs.trusted:
            inputs.require_own_media(artifact.path, "word/media/")


def _admonition(kind: str, title: str, body: list[Any]) -> list[Any]:
    """Paragraph styles of the reference document: `Admonition Title`, then `Admonition`."""
    heading = [{"t": "Div", "c": [tree.make_attr("", [], {"custom-style": "Admonition Title"}), [{"t": "Para", "c": tree.text_inlines(title)}]]}]
    content = [{"t": "Div", "c": [tree.make_attr("", [], {"custom-style": "Admonition"}), body]}]
    return (heading if title else []) + content
