"""The one reader: MkDocs renders every page once, and every edition is made from that rendering.

A `Rendering` runs the first half of MkDocs' own build (`mkdocs.commands.build.build`): the
configuration's plugins, the files, the navigation and every page rendered by Python-Markdown with
exactly the configured extensions, plugins' page events included. The PDF, EPUB and DOCX read each
chapter's HTML from it (`pipeline.rendering.assembly`); the site builder writes the second half (theme
templates, static files, the pages themselves) from the same rendering, so the site and the other
editions are made from one reading of each chapter.

The Downloads page is the one page rendered late: it lists the other editions' sizes and checksums,
which exist only once they are built.
"""

from __future__ import annotations

import copy
import html
import logging
import posixpath
import re
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.structure.files import set_exclusions
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.pages import _HTMLHandler
from mkdocs.utils import CountHandler
from pymdownx.snippets import SnippetMissingError

from pipeline.configuration import entries
from pipeline.configuration.config import Settings
from pipeline.configuration.settings import PLUGIN_NAME
from pipeline.errors import ContentError
from pipeline.store import Store, key
from pipeline.tools import mermaid

# Material's search on a site opened from disk needs this shim, which Material takes from unpkg.com;
# Presswork ships a copy (styles/iframe-worker-shim.js, MIT), which its plugin adds to the site.
IFRAME_WORKER = "assets/presswork/iframe-worker-shim.js"


@dataclass(frozen=True)
class Page:
    """One page as MkDocs rendered it."""

    name: str  # its file in docs_dir: `guide/install.md`
    url: str  # where the site has it, relative to the site's root: '', `guide/install/`, `guide/install.html`
    html: str  # the page's content, as the site shows it inside its theme


