"""Property-based tests: the source map of the checks, and the reading of the configuration.

Markdown is generated from the constructs authors use (emphasis, links, code, lists, tables,
footnotes, admonitions, quotes, headings, non-ASCII text) with one misspelling planted at a known
place; the finding must land exactly there. Configurations are generated around a valid one; reading
them must end in settings or in a PressworkError, never in a traceback.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.checks import prose, spelling
from pipeline.configuration import config, trust
from pipeline.errors import PressworkError
from pipeline.sources.manuscript import Chapter

TYPO = "recieve"  # codespell: receive
WORDS = ["harbour", "ships", "the", "sea", "calm", "Ångström", "naïve", "café", "über", "日本", "🙂", "light", "north", "tide"]


@st.composite
def inline(draw, planted: bool) -> tuple[str, int | None]:
    """A run of inline Markdown; with `planted`, the misspelling somewhere in its prose, and its offset."""
    pieces: list[tuple[str, int | None]] = []
    count = draw(st.integers(1, 6))
    where = draw(st.integers(0, count - 1)) if planted else -1
    for index in range(count):
        word = TYPO if index == where else draw(st.sampled_from(WORDS))
        other = draw(st.sampled_from(WORDS))
        kind = draw(st.sampled_from(["plain", "emphasis", "strong", "link", "code", "both"]))
        if kind == "code" and index == where:
            kind = "plain"  # code is never checked: the typo goes in prose
        before, after = {
            "plain": ("", ""),
            "emphasis": ("*", "*"),
            "strong": ("**", f" {other}**"),
            "link": ("[", f" {other}](other.md)"),
            "code": ("`", "`"),
            "both": (f"**{other} *", "***"),
        }[kind]
        pieces.append((f"{before}{word}{after}", len(before) if index == where else None))
    text, offset = "", None
    for piece, at in pieces:
        if text:
            text += " "
        if at is not None:
            offset = len(text) + at
        text += piece
    return text, offset


@st.composite
def block(draw, planted: bool) -> tuple[str, int | None]:
    """One block of Markdown and the offset of the misspelling in it (None: not planted here)."""
    kind = draw(st.sampled_from(["paragraph", "heading", "bullets", "numbers", "quote", "table", "footnote", "admonition", "title"]))
    text, at = draw(inline(planted))
    if kind == "paragraph":
        return text, at
    if kind == "heading":
        return f"## {text}", None if at is None else at + 3
    if kind in ("bullets", "numbers"):
        marker = "- " if kind == "bullets" else "1. "
        first, _ = draw(inline(False))
        return f"{marker}{first}\n{marker}{text}", None if at is None else len(marker) * 2 + len(first) + 1 + at
    if kind == "quote":
        return f"> {text}", None if at is None else at + 2
    if kind == "table":
        cell, _ = draw(inline(False))
        head = "| Harbour | Tide |\n|---|---|\n"
        return f"{head}| {cell} | {text} |", None if at is None else len(head) + len(cell) + 5 + at
    if kind == "footnote":
        lead, _ = draw(inline(False))
        reference = f"{lead}[^n].\n\n[^n]: "
        return reference + text, None if at is None else len(reference) + at
    if kind == "admonition":
        head = '!!! note "Calm sea"\n\n    '
        return head + text, None if at is None else len(head) + at
    word = TYPO if planted else draw(st.sampled_from(["harbour", "naïve", "café"]))
    head = '!!! tip "North '
    return f'{head}{word} light"\n\n    {text if not planted else "calm sea"}', len(head) if planted else None


@st.composite
def document(draw) -> tuple[str, int]:
    """A chapter with one misspelling, and the misspelling's offset."""
    count = draw(st.integers(1, 5))
    planted = draw(st.integers(0, count - 1))
    offset = None
    text = "# Chapter\n\n"
    for index in range(count):
        piece, at = draw(block(index == planted))
        if at is not None:
            offset = len(text) + at
        text += piece + "\n\n"
    assert offset is not None and text[offset : offset + len(TYPO)] == TYPO
    return text, offset


def _chapter(text: str) -> Chapter:
    return Chapter(name="index.md", path=Path("index.md"), display="book/index.md", title=None, text=text, body_line=1)


def _expected(text: str, offset: int) -> tuple[int, int, int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column, line, column + len(TYPO)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_the_source_map_leads_back_to_the_planted_word(generated):
    text, offset = generated
    extracted = prose.extract(_chapter(text))
    places = [
        extracted.span(unit, index, index + len(TYPO))
        for unit in extracted.units
        for index in [i for i in range(len(unit.text)) if unit.text.startswith(TYPO, i)]
    ]
    assert places == [_expected(text, offset)], text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_codespell_finds_the_planted_word_exactly_there(generated):
    text, offset = generated
    findings = spelling.check([prose.extract(_chapter(text))], book_language="en", timeout=60)
    assert [(f.line, f.column, f.end_line, f.end_column) for f in findings] == [_expected(text, offset)], text
    assert findings[0].suggestions == ("receive",)


# --- configurations -----------------------------------------------------------------------------

VALID = {
    "site_name": "Fuzzed",
    "docs_dir": "book",
    "theme": {"name": "material", "font": False},
    "nav": ["index.md"],
    "markdown_extensions": ["toc", "attr_list", "footnotes", "admonition"],
    "plugins": ["search", {"presswork": {"book": {"title": "Fuzzed", "cover": "cover.png"}, "formats": ["pdf"]}}],
}
KEYS = [
    "site_name", "docs_dir", "theme", "nav", "plugins", "markdown_extensions", "hooks", "strict", "extra",
    "presswork", "book", "title", "authors", "language", "identifier", "cover", "formats", "timeout",
    "max_chapter_bytes", "max_image_bytes", "untrusted_when", "check", "grammar", "rules", "languagetool_heap",
    "workers", "publish", "tag_pattern", "branch", "remote", "target", "directory", "custom_dir", "name",
]  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(["", "~", "..", "/etc/passwd", "material", "search", "presswork", "pdf", "v(", "[", "1g", "0"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value, prefix=()):
    """Every place in a nested mapping or list where a value could be put."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


@st.composite
def configurations(draw) -> str:
    """The valid configuration with a few values replaced, or keys added, anywhere in it."""
    data = yaml.safe_load(yaml.safe_dump(VALID))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(list(_paths(data))))
        value = draw(values)
        if not where:
            replace = draw(st.booleans()) or not isinstance(data, dict)
            data = value if replace else {**data, draw(st.sampled_from(KEYS)): value}
            continue
        parent = data
        for step in where[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = value
        else:
            parent[where[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True)


_FOLDER = Path(tempfile.mkdtemp(prefix="presswork-fuzz-"))
(_FOLDER / "book").mkdir()
(_FOLDER / "book" / "index.md").write_text("# Fuzzed\n\nText.\n")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configurations(), st.booleans())
@example(
    "docs_dir: true\nnav: [index.md]\nplugins: [search, {presswork: {book: {cover: cover.png}}}]\nsite_name: x\n", False
)  # the cover's place
def test_any_configuration_is_read_or_refused_never_a_traceback(text, untrusted):
    path = _FOLDER / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    try:
        config.load(path, trust.Trust(False, "--untrusted") if untrusted else trust.TRUSTED)
    except PressworkError as error:
        assert str(error).strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@example("?")  # a mapping whose one key is null
def test_any_text_as_a_configuration_is_read_or_refused(text):
    path = _FOLDER / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    try:
        config.load(path)
    except PressworkError:
        pass


def teardown_module() -> None:
    shutil.rmtree(_FOLDER, ignore_errors=True)
