"""The reference checkers' verdicts, kept in the store and shared out over CI runners.

Every verdict is kept under a name made of all that decides it: axe-core's on a site page (the page,
what it loads, axe-core and how it is run: `formats/site.py`), DAISY Ace's on an EPUB content
document (`tools/ace.py`), and EPUBCheck's and veraPDF's on a whole file (the file's bytes and the
checker's version: `whole` here). A verdict whose inputs are byte-identical is not worked out again.

`build --shard I/N` works out only the I-th of N shares of the verdicts its store lacks (a verdict's
share is set by its name, so every runner agrees), keeps them, and writes no edition: N shards run
side by side, their stores are copied into one (the CI cache), and a build without `--shard` then
finds every verdict there, and reports exactly what one whole run reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.store import Store, digest, key

Shard = tuple[int, int]  # (I, N): the I-th of N shares, 1 <= I <= N
T = TypeVar("T")


def ours(name: str, shard: Shard | None) -> bool:
    """Whether the verdict (or LanguageTool's answer) kept under `name`, a hex digest, is this shard's
    to work out: every one is, without a shard."""
    return shard is None or int(name[:8], 16) % shard[1] == shard[0] - 1


def whole(
    store: Store,
    kind: str,
    checker: str,
    path: Path,
    shard: Shard | None,
    check: Callable[[], list[T]],
    read: Callable[..., T],
) -> list[T] | None:
    """The verdict of the checker `kind` (of version `checker`) on the file at `path`: as kept in the
    store, or worked out by `check` and kept (each finding a dataclass, kept as its fields, read back by
    `read` from them); None when it is another shard's to work out."""
    name = key(kind, checker, digest(path.read_bytes()))
    kept = store.get_json(kind, name)
    if isinstance(kept, list):
        return [read(**found) for found in kept]
    if not ours(name, shard):
        return None
    found = check()
    store.put_json(kind, name, [dataclasses.asdict(item) for item in found])
    return found


def said(shard: Shard) -> str:
    """How a shard is named on its lines: "shard 2 of 4"."""
    return f"shard {shard[0]} of {shard[1]}"
