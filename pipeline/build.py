"""The build: manuscript, then each edition into a staging folder, then everything moved into place.

Nothing is half-written: the editions are built and validated in `OUT/.staging-*`, and only when all
of them succeeded are they moved over the previous ones. On any failure `OUT` is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pipeline import checks
from pipeline import manuscript as manuscripts
from pipeline.checks import reports
from pipeline.config import Settings
from pipeline.errors import ConfigError, ContentError
from pipeline.formats import BUILDERS, Artifact, Inputs, human_size
from pipeline.progress import Progress

STAGING_PREFIX = ".staging-"


def build(
    settings: Settings,
    *,
    formats: list[str],
    out: Path,
    epoch: int,
    progress: Progress,
    check: checks.Options | None = None,
) -> list[Artifact]:
    """Build `formats` (all the configured ones when empty) of the book into `out`, after the checks
    (unless `check` is None) have passed."""
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
        inputs = Inputs(manuscript)
        artifacts = []
        for builder in builders:
            with progress.step(builder.name) as note:
                artifact = builder.build(inputs, staging)
                builder.validate(inputs, artifact)
                note["text"] = f"{human_size(artifact.size())}  {artifact.path.name}{'/' if builder.suffix == '' else ''}"
            artifacts.append(artifact)
            if builder.suffix:
                inputs.downloads.append(artifact)
        return _move_into_place(artifacts, out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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

