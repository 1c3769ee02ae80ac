"""The publishing verbs: publish (and --build-only), status, verify."""

from __future__ import annotations

import argparse
import os
import sys

from pipeline.commands import options
from pipeline.errors import ConfigError, ExitCode
from pipeline.formats import FORMATS


def add(verbs) -> None:
    publish_parser = verbs.add_parser(
        "publish",
        parents=[options.common(), options.target_options()],
        help="publish a tag as a versioned release",
        description="Build a tag's own tree and publish it as a versioned, immutable release. Editions the build "
        "store holds for this very release (PRESSWORK_CACHE, e.g. filled by --build-only runs) are taken from it, verified.",
        epilog="Exit codes: 0 published (or published already), 1 the gate refused the tag or the target moved on "
        "meanwhile, 2 usage or configuration, 3 tool failure, 4 validation.",
    )
    publish_parser.add_argument("tag", metavar="TAG", help="the tag to publish, e.g. v1.2.0")
    publish_parser.add_argument("--quiet", action="store_true", help="print no progress, only the outcome and errors")
    publish_parser.add_argument("--no-cache", action="store_true", help="build every edition anew, taking nothing from the build store")
    publish_parser.add_argument(
        "--build-only", action="store_true", help="build the tag's editions into the build store as publish builds them, "
        "without the checks, and publish nothing (one job of a CI matrix)",
    )  # fmt: skip
    publish_parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=tuple(FORMATS),
        help="with --build-only: an edition to build; repeat for several (default: every edition, the site included)",
    )
    options.grammar_options(publish_parser)
    publish_parser.set_defaults(run=publish)

    status_parser = verbs.add_parser(
        "status",
        parents=[options.common(), options.target_options()],
        help="what is published, and whether the current commit would publish",
        description="List the published editions, the newest tag, and what publishing the current commit would do.",
    )
    status_parser.set_defaults(run=status)

    verify_parser = verbs.add_parser(
        "verify",
        parents=[options.common(), options.target_options()],
        help="rebuild a published tag and compare it with its SHA256SUMS",
        description="Rebuild a published tag and compare every file with the published SHA256SUMS.",
        epilog="Exit codes: 0 every file identical, 1 the tag is not published, 4 a file differs.",
    )
    verify_parser.add_argument("tag", metavar="TAG", help="the published tag, e.g. v1.2.0")
    verify_parser.add_argument("--quiet", action="store_true", help="print no progress")
    verify_parser.set_defaults(run=verify)


def publish(args: argparse.Namespace) -> int:
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
    settings = options.settings(args)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    if args.build_only:
        return _prebuild(args, settings, progress)
    done = publish.publish(
        settings,
        args.tag,
        overrides=options.overrides(args),
        progress=progress,
        now=clock.build_epoch(os.environ),
        check=options.check_options(args),
        store=options.store(args),
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

    store = options.store(args)
    done = publish.prebuild(settings, args.tag, overrides=options.overrides(args), formats=args.formats, progress=progress, store=store)
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


def status(args: argparse.Namespace) -> int:
    from pipeline import publish

    found = publish.status(options.settings(args), overrides=options.overrides(args))
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


def verify(args: argparse.Namespace) -> int:
    from pipeline import publish
    from pipeline.progress import Progress

    settings = options.settings(args)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    checks = publish.verify(settings, args.tag, overrides=options.overrides(args), progress=progress)
    for check in checks:
        if check.ok:
            print(f"identical  {check.name}  {check.expected}")
            continue
        problems = [
            f"{what} {found or 'missing'}"
            for what, found in (("rebuilt", check.rebuilt), ("published", check.published))
            if found != check.expected
        ]
        print(f"DIFFERENT  {check.name}  SHA256SUMS {check.expected}, {', '.join(problems)}")
    publish.require_identical(checks, args.tag)
    print(f"{args.tag}: every file is identical to the published SHA256SUMS")
    return ExitCode.OK
