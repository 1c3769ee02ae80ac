"""The DOCX: pandoc on `styles/reference.docx`: Word heading styles, Word footnotes, a contents field;
every picture described (pandoc writes the alt text) or, for the icons, marked as decoration, as
Word's accessibility checker asks."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pipeline.errors import ValidationError
from pipeline.formats.base import Artifact, Builder, Inputs
from pipeline.rendering import tree
from pipeline.tools import pandoc


class DocxBuilder(Builder):
    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("reference.docx"), inputs.style_digest("highlighting.theme"), pandoc.version()]

    def checked_by(self, inputs: Inputs) -> str:
        return ""  # no standard of accessibility for word processing documents has a checker here

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / f".work-{inputs.slug}-docx"  # one for each language's edition
        work.mkdir()
        inputs.book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        options = [
            "--standalone", "--toc", "--reference-doc", str(inputs.style("reference.docx")),
            "--syntax-highlighting", str(inputs.style("highlighting.theme")),
        ]  # fmt: skip
        document = inputs.document(_admonition)
        tree.rewrite_inlines(document["blocks"], _decorative)
        if not inputs.trusted:
            document = inputs.inline_images(document)
        source = pandoc.save(document, work / "book.json")
        del document  # only its JSON is kept while pandoc runs
        pandoc.write(
            source, "docx", output, options, timeout=inputs.timeout, cwd=work, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        _mark_decorative(output)
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
    heading = [
        {"t": "Div", "c": [tree.make_attr("", [], {"custom-style": "Admonition Title"}), [{"t": "Para", "c": tree.text_inlines(title)}]]}
    ]
    content = [{"t": "Div", "c": [tree.make_attr("", [], {"custom-style": "Admonition"}), body]}]
    return (heading if title else []) + content


# An icon is decoration beside the words that say the same: Word's own mark for it (Office 2019's
# `adec:decorative`), so that its accessibility checker and screen readers pass over it.
_DECORATIVE = "pw-decorative"  # the title pandoc writes into the picture's properties, replaced below
_DOC_PR = re.compile(r'<wp:docPr ([^>]*?)title="' + _DECORATIVE + r'"([^>]*?)\s*/>')
_EXTENSION = (
    '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/></a:ext></a:extLst>'
)


def _decorative(node: dict[str, Any]) -> list[dict[str, Any]] | None:
    if node["t"] != "Image" or "pw-icon" not in node["c"][0][1]:
        return None
    return [{"t": "Image", "c": [node["c"][0], node["c"][1], [node["c"][2][0], _DECORATIVE]]}]


def _mark_decorative(path: Path) -> None:
    """The icons' pictures in `path` marked as decoration; every other entry as pandoc wrote it."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    changed = False
    for index, (info, data) in enumerate(entries):
        if info.filename == "word/document.xml" and _DECORATIVE.encode() in data:
            text = _DOC_PR.sub(lambda m: f'<wp:docPr {m.group(1)}title=""{m.group(2)}>{_EXTENSION}</wp:docPr>', data.decode("utf-8"))
            entries[index], changed = (info, text.encode("utf-8")), True
    if not changed:
        return
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w") as archive:
        for info, data in entries:  # the same names, dates and compression: the same bytes for the same book
            archive.writestr(info, data, compress_type=info.compress_type)
    os.replace(partial, path)
