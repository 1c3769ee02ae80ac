"""The checks: every chapter read once into prose with a source map, then each checker of `CHECKERS`
(links, what an untrusted build leaves out, accessibility, spelling with codespell, grammar with
LanguageTool: one module each, behind the seam of `pipeline.checks.reading`), then the book's rule
settings, the suppressions written in the chapters, and, for a review, only the lines changed since
a commit. A book in several languages (mkdocs-static-i18n) has each language's own chapters checked
in that language, and its stale translations found from git history."""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.checks import accessibility, changes, grammar, links, names, prose, spelling, suppressions, translation, untrusted, vocabulary
from pipeline.checks.findings import SEVERITIES, Finding
from pipeline.checks.prose import Prose
from pipeline.checks.reading import Checker, Kept, Options, Reading
from pipeline.configuration import translations
from pipeline.configuration.config import Settings
from pipeline.errors import ConfigError
from pipeline.progress import Progress
from pipeline.sources.manuscript import Manuscript, read, read_chapter
from pipeline.tools import codespell


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


# The checkers, in the order they run: each module's rules behind one seam (`pipeline.checks.reading`).
CHECKERS: tuple[Checker, ...] = (links.CHECKER, untrusted.CHECKER, accessibility.CHECKER, spelling.CHECKER, grammar.CHECKER)


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
    with contextlib.ExitStack() as stack:  # one LanguageTool server for every language
        kept = Kept(stack)
        report = _run(settings, manuscript, options, progress, kept)
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
                found = _run(translated.settings, book, options, progress, kept, f" {language.locale}")
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


def _run(settings: Settings, manuscript: Manuscript, options: Options, progress: Progress, kept: Kept, label: str = "") -> Report:
    """One language's chapters read into prose, then each checker of `CHECKERS` that is wanted, then
    the book's rule settings, the suppressions written in the chapters and, for a review, the lines
    changed since a commit."""
    config = settings.presswork.check
    with progress.step(f"prose{label}") as note:
        dialect = prose.dialect(settings)  # the configured slugify functions give the ids the site has
        proses = {chapter.name: prose.extract(chapter, dialect) for chapter in manuscript.chapters}
        selected = _selected(settings, options.paths, proses)
        note["text"] = (
            f"{sum(len(proses[n].units) for n in selected)} paragraphs in {len(selected)} chapter{'s' if len(selected) != 1 else ''}"
        )
    reading = Reading(
        settings, manuscript, options, proses, selected,
        vocabulary.load(settings.root / "styles", list(config.vocabularies), settings.presswork.book.language),
        names.collect(proses.values()), kept,
    )  # fmt: skip
    findings: list[Finding] = []
    for checker in CHECKERS:
        if checker.wanted(reading):
            with progress.step(f"{checker.step}{label}") as note:
                findings += checker.check(reading, note)
    findings = _apply_rules(findings, dict(config.rules))
    findings = suppressions.apply(findings, reading.chosen)
    if options.changed_since:
        findings = _only_changed(findings, settings.root, options.changed_since, settings.presswork.timeout)
    by_display = {p.chapter.display: p for p in proses.values()}
    if reading.tally.spellers:
        findings = grammar.once_per_word(
            findings, reading.tally.spellers, lambda f: by_display[f.path].source_line(f.line)[f.column - 1 : f.end_column - 1]
        )
    return Report(sorted(set(findings)), len(selected), by_display, reading.tally.sent)


def _in_language(findings: list[Finding], language: str) -> list[Finding]:
    return [dataclasses.replace(finding, language=language) for finding in findings]


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
