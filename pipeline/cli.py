"""The `presswork` command: parse the command line, run one verb, and catch every failure here, once.

Exit codes (also in the README): 0 success; 1 a problem in the content; 2 a bad command line or
configuration; 3 an external tool failed, timed out or is missing; 4 a built edition failed its
validation; 70 an internal error (a bug); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from pipeline import __version__
from pipeline.errors import ConfigError, ExitCode, PressworkError
from pipeline.settings import FORMATS

REPORTS = ("text", "json", "github", "rdjson", "sarif")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    args.config = getattr(args, "config", Path("mkdocs.yml"))
    args.debug = getattr(args, "debug", False)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        return args.run(args)
    except PressworkError as error:
        _report(error, debug=args.debug)
        return error.exit_code
    except KeyboardInterrupt:
        print("presswork: interrupted; nothing was changed in the output folder", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as error:  # a bug: say so in one line; the traceback is for --debug
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        print(f"presswork: internal error: {type(error).__name__}: {error} (run again with --debug and report it)", file=sys.stderr)
        return ExitCode.INTERNAL


def _report(error: PressworkError, *, debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)
        if error.detail:
            print(error.detail, file=sys.stderr)
    print(str(error), file=sys.stderr)


def _common() -> argparse.ArgumentParser:
    """Options every verb takes, before or after its name (a new parser each time: argparse shares actions)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, metavar="FILE", help="the book's configuration (default: mkdocs.yml)"
    )
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of a failure")
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presswork",
        description="Publish a book and its documentation site from one Markdown source in git.",
        parents=[_common()],
        epilog="Exit codes: 0 ok, 1 content problem, 2 usage or configuration, 3 tool failure, 4 validation, 70 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"presswork {__version__}")
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = verbs.add_parser(
        "build", parents=[_common()], help="build the editions into build/", description="Build the book's editions."
    )
    build.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=FORMATS,
        default=[],
        help="an edition to build; repeat for several (default: the formats in mkdocs.yml)",
    )
    build.add_argument("--out", type=Path, default=None, metavar="DIR", help="the output folder (default: build/ beside mkdocs.yml)")
    build.add_argument("--quiet", action="store_true", help="print nothing but errors")
    build.add_argument("--no-check", action="store_true", help="build without running the checks first")
    build.add_argument("--no-cache", action="store_true", help="build every edition anew, reusing nothing from the cache")
    _grammar_options(build)
    _trust_option(build)
    build.set_defaults(run=_build)

    check = verbs.add_parser(
        "check",
        parents=[_common()],
        help="check spelling, grammar and links",
        description="Check the chapters in nav (or the PATHs given): links, spelling (codespell), grammar (LanguageTool). "
        "Exit 0 when nothing at or above --fail-on was found, 1 when something was, 2 on a usage or configuration error.",
    )
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="chapters to check (default: every chapter in nav)")
    check.add_argument("--format", dest="report", choices=REPORTS, default="text", help="how to print the findings (default: text)")
    check.add_argument("--changed-since", metavar="REF", help="report only lines added or changed since this commit, branch or tag")
    check.add_argument("--fail-on", choices=("error", "warning", "never"), default=None, help="the severity that fails the run (default: error)")
    check.add_argument("--quiet", action="store_true", help="no progress lines")
    _grammar_options(check)
    _trust_option(check)
    check.set_defaults(run=_check)

    clean = verbs.add_parser(
        "clean",
        parents=[_common()],
        help="remove build/ and the build and findings caches",
        description="Remove the output folder (build/ beside mkdocs.yml) and the cached editions, parsed chapters and findings.",
    )
    clean.set_defaults(run=_clean)

    serve = verbs.add_parser(
        "serve", parents=[_common()], help="preview the site, rebuilt on every change", description="Live preview of the site."
    )
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="where to serve (default: 127.0.0.1:8000)")
    serve.set_defaults(run=_serve)
    _publishing_verbs(verbs)
    _review_verbs(verbs)
    return parser


def _grammar_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-grammar", action="store_true", help="skip LanguageTool (links and spelling are still checked)")
    parser.add_argument("--languagetool-url", metavar="URL", help="use the LanguageTool server at URL instead of starting one")


def _trust_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--untrusted",
        action="store_true",
        help="treat the chapters and mkdocs.yml as hostile (a pull request): run no code from them, sandbox pandoc, "
        "sanitise raw HTML (also when the environment matches untrusted_when in mkdocs.yml)",
    )


