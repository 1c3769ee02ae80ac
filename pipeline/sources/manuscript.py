"""The manuscript: the chapters `nav` names, in order, read once, with their front matter.

A chapter's text is decoded (UTF-8, an optional byte-order mark, CRLF accepted) and its front matter
split off; `body_line` keeps the line numbers of the body true to the file on disk.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.configuration import translations
from pipeline.configuration.config import Settings
from pipeline.errors import ConfigError, ContentError, what_is
from pipeline.sources import navigation


@dataclass(frozen=True)
class Chapter:
    """One Markdown file of the book."""

    name: str  # its path inside docs_dir, with forward slashes: `guide/install.md`
    path: Path  # where it is on disk
    display: str  # how messages name it: its path relative to the book's root
    title: str | None  # the title nav gives it, if any
    text: str  # the Markdown body, front matter removed, LF line ends
    body_line: int  # the line of the file on which `text` starts (1-based)
    meta: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # SHA-256 of the file's bytes

    @property
    def stem(self) -> str:
        return posixpath.splitext(self.name)[0].replace("/", "-")

    def position(self, offset: int) -> tuple[int, int]:
        """The line and column (1-based, in the file) of an offset in `text`."""
        before = self.text[:offset]
        return self.body_line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1

    def position_of(self, *needles: str) -> tuple[int | None, int | None]:
        """The line and column (1-based, in the file) where the first of `needles` first appears."""
        lines = self.text.split("\n")
        for needle in needles:
            for offset, line in enumerate(lines):
                column = line.find(needle)
                if column >= 0:
                    return self.body_line + offset, column + 1
        return None, None


@dataclass(frozen=True)
class Manuscript:
    """The ordered chapters of one book, with the settings they were read under."""

    settings: Settings
    chapters: tuple[Chapter, ...]
    epoch: int  # the build time, from `pipeline.clock`
    unlisted: tuple[str, ...] = ()  # Markdown files of docs_dir that nav does not list (on the site only)
    missing: tuple[str, ...] = ()  # files nav lists that are not there (a warning, as MkDocs gives it; in strict mode an error)
    fallbacks: tuple[str, ...] = ()  # in a translated language, the chapters shown in the default language
    original: str = ""  # the default language, which `fallbacks` are written in
    parts: tuple[tuple[str, str], ...] = ()  # (chapter, title): the nav's sections, each heading the chapters from that one on

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def docs_dir(self) -> Path:
        return self.settings.docs_dir

    def chapter(self, name: str) -> Chapter | None:
        return next((chapter for chapter in self.chapters if chapter.name == name), None)


def read(settings: Settings, epoch: int) -> Manuscript:
    """Read every chapter of the nav MkDocs resolves (`pipeline.sources.navigation`), in order; of a book in
    several languages, every chapter its `nav` names. A file nav names that is not there is left out,
    as MkDocs leaves it out with a warning (`missing`); in strict mode it is an error at its nav line."""
    languages = settings.layout  # another language's chapters are that language's, not unlisted ones
    written = nav_entries(settings)
    resolved = None if languages else navigation.resolve(settings)
    generated = dict(resolved.generated) if resolved else {}  # pages a plugin wrote: no file holds them
    missing = tuple(name for name, _ in written if not (settings.docs_dir / name).is_file() and name not in generated)
    if missing and settings.mkdocs.strict:
        read_chapter(settings, missing[0])  # raises, naming it
    entries = [(name, title) for name, title in (resolved.entries if resolved else written) if name not in missing]
    if not entries:
        if missing:
            read_chapter(settings, missing[0])  # raises: nothing is left to build
        raise ConfigError("nav lists no chapters", path=settings.path.name, hint="list the chapters under nav: in reading order")
    files = _files(settings)
    listed = {name for name, _ in entries}
    fallbacks: tuple[str, ...] = ()
    if settings.locale and languages:  # a translated language: each chapter's translation, or the default's
        language = languages.language(settings.locale) or languages.default
        found = [(translations.chapter_file(settings, languages, name), language.nav_title(title)) for name, title in entries]
        entries = [(chosen[0], title) for chosen, title in found if chosen is not None]
        fallbacks = tuple(chosen[0] for chosen, _ in found if chosen is not None and chosen[1])
    chapters = tuple(read_chapter(settings, name, title, generated.get(name)) for name, title in entries)
    if resolved:
        unlisted = resolved.unlisted
    else:
        unlisted = tuple(
            sorted(
                name for name in files if name.endswith(".md") and name not in listed and not (languages and languages.is_translation(name))
            )
        )
    original = languages.default.locale if fallbacks and languages else ""
    sections = resolved.parts if resolved else _nav_parts(settings)
    if settings.locale and languages:
        language = languages.language(settings.locale) or languages.default
        sections = tuple(
            (chosen[0], language.nav_title(title) or title)
            for name, title in sections
            if (chosen := translations.chapter_file(settings, languages, name))
        )
    return Manuscript(
        settings=settings, chapters=chapters, epoch=epoch, unlisted=unlisted, missing=missing, fallbacks=fallbacks, original=original,
        parts=_parts(sections, chapters, indexes=_indexes(settings)),
    )  # fmt: skip


def _parts(sections, chapters: tuple[Chapter, ...], *, indexes: bool) -> tuple[tuple[str, str], ...]:
    """The sections that head their chapters in the book, but not one opened by a page of its own:
    its first chapter has the section's title (but for an article: "The gallery" opens "Gallery")
    or, with Material's `navigation.indexes` (`indexes`), is its folder's `index.md` (or `README.md`),
    as the site shows it. (A section that section-index makes a page is none of `sections`.) Without
    `navigation.indexes`, the site shows a folder's `index.md` as the section's first page, under the
    section's title: so does the book."""
    names = [chapter.name for chapter in chapters]
    parts = []
    for name, title in sections:
        chapter = chapters[names.index(name)] if name in names else None
        if chapter is None or indexes and posixpath.basename(name).lower() in ("index.md", "readme.md"):
            continue
        own = chapter.title or next(iter(re.findall(r"^# +(.+?)\s*$", chapter.text, re.MULTILINE)), "")
        if _titled(own) != _titled(title):
            parts.append((name, title))
    return tuple(parts)


