"""The editions, one builder each, in the order they are built (the site last: it lists the others)."""

from __future__ import annotations

from pipeline.formats.base import Artifact, Builder, Inputs, Programs, human_size
from pipeline.formats.docx import DocxBuilder
from pipeline.formats.epub import EpubBuilder
from pipeline.formats.pdf import PdfBuilder
from pipeline.formats.site import SiteBuilder

BUILDERS: dict[str, Builder] = {
    builder.name: builder for builder in (PdfBuilder(), EpubBuilder(), DocxBuilder(), SiteBuilder())
}

__all__ = ["Artifact", "BUILDERS", "Builder", "Inputs", "Programs", "human_size"]
