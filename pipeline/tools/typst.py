"""typst, the compiler bundled in the `typst` package, run in a child process so it has a timeout.

Only the fonts typst bundles are used (system fonts are ignored), and the PDF's creation date comes
from the build's epoch: the same source gives the same bytes on any machine.
"""

from __future__ import annotations

import functools
import json
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


def compile_pdf(
    source: Path, output: Path, *, root: Path, epoch: int, timeout: float, tags: bool = True, report: str | None = None
) -> object:
    """Compile `source` (inside `root`, which typst may not read beyond) to the PDF `output`; with
    `report`, return the value of the `metadata` the document labels so (read after it is laid out).
    `tags=False` leaves out the structure tree (for PDFs that are joined, which cannot keep it)."""
    version()
    command = [sys.executable, "-m", "pipeline.tools.typst", str(source), str(output), str(root), str(epoch)]
    command += [f"--tags={'yes' if tags else 'no'}", f"--report={report or ''}"]
    result = process.run("typst", command, timeout=timeout, check=False)
    if result.returncode != 0:
        text = result.stderr.decode("utf-8", "replace").strip()
        first = next((line for line in text.splitlines() if line.strip()), process.ended(result.returncode))
        raise ToolError(f"typst failed: {first.removeprefix('error: ')}", detail=text)
    return json.loads(result.stdout) if report else None


def _main(source: str, output: str, root: str, epoch: str, tags: str = "--tags=yes", report: str = "--report=") -> int:
    import typst

    label = report.removeprefix("--report=")
    try:
        compiler = typst.Compiler(source, root=root, ignore_system_fonts=True)
        compiler.compile(output=output, timestamp=int(epoch), pdf_tags=tags == "--tags=yes")
        if label:  # the layout is cached: asking the document costs next to nothing now
            sys.stdout.write(compiler.query(f"<{label}>", field="value", one=True, format="json"))
    except Exception as error:  # typst raises its own TypstError; report it to the parent on stderr
        print(" ".join(str(error).split()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(*sys.argv[1:]))
