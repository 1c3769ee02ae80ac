"""Maven, the one module that runs it: Java programs (LanguageTool, veraPDF) installed from Maven
Central with their dependencies into a folder of the cache, whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>presswork</groupId><artifactId>install</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""
_DEPENDENCY = "    <dependency><groupId>{}</groupId><artifactId>{}</artifactId><version>{}</version></dependency>"
MARKER = "complete"  # written last, it holds the classpath relative to the folder


def available() -> bool:
    return shutil.which("mvn") is not None


def installed(folder: Path) -> str | None:
    """The classpath of a complete installation in `folder`, or None."""
    marker = folder / MARKER
    return str(folder / marker.read_text().strip()) if marker.is_file() else None


def install(folder: Path, artifacts: list[str], *, name: str, timeout: float = 1800) -> str:
    """Install `artifacts` ("group:artifact:version") and what they depend on into `folder/lib`, and
    return the classpath; the folder appears only once the whole of it is there."""
    if not available():
        raise ToolError("Maven is not installed", hint="install Maven (apt-get install maven)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        dependencies = "\n".join(_DEPENDENCY.format(*artifact.split(":")) for artifact in artifacts)
        (work / "pom.xml").write_text(_POM.format(dependencies=dependencies))
        command = [
            "mvn",
            "-q",
            "-B",
            "-Dstyle.color=never",
            "dependency:copy-dependencies",
            "-DoutputDirectory=lib",
            "-f",
            str(work / "pom.xml"),
        ]
        result = process.run("Maven", command, timeout=timeout, cwd=work, check=False)
        if result.returncode != 0:
            said = re.sub(r"\x1b\[[0-9;]*m", "", (result.stdout + result.stderr).decode("utf-8", "replace")).splitlines()
            errors = [line for line in said if line.startswith("[ERROR]") and line.removeprefix("[ERROR]").strip()]
            raise ToolError(f"{name} could not be installed with Maven", detail="\n".join(errors[:1] or said[-3:]))
        (work / MARKER).write_text("lib/*")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return str(folder / "lib" / "*")
