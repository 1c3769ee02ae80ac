"""Trust: whether a run may believe what it reads, decided once at the command line and passed down.

Merged chapters are trusted; a pull request is not. An untrusted run (`--untrusted`, or a run whose
environment matches `untrusted_when` in the configuration) treats the chapters and the configuration
as hostile, and runs no code from them:

- the configuration may `INHERIT` only a file inside the book's folder, and reads no environment
  variable (`!ENV` is refused);
- the configuration may not name `hooks` (Python files MkDocs imports), theme templates
  (`theme.custom_dir`, `extra_templates`: Jinja can reach Python), scripts (`extra_javascript`), a
  `docs_dir` outside the book's folder, a plugin outside `PLUGINS` or a Markdown extension outside
  `MARKDOWN_EXTENSIONS` (each is imported while the configuration is validated, so they are taken
  out before that and reported);
- `pymdownx.snippets` reads only inside the book's folder: its base paths must be there, it reads no
  file whose real path leaves them (`pipeline.rendering.snippets`), a missing snippet is an error and nothing
  is downloaded;
- pandoc runs with `--sandbox` and gets the images, already checked, inside its document;
- raw HTML is sanitised (`pipeline.rendering.sanitiser`) and raw blocks for other formats (Typst, OpenXML) are
  dropped, each reported with its position.

What holds in every run, trusted or not, lives where the paths are read: every image, the cover,
the styles and every file of the docs folder must resolve inside the book's folder (symbolic links
included). A trusted run's `!ENV` reads the environment the command line was given
(`Trust.environ`), never `os.environ` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.configuration import entries


@dataclass(frozen=True)
class Trust:
    """A run's trust: `trusted`, or not and why (`--untrusted`, `GITHUB_EVENT_NAME=pull_request`)."""

    trusted: bool = True
    reason: str = ""
    # What `!ENV` in the configuration reads: a trusted run's environment; none in an untrusted run.
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


TRUSTED = Trust()

# Plugins an untrusted configuration may list: ours, MkDocs' search, those of Material's that read
# nothing outside the docs folder and run nothing from the book, and mkdocs-static-i18n (whose
# per-language `theme` overrides are kept to `_LANGUAGE_THEME`).
PLUGINS = frozenset({"presswork", "search", "tags", "offline", "material/search", "material/tags", "material/offline", "i18n"})

# What a language of mkdocs-static-i18n may override in the theme in an untrusted run: its looks and
# words, not which templates are rendered.
_LANGUAGE_THEME = frozenset({"language", "locale", "direction", "palette", "font", "features", "icon", "logo", "favicon"})

# Markdown extensions an untrusted configuration may list: Python-Markdown's own and PyMdown's,
# except `pymdownx.b64` (it embeds any image a chapter names); `pymdownx.snippets` is pinned to the
# book's folder (`_snippets`).
_MARKDOWN = {
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc",
    "wikilinks",
}  # fmt: skip
_PYMDOWNX = {
    "arithmatex", "betterem", "blocks.admonition", "blocks.definition", "blocks.details", "blocks.html",
    "blocks.tab", "caret", "critic", "details", "emoji", "escapeall", "extra", "fancylists", "highlight",
    "inlinehilite", "keys", "magiclink", "mark", "progressbar", "saneheaders", "smartsymbols", "snippets", "striphtml",
    "superfences", "tabbed", "tasklist", "tilde",
}  # fmt: skip
MARKDOWN_EXTENSIONS = frozenset(
    {*_MARKDOWN, *(f"markdown.extensions.{name}" for name in _MARKDOWN), *(f"pymdownx.{name}" for name in _PYMDOWNX)}
)

