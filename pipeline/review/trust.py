"""The configuration a pull request is checked and previewed with: the base branch's, with the pull
request's chapter order.

A pull request is not trusted. Its `mkdocs.yml` could name hooks (Python files MkDocs imports), a
theme folder of templates, plugins and Markdown extensions: code that would run with the workflow's
token. So the workflows take the base branch's `mkdocs.yml` whole, and from the pull request only its
`nav`, which is data: titles and chapter paths, checked here to be nothing else. The base's `hooks`
and `theme.custom_dir` are pointed at the base checkout's own files, so a pull request that edits
those files changes nothing that runs. Usage, in the pull request's checkout:

    python -m pipeline.review.trust ../base/mkdocs.yml mkdocs.yml > trusted.yml && mv trusted.yml mkdocs.yml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from pipeline.configuration import configfile
from pipeline.errors import ConfigError, ExitCode, PressworkError


def trusted(base: Path, head: Path) -> dict[str, Any]:
    """The base configuration with the head's `nav`; hooks and theme templates from the base checkout.
    What the base inherits (`INHERIT`) is read from the base checkout and merged in: the pull
    request's own copy of an inherited file is never read."""
    merged = _inherited(base, ())
    nav = _read(head).get("nav")
    if nav is not None:
        merged["nav"] = _checked_nav(nav, head)
    folder = base.resolve().parent
    if isinstance(merged.get("hooks"), list):
        merged["hooks"] = [str((folder / str(hook)).resolve()) for hook in merged["hooks"]]
    theme = merged.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((folder / str(theme["custom_dir"])).resolve())
    return merged


def _inherited(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """`path` with the files it inherits merged in, as MkDocs merges them, `INHERIT` taken out."""
    data = _read(path)
    name = data.pop("INHERIT", None)
    if name is None:
        return data
    parent = (path.parent / str(name)).resolve()
    if parent in chain or parent == path.resolve():
        raise ConfigError(f"INHERIT: '{name}' inherits this file, directly or not: a loop", path=path)
    return configfile.merge(_inherited(parent, (*chain, path.resolve())), data)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise ConfigError(f"cannot read it: {error.strerror}", path=path) from error
    except yaml.YAMLError as error:
        raise ConfigError(f"not a plain YAML configuration: {' '.join(str(error).split())}", path=path) from error
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings", path=path)
    return data


def _checked_nav(nav: Any, path: Path) -> Any:
    """`nav` as MkDocs reads it, and nothing else: lists, one-key mappings of titles, and page strings."""
    if isinstance(nav, str):
        if "\n" in nav or not nav.strip():
            raise ConfigError(f"nav entry {nav!r} is not a page", path=path)
        return nav
    if isinstance(nav, list):
        return [_checked_nav(item, path) for item in nav]
    if isinstance(nav, dict) and len(nav) == 1:
        ((title, value),) = nav.items()
        if isinstance(title, str):
            return {title: _checked_nav(value, path)}
    raise ConfigError(f"nav holds {type(nav).__name__} {nav!r}, which is not a title or a page", path=path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m pipeline.review.trust BASE/mkdocs.yml HEAD/mkdocs.yml > trusted.yml", file=sys.stderr)
        return ExitCode.USAGE
    try:
        merged = trusted(Path(args[0]), Path(args[1]))
    except PressworkError as error:
        print(str(error), file=sys.stderr)
        return error.exit_code
    header = f"# {Path(args[0]).as_posix()} with the nav of {Path(args[1]).as_posix()} (pipeline.review.trust)\n"
    sys.stdout.write(header + yaml.safe_dump(merged, sort_keys=False, allow_unicode=True))
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
