"""The configuration file: `mkdocs.yml` and the files it inherits, read as MkDocs reads them, with
the file and line of every key.

MkDocs' loader (`mkdocs.utils.yaml`) is PyYAML's full one; this is PyYAML's safe loader (libyaml's
parser when PyYAML has it) taught MkDocs' tags, each as MkDocs reads it:

- `INHERIT: base.yml` merges the file named, a path relative to the file naming it, which may
  inherit another: mappings are merged key by key, the child's value winning; lists and every other
  value are the child's (mergedeep's default, which MkDocs uses);
- `!ENV NAME` and `!ENV [NAME, OTHER, default]` (pyyaml_env_tag): the first variable set, read as
  YAML reads a plain value; else the last item of several; else null. A trusted run reads the
  environment it is given, never `os.environ`; an untrusted run refuses the tag;
- `!relative $config_dir/path` and `!relative $docs_dir/path`: the path from the folder of
  `mkdocs.yml` or from the docs folder (resolved once the whole configuration is read). `!relative`
  alone, the folder of the page being rendered, is refused with its line;
- `!!python/name:` and `!!python/object/apply:` (`_python`).

Every other tag that would run code is refused. The three ways of reading: "trusted", "untrusted"
(`pipeline.configuration.trust`: only well-known callables, no `!ENV`, no `INHERIT` of a file outside the book's
folder) and "placeholder" (nothing imported, no variable read: for `untrusted_when`, read before the
run's trust is decided).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.configuration import trust as trusting
from pipeline.errors import ConfigError

Where = tuple[str, int]  # a file as shown (`mkdocs.yml`, `../shared/base.yml`) and a line in it


@dataclass(frozen=True)
class Source:
    """A configuration file as read, the files it inherits merged in."""

    text: str  # the file itself
    data: dict[str, Any]  # the merged mapping, `INHERIT` taken out and `!relative` paths resolved
    lines: dict[str, Where]  # every key path (`plugins.presswork.book.title`) where its value is written
    inherited: tuple[tuple[str, str], ...] = ()  # each inherited file, nearest first: (its name as shown, its text)


def read(path: Path, python: str = "placeholder", environ: Mapping[str, str] | None = None) -> Source:
    """`path` (resolved) read as MkDocs reads it; a problem is one `ConfigError` naming its file and line."""
    found = _read(path, python, environ or {}, path, ())
    return Source(found.text, _relative_paths(found.data, path), found.lines, found.inherited)


def line_of(lines: dict[str, Where], key_path: str) -> Where | None:
    """Where `key_path`, or the nearest key above it, is written."""
    parts = key_path.split(".")
    while parts:
        where = lines.get(".".join(parts))
        if where is not None:
            return where
        parts.pop()
    return None


def one_line(error: object) -> str:
    """One line, with MkDocs' `<class 'int'>` written as a reader says it: `int`."""
    return re.sub(r"<class '(\w+)'>", r"\1", " ".join(str(error).split()))


@dataclass(frozen=True)
class _Read:
    text: str
    data: dict[str, Any]
    lines: dict[str, Where]
    mappings: frozenset[str]  # the key paths whose value is a mapping: what an inheriting file merges into
    inherited: tuple[tuple[str, str], ...]


def _read(path: Path, python: str, environ: Mapping[str, str], top: Path, chain: tuple[Path, ...]) -> _Read:
    """One file and, through its `INHERIT`, the files above it, merged."""
    shown = _shown(path, top)
    text, node, data = _parsed(path, shown, python, environ, parent=path != top)
    lines: dict[str, Where] = {}
    mappings: set[str] = set()
    _collect_lines(node, "", shown, lines, mappings)
    inherited: tuple[tuple[str, str], ...] = ()
    if "INHERIT" in data:
        name = data.pop("INHERIT")
        where = lines.pop("INHERIT", (shown, None))
        chain = (*chain, path.resolve())
        parent = _parent(path, name, where, python, top, chain)
        above = _read(parent, python, environ, top, chain)
        data = _merged(above.data, data, {})
        lines, mappings = _merged_lines(above, lines, mappings)
        inherited = ((_shown(parent, top), above.text), *above.inherited)
    return _Read(text, data, lines, frozenset(mappings), inherited)


