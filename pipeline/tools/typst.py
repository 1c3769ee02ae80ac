"""typst, the compiler bundled in the `typst` package, run in a child process so it has a timeout.

Only the fonts typst bundles are used (system fonts are ignored), and the PDF's creation date comes
from the build's epoch: the same source gives the same bytes on any machine.
"""

from __future__ import annotations

import functools
import sys
from importlib import metadata
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process


@functools.cache
def version() -> str:
    try:
        return metadata.version("typst")
    except metadata.PackageNotFoundError as error:
        raise ToolError("the typst package is not installed", hint="run 'make book' or pip install presswork") from error


def compile_pdf(source: Path, output: Path, *, root: Path, epoch: int, timeout: float) -> None:
    """Compile `source` (inside `root`, which typst may not read beyond) to the PDF `output`."""
    version()
    command = [sys.executable, "-m", "pipeline.tools.typst", str(source), str(output), str(root), str(epoch)]
    result = process.run("typst", command, timeout=timeout, check=False)
    if result.returncode != 0:
        text = result.stderr.decode("utf-8", "replace").strip()
        first = next((line for line in text.splitlines() if line.strip()), process.ended(result.returncode))
        raise ToolError(f"typst failed: {first.removeprefix('error: ')}", detail=text)


def _main(source: str, output: str, root: str, epoch: str) -> int:
    import typst

    try:
        typst.compile(source, output=output, root=root, ignore_system_fonts=True, timestamp=int(epoch))
    except Exception as error:  # typst raises its own TypstError; report it to the parent on stderr
        print(" ".join(str(error).split()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(*sys.argv[1:]))