def _check_options(args: argparse.Namespace, paths=()):
    from pipeline import checks
    from pipeline.environment import cache_folder

    return checks.Options(
        paths=tuple(paths),
        grammar=not args.no_grammar,
        languagetool_url=args.languagetool_url,
        changed_since=getattr(args, "changed_since", None),
        cache=cache_folder(os.environ),
    )


def _check(args: argparse.Namespace) -> int:
    from pipeline import checks, clock, manuscript
    from pipeline.checks import reports
    from pipeline.progress import Progress

    settings = _settings(args)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    book = manuscript.read(settings, clock.build_epoch(os.environ))
    report = checks.run(settings, book, _check_options(args, args.paths), progress)
    sys.stdout.write(reports.render(args.report, report.findings, report.line_of, checked=report.checked))
    fail_on = args.fail_on or settings.presswork.check.fail_on
    return ExitCode.CONTENT if report.failed(fail_on) else ExitCode.OK


def _settings(args: argparse.Namespace):
    """The configuration, read under the run's trust: decided here, once, from --untrusted and the
    environment (`untrusted_when` in mkdocs.yml), and passed down inside the settings."""
    from pipeline import config, trust

    decided = trust.decide(getattr(args, "untrusted", False), config.untrusted_when(args.config), os.environ)
    if not decided.trusted:
        _no_imports_from(args.config.resolve().parent)
    return config.load(args.config, decided)


def _no_imports_from(root: Path) -> None:
    """Take the book's folder off the import path (`python -m` puts the current folder on it), so a
    module the content ships can never stand in for an extension's: Presswork's own folder stays."""
    own = Path(__file__).resolve().parent.parent
    kept = [own, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]  # the environment (a .venv may sit in the book)

    def allowed(entry: str) -> bool:
        path = Path(entry or ".").resolve()
        return path == own or any(path.is_relative_to(k) for k in kept[1:]) or not path.is_relative_to(root.resolve())

    sys.path[:] = [entry for entry in sys.path if allowed(entry)]


def _build(args: argparse.Namespace) -> int:
    from pipeline import build, clock
    from pipeline.progress import Progress

    settings = _settings(args)
    out = (args.out or settings.root / "build").resolve()
    progress = Progress(sys.stderr, enabled=not args.quiet)
    artifacts = build.build(
        settings,
        formats=args.formats,
        out=out,
        epoch=clock.build_epoch(os.environ),
        progress=progress,
        check=None if args.no_check else _check_options(args),
        store=_store(args),
    )
    for artifact in artifacts:
        progress.say(f"  {artifact.format:<5} {_shown(artifact.path)}")
    return ExitCode.OK


def _store(args: argparse.Namespace):
    from pipeline.environment import cache_folder
    from pipeline.store import Store

    return Store(None if getattr(args, "no_cache", False) else cache_folder(os.environ) / "store")


def _clean(args: argparse.Namespace) -> int:
    import shutil

    from pipeline.environment import cache_folder

    settings = _settings(args)
    removed = []
    for folder in (settings.root / "build", cache_folder(os.environ) / "store", cache_folder(os.environ) / "checks"):
        if folder.exists():
            shutil.rmtree(folder)
            removed.append(str(folder))
    print("removed " + ", ".join(removed) if removed else "nothing to remove")
    return ExitCode.OK


def _serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    settings = _settings(args)
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--dev-addr '{args.dev_addr}' is not HOST:PORT", hint="e.g. --dev-addr 127.0.0.1:8000")
    serve(config_file=str(settings.path), dev_addr=args.dev_addr, livereload=True)
    return ExitCode.OK


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- publishing: publish, status, verify (pipeline.publish) ----------------------------------------