def _shown(path: Path, top: Path) -> str:
    """A file as messages name it: `mkdocs.yml` by its name, an inherited file from its folder."""
    return path.name if path == top else Path(os.path.relpath(path, top.parent)).as_posix()


def _parent(path: Path, name: Any, where: tuple[str, int | None], python: str, top: Path, chain: tuple[Path, ...]) -> Path:
    """The file `INHERIT: name` in `path` names, as MkDocs finds it (relative to `path`'s folder),
    once it is sure to be one this run may read."""

    def problem(message: str, hint: str) -> ConfigError:
        return ConfigError(message, path=where[0], line=where[1], hint=hint)

    if not isinstance(name, str) or not name.strip():
        raise problem(
            f"INHERIT: expected the path of a configuration file, got {one_line(repr(name))[:60]}",
            "write INHERIT: base.yml, relative to this file",
        )
    parent = Path(os.path.normpath(path.parent / name))
    if python == "untrusted":
        refused = trusting.inherited(name, parent, top.parent)
        if refused:
            raise problem(*refused)
    if parent.resolve() in chain:
        raise problem(f"INHERIT: '{name}' inherits this file, directly or not: a loop", "take INHERIT out of one of them")
    if not parent.exists():
        raise problem(f"INHERIT: '{name}' does not exist at '{parent}'", f"the path is relative to {where[0]}'s folder")
    if not parent.is_file():
        raise problem(f"INHERIT: '{name}' is not a file", "name a YAML file")
    return parent


def merge(parent: dict, child: dict) -> dict:
    """`child` merged over the configuration it inherits, as MkDocs merges them."""
    return _merged(parent, child, {})


def _merged(parent: dict, child: dict, done: dict) -> dict:
    """MkDocs' merge of an inherited mapping (mergedeep's default strategy): mappings merged key by
    key, the child's value winning; every other value is the child's. A pair of mappings met again
    through YAML aliases is merged once."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(merged.get(key), dict) and isinstance(value, dict):
            pair = (id(merged[key]), id(value))
            if pair not in done:
                done[pair] = _merged(merged[key], value, done)
            value = done[pair]
        merged[key] = value
    return merged


def _merged_lines(parent: _Read, lines: dict[str, Where], mappings: set[str]) -> tuple[dict[str, Where], set[str]]:
    """The lines of a merged configuration: the child's keys where the child writes them, and the
    parent's where its value survives the merge (not under a key whose value the child replaced)."""
    replaced = {key for key in lines if key not in mappings or key not in parent.mappings}

    def survives(key: str) -> bool:
        while key not in replaced:
            cut = key.rfind(".")
            if cut < 0:
                return True
            key = key[:cut]
        return False

    kept = {key: where for key, where in parent.lines.items() if key not in lines and survives(key)}
    return {**kept, **lines}, {key for key in parent.mappings if key in kept} | mappings


