"""The seam between the checks' run and its checkers: what every checker reads (`Reading`) and what
a checker is (`Checker`).

A checker has a `step`, its line in the progress, and two methods: `wanted(reading)`, whether it
runs on this book in this run, and `check(reading, note)`, its findings (`note` is the progress
line's text). `pipeline.checks.CHECKERS` lists them in the order they run: a new engine is one
module with its checker, and one entry there.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pipeline.checks.findings import Finding
    from pipeline.checks.names import Names
    from pipeline.checks.prose import Prose
    from pipeline.checks.vocabulary import Vocabulary
    from pipeline.configuration.config import Settings
    from pipeline.sources.manuscript import Manuscript


@dataclass(frozen=True)
class Options:
    paths: tuple[Path, ...] = ()  # only these chapters (default: every chapter in nav)
    grammar: bool = True
    languagetool_url: str | None = None
    daemon: bool = True  # LanguageTool's server kept running between runs (tools_idle), not one of the run's own
    changed_since: str | None = None
    cache: Path | None = None  # the cache folder (LanguageTool's installation, the findings cache)
    shard: tuple[int, int] | None = None  # (I, N): LanguageTool is asked about the I-th of N shares of the paragraphs


@dataclass
class Kept:
    """What lasts from one language's checks to the next of one run: LanguageTool's server, started
    by the first that needs it and stopped with `stack`."""

    stack: contextlib.ExitStack
    engine: Any = None


@dataclass
class Tally:
    """What the checkers of one language tell the run besides their findings."""

    sent: int = 0  # paragraphs sent to LanguageTool
    spellers: set[str] = field(default_factory=set)  # LanguageTool's spelling rules that reported a word


@dataclass(frozen=True)
class Reading:
    """One language's book as the checkers read it: every chapter as prose (links and names read
    them all), the chapters reported on (`selected`), and the words the book accepts."""

    settings: Settings
    manuscript: Manuscript
    options: Options
    proses: dict[str, Prose]  # by chapter name
    selected: list[str]
    vocabulary: Vocabulary
    names: Names  # the names the book's code writes and its links spell (`pipeline.checks.names`)
    kept: Kept
    tally: Tally = field(default_factory=Tally)

    @property
    def chosen(self) -> list[Prose]:
        return [self.proses[name] for name in self.selected]

    @property
    def language(self) -> str:
        return self.settings.presswork.book.language

    def accepts(self, text: str, start: int, end: int) -> bool:
        """Whether the word at `text[start:end]` is the book's: its vocabulary's, or one of its names."""
        return self.vocabulary.accepts(text[start:end]) or self.names.knows(text, start, end)


class Checker(Protocol):
    step: str

    def wanted(self, reading: Reading) -> bool: ...

    def check(self, reading: Reading, note: dict[str, str]) -> list[Finding]: ...
