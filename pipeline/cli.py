"""The `presswork` command: parse the command line, run one verb (`pipeline.commands`), and catch every
failure here, once.

Exit codes (also in the README): 0 success; 1 a problem in the content; 2 a bad command line or
configuration; 3 an external tool failed, timed out or is missing; 4 a built edition failed its
validation; 70 an internal error (a bug); 73 the output cannot be written (a full disk, a read-only
file system, a file where a folder goes); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from pipeline import __version__, commands, errors, output
from pipeline.commands import options
from pipeline.errors import ExitCode, PressworkError
from pipeline.tools import process


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not os.environ.get("SOURCE_DATE_EPOCH", "unset").strip():  # set but empty: no epoch, which MkDocs would fail to read
        del os.environ["SOURCE_DATE_EPOCH"]
    parser = _parser()
    args = parser.parse_args(argv)
    args.config = getattr(args, "config", Path("mkdocs.yml"))
    args.debug = getattr(args, "debug", False)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    stopping = _stop_children_on_signals()
    try:
        return args.run(args)
    except PressworkError as error:
        _report(error, debug=args.debug)
        return error.exit_code
    except OSError as error:
        if error.errno not in output.UNWRITABLE:
            return _internal(error, debug=args.debug)
        failure = output.unwritable(error)  # a full disk, a read-only file system, wherever it was met
        _report(failure, debug=args.debug)
        return failure.exit_code
    except KeyboardInterrupt:
        process.stop_all()
        print("presswork: interrupted; nothing was changed in the output folder", file=sys.stderr)
        if stopping and threading.active_count() > 1:  # a worker still in Python code (MkDocs, pandoc's tree): not waited for
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(ExitCode.INTERRUPTED)
        return ExitCode.INTERRUPTED
    except Exception as error:  # a bug, unless a plugin or the book's own hook raised it
        failure = errors.outside(error)
        if failure is None:
            return _internal(error, debug=args.debug)
        _report(failure, debug=args.debug)
        return failure.exit_code


def _stop_children_on_signals() -> bool:
    """Ctrl-C (SIGINT) and SIGTERM kill every tool at once (`process.stop_all`), then stop this
    process as Ctrl-C does, so that each tool's thread returns at once and the output folder is
    cleaned as on any interruption. Only the main thread can set handlers: False elsewhere."""
    if threading.current_thread() is not threading.main_thread():
        return False
    process.resume()

    def stop(signum, frame) -> None:
        process.stop_all()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return True


def _internal(error: Exception, *, debug: bool) -> int:
    if debug:
        traceback.print_exc(file=sys.stderr)
    print(f"presswork: internal error: {type(error).__name__}: {error} (run again with --debug and report it)", file=sys.stderr)
    return ExitCode.INTERNAL


def _report(error: PressworkError, *, debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)
        if error.detail:
            print(error.detail, file=sys.stderr)
    print(str(error), file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presswork",
        description="Publish a book and its documentation site from one Markdown source in git.",
        parents=[options.common()],
        epilog="Exit codes: 0 ok, 1 content problem, 2 usage or configuration, 3 tool failure, 4 validation, 70 internal error, 73 output not writable, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"presswork {__version__}")
    commands.add(parser.add_subparsers(title="commands", metavar="COMMAND"))
    return parser
