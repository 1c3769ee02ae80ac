"""What changed in a book between two commits, chapter by chapter, written as text, JSON or Markdown.

A chapter is a file `nav` lists. Between the two sides a chapter is `added` (listed only in the newer
`nav`), `removed` (only in the older), `renamed` (git's rename detection pairs its old and new file),
`changed` (same file, different text) or `unchanged`. In a book laid out for mkdocs-static-i18n, a
chapter changed while its translation in some language stayed as it was makes that translation
`stale`, and a chapter added without a translation leaves it `untranslated`. Words are the whitespace-separated words of the
chapter's Markdown (front matter left out); the words added and removed are those of a word-level
comparison of the two texts, so rewording one word counts one added and one removed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass

from pipeline.configuration import translations
from pipeline.review.history import Range, Snapshot
from pipeline.sources.manuscript import Chapter
from pipeline.tools.git import Repository

STATUSES = ("added", "removed", "renamed", "changed", "unchanged")
FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class ChapterChange:
    status: str  # one of STATUSES
    path: str  # relative to mkdocs.yml; for a removed chapter, where it was
    old_path: str | None  # where a renamed chapter was
    title: str
    words: int  # in the newer side (0 when removed)
    words_added: int
    words_removed: int


@dataclass(frozen=True)
class TranslationChange:
    status: str  # "stale" (its chapter changed, it did not) or "untranslated" (its chapter is new)
    language: str
    chapter: str  # the default language's chapter, relative to mkdocs.yml
    translation: str  # where the translation is (or would be), relative to mkdocs.yml


@dataclass(frozen=True)
class BookDiff:
    span: Range
    chapters: tuple[ChapterChange, ...]  # in the newer reading order, removed ones where they were
    translations: tuple[TranslationChange, ...] = ()  # what the change does to each language's translations

    def count(self, status: str) -> int:
        return sum(change.status == status for change in self.chapters)

    @property
    def words_added(self) -> int:
        return sum(change.words_added for change in self.chapters)

    @property
    def words_removed(self) -> int:
        return sum(change.words_removed for change in self.chapters)

    @property
    def changed(self) -> tuple[ChapterChange, ...]:
        return tuple(change for change in self.chapters if change.status != "unchanged")


def words(text: str) -> list[str]:
    return text.split()


def word_counts(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) going from `old` to `new`."""
    before, after = words(old), words(new)
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def pairs(repo: Repository, base: Snapshot, head: Snapshot) -> list[tuple[Chapter | None, Chapter | None]]:
    """The chapters of both sides paired (old, new), in the newer reading order; None where a side has none."""
    old = {chapter.display: chapter for chapter in base.manuscript.chapters}
    new = {chapter.display: chapter for chapter in head.manuscript.chapters}
    folder = head.in_repo(head.settings.docs_dir.relative_to(head.settings.root).as_posix())
    moved = {}
    for before, after in repo.renames(base.revision.commit, head.revision.commit, folder).items():
        before_display, after_display = _display(base, before), _display(head, after)
        if before_display in old and after_display in new and before_display not in new and after_display not in old:
            moved[after_display] = before_display
    used = set(moved.values())
    paired: list[tuple[Chapter | None, Chapter | None]] = []
    removed = [name for name in old if name not in new and name not in used]
    order = list(old)
    for display, chapter in new.items():
        before = moved.get(display, display if display in old else None)
        if before is not None:  # removed chapters that came before this one in the older order go first
            while removed and order.index(removed[0]) < order.index(before):
                paired.append((old[removed.pop(0)], None))
        paired.append((old.get(before) if before else None, chapter))
    paired.extend((old[name], None) for name in removed)
    return paired


def compare(repo: Repository, span: Range, base: Snapshot, head: Snapshot) -> BookDiff:
    changes = []
    layout = head.settings.layout
    translated: list[TranslationChange] = []
    for before, after in pairs(repo, base, head):
        if after is None:
            changes.append(ChapterChange("removed", before.display, None, _title(before), 0, 0, len(words(before.text))))
            continue
        if layout is not None:
            translated += _translations(layout, base, head, before, after)
        if before is None:
            count = len(words(after.text))
            changes.append(ChapterChange("added", after.display, None, _title(after), count, count, 0))
            continue
        added, removed = word_counts(before.text, after.text)
        if before.display != after.display:
            status, old_path = "renamed", before.display
        else:
            status, old_path = ("changed" if before.text != after.text or before.meta != after.meta else "unchanged"), None
        changes.append(ChapterChange(status, after.display, old_path, _title(after), len(words(after.text)), added, removed))
    return BookDiff(span, tuple(changes), tuple(translated))


