"""Grammar (and dictionary spelling) with LanguageTool, paragraph by paragraph, through the cache.

Only paragraphs the cache has not seen are sent; the server (ours, started on demand, or the one at
`languagetool_url`) is reached only when there is at least one.

A word LanguageTool's spelling rule does not know is asked about again, once (the answer is cached):
in a book in English or Portuguese without a region, whether the other variant spells it so
(`behaviour` in a book in `en`, checked as `en-US`); and in a hyphenated word that joins one of the
book's names or a word of software (`httpx-caching`, `dict-like`), whether the other parts are words.
The book's names (`pipeline.checks.names`) and the words of software (`pipeline.checks.terms`:
`hashable`, `subcommand`) are no misspellings.

What LanguageTool itself calls a matter of style is not reported unless the book asks for it in
`check.rules`, by the rule's id or its category's (`REDUNDANCY: warning`): the issue types `style`,
`typographical`, `whitespace`, `register` and `locale-violation` (wordiness, redundancy, plain
English, typographic quotes, dashes and spaces), and the category `PUNCTUATION`, whose rules
LanguageTool leaves untyped and which suggest optional commas ("However," "By default,"); so are
the few rules that take a technical noun for a verb or an uncountable noun ("a transport", "the
deploy script": `_TECHNICAL`), and the one that asks for an article before a superlative ("lowest
first"). An unknown word that is most often a name (capitalised inside a sentence or a title) is
reported only when `check.rules` names `NAMES`. Capitals
(category `CASING`) are a mistake, not style, but for a name the book's code writes (`id`) and a
block's first word (`### site_url`, or a sentence going on after a code block).

"a" or "an" before inline code is judged by the placeholder `inline` chose by the code's first sound,
and not at all when that sound is not certain (`an `mkdocs``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline import verdicts
from pipeline.checks import inline, terms
from pipeline.checks.cache import FindingsCache
from pipeline.checks.findings import SEVERITIES, Finding
from pipeline.checks.prose import Prose, Unit
from pipeline.checks.reading import Reading
from pipeline.errors import ConfigError, ToolError
from pipeline.tools import codespell, daemon, languagetool

# A language tag without a region has no spelling dictionary in LanguageTool: use its main variant.
_VARIANTS = {"en": "en-US", "de": "de-DE", "pt": "pt-PT", "nl": "nl-NL", "ca": "ca-ES"}
_OTHER_VARIANT = {"en": "en-GB", "pt": "pt-BR"}  # what a tag without a region accepts as well
_ERRORS = {"misspelling", "grammar"}  # issue types that are errors; every other type is a warning
_STYLE_TYPES = {"style", "typographical", "whitespace", "register", "locale-violation"}
_STYLE_CATEGORIES = {"PUNCTUATION"}
_MISTAKE_CATEGORIES = {"CASING"}
# Rules that take a technical noun for a word the dictionary holds only as a verb, an adjective or an
# uncountable noun ("a transport", "optional installs", "an iterable of pages", "the deploy script"),
# and the one that asks for the article technical writing leaves out ("lowest first"): off, as style
# is, unless `check.rules` names them.
_TECHNICAL = {"A_UNCOUNTABLE", "A_INSTALL", "ARTICLE_ADJECTIVE_OF", "PREPOSITION_VERB", "THE_SUPERLATIVE"}
# An unknown word capitalised inside a sentence is most often a name (a person, a contest, a product):
# not reported unless `check.rules` names this key, with the level its findings get.
NAMES = "NAMES"


@dataclass
class Engine:
    """Where LanguageTool is: a server's URL, or an installation to start a server from."""

    url: str | None
    installation: languagetool.Installation | None
    heap: str
    workers: int
    kept_in: Path | None = None  # the folder where our server is kept running between runs (None: one for this run)
    idle: float = 0  # seconds it stays after the last run

    @classmethod
    def find(cls, url: str | None, cache: Path | None, *, heap: str, workers: int, idle: float = 0) -> Engine:
        if url:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigError(
                    f"'{url}' is no address of a LanguageTool server",
                    hint="give an http:// or https:// address, e.g. http://localhost:8081",
                )
            return cls(url.rstrip("/").removesuffix("/v2") + "/v2/", None, heap, workers)
        installation = languagetool.installed(cache) if cache else None
        if installation is None:
            raise languagetool.unavailable(f"it is not installed in {cache}/languagetool")
        kept = daemon.home() if idle > 0 else None
        return cls(None, installation, heap, workers, kept / "languagetool" if kept else None, idle)

    def version(self) -> str:
        if self.installation is not None:
            return self.installation.version
        try:
            return languagetool.version(self.url or "")
        except OSError as error:
            reason = getattr(error, "reason", None) or error  # urllib's URLError wraps the socket's
            reason = getattr(reason, "strerror", None) or reason
            raise languagetool.unavailable(f"no server answers at {self.url} ({str(reason).lower()})", server=True) from error

    @contextlib.contextmanager
    def server(self):
        kept = self.__dict__.get("_kept")
        if kept is not None:  # inside `kept()`: one server for every check, started by the first
            if "session" not in kept:
                kept["session"] = kept["stack"].enter_context(self._started())
            yield kept["session"]
            return
        with self._started() as session:
            yield session

    @property
    def serving(self) -> bool:
        """Whether a server of this run is up already (started inside `kept()` by an earlier check)."""
        return "session" in self.__dict__.get("_kept", {})

    @contextlib.contextmanager
    def kept(self):
        """One server for every check made inside (a book's languages, one after another)."""
        with contextlib.ExitStack() as stack:
            self.__dict__["_kept"] = {"stack": stack}
            try:
                yield self
            finally:
                self.__dict__.pop("_kept", None)

    @contextlib.contextmanager
    def _started(self):
        if self.url:
            yield _Session(self.url, None, self.workers)
            return
        if self.kept_in is not None:
            with languagetool.Kept(self.installation, self.kept_in, heap=self.heap, idle=self.idle) as kept:
                yield _Session(kept.url, kept, self.workers)
            return
        with languagetool.Server(self.installation, heap=self.heap) as server:
            yield _Session(server.url, server, self.workers)


