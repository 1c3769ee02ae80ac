"""Targets: where published editions go. Every target holds the same layout:

    index.html          leads readers to latest/
    versions.json       mike's format, for Material's version selector
    releases.json       every edition: version, tag, commit, date, files with size and SHA-256
    latest/             a copy of the highest version
    <version>/          the site of one version
    <version>/downloads/<slug>-<version>.pdf, .epub, .docx, SHA256SUMS, manifest.json

A target reads what is published (`catalog`, `read`) and writes one version at a time (`write`),
all or nothing: the site branch as one commit pushed without force, the directory by one rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.configuration.settings import PublishConfig
from pipeline.errors import ConfigError, ExitCode, PressworkError
from pipeline.progress import Progress
from pipeline.publish.catalog import INDEX, RELEASES, VERSIONS, Catalog
from pipeline.publish.release import Release
from pipeline.tools.git import Repository


class Conflict(PressworkError):
    """The target changed while this edition was being built: someone else published meanwhile."""

    exit_code = ExitCode.CONTENT


@dataclass(frozen=True)
class Update:
    """What publishing one version changes in a target."""

    version: str
    tag: str
    commit: str
    folder: Path  # becomes `<version>/`
    latest: bool  # and `latest/` too: it is the highest version published
    files: dict[str, bytes]  # the root files, rewritten

    @property
    def message(self) -> str:
        return f"Publish {self.version} from {self.tag} ({self.commit[:12]})"


def update(release: Release, catalog: Catalog) -> Update:
    """The change that adds `release` to a target that holds `catalog`."""
    after = catalog.with_edition(release.edition)
    edition = release.edition
    files = {
        RELEASES: after.releases_json(),
        VERSIONS: after.versions_json(),
        INDEX: after.index_html(release.title),
    }
    return Update(edition.version, edition.tag, edition.commit, release.folder, after.latest == edition, files)


class Target(Protocol):
    description: str  # for messages: "branch gh-pages on origin", "folder /srv/book"

    def catalog(self) -> Catalog: ...

    def read(self, version: str, name: str) -> bytes | None:
        """A published file of `version`'s downloads, or None."""

    def write(self, update: Update, *, tag: str, progress: Progress) -> None: ...


def open_target(policy: PublishConfig, repo: Repository, root: Path, *, now: int) -> Target:
    """The target `policy` names; a directory is relative to `root` (the folder of `mkdocs.yml`)."""
    if policy.target == "directory":
        from pipeline.publish.directory import Directory

        path = root / policy.directory
        return Directory(path.parent.resolve() / path.name)  # the link itself, not where it points
    if policy.target == "site-branch":
        from pipeline.publish.site_branch import SiteBranch

        return SiteBranch(repo, policy.site_branch, policy.remote, now=now)
    raise ConfigError(f"unknown publish target '{policy.target}'", hint="choose site-branch or directory")
