"""`presswork check` on technical writing: the names a book writes as code are no misspellings in its
prose, "a" or "an" before inline code is judged by how the code is read, and LanguageTool's style
rules are off unless the book turns them on; the real mistakes beside them are still found, at their
place (real codespell and LanguageTool, on the small books under tests/books/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, presswork

CODE_WORDS = TESTS / "books" / "code-words"
ARTICLES = TESTS / "books" / "article-before-code"
STYLE = TESTS / "books" / "style-rules"


def _check(book: Path) -> list[dict]:
    run = presswork("check", "--format", "json", "--quiet", cwd=book)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def _at(book: Path, piece: str, word: str) -> tuple[int, int]:
    """The line and column of `word` in the one line of index.md that holds `piece`."""
    lines = (book / "book" / "index.md").read_text(encoding="utf-8").split("\n")
    (number,) = [n for n, line in enumerate(lines, 1) if piece in line]
    return number, lines[number - 1].index(piece) + piece.index(word) + 1


def _word(book: Path, finding: dict) -> str:
    line = (book / finding["path"]).read_text(encoding="utf-8").split("\n")[finding["line"] - 1]
    return line[finding["column"] - 1 : finding["end_column"] - 1]


def test_names_the_code_writes_in_one_chapter_are_no_misspellings_in_another(tmp_path):
    book = copy_book(CODE_WORDS, tmp_path / "book")
    config = book / "mkdocs.yml"  # unknown names inside a sentence reported too: the code's are still none
    config.write_text(config.read_text() + "      check:\n        rules: {NAMES: warning}\n")
    found = _check(book)
    assert [(f["line"], f["column"], f["engine"], f["rule"]) for f in found] == [
        (*_at(book, "will recieve the", "recieve"), "codespell", "codespell"),  # in a code comment too: still a misspelling
        (*_at(book, "Lokcs are released", "Lokcs"), "languagetool", "MORFOLOGIK_RULE_EN_US"),  # so is this one
    ]
    assert found[1]["message"].endswith("(1 more in this chapter)")  # an unknown word is said once a chapter
    # `Arc`, `Mutex`, `Deref`, `Mutexes`, `Zwinlatch` and `Zwinlatches` are the code's; `behaviour` is
    # English (the book's language is `en`, not `en-US`); `Hishel` is the name its link's address spells,
    # `httpdbg` a part of an address; `hashable`, `subcommand` and `dict-like` are words of software; "a
    # transport" and "the optional installs" are no grammar mistakes in technical writing.

    (book / "book" / "api.md").unlink()
    config.write_text(config.read_text().replace("  - api.md\n", ""))
    unknown = {_word(book, f) for f in _check(book) if f["rule"] == "MORFOLOGIK_RULE_EN_US"}
    # without the code, its own names are unknown words; `Mutex` and `Deref` are words of software still
    assert unknown == {"Zwinlatch", "Zwinlatches", "Lokcs"}


def test_an_article_before_inline_code_is_judged_by_how_the_code_is_read(tmp_path):
    book = copy_book(ARTICLES, tmp_path / "book")
    found = [(f["line"], f["column"], f["rule"]) for f in _check(book)]
    assert found == [
        (*_at(book, "Use a `Arc`", "a"), "EN_A_VS_AN"),  # `Arc` starts with a vowel: "an"
        (*_at(book, "an unique idea", "an"), "EN_A_VS_AN"),
    ]
    # "an `Arc`" and "a `Mutex`" are right; "a `mkdocs`" and "an `mkdocs`" both, as it is read "em-kay" or "make".


def test_style_rules_are_off_unless_the_book_turns_them_on(tmp_path):
    book = copy_book(STYLE, tmp_path / "book")
    found = [(f["line"], f["rule"], f["severity"]) for f in _check(book)]
    assert found == [(_at(book, "He go", "go")[0], "HE_VERB_AGR", "error")]

    config = book / "mkdocs.yml"
    config.write_text(
        config.read_text() + "      check:\n        rules: {SENT_START_CONJUNCTIVE_LINKING_ADVERB_COMMA: warning, REDUNDANCY: info}\n"
    )
    found = [(f["line"], f["rule"], f["severity"]) for f in _check(book)]
    assert found == [
        (_at(book, "However", "However")[0], "SENT_START_CONJUNCTIVE_LINKING_ADVERB_COMMA", "warning"),  # by its id
        (_at(book, "He go", "go")[0], "HE_VERB_AGR", "error"),
        (_at(book, "All of the", "All")[0], "ALL_OF_THE", "info"),  # by its category
    ]


@pytest.mark.parametrize(
    "code, heard",
    [("Arc", "vowel"), ("async def main()", "vowel"), ("x", "vowel"), ("EOF", "vowel"), ("Mutex", "consonant"), ("URL", "consonant"),
     ('"trace"', "consonant"), ("mkdocs", None), ("HTML", None), ("usize", None), (".event_hooks", None), ("one_shot", None), ("8080", None)],
)  # fmt: skip
def test_the_first_sound_of_code_when_it_is_certain(code, heard):
    from pipeline.checks import inline

    assert inline.sound(code) == heard


def test_which_words_are_names_the_code_writes(tmp_path):
    from pipeline.checks import names, prose
    from pipeline.sources.manuscript import Chapter

    text = """# Names

