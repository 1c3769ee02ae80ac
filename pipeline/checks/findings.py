"""What a check reports: a finding at an exact place in a chapter's source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.checks.prose import Prose

SEVERITIES = ("info", "warning", "error")
ENGINES = ("codespell", "languagetool", "links", "html", "translations", "accessibility")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: 1-based lines and columns (code points of the source line), the end exclusive."""

    path: str  # relative to the repository root
    line: int
    column: int
    end_line: int
    end_column: int
    severity: str
    engine: str
    rule: str
    message: str
    suggestions: tuple[str, ...] = field(default=())
    language: str = ""  # in a book in several languages, the language of the text it was found in

    @property
    def said(self) -> str:
        """The message, naming the language in a book in several languages."""
        return f"{self.message} ({self.language})" if self.language else self.message

    def as_json(self) -> dict:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        return data

    def at_least(self, level: str) -> bool:
        return SEVERITIES.index(self.severity) >= SEVERITIES.index(level)


def at(prose: Prose, start: int, end: int, severity: str, engine: str, rule: str, message: str, suggestions=()) -> Finding:
    """A finding on the text of `prose` from offset `start` to `end` (at least one character)."""
    line, column = prose.position(start)
    end_line, end_column = prose.position(max(end, start + 1))
    return Finding(prose.chapter.display, line, column, end_line, end_column, severity, engine, rule, message, tuple(suggestions))
