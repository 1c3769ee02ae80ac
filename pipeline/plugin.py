"""The `presswork` MkDocs plugin: its config block is the book's, and it makes the site agree with the book.

On the site it adds `styles/site.css`, turns an image alone in its paragraph into a figure captioned
by its alt text (as pandoc does in the other editions), renders math to MathML at build time (no
script, no CDN), and, when a build hands it the other editions, adds a Downloads page with the files, their
sizes and SHA-256; a release's page lists every published edition.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from pipeline import downloads
from pipeline.clock import utc
from pipeline.configuration.settings import PressworkConfig
from pipeline.formats import styles, words
from pipeline.rendering import sanitiser
from pipeline.rendering.render import IFRAME_WORKER
from pipeline.tools import pandoc

DOWNLOADS_PAGE = downloads.PAGE
_STYLESHEET = "assets/presswork/site.css"
_SCRIPT = "assets/presswork/site.js"
_FIGURE = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
_FIGURE_BLOCK = re.compile(r"<figure\b.*?</figure>", re.DOTALL)
_ALT = re.compile(r'\balt="([^"]*)"')
_IDS = re.compile(r"""\sid=["']([^"']+)["']""")
_NEWLINE = re.compile(r"\\newline(?![A-Za-z])")  # MathJax reads it as a row's end, as `\\`; pandoc does not
_log = logging.getLogger("mkdocs.plugins.presswork")
_MATH = re.compile(
    r'<(span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]|\$\$(?P<dollars>.*?)\$\$|\$(?P<dollar>[^$].*?)\$)\s*</\1>',
    re.DOTALL,
)


class PressworkPlugin(BasePlugin[PressworkConfig]):
    downloads_page = DOWNLOADS_PAGE

    def __init__(self) -> None:
        self.planned: list[tuple[str, Path]] = []  # (format, file) of the editions the Downloads page will list
        self.downloads: list = []  # those editions' Artifacts, once built (set by `pipeline.rendering.render`)
        self.trusted = True  # False in an untrusted run, set by `pipeline.rendering.render`
        self.downloads_url: str | None = None  # the Downloads page's, in the language tree being built
        self.epoch: int | None = None  # the build's time, set by `pipeline.rendering.render`: every page's date

    @property
    def words(self) -> dict[str, str]:
        """The words the site prints itself (the Downloads page), in the book's language."""
        return words.of(self.config.book.language, self.config.book.words)

    def words_of(self, config: MkDocsConfig) -> dict[str, str]:
        """The words of the language tree being built (mkdocs-static-i18n's), else the book's."""
        language = _another_language(config)
        return words.of(language, self.config.book.words) if language else self.words

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.extra_css.append(_STYLESHEET)
        config.extra_javascript.append(_SCRIPT)
        if self.planned and config.nav is not None:
            # mkdocs-static-i18n builds another language with the default language's configuration,
            # whose nav has the default language's entry already: each language's page under its word
            config.nav = [item for item in config.nav if item != {self.words["downloads"]: DOWNLOADS_PAGE}]
            config.nav.append({self.words_of(config)["downloads"]: DOWNLOADS_PAGE})
        if "pymdownx.highlight" in config.markdown_extensions or "pymdownx.superfences" in config.markdown_extensions:
            config.mdx_configs.setdefault("pymdownx.highlight", {}).setdefault(
                "pygments_lang_class", True
            )  # the code's language, for the other editions' highlighting
        return config

    @event_priority(-110)  # after mkdocs-static-i18n (-100) has chosen each language's files: the pages added here are no language's
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        root = Path(config.config_file_path or ".").parent
        if not self.trusted:  # pages and scripts of the content's own would run on the site
            for file in [f for f in files if Path(f.src_uri).suffix.lower() in sanitiser.SCRIPT_FILES]:
                files.remove(file)
            for file in [f for f in files if f.src_uri.lower().endswith(".svg") and f.abs_src_path]:
                _clean_drawing(files, file, config)
        files.append(File.generated(config, _STYLESHEET, abs_src_path=str(styles.find(root, "site.css"))))
        files.append(File.generated(config, _SCRIPT, abs_src_path=str(styles.find(root, "site.js"))))
        if IFRAME_WORKER in (config.extra or {}).get("polyfills", []):
            files.append(File.generated(config, IFRAME_WORKER, abs_src_path=str(styles.find(root, "iframe-worker-shim.js"))))
        _home_page(files, config)
        self.downloads_url = None
        if self.planned and not _another_language(config):  # the default language's site holds every language's files
            for _, path in self.planned:
                files.append(File.generated(config, f"downloads/{path.name}", abs_src_path=str(path)))
            page = self._page(config, f"# {self.words['downloads']}\n")  # written once they are built
            files.append(page)
            self.downloads_url = page.url
        elif self.planned:  # another language's tree, built once they are: its own page, linking to those files
            page = self._page(config, self.downloads_text(config))
            page.dest_uri = f"{_another_language(config)}/{page.dest_uri}"  # in its tree, as the plugin puts its pages
            page.url = page.dest_uri.removesuffix("index.html") if config.use_directory_urls else page.dest_uri
            page.__dict__.pop("abs_dest_path", None)
            files.append(page)
            self.downloads_url = page.url
        return files

    def _page(self, config: MkDocsConfig, text: str) -> File:
        """The Downloads page, from a file of its own beside the editions (plugins that read a page's
        source file, as mkdocs-rss-plugin and the git plugins do, find one; it is in no repository)."""
        source = Path(self.planned[0][1]).parent / ".pages" / (_another_language(config) or "default") / DOWNLOADS_PAGE
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(text, encoding="utf-8")
        return File.generated(config, DOWNLOADS_PAGE, abs_src_path=str(source))

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if self.epoch is not None:  # the sitemap's dates (and its .gz's) come from the build, not the clock
            page.update_date = utc(self.epoch).strftime("%Y-%m-%d")
        return page

    @event_priority(-110)  # after mkdocs-static-i18n (50) has pointed the language selector at this page's translations
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        _relative_alternates(config)
        return context

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html_text = _task_names(_figures(html_text))
        if not self.trusted:
            html_text = sanitiser.clean(html_text)  # each drop is reported from the Markdown (sanitiser.scan)
        html_text = _mathml(html_text, timeout=self.config.timeout, sandbox=not self.trusted, page=page.file.src_uri)
        if page.present_anchor_ids is not None:
            # MkDocs collects ids before pymdownx.tabbed gives tabs theirs: every id the page has counts (in
            # `presswork build` and in MkDocs' own `serve`, whose strict mode would stop at a link to a tab)
            page.present_anchor_ids |= {html.unescape(i) for i in _IDS.findall(html_text)}
        return html_text

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.downloads_url is not None:
            href = get_relative_url(self.downloads_url, page.url) or "."
            label = self.words_of(config)["downloads"]
            output = downloads.header_link(output, href, label, current=page.url == self.downloads_url)
        return _unlabelled_search(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return _unlabelled_search(output_content)  # 404.html, which is no page

    def downloads_text(self, config: MkDocsConfig) -> str:
        """The Downloads page: this build's files or, for a release, every published edition, newest first.

        A release hands over the editions published before it (and its own version and date) under
        `extra.presswork`; see `pipeline.publish.release`.
        """
        language = _another_language(config)
        return downloads.text(
            self.downloads, title=self._title(config, language), wording=self.words_of(config), names=_language_names(config),
            written_in=language or self.config.book.language, release=(config.extra or {}).get("presswork") or {},
            language=language, use_directory_urls=config.use_directory_urls,
        )  # fmt: skip

    def _title(self, config: MkDocsConfig, language: str | None) -> str:
        """The book's title on the page: in another language, the book's title for it (`book: languages:`),
        else the i18n plugin's `site_name` for it, else the default language's."""
        own = self.config.book.languages.get(language, {}).get("title") if language else None
        return own or (_site_name_of(config, language) if language else None) or self.config.book.title or config.site_name


def _relative_alternates(config: MkDocsConfig) -> None:
    """The language selector's links relative to the site, not to the server's root: mkdocs-static-i18n
    writes `/fr/` for a language's home, which leaves a site published under `<version>/` (or opened
    from disk) for a page that is not there. A link to another host is left as it is."""
    prefix = urlsplit(config.site_url or "").path.rstrip("/")
    extra = config.extra
    # the plugin sets `extra.alternate` as an attribute, which templates read before the key
    listed = [*(getattr(extra, "alternate", None) or []), *(extra.get("alternate") or [] if extra is not None else [])]
    for alternate in listed:
        link = alternate.get("link") if isinstance(alternate, dict) else None
        if isinstance(link, str) and link.startswith("/") and not link.startswith("//"):
            inside = link[len(prefix) :] if prefix and link.startswith(prefix + "/") else link
            alternate["link"] = inside.lstrip("/") or "./"


def _another_language(config: MkDocsConfig) -> str | None:
    """The language mkdocs-static-i18n is building, when it is not the default one."""
    languages = config.plugins.get("i18n")
    if languages is None or languages.current_language in (None, languages.default_language):
        return None
    return str(languages.current_language)


def _site_name_of(config: MkDocsConfig, language: str) -> str | None:
    """The `site_name` that mkdocs-static-i18n's `languages` give `language`, if any."""
    listed = getattr(getattr(config.plugins.get("i18n"), "config", None), "languages", None) or []
    return next(
        (str(entry.site_name) for entry in listed if getattr(entry, "locale", None) == language and getattr(entry, "site_name", None)), None
    )


def _home_page(files: Files, config: MkDocsConfig) -> None:
    """The first chapter of nav is the site's home page, whatever its name, when the book has no index.md."""
    if "i18n" in config.plugins:
        return  # mkdocs-static-i18n gives each language its home page
    pages = files.documentation_pages()
    if any(file.dest_uri == "index.html" for file in pages):
        return
    first = _first_chapter(config.nav)
    file = files.get_file_from_path(first) if first else (pages[0] if pages else None)
    if file is None:
        return
    file.dest_uri = "index.html"
    file.url = "./" if config.use_directory_urls else "index.html"
    file.__dict__.pop("abs_dest_path", None)


def _first_chapter(nav) -> str | None:
    """The first Markdown file `nav` lists, in reading order."""
    if isinstance(nav, str):
        return nav if nav.endswith(".md") and "://" not in nav else None
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else []
    for item in items:
        found = _first_chapter(item)
        if found:
            return found
    return None


def _language_names(config: MkDocsConfig) -> dict[str, str]:
    """Each language's name as mkdocs-static-i18n's `languages` give it (`fr` -> `Français`)."""
    languages = config.plugins.get("i18n")
    listed = getattr(getattr(languages, "config", None), "languages", None) or []
    return {str(entry.locale): str(entry.name) for entry in listed if getattr(entry, "locale", None)}


# A task list's box (pymdownx.tasklist), which has no name of its own: named by its item's words.
_TASK = re.compile(
    r'(<li class="task-list-item">(?:<label class="task-list-control">)?<input type="checkbox" disabled(?: checked)?)(/?>)(.*?)(?=<ul|<ol|</li>)',
    re.DOTALL,
)


def _clean_drawing(files: Files, file: File, config: MkDocsConfig) -> None:
    """An SVG of the content's own, as the site publishes it in an untrusted run: without what would
    run or load something (`sanitiser.svg`; each left out is said by the build)."""
    cleaned, dropped = sanitiser.svg(Path(file.abs_src_path).read_bytes())
    if dropped:
        files.remove(file)
        files.append(File.generated(config, file.src_uri, content=cleaned))


def _task_names(html_text: str) -> str:
    def name(match: re.Match[str]) -> str:
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(3))).split())
        return f'{match.group(1)} aria-label="{html.escape(words)}"{match.group(2)}{match.group(3)}' if words else match.group(0)

    return _TASK.sub(name, html_text)


