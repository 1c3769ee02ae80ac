"""The verbs on the book in the work tree: build, check, translations, clean, serve."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from pathlib import Path

from pipeline.commands import options
from pipeline.errors import ConfigError, ExitCode
from pipeline.formats import FORMATS

REPORTS = ("text", "json", "github", "rdjson", "sarif")
_SUFFIXES = {row.suffix for row in FORMATS.values() if row.suffix}  # the files a build writes beside site/


def add(verbs) -> None:
    build_parser = verbs.add_parser(
        "build", parents=[options.common()], help="build the editions into build/", description="Build the book's editions."
    )
    build_parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=tuple(FORMATS),
        default=[],
        help="an edition to build; repeat for several (default: the formats in mkdocs.yml)",
    )
    build_parser.add_argument(
        "--language",
        dest="languages",
        action="append",
        default=None,
        metavar="LOCALE",
        help="a book in several languages: build the PDF, EPUB and DOCX of this language only; repeat for several (default: every language)",
    )
    build_parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="the output folder (default: build/ beside mkdocs.yml)")
    build_parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    build_parser.add_argument("--no-check", action="store_true", help="build without running the checks first")
    build_parser.add_argument("--no-cache", action="store_true", help="build every edition anew, reusing nothing from the cache")
    build_parser.add_argument(
        "--draft", action="store_true",
        help="skip the accessibility checkers (DAISY Ace, veraPDF, axe-core) for a faster build; no edition claims conformance",
    )  # fmt: skip
    options.grammar_options(build_parser)
    options.shard_option(build_parser, building=True)
    options.trust_option(build_parser)
    build_parser.set_defaults(run=build)

    check_parser = verbs.add_parser(
        "check",
        parents=[options.common()],
        help="check links, spelling, grammar and accessibility",
        description="Check the chapters in nav (or the PATHs given): links, spelling (codespell), grammar (LanguageTool), accessibility. "
        "Exit 0 when nothing at or above --fail-on was found, 1 when something was, 2 on a usage or configuration error.",
    )
    check_parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="chapters to check (default: every chapter in nav)")
    check_parser.add_argument("--format", dest="report", choices=REPORTS, default="text", help="how to print the findings (default: text)")
    check_parser.add_argument("--changed-since", metavar="REF", help="report only lines added or changed since this commit, branch or tag")
    check_parser.add_argument(
        "--fail-on", choices=("error", "warning", "never"), default=None, help="the severity that fails the run (default: error)"
    )
    check_parser.add_argument("--quiet", action="store_true", help="no progress lines")
    options.grammar_options(check_parser)
    options.shard_option(check_parser)
    options.trust_option(check_parser)
    check_parser.set_defaults(run=check)

    hook_parser = verbs.add_parser(
        "hook",
        parents=[options.common()],
        help="the check pre-commit runs at a commit (.pre-commit-hooks.yaml)",
        description="The check at commit time, on what pre-commit stages. fast: spelling (codespell and the book's vocabulary) "
        "and links of the staged chapters only (staged files that are no chapter of the book are left alone); full: every "
        "check of every chapter, grammar (LanguageTool) included.",
        epilog="Exit codes: as check's: 0 clean, 1 a finding stops the commit, 2 a usage or configuration problem.",
    )
    hook_parser.add_argument("mode", choices=("fast", "full"), help="fast: spelling and links of the staged chapters; full: every check")
    hook_parser.add_argument("files", nargs="*", metavar="FILE", help="the staged files, as pre-commit passes them")
    hook_parser.set_defaults(run=hook)

    translations_parser = verbs.add_parser(
        "translations",
        parents=[options.common()],
        help="which translations are current, stale or missing",
        description="For every language of a book laid out for mkdocs-static-i18n and every chapter of the default language, "
        "whether its translation is current, stale (its source has commits after the translation's last commit) or missing, "
        "from git history. Exit 0, or 2 when the book has no such layout.",
    )
    translations_parser.add_argument("--format", dest="report", choices=("text", "json"), default="text", help="text (default) or json")
    translations_parser.set_defaults(run=translations)

    clean_parser = verbs.add_parser(
        "clean",
        parents=[options.common()],
        help="remove build/ and the build and findings caches",
        description="Remove the output folder (build/ beside mkdocs.yml) and the cached editions, parsed chapters and findings.",
    )
    clean_parser.set_defaults(run=clean)

    serve_parser = verbs.add_parser(
        "serve",
        parents=[options.common()],
        help="preview the site, the PDF and the EPUB, rebuilt on every change",
        description="Live preview: MkDocs' server shows the site at HOST:PORT; the PDF, the EPUB and the saved chapter's "
        "findings are built again after each save and shown at the next port.",
    )
    serve_parser.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="where to serve (default: 127.0.0.1:8000)")
    serve_parser.add_argument("--no-editions", action="store_true", help="preview the site alone")
    serve_parser.set_defaults(run=serve)


def check(args: argparse.Namespace) -> int:
    from pipeline import checks, clock
    from pipeline.checks import reports
    from pipeline.progress import Progress
    from pipeline.sources import manuscript

    settings = options.settings(args)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    book = manuscript.read(settings, clock.build_epoch(os.environ, settings))
    report = checks.run(settings, book, options.check_options(args, args.paths), progress)
    sys.stdout.write(reports.render(args.report, report.findings, report.line_of, checked=report.checked))
    fail_on = args.fail_on or settings.presswork.check.fail_on or "error"
    return ExitCode.CONTENT if report.failed(fail_on) else ExitCode.OK


def hook(args: argparse.Namespace) -> int:
    """`presswork check` as the hook's mode asks, on the staged chapters (pre-commit has set unstaged
    changes aside): the full check, or the fast one on the staged files that are chapters of the book."""
    from pipeline import cli
    from pipeline.configuration import config as configs

    given = ["--quiet", "--config", str(args.config)]
    if args.mode == "full":
        return cli.main(["check", *given])
    try:
        docs = configs.load(args.config).docs_dir.resolve()
    except Exception:  # a broken configuration is reported by the check itself, in its own words
        return cli.main(["check", "--no-grammar", *given])
    staged = [name for name in args.files if name.endswith((".md", ".markdown")) and Path(name).resolve().is_relative_to(docs)]
    if not staged:
        return ExitCode.OK
    return cli.main(["check", "--no-grammar", *given, *staged])


def build(args: argparse.Namespace) -> int:
    from pipeline import build as builds
    from pipeline import clock, verdicts
    from pipeline.formats.base import Programs
    from pipeline.progress import Progress

    settings = options.settings(args)
    if args.draft or args.shard:
        settings = dataclasses.replace(settings, draft=args.draft, shard=args.shard)
    out = (args.out or settings.root / "build").resolve()
    progress = Progress(sys.stderr, enabled=not args.quiet)
    artifacts = builds.build(
        settings,
        formats=args.formats,
        out=out,
        epoch=clock.build_epoch(os.environ, settings),
        progress=progress,
        check=None if args.no_check else options.check_options(args),
        store=options.store(args),
        offline=True,  # build/site is opened from disk; publish writes the served site
        programs=Programs.found(settings, daemon=not args.no_daemon),
        languages=args.languages,
    )
    for artifact in artifacts:
        progress.say(f"  {artifact.format:<5} {options.shown(artifact.path)}")
    if args.shard:
        progress.say(
            f"{verdicts.said(args.shard)}: its share of the verdicts is in the cache, and no edition is written "
            "(merge the shards' caches, then build without --shard)"
        )
    if args.draft:
        progress.say(
            "a draft: DAISY Ace, veraPDF and axe-core did not run, and no edition claims conformance (build without --draft to publish)"
        )
    return ExitCode.OK


def translations(args: argparse.Namespace) -> int:
    import json

    from pipeline import clock
    from pipeline.configuration import translations as languages
    from pipeline.sources import manuscript
    from pipeline.tools.git import Repository

    settings = options.settings(args)
    layout = settings.layout
    if layout is None:
        raise ConfigError(
            "the book has no languages: mkdocs.yml lists no i18n plugin with languages", path=settings.path.name,
            hint="lay the book out for mkdocs-static-i18n (plugins: - i18n: languages: ...)",
        )  # fmt: skip
    book = manuscript.read(settings, clock.build_epoch(os.environ, settings))
    found = languages.statuses(book, layout, Repository.find(settings.root, timeout=settings.presswork.timeout))
    if args.report == "json":
        print(json.dumps([status.to_json() for status in found], ensure_ascii=False, indent=2))
        return ExitCode.OK
    width = max((len(status.chapter) for status in found), default=0)
    for status in found:
        detail = (
            f"{status.behind} commit{'s' if status.behind != 1 else ''} behind, {status.words_changed} words changed"
            if status.status == "stale"
            else ""
        )
        print(
            f"{status.language:<6} {status.chapter:<{width}}  {status.status:<8} {status.translation or '-'}{'  (' + detail + ')' if detail else ''}"
        )
    counts = {name: sum(status.status == name for status in found) for name in ("current", "stale", "missing")}
    print(f"{counts['current']} current, {counts['stale']} stale, {counts['missing']} missing in {len(layout.translated)} languages")
    return ExitCode.OK


def clean(args: argparse.Namespace) -> int:
    import shutil

    from pipeline.build import STAGING_PREFIX
    from pipeline.environment import cache_folder

    settings = options.settings(args)
    removed = []
    out = settings.root / "build"
    sources = [settings.docs_dir, settings.path]
    if out.is_dir() and any(source.resolve().is_relative_to(out.resolve()) for source in sources):
        # The book's own files are in build/ (`docs_dir: build/docs`): only what a build writes goes.
        for entry in sorted(out.iterdir()):
            if entry.name == "site" or entry.name.startswith(STAGING_PREFIX) or entry.suffix in _SUFFIXES and entry.is_file():
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
                removed.append(str(entry))
    elif out.exists():
        shutil.rmtree(out)
        removed.append(str(out))
    for folder in (cache_folder(os.environ) / "store", cache_folder(os.environ) / "checks"):
        if folder.exists():
            shutil.rmtree(folder)
            removed.append(str(folder))
    print("removed " + ", ".join(removed) if removed else "nothing to remove")
    return ExitCode.OK


def serve(args: argparse.Namespace) -> int:
    from mkdocs.commands import serve as mkdocs_serve

    settings = options.settings(args)
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--dev-addr '{args.dev_addr}' is not HOST:PORT", hint="e.g. --dev-addr 127.0.0.1:8000")
    preview = None
    if not args.no_editions:
        from pipeline.preview import Preview

        try:
            preview = Preview(settings.path, settings.root, settings.docs_dir, host, int(port) + 1, title=settings.title)
        except OSError as error:
            raise ConfigError(
                f"the preview of the editions cannot listen on {host}:{int(port) + 1}: {error.strerror}",
                hint="choose another --dev-addr (the editions are shown at the port after it), or pass --no-editions",
            ) from None
        preview.start()
        print(f"Previewing the PDF, the EPUB and the saved chapter's findings at {preview.address}", file=sys.stderr, flush=True)
    said = logging.StreamHandler(sys.stderr)  # MkDocs' own lines, as its command prints them: its address, each rebuild, warnings
    said.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(said)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    try:
        mkdocs_serve.serve(config_file=str(settings.path), dev_addr=args.dev_addr, livereload=True)
    finally:
        if preview is not None:
            preview.close()
    return ExitCode.OK