class Rendering:
    """Every page of the site rendered once, and what the site needs to be written from it."""

    def __init__(
        self,
        settings: Settings,
        *,
        site_dir: Path,
        epoch: int,
        trusted: bool,
        downloads: list[tuple[str, Path]],
        offline: bool = False,
        diagrams: mermaid.Renderer | None = None,
        store: Store | None = None,
        on_page: Callable[[str, str], None] | None = None,
    ) -> None:
        """Render every page of `settings`' book; `downloads` are the (format, file) of the editions
        the site's Downloads page will list (empty: no such page). With `offline`, a site that works
        opened from disk: pages as `.html` files, and Material's `offline` plugin for its search.
        Mermaid diagrams are drawn by `diagrams` (kept in `store`), on the site as in every edition.
        `on_page(name, html)` is told each page as soon as it is rendered (one with a diagram, once drawn)."""
        self.settings = settings
        self.site_dir = site_dir
        data = copy.deepcopy(settings.data)
        self.clean_urls = bool(data.get("use_directory_urls", True))  # the published site's addresses
        if offline:
            data = _offline(data)
        data = _snippets_checked(data, settings.root)
        config = MkDocsConfig(config_file_path=str(settings.path))
        config.load_dict(data)
        config.validate()  # already checked once by pipeline.configuration.config; this makes the plugin instances
        config["site_dir"] = str(site_dir)
        config["strict"] = self.strict = bool(settings.mkdocs.strict)  # MkDocs' warnings stop the build only when the book asks
        languages = config.plugins.get("i18n")
        if languages is not None and settings.locale:  # one translated language, for its editions: the plugin builds no other
            languages.current_language, languages.building = settings.locale, True
        plugin = config.plugins[PLUGIN_NAME]
        plugin.planned = list(downloads)
        plugin.trusted = trusted
        plugin.epoch = epoch
        self._config = config
        self._warnings: list[str] = []
        self.notes: list[str] = []  # what a reader should know the editions do not show as the site's author meant
        with self._mkdocs():
            config.plugins.on_startup(command="build", dirty=False)  # where plugins set up their state, as `mkdocs build` runs them
            config = self._config = config.plugins.on_config(config)
            config.plugins.on_pre_build(config=config)
            files = mkdocs_build.get_files(config)
            env = config.theme.get_env()
            files.add_files_from_theme(env, config)
            files = config.plugins.on_files(files, config=config)
            set_exclusions(files, config)
            nav = mkdocs_build.get_navigation(files, config)
            nav = config.plugins.on_nav(nav, config=config, files=files)
            for file in files.documentation_pages():
                if file.page is None:
                    MkDocsPage(None, file, config)
                if file.src_uri != plugin.downloads_page:
                    try:
                        _render(file.page, config, files)
                    except SnippetMissingError as error:
                        raise _missing_snippet(file, str(error), settings.docs_dir) from None
                    except RecursionError:
                        raise ContentError(
                            "MkDocs cannot render this chapter: it nests its markup (lists, quotes, emphasis) too deeply",
                            path=f"{Path(settings.docs_dir).name}/{file.src_uri}", hint="nest them less deeply",
                        ) from None  # fmt: skip
                    self._template_of(file, env)
                    if on_page is not None and file.page.content and not _MERMAID.search(file.page.content):
                        on_page(file.src_uri, file.page.content)
            self._files, self._nav, self._env = files, nav, env
        if self._warnings and not self.strict:
            self.notes += _warned(self._warnings, settings.mkdocs.docs_dir)
            self._warnings.clear()
        _draw_diagrams(
            [file for file in files.documentation_pages() if file.page is not None and file.page.content], diagrams,
            store or Store(None), settings, self.notes,
        )  # fmt: skip
        self.pages = {
            file.src_uri: Page(file.src_uri, file.url, file.page.content or "")
            for file in files.documentation_pages()
            if file.src_uri != plugin.downloads_page
        }
        self._by_url = {plain_url(page.url): page for page in self.pages.values()}
        self._by_dest = {file.dest_uri: file for file in files}

    def published_url(self, page: Page) -> str:
        """Where the published (served) site has `page`, relative to its root: its clean URL when the
        configuration keeps them, even in a site rendered to be opened from disk."""
        if not self.clean_urls:
            return page.url
        stem = page.name.removesuffix(".md")
        stem = "" if stem in ("index", "README") else stem.removesuffix("/index").removesuffix("/README")
        return f"{stem}/" if stem else ""

    @property
    def site_url(self) -> str | None:
        return self._config.site_url

    def page_at(self, site_path: str) -> Page | None:
        """The page the site serves at `site_path` (a path relative to the site's root), if any."""
        return self._by_url.get(plain_url(site_path))

    def source_of(self, site_path: str) -> Path | None:
        """The file in the book that the site publishes at `site_path`, if it is one of the book's own."""
        file = self._by_dest.get(posixpath.normpath(site_path).lstrip("/"))
        if file is None or file.abs_src_path is None or file.is_documentation_page():
            return None
        return Path(file.abs_src_path)

    def write(self, downloads: list) -> list[str]:
        """Write the site from this rendering into its site_dir; `downloads` are the built editions
        (`pipeline.formats.base.Artifact`) its Downloads page lists. What MkDocs warns of as it writes the
        site is returned, a line each; in strict mode (`strict: true`) it stops the build."""
        config, files, nav, env = self._config, self._files, self._nav, self._env
        plugin = config.plugins[PLUGIN_NAME]
        plugin.downloads = list(downloads)
        counter = CountHandler()
        counter.setLevel(logging.WARNING)
        with self._mkdocs(counter):
            try:
                page = files.get_file_from_path(plugin.downloads_page) if plugin.planned else None
                if page is not None:  # its file, which plugins may read as its source (`plugin._page`)
                    Path(page.abs_src_path).write_text(plugin.downloads_text(config), encoding="utf-8")
                    _render(page.page, config, files)
                env = config.plugins.on_env(env, config=config, files=files)
                files.copy_static_files()
                for template in config.theme.static_templates:
                    mkdocs_build._build_theme_template(template, env, files, config, nav)
                for template in config.extra_templates:
                    mkdocs_build._build_extra_template(template, files, config, nav)
                pages = files.documentation_pages()
                for file in pages:
                    try:
                        mkdocs_build._build_page(file.page, config, pages, nav, env, False, excluded=file.inclusion.is_excluded())
                    except jinja2.TemplateNotFound as error:
                        raise self._no_template(file, error.name) from None
                for file in pages:
                    file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
                config.plugins.on_post_build(config=config)
            except Exception as error:
                config.plugins.on_build_error(error=error)
                raise
        if self._warnings and self.strict:
            raise _content_error(self._warnings, self.settings.mkdocs.docs_dir)
        said = _warned(self._warnings, self.settings.mkdocs.docs_dir)
        self._warnings.clear()
        return said

    def _template_of(self, file, env: jinja2.Environment) -> None:
        """The template a page's front matter names is one the theme has: said now, before any edition
        is built, rather than when the site is written last."""
        name = file.page.meta.get("template")
        if isinstance(name, str) and name:
            try:
                env.get_template(name)
            except jinja2.TemplateNotFound as error:
                raise self._no_template(file, error.name) from None

    def _no_template(self, file, name: str) -> ContentError:
        """A page's front matter names a template the theme lacks: the line that names it."""
        docs = Path(self.settings.mkdocs.docs_dir)
        lines = Path(file.abs_src_path).read_text(encoding="utf-8-sig").splitlines() if file.abs_src_path else []
        line = next((number for number, text in enumerate(lines, 1) if text.strip().startswith("template:")), None)
        return ContentError(
            f"the front matter names the template '{name}', which the theme does not have",
            path=f"{docs.name}/{file.src_uri}", line=line, hint="name one of the theme's templates, or add it to theme.custom_dir",
        )  # fmt: skip

    @contextmanager
    def _mkdocs(self, counter: logging.Handler | None = None) -> Iterator[None]:
        """MkDocs' log kept off the terminal (the progress display owns it), its warnings collected;
        what MkDocs raises about the content as a `ContentError` naming the chapter."""
        logger = logging.getLogger("mkdocs")
        warnings = self._warnings

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.levelno >= logging.WARNING:
                    warnings.append(" ".join(record.getMessage().split()))

        saved = logger.propagate, logger.handlers[:], logger.level
        logger.handlers = [Collect(), *([counter] if counter else [])]
        logger.propagate = False
        logger.setLevel(logging.INFO)
        try:
            yield
        except (MkDocsException, Abort) as error:
            raise _content_error(warnings, self.settings.mkdocs.docs_dir, str(error)) from error
        except RecursionError:
            raise ContentError(
                "MkDocs: a chapter nests lists, quotes or admonitions too deeply to be rendered",
                hint="nest them less deeply (presswork check names the chapter)",
            ) from None
        finally:
            logger.propagate, logger.handlers = saved[0], saved[1]
            logger.setLevel(saved[2])