# Callables an untrusted configuration may name with `!!python/name:` or `!!python/object/apply:`:
# the emoji indexes and generators, fence formats and slugify functions that Material and PyMdown
# document, which read nothing and run nothing of the book's.
CALLABLES = frozenset({
    *(f"material.extensions.emoji.{name}" for name in ("twemoji", "to_svg")),
    *(f"materialx.emoji.{name}" for name in ("twemoji", "to_svg")),
    *(f"pymdownx.emoji.{name}" for name in ("twemoji", "emojione", "gemoji", "to_svg", "to_png", "to_svg_sprite", "to_png_sprite", "to_awesome", "to_alt")),
    *(f"pymdownx.superfences.{name}" for name in ("fence_code_format", "fence_div_format")),
    *(f"pymdownx.arithmatex.{name}" for name in ("arithmatex_inline_format", "arithmatex_fenced_format")),
    *(f"pymdownx.slugs.{name}" for name in ("slugify", "uslugify", "uslugify_encoded", "uslugify_cased", "uslugify_cased_encoded", "gfm", "gfm_encoded")),
    *(f"markdown.extensions.toc.{name}" for name in ("slugify", "slugify_unicode")),
})  # fmt: skip

# Top-level keys an untrusted configuration may not have, and why.
_REFUSED_KEYS = {
    "hooks": "hooks are Python files MkDocs would run",
    "extra_templates": "templates are Jinja, which can reach Python",
    "extra_javascript": "scripts from the content would run on the site",
}


def decide(untrusted: bool, condition: Mapping[str, tuple[str, ...]], environ: Mapping[str, str]) -> Trust:
    """The trust of a run: untrusted when asked to be, or when one of the variables named in
    `condition` (the configuration's `untrusted_when`) has one of the values listed for it. A trusted
    run keeps `environ` for the configuration's `!ENV` tags."""
    if untrusted:
        return Trust(False, "--untrusted")
    for name, values in condition.items():
        if name in environ and environ[name] in values:
            return Trust(False, f"{name}={environ[name]}")
    return Trust(environ=dict(environ))


def inherited(name: str, parent: Path, root: Path) -> tuple[str, str] | None:
    """Why an untrusted configuration may not `INHERIT` `parent` (written `name`): a file outside the
    book's folder (symbolic links followed) is none of the book's. None when it may."""
    if parent.resolve().is_relative_to(root.resolve()):
        return None
    return f"INHERIT: '{name}' is outside the book's folder", "keep the configuration it inherits inside the repository"


def refuse(data: dict[str, Any], root: Path) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """What an untrusted run refuses in a configuration: the configuration without it, and one
    (key path, message, hint) for each thing taken out. Nothing named here has been imported."""
    kept = dict(data)
    refused: list[tuple[str, str, str]] = []
    for key, why in _REFUSED_KEYS.items():
        if key in kept:
            del kept[key]
            refused.append(
                (key, f"refused in an untrusted run: {why}", "take it out, or build the pull request with the base branch's configuration")
            )
    theme = kept.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        kept["theme"] = {k: v for k, v in theme.items() if k != "custom_dir"}
        refused.append(
            ("theme.custom_dir", "refused in an untrusted run: theme templates are Jinja, which can reach Python", "take it out")
        )
    docs_dir = kept.get("docs_dir", "docs")
    if isinstance(docs_dir, str) and not (root / docs_dir).resolve().is_relative_to(root.resolve()):
        refused.append(("docs_dir", f"'{docs_dir}' is outside the book's folder", "keep the chapters inside the repository"))
    kept["plugins"], dropped = _allowed(kept.get("plugins"), PLUGINS)
    for name in dropped:
        refused.append((f"plugins.{name}", f"plugin '{name}' is not allowed in an untrusted run", f"allowed: {', '.join(sorted(PLUGINS))}"))
    kept["plugins"] = _language_themes(kept["plugins"], refused)
    if "markdown_extensions" in kept:
        kept["markdown_extensions"], dropped = _allowed(kept["markdown_extensions"], MARKDOWN_EXTENSIONS)
        for name in dropped:
            refused.append(
                (
                    f"markdown_extensions.{name}",
                    f"Markdown extension '{name}' is not allowed in an untrusted run",
                    "use Python-Markdown's or PyMdown's own, except b64",
                )
            )
        kept["markdown_extensions"] = _snippets(kept["markdown_extensions"], root, refused)
    if kept.get("plugins") is None:
        del kept["plugins"]
    return kept, refused