def _publishing_verbs(verbs) -> None:
    publish = verbs.add_parser(
        "publish",
        parents=[_common(), _target_options()],
        help="publish a tag as a versioned release",
        description="Build a tag's own tree and publish it as a versioned, immutable release. Editions the build "
        "store holds for this very release (PRESSWORK_CACHE, e.g. filled by --build-only runs) are taken from it, verified.",
        epilog="Exit codes: 0 published (or published already), 1 the gate refused the tag or the target moved on "
        "meanwhile, 2 usage or configuration, 3 tool failure, 4 validation.",
    )
    publish.add_argument("tag", metavar="TAG", help="the tag to publish, e.g. v1.2.0")
    publish.add_argument("--quiet", action="store_true", help="print no progress, only the outcome and errors")
    publish.add_argument("--no-cache", action="store_true", help="build every edition anew, taking nothing from the build store")
    publish.add_argument(
        "--build-only", action="store_true", help="build the tag's editions into the build store as publish builds them, "
        "without the checks, and publish nothing (one job of a CI matrix)",
    )  # fmt: skip
    publish.add_argument(
        "--format", dest="formats", action="append", choices=FORMATS, help="with --build-only: an edition to build; repeat for several (default: every edition, the site included)"
    )
    _grammar_options(publish)
    publish.set_defaults(run=_publish)

    status = verbs.add_parser(
        "status",
        parents=[_common(), _target_options()],
        help="what is published, and whether the current commit would publish",
        description="List the published editions, the newest tag, and what publishing the current commit would do.",
    )
    status.set_defaults(run=_status)

    verify = verbs.add_parser(
        "verify",
        parents=[_common(), _target_options()],
        help="rebuild a published tag and compare it with its SHA256SUMS",
        description="Rebuild a published tag and compare every file with the published SHA256SUMS.",
        epilog="Exit codes: 0 every file identical, 1 the tag is not published, 4 a file differs.",
    )
    verify.add_argument("tag", metavar="TAG", help="the published tag, e.g. v1.2.0")
    verify.add_argument("--quiet", action="store_true", help="print no progress")
    verify.set_defaults(run=_verify)


def _target_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--target", choices=("site-branch", "directory"), help="where editions go (default: publish.target)")
    options.add_argument("--site-branch", metavar="NAME", help="the site branch (default: publish.site_branch, gh-pages)")
    options.add_argument("--remote", metavar="NAME", help="the remote to push to; '' for none (default: publish.remote, origin)")
    options.add_argument("--directory", type=Path, metavar="DIR", help="the folder of the directory target (default: publish.directory)")
    return options


def _overrides(args: argparse.Namespace) -> dict:
    directory = os.path.abspath(args.directory) if args.directory else None  # not resolved: it is a link
    return {"target": args.target, "site_branch": args.site_branch, "remote": args.remote, "directory": directory}


def _publish(args: argparse.Namespace) -> int:
    from pipeline import clock, publish
    from pipeline.progress import Progress

    if args.formats and not args.build_only:
        raise ConfigError("--format goes with --build-only: a publish builds every edition", hint="drop --format")
    if args.build_only and args.no_cache:
        raise ConfigError("--build-only keeps the editions in the build store, which --no-cache leaves out", hint="drop --no-cache")
    if "site" in (args.formats or ()):
        raise ConfigError(
            "the site lists every edition's files, so it is built with them",
            hint="leave out --format to build every edition, or let publish build the site",
        )
    settings = _settings(args)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    if args.build_only:
        return _prebuild(args, settings, progress)
    done = publish.publish(
        settings,
        args.tag,
        overrides=_overrides(args),
        progress=progress,
        now=clock.build_epoch(os.environ),
        check=_check_options(args),
        store=_store(args),
    )
    if not done.done:
        print(f"{done.tag} is already published as {done.version} on {done.where}, from the same commit: nothing to do")
        return ExitCode.OK
    print(f"published {done.tag} as {done.version} on {done.where}:")
    print(f"  {done.version}/  the site")
    for path in done.paths:
        print(f"  {path}")
    print(f"  {done.version}/downloads/SHA256SUMS, manifest.json")
    print(f"  latest/  {'now ' + done.version if done.latest else 'unchanged: a higher version is published'}")
    return ExitCode.OK


def _prebuild(args: argparse.Namespace, settings, progress) -> int:
    from pipeline import publish

    store = _store(args)
    done = publish.prebuild(settings, args.tag, overrides=_overrides(args), formats=args.formats, progress=progress, store=store)
    if not done.done:
        print(f"{done.tag} is already published as {done.version}, from the same commit: nothing to build")
        return ExitCode.OK
    if done.editions:
        print(f"built {done.tag} as publishing it builds it, into the build store {store.folder}:")
    for kind, name, sha256 in done.editions:
        print(f"  {kind:<5} {name + '/' if sha256 is None else name + '  ' + sha256}")
    for kind in done.skipped:
        print(f"{done.tag} has no {kind} edition to build: its book does not publish one")
    return ExitCode.OK


