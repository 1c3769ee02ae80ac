"""Mermaid, the one module that runs it: mermaid's own package from npm, in Debian's chromium, through
puppeteer-core (`mermaid.mjs`), installed into the cache folder by `python -m pipeline.tools.mermaid
install` (which `make` runs). All of a build's diagrams are drawn in one run of the browser."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process

PACKAGES = ("mermaid@11.12.0", "puppeteer-core@24.31.0")
_SCRIPT = Path(__file__).with_name("mermaid.mjs")


@dataclass(frozen=True)
class Drawn:
    """One diagram: its SVG, or why mermaid could not read it."""

    svg: str | None
    error: str | None = None


@dataclass(frozen=True)
class Renderer:
    """Where mermaid is installed (`cache/mermaid/node_modules`) and the browser that runs it."""

    folder: Path
    chromium: str | None

    @classmethod
    def find(cls, cache: Path) -> Renderer:
        return cls(cache / "mermaid", shutil.which("chromium") or shutil.which("chromium-browser"))

    @property
    def modules(self) -> Path:
        return self.folder / "node_modules"

    def missing(self) -> str | None:
        """What stops diagrams being drawn here, or None."""
        if shutil.which("node") is None:
            return "Node.js is not installed"
        if not (self.modules / "mermaid" / "package.json").is_file():
            return "mermaid is not installed (run 'make install', or python -m pipeline.tools.mermaid install)"
        if self.chromium is None:
            return "chromium is not installed (apt-get install chromium)"
        return None

    @functools.cached_property
    def version(self) -> str:
        return json.loads((self.modules / "mermaid" / "package.json").read_text())["version"]

    def draw(self, sources: list[str], *, timeout: float) -> list[Drawn]:
        """Each source drawn as SVG, in one run of the browser."""
        if not sources:
            return []
        problem = self.missing()
        if problem:
            raise ToolError(f"mermaid cannot run: {problem}")
        request = [{"id": "pw-" + hashlib.sha256(source.encode()).hexdigest()[:12], "source": source} for source in sources]
        env = {"PRESSWORK_NODE_MODULES": str(self.modules), "PRESSWORK_CHROMIUM": self.chromium or ""}
        result = process.run("mermaid", ["node", str(_SCRIPT)], timeout=timeout, input=json.dumps(request).encode(), env=env)
        drawn = json.loads(result.stdout)
        if len(drawn) != len(sources):
            raise ToolError(f"mermaid drew {len(drawn)} of {len(sources)} diagrams")
        return [Drawn(item.get("svg"), item.get("error")) for item in drawn]


def install(folder: Path, *, timeout: float = 900) -> Path:
    """Install mermaid and puppeteer-core from npm into `folder` (no browser download: Debian's chromium is used)."""
    if shutil.which("npm") is None:
        raise ToolError("npm is not installed", hint="install Node.js, or build books without Mermaid diagrams")
    folder.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), *PACKAGES]
    process.run("npm", command, timeout=timeout, env={"PUPPETEER_SKIP_DOWNLOAD": "1"})
    return folder / "node_modules"


def _main(argv: list[str]) -> int:
    from pipeline.environment import cache_folder

    if argv[:1] != ["install"]:
        print("usage: python -m pipeline.tools.mermaid install", file=sys.stderr)
        return 2
    renderer = Renderer.find(cache_folder(os.environ))
    try:
        if not (renderer.modules / "mermaid" / "package.json").is_file():
            install(renderer.folder)
    except ToolError as error:
        print(str(error), file=sys.stderr)
        return 3
    print(f"mermaid {renderer.version} is installed ({renderer.modules})")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
