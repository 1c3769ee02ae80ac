"""Translations: a book laid out for mkdocs-static-i18n, and whether each translation keeps up.

The layout is the plugin's own configuration (`plugins: - i18n:`), read as it reads it:
`docs_structure: suffix` keeps a chapter's translations beside it (`birds.md`, `birds.fr.md`),
`folder` keeps one folder per language (`en/birds.md`, `fr/birds.md`). `nav` lists the default
language's chapters. Whether a translation is current comes from git history: it is `stale` when
its source chapter has commits after the translation's last commit, `missing` when there is no
such file.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from pipeline.configuration import entries
from pipeline.configuration.config import Settings
from pipeline.tools.git import Repository

if TYPE_CHECKING:
    from pipeline.sources.manuscript import Manuscript


@dataclass(frozen=True)
class Language:
    locale: str
    name: str
    default: bool
    build: bool
    site_name: str | None = None  # the title in this language, if the plugin gives one
    site_description: str | None = None  # the description in this language, if the plugin gives one
    nav_translations: tuple[tuple[str, str], ...] = ()  # nav's titles in this language (title, translation)

    def nav_title(self, title: str | None) -> str | None:
        """`title`, as nav gives it, in this language (the plugin's `nav_translations`)."""
        return dict(self.nav_translations).get(title, title) if title else title


@dataclass(frozen=True)
class Layout:
    structure: str  # "suffix" or "folder"
    languages: tuple[Language, ...]
    fallback: bool  # a chapter missing in a language is the default language's (fallback_to_default)

    @property
    def default(self) -> Language:
        return next((language for language in self.languages if language.default), self.languages[0])

    def language(self, locale: str | None) -> Language | None:
        """The language of `locale`, if the book has it."""
        return next((language for language in self.languages if language.locale == locale), None)

    @property
    def translated(self) -> tuple[Language, ...]:
        """The languages other than the default that the site builds."""
        return tuple(language for language in self.languages if language.build and language is not self.default)

    def translation(self, chapter: str, language: Language) -> str:
        """Where `chapter` (a path under docs_dir, in the default language) is written in `language`."""
        path = PurePosixPath(chapter)
        if self.structure == "folder":
            parts = path.parts[1:] if path.parts and path.parts[0] == self.default.locale else path.parts
            return PurePosixPath(language.locale, *parts).as_posix()
        return path.with_name(f"{path.stem}.{language.locale}{path.suffix}").as_posix()

    def is_translation(self, name: str) -> bool:
        """Whether a file of docs_dir is some other language's than the default."""
        path = PurePosixPath(name)
        locales = {language.locale for language in self.languages if language is not self.default}
        if self.structure == "folder":
            return bool(path.parts) and path.parts[0] in locales
        return PurePosixPath(path.stem).suffix.lstrip(".") in locales


def read(data: dict[str, Any]) -> Layout | None:
    """The mkdocs-static-i18n layout of a book's configuration (`Settings.data`), or None when it has
    none; `Settings.layout` holds it, read once."""
    block = _plugin_block(data.get("plugins"))
    if block is None:
        return None
    languages = tuple(
        Language(
            locale=str(entry.get("locale")),
            name=str(entry.get("name") or entry.get("locale")),
            default=bool(entry.get("default", False)),
            build=bool(entry.get("build", True)),
            site_name=str(entry["site_name"]) if entry.get("site_name") else None,
            site_description=str(entry["site_description"]) if entry.get("site_description") else None,
            nav_translations=tuple((str(k), str(v)) for k, v in (entry.get("nav_translations") or {}).items()),
        )
        for entry in block.get("languages") or []
        if isinstance(entry, dict) and entry.get("locale")
    )
    if not languages:
        return None
    return Layout(
        structure=str(block.get("docs_structure", "suffix")), languages=languages, fallback=bool(block.get("fallback_to_default", True))
    )


def for_language(settings: Settings, language: Language) -> Settings:
    """The settings of `language`'s editions: its title, subtitle and description (the book's
    `languages` entry for it, else the plugin's `site_name` and `site_description` for it, else the
    default language's), its language, and file names of its own (`<slug>.<locale>.pdf`)."""
    presswork = copy.copy(settings.presswork)
    book = copy.copy(presswork.book)
    own = book.languages.get(language.locale, {})
    book["language"] = language.locale
    book["title"] = own.get("title") or language.site_name or settings.title
    book["subtitle"] = own.get("subtitle") or book.subtitle
    book["description"] = own.get("description") or language.site_description or description(settings)
    presswork["book"] = book
    presswork["slug"] = f"{settings.slug}.{language.locale}"
    return dataclasses.replace(settings, presswork=presswork, locale=language.locale)


def description(settings: Settings) -> str | None:
    """The book's description: its own, or the site's (`site_description`)."""
    return settings.presswork.book.description or settings.mkdocs.site_description or None


def chapter_file(settings: Settings, layout: Layout, name: str) -> tuple[str, bool] | None:
    """The file of the chapter nav lists as `name` in the settings' language, and whether it is the
    default language's (no translation, and the plugin falls back); None when the language has none."""
    language = layout.language(settings.locale)
    if language is None or language is layout.default:
        return name, False
    translated = layout.translation(name, language)
    if (settings.docs_dir / translated).is_file():
        return translated, False
    return (name, True) if layout.fallback else None


def _plugin_block(plugins: Any) -> dict | None:
    block = entries.options_of(plugins, "i18n")
    return None if block is None else block if isinstance(block, dict) else {}


@dataclass(frozen=True)
class Status:
    language: str
    chapter: str  # the default language's chapter, as nav lists it
    translation: str | None  # its translation, relative to the repository's root, or None when missing
    status: str  # "current", "stale" or "missing"
    behind: int  # the source's commits after the translation's last commit
    words_changed: int  # words added or removed in the source by those commits

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def statuses(manuscript: Manuscript, layout: Layout, repository: Repository) -> list[Status]:
    """For every translated language and every chapter of the default language, its translation's status.

    A few git commands for the whole book, however many chapters: one log of the docs folder gives each
    translation's last commit, one log per distinct last commit the sources changed after it, and one
    word diff per stale translation."""
    docs = manuscript.docs_dir.resolve()
    pairs = []  # (language, chapter, source, translation or None), relative to the repository
    for language in layout.translated:
        for chapter in manuscript.chapters:
            target = docs / layout.translation(chapter.name, language)
            translation = _relative(repository, target) if target.is_file() else None
            pairs.append((language.locale, chapter.name, _relative(repository, chapter.path.resolve()), translation))
    last = _last_commits(repository, _relative(repository, docs))
    after: dict[str, dict[str, int]] = {}  # a translation's last commit -> the commits of each source since
    for commit in sorted({last[t] for _, _, _, t in pairs if t in last}):
        sources = sorted({source for _, _, source, t in pairs if t is not None and last.get(t) == commit})
        after[commit] = _commits_since(repository, commit, sources)
    result = []
    for locale, chapter, source, translation in pairs:
        if translation is None:
            result.append(Status(locale, chapter, None, "missing", 0, 0))
            continue
        commit = last.get(translation)  # none: not committed yet, so newer than every commit of its source
        behind = after[commit].get(source, 0) if commit else 0
        words = _words_changed(repository, source, commit) if behind else 0
        result.append(Status(locale, chapter, translation, "stale" if behind else "current", behind, words))
    return result


def _relative(repository: Repository, path) -> str:
    return path.relative_to(repository.root).as_posix()


def _log(repository: Repository, *args: str) -> dict[str, list[str]]:
    """File -> the commits (newest first) that changed it, from one `git log --name-only`."""
    text = repository.run("log", "--format=@@%H", "--name-only", *args, config={"core.quotePath": "false"}).text
    changed: dict[str, list[str]] = {}
    commit = ""
    for line in text.splitlines():
        if line.startswith("@@"):
            commit = line[2:]
        elif line:
            changed.setdefault(line, []).append(commit)
    return changed


def _last_commits(repository: Repository, folder: str) -> dict[str, str]:
    """Each file under `folder` -> the last commit that changed it (none before the first commit)."""
    if repository.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        return {}
    return {path: commits[0] for path, commits in _log(repository, "HEAD", "--", folder or ".").items()}


def _commits_since(repository: Repository, commit: str, sources: list[str]) -> dict[str, int]:
    """Each of `sources` -> how many commits after `commit` (not reachable from it) changed it."""
    return {path: len(commits) for path, commits in _log(repository, f"{commit}..HEAD", "--", *sources).items()}


def _words_changed(repository: Repository, source: str, since: str) -> int:
    """The words added or removed in `source` from commit `since` to HEAD."""
    diff = repository.run("diff", "--word-diff=porcelain", "--no-color", since, "HEAD", "--", source).text
    return sum(len(line[1:].split()) for line in diff.splitlines() if re.match(r"^[+-](?![+-]{2} )", line))