@dataclass
class _Session:
    """Requests to one server. Our own server, should it die during the check (killed, out of
    memory), is started again once and the paragraphs of the failed batch sent again; a second
    death fails the run: a check never reports a book clean after losing findings."""

    url: str
    server: languagetool.Server | languagetool.Kept | None
    workers: int
    restarted: bool = False

    def check(
        self,
        language: str,
        texts: list[str],
        disabled: set[str],
        only: set[str] | None = None,
        on_checked: Callable[[], None] = lambda: None,
    ) -> list[list[languagetool.Match]]:
        try:
            return languagetool.check(self.url, language, texts, disabled=disabled, only=only, workers=self.workers, on_checked=on_checked)
        except ToolError as error:
            if self.server is None or self.server.alive():
                raise
            if self.restarted:
                raise ToolError(
                    "the LanguageTool server stopped during the check, and again after a restart; nothing is reported",
                    hint="give it more memory (check.languagetool_heap) or run with --no-grammar",
                    detail=error.message,
                ) from error
        self.restarted = True
        self.server.restart()
        self.url = self.server.url
        return self.check(language, texts, disabled, only, on_checked)


class Grammar:
    """LanguageTool on every paragraph (one server for every language of a run), its findings kept
    in the findings cache; how many paragraphs were sent, and which spelling rules spoke, go to the
    run's tally (`once_per_word` reads them)."""

    step = "grammar"

    def wanted(self, reading: Reading) -> bool:
        return reading.options.grammar and reading.settings.presswork.check.grammar

    def check(self, reading: Reading, note: dict[str, str]) -> list[Finding]:
        config, options = reading.settings.presswork.check, reading.options
        if reading.kept.engine is None:
            found = Engine.find(
                options.languagetool_url or config.languagetool_url,
                options.cache,
                heap=config.languagetool_heap,
                workers=config.workers,
                idle=60 * reading.settings.presswork.tools_idle if options.daemon else 0,
            )
            reading.kept.engine = reading.kept.stack.enter_context(found.kept())
        cache = FindingsCache(options.cache / "checks" if options.cache else None)
        counted: list[int] = []
        left: list[int] = []
        engine = reading.kept.engine
        starting = (
            engine.installation is not None and not engine.serving and (engine.kept_in is None or daemon.running(engine.kept_in) is None)
        )

        def requested(count: int) -> None:  # said on the live line while LanguageTool works
            counted.append(count)
            note["doing"] = f"{'starting LanguageTool for ' if starting else ''}{count} paragraph{'s' if count != 1 else ''}"

        def checked(done: int, total: int) -> None:
            note["doing"] = f"paragraph {done} of {total}"

        try:
            findings = check(
                reading.chosen, reading.kept.engine, cache, book_language=reading.language, rules=dict(config.rules),
                accepts=reading.vocabulary.accepts, names=reading.names.spells, on_request=requested, on_checked=checked,
                on_spelling=reading.tally.spellers.add, shard=options.shard, on_left=lambda count: left.append(count),
            )  # fmt: skip
        finally:
            cache.close()
        sent = reading.tally.sent = sum(counted)
        note["text"] = f"{sent} paragraph{'s' if sent != 1 else ''} sent to LanguageTool" if sent else "all paragraphs from the cache"
        if options.shard:
            others = f"; {left[0]} left to the other shards" if left and left[0] else ""
            said = note["text"] if sent or not others else "none sent"
            note["text"] = f"{said}{others} ({verdicts.said(options.shard)})"
        return findings


