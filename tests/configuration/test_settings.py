"""The configuration: its schema (ISBN check digits, identifiers, language tags and slugs), and
`mkdocs.yml` read as MkDocs reads it (INHERIT, !ENV, !relative, nav entries without a title), each
through the command a user runs."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, presswork
from mkdocs.config.config_options import ValidationError

from pipeline.configuration import config
from pipeline.configuration.config import slugify
from pipeline.configuration.settings import Identifier, Language, Slug, isbn_problem


@pytest.mark.parametrize("isbn", ["9780306406157", "0306406152", "080442957X", "9781566199094"])
def test_valid_isbns_pass_their_check_digit(isbn):
    assert isbn_problem(isbn) is None


@pytest.mark.parametrize(
    "isbn, problem",
    [
        ("9780306406156", "the ISBN-13 check digit should be 7"),
        ("0306406153", "the ISBN-10 check digit should be 2"),
        ("0804429570", "the ISBN-10 check digit should be X"),
        ("978030640615", "an ISBN has 10 or 13 digits"),
    ],
)
def test_invalid_isbns_name_the_digit_expected(isbn, problem):
    assert isbn_problem(isbn) == problem


@pytest.mark.parametrize(
    "written, stored",
    [
        ("978-0-306-40615-7", "urn:isbn:9780306406157"),
        ("ISBN 0-8044-2957-x", "urn:isbn:080442957X"),
        ("urn:isbn:9780306406157", "urn:isbn:9780306406157"),
        ("urn:uuid:5d0c2a64-3b1e-4c55-9a57-1f0f6c3e2b8d", "urn:uuid:5d0c2a64-3b1e-4c55-9a57-1f0f6c3e2b8d"),
        ("https://example.org/books/1", "https://example.org/books/1"),
    ],
)
def test_identifiers_are_normalised(written, stored):
    assert Identifier().validate(written) == stored


@pytest.mark.parametrize("written", ["978-0-306-40615-6", "isbn 12", "just words", ""])
def test_bad_identifiers_are_refused(written):
    with pytest.raises(ValidationError):
        Identifier().validate(written)


@pytest.mark.parametrize("tag, ok", [("en", True), ("en-GB", True), ("zh-Hant-TW", True), ("english", False), ("e", False)])
def test_language_tags(tag, ok):
    option = Language(default="en")
    if ok:
        assert option.validate(tag) == tag
    else:
        with pytest.raises(ValidationError):
            option.validate(tag)


def test_slugs():
    assert slugify("The Presswork Handbook") == "the-presswork-handbook"
    assert slugify("Café au lait: a book!") == "cafe-au-lait-a-book"
    assert slugify("日本") == "日本"  # the letters of another script are kept
    assert slugify("!!!") == "book"
    with pytest.raises(ValidationError):
        Slug().validate("Has Spaces")


# --- mkdocs.yml as MkDocs reads it ---------------------------------------------------------------


def site_build(book: Path, *args: str, env: dict[str, str] | None = None):
    return presswork("build", "--no-check", "--quiet", "--format", "site", *args, cwd=book, env=env)


def page(book: Path, name: str) -> str:
    site = book / "build" / "site"
    found = [site / f"{name}.html", site / name / "index.html"]
    return next(path for path in found if path.is_file()).read_text(encoding="utf-8")


def one_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def test_inherit_merges_the_parent_files_as_mkdocs_does(tmp_path):
    book = copy_book(TESTS / "books" / "inherit", tmp_path / "book")
    run = site_build(book)
    assert run.returncode == 0, run.stderr
    home = page(book, "index")
    assert "<title>Inherited Harbour</title>" in home  # from config/base.yml
    assert 'content="Tides, told by the child configuration"' in home  # from mkdocs.yml
    assert 'data-md-color-primary="teal"' in home and 'data-md-color-accent="amber"' in home  # theme merged, the child winning
    assert "The tide turns twice a day." in page(book, "tides")  # the child's nav replaces the parent's (whose replaced.md is missing)


@pytest.mark.parametrize(
    "fixture, start, fix",
    [
        ("inherit-missing", "mkdocs.yml:2: error: INHERIT: 'shared/base.yml' does not exist at '", "relative to mkdocs.yml's folder"),
        ("inherit-unknown-key", "base.yml:9: error: plugins.presswork.formts: unknown key", "did you mean 'formats'?"),
        ("inherit-malformed", "base.yml:5: error: ", "fix the YAML syntax"),
    ],
)
def test_a_problem_of_an_inherited_file_names_its_file_and_line(fixture, start, fix, tmp_path):
    book = copy_book(TESTS / "books" / fixture, tmp_path / fixture)
    run = site_build(book)
    assert run.returncode == 2
    line = one_line(run)
    assert line.startswith(start) and fix in line, line
    assert not (book / "build").exists()


def test_a_key_an_inherited_file_gives_is_refused_at_its_line_in_an_untrusted_run(tmp_path):
    book = copy_book(TESTS / "books" / "inherit", tmp_path / "book")
    with (book / "config" / "common.yml").open("a", encoding="utf-8") as common:
        common.write("hooks: [stamp.py]\n")
    run = site_build(book, "--untrusted")
    assert run.returncode == 2
    assert one_line(run).startswith("config/common.yml:16: error: hooks: refused in an untrusted run")


def test_inherit_from_outside_the_book_is_read_when_trusted_and_refused_when_not(tmp_path):
    folder = copy_book(TESTS / "books" / "inherit-outside", tmp_path / "repository")
    book = folder / "book"
    run = site_build(book)
    assert run.returncode == 0, run.stderr
    assert "<title>Shared settings</title>" in page(book, "index")
    untrusted = copy_book(folder, tmp_path / "pull-request") / "book"
    run = site_build(untrusted, "--untrusted")
    assert run.returncode == 2
    assert one_line(run).startswith("mkdocs.yml:1: error: INHERIT: '../base.yml' is outside the book's folder")
    assert not (untrusted / "build").exists()


def test_env_reads_the_first_variable_set_else_the_default(tmp_path):
    book = copy_book(TESTS / "books" / "env", tmp_path / "book")
    run = site_build(book)
    assert run.returncode == 0, run.stderr
    home = page(book, "index")
    assert "<title>Harbour by default</title>" in home and "Copyright the harbour master" in home
    assert 'rel="canonical"' not in home  # !ENV HARBOUR_SITE_URL, unset: null, so no site_url
    variables = {
        "HARBOUR_SITE_NAME": "Harbour from the environment",
        "HARBOUR_OWNER": "Robin Reviewer",
        "HARBOUR_SITE_URL": "https://example.org/harbour/",
    }
    run = site_build(book, env=variables)
    assert run.returncode == 0, run.stderr
    home = page(book, "index")
    assert "<title>Harbour from the environment</title>" in home and "Robin Reviewer" in home
    assert re.search(r'<link rel="canonical" href="https://example\.org/harbour/', home)


def test_env_is_refused_in_an_untrusted_run(tmp_path):
    book = copy_book(TESTS / "books" / "env", tmp_path / "book")
    run = site_build(book, "--untrusted", env={"HARBOUR_SITE_NAME": "PRESSWORK-SECRET"})
    assert run.returncode == 2
    line = one_line(run)
    assert line.startswith("mkdocs.yml:2: error: !ENV is refused in an untrusted run") and "write the value itself" in line
    assert "PRESSWORK-SECRET" not in run.stderr and not (book / "build").exists()


def test_untrusted_when_in_an_inherited_file_refuses_env(tmp_path):
    book = copy_book(TESTS / "books" / "env", tmp_path / "book")
    config_file = book / "mkdocs.yml"
    child = config_file.read_text(encoding="utf-8").split("plugins:")[0]  # the parent's plugins, untrusted_when with them
    config_file.write_text(f"INHERIT: base.yml\n{child}", encoding="utf-8")
    (book / "base.yml").write_text("plugins:\n  - presswork:\n      untrusted_when: {HARBOUR_EVENT: [pull_request]}\n", encoding="utf-8")
    assert site_build(book).returncode == 0
    run = site_build(book, env={"HARBOUR_EVENT": "pull_request"})
    assert run.returncode == 2
    assert one_line(run).startswith("mkdocs.yml:3: error: !ENV is refused in an untrusted run")


@pytest.mark.parametrize("untrusted", [False, True])
def test_relative_paths_are_read_as_mkdocs_reads_them(untrusted, tmp_path):
    book = copy_book(TESTS / "books" / "relative", tmp_path / "book")
    run = site_build(book, *(["--untrusted"] if untrusted else []))
    assert run.returncode == 0, run.stderr
    home = page(book, "index")
    assert "Mind the gap between the boat and the quay." in home  # !relative $config_dir/includes
    assert "High water at six, low water at noon." in home  # !relative $docs_dir/tables


def test_a_relative_path_out_of_the_book_is_refused_in_an_untrusted_run(tmp_path):
    book = copy_book(TESTS / "books" / "relative", tmp_path / "book")
    config_file = book / "mkdocs.yml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("$config_dir/includes", "$config_dir/../outside"), encoding="utf-8"
    )
    run = site_build(book, "--untrusted")
    assert run.returncode == 2
    line = one_line(run)
    assert (
        line.startswith("mkdocs.yml:11: error: markdown_extensions.pymdownx.snippets.base_path: '")
        and "is outside the book's folder" in line
    )


def test_relative_alone_is_one_clear_line(tmp_path):
    book = copy_book(TESTS / "books" / "relative", tmp_path / "book")
    config_file = book / "mkdocs.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace("!relative $docs_dir/tables", "!relative"), encoding="utf-8")
    run = site_build(book)
    assert run.returncode == 2
    line = one_line(run)
    assert line.startswith("mkdocs.yml:13: error: !relative alone (the folder of the page being rendered) is not supported"), line
    assert "$docs_dir" in line


def test_nav_entries_with_an_empty_title_or_none_build(tmp_path):
    book = copy_book(TESTS / "books" / "nav-titles", tmp_path / "book")
    run = presswork("build", "--no-check", "--quiet", "--format", "site", "--format", "docx", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "<title>Boats and nets - Nav titles</title>" in page(book, "boats_and_nets")  # no title: MkDocs' from the file name
    with zipfile.ZipFile(book / "build" / "nav-titles.docx") as docx:
        text = " ".join(re.findall(r"<w:t[^>]*>([^<]*)", docx.read("word/document.xml").decode()))
    assert "The harbour at dawn" in text and "Tides" in text  # an empty title: the chapter's first heading
    assert "Boats and nets" in text and "Boats_and_nets" not in text  # no heading either: the title MkDocs makes of its name


def test_a_nav_entry_naming_a_folder_passes_the_configuration(tmp_path):
    book = copy_book(TESTS / "books" / "nav-titles", tmp_path / "book")
    config_file = book / "mkdocs.yml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("  - boats_and_nets.md\n", "  - Guide: guide/\n  - guide/\n"), encoding="utf-8"
    )
    settings = config.load(config_file)
    assert settings.mkdocs.nav[-2:] == [{"Guide": "guide/"}, "guide/"]


def test_a_mention_names_the_inherited_file_it_is_in():
    settings = config.load(TESTS / "books" / "inherit" / "mkdocs.yml")
    assert settings.line_mentioning("tides.md") == 9 and settings.mention("tides.md") == ("mkdocs.yml", 9)
    assert settings.line_mentioning("formats:") is None and settings.mention("formats:") == ("config/common.yml", 15)


@pytest.mark.parametrize(
    "setting, said",
    [
        ("timeout: -5", "plugins.presswork.timeout: '-5' is not a whole number of 1 or more"),
        ("timeout: 0", "plugins.presswork.timeout: '0' is not a whole number of 1 or more"),
        ("check: {workers: 0}", "plugins.presswork.check.workers: '0' is not a whole number from 1 to 64"),
        ("max_image_bytes: -1", "plugins.presswork.max_image_bytes: '-1' is not a whole number of 1 or more"),
        ("max_chapter_bytes: true", "plugins.presswork.max_chapter_bytes: 'True' is not a whole number of 1 or more"),
    ],
)
def test_numbers_in_the_settings_are_held_to_their_range(tmp_path, setting, said):
    book = copy_book(TESTS / "books" / "style-rules", tmp_path / "book")
    config_file = book / "mkdocs.yml"
    config_file.write_text(config_file.read_text() + f"      {setting}\n")
    run = presswork("build", "--no-check", "--quiet", cwd=book)
    assert run.returncode == 2, run.stderr
    assert one_line(run).startswith(f"mkdocs.yml:15: error: {said}"), run.stderr


@pytest.mark.parametrize(
    "args, env, said",
    [
        (
            ["check", "--quiet", "--languagetool-url", "notaurl"],
            {},
            "error: 'notaurl' is no address of a LanguageTool server (give an http:// or https://",
        ),
        (
            ["build", "--no-check", "--quiet"],
            {"SOURCE_DATE_EPOCH": "999999999999"},
            "error: SOURCE_DATE_EPOCH must be a whole number of seconds up to 253402300799",
        ),
    ],
)
def test_a_command_line_or_environment_out_of_range_is_a_usage_error(tmp_path, args, env, said):
    book = copy_book(TESTS / "books" / "style-rules", tmp_path / "book")
    run = presswork(*args, cwd=book, env=env)
    assert run.returncode == 2, run.stderr
    assert one_line(run).startswith(said), run.stderr


def test_a_bad_language_and_a_cover_outside_the_book_are_reported_together(tmp_path):
    """Every configuration problem at once, the cover's place too, though the image is read later."""
    book = copy_book(TESTS / "books" / "bom-crlf", tmp_path / "book")
    config = book / "mkdocs.yml"
    config.write_text(config.read_text() + "        language: not a language!\n        cover: ../../outside.png\n")
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines() == [
        "mkdocs.yml:17: error: plugins.presswork.book.language: 'not a language!' is not a language tag such as 'en' or 'en-GB'",
        "mkdocs.yml:18: error: plugins.presswork.book.cover: image '../../outside.png' is outside the book's folder (keep images inside the book's folder)",
    ]