Call `httpx.get()` with `base_url`, but `teh recieve` is words. See [Hishel](https://hishel.com) and [wrold](other.md).
The [source](https://github.com/cle-b/httpdbg) of httpdbg, and [one](https://example.com/wiht).

```python
import httpx
# a coment: recieve the data
client = httpx.ASGITransport(app=app, charset="utf-8")
print("Helo wrold")
```

```text
Teh outpt of mkdocs.yml
```

```yaml
site_name: My Dcos
theme: readthedocs
```

```pycon
>>> r.status_code
Sucess
```
"""
    chapter = Chapter(name="x.md", path=tmp_path / "x.md", display="x.md", title=None, text=text, body_line=1)
    known = names.collect([prose.extract(chapter)])
    for word in (
        "httpx",
        "HTTPX",
        "base_url",
        "ASGITransport",
        "ASGI",
        "charset",
        "mkdocs",
        "site_name",
        "readthedocs",
        "status_code",
        "Hishel",
    ):
        assert known.knows(word, 0, len(word)), word
    for word in ("teh", "recieve", "coment", "Helo", "wrold", "Teh", "outpt", "Dcos", "Sucess"):
        assert not known.knows(word, 0, len(word)), word
    assert known.knows("set the site_name key", 8, 12)  # `site` of a name the prose writes whole
    assert known.knows("two httpx-ASGI hops", 4, 14) and not known.knows("an httpx-recieve hop", 3, 16)
    # a part of an address out of the book is a name to LanguageTool's spelling rule alone (`spells`):
    # codespell's misspellings (`wiht`) stay misspellings in the prose
    assert known.spells("httpdbg", 0, 7) and known.spells("wiht", 0, 4) and not known.knows("httpdbg", 0, 7)
    assert not known.spells("wrold", 0, 5) and not known.spells("other", 0, 5)


def test_links_only_the_build_can_resolve_are_left_to_it(tmp_path):
    """A link the source cannot judge (an anchor in a chapter that includes a file, a link a template
    writes, a reference mkdocs-autorefs resolves) is not reported; the same mistakes where the source
    shows everything still are."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "mkdocs.yml").write_text(
        "site_name: Left to the build\nnav: [index.md, other.md]\nmarkdown_extensions: [pymdownx.snippets]\n"
        "plugins: [autorefs, {presswork: {formats: [site], check: {grammar: false}}}]\n"
    )
    (book / "docs" / "index.md").write_text(
        "# Home\n\n## Set up\n\nSee [the part](other.md#from-the-part) and [the sponsor]({{ sponsor.url }}).\n\n"
        "See [the setup][set-up], [the other page][other-page] and [nothing][no-such-heading].\n\n"
        "But [this heading](#no-such-anchor) is not here.\n"
    )
    (book / "docs" / "other.md").write_text('# Other page\n\n--8<-- "docs/part.txt"\n')
    (book / "docs" / "part.txt").write_text("## From the part\n\nIncluded.\n")
    found = [(f["line"], f["rule"], f["severity"], f["message"]) for f in _check(book)]
    assert [(line, rule, severity) for line, rule, severity, _ in found] == [
        (7, "missing-reference", "warning"),
        (9, "missing-anchor", "info"),  # as MkDocs' validation gives it unless `anchors: warn`
    ]
    assert "no-such-heading" in found[0][3] and "autorefs" in found[0][3]

    config = book / "mkdocs.yml"  # without autorefs, a reference with no definition is a broken link
    config.write_text(config.read_text().replace("plugins: [autorefs, ", "plugins: ["))
    found = [(f["line"], f["rule"], f["severity"]) for f in _check(book)]
    assert found == [(7, "missing-reference", "error")] * 3 + [(9, "missing-anchor", "info")]

    config.write_text(config.read_text() + "validation: {links: {anchors: warn}}\n")  # as the site is checked in strict mode
    found = [(f["line"], f["rule"], f["severity"]) for f in _check(book)]
    assert found[-1] == (9, "missing-anchor", "error")
    config.write_text(config.read_text().replace("anchors: warn", "anchors: ignore"))
    assert not [f for f in _check(book) if f["rule"] == "missing-anchor"]


def test_identifiers_in_prose_are_no_misspellings_and_a_name_is_reported_only_when_asked(tmp_path):
    """Starlette's documentation lists `AuthlibMiddleware` and thanks `Marcelo Trylesinski` in its
    prose: an identifier (a capital inside a word) is a name, not a misspelling; an unknown word
    capitalised inside a sentence, after an initial or before another capitalised word is most often
    a name, so it is reported only when the book asks (`NAMES` in `check.rules`); the same unknown
    word opening a sentence, and a lower-case one, stay errors."""
    book = copy_book(CODE_WORDS, tmp_path / "book")
    (book / "book" / "index.md").write_text(
        "# Thanks\n\n"
        "The AuthlibMiddleware and the operationName field are described here.\n\n"
        "Thanks to Marcelo Trylesinski for his work.\n\n"
        "It was first described by M. Sharir in a paper.\n\n"
        "- [Tavrida NU Akai Contest](https://example.com/contest)\n\n"
        "The code is kept in a flimbered file.\n"
    )
    (book / "book" / "api.md").write_text("# API\n\nTrylesinski wrote it.\n")
    found = [(f["path"], _word(book, f), f["severity"]) for f in _check(book) if f["engine"] == "languagetool"]
    assert found == [("book/api.md", "Trylesinski", "error"), ("book/index.md", "flimbered", "error")], found
    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + "      check:\n        rules: {NAMES: warning}\n")
    found = [(f["path"], _word(book, f), f["severity"]) for f in _check(book) if f["engine"] == "languagetool"]
    for name in ("Trylesinski", "Sharir", "Tavrida", "Akai"):
        assert ("book/index.md", name, "warning") in found, (name, found)
    assert ("book/api.md", "Trylesinski", "error") in found and ("book/index.md", "flimbered", "error") in found, found
    assert not any(word in ("AuthlibMiddleware", "operationName", "Marcelo") for _, word, _ in found), found


