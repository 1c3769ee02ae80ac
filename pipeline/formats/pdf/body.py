"""The book's body as Typst, written by pandoc a chapter at a time and kept in the store by each
chapter's blocks: after a change, pandoc writes only the chapters that changed.

The pieces are the blocks before the first chapter, and each chapter from the comment that marks it
(`typst_source.marked_chapters`). Pandoc's Typst writer keeps no state from one block to the next,
so a chapter's Typst is the same whichever chapters it is written with; each piece is kept without
the blank lines around it and the pieces are joined by one blank line, so the body is the same
however many of them this build wrote. The template is written around a comment that stands for
the body (pandoc passes a raw block through as it is), which the body then replaces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import ToolError
from pipeline.formats.pdf import typst_source
from pipeline.store import Store, key
from pipeline.tools import pandoc

_KIND = "typst-of"  # the store's kind of entry: a piece's Typst, by its blocks and pandoc's version


class Body:
    """One document's body (the book's, or a part's): the Typst of the pieces the store keeps, and
    the others saved for pandoc to write (`into`)."""

    def __init__(self, document: dict[str, Any], blocks: list[Any], store: Store, source: Path) -> None:
        """`blocks` as `pdf.written` gives them; the pieces the store lacks are saved beside `source`,
        and the document with a comment for its body is saved as `source` (for the template)."""
        pieces = _pieces(blocks)
        self.store, self.source = store, source
        version = (pandoc.version(), document.get("pandoc-api-version"))
        self.names = [key(*version, json.dumps(piece, ensure_ascii=False)) for piece in pieces]
        self.texts: list[str | None] = [_text(store.get_json(_KIND, name)) for name in self.names]
        self.missing = [index for index, text in enumerate(self.texts) if text is None]
        self.placeholder = f"// presswork-body {key(*self.names)}"  # in no piece: it names them all
        self.between = f"// presswork-between {key(*self.names)}"
        self.pieces = source.with_name(source.name.removesuffix(".pandoc.json") + ".pieces.pandoc.json")
        if self.missing:
            marked = [block for index in self.missing for block in [*pieces[index], _raw(self.between)]]
            pandoc.save({**document, "blocks": marked}, self.pieces)
        pandoc.save({**document, "blocks": [_raw(self.placeholder)]}, source)

    def into(self, written: str, *, timeout: float, epoch: int, sandbox: bool) -> str:
        """The template as pandoc wrote it (`written`), with the body in the place of its comment: the
        pieces the store lacked written now, in one run of pandoc, and kept."""
        if self.missing:
            output = self.pieces.with_name(self.pieces.name.removesuffix(".pandoc.json") + ".typ")
            pandoc.write(self.pieces, "typst", output, ["--wrap=preserve"], timeout=timeout, cwd=self.pieces.parent, epoch=epoch, sandbox=sandbox)  # fmt: skip
            found = output.read_text(encoding="utf-8").split(self.between)
            if len(found) != len(self.missing) + 1:
                raise ToolError(
                    f"pandoc wrote {len(found) - 1} of the {len(self.missing)} pieces of the book's Typst; report this as a bug"
                )
            for index, text in zip(self.missing, found):
                self.texts[index] = text.strip("\n") + "\n"
                self.store.put_json(_KIND, self.names[index], self.texts[index])
            self.missing = []
        return written.replace(self.placeholder, "\n".join(text or "" for text in self.texts).rstrip("\n"))  # where $body$ is


def _pieces(blocks: list[Any]) -> list[list[Any]]:
    """The blocks before the first chapter, then each chapter's from the comment that marks it."""
    pieces: list[list[Any]] = [[]]
    for block in blocks:
        if block.get("t") == "RawBlock" and str(block["c"][1]).startswith(typst_source.CHAPTER) and pieces[-1]:
            pieces.append([])
        pieces[-1].append(block)
    return [piece for piece in pieces if piece]


def _raw(text: str) -> dict[str, Any]:
    return {"t": "RawBlock", "c": ["typst", text]}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
