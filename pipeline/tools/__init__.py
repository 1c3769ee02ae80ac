"""One module per external tool: each owns its process, its version and its errors.

The tools that are installed into the cache folder rather than with Presswork (`INSTALLED`) each
have `install_into(cache)`, which installs the tool unless it is there and says what is installed;
`presswork install` runs it.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

# name -> what it is for (`presswork install NAME`), in the order `presswork install` installs them all
INSTALLED = {
    "languagetool": "the grammar check",
    "mermaid": "Mermaid diagrams in every edition",
    "ace": "the EPUB's accessibility check (DAISY Ace)",
    "verapdf": "the PDF's accessibility check (veraPDF)",
    "axe": "the site's accessibility check (axe-core)",
}


def install_into(name: str, cache: Path) -> str:
    """Install the tool `name` of `INSTALLED` into `cache` unless it is there; what is installed, as one line."""
    return importlib.import_module(f"pipeline.tools.{name}").install_into(cache)


def module_main(name: str, argv: list[str]) -> int:
    """`python -m pipeline.tools.NAME install`, as `presswork install NAME` (kept for workflows that use it)."""
    from pipeline.environment import cache_folder
    from pipeline.errors import PressworkError

    if argv[:1] != ["install"]:
        print(f"usage: presswork install {name}", file=sys.stderr)
        return 2
    try:
        print(install_into(name, cache_folder(os.environ)))
    except PressworkError as error:
        print(str(error), file=sys.stderr)
        return 3
    return 0