def _forgiving_declarations() -> None:
    """MkDocs reads each page's Markdown for its ids with Python's HTML parser, which (in Python
    3.11) stops with an AssertionError at a `<![` it cannot read (`<![>`, `<![if IE]>`), even inside
    code. A browser reads one as a comment (HTML5's bogus comment), and so does Python-Markdown when
    it renders the page: MkDocs' reader is taught the same."""
    read = _HTMLHandler.parse_html_declaration
    if getattr(read, "forgiving", False):
        return

    def parse_html_declaration(self, i: int) -> int:
        try:
            return read(self, i)
        except AssertionError:
            return self.parse_bogus_comment(i)

    parse_html_declaration.forgiving = True  # type: ignore[attr-defined]
    _HTMLHandler.parse_html_declaration = parse_html_declaration


_forgiving_declarations()


# What PyMdown's fence formats write for a `mermaid` fence: `fence_code_format` and `fence_div_format`.
_MERMAID = re.compile(r'<pre class="mermaid"><code>(?P<code>.*?)</code></pre>|<div class="mermaid">(?P<div>.*?)</div>', re.DOTALL)


def _draw_diagrams(files: list, diagrams: mermaid.Renderer | None, store: Store, settings: Settings, notes: list[str]) -> None:
    """Every Mermaid diagram of the book drawn once, as SVG, in place of its source: the site shows the
    drawing without a script, and every other edition the same drawing, as a figure."""
    found = [(file, match) for file in files for match in _MERMAID.finditer(file.page.content)]
    if not found:
        return
    docs = Path(settings.mkdocs.docs_dir).name
    problem = diagrams.missing() if diagrams is not None else "no diagram renderer was given"
    if problem:
        for file, _ in found:
            notes.append(f"{docs}/{file.src_uri}: warning: a Mermaid diagram is shown as its source: {problem}")
        return
    sources = [html.unescape(match.group("code") if match.group("code") is not None else match.group("div")).strip() for _, match in found]
    names = [key("diagram", diagrams.version, source) for source in sources]
    drawn = [store.get_json("diagrams", name) for name in names]
    missing = [index for index, value in enumerate(drawn) if value is None]
    if missing:
        made = diagrams.draw([sources[index] for index in missing], timeout=settings.presswork.timeout)
        for index, result in zip(missing, made):
            drawn[index] = {"svg": result.svg, "error": result.error}
            if result.svg:
                store.put_json("diagrams", names[index], drawn[index])
    for (file, _), source, result in zip(found, sources, drawn):
        if result["error"]:
            line = _fence_line(file, source)
            first = result["error"].strip().splitlines()[0] if result["error"].strip() else "it cannot be read"
            raise ContentError(
                f"Mermaid cannot draw this diagram: {first}", path=f"{docs}/{file.src_uri}", line=line, hint="correct the diagram's source"
            )
    svgs = iter(result["svg"] for result in drawn)
    for file in {id(file): file for file, _ in found}.values():
        file.page.content = _MERMAID.sub(lambda _: f'<figure class="pw-diagram">{next(svgs)}</figure>', file.page.content)


