"""Publishing's four flows, each a few named stages that pass values: publish, prebuild, verify, status.

publish TAG   target -> gate -> export and build the tag's tree (editions the build store holds
              for this release are taken from it) -> release files -> target.write
prebuild TAG  target -> gate -> export and build some of the tag's editions into the build store,
              as `publish` builds them; nothing is published (`presswork publish --build-only`)
verify TAG    target -> the published SHA256SUMS -> rebuild the tag, store unused -> compare every file
status        target -> tags -> what is published, and what the current commit would do
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c

from pipeline import checks
from pipeline.configuration.config import Settings
from pipeline.configuration.settings import PublishConfig
from pipeline.errors import ConfigError, PressworkError, ValidationError
from pipeline.formats.base import Programs
from pipeline.progress import Progress
from pipeline.publish import gate, release
from pipeline.publish.catalog import Catalog, Edition, version_key
from pipeline.publish.release import DOWNLOADS, SUMS
from pipeline.publish.targets import Target, open_target, update
from pipeline.store import Store
from pipeline.tools.git import Repository


class Mismatch(ValidationError):
    """A rebuilt or published file differs from the published SHA256SUMS."""


@dataclass(frozen=True)
class Published:
    """What `publish` did."""

    version: str
    tag: str
    where: str  # the target, for people
    done: bool  # False: this tag was published already and nothing changed
    latest: bool = False
    paths: tuple[str, ...] = ()  # the version's downloads, as paths in the target


@dataclass(frozen=True)
class Prebuilt:
    """What `prebuild` did: editions of a tag, built as `publish` builds them, in the build store."""

    version: str
    tag: str
    done: bool  # False: this tag was published already and nothing was built
    editions: tuple[tuple[str, str, str | None], ...] = ()  # format, file name, SHA-256 (None: the site folder)
    skipped: tuple[str, ...] = ()  # formats asked for that a release of the tag does not have


@dataclass(frozen=True)
class FileCheck:
    """One file of a release, as `verify` found it."""

    name: str
    expected: str  # the SHA-256 in the published SHA256SUMS
    rebuilt: str | None
    published: str | None

    @property
    def ok(self) -> bool:
        return self.expected == self.rebuilt == self.published


@dataclass(frozen=True)
class Status:
    where: str
    editions: tuple[Edition, ...]
    newest_tag: str | None
    newest_published: bool
    head: str | None
    verdict: str  # what publishing the current commit would do, and why
    dirty: bool


def policy(settings: Settings, overrides: dict[str, Any]) -> PublishConfig:
    """`publish` of the configuration with the command line's overrides (None: not given), checked as the config is."""
    chosen = copy.copy(settings.presswork.publish)
    for key, value in overrides.items():
        if value is None:
            continue
        option = dict(PublishConfig._schema)[key]
        try:
            chosen[key] = option.validate(value)
        except c.ValidationError as error:
            raise ConfigError(f"--{key.replace('_', '-')}: {error}") from error
    if chosen.target == "directory" and not chosen.directory:
        raise ConfigError("the directory target needs a folder", hint="pass --directory DIR or set publish.directory")
    return chosen


def publish(
    settings: Settings,
    name: str,
    *,
    overrides: dict[str, Any],
    progress: Progress,
    now: int,
    check: checks.Options | None = None,
    store: Store | None = None,
) -> Published:
    repo, target, catalog, decision = _admit(settings, name, overrides, progress, now=now)
    tag = decision.tag
    if decision.published:
        return Published(tag.version, tag.name, target.description, done=False)
    with release.workspace(settings.root) as folder:
        built = release.build_tag(
            repo,
            settings,
            tag,
            catalog,
            folder,
            formats=None,
            progress=progress,
            check=check,
            store=store,
            programs=Programs.found(settings, daemon=check is None or check.daemon),
        )
        with progress.step("release") as note:
            made = release.make(built, tag)
            note["text"] = f"{len(made.edition.files)} files, {SUMS}, manifest.json"
        change = update(made, catalog)
        target.write(change, tag=tag.name, progress=progress)
    paths = tuple(f"{tag.version}/{DOWNLOADS}/{file.name}" for file in made.edition.files)
    return Published(tag.version, tag.name, target.description, done=True, latest=change.latest, paths=paths)


def prebuild(
    settings: Settings, name: str, *, overrides: dict[str, Any], formats: list[str] | None, progress: Progress, store: Store
) -> Prebuilt:
    """Build `formats` (None: every edition) of the tag exactly as `publish` would, after the same gate,
    against the same catalog, and keep them in `store`; publish nothing. The checks are left to
    `publish`, which runs them before it takes anything from the store."""
    repo, _, catalog, decision = _admit(settings, name, overrides, progress, now=0)
    tag = decision.tag
    if decision.published:
        return Prebuilt(tag.version, tag.name, done=False)
    with release.workspace(settings.root) as folder:
        built = release.build_tag(
            repo, settings, tag, catalog, folder, formats=formats, progress=progress, store=store, programs=Programs.found(settings)
        )
        made = tuple(
            (artifact.format, artifact.path.name, None if artifact.path.is_dir() else release.sha256(artifact.path))
            for artifact in built.artifacts
        )
    skipped = tuple(name for name in formats or () if name not in built.editions)
    return Prebuilt(tag.version, tag.name, done=True, editions=made, skipped=skipped)


