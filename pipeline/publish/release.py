"""The release: the tag's own tree exported and built, its files checksummed, its provenance written down.

The tree is exported from git into a workspace (`build/.publish-*` beside `mkdocs.yml`), so nothing
uncommitted or untracked can reach a release, and built there by `pipeline.build` with the tag's
commit time as the build time: the same tag gives the same bytes. The editions are named
`<slug>-<version>.<suffix>`; beside them, in the site's `downloads/`, go `SHA256SUMS` (as
`sha256sum -c` reads it) and `manifest.json` (tag, commit, date, tool versions, each file's SHA-256).

Editions come from the build store when it holds them for this very release: a release's settings
are its `mkdocs.yml` plus what the release adds (the versioned slug, the version, its date and the
editions published before it, which the site's Downloads page lists), and the build's key holds the
settings as they take effect. An edition built for another tag, commit, catalog or configuration has
another key, and is never taken.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__, build, checks
from pipeline.clock import utc
from pipeline.configuration.config import Settings
from pipeline.errors import ValidationError
from pipeline.formats import builders
from pipeline.formats.base import Artifact, Programs
from pipeline.formats.pdf import fonts
from pipeline.progress import Progress
from pipeline.publish import gate
from pipeline.publish.catalog import Catalog, Edition, File
from pipeline.sources import source
from pipeline.store import Store
from pipeline.tools import pandoc
from pipeline.tools.git import Repository

WORKSPACE_PREFIX = ".publish-"
SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
DOWNLOADS = "downloads"


@dataclass(frozen=True)
class Built:
    """The tag's tree, built: the settings read from it and the editions in the workspace."""

    settings: Settings
    artifacts: tuple[Artifact, ...]
    checked: dict[str, str] = dataclasses.field(default_factory=dict)  # the version of each checker that passed it

    @property
    def editions(self) -> list[str]:
        """Every edition a release of this tag has: the tagged book's formats, and its site."""
        return editions(self.settings)

    @property
    def downloads(self) -> tuple[Artifact, ...]:
        return tuple(artifact for artifact in self.artifacts if artifact.format != "site")

    @property
    def site(self) -> Path | None:
        return next((artifact.path for artifact in self.artifacts if artifact.format == "site"), None)


@dataclass(frozen=True)
class Release:
    """One version, ready for a target: the site, with its downloads, checksums and manifest in it."""

    edition: Edition
    folder: Path  # becomes `<version>/` in the target
    title: str


