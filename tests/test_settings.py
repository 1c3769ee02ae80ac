"""The configuration schema: ISBN check digits, identifiers, language tags and slugs."""

from __future__ import annotations

import pytest
from mkdocs.config.config_options import ValidationError

from pipeline.config import slugify
from pipeline.settings import Identifier, Language, Slug, isbn_problem


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
    assert slugify("日本") == "book"
    with pytest.raises(ValidationError):
        Slug().validate("Has Spaces")