def _fence_line(file, source: str) -> int | None:
    """The line of a chapter on which a diagram's fence opens."""
    lines = Path(file.abs_src_path).read_text(encoding="utf-8-sig").splitlines() if file.abs_src_path else []
    first = source.splitlines()[0].strip() if source else ""
    for number, text in enumerate(lines, 1):
        if text.strip().startswith(("```", "~~~")) and "mermaid" in text and number < len(lines) and lines[number].strip() == first:
            return number
    return None


def _offline(data: dict) -> dict:
    """The configuration of a site read from disk: no directory URLs, and with Material, its `offline`
    plugin (search from a script instead of a fetched index)."""
    data["use_directory_urls"] = False
    extra = data["extra"] = dict(data.get("extra") or {})
    extra["polyfills"] = [*(extra.get("polyfills") or []), IFRAME_WORKER]  # a local copy: Material would take unpkg.com's
    extra.setdefault("homepage", "index.html")  # Material's logo links to ".", a folder listing from disk
    theme = data.get("theme")
    name = theme.get("name") if isinstance(theme, dict) else theme
    plugins = data.get("plugins")
    if name == "material" and isinstance(plugins, list):
        names = {name for name, _ in entries.of(plugins)}
        if not names & {"offline", "material/offline"}:
            data["plugins"] = [*plugins, "offline"]
    return data


def _render(page: MkDocsPage, config: MkDocsConfig, files) -> None:
    """One page read and rendered, with every plugin's page events, as MkDocs' build does it."""
    mkdocs_build._populate_page(page, config, files, False)


def _snippets_checked(data: dict, root: Path) -> dict:
    """`pymdownx.snippets` told to stop at a snippet it cannot find (`check_paths`), unless the
    configuration says otherwise (left alone, it leaves the text out of the page without a word), and
    its base paths taken from the book's folder, wherever Presswork is run from."""

    def checked(options: dict) -> dict:
        options = {"check_paths": True, **options}
        if isinstance(options.get("base_path", []), (str, list)):
            options["base_path"] = [str(folder) for _, folder in entries.snippet_bases(options, root)]
        return options

    items = data.get("markdown_extensions")
    if not isinstance(items, list):
        return data
    return {**data, "markdown_extensions": entries.with_options(items, "pymdownx.snippets", checked)}


def _missing_snippet(file, message: str, docs_dir: Path) -> ContentError:
    """A `--8<--` whose file is not there (or not inside the snippets' base paths): at its line."""
    named = re.search(r"'([^']+)'", message)
    wanted = named.group(1) if named else ""
    lines = Path(file.abs_src_path).read_text(encoding="utf-8-sig").splitlines() if file.abs_src_path else []
    line = next((n for n, text in enumerate(lines, 1) if "--8<--" in text and wanted and wanted in text), None)
    line = line or next((n for n, text in enumerate(lines, 1) if wanted and wanted in text), None)
    return ContentError(
        f"the snippet '{wanted}' is not a file inside the snippets' base path", path=f"{docs_dir.name}/{file.src_uri}", line=line,
        hint="name a file inside the book's folder, relative to pymdownx.snippets' base_path",
    )  # fmt: skip


def plain_url(url: str) -> str:
    """A page's address without its `index.html` and without a trailing slash: how two spellings of
    the same page compare equal."""
    path = urllib.parse.unquote(url.split("#", 1)[0].split("?", 1)[0])
    path = posixpath.normpath(path).lstrip("/") if path else ""
    path = "" if path == "." else path
    path = re.sub(r"(^|/)index\.html$", "", path)
    return path.rstrip("/")


def _warned(warnings: list[str], docs_dir: str) -> list[str]:
    """MkDocs' warnings as a build says them, each at the chapter it names."""
    said = []
    for warning in dict.fromkeys(warnings):
        match = re.search(r"Doc file '([^']+)'", warning)
        said.append(f"{Path(docs_dir).name}/{match.group(1)}: warning: MkDocs: {warning}" if match else f"warning: MkDocs: {warning}")
    return said


def _content_error(warnings: list[str], docs_dir: str, fallback: str = "") -> ContentError:
    """The first warning MkDocs gave, naming the chapter it is about."""
    if not warnings:
        return ContentError(f"MkDocs: {fallback}")
    first = warnings[0]
    more = f" (and {len(warnings) - 1} more warnings)" if len(warnings) > 1 else ""
    match = re.search(r"Doc file '([^']+)'", first)
    path = f"{Path(docs_dir).name}/{match.group(1)}" if match else None
    return ContentError(f"MkDocs in strict mode: {first}{more}", path=path, detail="\n".join(warnings))
