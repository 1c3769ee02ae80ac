"""The words of software (`terms.txt`, from cspell's dictionaries): `hashable`, `virtualenv`,
`subcommand`, `Mutex`. LanguageTool's spelling rule does not know them; technical writing is full of
them. A word here, in any case, or its plural or possessive, is no misspelling to LanguageTool.
codespell needs no such list: it reports only the misspellings it knows, none of which is here."""

from __future__ import annotations

import functools
from pathlib import Path

_FILE = Path(__file__).with_name("terms.txt")
_ENDINGS = ("'s", "’s", "es", "s")


@functools.cache
def _words() -> frozenset[str]:
    lines = _FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def knows(word: str) -> bool:
    """Whether `word` is a word of software, or its plural or possessive."""
    word = word.casefold()
    words = _words()
    return word in words or any(
        word.endswith(ending) and word[: -len(ending)] in words for ending in _ENDINGS if len(word) > len(ending) + 2
    )
