"""Where the look of the editions comes from: the book's own `styles/` folder, else Presswork's."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ConfigError

# The styles Presswork ships: the `styles/` folder beside the package in a source checkout.
_OWN = Path(__file__).resolve().parent.parent / "styles"


def find(root: Path, name: str) -> Path:
    """The style file `name` (`book.typ`, `epub.css`, ...) for the book whose root is `root`."""
    for folder in (root / "styles", _OWN):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise ConfigError(f"style file styles/{name} not found", path=str(root), hint="restore it from Presswork's styles/ folder")