def test_compounds_handles_variables_slugs_and_chapter_names_are_no_misspellings(tmp_path):
    """Luanti's documentation writes `tilesheet` and `bitfield`, a changelog thanks `@niccokunzmann`
    for `fix-bad-example-for-lang-switcher`, and cp-algorithms links `[treap](treap.md)`: two words the
    dictionary holds written as one, a handle, a variable, a slug and a chapter's file name in its link
    are no misspellings. A word run together that codespell knows (`eachother`) and a typing mistake
    (`instrusive`) are still reported."""
    book = copy_book(CODE_WORDS, tmp_path / "book")
    (book / "book" / "index.md").write_text(
        "# Textures\n\n"
        "A tilesheet is read with a bitfield of flags.\n\n"
        "Thanks to @niccokunzmann for fix-bad-example-for-lang-switcher and the images named with $n here.\n\n"
        "The tree is a [treap](api.md) in the end, see the [treap](api.md) chapter.\n\n"
        "The parts talk to eachother at the least instrusive time.\n"
    )
    (book / "book" / "api.md").write_text("# API\n\nThe API.\n")
    (book / "mkdocs.yml").write_text((book / "mkdocs.yml").read_text().replace("- api.md", "- treap: api.md"))
    (book / "book" / "api.md").rename(book / "book" / "treap.md")
    index = book / "book" / "index.md"
    index.write_text(index.read_text().replace("(api.md)", "(treap.md)"))
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("treap: api.md", "Treaps: treap.md"))
    found = [(_word(book, f), f["engine"]) for f in _check(book) if f["path"] == "book/index.md"]
    assert found == [("eachother", "codespell"), ("instrusive", "languagetool")], found


def test_a_term_the_book_repeats_and_an_acronym_are_no_misspellings(tmp_path):
    """cp-algorithms writes `semiconvergents` eight times and `Stern-Brocot` eleven: a word the book
    spells alike three times or more is one of its terms, which LanguageTool's dictionary lacks; a
    word of capitals (`NAIPC`) is an acronym. An unknown word written once or twice is still
    reported, and codespell still reports a common misspelling however often it is written."""
    book = copy_book(CODE_WORDS, tmp_path / "book")
    (book / "book" / "index.md").write_text(
        "# Fractions\n\n"
        "The semiconvergents of a fraction lie between its convergents.\n\n"
        "Every semiconvergents list is finite, and the Stern-Brocot tree holds the semiconvergents too.\n\n"
        "The Stern-Brocot tree is a tree, and the Stern-Brocot sequence is ordered.\n\n"
        "We recieve the NAIPC problems here, and recieve them again, and recieve them once more.\n\n"
        "A flimbered fraction is kept, and so is a flimbered one.\n"
    )
    found = [(_word(book, f), f["engine"]) for f in _check(book)]
    assert not any(word in ("semiconvergents", "Stern-Brocot", "Stern", "Brocot", "NAIPC") for word, _ in found), found
    assert ("flimbered", "languagetool") in found, found  # twice: no term yet
    assert [word for word, engine in found if engine == "codespell"] == ["recieve"] * 3, found