def _titled(title: str) -> str:
    """A title as compared with a section's: "The gallery {#gallery}" opens "Gallery"."""
    title = re.sub(r"\s*\{[^{}]*\}\s*$", "", title)  # a heading's attribute list is no part of its title
    return re.sub(r"^(?:the|an?) ", "", " ".join(title.split()).casefold())


def _indexes(settings: Settings) -> bool:
    """Whether the theme opens a section with its folder's index page (Material's `navigation.indexes`)."""
    theme = settings.data.get("theme")
    features = theme.get("features") if isinstance(theme, dict) else None
    return isinstance(features, list) and "navigation.indexes" in features


def _nav_parts(settings: Settings) -> tuple[tuple[str, str], ...]:
    """The sections at the top of `nav` as written: (the first file under each, its title)."""
    parts = []
    for item in settings.mkdocs.nav or []:
        if isinstance(item, dict) and len(item) == 1:
            ((title, value),) = item.items()
            first = next((name for name, _ in _flattened(value)), None) if isinstance(value, list) else None
            if isinstance(title, str) and title.strip() and first:
                parts.append((first, title))
    return tuple(parts)


def _files(settings: Settings) -> list[str]:
    """Every file of docs_dir (which MkDocs publishes, following symbolic links), by its name in it;
    a symbolic link that leads out of the book's folder is refused, in every run and every edition,
    unless, in a trusted run, it leads to a file of the git repository the book is in (a docs folder
    in a subfolder of a project, linking the project's logo)."""
    root, docs = _linkable(settings), settings.docs_dir
    names: list[str] = []
    seen: set[str] = set()
    for folder, folders, files in os.walk(docs, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a link back to a folder already read: MkDocs would loop, we stop
            folders[:] = []
            continue
        seen.add(real)
        for name in [*folders, *files]:
            path = Path(folder) / name
            if path.is_symlink():
                try:
                    target = path.resolve()
                except (OSError, RuntimeError):  # a loop of links
                    target = Path(os.readlink(path))
                if not target.is_relative_to(root):
                    raise ContentError(
                        f"a symbolic link to '{os.readlink(path)}', which is outside the book's folder",
                        path=_display(settings, path, resolve=False),
                        hint="copy the file into the book, or remove the link",
                    )
            if name in files and not path.is_file():  # MkDocs would read a named pipe and wait forever
                raise ContentError(
                    f"is {what_is(path)}, not a file", path=_display(settings, path, resolve=False),
                    hint=f"remove it from {docs.name}/: every file there is published",
                )  # fmt: skip
        names.extend(Path(folder, name).relative_to(docs).as_posix() for name in files)
    return names


_NOTE = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:")
_DELIMITER_ROW = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def _bounded(text: str, first_line: int, display: str, settings: Settings) -> None:
    """Stop at more footnotes in a chapter, or rows in one of its tables, than `max_footnotes` and
    `max_table_rows` allow: past them the editions' checkers take minutes, and such a chapter is
    a data file more than prose. Said at the line of the first one over."""
    notes, rows = settings.presswork.max_footnotes, settings.presswork.max_table_rows
    counted, table = 0, -1  # footnotes so far; rows of the table being read (-1: none)
    for number, line in enumerate(text.split("\n"), first_line):
        if _NOTE.match(line):
            counted += 1
            if counted > notes:
                raise ContentError(
                    f"more than {notes:,} footnotes in one chapter", path=display, line=number,
                    hint="split the chapter, or raise max_footnotes",
                )  # fmt: skip
        if table >= 0 and "|" in line and line.strip():
            table += 1
            if table > rows:
                raise ContentError(
                    f"a table of more than {rows:,} rows", path=display, line=number,
                    hint="split the table, offer it as a file to download, or raise max_table_rows",
                )  # fmt: skip
        else:
            table = 0 if "|" in line and "-" in line and _DELIMITER_ROW.match(line) else -1


def _linkable(settings: Settings) -> Path:
    """Where the book's symbolic links may lead: its own folder or, in a trusted run, the work tree of
    the git repository it is in."""
    root = settings.root.resolve()
    if settings.trust.trusted:
        for folder in (root, *root.parents):
            if (folder / ".git").exists():
                return folder
    return root


def nav_entries(settings: Settings) -> list[tuple[str, str | None]]:
    """The (file, title) pairs of `nav`, flattened in reading order; external links are left out."""
    return _flattened(settings.mkdocs.nav or [])


def _flattened(nav: Any) -> list[tuple[str, str | None]]:
    entries: list[tuple[str, str | None]] = []

    def walk(items: Any, title: str | None = None) -> None:
        if isinstance(items, str):
            if "://" not in items and items.endswith(".md"):
                entries.append((posixpath.normpath(items), title))
        elif isinstance(items, list):
            for item in items:
                walk(item)
        elif isinstance(items, dict):
            for key, value in items.items():
                walk(value, key if isinstance(value, str) else None)

    walk(nav)
    return entries


def read_chapter(settings: Settings, name: str, title: str | None = None, written: bytes | None = None) -> Chapter:
    """One chapter, by its path inside docs_dir; `written`: what a plugin wrote for it (gen-files), no file."""
    docs_dir = settings.docs_dir
    path = docs_dir / name
    display = _display(settings, path)
    nav_line = settings.line_mentioning(name)
    if written is None and not Path(os.path.normpath(docs_dir.absolute() / name)).is_relative_to(docs_dir.absolute()):
        raise ConfigError(f"nav entry '{name}' points outside {docs_dir.name}/", path=settings.path.name, line=nav_line)
    if written is None and path.is_symlink() and not path.resolve().is_relative_to(_linkable(settings)):
        raise ContentError(  # a link inside the docs folder may lead into the git work tree (`_files`), no further
            f"a symbolic link to '{os.readlink(path)}', which is outside the book's folder",
            path=_display(settings, path, resolve=False),
            hint="copy the file into the book, or remove the link",
        )
    if written is None and not path.is_file():
        raise ContentError(
            f"nav lists '{name}', which does not exist in {_display(settings, docs_dir)}/",
            path=settings.path.name,
            line=nav_line,
            hint="create the chapter or remove it from nav",
        )
    data = path.read_bytes() if written is None else written
    limit = settings.presswork.max_chapter_bytes
    if len(data) > limit:
        raise ContentError(
            f"chapter is {len(data):,} bytes, over the limit of {limit:,}",
            path=display,
            line=1,
            hint="split it into several chapters or raise max_chapter_bytes",
        )
    text = _decode(data, display)
    body, meta, body_line = _split_front_matter(text, display)
    if not body.strip():
        raise ContentError("the chapter is empty", path=display, line=body_line, hint="write its text, or take it out of nav")
    _bounded(body, body_line, display, settings)
    return Chapter(
        name=name,
        path=path,
        display=display,
        title=title or _meta_title(meta),
        text=body,
        body_line=body_line,
        meta=meta,
        digest=hashlib.sha256(data).hexdigest(),
    )


def _display(settings: Settings, path: Path, *, resolve: bool = True) -> str:
    try:
        return (path.resolve() if resolve else path.absolute()).relative_to(settings.root).as_posix()
    except ValueError:
        return str(path)


def _decode(data: bytes, display: str) -> str:
    if b"\x00" in data[:8192]:
        raise ContentError("this is a binary file, not a Markdown chapter", path=display, line=1, hint="list Markdown files in nav")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ContentError(
            f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            path=display,
            line=line,
            column=column,
            hint="save the file as UTF-8",
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str, display: str) -> tuple[str, dict[str, Any], int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text, {}, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise ContentError("front matter starts with '---' but never ends", path=display, line=1, hint="close it with a '---' line")
    source = "\n".join(lines[1:index])
    try:
        meta = yaml.safe_load(source) if source.strip() else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ContentError(
            f"invalid YAML front matter: {' '.join(str(error.problem or error).split())}",
            path=display,
            line=(mark.line + 2) if mark else 1,
            hint="fix the YAML between the '---' lines",
        ) from error
    except yaml.YAMLError as error:
        raise ContentError(f"invalid YAML front matter: {error}", path=display, line=1) from error
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of keys to values", path=display, line=2, hint="write it as 'key: value' lines")
    return "\n".join(lines[index + 1 :]), meta, index + 2


def _meta_title(meta: dict[str, Any]) -> str | None:
    title = meta.get("title")
    return str(title) if title is not None else None