CHECKER = Grammar()


def language_of(unit: Unit, book_language: str) -> str:
    tag = unit.language or book_language
    return _VARIANTS.get(tag, tag)


def check(
    proses: list[Prose],
    engine: Engine,
    cache: FindingsCache,
    *,
    book_language: str,
    rules: Mapping[str, str],
    accepts: Callable[[str], bool],
    names: Callable[[str, int, int], bool] = lambda text, start, end: False,
    on_request: Callable[[int], None] = lambda count: None,
    on_checked: Callable[[int, int], None] = lambda done, total: None,
    on_spelling: Callable[[str], None] = lambda rule: None,
    shard: tuple[int, int] | None = None,
    on_left: Callable[[int], None] = lambda count: None,
) -> list[Finding]:
    """LanguageTool's findings in `proses`, but for: the rules and categories `rules` turns `off`,
    style unless `rules` names its rule or category, words a vocabulary `accepts` and, for its
    spelling rules, the book's own names (`names(text, start, end)`: see `pipeline.checks.names`).
    `on_spelling` hears the id of each spelling rule that reports a word (see `once_per_word`).
    With a `shard` (I, N), only the I-th of N shares of the paragraphs the cache has no answer for
    are sent (a paragraph's share is set by its key: the same in every shard); `on_left` hears how
    many are left to the others, which report nothing here."""
    disabled = {rule for rule, level in rules.items() if level == "off"}
    version = engine.version()
    units = [(prose, unit, language_of(unit, book_language)) for prose in proses for unit in prose.units]
    keys = [cache.key("languagetool", version, language, sorted(disabled), unit.text) for _, unit, language in units]
    known = {key: cache.get(key) for key in set(keys)}
    missing: dict[str, dict[str, str]] = {}
    left = set()  # paragraphs of the other shards
    for (_, unit, language), key in zip(units, keys):
        if known[key] is None and not verdicts.ours(key, shard):
            left.add(key)
        elif known[key] is None:
            missing.setdefault(language, {})[key] = unit.text
    on_left(len(left))
    if missing:
        total = sum(len(texts) for texts in missing.values())
        on_request(total)
        done = itertools.count(1)  # its next() is atomic: the pool's threads count on it

        def one_more() -> None:
            on_checked(next(done), total)

        fresh: dict[str, list[list]] = {}
        with engine.server() as session:
            for language, texts in missing.items():
                results = session.check(language, list(texts.values()), disabled, on_checked=one_more)
                for key, matches in zip(texts, results):
                    fresh[key] = [list(m.__dict__.values()) for m in matches]
        cache.put_many(fresh)
        known.update(fresh)
    matched = []
    for (prose, unit, language), key in zip(units, keys):
        for raw in known[key] or []:
            match = languagetool.Match(*raw[:6], tuple(raw[6]))
            matched.append((prose, unit, language, match, _questions(unit, match, language, book_language, names)))
    spelled = _spelled(engine, cache, version, {question for *_, asked in matched for question in asked})
    findings = []
    for prose, unit, language, match, asked in matched:
        if asked and all(question in spelled for question in asked):
            continue  # `behaviour` in a book in English; `httpx-caching`
        finding = _finding(prose, unit, language, match, rules, accepts, names)
        if finding:
            findings.append(finding)
            if _spelling(match):
                on_spelling(match.rule)
    return findings


