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
    build.set_defaults(run=_build)

    serve = verbs.add_parser(
        "serve", parents=[_common()], help="preview the site, rebuilt on every change", description="Live preview of the site."
    )
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="where to serve (default: 127.0.0.1:8000)")
    serve.set_defaults(run=_serve)
    return parser


def _settings(args: argparse.Namespace):
    from pipeline import config

    return config.load(args.config)


def _build(args: argparse.Namespace) -> int:
    from pipeline import build, clock
    from pipeline.progress import Progress

    settings = _settings(args)
    out = (args.out or settings.root / "build").resolve()
    progress = Progress(sys.stderr, enabled=not args.quiet)
    artifacts = build.build(
        settings, formats=args.formats, out=out, epoch=clock.build_epoch(os.environ), progress=progress
    )
    for artifact in artifacts:
        progress.say(f"  {artifact.format:<5} {_shown(artifact.path)}")
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
