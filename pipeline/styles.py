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
            if folder != _OWN and not candidate.resolve().is_relative_to(root.resolve()):
                raise ConfigError(
                    f"style file styles/{name} is a link to a file outside the book's folder",
                    path=str(root), hint="copy the file into styles/",
                )  # fmt: skip
            return candidate
    raise ConfigError(f"style file styles/{name} not found", path=str(root), hint="restore it from Presswork's styles/ folder")
