"""Accepted and rejected words, in Vale's layout: `styles/config/vocabularies/<Name>/accept.txt` and
`reject.txt`, one word or regular expression a line (`#` starts a comment). Shared by every engine.
Beside them, `accept.fr.txt` and `reject.fr.txt` hold what only the text in that language accepts or
rejects (a tag with a region, `pt-BR`, reads `accept.pt.txt` and `accept.pt-BR.txt`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.checks.findings import Finding
from pipeline.checks.prose import Prose
from pipeline.errors import ConfigError

_WORD = re.compile(r"[\w'’-]+")


@dataclass
class Vocabulary:
    accept: list[re.Pattern[str]] = field(default_factory=list)
    reject: list[re.Pattern[str]] = field(default_factory=list)

    def accepts(self, word: str) -> bool:
        return any(pattern.fullmatch(word) for pattern in self.accept)

    def rejected(self, proses: list[Prose]) -> list[Finding]:
        findings = []
        for prose in proses:
            for unit in prose.units:
                for match in _WORD.finditer(unit.text):
                    if any(pattern.fullmatch(match.group(0)) for pattern in self.reject):
                        where = prose.span(unit, match.start(), match.end())
                        if where:
                            message = f"'{match.group(0)}' is a rejected word in this book's vocabulary"
                            findings.append(Finding(prose.chapter.display, *where, "error", "codespell", "reject", message))
        return findings


def load(styles: Path, names: list[str], language: str = "") -> Vocabulary:
    """The vocabularies named (all of them when `names` is empty) under `styles/config/vocabularies`,
    with their lists for text in `language`."""
    folder = styles / "config" / "vocabularies"
    chosen = names or sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else names
    vocabulary = Vocabulary()
    for name in chosen:
        if not (folder / name).is_dir():
            raise ConfigError(f"vocabulary '{name}' not found in {folder}", hint="create the folder or fix check.vocabularies")
        for kind, patterns in (("accept", vocabulary.accept), ("reject", vocabulary.reject)):
            for suffix in ["", *_suffixes(language)]:
                patterns += _patterns(folder / name / f"{kind}{suffix}.txt")
    return vocabulary


def _suffixes(language: str) -> list[str]:
    """`fr` -> ['.fr']; `pt-BR` -> ['.pt', '.pt-BR']."""
    if not language:
        return []
    primary = language.split("-", 1)[0]
    return [f".{primary}", *([f".{language}"] if language != primary else [])]


def _patterns(path: Path) -> list[re.Pattern[str]]:
    if not path.is_file():
        return []
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = line.split(" #", 1)[0].strip()
        if not entry or entry.startswith("#"):
            continue
        try:
            patterns.append(re.compile(entry))
        except re.error as error:
            raise ConfigError(f"not a regular expression: {error}", path=str(path), line=number) from error
    return patterns
