"""axe-core, the one module that runs it: the accessibility rules of WCAG 2.1 A and AA on every page
of the site, in Debian's chromium through puppeteer-core (`axe.mjs`), installed from npm into the
cache folder by `presswork install axe` (which `make` runs). All of a site's pages
are checked in one run of the browser, once in each colour scheme the site offers."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolError
from pipeline.tools import npm, process

PACKAGES = ("axe-core@4.11.0", "puppeteer-core@24.31.0")
_SCRIPT = Path(__file__).with_name("axe.mjs")
# Material's navigation of the whole book (its tabs and the primary sidebar), the same on every page of a language.
CHROME = (".md-tabs", ".md-sidebar--primary")
BATCH = 100  # pages checked in one run of the browser: a long book's site in several, each within its time limit
PER = 20  # pages (in each colour scheme) a run may check in the book's timeout: a run's limit grows with its pages


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
    why: str = ""  # what axe-core measured: "Element has insufficient color contrast of 3.2 (foreground color: ...)"


@dataclass(frozen=True)
class Checker(npm.Installed):
    """Where axe-core is installed (`cache/axe/node_modules`) and the browser that runs it."""

    title = "axe-core"
    name = "axe"
    main = "axe-core"
    packages = PACKAGES
    without = "set accessibility: {site: off} in mkdocs.yml"

    @property
    def fingerprint(self) -> str:
        """What decides its verdict: axe-core's version and the script that runs it."""
        return f"{self.version} {hashlib.sha256(_SCRIPT.read_bytes()).hexdigest()} {' '.join(CHROME)}"

    def check(
        self, site: Path, pages: list[Path], schemes: list[str], *, timeout: float, base: str = "/", whole: frozenset[Path] | None = None
    ) -> list[Violation]:
        """Every violation on `pages` (files of the site in the folder `site`), in each of `schemes`, the
        site served under the path `base` (its site_url's, where its 404 page looks for its files). The
        pages in `whole` (every page, when None) are checked with their navigation (`CHROME`), the others
        without it: Material writes it the same on every page of a language, and it holds a link to
        every chapter (checked on every page, a book's navigation costs as much as all its chapters)."""
        if not pages:
            return []
        problem = self.missing()
        if problem:
            raise ToolError(f"axe-core cannot run: {problem}")
        env = {"PRESSWORK_NODE_MODULES": str(self.modules), "PRESSWORK_CHROMIUM": self.chromium or ""}
        checked = []
        with _served(site, base) as origin:
            names = {f"{origin}{page.relative_to(site).as_posix()}": page.relative_to(site).as_posix() for page in pages}
            addresses = list(names)
            for start in range(0, len(pages), BATCH):  # each run in a browser of its own
                request = {
                    "pages": [{"url": url, "whole": whole is None or page in whole} for url, page in zip(addresses[start : start + BATCH], pages[start : start + BATCH])],
                    "schemes": schemes, "chrome": list(CHROME),
                }  # fmt: skip
                limit, hint = process.grown(timeout, len(request["pages"]) * len(schemes), PER, "pages", "site")
                result = process.run(
                    "axe-core", ["node", str(_SCRIPT)], timeout=limit, input=json.dumps(request).encode(), env=env, limit=hint
                )
                checked += process.read_json("axe-core", result.stdout)
        return [
            Violation(names.get(page["url"], page["url"]), page["scheme"], rule["id"], rule.get("impact") or "?", rule["help"], node["target"], node["html"], node.get("summary", ""))
            for page in checked
            for rule in page["violations"]
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
            return super().translate_path("/" + path[len(base) :])

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


def install_into(cache: Path) -> str:
    return Checker.install_into(cache)


if __name__ == "__main__":
    from pipeline import tools

    raise SystemExit(tools.module_main("axe", sys.argv[1:]))