def _relative_paths(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Every `!relative` of the merged configuration as the path MkDocs' placeholders give: from the
    folder of `mkdocs.yml` (`$config_dir`) or from the docs folder as MkDocs validates it (`$docs_dir`)."""
    config_dir = str(path.parent)
    docs_dir = data.get("docs_dir", "docs")
    if isinstance(docs_dir, _Relative) and docs_dir.base == "$config_dir":
        docs_dir = os.path.join(config_dir, docs_dir.suffix)
    docs_dir = os.path.abspath(os.path.join(config_dir, docs_dir if isinstance(docs_dir, str) else "docs"))
    seen: set[int] = set()

    def resolved(value: Any) -> Any:
        if isinstance(value, _Relative):
            return os.path.join(config_dir if value.base == "$config_dir" else docs_dir, value.suffix)
        if isinstance(value, (dict, list)) and id(value) not in seen:  # a value YAML aliases is resolved once
            seen.add(id(value))
            for key, item in list(value.items() if isinstance(value, dict) else enumerate(value)):
                value[key] = resolved(item)
        return value

    return resolved(data)


class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """PyYAML's safe loader, and MkDocs' tags read as MkDocs reads them: everything else that runs
    code is refused."""

    python = "placeholder"  # "trusted", "untrusted", or "placeholder": nothing imported, only read
    environ: Mapping[str, str] = {}  # what `!ENV` reads in a trusted run


@dataclass(frozen=True)
class _Relative:
    """`!relative $config_dir/suffix` or `!relative $docs_dir/suffix`, until the docs folder is known."""

    base: str
    suffix: str


def _env(loader: _SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`, as pyyaml_env_tag reads it for MkDocs."""
    line = node.start_mark.line + 1
    if loader.python == "untrusted":
        raise ConfigError(
            "!ENV is refused in an untrusted run: presswork copies no environment variable into a configuration it does not trust",
            line=line, hint="write the value itself; a secret belongs in no edition",
        )  # fmt: skip
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        items = node.value
        if len(items) > 1:
            default, items = loader.construct_object(items[-1], deep=True), items[:-1]
        names = [loader.construct_scalar(item) for item in items]
    else:
        raise ConfigError(
            "!ENV takes a variable's name, or a list of names and a default", line=line, hint="write !ENV NAME or !ENV [NAME, default]"
        )
    for name in names if loader.python == "trusted" else ():
        if name in loader.environ:
            value = loader.environ[name]
            try:  # the value read as YAML reads a plain one: `true`, `8000`
                return loader.construct_object(yaml.ScalarNode(loader.resolve(yaml.ScalarNode, value, (True, False)), value))
            except (ValueError, yaml.YAMLError):  # a value that only looks like one (`2024-13-45`): its text
                return value
    return default


def _relative(loader: _SafeLoader, node: yaml.Node) -> Any:
    """`!relative $config_dir/path` or `!relative $docs_dir/path`, as MkDocs reads them."""
    line = node.start_mark.line + 1
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    prefix, _, suffix = (value or "").partition("/")
    if prefix in ("$config_dir", "$docs_dir"):
        return _Relative(prefix, suffix)
    if value is None or prefix.startswith("$"):
        raise ConfigError(
            f"!relative: unknown prefix {prefix!r}" if value else "!relative takes a path",
            line=line,
            hint="write !relative $config_dir/PATH or !relative $docs_dir/PATH",
        )
    if value:
        raise ConfigError(
            f"!relative takes no value but $config_dir or $docs_dir; received {value!r}",
            line=line,
            hint=f"write !relative $config_dir/{value}",
        )
    raise ConfigError(
        "!relative alone (the folder of the page being rendered) is not supported", line=line,
        hint="write !relative $docs_dir/FOLDER, or a path relative to mkdocs.yml",
    )  # fmt: skip


def _python(loader: _SafeLoader, tag: str, suffix: str, node: yaml.Node) -> Any:
    """A callable named in the configuration (`!!python/name:pymdownx.superfences.fence_code_format`),
    or one applied to arguments (`!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}`):
    imported in a trusted run; in an untrusted run only the well-known ones (`trust.CALLABLES`)."""
    line = node.start_mark.line + 1
    if loader.python == "placeholder":
        return f"!!python/{tag}:{suffix}"
    if loader.python == "untrusted" and suffix not in trusting.CALLABLES:
        raise ConfigError(
            f"!!python/{tag}:{suffix} is refused in an untrusted run: it would run code from the configuration",
            line=line, hint=f"use one of the well-known callables ({', '.join(sorted(trusting.CALLABLES)[:3])}, ...) or build with the base branch's configuration",
        )  # fmt: skip
    module_name, _, name = suffix.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), name) if module_name else None
    except ImportError as error:
        raise ConfigError(
            f"!!python/{tag}:{suffix}: cannot import {module_name}: {error}", line=line, hint="install the package, or correct the name"
        ) from None
    except AttributeError:
        value = None
    if value is None:
        raise ConfigError(f"!!python/{tag}:{suffix}: {module_name} has no {name}", line=line, hint="correct the name")
    if tag == "name":
        return value
    if isinstance(node, yaml.MappingNode):
        mapping = loader.construct_mapping(node, deep=True)
        args, kwds = mapping.get("args", []), mapping.get("kwds", {})
    elif isinstance(node, yaml.SequenceNode):
        args, kwds = loader.construct_sequence(node, deep=True), {}
    else:
        args, kwds = [], {}
    try:
        return value(*args, **kwds)
    except Exception as error:  # the callable's own complaint about its arguments
        raise ConfigError(
            f"!!python/{tag}:{suffix}: {one_line(error)}", line=line, hint="check the arguments under args: and kwds:"
        ) from None


