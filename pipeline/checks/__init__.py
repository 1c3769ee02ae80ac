"""The checks: every chapter read once into prose with a source map, then links, accessibility,
spelling (codespell) and grammar (LanguageTool), the book's vocabulary and rule settings, the suppressions written in the
chapters, and, for a review, only the lines changed since a commit. A book in several languages
(mkdocs-static-i18n) has each language's own chapters checked in that language."""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import sanitiser, translations
from pipeline.checks import accessibility, changes, grammar, links, names, prose, spelling, suppressions, translation, vocabulary
from pipeline.checks.cache import FindingsCache
from pipeline.checks.findings import SEVERITIES, Finding
from pipeline.checks.prose import Prose
from pipeline.config import Settings
from pipeline.errors import ConfigError
from pipeline.manuscript import Manuscript, read, read_chapter
from pipeline.progress import Progress
from pipeline.tools import codespell


@dataclass(frozen=True)
class Options:
    paths: tuple[Path, ...] = ()  # only these chapters (default: every chapter in nav)
    grammar: bool = True
    languagetool_url: str | None = None
    changed_since: str | None = None
    cache: Path | None = None  # the cache folder (LanguageTool's installation, the findings cache)


@dataclass
class Report:
    findings: list[Finding]
    checked: int
    proses: dict[str, Prose] = field(default_factory=dict)  # by display path
    sent: int = 0  # paragraphs sent to LanguageTool

    def line_of(self, path: str, line: int) -> str:
        found = self.proses.get(path)
        return found.source_line(line) if found else ""

    def failed(self, level: str) -> bool:
        return level != "never" and any(f.at_least(level) for f in self.findings)


def versions(options: Options) -> dict[str, str]:
    """The version of each checker a run with `options` uses (links are Presswork's own): what a
    release records beside the tools that built it."""
    found = {"codespell": codespell.version()}
    if options.grammar:
        found["languagetool"] = grammar.Engine.find(options.languagetool_url, options.cache, heap="1g", workers=1).version()
    return found


def run(settings: Settings, manuscript: Manuscript, options: Options, progress: Progress) -> Report:
    """The book checked: the default language's chapters and, unless `options` names chapters, each
    translated language's own (not those it shows in the default language), in that language, and its translations that fell
    behind their source (from git history) as warnings."""
    layout = settings.layout
    engines: dict[str, grammar.Engine] = {}
    with contextlib.ExitStack() as stack:  # one LanguageTool server for every language
        report = _run(settings, manuscript, options, progress, engines, stack)
        if layout is None:
            return report
        report.findings = _in_language(report.findings, settings.presswork.book.language)
        if options.paths:
            return report
        for language in layout.translated:
            translated = read(translations.for_language(settings, language), manuscript.epoch)
            own = tuple(chapter for chapter in translated.chapters if chapter.name not in translated.fallbacks)
            if own:
                book = dataclasses.replace(translated, chapters=own, unlisted=())
                found = _run(translated.settings, book, options, progress, engines, stack, f" {language.locale}")
                found.findings = _in_language(found.findings, language.locale)
                report = Report(
                    sorted(set(report.findings + found.findings)),
                    report.checked + found.checked,
                    {**report.proses, **found.proses},
                    report.sent + found.sent,
                )
        with progress.step("translations") as note:
            behind = translation.stale(settings, manuscript, layout)
            if behind is None:
                note["text"] = "not in a git repository: stale translations are not looked for"
                return report
            behind = _apply_rules(behind, dict(settings.presswork.check.rules))
            if options.changed_since:
                behind = _only_changed(behind, settings.root, options.changed_since, settings.presswork.timeout)
            note["text"] = f"{len(behind)} stale" if behind else "none stale"
        report.findings = sorted(set(report.findings + behind))
    return report


