"""The one configuration: `mkdocs.yml`, read as MkDocs reads it (`pipeline.configuration.configfile`: a safe YAML
loader taught `INHERIT`, `!ENV`, `!relative` and `!!python/...`) and validated once.

MkDocs' own config machinery validates both the site settings and the `presswork` plugin block
(whose schema lives in `pipeline.configuration.settings`). Every problem is collected first and reported together,
each with its key path, its file and line (a key an inherited file gives points into that file) and,
for an unknown key, the key probably meant.
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig

from pipeline.configuration import configfile, entries
from pipeline.configuration import trust as trusting
from pipeline.configuration.configfile import line_of, one_line
from pipeline.configuration.settings import LANGUAGE_TAG, PLUGIN_NAME, PressworkConfig
from pipeline.configuration.trust import TRUSTED, Trust
from pipeline.errors import ConfigError, ConfigErrors, what_is

if TYPE_CHECKING:
    from pipeline.configuration import translations

CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one book."""

    path: Path  # the mkdocs.yml that was read
    data: dict[str, Any]  # the raw mapping, for handing to MkDocs again (site builds)
    text: str  # the file as read, for pointing at a line
    mkdocs: MkDocsConfig
    presswork: PressworkConfig
    trust: Trust = TRUSTED  # decided once, by the command line (pipeline.configuration.trust)
    draft: bool = False  # `build --draft`: the accessibility checkers do not run, and no edition claims conformance
    shard: tuple[int, int] | None = (
        None  # `build --shard I/N`: the checkers work out the I-th of N shares of their verdicts (pipeline.verdicts)
    )
    locale: str | None = None  # a translated language's editions (mkdocs-static-i18n); None: the default language
    inherited: tuple[tuple[str, str], ...] = ()  # each file INHERIT brought in, nearest first: (its name as shown, its text)
    warnings: tuple[str, ...] = ()  # what MkDocs warns of and goes on (a key it does not know), each a line to print

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def docs_dir(self) -> Path:
        return Path(self.mkdocs.docs_dir)

    @property
    def title(self) -> str:
        return self.presswork.book.title or self.mkdocs.site_name

    @property
    def slug(self) -> str:
        return self.presswork.slug or slugify(self.title)

    @property
    def formats(self) -> list[str]:
        return list(self.presswork.formats)

    @functools.cached_property
    def layout(self) -> translations.Layout | None:
        """The book's languages as mkdocs-static-i18n lays them out, read once (None: it has one)."""
        from pipeline.configuration import translations  # which reads settings

        return translations.read(self.data)

    def line_mentioning(self, needle: str) -> int | None:
        """The first line of `mkdocs.yml` that mentions `needle` (a nav entry, say); None when only
        a file it inherits does (`mention` names that file)."""
        return _first_line(self.text, needle)

    def mention(self, needle: str) -> tuple[str, int] | None:
        """The file (as shown) and line that first mention `needle`: `mkdocs.yml`, whose values win,
        then each file it inherits, nearest first."""
        for name, text in ((self.path.name, self.text), *self.inherited):
            line = _first_line(text, needle)
            if line is not None:
                return name, line
        return None


def _first_line(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line.split("#", 1)[0]:
            return number
    return None


def slugify(text: str) -> str:
    """A file-name-safe slug: `Presswork Handbook` -> `presswork-handbook`. Latin letters lose their
    accents (`Café` -> `cafe`); the letters of other scripts are kept as written (`Hello 算法` ->
    `hello-算法`, `你好` -> `你好`), so that a book in Chinese is not called `book`."""
    kept = []
    for char in unicodedata.normalize("NFKC", text):
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if plain or not char.isalnum() or "LATIN" in unicodedata.name(char, "LATIN"):
            kept.append(plain.lower())
        else:
            kept.append(char.lower())
    slug = re.sub(r"[^0-9a-z\w]+|_+", "-", "".join(kept)).strip("-")
    return slug or "book"


def heading_id(value: str, separator: str) -> str:
    """Python-Markdown's `toc` slugify for Latin text (letters folded to ASCII: `Café au lait` ->
    `cafe-au-lait`), keeping the letters of every other script, which it drops: `你好，世界` ->
    `你好世界`, `Глава 1` -> `глава-1` (where `toc`'s own gives `_` and `1`)."""
    kept = []
    for character in unicodedata.normalize("NFC", value):
        folded = unicodedata.normalize("NFKD", character)
        ascii_part = folded.encode("ascii", "ignore").decode()
        kept.append(ascii_part if ascii_part == folded or unicodedata.name(character, "").startswith("LATIN") else character)
    word = "".join(kept)  # as `toc` keeps \w, whitespace and hyphens; and the marks of scripts such as Devanagari
    text = "".join(c for c in word if re.match(r"[\w\s-]", c) or unicodedata.category(c).startswith("M")).strip().lower()
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, text)


