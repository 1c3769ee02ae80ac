"""Scripts: which writing systems a language is written in, and the runs of a chapter's prose
written in another one with no element saying their language (the `language-not-marked` rule).

Latin is never taken for a change of language: names, code words and abbreviations in Latin letters
are in every book. A lone letter (a Greek π in a formula's prose) is not a run: a run has at least
two letters of a script that writes each word in one (Han, kana, Hangul), else three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.checks.prose import Prose, Unit

# What a language is written in, by its primary subtag; a language not listed is taken to be in Latin.
_WRITTEN_IN = {
    "ru": {"Cyrillic"}, "uk": {"Cyrillic"}, "be": {"Cyrillic"}, "bg": {"Cyrillic"}, "mk": {"Cyrillic"}, "sr": {"Cyrillic"},
    "kk": {"Cyrillic"}, "ky": {"Cyrillic"}, "mn": {"Cyrillic"}, "tg": {"Cyrillic"},
    "el": {"Greek"}, "ar": {"Arabic"}, "fa": {"Arabic"}, "ur": {"Arabic"}, "ps": {"Arabic"}, "he": {"Hebrew"}, "yi": {"Hebrew"},
    "zh": {"Han", "Bopomofo"}, "ja": {"Han", "Hiragana", "Katakana"}, "ko": {"Hangul", "Han"},
    "hi": {"Devanagari"}, "mr": {"Devanagari"}, "ne": {"Devanagari"}, "sa": {"Devanagari"}, "bn": {"Bengali"},
    "ta": {"Tamil"}, "te": {"Telugu"}, "th": {"Thai"}, "hy": {"Armenian"}, "ka": {"Georgian"}, "am": {"Ethiopic"},
}  # fmt: skip
# The language a run in a script most likely is, for the tag a message proposes.
_LIKELY = {
    "Cyrillic": "ru", "Greek": "el", "Arabic": "ar", "Hebrew": "he", "Han": "zh", "Hiragana": "ja", "Katakana": "ja",
    "Hangul": "ko", "Devanagari": "hi", "Bengali": "bn", "Tamil": "ta", "Telugu": "te", "Thai": "th", "Armenian": "hy",
    "Georgian": "ka", "Ethiopic": "am", "Bopomofo": "zh",
}  # fmt: skip
_PREFIXES = {"CJK": "Han", "CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic", "HEBREW": "Hebrew",
             "HIRAGANA": "Hiragana", "KATAKANA": "Katakana", "HANGUL": "Hangul", "DEVANAGARI": "Devanagari",
             "BENGALI": "Bengali", "TAMIL": "Tamil", "TELUGU": "Telugu", "THAI": "Thai", "ARMENIAN": "Armenian",
             "GEORGIAN": "Georgian", "ETHIOPIC": "Ethiopic", "BOPOMOFO": "Bopomofo"}  # fmt: skip
_IDEOGRAPHIC = {"Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"}
_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "pt": "Portuguese", "it": "Italian", "nl": "Dutch",
          "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
          "ar": "Arabic", "he": "Hebrew", "el": "Greek", "hi": "Hindi"}  # fmt: skip
_LANG_ELEMENT = re.compile(r"""<([A-Za-z][\w-]*)\b[^<>]*?\blang\s*=\s*["']?[\w-]+[^<>]*>""")
_LANG_ATTRIBUTES = re.compile(r"""\{:?[^{}\n]*\blang\s*=\s*["']?[\w-]+[^{}\n]*\}""")
_DELIMITERS = "*_~=^`"
_GREEK_START = "\u0370"  # every code point before it is Latin, a Latin mark, a digit, a sign or a space
# Anything but Latin (with Latin Extended Additional), punctuation, symbols, arrows, variation selectors
# and emoji, where no letter of another script is (checked against `script_of` for every code point).
_BEYOND_LATIN = re.compile("[^\u0000-\u036f\u1e00-\u1eff\u2000-\u2bff\ufe00-\ufe0f\U0001f000-\U0001faff]")


@dataclass(frozen=True)
class Run:
    """Words of a chapter in another script than its language's, at their place in the chapter's text."""

    text: str
    span: tuple[int, int]
    script: str
    language_name: str  # the chapter's language, as a message names it
    guess: str  # the language tag a message proposes


