"""The editions, one row each: everything that lists formats reads this table (the settings'
`formats:` and `accessibility:`, the command line's `--format`, the Downloads page's labels, a
release's tool versions). Adding an edition is one module with its builder and one row here.

The table imports no builder: a command that builds nothing does not pay for them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.formats.base import Builder


@dataclass(frozen=True)
class Format:
    name: str  # as `formats:` in mkdocs.yml and `--format` name it
    label: str  # as the Downloads page names it
    suffix: str  # of the file it writes; "" for the site, a folder (built last: it lists the others)
    builder: str  # "module:Class" of its builder, imported when a build needs it
    checker: str = ""  # what checks its accessibility (`accessibility: {name: ...}` sets what it finds does); "": none

    @property
    def site(self) -> bool:
        return not self.suffix


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("site", "Site", "", "pipeline.formats.site:SiteBuilder", checker="axe-core on every page"),
        Format("pdf", "PDF", ".pdf", "pipeline.formats.pdf:PdfBuilder", checker="veraPDF, against PDF/UA-1"),
        Format("epub", "EPUB", ".epub", "pipeline.formats.epub:EpubBuilder", checker="DAISY Ace"),
        Format("docx", "Word (DOCX)", ".docx", "pipeline.formats.docx:DocxBuilder"),
    )
}


@cache
def builder(name: str) -> Builder:
    """The builder of the format `name`, made once."""
    row = FORMATS[name]
    module, _, attribute = row.builder.partition(":")
    return getattr(importlib.import_module(module), attribute)(row)


def builders(names: list[str]) -> list[Builder]:
    """The builders of `names`, file editions first, in the table's order, the site last."""
    rows = [row for row in FORMATS.values() if row.name in names]
    return [builder(row.name) for row in sorted(rows, key=lambda row: row.site)]