def once_per_word(findings: list[Finding], spelling: set[str], word_at: Callable[[Finding], str]) -> list[Finding]:
    """The words the `spelling` rules do not know, each reported once in a chapter, at its first
    place, saying how many more times it is there (`Bugfix` in every line of a changelog is one
    word to accept or correct, not a hundred findings); none where codespell reports the same word.
    `word_at` gives the text a finding is on."""
    codespell = {(f.path, f.line, f.column, f.end_line, f.end_column) for f in findings if f.engine == "codespell"}
    places: dict[tuple[str, str, str], list[Finding]] = {}
    out = []
    for finding in sorted(findings):
        if finding.engine != "languagetool" or finding.rule not in spelling:
            out.append(finding)
        elif (finding.path, finding.line, finding.column, finding.end_line, finding.end_column) not in codespell:
            places.setdefault((finding.path, finding.rule, word_at(finding).casefold()), []).append(finding)
    for first, *more in places.values():
        out.append(dataclasses.replace(first, message=f"{first.message} ({len(more)} more in this chapter)") if more else first)
    return out


def _questions(unit: Unit, match: languagetool.Match, language: str, book_language: str, names) -> list[tuple[str, str]]:
    """What a speller must know, (language, word) each, for a word the spelling rule did not know to
    be one after all: the parts of a hyphenated word that joins a name and are not names themselves,
    or the word in the other variant of a language without a region. None: nothing to ask."""
    if not _spelling(match):
        return []  # only words are asked about
    start, end = match.offset, match.offset + match.length
    word = unit.text[start:end]
    if any(c.isspace() for c in word):
        return []
    if "-" in word:
        parts = [(start + part.start(), start + part.end()) for part in re.finditer(r"[^-]+", word)]
        unknown = [unit.text[a:b] for a, b in parts if not names(unit.text[a:b], 0, b - a) and not terms.knows(unit.text[a:b])]
        return [(language, part) for part in unknown] if len(unknown) < len(parts) else []
    variant = _OTHER_VARIANT.get(unit.language or book_language)
    return [(variant, word)] if variant else []