def script_of(char: str) -> str | None:
    """The script of a letter ("Cyrillic"), None for Latin, digits, punctuation and spaces."""
    if char < _GREEK_START or not unicodedata.category(char).startswith(("L", "M")):  # Latin and its marks come first
        return None
    name = unicodedata.name(char, "")
    return _PREFIXES.get(name.split(" ", 1)[0].split("-", 1)[0])


def written_in(language: str) -> set[str]:
    return _WRITTEN_IN.get(language.split("-")[0].split("_")[0].lower(), set())


def unmarked(prose: Prose, book_language: str) -> list[Run]:
    """Each run of prose in a script its unit's language is not written in, outside any element
    with a `lang` of its own."""
    text = prose.chapter.text
    marked = _marked(text)
    found = []
    for unit in prose.units:
        language = unit.language or book_language
        for start, end, script in _runs(unit, written_in(language)):
            first, last = unit.offsets[start], unit.offsets[end - 1]
            if first < 0 or last < 0 or any(a <= first < b for a, b in marked):
                continue
            name = _NAMES.get(language.split("-")[0].lower(), language)
            words = unit.text[start:end]
            present = {script_of(char) for char in words} - {None}
            guess = "ja" if present & {"Hiragana", "Katakana"} else "ko" if "Hangul" in present else _LIKELY.get(script, "und")
            found.append(Run(words, (first, last + 1), " and ".join(sorted(present)), name, guess))
    return found


def _runs(unit: Unit, own: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, script) in the unit's text of each run of letters of one foreign script; words
    of that script joined by spaces and punctuation are one run."""
    if not _BEYOND_LATIN.search(unit.text):
        return []  # nothing but Latin, the commonest case, read at once
    runs: list[tuple[int, int, str, int]] = []
    start = end = None
    current, letters = None, 0
    for i, char in enumerate(unit.text):
        script = script_of(char)
        if script is None:
            if current and (char.isalpha() or char.isdigit()):  # a Latin letter or a digit ends the run
                runs.append((start, end, current, letters))
                current = None
            continue
        if script in own:
            if current:
                runs.append((start, end, current, letters))
                current = None
            continue
        if script == current or (current in _IDEOGRAPHIC and script in _IDEOGRAPHIC):
            end, letters = i + 1, letters + 1
            continue
        if current:
            runs.append((start, end, current, letters))
        start, end, current, letters = i, i + 1, script, 1
    if current:
        runs.append((start, end, current, letters))
    return [(a, b, script) for a, b, script, count in runs if count >= (2 if script in _IDEOGRAPHIC else 3)]


def _marked(text: str) -> list[tuple[int, int]]:
    """The spans of the chapter's text inside an element that says its language: a raw HTML element
    with `lang` (to its closing tag), an inline element with an attribute list that sets it (from its
    opening delimiter), and a block whose attribute list does (the paragraph or heading it ends)."""
    spans = []
    for match in _LANG_ELEMENT.finditer(text):
        name = match.group(1)
        close = re.compile(rf"<(/?){re.escape(name)}\b[^<>]*>", re.IGNORECASE)
        depth, end = 1, len(text)
        for tag in close.finditer(text, match.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.start()
                break
        spans.append((match.end(), end))
    for match in _LANG_ATTRIBUTES.finditer(text):
        spans.append((_attached_to(text, match.start()), match.start()))
    return spans


def _attached_to(text: str, brace: int) -> int:
    """Where the element that the attribute list at `brace` belongs to starts."""
    before = text[:brace]
    line_start = before.rfind("\n") + 1
    if before and before[-1] in _DELIMITERS:
        closing = len(before) - len(before.rstrip(before[-1]))
        delimiter = before[-closing:]
        opening = before.rfind(delimiter, line_start, len(before) - closing)
        if opening >= 0:
            return opening
    if before.endswith((")", "]")):
        opening = before.rfind("[", line_start)
        if opening >= 0:
            return opening
    paragraph = before.rfind("\n\n")  # a block's: the paragraph or heading it ends
    return paragraph + 2 if paragraph >= 0 else 0
