"""Spelling with codespell, on the extracted prose, mapped back to the Markdown source."""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.checks.findings import Finding
from pipeline.checks.prose import Prose, Unit
from pipeline.checks.reading import Reading
from pipeline.tools import codespell


def check(
    proses: list[Prose], *, book_language: str, timeout: float, accepts: Callable[[str, int, int], bool] = lambda text, start, end: False
) -> list[Finding]:
    """codespell's dictionary is English: it reads the paragraphs written in English only. A word
    `accepts(text, start, end)` takes (a vocabulary's, or one of the book's names) is not reported."""
    units: list[tuple[Prose, Unit]] = [
        (prose, unit) for prose in proses for unit in prose.units if (unit.language or book_language).startswith("en")
    ]
    typos = codespell.check([unit.text for _, unit in units], timeout=timeout)
    seen: dict[tuple[int, str], int] = {}
    findings = []
    for typo in typos:
        prose, unit = units[typo.line]
        occurrence = seen.get((typo.line, typo.word), 0)
        seen[(typo.line, typo.word)] = occurrence + 1
        matches = list(re.finditer(rf"(?<!\w){re.escape(typo.word)}(?!\w)", unit.text))
        if occurrence >= len(matches):
            continue
        match = matches[occurrence]
        where = prose.span(unit, match.start(), match.end())
        if where is None or accepts(unit.text, match.start(), match.end()):
            continue
        suggestions = typo.suggestions
        message = f"'{typo.word}' is a common misspelling of " + " or ".join(f"'{s}'" for s in suggestions)
        findings.append(Finding(prose.chapter.display, *where, "error", "codespell", "codespell", message, suggestions))
    return findings


class Spelling:
    """codespell on the English paragraphs, and the words the book's vocabulary rejects."""

    step = "spelling"

    def wanted(self, reading: Reading) -> bool:
        return True

    def check(self, reading: Reading, note: dict[str, str]) -> list[Finding]:
        language = reading.language
        if not language.startswith("en"):
            note["text"] = f"codespell reads English only: the {language} text is left to LanguageTool"
        found = check(reading.chosen, book_language=language, timeout=reading.settings.presswork.timeout, accepts=reading.accepts)
        return found + reading.vocabulary.rejected(reading.chosen)


CHECKER = Spelling()
