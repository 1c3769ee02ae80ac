"""The entries of `plugins` and `markdown_extensions` in `mkdocs.yml`, read in one place.

MkDocs accepts either a list of names and one-key mappings (`- search`, `- toc: {permalink: true}`)
or a mapping of names to options. Everything that reads or changes one entry of those lists goes
through here: `of` lists them, `options_of` finds one, `with_options` changes one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def of(value: Any) -> list[tuple[str, Any]]:
    """The entries of a `plugins` or `markdown_extensions` value as MkDocs reads them, (name, options)
    in order: a list of names and one-key mappings (`- search`, `- toc: {permalink: true}`), or a
    mapping of names to options. Options are None for a bare name; anything MkDocs would refuse is
    left out (its own validation reports it)."""
    if isinstance(value, dict):
        return [(str(name), options) for name, options in value.items()]
    if not isinstance(value, list):
        return []
    return [
        (item, None) if isinstance(item, str) else next(iter(item.items()))
        for item in value
        if isinstance(item, str) or (isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item)), str))
    ]


def options_of(value: Any, name: str) -> Any:
    """The options of the entry `name` of a `plugins` or `markdown_extensions` value as written ({}
    when it is listed bare; not always a mapping: validation reports that), or None when it is not listed."""
    for entry, options in of(value):
        if entry == name:
            return {} if options is None else options
    return None


def with_options(value: Any, name: str, change: Callable[[dict[str, Any]], dict[str, Any]], *, add: bool = False) -> Any:
    """`value` (a `plugins` or `markdown_extensions` list) with the entry `name`'s options replaced by
    `change(options)` ({} for a bare entry), written as a one-key mapping in its place; appended when
    it is not listed and `add`. A value of another shape, or options that are no mapping, are
    returned as they are, for MkDocs to report."""
    if value is None and add:
        value = []
    if not isinstance(value, list):
        return value
    changed, found = [], False
    for item in value:
        entry = item if isinstance(item, str) else next(iter(item), None) if isinstance(item, dict) and len(item) == 1 else None
        options = None if isinstance(item, str) or entry is None else item[entry]
        if entry == name and (options is None or isinstance(options, dict)):
            item, found = {name: change(dict(options or {}))}, True
        changed.append(item)
    if not found and add:
        changed.append({name: change({})})
    return changed


def snippet_bases(options: Any, root: Any) -> list[tuple[str, Any]]:
    """The folders `pymdownx.snippets` reads from (its `base_path`: one path or a list, "." when not
    set): each as written, and joined to the book's folder `root` (a `Path`)."""
    bases = options.get("base_path", ["."]) if isinstance(options, dict) else ["."]
    listed = [bases] if isinstance(bases, str) else bases if isinstance(bases, list) else []
    return [(str(base), root / str(base)) for base in listed]
