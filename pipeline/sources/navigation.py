"""The chapters in reading order: the nav MkDocs resolves, after every plugin has had its say.

A book's `nav:` key is only where MkDocs starts: without one, MkDocs lists every page of the docs
folder; plugins such as mkdocs-literate-nav, awesome-pages, section-index and gen-files build or
change the nav in their `on_files` and `on_nav` events; `exclude_docs`, `draft_docs` and
`not_in_nav` take pages out of the site or out of its nav. The chapters of every edition are the
pages of the nav MkDocs ends up with, in its order, as a reader of the site finds them; a page a
plugin writes (gen-files' API pages) is one too, with the text the plugin gave it.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.structure.files import set_exclusions
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from pipeline.errors import ConfigError


@dataclass(frozen=True)
class Resolved:
    """The nav as MkDocs resolved it: its pages, and the pages of the site it does not list."""

    entries: tuple[tuple[str, str | None], ...]  # (file in docs_dir, the title nav gives it, if any), in reading order
    unlisted: tuple[str, ...]  # pages of the site that are in no nav (nor meant to stay out of it, `not_in_nav`)
    generated: tuple[tuple[str, bytes], ...] = ()  # pages of the nav a plugin wrote (gen-files), with what it wrote
    parts: tuple[
        tuple[str, str], ...
    ] = ()  # each section at the top of the nav, but one that is a page: (its first page's file, its title)


def resolve(settings) -> Resolved:
    """The chapters of the book `settings` describes, as MkDocs' own build would list them."""
    config = MkDocsConfig(config_file_path=str(settings.path))
    config.load_dict(copy.deepcopy(settings.data))
    with _quiet():
        try:
            failed, _ = config.validate()
            if failed:  # pipeline.configuration.config validated it already; this cannot happen for a book it passed
                key, error = failed[0]
                raise ConfigError(f"{key}: {error}", path=settings.path.name)
            config.plugins.on_startup(command="build", dirty=False)
            config = config.plugins.on_config(config)
            files = mkdocs_build.get_files(config)
            files = config.plugins.on_files(files, config=config)
            set_exclusions(files, config)
            nav = mkdocs_build.get_navigation(files, config)
            nav = config.plugins.on_nav(nav, config=config, files=files)
            config.plugins.on_shutdown()
        except (MkDocsException, Abort) as error:
            raise ConfigError(f"MkDocs cannot make the nav: {' '.join(str(error).split())}", path=settings.path.name) from None
    pages = [page for page in _pages(nav) if not page.file.inclusion.is_excluded()]  # a draft, or excluded, stays out of the book
    entries = tuple(dict.fromkeys((page.file.src_uri, page.__dict__.get("title")) for page in pages))
    listed = {name for name, _ in entries}
    unlisted = tuple(
        sorted(
            file.src_uri
            for file in files.documentation_pages()
            if file.src_uri not in listed and file.inclusion.is_in_nav() and not file.generated_by
        )
    )
    docs = Path(config.docs_dir).resolve()
    generated = tuple(
        (page.file.src_uri, page.file.content_bytes)
        for page in {id(page.file): page for page in pages}.values()
        if page.file.generated_by or page.file.abs_src_path is None or not Path(page.file.abs_src_path).resolve().is_relative_to(docs)
    )  # read now: gen-files writes them into a folder of its own that goes with the plugin
    parts = tuple(
        (first.file.src_uri, str(item.title))
        for item in nav.items
        if isinstance(item, Section) and not isinstance(item, Page) and item.title and (first := next(_walk([item]), None)) is not None
    )  # a section that is a page too (section-index) is opened by that page
    return Resolved(entries, unlisted, generated, parts)


def _pages(nav: Navigation) -> Iterator[Page]:
    """Every page of the nav, in reading order: a section that is a page itself (section-index) first,
    then its children."""
    yield from _walk(nav.items)


def _walk(items) -> Iterator[Page]:
    for item in items:
        if isinstance(item, Page) and item.file is not None:
            yield item
        if getattr(item, "children", None):
            yield from _walk(item.children)


@contextmanager
def _quiet() -> Iterator[None]:
    """MkDocs' log held back: what it warns of, it says again when the site is rendered."""
    logger = logging.getLogger("mkdocs")
    saved = logger.propagate, logger.handlers[:]
    logger.handlers, logger.propagate = [logging.NullHandler()], False
    try:
        yield
    finally:
        logger.propagate, logger.handlers = saved
