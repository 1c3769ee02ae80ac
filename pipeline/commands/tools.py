"""The tools' verbs: install, which puts the programs Presswork runs but does not ship (LanguageTool,
mermaid, DAISY Ace, veraPDF, axe-core) into the cache folder, and stop, which ends the tools kept
running between runs (LanguageTool, EPUBCheck, veraPDF)."""

from __future__ import annotations

import argparse
import os

from pipeline.commands import options


def add(verbs) -> None:
    from pipeline.tools import INSTALLED

    parser = verbs.add_parser(
        "install",
        parents=[options.debug()],
        help="install the grammar checker, the diagram renderer and the accessibility checkers into the cache folder",
        description="Install each TOOL (all of them when none is named) into Presswork's cache folder (PRESSWORK_CACHE, "
        "else ~/.cache/presswork), unless it is there: "
        + "; ".join(f"{name}, {purpose}" for name, purpose in INSTALLED.items())
        + ". Each needs the network once: Maven Central for languagetool and verapdf, npm for the others.",
        epilog="Exit codes: 0 installed, 2 an unknown tool, 3 a tool could not be installed.",
    )
    parser.add_argument("tools", nargs="*", metavar="TOOL", help=f"one of {', '.join(INSTALLED)}")
    parser.set_defaults(run=install)
    stop_parser = verbs.add_parser(
        "stop",
        parents=[options.debug()],
        help="stop the tools kept running between runs (LanguageTool, EPUBCheck, veraPDF)",
        description="Stop the tools a run leaves running for the next: LanguageTool's server, and EPUBCheck and veraPDF "
        "each in a Java of its own (they stop by themselves after tools_idle minutes unused). The next run starts them again.",
        epilog="Exit codes: 0 stopped, or none was running.",
    )
    stop_parser.set_defaults(run=stop)


def stop(args: argparse.Namespace) -> int:
    from pipeline.tools import daemon

    stopped = daemon.stop_all()
    print(f"stopped: {', '.join(stopped)}" if stopped else "no tool was running", flush=True)
    return 0


def install(args: argparse.Namespace) -> int:
    from pipeline import tools
    from pipeline.environment import cache_folder
    from pipeline.errors import ConfigError, Failures, PressworkError

    for name in args.tools:
        if name not in tools.INSTALLED:
            raise ConfigError(f"'{name}' is not a tool presswork installs", hint=f"name one of {', '.join(tools.INSTALLED)}")
    cache = cache_folder(os.environ)
    failures: list[PressworkError] = []
    for name in args.tools or list(tools.INSTALLED):
        try:
            print(tools.install_into(name, cache), flush=True)
        except PressworkError as error:  # the others are still installed; each failure is said at the end
            failures.append(error)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise Failures(failures)
    return 0