# Material writes the search toggle's checkbox on every page, and the button labelling it only when the
# search plugin is on: without it the box has no name, and no use, so it leaves the accessibility tree.
_SEARCH_TOGGLE = '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">'


def _unlabelled_search(output: str) -> str:
    if _SEARCH_TOGGLE not in output or 'for="__search"' in output:
        return output
    return output.replace(_SEARCH_TOGGLE, _SEARCH_TOGGLE[:-1] + " hidden>", 1)


def _figures(html_text: str) -> str:
    """Each image alone in its paragraph as a figure captioned by its alt text, unless it is inside a
    figure already (`md_in_html`'s `<figure markdown>`, which has its own caption)."""
    inside = [(m.start(), m.end()) for m in _FIGURE_BLOCK.finditer(html_text)]
    if not inside:
        return _FIGURE.sub(_figure, html_text)
    return _FIGURE.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in inside) else _figure(m), html_text)


def _figure(match: re.Match[str]) -> str:
    image = match.group(1)
    alt = _ALT.search(image)
    if not alt or not alt.group(1).strip():
        return match.group(0)
    return f"<figure>{image}<figcaption>{alt.group(1)}</figcaption></figure>"


def _mathml(html_text: str, *, timeout: float, sandbox: bool = False, page: str = "") -> str:
    """Every formula arithmatex marked as MathML, which the site and every edition show without a
    script. One that pandoc cannot read stays as arithmatex left it (a book that loads MathJax still
    shows it on its site), and the build says so at its chapter: the other editions show its TeX."""
    found = list(_MATH.finditer(html_text))
    if not found:
        return html_text
    items = []
    for match in found:
        inline = match.group("inline") or match.group("dollar")  # `\(..\)`, or `$..$` as `tex_inline_wrap` may set it
        display = inline is None
        tex = inline or match.group("display") or match.group("dollars") or ""
        items.append((_NEWLINE.sub(r"\\\\", html.unescape(tex).strip()), display))
    rendered = pandoc.math_to_mathml(items, timeout=timeout, sandbox=sandbox)
    for (tex, _), written in zip(items, rendered):
        if "<math" not in written:
            shown = " ".join(tex.split())
            _log.warning(
                f"Doc file '{page}': pandoc cannot read the formula '{shown[:60]}{'...' if len(shown) > 60 else ''}': "
                "the PDF, EPUB and DOCX show its TeX (write it in the LaTeX that pandoc reads)"
            )
    kept = iter(written if "<math" in written else match.group(0) for match, written in zip(found, rendered))
    return _MATH.sub(lambda match: next(kept), html_text)
