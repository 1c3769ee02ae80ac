"""The `presswork` MkDocs plugin: its config block is the book's, and it makes the site agree with the book.

On the site it adds `styles/site.css`, turns an image alone in its paragraph into a figure captioned
by its alt text (as pandoc does in the other editions), renders math to MathML at build time (no
script, no CDN), and, when a build hands it the other editions, adds a Downloads page with the files.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from pipeline import styles
from pipeline.formats.base import human_size
from pipeline.settings import PressworkConfig
from pipeline.tools import pandoc

DOWNLOADS_PAGE = "downloads.md"
_STYLESHEET = "assets/presswork/site.css"
_FIGURE = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
_ALT = re.compile(r'\balt="([^"]*)"')
_MATH = re.compile(
    r'<(span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]|\$\$(?P<dollars>.*?)\$\$)\s*</\1>',
    re.DOTALL,
)
_NAMES = {"pdf": "PDF", "epub": "EPUB", "docx": "Word (DOCX)"}


class PressworkPlugin(BasePlugin[PressworkConfig]):
    def __init__(self) -> None:
        self.downloads: list = []  # Artifacts of the same build, set by the site builder

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.extra_css.append(_STYLESHEET)
        if self.downloads and config.nav is not None:
            config.nav.append({"Downloads": DOWNLOADS_PAGE})
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        root = Path(config.config_file_path or ".").parent
        files.append(File.generated(config, _STYLESHEET, abs_src_path=str(styles.find(root, "site.css"))))
        if self.downloads:
            for artifact in self.downloads:
                files.append(File.generated(config, f"downloads/{artifact.path.name}", abs_src_path=str(artifact.path)))
            files.append(File.generated(config, DOWNLOADS_PAGE, content=self._downloads_page(config)))
        return files

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html_text = _FIGURE.sub(_figure, html_text)
        return _mathml(html_text, timeout=self.config.timeout)

    def _downloads_page(self, config: MkDocsConfig) -> str:
        title = self.config.book.title or config.site_name
        rows = "\n".join(
            f"| {_NAMES.get(a.format, a.format)} | [{a.path.name}](downloads/{a.path.name}) | {human_size(a.size())} |"
            for a in self.downloads
        )
        return (
            "# Downloads\n\n"
            f"*{title}* as a book, from the same sources as this site.\n\n"
            f"| Edition | File | Size |\n|---|---|---|\n{rows}\n"
        )


def _figure(match: re.Match[str]) -> str:
    image = match.group(1)
    alt = _ALT.search(image)
    if not alt or not alt.group(1).strip():
        return match.group(0)
    return f"<figure>{image}<figcaption>{alt.group(1)}</figcaption></figure>"


def _mathml(html_text: str, *, timeout: float) -> str:
    found = list(_MATH.finditer(html_text))
    if not found:
        return html_text
    items = []
    for match in found:
        display = match.group("inline") is None
        tex = match.group("inline") or match.group("display") or match.group("dollars") or ""
        items.append((html.unescape(tex).strip(), display))
    rendered = iter(pandoc.math_to_mathml(items, timeout=timeout))
    return _MATH.sub(lambda match: next(rendered), html_text)

