"""Where the look of the editions comes from: the book's own `styles/` folder, else Presswork's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pipeline.errors import ConfigError


def _shipped() -> Path:
    """The styles Presswork ships: the `styles/` folder of a source checkout, which an installed
    Presswork carries as the package `pipeline.default_styles`."""
    checkout = Path(__file__).resolve().parents[2] / "styles"
    if (checkout / "book.typ").is_file():
        return checkout
    spec = importlib.util.find_spec("pipeline.default_styles")  # a folder without __init__.py
    if spec is None or not spec.submodule_search_locations:
        return checkout
    return Path(next(iter(spec.submodule_search_locations)))


OWN = _shipped()


def find(root: Path, name: str) -> Path:
    """The style file `name` (`book.typ`, `epub.css`, ...) for the book whose root is `root`."""
    for folder in (root / "styles", OWN):
        candidate = folder / name
        if candidate.is_file():
            if folder != OWN and not candidate.resolve().is_relative_to(root.resolve()):
                raise ConfigError(
                    f"style file styles/{name} is a link to a file outside the book's folder",
                    path=str(root), hint="copy the file into styles/",
                )  # fmt: skip
            return candidate
    raise ConfigError(f"style file styles/{name} not found", path=str(root), hint="restore it from Presswork's styles/ folder")
