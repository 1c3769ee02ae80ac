"""The schema of the `presswork` plugin block in `mkdocs.yml`, declared once with MkDocs' options."""

from __future__ import annotations

import re

from mkdocs.config import base
from mkdocs.config import config_options as c

from pipeline.formats import FORMATS, words

PLUGIN_NAME = "presswork"
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # a BCP 47 language tag, as far as the editions need it


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
        if not isinstance(value, str) or not LANGUAGE_TAG.match(value):
            raise c.ValidationError(f"'{value}' is not a language tag such as 'en' or 'en-GB'")
        return value


class Slug(c.BaseConfigOption[str]):
    """The stem of the edition files: lowercase letters, digits and hyphens."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not re.match(r"^[^\W_A-Z]+(-[^\W_A-Z]+)*$", value) or value != value.lower():
            raise c.ValidationError(f"'{value}' is not a slug: use lowercase letters, digits and hyphens")
        return value


class _Mapping(c.BaseConfigOption[dict]):
    """A mapping, empty unless given; `check` looks at its entries."""

    example = ""  # what the error shows when the value is not a mapping

    def __init__(self) -> None:
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise c.ValidationError(f"expected a mapping of {self.example}")
        self.check(value)
        return dict(value)

    def check(self, value: dict) -> None:
        raise NotImplementedError


class Words(_Mapping):
    """The book's own wording of what the editions print themselves (`pipeline.formats.words.KEYS`)."""

    example = "words, such as 'contents: Table of contents'"

    def check(self, value: dict) -> None:
        for name, word in value.items():
            if name not in words.KEYS:
                raise c.ValidationError(f"'{name}' is not a word the editions print: use one of {', '.join(words.KEYS)}")
            if not isinstance(word, str) or not word.strip():
                raise c.ValidationError(f"the word '{name}' must be some text")


class PerLanguage(_Mapping):
    """The book's title, subtitle and description in each of its other languages: `{fr: {title: ...}}`."""

    FIELDS = ("title", "subtitle", "description")
    example = "languages, such as 'fr: {title: Guide de terrain}'"

    def check(self, value: dict) -> None:
        for tag, fields in value.items():
            if not isinstance(tag, str) or not LANGUAGE_TAG.match(tag):
                raise c.ValidationError(f"'{tag}' is not a language tag such as 'fr' or 'pt-BR'")
            if not isinstance(fields, dict):
                raise c.ValidationError(f"{tag}: expected a mapping such as '{{title: ..., subtitle: ...}}'")
            for name, text in fields.items():
                if name not in self.FIELDS:
                    raise c.ValidationError(f"{tag}.{name}: not a field of the book: use {', '.join(self.FIELDS)}")
                if not isinstance(text, str) or not text.strip():
                    raise c.ValidationError(f"{tag}.{name} must be some text")


class BookConfig(base.Config):
    """Book metadata, shared by every edition."""

    title = c.Optional(c.Type(str))  # defaults to site_name
    subtitle = c.Optional(c.Type(str))
    description = c.Optional(c.Type(str))  # defaults to site_description
    authors = c.ListOfItems(c.Type(str), default=[])
    language = Language(default="en")
    identifier = c.Optional(Identifier())
    license = c.Optional(c.Type(str))
    publisher = c.Optional(c.Type(str))
    cover = c.Optional(c.Type(str))  # an image, relative to docs_dir
    open = c.Choice(("right", "any"), default="right")  # where the PDF's chapters open: on a right-hand page, or the next
    links = c.Choice(("footnote", "after", "none"), default="footnote")  # where the PDF prints a link's web address
    words = Words()  # overrides of the words the editions print, in the book's language
    languages = PerLanguage()  # title, subtitle and description in the book's other languages (mkdocs-static-i18n)


# `v` and a semantic version (https://semver.org): v1.2.0, v2.0.0-rc.1. The `version` group names the
# version a release is filed under; without such a group, it is the tag without its leading `v`.
TAG_PATTERN = r"v(?P<version>(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)"
TARGETS = ("site-branch", "directory")