@contextmanager
def workspace(root: Path) -> Iterator[Path]:
    """A fresh folder under `root/build/` for one publish; removed afterwards, or by the next publish if killed."""
    parent = root / "build"
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f"{WORKSPACE_PREFIX}*"):
        if not _alive(stale.name.removeprefix(WORKSPACE_PREFIX).split("-")[0]):
            shutil.rmtree(stale, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{WORKSPACE_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def build_tag(
    repo: Repository,
    settings: Settings,
    tag: gate.Tag,
    catalog: Catalog,
    folder: Path,
    *,
    formats: list[str] | None,
    progress: Progress,
    check: checks.Options | None = None,
    store: Store | None = None,
    programs: Programs | None = None,
) -> Built:
    """Export the tag's tree into `folder` and build it, dated by the tag's commit.

    `formats` are the editions to build, of those a release of the tag has (see `editions`); None
    builds them all. Editions `store` holds for this release are taken from it, verified; the others
    are built, validated and kept in it.
    """
    with progress.step("export") as note:
        exported = source.export(
            repo, tag.commit, folder / "tree", settings.path, settings.trust,
            missing=lambda relative: gate.Refusal(f"the tree of '{tag.name}' has no {relative}", hint="tag a commit that holds the book's configuration"),
        )  # fmt: skip
        note["text"] = f"{tag.name} at {tag.commit[:12]}"
    released = _for_release(exported, tag, catalog)
    chosen = [name for name in editions(released) if formats is None or name in formats]
    if not chosen:
        return Built(released, ())
    # The checks run on the tag's own tree, before anything is built: in strict mode, a failing check publishes nothing.
    artifacts = build.build(
        released, formats=chosen, out=folder / "out", epoch=tag.epoch, progress=progress, check=check,
        store=store, programs=programs,
    )  # fmt: skip
    return Built(released, tuple(artifacts), checks.versions(check) if check is not None else {})


def editions(settings: Settings) -> list[str]:
    """The editions a release of this book has: its formats, and its site (which holds the downloads)."""
    return [*settings.formats, *([] if "site" in settings.formats else ["site"])]


def make(built: Built, tag: gate.Tag) -> Release:
    """Checksum the editions, write `SHA256SUMS` and `manifest.json` into the site's downloads."""
    site = built.site
    if site is None:  # pragma: no cover - publish always builds the site
        raise ValidationError("a release needs its site")
    downloads = site / DOWNLOADS
    downloads.mkdir(exist_ok=True)
    files = []
    for artifact in built.downloads:
        copied = downloads / artifact.path.name
        if not copied.is_file() or copied.read_bytes() != artifact.path.read_bytes():
            raise ValidationError(f"the site's copy of {artifact.path.name} differs from the edition", path=str(copied))
        standard = artifact.conformance
        files.append(
            File(
                artifact.path.name,
                artifact.format,
                artifact.size(),
                sha256(artifact.path),
                artifact.language,
                standard.standard,
                standard.checked_by,
                standard.withheld,
            )
        )
    edition = Edition(tag.version, tag.name, tag.commit, tag.date, tag.epoch, tuple(files))
    (downloads / SUMS).write_text(sha256sums(edition.files), encoding="utf-8")
    formats = [artifact.format for artifact in built.artifacts]
    manifest = _manifest(built.settings, tag, edition, formats, built.checked)
    (downloads / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Release(edition, site, built.settings.title)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256sums(files: tuple[File, ...]) -> str:
    """The lines `sha256sum -c` reads: the digest, two spaces, the file name."""
    return "".join(f"{file.sha256}  {file.name}\n" for file in sorted(files, key=lambda file: file.name))


def parse_sha256sums(text: str) -> dict[str, str]:
    """File name -> SHA-256 from a `SHA256SUMS` file (text or binary mode lines)."""
    sums = {}
    for line in text.splitlines():
        digest, _, name = line.partition(" ")
        if digest and name:
            sums[name.lstrip(" *")] = digest.lower()
    return sums


def tool_versions(names: list[str]) -> dict[str, str]:
    """The version of each tool that made these editions."""
    tools = {"presswork": __version__, "pandoc": pandoc.version()}
    for builder in builders(names):
        tools.update(builder.tools())
    return tools


def _manifest(settings: Settings, tag: gate.Tag, edition: Edition, formats: list[str], checked: dict[str, str]) -> dict[str, Any]:
    book = settings.presswork.book
    return {
        "title": settings.title,
        "identifier": book.identifier,
        "version": tag.version,
        "tag": tag.name,
        "tag_object": tag.object,
        "annotated": tag.annotated,
        "commit": tag.commit,
        "date": utc(tag.epoch).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_date_epoch": tag.epoch,
        "tools": tool_versions(formats),
        **({"fonts": fonts.manifest()} if "pdf" in formats else {}),  # the PDF's fonts beyond typst's own
        "checks": checked,
        "languages": list(dict.fromkeys(file.language for file in edition.files if file.language)),
        "files": [file.__dict__ for file in edition.files],
    }


def _for_release(settings: Settings, tag: gate.Tag, catalog: Catalog) -> Settings:
    """The tag's settings as a release builds them: versioned file names, the editions for the site.

    The site's downloads page lists every published edition (the plugin reads them from
    `extra.presswork`), and Material's version selector is turned on (`extra.version.provider: mike`)
    unless the book configures it itself.
    """
    data = copy.deepcopy(settings.data)
    extra = dict(data.get("extra") or {})
    extra.setdefault("version", {"provider": "mike"})
    extra["presswork"] = {
        "version": tag.version,
        "date": tag.date,
        "editions": [edition.to_json() for edition in catalog.editions if edition.version != tag.version],
    }
    data["extra"] = extra
    presswork = copy.copy(settings.presswork)
    presswork["slug"] = f"{settings.slug}-{tag.version}"
    return dataclasses.replace(settings, data=data, presswork=presswork)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
