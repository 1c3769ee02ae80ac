"""npm packages that run in Debian's chromium (Mermaid, DAISY Ace, axe-core): each installed from npm
into its own folder of the cache, with no browser download, by `python -m pipeline.tools.<name>
install` (which `make` runs). A tool's module subclasses `Installed` with what it installs."""

from __future__ import annotations

import functools
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pipeline.errors import ToolError
from pipeline.tools import process


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Installed:
    """Where a tool's packages are installed (`cache/<name>/node_modules`) and the browser it runs in."""

    folder: Path
    chromium: str | None

    title: ClassVar[str]  # how messages name the tool: "DAISY Ace"
    name: ClassVar[str]  # its folder in the cache and its module in pipeline.tools: "ace"
    main: ClassVar[str]  # the package whose version is the tool's: "@daisy/ace-cli"
    packages: ClassVar[tuple[str, ...]]  # what npm installs, with versions
    without: ClassVar[str]  # what a user can do without it, when npm is missing

    @classmethod
    def find(cls, cache: Path):
        return cls(cache / cls.name, chromium())

    @property
    def modules(self) -> Path:
        return self.folder / "node_modules"

    @property
    def package(self) -> Path:
        return self.modules / self.main

    @property
    def installed(self) -> bool:
        return (self.package / "package.json").is_file()

    def missing(self) -> str | None:
        """What stops the tool running here, or None."""
        if shutil.which("node") is None:
            return "Node.js is not installed"
        if not self.installed:
            return f"{self.title} is not installed (run 'make install', or python -m pipeline.tools.{self.name} install)"
        if self.chromium is None:
            return "chromium is not installed (apt-get install chromium)"
        return None

    @functools.cached_property
    def version(self) -> str:
        return json.loads((self.package / "package.json").read_text())["version"]

    def install(self, *, timeout: float = 900) -> None:
        """Install the packages from npm into the tool's folder (no browser download: Debian's chromium is used)."""
        if shutil.which("npm") is None:
            raise ToolError("npm is not installed", hint=f"install Node.js, or {self.without}")
        self.folder.mkdir(parents=True, exist_ok=True)
        command = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent", "--prefix", str(self.folder), *self.packages]
        process.run("npm", command, timeout=timeout, env={"PUPPETEER_SKIP_DOWNLOAD": "1"})

    def mend(self) -> str | None:
        """Mend what the installed packages do slowly (nothing, for most); what was mended, or None."""
        return None

    @classmethod
    def install_into(cls, cache: Path) -> str:
        """Install it into `cache` unless it is installed (`presswork install NAME`); what is installed."""
        tool = cls.find(cache)
        if not tool.installed:
            tool.install()
        mended = tool.mend()
        return f"{cls.title} {tool.version} is installed ({tool.modules}){f'; {mended}' if mended else ''}"
