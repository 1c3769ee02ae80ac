"""The build: manuscript, then each edition into a staging folder, then everything moved into place.

Nothing is half-written: the editions are built and validated in `OUT/.staging-*`, and only when all
of them succeeded are they moved over the previous ones. On any failure `OUT` is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline import __version__, checks
from pipeline import manuscript as manuscripts
from pipeline.checks import reports
from pipeline.config import Settings
from pipeline.errors import ConfigError, ContentError
from pipeline.formats import BUILDERS, Artifact, Builder, Inputs, human_size
from pipeline.progress import Progress
from pipeline.store import Store, digest, key

STAGING_PREFIX = ".staging-"


def build(
    settings: Settings,
    *,
    formats: list[str],
    out: Path,
    epoch: int,
    progress: Progress,
    check: checks.Options | None = None,
    store: Store | None = None,
) -> list[Artifact]:
    """Build `formats` (all the configured ones when empty) of the book into `out`, after the checks
    (unless `check` is None) have passed. Editions found in `store` are reused, the others built side
    by side, the site last (it lists the others' files)."""
    builders = [BUILDERS[name] for name in BUILDERS if name in _selected(settings, formats)]
    with progress.step("manuscript") as note:
        manuscript = manuscripts.read(settings, epoch)
        count = len(manuscript.chapters)
        note["text"] = f"{count} chapter{'s' if count != 1 else ''}"
    if check is not None:
        _check(settings, manuscript, check, progress)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        inputs = Inputs(manuscript, store or Store(None))
        book = _fingerprint(manuscript)
        files = [b for b in builders if b.suffix]
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            made = _all([pool.submit(_make, b, inputs, book, staging, progress) for b in files])
            # The site lists the files, so it waits for them to be written, not for them to be validated.
            checking = [pool.submit(_validate, b, inputs, *m, progress) for b, m in zip(files, made) if m[2]]
            inputs.downloads.extend(artifact for artifact, _, _ in made)
            sites = [_make(b, inputs, book, staging, progress) for b in builders if not b.suffix]
            for builder, (artifact, name, fresh) in zip([b for b in builders if not b.suffix], sites):
                if fresh:
                    _validate(builder, inputs, artifact, name, fresh, progress)
            _all(checking)
        artifacts = [artifact for artifact, _, _ in made + sites]
        return _move_into_place(artifacts, out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _make(builder: Builder, inputs: Inputs, book: str, staging: Path, progress: Progress) -> tuple[Artifact, str, bool]:
    """One edition, taken from the store when everything it depends on is unchanged, else built;
    with its store key, and whether it was built (and so still has to be validated)."""
    with progress.step(builder.name) as note:
        name = key(book, builder.name, builder.fingerprint(inputs))
        target = staging / f"{inputs.slug if builder.suffix else builder.name}{builder.suffix}"
        fresh = not inputs.store.fetch(name, target)
        artifact = builder.build(inputs, staging) if fresh else Artifact(builder.name, target)
        shown = f"{artifact.path.name}{'' if builder.suffix else '/'}"
        note["text"] = f"{human_size(artifact.size())}  {shown}{'' if fresh else '  unchanged, from the cache'}"
    return artifact, name, fresh


def _validate(builder: Builder, inputs: Inputs, artifact: Artifact, name: str, fresh: bool, progress: Progress) -> None:
    """Validate a new edition, then keep it in the store: only what validated is ever reused."""
    with progress.step(f"{builder.name} valid"):
        builder.validate(inputs, artifact)
    inputs.store.keep(name, artifact.path)


def _all(futures: list) -> list:
    """Every result, in order; when one failed, wait for the others, then raise the first failure."""
    failures = [f.exception() for f in futures if f.exception() is not None]
    if failures:
        raise failures[0]
    return [f.result() for f in futures]


def _fingerprint(manuscript) -> str:
    """Everything every edition depends on: the configuration, the build time, Presswork itself, and
    every file of the book (chapters, images, the cover), by content."""
    settings = manuscript.settings
    docs = settings.docs_dir
    files = sorted((p.relative_to(docs).as_posix(), digest(p.read_bytes())) for p in docs.rglob("*") if p.is_file())
    return key(__version__, settings.text, manuscript.epoch, files)


def _check(settings: Settings, manuscript, options: checks.Options, progress: Progress) -> None:
    report = checks.run(settings, manuscript, options, progress)
    level = settings.presswork.check.fail_on
    if report.failed(level):
        progress.say(reports.render("text", report.findings, report.line_of, checked=report.checked).rstrip())
        count = sum(f.at_least(level) for f in report.findings)
        raise ContentError(
            f"the checks found {count} problem{'s' if count != 1 else ''}; nothing was built",
            hint="fix what is listed above, or build with --no-check",
        )


def _selected(settings: Settings, formats: list[str]) -> list[str]:
    for name in formats:
        if name not in BUILDERS:
            raise ConfigError(f"unknown format '{name}'", hint=f"choose from {', '.join(BUILDERS)}")
    return formats or settings.formats


def _move_into_place(artifacts: list[Artifact], out: Path, staging: Path) -> list[Artifact]:
    """Replace the previous editions by the new ones: a rename each, old folders moved aside first."""
    placed = []
    for artifact in artifacts:
        target = out / artifact.path.name
        if artifact.path.is_dir() and target.exists():
            os.replace(target, staging / f".old-{target.name}")
        os.replace(artifact.path, target)
        placed.append(Artifact(artifact.format, target))
    return placed


def _remove_stale_staging(out: Path) -> None:
    """A build that was killed outright leaves its staging folder; the next one removes it."""
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)