def _translations(
    layout: translations.Layout, base: Snapshot, head: Snapshot, before: Chapter | None, after: Chapter
) -> list[TranslationChange]:
    """The translations of `after` this change leaves behind: stale when the chapter's text changed
    and the translation's did not, untranslated when the chapter is new and has none."""
    if before is not None and before.text == after.text:
        return []
    found = []
    for language in layout.translated:
        name = layout.translation(after.name, language)
        now = head.settings.docs_dir / name
        shown = now.relative_to(head.settings.root).as_posix()
        if before is None:
            if not now.is_file():
                found.append(TranslationChange("untranslated", language.locale, after.display, shown))
            continue
        was = base.settings.docs_dir / layout.translation(before.name, language)
        if now.is_file() and was.is_file() and now.read_bytes() == was.read_bytes():
            found.append(TranslationChange("stale", language.locale, after.display, shown))
    return found


def _display(side: Snapshot, in_repo: str) -> str:
    return in_repo.removeprefix(f"{side.prefix}/") if side.prefix else in_repo


def _title(chapter: Chapter) -> str:
    if chapter.title:
        return chapter.title
    for line in chapter.text.split("\n"):
        if line.startswith("# "):
            return line[2:].strip()
    return chapter.stem.replace("-", " ").capitalize()


# --- writing it down ---------------------------------------------------------------------------------


def render(kind: str, diff: BookDiff) -> str:
    return {"text": _text, "json": _json, "markdown": _markdown}[kind](diff)


def _headline(diff: BookDiff) -> str:
    counts = [f"{diff.count(status)} {status}" for status in STATUSES if diff.count(status)]
    return f"{', '.join(counts) or 'no chapters'}; {_signed(diff.words_added, '+')} {_signed(diff.words_removed, '-')} words"


def _signed(number: int, sign: str) -> str:
    return f"{sign}{number:,}"


def _text(diff: BookDiff) -> str:
    span = diff.span
    out = [f"{span.text} ({span.base.short}..{span.head.short}): {_headline(diff)}"]
    shown = diff.changed
    width = max((len(_where(change)) for change in shown), default=0)
    for change in shown:
        numbers = f"{_signed(change.words_added, '+'):>7} {_signed(change.words_removed, '-'):>7}"
        out.append(f"  {change.status:<8} {_where(change):<{width}}  {numbers}  {change.title}")
    if not shown:
        out.append("  no chapter changed")
    for change in diff.translations:
        out.append(f"  {change.status:<12} {change.language:<5} {change.translation}  ({_because(change)})")
    return "\n".join(out) + "\n"


def _because(change: TranslationChange) -> str:
    return f"{change.chapter} changed" if change.status == "stale" else f"{change.chapter} is new"


def _where(change: ChapterChange) -> str:
    return f"{change.old_path} -> {change.path}" if change.old_path else change.path


def _json(diff: BookDiff) -> str:
    span = diff.span
    document = {
        "from": {"ref": span.base.ref, "commit": span.base.commit},
        "to": {"ref": span.head.ref, "commit": span.head.commit},
        "totals": {
            **{status: diff.count(status) for status in STATUSES},
            "words_added": diff.words_added,
            "words_removed": diff.words_removed,
        },
        "chapters": [asdict(change) for change in diff.chapters],
        "translations": [asdict(change) for change in diff.translations],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _markdown(diff: BookDiff) -> str:
    span = diff.span
    out = [
        "### What changed in the book",
        "",
        f"`{_code(span.text)}` (`{span.base.short}`..`{span.head.short}`): {_headline(diff)}.",
        "",
    ]
    if not diff.changed:
        return "\n".join([*out, "No chapter changed."]) + "\n"
    out += ["| Chapter | Change | Words added | Words removed |", "|---|---|---:|---:|"]
    for change in diff.changed:
        where = f"`{_code(change.old_path)}` → `{_code(change.path)}`" if change.old_path else f"`{_code(change.path)}`"
        out.append(f"| {_cell(change.title)} ({where}) | {change.status} | {change.words_added:,} | {change.words_removed:,} |")
    if diff.translations:
        stale = sum(change.status == "stale" for change in diff.translations)
        untranslated = len(diff.translations) - stale
        counts = [
            f"makes {stale} translation{'s' if stale != 1 else ''} stale" if stale else "",
            f"leaves {untranslated} untranslated" if untranslated else "",
        ]
        out += [
            "",
            "#### Translations",
            "",
            f"This change {' and '.join(c for c in counts if c)}:",
            "",
            "| Translation | Language | Why |",
            "|---|---|---|",
        ]
        for change in diff.translations:
            out.append(
                f"| `{_code(change.translation)}` | {_cell(change.language)} | {change.status}: `{_code(change.chapter)}` {'changed' if change.status == 'stale' else 'is new'} |"
            )
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipe, no HTML, on one line."""
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").split())


def _code(text: str) -> str:
    return text.replace("`", "'")