_SafeLoader.add_constructor("!ENV", _env)
_SafeLoader.add_constructor("!relative", _relative)
_SafeLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: _python(loader, "name", suffix, node))
_SafeLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/object/apply:", lambda loader, suffix, node: _python(loader, "object/apply", suffix, node)
)


def _parse(text: str, python: str, environ: Mapping[str, str]) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for the line of each key) and its value, from one parse."""
    loader = _SafeLoader(text)
    loader.python, loader.environ = python, environ
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _parsed(path: Path, shown: str, python: str, environ: Mapping[str, str], parent: bool) -> tuple[str, yaml.Node | None, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError("not UTF-8 text", path=shown, hint="save the file as UTF-8") from error
    except OSError as error:
        raise ConfigError(f"cannot read it: {error.strerror}", path=shown) from error
    try:
        node, data = _parse(text, python, environ)
    except ConfigError as error:
        error.path = shown
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = one_line(error.problem or error.context or "invalid YAML")
        hint = "fix the YAML syntax"
        if "could not determine a constructor" in str(error):
            message = f"{message.replace('tag:yaml.org,2002:', '!!')}: presswork reads its configuration with a safe loader"
            hint = "write a plain value instead of the tag"
        raise ConfigError(message, path=shown, line=mark.line + 1 if mark else None, hint=hint) from error
    except yaml.YAMLError as error:
        raise ConfigError(one_line(error), path=shown, hint="fix the YAML syntax") from error
    if data is None and parent:  # MkDocs reads an empty file as no settings
        data = {}
    if data is None:
        raise ConfigError(
            "is empty: it holds no settings", path=shown, hint="a book's mkdocs.yml names at least site_name and the presswork plugin"
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"holds {type(data).__name__ if not isinstance(data, list) else 'a list'}, not settings", path=shown, line=1,
            hint="write the settings as 'key: value' lines, such as 'site_name: My book'",
        )  # fmt: skip
    return text, node, data


def _collect_lines(
    node: yaml.Node | None, prefix: str, shown: str, lines: dict[str, Where], mappings: set[str], seen: set[int] | None = None
) -> None:
    """Map every key path (`plugins.presswork.book.title`) to where it is written, and note the key
    paths whose value is a mapping. A node met again through a YAML alias is not walked again (nine
    levels of nine aliases would be nine to the ninth walks): its keys are where the anchor is."""
    seen = set() if seen is None else seen
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in seen:
            return
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = f"{prefix}{key_node.value}"
            lines.setdefault(key_path, (shown, key_node.start_mark.line + 1))
            if isinstance(value_node, yaml.MappingNode):
                mappings.add(key_path)
            _collect_lines(value_node, f"{key_path}.", shown, lines, mappings, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            if isinstance(item, yaml.ScalarNode):
                lines.setdefault(f"{prefix}{item.value}", (shown, item.start_mark.line + 1))
            lines.setdefault(f"{prefix}{index}", (shown, item.start_mark.line + 1))
            _collect_lines(item, prefix if isinstance(item, yaml.MappingNode) else f"{prefix}{index}.", shown, lines, mappings, seen)
