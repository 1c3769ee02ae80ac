"""The review verbs: diff (and the redline), new."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.commands import options
from pipeline.errors import ConfigError, ExitCode


def add(verbs) -> None:
    diff_parser = verbs.add_parser(
        "diff",
        parents=[options.common()],
        help="what changed in the book between two commits; --redline writes a DOCX with tracked changes",
        description="Chapters added, removed, renamed and changed between two commits, with the words added "
        "and removed in each. A..B compares A with B, A...B the commit where B left A with B, A alone A with HEAD.",
        epilog="Exit codes: 0 compared, 1 a chapter of either commit is wrong, 2 a bad commit name or configuration, "
        "3 git or pandoc failed, 4 the redline failed its validation.",
    )
    diff_parser.add_argument("range", metavar="A..B", help="the two commits, branches or tags, e.g. v1.0.0..HEAD or main...HEAD")
    diff_parser.add_argument(
        "--format", dest="report", choices=("text", "json", "markdown"), default="text", help="how to print it (default: text)"
    )
    diff_parser.add_argument(
        "--redline", type=Path, metavar="FILE.docx", help="also write B's DOCX with the changes since A as tracked changes"
    )
    diff_parser.add_argument("--quiet", action="store_true", help="no progress lines")
    diff_parser.set_defaults(run=diff)

    new_parser = verbs.add_parser(
        "new",
        parents=[options.common()],
        help="create a new book repository that checks and builds as created",
        description="Create DIR with mkdocs.yml, a first chapter, the styles, GitHub workflows and a pre-commit "
        "configuration, as a git repository with a first commit.",
        epilog="Exit codes: 0 created, 2 DIR exists and is not empty, or a bad option, 3 git failed.",
    )
    new_parser.add_argument("directory", type=Path, metavar="DIR", help="the folder to create (it may exist if empty)")
    new_parser.add_argument("--title", help="the book's title (default: from DIR's name)")
    new_parser.add_argument("--author", help="the book's author (default: git's user.name, else 'The authors')")
    new_parser.add_argument(
        "--languages",
        metavar="en,fr",
        help="a book in several languages, laid out for mkdocs-static-i18n; the first (English) is the default",
    )
    new_parser.set_defaults(run=new)


def diff(args: argparse.Namespace) -> int:
    from pipeline import review
    from pipeline.progress import Progress

    settings = options.settings(args)
    if args.redline is not None and args.redline.suffix.lower() != ".docx":
        raise ConfigError(f"--redline {args.redline}: the redline is a .docx file", hint="e.g. --redline changes.docx")
    compared = review.diff(settings, args.range, redline=args.redline, progress=Progress(sys.stderr, enabled=not args.quiet))
    sys.stdout.write(review.summary.render(args.report, compared.diff))
    if compared.redline is not None and not args.quiet:
        print(f"redline: {options.shown(compared.redline)}", file=sys.stderr)
    return ExitCode.OK


def new(args: argparse.Namespace) -> int:
    from pipeline import scaffold

    created = scaffold.create(args.directory, title=args.title, author=args.author, environ=os.environ, languages=args.languages)
    print(f"created {created.title!r} in {options.shown(created.root)}: {created.count} files, first commit {created.commit[:12]}")
    print(f"next: cd {options.shown(created.root)} && presswork check && presswork build")
    return ExitCode.OK