def _heading_ids(data: dict) -> dict:
    """`toc` given `heading_id` as its slugify, unless the book gives one of its own, so that a
    heading in any script gets an id that works (the same on the site and in every edition)."""
    extensions = data.get("markdown_extensions")
    if extensions is not None and not isinstance(extensions, list):
        return data  # MkDocs reports it
    return {
        **data,
        "markdown_extensions": entries.with_options(extensions, "toc", lambda options: {"slugify": heading_id, **options}, add=True),
    }


def _book_defaults(data: dict) -> dict:
    """The book's language taken from the theme's (`theme: {language: zh}`) and its author from
    `site_author`, unless the presswork block gives them: what the site says of itself, the other
    editions say too."""
    theme = data.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    author = data.get("site_author")
    defaults = {}
    if isinstance(language, str) and LANGUAGE_TAG.match(language) and language != "en":
        defaults["language"] = language
    if isinstance(author, str) and author.strip():
        defaults["authors"] = [author.strip()]
    if not defaults or _plugin_block(data) is None:
        return data

    def fill(options: dict) -> dict:
        book = options.get("book")
        if book is None or isinstance(book, dict):
            return {**options, "book": {**defaults, **(book or {})}}
        return options  # validation reports it

    return {**data, "plugins": entries.with_options(data.get("plugins"), PLUGIN_NAME, fill)}


def load(path: Path, trust: Trust = TRUSTED) -> Settings:
    """Read and validate `mkdocs.yml`; raise `ConfigErrors` naming every problem at once.

    An untrusted run refuses what would run code from the configuration (`pipeline.configuration.trust`) before
    MkDocs' validation, which imports hooks, plugins and Markdown extensions, sees it.
    """
    path = path.resolve()
    if not path.exists():
        raise ConfigError(f"no {path.name} here", path=path, hint="run presswork in the book's folder or pass --config FILE")
    if not path.is_file():
        raise ConfigError(
            f"is {what_is(path)}, not a configuration file",
            path=path,
            hint="pass --config the book's mkdocs.yml, or run presswork in the book's folder",
        )
    source = configfile.read(path, "trusted" if trust.trusted else "untrusted", trust.environ)
    data, lines = source.data, source.lines
    problems: list[ConfigError] = []

    def problem(key_path: str, message: str, hint: str | None = None) -> None:
        name, line = line_of(lines, key_path) or (path.name, None)
        problems.append(ConfigError(f"{key_path}: {message}", path=name, line=line, hint=hint))

    if not trust.trusted:
        data, refused = trusting.refuse(data, path.parent)
        for key_path, message, hint in refused:
            problem(key_path, message, hint)

    block = _plugin_block(data)
    if block is None:
        problem("plugins", f"the '{PLUGIN_NAME}' plugin is not listed", hint=f"add '- {PLUGIN_NAME}' under plugins")
    else:
        _validate(PressworkConfig, block, f"plugins.{PLUGIN_NAME}", path, problem)

    data = _book_defaults(_heading_ids(data))
    known = {name for name, _ in MkDocsConfig._schema}
    strict = data.get("strict") is True
    warnings = []
    for key in data:
        if key not in known:  # a key YAML reads as no string (`?` alone is a null key) is named as YAML writes it
            name = key if isinstance(key, str) else "null" if key is None else str(key)
            if strict or not isinstance(key, str):
                problem(name, "unknown key", hint=_did_you_mean(name, known))
            else:  # MkDocs warns of it and builds, unless in strict mode
                where, line = line_of(lines, name) or (path.name, None)
                warnings.append(f"{where}:{line or 1}: warning: {name}: unknown key, which MkDocs ignores ({_did_you_mean(name, known)})")
    plugin_reported = bool(problems)
    mkdocs, errors = _all_errors(MkDocsConfig, {k: v for k, v in data.items() if k in known}, path)
    for key, error in errors:
        if key == "plugins" and plugin_reported and f"'{PLUGIN_NAME}'" in str(error):
            continue  # already reported above, with its full key path
        problem(key, one_line(error), _type_hint(error))
    book = block.get("book") if isinstance(block, dict) else None
    cover = book.get("cover") if isinstance(book, dict) else None
    docs_dir = mkdocs.get("docs_dir")
    if isinstance(cover, str) and cover and isinstance(docs_dir, str) and docs_dir:  # said with the rest, though the image is read later
        image = (Path(docs_dir) / cover).resolve()
        if not any(image.is_relative_to(folder) for folder in (path.parent.resolve(), Path(docs_dir).resolve())):
            problem(
                "plugins.presswork.book.cover", f"image '{cover}' is outside the book's folder", hint="keep images inside the book's folder"
            )
    if problems:
        problems = list({str(problem): problem for problem in problems}.values())  # one line for what MkDocs says twice
        raise ConfigErrors(sorted(problems, key=lambda problem: (problem.path != path.name, str(problem.path), problem.line or 0)))
    plugin = mkdocs.plugins[PLUGIN_NAME]
    return Settings(
        path=path, data=data, text=source.text, mkdocs=mkdocs, presswork=plugin.config, trust=trust, inherited=source.inherited,
        warnings=tuple(warnings),
    )  # fmt: skip