def _admit(
    settings: Settings, name: str, overrides: dict[str, Any], progress: Progress, *, now: int
) -> tuple[Repository, Target, Catalog, gate.Decision]:
    """The target and what it holds, and the gate's decision on the tag `name`."""
    chosen = policy(settings, overrides)
    repo = Repository.find(settings.root, timeout=settings.presswork.timeout)
    with progress.step("gate") as note:
        target = open_target(chosen, repo, settings.root, now=now)
        catalog = target.catalog()
        decision = gate.admit(repo, name, chosen, settings.root, catalog)
        note["text"] = f"{name} -> {decision.tag.version}"
    return repo, target, catalog, decision


def verify(settings: Settings, name: str, *, overrides: dict[str, Any], progress: Progress) -> list[FileCheck]:
    chosen = policy(settings, overrides)
    repo = Repository.find(settings.root, timeout=settings.presswork.timeout)
    target = open_target(chosen, repo, settings.root, now=0)
    catalog = target.catalog()
    tag = gate.read(repo, name, chosen)
    if not gate.unmoved(tag, catalog):
        raise gate.Refusal(f"version {tag.version} is not published on {target.description}", hint=f"publish it: presswork publish {name}")
    sums = _published_sums(target, tag.version)
    formats = [file.format for file in catalog.find(tag.version).files]
    with release.workspace(settings.root) as folder:
        built = release.build_tag(
            repo, settings, tag, catalog, folder, formats=formats, progress=progress, programs=Programs.found(settings)
        )
        rebuilt = {artifact.path.name: release.sha256(artifact.path) for artifact in built.downloads}
    checks = []
    for file_name, expected in sorted(sums.items()):
        data = target.read(tag.version, file_name)
        published = hashlib.sha256(data).hexdigest() if data is not None else None
        checks.append(FileCheck(file_name, expected, rebuilt.get(file_name), published))
    return checks


def require_identical(checks: list[FileCheck], version: str) -> None:
    """Raise `Mismatch` unless every file is identical to the published SHA256SUMS."""
    bad = [check.name for check in checks if not check.ok]
    if bad:
        raise Mismatch(
            f"{len(bad)} of {len(checks)} files of {version} differ from the published {SUMS}: {', '.join(bad)}",
            hint="a published file was changed, or the build is not reproducible here: compare the tool versions in manifest.json",
        )


def status(settings: Settings, *, overrides: dict[str, Any]) -> Status:
    chosen = policy(settings, overrides)
    repo = Repository.find(settings.root, timeout=settings.presswork.timeout)
    target = open_target(chosen, repo, settings.root, now=0)
    catalog = target.catalog()
    tags = [(tag, version) for tag in repo.tags() if (version := gate.version_of(tag.name, chosen))]
    newest = max(tags, key=lambda pair: version_key(pair[1]), default=None)
    newest_published = newest is not None and any(
        edition.version == newest[1] and edition.commit == newest[0].commit for edition in catalog.editions
    )
    head = repo.head()
    here = sorted((tag.name for tag, _ in tags if tag.commit == head), key=lambda n: version_key(gate.version_of(n, chosen)))
    return Status(
        where=target.description,
        editions=catalog.editions,
        newest_tag=newest[0].name if newest else None,
        newest_published=newest_published,
        head=head,
        verdict=_verdict(repo, here, chosen, settings.root, catalog),
        dirty=head is not None and repo.dirty(),
    )


def _verdict(repo: Repository, names: list[str], chosen: PublishConfig, root: Path, catalog: Catalog) -> str:
    """What `publish` would do with the current commit, and why."""
    if not names:
        return "not tagged, so it would not publish (tag it to publish it: git tag -a vX.Y.Z -m 'Version X.Y.Z')"
    reasons = []
    for name in reversed(names):  # the highest version first
        try:
            decision = gate.admit(repo, name, chosen, root, catalog)
        except PressworkError as error:
            reasons.append(str(error).removeprefix("error: "))
            continue
        if decision.published:
            return f"tagged {name}, published already as {decision.tag.version}: publishing it again changes nothing"
        return f"tagged {name}: it would publish as {decision.tag.version} (the checks run on its tree then)"
    return f"tagged {', '.join(names)}, but it would not publish: {reasons[0]}"


def _published_sums(target: Target, version: str) -> dict[str, str]:
    data = target.read(version, SUMS)
    if data is None:
        raise gate.Refusal(
            f"{version}/{DOWNLOADS}/{SUMS} is missing on {target.description}", hint="publish the version again from its tag"
        )
    sums = release.parse_sha256sums(data.decode("utf-8", "replace"))
    if not sums:
        raise gate.Refusal(f"{version}/{DOWNLOADS}/{SUMS} on {target.description} lists no file")
    return sums
