"""What the verbs share: option groups for their parsers, and what a run derives from its arguments
(the settings under the run's trust, the check options, the build store, a path as it is shown)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def common() -> argparse.ArgumentParser:
    """Options every verb takes, before or after its name (a new parser each time: argparse shares actions)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, metavar="FILE", help="the book's configuration (default: mkdocs.yml)"
    )
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of a failure")
    return common


def debug() -> argparse.ArgumentParser:
    """The one option of a verb that reads no book: --debug."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of a failure")
    return parser


def grammar_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-grammar", action="store_true", help="skip LanguageTool (links and spelling are still checked)")
    parser.add_argument("--languagetool-url", metavar="URL", help="use the LanguageTool server at URL instead of starting one")
    parser.add_argument(
        "--no-daemon", action="store_true",
        help="start LanguageTool, typst, EPUBCheck and veraPDF for this run only and stop them at the end (default: they stay "
        "running between runs for tools_idle minutes; presswork stop ends them)",
    )  # fmt: skip


def shard_option(parser: argparse.ArgumentParser, *, building: bool = False) -> None:
    checkers = (
        "and DAISY Ace, veraPDF, EPUBCheck and axe-core about the I-th of N shares of the documents, files and pages, "
        if building else ""
    )  # fmt: skip
    written = "; a shard writes no edition" if building else ""
    parser.add_argument(
        "--shard", type=shard, metavar="I/N",
        help=f"ask LanguageTool about the I-th of N shares of the paragraphs it has no answer for in the cache, {checkers}"
        f"and leave the rest to the other shards: N runs, side by side, fill one cache, and a run without --shard then "
        f"reads it all{written}",
    )  # fmt: skip


def shard(text: str) -> tuple[int, int]:
    """`I/N`, the I-th of N shares (1 <= I <= N)."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise argparse.ArgumentTypeError(f"'{text}' is no share: write I/N with 1 <= I <= N, such as 2/4")
    return int(index), int(count)


def trust_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--untrusted",
        action="store_true",
        help="treat the chapters and mkdocs.yml as hostile (a pull request): run no code from them, sandbox pandoc, "
        "sanitise raw HTML (also when the environment matches untrusted_when in mkdocs.yml)",
    )


def target_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--target", choices=("site-branch", "directory"), help="where editions go (default: publish.target)")
    options.add_argument("--site-branch", metavar="NAME", help="the site branch (default: publish.site_branch, gh-pages)")
    options.add_argument("--remote", metavar="NAME", help="the remote to push to; '' for none (default: publish.remote, origin)")
    options.add_argument("--directory", type=Path, metavar="DIR", help="the folder of the directory target (default: publish.directory)")
    return options


def overrides(args: argparse.Namespace) -> dict:
    directory = os.path.abspath(args.directory) if args.directory else None  # not resolved: it is a link
    return {"target": args.target, "site_branch": args.site_branch, "remote": args.remote, "directory": directory}


def check_options(args: argparse.Namespace, paths=()):
    from pipeline import checks
    from pipeline.environment import cache_folder

    return checks.Options(
        paths=tuple(paths),
        grammar=not args.no_grammar,
        languagetool_url=args.languagetool_url,
        daemon=not args.no_daemon,
        changed_since=getattr(args, "changed_since", None),
        cache=cache_folder(os.environ),
        shard=getattr(args, "shard", None),
    )


def settings(args: argparse.Namespace):
    """The configuration, read under the run's trust: decided here, once, from --untrusted and the
    environment (`untrusted_when` in mkdocs.yml), and passed down inside the settings."""
    from pipeline.configuration import config, trust

    decided = trust.decide(getattr(args, "untrusted", False), config.untrusted_when(args.config), os.environ)
    if not decided.trusted:
        no_imports_from(args.config.resolve().parent)
    return config.load(args.config, decided)


def no_imports_from(root: Path) -> None:
    """Take the book's folder off the import path (`python -m` puts the current folder on it), so a
    module the content ships can never stand in for an extension's: Presswork's own folder stays."""
    own = Path(__file__).resolve().parent.parent.parent
    kept = [own, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]  # the environment (a .venv may sit in the book)

    def allowed(entry: str) -> bool:
        path = Path(entry or ".").resolve()
        return path == own or any(path.is_relative_to(k) for k in kept[1:]) or not path.is_relative_to(root.resolve())

    sys.path[:] = [entry for entry in sys.path if allowed(entry)]


def store(args: argparse.Namespace):
    from pipeline.environment import cache_folder
    from pipeline.store import Store

    return Store(None if getattr(args, "no_cache", False) else cache_folder(os.environ) / "store")


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