def _run(
    settings: Settings,
    manuscript: Manuscript,
    options: Options,
    progress: Progress,
    engines: dict,
    stack: contextlib.ExitStack,
    label: str = "",
) -> Report:
    config = settings.presswork.check
    with progress.step(f"prose{label}") as note:
        dialect = prose.dialect(settings)  # the configured slugify functions give the ids the site has
        proses = {chapter.name: prose.extract(chapter, dialect) for chapter in manuscript.chapters}
        selected = _selected(settings, options.paths, proses)
        chosen = [proses[name] for name in selected]
        note["text"] = f"{sum(len(p.units) for p in chosen)} paragraphs in {len(chosen)} chapter{'s' if len(chosen) != 1 else ''}"
    words = vocabulary.load(settings.root / "styles", list(config.vocabularies), settings.presswork.book.language)
    known = names.collect(proses.values())  # the names every chapter's code writes and its links spell

    def accepts(text: str, start: int, end: int) -> bool:
        return words.accepts(text[start:end]) or known.knows(text, start, end)

    timeout = settings.presswork.timeout
    findings: list[Finding] = []
    with progress.step(f"links{label}"):
        plugins = set(settings.mkdocs.plugins)
        autorefs = next((name for name in ("mkdocstrings", "autorefs") if name in plugins), "")
        anchors = settings.mkdocs.validation.links.anchors
        findings += links.check(
            proses, selected, settings.docs_dir, settings.root, settings.mkdocs.site_url, autorefs=autorefs, anchors=anchors
        )
        if not options.paths:
            findings += [_unlisted(settings, name) for name in manuscript.unlisted]
        if not settings.trust.trusted:
            findings += _unsafe([proses[name] for name in selected])
            findings += [] if options.paths else _drawings(settings)
    with progress.step(f"accessibility{label}"):
        findings += accessibility.check(proses, selected, settings.presswork.book.language)
    with progress.step(f"spelling{label}") as note:
        findings += spelling.check(chosen, book_language=settings.presswork.book.language, timeout=timeout, accepts=accepts)
        if not settings.presswork.book.language.startswith("en"):
            note["text"] = f"codespell reads English only: the {settings.presswork.book.language} text is left to LanguageTool"
        findings += words.rejected(chosen)
    sent = 0
    spellers: set[str] = set()  # the ids of LanguageTool's spelling rules that reported a word
    if options.grammar and config.grammar:
        with progress.step(f"grammar{label}") as note:
            cache = FindingsCache(options.cache / "checks" if options.cache else None)
            if "engine" not in engines:
                engines["engine"] = stack.enter_context(grammar.Engine.find(
                    options.languagetool_url or config.languagetool_url,
                    options.cache,
                    heap=config.languagetool_heap,
                    workers=config.workers,
                ).kept())  # fmt: skip
            engine = engines["engine"]
            counted: list[int] = []
            try:
                findings += grammar.check(
                    chosen,
                    engine,
                    cache,
                    book_language=settings.presswork.book.language,
                    rules=dict(config.rules),
                    accepts=words.accepts,
                    names=known.spells,
                    on_request=counted.append,
                    on_spelling=spellers.add,
                )
            finally:
                cache.close()
            sent = sum(counted)
            note["text"] = f"{sent} paragraph{'s' if sent != 1 else ''} sent to LanguageTool" if sent else "all paragraphs from the cache"
    findings = _apply_rules(findings, dict(config.rules))
    findings = suppressions.apply(findings, chosen)
    if options.changed_since:
        findings = _only_changed(findings, settings.root, options.changed_since, settings.presswork.timeout)
    by_display = {p.chapter.display: p for p in proses.values()}
    if spellers:
        findings = grammar.once_per_word(
            findings, spellers, lambda f: by_display[f.path].source_line(f.line)[f.column - 1 : f.end_column - 1]
        )
    return Report(sorted(set(findings)), len(chosen), by_display, sent)


def _in_language(findings: list[Finding], language: str) -> list[Finding]:
    return [dataclasses.replace(finding, language=language) for finding in findings]


def _unlisted(settings: Settings, name: str) -> Finding:
    docs = settings.docs_dir
    shown = docs.relative_to(settings.root).as_posix() if docs.is_relative_to(settings.root) else str(docs)
    message = "not in nav: it is on the site but in no other edition, and not checked"
    return Finding(f"{shown}/{name}", 1, 1, 1, 2, "warning", "links", "not-in-nav", message, ())


def _unsafe(chosen: list[Prose]) -> list[Finding]:
    """In an untrusted run, what the editions leave out of the raw HTML and raw blocks, where it is written."""
    findings = []
    for item in chosen:
        for unsafe in sanitiser.scan(item.chapter.text):
            line, column = item.position(unsafe.offset)
            end_line, end_column = item.position(unsafe.offset + unsafe.length)
            message = f"{unsafe.what} is left out of an untrusted build"
            findings.append(
                Finding(item.chapter.display, line, column, end_line, end_column, "warning", "html", "unsafe-html", message, ())
            )
    return findings


def _drawings(settings: Settings) -> list[Finding]:
    """In an untrusted run, what the SVG files of the docs folder lose, at each file."""
    root = settings.root.resolve()
    return [
        Finding(path.resolve().relative_to(root).as_posix() if path.resolve().is_relative_to(root) else str(path), 1, 1, 1, 2,
                "warning", "html", "unsafe-html", f"{what} is left out of the drawing in an untrusted build", ())
        for path, dropped in sanitiser.drawings(settings.docs_dir)
        for what in dropped
    ]  # fmt: skip


def _selected(settings: Settings, paths: tuple[Path, ...], proses: dict[str, Prose]) -> list[str]:
    if not paths:
        return list(proses)
    docs = settings.docs_dir.resolve()
    names = []
    for path in paths:
        full = path.resolve()
        if not full.is_relative_to(docs):
            raise ConfigError(f"{path} is not inside {settings.docs_dir.name}/", hint="name chapters of this book")
        name = full.relative_to(docs).as_posix()
        if name not in proses:
            if not full.is_file():
                raise ConfigError(f"{path} does not exist", hint="name a chapter file")
            proses[name] = prose.extract(read_chapter(settings, name), prose.dialect(settings))
        names.append(name)
    return names


def _apply_rules(findings: list[Finding], rules: dict[str, str]) -> list[Finding]:
    """`check.rules` in mkdocs.yml: a rule (or an engine) `off`, or moved to another severity."""
    out = []
    for finding in findings:
        level = rules.get(finding.rule, rules.get(finding.engine))
        if level == "off":
            continue
        if level in SEVERITIES and level != finding.severity:
            finding = Finding(**{**finding.__dict__, "severity": level})
        out.append(finding)
    return out


def _only_changed(findings: list[Finding], root: Path, ref: str, timeout: float) -> list[Finding]:
    changed = changes.changed_lines(root, ref, sorted({f.path for f in findings}), timeout=timeout)
    return [f for f in findings if changed.get(f.path) is None or f.line in changed[f.path]]
