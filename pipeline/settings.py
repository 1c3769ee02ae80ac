"""The schema of the `presswork` plugin block in `mkdocs.yml`, declared once with MkDocs' options."""

from __future__ import annotations

import re

from mkdocs.config import base
from mkdocs.config import config_options as c

PLUGIN_NAME = "presswork"
FORMATS = ("site", "pdf", "epub", "docx")


def isbn_problem(digits: str) -> str | None:
    """Why `digits` (ISBN-10 or ISBN-13, no separators) is not a valid ISBN, or None."""
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        check = (10 - total % 10) % 10
        return None if int(digits[12]) == check else f"the ISBN-13 check digit should be {check}"
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] in "Xx"):
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = (11 - total % 11) % 11
        expected = "X" if check == 10 else str(check)
        return None if digits[9].upper() == expected else f"the ISBN-10 check digit should be {expected}"
    return "an ISBN has 10 or 13 digits"


class Identifier(c.BaseConfigOption[str]):
    """A book identifier: an ISBN (checked, stored as `urn:isbn:...`) or any URN or URL."""

    _isbn = re.compile(r"^(?:urn:)?(?:isbn[:\s]*)?([0-9][0-9\s-]{8,}[0-9Xx])$", re.IGNORECASE)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, (str, int)):
            raise c.ValidationError(f"expected a string, got {type(value).__name__}")
        text = str(value).strip()
        match = self._isbn.match(text)
        if match:
            digits = re.sub(r"[\s-]", "", match.group(1))
            problem = isbn_problem(digits)
            if problem:
                raise c.ValidationError(f"'{text}' is not a valid ISBN: {problem}")
            return f"urn:isbn:{digits.upper()}"
        if text.lower().startswith("isbn"):
            raise c.ValidationError(f"'{text}' is not a valid ISBN: an ISBN has 10 or 13 digits")
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", text):
            raise c.ValidationError(f"'{text}' is neither an ISBN nor a URN such as urn:uuid:...")
        return text


class Language(c.BaseConfigOption[str]):
    """A BCP 47 language tag such as `en`, `en-GB` or `de`."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", value):
            raise c.ValidationError(f"'{value}' is not a language tag such as 'en' or 'en-GB'")
        return value


class Slug(c.BaseConfigOption[str]):
    """The stem of the edition files: lowercase letters, digits and hyphens."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", value):
            raise c.ValidationError(f"'{value}' is not a slug: use lowercase letters, digits and hyphens")
        return value


class BookConfig(base.Config):
    """Book metadata, shared by every edition."""

    title = c.Optional(c.Type(str))  # defaults to site_name
    subtitle = c.Optional(c.Type(str))
    authors = c.ListOfItems(c.Type(str), default=[])
    language = Language(default="en")
    identifier = c.Optional(Identifier())
    license = c.Optional(c.Type(str))
    publisher = c.Optional(c.Type(str))
    cover = c.Optional(c.Type(str))  # an image, relative to docs_dir


class PressworkConfig(base.Config):
    """Everything under `plugins: - presswork:` in `mkdocs.yml`."""

    book = c.SubConfig(BookConfig)
    slug = c.Optional(Slug())
    formats = c.ListOfItems(c.Choice(FORMATS), default=list(FORMATS))
    timeout = c.Type(int, default=600)  # seconds, for each run of an external tool
    max_chapter_bytes = c.Type(int, default=5_000_000)
