"""Translations that fell behind their source, as warnings at the translation's first line.

A book laid out for mkdocs-static-i18n has each chapter's translations; `pipeline.configuration.translations`
tells from git history which of them are stale (their source has commits after their own last
commit). Each stale one is a `translations/stale-translation` finding on the translation, so it is
reported, filtered and levelled (`check.rules: {stale-translation: off}`) like any other finding.
"""

from __future__ import annotations

from pipeline.checks.findings import Finding
from pipeline.configuration import translations
from pipeline.configuration.config import Settings
from pipeline.errors import ConfigError
from pipeline.sources.manuscript import Manuscript
from pipeline.tools.git import Repository

RULE = "stale-translation"


def stale(settings: Settings, manuscript: Manuscript, layout: translations.Layout) -> list[Finding] | None:
    """A warning for each stale translation; None when the book is not in a git repository."""
    try:
        repository = Repository.find(settings.root, timeout=settings.presswork.timeout)
    except ConfigError:
        return None
    root = settings.root.resolve()
    findings = []
    for status in translations.statuses(manuscript, layout, repository):
        if status.status != "stale" or status.translation is None:
            continue
        path = repository.root / status.translation
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else status.translation
        first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        commits = f"{status.behind} commit{'s' if status.behind != 1 else ''}"
        source = next(chapter.display for chapter in manuscript.chapters if chapter.name == status.chapter)
        message = (
            f"this {status.language} translation is {commits} behind {source} ({status.words_changed} words changed since it "
            "last changed): bring it up to date and commit it"
        )
        findings.append(Finding(display, 1, 1, 1, max(2, len(first) + 1), "warning", "translations", RULE, message, (), status.language))
    return findings
