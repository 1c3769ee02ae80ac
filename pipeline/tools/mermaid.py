"""Mermaid, the one module that runs it: mermaid's own package from npm, in Debian's chromium, through
puppeteer-core (`mermaid.mjs`), installed into the cache folder by `python -m pipeline.tools.mermaid
install` (which `make` runs). All of a build's diagrams are drawn in one run of the browser."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import npm, process

PACKAGES = ("mermaid@11.12.0", "puppeteer-core@24.31.0")
_SCRIPT = Path(__file__).with_name("mermaid.mjs")


@dataclass(frozen=True)
class Drawn:
    """One diagram: its SVG, or why mermaid could not read it."""

    svg: str | None
    error: str | None = None


@dataclass(frozen=True)
class Renderer(npm.Installed):
    """Where mermaid is installed (`cache/mermaid/node_modules`) and the browser that runs it."""

    title = "mermaid"
    name = "mermaid"
    main = "mermaid"
    packages = PACKAGES
    without = "build books without Mermaid diagrams"

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
        drawn = process.read_json("mermaid", result.stdout)
        if len(drawn) != len(sources):
            raise ToolError(f"mermaid drew {len(drawn)} of {len(sources)} diagrams")
        return [Drawn(item.get("svg"), item.get("error")) for item in drawn]


def install_into(cache: Path) -> str:
    return Renderer.install_into(cache)


if __name__ == "__main__":
    from pipeline import tools

    raise SystemExit(tools.module_main("mermaid", sys.argv[1:]))