class TagPattern(c.BaseConfigOption[str]):
    """A regular expression a whole tag name must match to be published."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if value is None:
            return self.default
        if not isinstance(value, str) or not value:
            raise c.ValidationError("expected a regular expression, such as 'v[0-9]+\\.[0-9]+\\.[0-9]+'")
        try:
            re.compile(value)
        except re.error as error:
            raise c.ValidationError(f"'{value}' is not a regular expression: {error}") from error
        return value


class RefName(c.BaseConfigOption[str]):
    """A git branch or remote name: no spaces, no leading '-', nothing git refuses in a ref."""

    def __init__(self, default: str, *, empty: bool = False) -> None:
        super().__init__()
        self.default = default
        self.empty = empty

    def run_validation(self, value: object) -> str:
        if value is None:
            return self.default
        if self.empty and value == "":
            return value
        if not isinstance(value, str) or not re.match(r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]+(?<![./])$", value):
            raise c.ValidationError(f"'{value}' is not a branch or remote name")
        return value


class RequiredWhen(c.BaseConfigOption[str | None]):
    """A path that must be given when another key of the same block has a given value."""

    def __init__(self, key: str, value: object) -> None:
        super().__init__()
        self.key, self.value = key, value

    def run_validation(self, value: object) -> str | None:
        if value is not None and (not isinstance(value, str) or not value):
            raise c.ValidationError("expected a path")
        return value

    def post_validation(self, config: base.Config, key_name: str) -> None:
        if config.get(self.key) == self.value and config.get(key_name) is None:
            raise c.ValidationError(f"required when {self.key} is {str(self.value).lower()}")


class PublishConfig(base.Config):
    """Publishing: which tags may be published, and where editions go (see `pipeline.publish`)."""

    tag_pattern = TagPattern(default=TAG_PATTERN)
    annotated = c.Type(bool, default=True)  # refuse lightweight tags
    signed = c.Type(bool, default=False)  # refuse tags `git verify-tag` does not accept
    allowed_signers = RequiredWhen("signed", True)  # ssh-keygen's allowed-signers file, relative to mkdocs.yml
    branch = RefName(default="main")  # a tag's commit must be on this branch
    target = c.Choice(TARGETS, default="site-branch")
    site_branch = RefName(default="gh-pages")
    remote = RefName(default="origin", empty=True)  # '' publishes to the local branch only
    directory = RequiredWhen("target", "directory")  # the folder for the directory target, relative to mkdocs.yml


class RuleLevel(c.Choice):
    """`off`, `info`, `warning` or `error`; a bare `off` in YAML is the boolean false, and means off."""

    def __init__(self, choices: tuple[str, ...] = ("off", "info", "warning", "error"), **kwargs) -> None:
        super().__init__(choices, **kwargs)

    def run_validation(self, value: object) -> str:
        return "off" if value is False else super().run_validation(value)


class Heap(c.BaseConfigOption[str]):
    """A Java heap size as `-Xmx` takes it: `1g`, `768m`."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not re.match(r"^[1-9][0-9]*[kKmMgG]?$", value):
            raise c.ValidationError(f"'{value}' is not a heap size such as '1g' or '768m'")
        return value


class Count(c.BaseConfigOption[int]):
    """A whole number, `least` or more (0 unless said), and at most `most` when given."""

    def __init__(self, default: int, least: int = 0, most: int | None = None) -> None:
        super().__init__()
        self.default, self.least, self.most = default, least, most

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < self.least or self.most is not None and value > self.most:
            span = f"of {self.least} or more" if self.most is None else f"from {self.least} to {self.most}"
            raise c.ValidationError(f"'{value}' is not a whole number {span}")
        return value


class Condition(_Mapping):
    """Environment variables and the values that make a run untrusted: `{GITHUB_EVENT_NAME: pull_request}`."""

    example = "environment variables to values, e.g. {GITHUB_EVENT_NAME: pull_request}"

    def check(self, value: dict) -> None:
        for name, values in value.items():
            listed = values if isinstance(values, list) else [values]
            if not isinstance(name, str) or not name or not all(isinstance(v, str) for v in listed):
                raise c.ValidationError(f"'{name}': expected a variable's name and a value or a list of values")


class CheckConfig(base.Config):
    """How `presswork check` (and the checks `presswork build` runs first) reads the book."""

    grammar = c.Type(bool, default=True)  # LanguageTool; --no-grammar turns it off for one run
    languagetool_url = c.Optional(c.Type(str))  # a self-hosted server instead of our own
    languagetool_heap = Heap(default="1g")  # the server's -Xmx
    workers = Count(default=4, least=1, most=64)  # concurrent requests to LanguageTool
    vocabularies = c.ListOfItems(c.Type(str), default=[])  # under styles/config/vocabularies; default: all
    rules = c.DictOfItems(RuleLevel(), default={})  # rule or engine -> level
    # Unset: `presswork check` fails at an error; a build in strict mode stops at a broken link only,
    # as MkDocs would (a set level stops it at every finding of that level).
    fail_on = c.Optional(c.Choice(("error", "warning", "never")))


AccessibilityConfig = type(
    "AccessibilityConfig",
    (base.Config,),
    {
        "__doc__": """What an edition's accessibility checker does with what it finds: `error` stops the build,
    `warning` says it and publishes the edition without claiming conformance, `off` does not run it.
    Unset, it is `warning`, or `error` in a book MkDocs builds in strict mode (`strict: true`): see
    `pipeline.formats.accessibility.level`. One option for each format with a checker.""",
        **{row.name: c.Optional(RuleLevel(("off", "warning", "error"))) for row in FORMATS.values() if row.checker},
    },
)


class PressworkConfig(base.Config):
    """Everything under `plugins: - presswork:` in `mkdocs.yml`."""

    book = c.SubConfig(BookConfig)
    check = c.SubConfig(CheckConfig)
    accessibility = c.SubConfig(AccessibilityConfig)
    slug = c.Optional(Slug())
    formats = c.ListOfItems(c.Choice(tuple(FORMATS)), default=list(FORMATS))
    timeout = Count(default=600, least=1)  # seconds, for each run of an external tool
    tools_idle = Count(default=10)  # minutes LanguageTool, typst, EPUBCheck and veraPDF stay running after a run, for the next; 0: not kept
    max_chapter_bytes = Count(default=5_000_000, least=1)
    max_image_bytes = Count(default=50_000_000, least=1)
    max_footnotes = Count(default=1_000, least=1)  # in one chapter
    max_table_rows = Count(default=1_000, least=1)  # in one table written in Markdown
    pdf_part_words = Count(default=150_000)  # a longer book's PDF is typeset in parts and joined; 0: never
    untrusted_when = Condition()  # e.g. {GITHUB_EVENT_NAME: pull_request}: such a run is untrusted
    publish = c.SubConfig(PublishConfig)
