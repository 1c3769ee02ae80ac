"""Grammar (and dictionary spelling) with LanguageTool, paragraph by paragraph, through the cache.

Only paragraphs the cache has not seen are sent; the server (ours, started on demand, or the one at
`languagetool_url`) is reached only when there is at least one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.checks.cache import FindingsCache
from pipeline.checks.findings import Finding
from pipeline.checks.prose import Prose, Unit
from pipeline.errors import ToolError
from pipeline.tools import languagetool

# A language tag without a region has no spelling dictionary in LanguageTool: use its main variant.
_VARIANTS = {"en": "en-US", "de": "de-DE", "pt": "pt-PT", "nl": "nl-NL", "ca": "ca-ES"}
_FRAGMENTS = {"item", "cell", "title"}
_ERRORS = {"misspelling", "grammar"}  # issue types that are errors; every other type is a warning


@dataclass
class Engine:
    """Where LanguageTool is: a server's URL, or an installation to start a server from."""

    url: str | None
    installation: languagetool.Installation | None
    heap: str
    workers: int

    @classmethod
    def find(cls, url: str | None, cache: Path | None, *, heap: str, workers: int) -> "Engine":
        if url:
            return cls(url.rstrip("/").removesuffix("/v2") + "/v2/", None, heap, workers)
        installation = languagetool.installed(cache) if cache else None
        if installation is None:
            raise languagetool.unavailable(f"it is not installed in {cache}/languagetool")
        return cls(None, installation, heap, workers)

    def version(self) -> str:
        if self.installation is not None:
            return self.installation.version
        try:
            return languagetool.version(self.url or "")
        except OSError as error:
            raise languagetool.unavailable(f"no server answers at {self.url} ({error})") from error

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
        with languagetool.Server(self.installation, heap=self.heap) as server:
            yield _Session(server.url, server, self.workers)


@dataclass
class _Session:
    """Requests to one server. Our own server, should it die during the check (killed, out of
    memory), is started again once and the paragraphs of the failed batch sent again; a second
    death fails the run: a check never reports a book clean after losing findings."""

    url: str
    server: languagetool.Server | None
    workers: int
    restarted: bool = False

    def check(self, language: str, texts: list[str], disabled: set[str]) -> list[list[languagetool.Match]]:
        try:
            return languagetool.check(self.url, language, texts, disabled=disabled, workers=self.workers)
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
        return self.check(language, texts, disabled)


def language_of(unit: Unit, book_language: str) -> str:
    tag = unit.language or book_language
    return _VARIANTS.get(tag, tag)


def check(
    proses: list[Prose],
    engine: Engine,
    cache: FindingsCache,
    *,
    book_language: str,
    disabled: set[str],
    accepts: Callable[[str], bool],
    on_request: Callable[[int], None] = lambda count: None,
) -> list[Finding]:
    version = engine.version()
    units = [(prose, unit, language_of(unit, book_language)) for prose in proses for unit in prose.units]
    keys = [cache.key("languagetool", version, language, sorted(disabled), unit.text) for _, unit, language in units]
    known = {key: cache.get(key) for key in set(keys)}
    missing: dict[str, dict[str, str]] = {}
    for (prose, unit, language), key in zip(units, keys):
        if known[key] is None:
            missing.setdefault(language, {})[key] = unit.text
    if missing:
        on_request(sum(len(texts) for texts in missing.values()))
        fresh: dict[str, list[list]] = {}
        with engine.server() as session:
            for language, texts in missing.items():
                results = session.check(language, list(texts.values()), disabled)
                for key, matches in zip(texts, results):
                    fresh[key] = [list(m.__dict__.values()) for m in matches]
        cache.put_many(fresh)
        known.update(fresh)
    findings = []
    for (prose, unit, _), key in zip(units, keys):
        for raw in known[key] or []:
            match = languagetool.Match(*raw[:6], tuple(raw[6]))
            finding = _finding(prose, unit, match, accepts)
            if finding:
                findings.append(finding)
    return findings


def _finding(prose: Prose, unit: Unit, match: languagetool.Match, accepts) -> Finding | None:
    where = prose.span(unit, match.offset, match.offset + match.length)
    if where is None:
        return None  # it touches a placeholder: never report on text the author did not write
    if match.rule == "UPPERCASE_SENTENCE_START" and match.offset == 0 and unit.kind in _FRAGMENTS:
        return None  # list items, table cells and titles are often fragments, not sentences
    word = unit.text[match.offset : match.offset + match.length]
    if match.issue_type == "misspelling" and accepts(word):
        return None
    severity = "error" if match.issue_type in _ERRORS else "warning"
    return Finding(prose.chapter.display, *where, severity, "languagetool", match.rule, match.message, match.replacements)