def untrusted_when(path: Path) -> dict[str, tuple[str, ...]]:
    """The configuration's `untrusted_when` (variable -> values), read before anything else so the
    command line can decide the run's trust; {} when there is none or the file cannot be read (then
    `load` reports why)."""
    try:
        data = configfile.read(path.resolve()).data
    except (ConfigError, OSError):
        return {}
    block = _plugin_block(data)
    condition = block.get("untrusted_when") if isinstance(block, dict) else None
    if not isinstance(condition, dict):
        return {}
    return {str(name): tuple(str(v) for v in (values if isinstance(values, list) else [values])) for name, values in condition.items()}


def _plugin_block(data: dict[str, Any]) -> dict[str, Any] | None:
    return entries.options_of(data.get("plugins"), PLUGIN_NAME)


def _validate(schema: type[Config], data: Any, prefix: str, path: Path, problem) -> None:
    """Validate `data` against `schema` with MkDocs' machinery, recursing into sub-configs."""
    if not isinstance(data, dict):
        problem(prefix, f"expected a mapping, got {type(data).__name__}")
        return
    options = dict(schema._schema)
    for key in data:
        if key not in options:
            problem(f"{prefix}.{key}", "unknown key", hint=_did_you_mean(key, options))
    nested = {key for key, option in options.items() if isinstance(option, c.SubConfig)}
    for key in nested & data.keys():
        _validate(options[key].config_class, data[key], f"{prefix}.{key}", path, problem)
    _, errors = _all_errors(schema, {k: v for k, v in data.items() if k in options and k not in nested}, path)
    for key, error in errors:
        if key not in nested:
            problem(f"{prefix}.{key}", one_line(error), _type_hint(error))


def _all_errors(schema: type[Config], data: dict[str, Any], path: Path) -> tuple[Any, list[tuple[str, Exception]]]:
    """Validate with MkDocs' machinery, which stops at the first bad key: take it out and go again."""
    errors: list[tuple[str, Exception]] = []
    data = dict(data)
    while True:
        config = schema(config_file_path=str(path))
        config.load_dict(copy.deepcopy(data))  # MkDocs' validation changes what it is given
        try:
            failed, _ = config.validate()
        except Exception:  # MkDocs' own options can trip over a value of a type they never expect
            failed = _crashing(schema, data, path)
            if not failed:
                raise
        if not failed:
            return config, errors
        errors.extend(failed)
        for key, _ in failed:
            if key not in data:  # a problem no key of ours can explain: report it once and stop
                return config, errors
            del data[key]


def _crashing(schema: type[Config], data: dict[str, Any], path: Path) -> list[tuple[str, Exception]]:
    """The keys without which MkDocs' validation no longer raises, each as a validation error."""
    found = []
    for key, value in data.items():
        config = schema(config_file_path=str(path))
        config.load_dict(copy.deepcopy({k: v for k, v in data.items() if k != key}))
        try:
            config.validate()
        except Exception:
            continue
        found.append((key, c.ValidationError(f"not a valid value: {type(value).__name__} {one_line(repr(value))[:60]}")))
    return found


def _did_you_mean(key: str, known) -> str:
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "remove it or check the spelling"


_TYPES = {"int": "a whole number", "str": "a string", "bool": "true or false", "list": "a list", "dict": "a mapping"}


def _type_hint(error: object) -> str | None:
    match = re.search(r"Expected type: <class '(\w+)'>", str(error))
    return f"write {_TYPES.get(match.group(1), match.group(1))}" if match else None
