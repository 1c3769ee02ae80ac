"""The build: manuscript, then each edition into a staging folder, then everything moved into place.

Nothing is half-written: the editions are built and validated in `OUT/.staging-*`, and only when all
of them succeeded are they moved over the previous ones. On any failure `OUT` is left as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import output
from pipeline.configuration import translations
from pipeline.configuration.config import Settings
from pipeline.errors import ConfigError, ContentError, Failures, PressworkError, WriteError
from pipeline.formats import FORMATS, accessibility, builders
from pipeline.formats.base import Artifact, Builder, Inputs, Programs, human_size
from pipeline.progress import Progress
from pipeline.rendering import sanitiser
from pipeline.sources import manuscript as manuscripts
from pipeline.store import Store, digest, key, presswork

if TYPE_CHECKING:  # the checks are imported when a build runs them: a build without them starts sooner
    from pipeline import checks

STAGING_PREFIX = ".staging-"
MOVING = ".moving"  # in a staging folder: the editions it is moving into place (see _move_into_place)
OWN = ".own"  # in a staging folder from its start: one removed under the build (and written again in part) has none


def build(
    settings: Settings,
    *,
    formats: list[str],
    out: Path,
    epoch: int,
    progress: Progress,
    check: checks.Options | None = None,
    store: Store | None = None,
    offline: bool = False,
    programs: Programs | None = None,
    languages: list[str] | None = None,
) -> list[Artifact]:
    """Build `formats` (all the configured ones when empty) of the book into `out`, after the checks
    (unless `check` is None) have passed. Editions found in `store` are reused, the others built side
    by side, the site last (it lists the others' files). With `offline`, the site is one a reader opens
    from disk (`file://`): pages as `.html` files, search without a server; else it keeps its clean URLs.
    `programs` draw Mermaid diagrams and check the EPUB (without them, diagrams are shown as their
    source and the EPUB claims no conformance, each with a warning).
    A book in several languages (mkdocs-static-i18n) gets the PDF, EPUB and DOCX of each language the
    site builds (`<slug>.<locale>.pdf` beside the default language's `<slug>.pdf`), or of `languages`.

    The stages, in order: the manuscript (each language's), the checks, a staging folder, the plan
    (which edition of which language), the editions made and validated, and the move into place.
    A shard (`settings.shard`) stops before the move: it validates its share, keeps the verdicts in
    `store` (see `pipeline.verdicts`) and writes no edition."""
    chosen = builders(_selected(settings, formats))
    manuscript = _manuscript(settings, epoch, progress)
    translated = _translated(settings, epoch, languages, any(b.suffix for b in chosen))
    for warning in warnings(manuscript) + [line for book in translated for line in fallback_warnings(book)]:
        progress.say(warning)
    if check is not None:
        _check(settings, manuscript, check, progress)
    output.prepare(out)
    with output.held(out, progress.say), _staging(out) as staging:  # one build at a time writes `out`
        plan = _plan(chosen, manuscript, translated, languages, staging, store=store, offline=offline, programs=programs)
        try:
            artifacts = _editions(plan, staging, progress)
        finally:
            for inputs in plan.books:
                inputs.close()
        if settings.shard:  # validated in part: nothing is written
            return []
        return _move_into_place(artifacts, out, staging)


def _manuscript(settings: Settings, epoch: int, progress: Progress) -> manuscripts.Manuscript:
    with progress.step("manuscript") as note:
        manuscript = manuscripts.read(settings, epoch)
        count = len(manuscript.chapters)
        note["text"] = f"{count} chapter{'s' if count != 1 else ''}"
    return manuscript


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A new staging folder in `out` (a killed build's left one finished and removed first), removed
    at the end whatever happens; a full disk or a read-only file system said as such."""
    staging: Path | None = None
    try:
        _remove_stale_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        (staging / OWN).touch()
        yield staging
    except (OSError, PressworkError) as error:
        if isinstance(error, OSError) and error.errno in output.UNWRITABLE:  # nothing was moved into `out`
            raise output.unwritable(error, f"into the output folder '{out}'") from None
        if staging is not None and not (staging / OWN).is_file():  # removed under the build (a tool then fails too)
            raise _removed(staging, out) from None
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


@dataclasses.dataclass(frozen=True)
class Job:
    """One edition of one language's book to make (or take from the store) and validate."""

    builder: Builder
    inputs: Inputs


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a build makes: the file editions of each language (made side by side), then the sites."""

    files: list[Job]
    sites: list[Job]
    books: list[Inputs]  # each language's, the default language's first


def _plan(
    chosen: list[Builder],
    manuscript: manuscripts.Manuscript,
    translated: list[manuscripts.Manuscript],
    languages: list[str] | None,
    staging: Path,
    *,
    store: Store | None,
    offline: bool,
    programs: Programs | None,
) -> Plan:
    """Each edition of each language to build: the file editions of the default language (unless
    `languages` leaves it out) and of each translated one, then the site from the default language's
    rendering, which lists them all. The languages share one store and one set of programs."""
    files = [b for b in chosen if b.suffix]
    sites = [b for b in chosen if not b.suffix]
    default_files = files if languages is None or _default_locale(manuscript.settings) in languages else []
    books = [book for book in translated if files]
    planned = [(b.name, staging / f"{book.settings.slug}{b.suffix}") for book in [manuscript, *books] for b in (files if book is not manuscript else default_files)]  # fmt: skip
    shared = {"store": store or Store(None), "programs": programs or Programs()}
    main = Inputs(
        manuscript, planned=planned if sites else [], site_dir=staging / "site", offline=offline, book_wanted=bool(default_files),
        book_key=_fingerprint(manuscript), typeset=any(b.name == "pdf" for b in default_files), **shared,
    )  # fmt: skip
    others = [Inputs(book, book_key=_fingerprint(book), typeset=any(b.name == "pdf" for b in files), **shared) for book in books]
    jobs = [Job(b, main) for b in default_files] + [Job(b, other) for other in others for b in files]
    return Plan(jobs, [Job(b, main) for b in sites], [main, *others])


def _editions(plan: Plan, staging: Path, progress: Progress) -> list[Artifact]:
    """Every edition of the plan made and validated. Each file is validated as soon as it is written
    (EPUBCheck need not wait for the PDF); the site lists the files, so it waits for them to be
    written, not for them to be validated."""
    with _workers() as pool:
        written = [Future() for _ in plan.files]
        checking = [pool.submit(_make_and_validate, job, staging, progress, w) for job, w in zip(plan.files, written)]
        made = _all(written)
        told: set[str] = set()
        for inputs in plan.books:
            _tell(_book_warnings(inputs), told, progress)
            inputs.forget_tree()
        main = plan.books[0]
        main.downloads.extend(artifact for artifact, _, _ in made)
        sites = [_make(job, staging, progress) for job in plan.sites]
        _tell(_book_warnings(main), told, progress)  # a site rendered for itself alone
        for job, site in zip(plan.sites, sites):
            _validate(job, *site, progress)
        _all(checking)
    return [artifact for artifact, _, _ in made + sites]


@contextlib.contextmanager
def _workers() -> Iterator[ThreadPoolExecutor]:
    """The threads the editions are made on. Interrupted (Ctrl-C, whose handler has killed every
    tool), the build does not wait for them: it cleans up and stops at once."""
    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2) + 1)
    interrupted = False
    try:
        yield pool
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=interrupted)


def _book_warnings(inputs: Inputs) -> tuple[str, ...]:
    """What rendering and assembling the book left out, now or when it last was: a book whose
    editions came from the store says again what it said when they were made (its key holds all it
    is made of, so what was said of it then is still true)."""
    stored = inputs.store.get_json("book-said", inputs.book_key) or [] if inputs.book_key else []
    said = tuple(dict.fromkeys([*inputs.warnings(), *stored]))
    if inputs.book_key and len(said) > len(stored):
        inputs.store.put_json("book-said", inputs.book_key, list(said))
    return said


def _tell(lines: tuple[str, ...], told: set[str], progress: Progress) -> None:
    for line in lines:
        if line not in told:
            told.add(line)
            progress.say(line)


def _translated(settings: Settings, epoch: int, languages: list[str] | None, wanted: bool) -> list[manuscripts.Manuscript]:
    """The manuscripts of the translated languages whose editions are built (none without file editions)."""
    layout = settings.layout
    if layout is None or not wanted:
        if languages:
            raise ConfigError("--language names a language, but the book has none", hint="lay the book out for mkdocs-static-i18n")
        return []
    known = [language.locale for language in layout.languages]
    for name in languages or []:
        if name not in known:
            raise ConfigError(f"--language '{name}' is not one of the book's languages", hint=f"use one of {', '.join(known)}")
    chosen = [language for language in layout.translated if languages is None or language.locale in languages]
    return [manuscripts.read(translations.for_language(settings, language), epoch) for language in chosen]


def _default_locale(settings: Settings) -> str | None:
    layout = settings.layout
    return layout.default.locale if layout else None


def fallback_warnings(manuscript) -> list[str]:
    """A translated language's chapters that are shown in the default language, each said once."""
    locale = manuscript.settings.locale
    return [
        f"{chapter.display}: warning: not translated into '{locale}': the '{locale}' editions show it in the default language"
        for chapter in manuscript.chapters
        if chapter.name in manuscript.fallbacks
    ]


def warnings(manuscript) -> list[str]:
    """What a build says and goes on: chapters nav does not list and, in an untrusted run, what it
    leaves out of the editions, each where it is written."""
    settings = manuscript.settings
    docs = settings.docs_dir
    shown = docs.relative_to(settings.root).as_posix() if docs.is_relative_to(settings.root) else str(docs)
    lines = [*settings.warnings]
    lines += [
        f"{settings.path.name}:{settings.line_mentioning(name) or 1}: warning: nav lists '{name}', which does not exist in {shown}/: "
        "no edition has it (create the chapter or remove it from nav)"
        for name in manuscript.missing
    ]
    lines += [
        f"{shown}/{name}:1: warning: not in nav: it is on the site but in no other edition (add it to nav, or move it out of {shown}/)"
        for name in manuscript.unlisted
    ]
    if settings.trust.trusted:
        return lines + _scripts(manuscript)
    for chapter in manuscript.chapters:
        for unsafe in sanitiser.scan(chapter.text):
            line, column = chapter.position(unsafe.offset)
            lines.append(f"{chapter.display}:{line}:{column}: warning: {unsafe.what} is left out (an untrusted build)")
    for path in sorted(docs.rglob("*")):
        if path.suffix.lower() in sanitiser.SCRIPT_FILES and path.is_file():
            lines.append(
                f"{shown}/{path.relative_to(docs).as_posix()}: warning: left out of the site (an untrusted build publishes no page or script of the content's own)"
            )
    for path, dropped in sanitiser.drawings(docs):
        lines += [
            f"{shown}/{path.relative_to(docs).as_posix()}: warning: {what} is left out of the drawing (an untrusted build)"
            for what in dropped
        ]
    return lines


_SCRIPTED = re.compile(r"<script|\son[a-z]+\s*=", re.IGNORECASE)


def _scripts(manuscript) -> list[str]:
    """The scripts and event handlers of a trusted book's raw HTML, each said where it is written:
    they work on the site, and the PDF, EPUB and DOCX, which run no scripts, leave them out."""
    lines = []
    for chapter in manuscript.chapters:
        if not _SCRIPTED.search(chapter.text):
            continue
        for found in sanitiser.scan(chapter.text):
            if found.what == "a <script> element" or found.what.startswith("the event handler"):
                line, column = chapter.position(found.offset)
                lines.append(
                    f"{chapter.display}:{line}:{column}: warning: {found.what} works on the site only (the PDF, EPUB and DOCX run no scripts)"
                )
    return lines


def _make(job: Job, staging: Path, progress: Progress) -> tuple[Artifact, str, bool]:
    """One edition, taken from the store when everything it depends on is unchanged, else built;
    with its store key, and whether it was built (and so still has to be validated)."""
    builder, inputs = job.builder, job.inputs
    label = f"{builder.name} {inputs.manuscript.settings.locale}" if inputs.manuscript.settings.locale else builder.name
    with progress.step(label) as note:
        fresh = True
        try:
            name = key(inputs.book_key, builder.name, builder.fingerprint(inputs))
            target = staging / f"{inputs.slug if builder.suffix else builder.name}{builder.suffix}"
            fresh = not inputs.store.fetch(name, target)
            if fresh:
                artifact = builder.build(inputs, staging)
                inputs.store.put_json("said", name, {"notes": list(artifact.notes), "withheld": artifact.withheld})
            else:  # what its building found is said again, as a rebuild would say it
                said = inputs.store.get_json("said", name) or {}
                artifact = Artifact(builder.name, target, notes=tuple(said.get("notes", ())), withheld=said.get("withheld", ""))
        except BaseException as failure:
            builder.made(inputs, None, failure, fresh=fresh)
            raise
        builder.made(inputs, artifact, None, fresh=fresh)
        if builder.suffix:
            standard = accessibility.declared(artifact.path)
            conformance = accessibility.Conformance(
                standard, builder.checked_by(inputs) if standard else "", "" if standard else artifact.withheld
            )
            artifact = dataclasses.replace(artifact, language=inputs.manuscript.settings.presswork.book.language, conformance=conformance)
        shown = f"{artifact.path.name}{'' if builder.suffix else '/'}"
        note["text"] = f"{human_size(artifact.size())}  {shown}{'' if fresh else '  unchanged, from the cache'}"
    for line in artifact.notes:
        progress.say(line)
    return artifact, name, fresh


def _make_and_validate(job: Job, staging: Path, progress: Progress, written: Future) -> None:
    """One file edition made (its result set on `written` for the site) and, if it was built, validated."""
    try:
        made = _make(job, staging, progress)
    except BaseException as error:
        written.set_exception(error)
        raise
    written.set_result(made)
    _validate(job, *made, progress)


def _validate(job: Job, artifact: Artifact, name: str, fresh: bool, progress: Progress) -> None:
    """Validate a new edition, then keep it in the store: only what validated is ever reused. One
    taken from the store says again what its validation said."""
    builder, inputs = job.builder, job.inputs
    if not fresh:
        for warning in inputs.store.get_json("said-valid", name) or ():
            progress.say(warning)
        return
    label = f"{builder.name} {inputs.manuscript.settings.locale}" if inputs.manuscript.settings.locale else builder.name
    with progress.step(f"{label} valid"):
        said = builder.validate(inputs, artifact)
    for warning in said or ():
        progress.say(warning)
    if inputs.manuscript.settings.shard:  # validated in part: its verdicts are kept, not the edition
        return
    inputs.store.put_json("said-valid", name, list(said or ()))
    inputs.store.keep(name, artifact.path)


def _all(futures: list) -> list:
    """Every result, in order; when any failed, wait for the others, then raise the failure, or
    every edition's failure together (`Failures`), each once (the EPUB fails with the PDF whose
    pages it waited for)."""
    failures = list({id(e): e for e in (f.exception() for f in futures) if e is not None}.values())
    if len(failures) > 1 and all(isinstance(failure, PressworkError) for failure in failures):
        raise Failures(failures)
    if failures:
        raise failures[0]
    return [f.result() for f in futures]


def _fingerprint(manuscript) -> str:
    """Everything every edition depends on: the configuration as it takes effect (a release adds its
    version, file names and earlier editions to the tag's mkdocs.yml), the build time, Presswork
    itself, and every file of the book (chapters, images, the cover), by content, with the chapters a
    plugin wrote (gen-files), which no file of the book holds."""
    settings = manuscript.settings
    docs = settings.docs_dir
    files = sorted((p.relative_to(docs).as_posix(), digest(p.read_bytes())) for p in docs.rglob("*") if p.is_file())
    written = [(c.name, c.digest) for c in manuscript.chapters if not c.path.is_file()]
    untrusted = [] if settings.trust.trusted else ["untrusted"]  # built otherwise: never shared with a trusted build
    return key(presswork(), _canonical(settings.data), settings.slug, manuscript.epoch, files, written, *untrusted)


def _canonical(value, done: dict[int, tuple] | None = None):
    """A configuration value in one written form: mappings as pairs sorted by key (YAML allows keys
    of mixed types, which JSON's own sorting refuses). A mapping or list met again (YAML aliases name
    one value many times) is written by its digest, worked out once: nine levels of nine aliases
    are nine values, not 387 million."""
    done = {} if done is None else done
    if isinstance(value, (dict, list, tuple)):
        if id(value) not in done:
            if isinstance(value, dict):
                written = sorted(([str(k), _canonical(v, done)] for k, v in value.items()), key=lambda pair: pair[0])
            else:
                written = [_canonical(item, done) for item in value]
            done[id(value)] = (value, key(written))  # the value kept alive, so that its id names it alone
        return done[id(value)][1]
    if callable(value):  # read from a !!python tag: known by its name and what it closes over
        cells = [_canonical(cell.cell_contents, done) for cell in getattr(value, "__closure__", None) or ()]
        partial = [_canonical(list(getattr(value, "args", ())), done), _canonical(getattr(value, "keywords", {}), done)]
        return ["python", getattr(value, "__module__", ""), getattr(value, "__qualname__", type(value).__qualname__), cells, partial]
    return value


def _check(settings: Settings, manuscript, options: checks.Options, progress: Progress) -> None:
    from pipeline import checks
    from pipeline.checks import reports

    report = checks.run(settings, manuscript, options, progress)
    chosen = settings.presswork.check.fail_on  # unset: in strict mode, a broken link stops the build, as it stops MkDocs
    level = chosen or "error"
    if not report.findings:
        return
    listed = reports.render("text", report.findings, report.line_of, checked=report.checked).rstrip()
    count = sum(f.at_least(level) for f in report.findings)
    stopping = [f for f in report.findings if level != "never" and f.at_least(level) and (chosen or f.engine == "links")]
    if settings.mkdocs.strict and stopping:
        progress.error(listed)
        raise ContentError(
            f"the checks found {len(stopping)} problem{'s' if len(stopping) != 1 else ''} and the book builds in strict mode; nothing was built",
            hint="fix what is listed above, or build with --no-check",
        )
    progress.say(listed)  # a book builds with what its checks find, as MkDocs builds with its warnings
    if count:
        stops = "check: {fail_on: error} under presswork in mkdocs.yml stops the build at them" if settings.mkdocs.strict else (
            "strict: true in mkdocs.yml stops the build at broken links, and check: {fail_on: error} at every error"
        )  # fmt: skip
        progress.say(f"warning: the checks found {count} problem{'s' if count != 1 else ''}; the editions are built all the same ({stops})")


def _selected(settings: Settings, formats: list[str]) -> list[str]:
    for name in formats:
        if name not in FORMATS:
            raise ConfigError(f"unknown format '{name}'", hint=f"choose from {', '.join(FORMATS)}")
    return formats or settings.formats


def _move_into_place(artifacts: list[Artifact], out: Path, staging: Path) -> list[Artifact]:
    """Replace the previous editions by the new ones: a rename each, old folders moved aside first.

    The names are written down first (`MOVING`): from then on the move is finished, by this run even
    when interrupted, or by the next run when this one was killed, so `out` never keeps a mix of
    old and new editions.
    """
    if not (staging / OWN).is_file() or not all(artifact.path.exists() for artifact in artifacts):
        raise _removed(staging, out)  # what is there now is not what was built and validated
    names = [artifact.path.name for artifact in artifacts]
    record = staging / f"{MOVING}.new"
    record.write_text(json.dumps(names))
    os.replace(record, staging / MOVING)
    try:
        _finish_moves(staging, out, names)
    except KeyboardInterrupt:
        _finish_moves(staging, out, names)  # a few renames: finish them, then stop
        raise
    return [dataclasses.replace(artifact, path=out / artifact.path.name) for artifact in artifacts]


def _removed(staging: Path, out: Path) -> WriteError:
    return WriteError(
        f"the build's staging folder {staging.name} in '{out}' was removed while the build ran; nothing was changed in it",
        hint="leave the output folder alone while a build runs, and build again",
    )


def _finish_moves(staging: Path, out: Path, names: list[str]) -> None:
    for name in names:
        source, target = staging / name, out / name
        if not source.exists() and not source.is_symlink():
            continue  # moved already
        if source.is_dir() and target.exists():
            aside = staging / f".old-{name}"
            shutil.rmtree(aside, ignore_errors=True)
            os.replace(target, aside)
        os.replace(source, target)


def _remove_stale_staging(out: Path) -> None:
    """A build that was killed outright leaves its staging folder; the next one finishes the move it
    had begun, if any, and removes it."""
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        record = stale / MOVING
        if record.is_file():
            try:
                _finish_moves(stale, out, json.loads(record.read_text()))
            except (OSError, ValueError):
                pass
        shutil.rmtree(stale, ignore_errors=True)