def _allowed(items: Any, allowed: frozenset[str]) -> tuple[Any, list[str]]:
    """A plugins or markdown_extensions value (a list of names and one-key mappings, or a mapping)
    without the names not in `allowed`; and the names taken out."""
    if isinstance(items, dict):
        dropped = [str(name) for name in items if name not in allowed]
        return {name: value for name, value in items.items() if name in allowed}, dropped
    if not isinstance(items, list):
        return items, []
    kept, dropped = [], []
    for item in items:
        named = entries.of([item])
        name = named[0][0] if named else None
        if name is None or name in allowed:
            kept.append(item)
        else:
            dropped.append(str(name))
    return kept, dropped


def _language_themes(plugins: Any, refused: list[tuple[str, str, str]]) -> Any:
    """The plugins with each mkdocs-static-i18n language's `theme` override kept to `_LANGUAGE_THEME`."""
    entries = plugins if isinstance(plugins, list) else [plugins] if isinstance(plugins, dict) else []
    for entry in entries:
        block = entry.get("i18n") if isinstance(entry, dict) else None
        languages = block.get("languages") if isinstance(block, dict) else None
        for index, language in enumerate(languages if isinstance(languages, list) else []):
            theme = language.get("theme") if isinstance(language, dict) else None
            if not isinstance(theme, dict):
                continue
            for key in [key for key in theme if key not in _LANGUAGE_THEME]:
                refused.append(
                    (
                        f"plugins.i18n.languages.{index}.theme.{key}",
                        "refused in an untrusted run: a language may change the theme's looks, not its templates",
                        f"keep to {', '.join(sorted(_LANGUAGE_THEME))}",
                    )
                )
            language["theme"] = {key: value for key, value in theme.items() if key in _LANGUAGE_THEME}
    return plugins


def _snippets(items: Any, root: Path, refused: list[tuple[str, str, str]]) -> Any:
    """The extensions (a list of names and one-key mappings, or a mapping) with `pymdownx.snippets`
    swapped for `pipeline.rendering.snippets` (the same, reading no file whose real path leaves its base paths),
    each base path resolved inside the book's folder (else refused), a missing snippet an error,
    nothing downloaded. With no base path left, the extension is taken out."""
    listed = isinstance(items, list)
    if listed and not all(isinstance(i, str) or (isinstance(i, dict) and len(i) == 1) for i in items):
        return items  # not a shape MkDocs accepts: its own validation says so
    if not listed and not isinstance(items, dict):
        return items
    pairs = entries.of(items)
    if "pymdownx.snippets" not in [name for name, _ in pairs]:
        return items
    options = dict(dict(pairs)["pymdownx.snippets"] or {})
    top, safe = root.resolve(), []
    for base, joined in entries.snippet_bases(options, root):
        folder = joined.resolve()
        if folder.is_relative_to(top):
            safe.append(str(folder))
        else:
            refused.append(
                (
                    "markdown_extensions.pymdownx.snippets.base_path",
                    f"'{base}' is outside the book's folder",
                    "keep the snippets inside the repository",
                )
            )
    pinned = {**options, "base_path": safe, "restrict_base_path": True, "check_paths": True, "url_download": False}
    kept = [
        (CONFINED_SNIPPETS, pinned) if name == "pymdownx.snippets" else (name, value)
        for name, value in pairs
        if name != "pymdownx.snippets" or safe
    ]
    return [name if value is None else {name: value} for name, value in kept] if listed else dict(kept)


CONFINED_SNIPPETS = "pipeline.rendering.snippets"
