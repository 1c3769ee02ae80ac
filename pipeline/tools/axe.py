"""axe-core, the one module that runs it: the accessibility rules of WCAG 2.1 A and AA on every page
of the site, in Debian's chromium through puppeteer-core (`axe.mjs`), installed from npm into the
cache folder by `python -m pipeline.tools.axe install` (which `make` runs). All of a site's pages
are checked in one run of the browser, once in each colour scheme the site offers."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import process

PACKAGES = ("axe-core@4.11.0", "puppeteer-core@24.31.0")
_SCRIPT = Path(__file__).with_name("axe.mjs")


@dataclass(frozen=True)
class Violation:
    """One element of one page that fails one rule, in one colour scheme."""

    page: str  # the page's file, relative to the site's folder
    scheme: str  # Material's colour scheme: default, slate
    rule: str  # axe-core's rule: color-contrast, link-in-text-block, ...
    impact: str
    text: str  # what the rule asks
    target: str  # the element, as a CSS selector
    html: str


@dataclass(frozen=True)
class Checker:
    """Where axe-core is installed (`cache/axe/node_modules`) and the browser that runs it."""

    folder: Path
    chromium: str | None

    @classmethod
    def find(cls, cache: Path) -> Checker:
        return cls(cache / "axe", shutil.which("chromium") or shutil.which("chromium-browser"))

    @property
    def modules(self) -> Path:
        return self.folder / "node_modules"

    def missing(self) -> str | None:
        """What stops axe-core running here, or None."""
        if shutil.which("node") is None:
            return "Node.js is not installed"
        if not (self.modules / "axe-core" / "package.json").is_file():
            return "axe-core is not installed (run 'make install', or python -m pipeline.tools.axe install)"
        if self.chromium is None:
            return "chromium is not installed (apt-get install chromium)"
        return None

    @functools.cached_property
    def version(self) -> str:
        return json.loads((self.modules / "axe-core" / "package.json").read_text())["version"]

    def check(self, site: Path, pages: list[Path], schemes: list[str], *, timeout: float, base: str = "/") -> list[Violation]:
        """Every violation on `pages` (files of the site in the folder `site`), in each of `schemes`, the
        site served under the path `base` (its site_url's, where its 404 page looks for its files)."""
        if not pages:
            return []
        problem = self.missing()
        if problem:
            raise ToolError(f"axe-core cannot run: {problem}")
        names = {page.relative_to(site).as_posix(): page.relative_to(site).as_posix() for page in pages}
        env = {"PRESSWORK_NODE_MODULES": str(self.modules), "PRESSWORK_CHROMIUM": self.chromium or ""}
        with _served(site, base) as origin:
            names = {f"{origin}{name}": name for name in names}
            request = {"pages": list(names), "schemes": schemes}
            result = process.run("axe-core", ["node", str(_SCRIPT)], timeout=timeout, input=json.dumps(request).encode(), env=env)
        return [
            Violation(names.get(checked["url"], checked["url"]), checked["scheme"], rule["id"], rule.get("impact") or "?", rule["help"], node["target"], node["html"])
            for checked in json.loads(result.stdout)
            for rule in checked["violations"]
            for node in rule["nodes"]
        ]  # fmt: skip


@contextlib.contextmanager
def _served(site: Path, base: str = "/") -> Iterator[str]:
    """The site served from its folder under the path `base` on a free loopback port, as a reader's
    browser gets it from a web server (its 404 page links its files from that path); the address of
    the site's root is returned, ending in a slash."""
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def translate_path(self, path: str) -> str:
            if not path.startswith(base):
                return str(site / ".outside-the-site")  # no such file: 404
            return super().translate_path("/" + path[len(base):])

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    finally:
        server.shutdown()
        server.server_close()


def install(folder: Path, *, timeout: float = 900) -> None:
    """Install axe-core and puppeteer-core from npm into `folder` (no browser download: Debian's chromium is used)."""
    if shutil.which("npm") is None:
        raise ToolError("npm is not installed", hint="install Node.js, or set accessibility: {site: off} in mkdocs.yml")
    folder.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), *PACKAGES]
    process.run("npm", command, timeout=timeout, env={"PUPPETEER_SKIP_DOWNLOAD": "1"})


def _main(argv: list[str]) -> int:
    from pipeline.environment import cache_folder

    if argv[:1] != ["install"]:
        print("usage: python -m pipeline.tools.axe install", file=sys.stderr)
        return 2
    checker = Checker.find(cache_folder(os.environ))
    try:
        if not (checker.modules / "axe-core" / "package.json").is_file():
            install(checker.folder)
    except ToolError as error:
        print(str(error), file=sys.stderr)
        return 3
    print(f"axe-core {checker.version} is installed ({checker.modules})")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