def _spelled(engine: Engine, cache: FindingsCache, version: str, questions: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of the (language, word) `questions` LanguageTool's spelling rules accept: from the cache,
    else one request per language, its words a paragraph each."""
    keys = {question: cache.key("languagetool-spelling", version, *question) for question in questions}
    answers = {question: cache.get(key) for question, key in keys.items()}
    missing: dict[str, list[str]] = {}
    for language, word in sorted(question for question, answer in answers.items() if answer is None):
        missing.setdefault(language, []).append(word)
    if missing:
        with engine.server() as session:
            for language, words in missing.items():
                text = "\n\n".join(words)
                starts = [0]
                for word in words[:-1]:
                    starts.append(starts[-1] + len(word) + 2)
                (matches,) = session.check(language, [text], set(), only={"TYPOS"})
                for word, at in zip(words, starts):
                    answers[(language, word)] = not any(m.offset < at + len(word) and at < m.offset + m.length for m in matches)
        cache.put_many({keys[(language, word)]: answers[(language, word)] for language, words in missing.items() for word in words})
    return {question for question, answer in answers.items() if answer}


def _spelling(match: languagetool.Match) -> bool:
    """A spelling rule's match (a word the dictionary does not hold), by LanguageTool's own metadata."""
    return match.category == "TYPOS" and match.issue_type == "misspelling"


def _style_only(match: languagetool.Match) -> bool:
    """Whether LanguageTool's own metadata makes `match` a matter of style, not a mistake."""
    if match.category in _MISTAKE_CATEGORIES:
        return False
    return match.issue_type in _STYLE_TYPES or match.category in _STYLE_CATEGORIES


def _finding(prose: Prose, unit: Unit, language: str, match, rules: Mapping[str, str], accepts, names) -> Finding | None:
    level = rules.get(match.rule, rules.get(match.category))
    if level == "off" or level is None and (_style_only(match) or match.rule in _TECHNICAL):
        return None
    start, end = match.offset, match.offset + match.length
    where = prose.span(unit, start, end)
    if where is None:
        return None  # it touches a placeholder: never report on text the author did not write
    if match.rule == "UPPERCASE_SENTENCE_START" and start == 0:
        return None  # a block's first word is often a name (`### site_url`), or goes on with a sentence a code block broke
    if match.category in _MISTAKE_CATEGORIES and names(unit.text, start, end):
        return None  # a name is written in the case its code writes it: `id`, `base_url`
    if match.rule == "EN_A_VS_AN" and _before_unspoken_code(unit, end):
        return None  # `an `mkdocs``: the code may be read letter by letter or as a word
    word = unit.text[start:end]
    if match.issue_type == "misspelling" and accepts(word):
        return None
    if _spelling(match) and (names(unit.text, start, end) or all(terms.knows(part) for part in word.split("-") if part)):
        return None  # a name the book uses (`Mutex`, `httpx`), words of software (`hashable`, `dict-like`)
    if _spelling(match) and _CAMEL.search(word):
        return None  # written as code writes names (`AuthlibMiddleware`, `operationName`): an identifier
    if _spelling(match) and _ACRONYM.fullmatch(word):
        return None  # capitals alone (`NAIPC`, `DMOPC`): an acronym, whose letters no dictionary holds
    if _spelling(match) and (unit.text[start - 1 : start] in ("@", "$") or word[:1] in ("@", "$")):
        return None  # `@niccokunzmann`, `$n`: an account's handle, a variable
    if _spelling(match) and word.count("-") >= 3 and word.islower():
        return None  # `fix-bad-example-for-lang-switcher`: a branch's or a page's slug, written as code writes it
    if _spelling(match) and _compound(word, match.replacements):
        return None  # `tilesheet`, `bitfield`: two words the dictionary holds, written as one
    severity = level if level in SEVERITIES else "error" if match.issue_type in _ERRORS else "warning"
    if level is None and _spelling(match) and language.split("-")[0] not in _NOUNS_CAPITALISED and _proper_name(unit.text, start, word):
        if rules.get(NAMES) not in SEVERITIES:
            return None  # `Trylesinski` in a sentence: most often a person's or a product's name
        severity = rules[NAMES]
    return Finding(prose.chapter.display, *where, severity, "languagetool", match.rule, match.message, match.replacements)


_CAMEL = re.compile(r"[a-z][A-Z]")
_NOUNS_CAPITALISED = {"de", "lb"}  # languages whose every noun has a capital: no sign of a name
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,7}s?")


def _proper_name(text: str, start: int, word: str) -> bool:
    """Whether `word` is capitalised where a sentence does not begin (after an initial, `M. Sharir`,
    a sentence goes on), or before another capitalised word (`Tavrida NU Akai Contest`, a title):
    a name, as far as one can tell."""
    if not (word[:1].isupper() and word[1:].islower()):
        return False
    before = text[:start].rstrip()
    after = text[start + len(word) :].lstrip(" ")
    if after[:1].isupper():
        return True
    return bool(before) and (before[-1] not in ".!?:;\"'“‘([" or bool(_INITIAL.search(before)))


_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")


def _compound(word: str, suggestions: tuple[str, ...]) -> bool:
    """Whether the spelling rule's own suggestions split `word` into words of three letters or more
    (`tile sheet` for `tilesheet`), and codespell does not know it as a misspelling (`eachother`,
    `aswell` are still reported, by codespell)."""
    if word.casefold() in codespell.misspellings():
        return False
    return any(
        len(parts := suggestion.split()) > 1 and "".join(parts).casefold() == word.casefold() and all(len(part) >= 3 for part in parts)
        for suggestion in suggestions
    )


def _before_unspoken_code(unit: Unit, end: int) -> bool:
    """Whether inline code or math follows `end` whose first sound is not certain (see `inline.sound`):
    its placeholder's cannot be taken for it."""
    return any(end < code.start <= end + 2 and inline.sound(code.text) is None for code in unit.code)