def _status(args: argparse.Namespace) -> int:
    from pipeline import publish

    found = publish.status(_settings(args), overrides=_overrides(args))
    count = len(found.editions)
    print(f"published on {found.where}: {count} edition{'s' if count != 1 else ''}")
    for edition in found.editions:
        latest = "  latest" if edition is found.editions[0] else ""
        print(f"  {edition.version:<12} {edition.date}  {edition.tag}  {edition.commit[:12]}{latest}")
    if found.newest_tag:
        state = "published" if found.newest_published else "not published"
        print(f"newest tag: {found.newest_tag} ({state})")
    else:
        print("newest tag: none matches publish.tag_pattern")
    print(f"current commit {found.head[:12] if found.head else '(none)'}: {found.verdict}")
    if found.dirty:
        print("the work tree has uncommitted or untracked changes: they are never part of a release")
    return ExitCode.OK


def _verify(args: argparse.Namespace) -> int:
    from pipeline import publish
    from pipeline.progress import Progress

    settings = _settings(args)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    checks = publish.verify(settings, args.tag, overrides=_overrides(args), progress=progress)
    for check in checks:
        if check.ok:
            print(f"identical  {check.name}  {check.expected}")
            continue
        problems = [
            f"{what} {found or 'missing'}" for what, found in (("rebuilt", check.rebuilt), ("published", check.published))
            if found != check.expected
        ]
        print(f"DIFFERENT  {check.name}  SHA256SUMS {check.expected}, {', '.join(problems)}")
    publish.require_identical(checks, args.tag)
    print(f"{args.tag}: every file is identical to the published SHA256SUMS")
    return ExitCode.OK


# --- review: diff, new (pipeline.review) ----------------------------------------------------------


def _review_verbs(verbs) -> None:
    diff = verbs.add_parser(
        "diff",
        parents=[_common()],
        help="what changed in the book between two commits; --redline writes a DOCX with tracked changes",
        description="Chapters added, removed, renamed and changed between two commits, with the words added "
        "and removed in each. A..B compares A with B, A...B the commit where B left A with B, A alone A with HEAD.",
        epilog="Exit codes: 0 compared, 1 a chapter of either commit is wrong, 2 a bad commit name or configuration, "
        "3 git or pandoc failed, 4 the redline failed its validation.",
    )
    diff.add_argument("range", metavar="A..B", help="the two commits, branches or tags, e.g. v1.0.0..HEAD or main...HEAD")
    diff.add_argument("--format", dest="report", choices=("text", "json", "markdown"), default="text", help="how to print it (default: text)")
    diff.add_argument("--redline", type=Path, metavar="FILE.docx", help="also write B's DOCX with the changes since A as tracked changes")
    diff.add_argument("--quiet", action="store_true", help="no progress lines")
    diff.set_defaults(run=_diff)

    new = verbs.add_parser(
        "new",
        parents=[_common()],
        help="create a new book repository that checks and builds as created",
        description="Create DIR with mkdocs.yml, a first chapter, the styles, GitHub workflows and a pre-commit "
        "configuration, as a git repository with a first commit.",
        epilog="Exit codes: 0 created, 2 DIR exists and is not empty, or a bad option, 3 git failed.",
    )
    new.add_argument("directory", type=Path, metavar="DIR", help="the folder to create (it may exist if empty)")
    new.add_argument("--title", help="the book's title (default: from DIR's name)")
    new.add_argument("--author", help="the book's author (default: git's user.name, else 'The authors')")
    new.set_defaults(run=_new)


def _diff(args: argparse.Namespace) -> int:
    from pipeline import review
    from pipeline.progress import Progress

    settings = _settings(args)
    if args.redline is not None and args.redline.suffix.lower() != ".docx":
        raise ConfigError(f"--redline {args.redline}: the redline is a .docx file", hint="e.g. --redline changes.docx")
    compared = review.diff(settings, args.range, redline=args.redline, progress=Progress(sys.stderr, enabled=not args.quiet))
    sys.stdout.write(review.summary.render(args.report, compared.diff))
    if compared.redline is not None and not args.quiet:
        print(f"redline: {_shown(compared.redline)}", file=sys.stderr)
    return ExitCode.OK


def _new(args: argparse.Namespace) -> int:
    from pipeline.review import scaffold

    created = scaffold.create(args.directory, title=args.title, author=args.author, environ=os.environ)
    print(f"created {created.title!r} in {_shown(created.root)}: {created.count} files, first commit {created.commit[:12]}")
    print(f"next: cd {_shown(created.root)} && presswork check && presswork build")
    return ExitCode.OK
