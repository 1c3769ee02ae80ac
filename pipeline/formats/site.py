"""The site: MkDocs with Material, written from the one rendering (`pipeline.rendering.render`), self-contained,
with a downloads page; MkDocs' warnings stop it in strict mode, as they stop MkDocs."""

from __future__ import annotations

import dataclasses
import html
import json
import posixpath
import re
import urllib.parse
from importlib import metadata
from pathlib import Path

from pipeline import verdicts
from pipeline.errors import ToolError, ValidationError
from pipeline.formats import accessibility
from pipeline.formats.base import Artifact, Builder, Inputs
from pipeline.rendering import images, remote
from pipeline.store import digest, key
from pipeline.tools import axe, pandoc

# What would make a reader's browser reach out to the network when the site is opened offline.
_EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*?\s(?:src|href)=["']?((?:https?:)?//[^"'\s>]*)""", re.IGNORECASE)
# A link that only names an address (the page's published one), which a browser does not fetch.
_NAMES_ONLY = re.compile(r"""<link\b[^>]*\brel=["']?(?:canonical|alternate)\b""", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(r"""(?:@import\s+(?:url\()?|url\()["']?((?:https?:)?//[^"')\s]*)""", re.IGNORECASE)
_FONT_HOSTS = ("//fonts.googleapis.com", "//fonts.gstatic.com")
_WEB_IMAGE = re.compile(r"""(?P<before><img\b[^>]*?\ssrc=(?P<quote>["']))(?P<url>(?:https?:)?//[^"'\s>]+)(?P=quote)""", re.IGNORECASE)


class SiteBuilder(Builder):
    def tools(self) -> dict[str, str]:
        return {name: metadata.version(name) for name in ("mkdocs", "mkdocs-material")}

    def fingerprint(self, inputs: Inputs) -> list[str]:
        versions = [metadata.version(name) for name in ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown")]
        downloads = [(a.path.name, digest(a.path.read_bytes())) for a in inputs.downloads]
        checker = inputs.programs.axe
        checked = [] if checker is None or checker.missing() else [checker.fingerprint]
        return [
            inputs.style_digest("site.css"), inputs.style_digest("site.js"), pandoc.version(), *versions, json.dumps(downloads),
            "offline" if inputs.offline else "served", accessibility.level(inputs.manuscript.settings, "site"), *checked,
        ]  # fmt: skip

    def checked_by(self, inputs: Inputs) -> str:
        checker = inputs.programs.axe
        if accessibility.level(inputs.manuscript.settings, "site") != "error" or checker is None or checker.missing():
            return ""
        return f"axe-core {checker.version}"

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        """The site written from the one rendering into `site/` of the staging folder, with what MkDocs warned of."""
        rendering = inputs.rendering
        output = Path(rendering.site_dir)
        if output.parent != staging:
            raise ValidationError("the site was rendered for another folder; report this as a bug", path=self.name)
        warned = rendering.write(list(inputs.downloads))
        _embed_web_images(output, remote.Fetcher.of(inputs.store, inputs.manuscript.settings, inputs.timeout))
        return Artifact(self.name, output, notes=tuple(warned))

    def validate(self, inputs: Inputs, artifact: Artifact) -> list[str]:
        if not (artifact.path / "index.html").is_file():
            raise ValidationError("the site has no home page", path=artifact.path.name, hint="name the first chapter index.md")
        settings = inputs.manuscript.settings
        return _network_loads(artifact.path, settings.mkdocs.theme.name, settings.docs_dir) + _accessibility(inputs, artifact.path)


def _embed_web_images(site: Path, fetcher: remote.Fetcher) -> None:
    """Every image a page takes from the web (a badge, a logo by URL), as the other editions have it:
    fetched once (`pipeline.rendering.remote`: a trusted build only, within its limits) and written beside the
    site's own, under its content's name, so that the site shows it offline as it was when built.
    One that cannot be had stays an address: the PDF, EPUB and DOCX have said so, and
    `_network_loads` says the site loads it."""
    written: dict[str, str] = {}  # URL -> the image's path in the site
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")

        def local(match: re.Match) -> str:
            url = html.unescape(match.group("url"))
            if url not in written:
                try:
                    data, suffix = fetcher.image(f"https:{url}" if url.startswith("//") else url)
                except remote.Unfetched:
                    written[url] = ""
                else:
                    name = images.staged_name(data, suffix).replace("assets/", "assets/web/", 1)
                    (site / name).parent.mkdir(parents=True, exist_ok=True)
                    (site / name).write_bytes(data)
                    written[url] = name
            if not written[url]:
                return match.group(0)
            relative = posixpath.relpath(written[url], page.parent.relative_to(site).as_posix() or ".")  # noqa: B023 (this page's, used at once)
            return f"{match.group('before')}{html.escape(relative)}{match.group('quote')}"

        changed = _WEB_IMAGE.sub(local, text)
        if changed != text:
            page.write_text(changed, encoding="utf-8")


def _source_of(page: str, manuscript, offline: bool) -> str | None:
    """The chapter a page of the site (`offline`: one read from disk) was made from, as messages name it, if it is one."""
    directory_urls = manuscript.settings.mkdocs.use_directory_urls and not offline
    for chapter in manuscript.chapters:
        stem = chapter.name.removesuffix(".md")
        written = f"{stem}.html" if not directory_urls or stem == "index" or stem.endswith("/index") else f"{stem}/index.html"
        if page == written:
            return chapter.display
    return None


def _accessibility(inputs: Inputs, site: Path) -> list[str]:
    """axe-core's WCAG 2.1 A and AA rules on every page, in every colour scheme the site offers: a
    violation stops the build, or is one warning when the book says so (`accessibility: {site: warning}`).
    Each page's verdict is kept in the store under what decides it (the page, the stylesheets and
    scripts it loads, axe-core and how it is run): a page that did not change is not checked again."""
    level = accessibility.level(inputs.manuscript.settings, "site")
    if level == "off":
        return []
    checker = inputs.programs.axe
    problem = checker.missing() if checker else "axe-core is not installed"
    if problem:
        return accessibility.unchecked(f"{site.name}/", problem)
    pages = sorted(site.rglob("*.html"))
    mkdocs = inputs.manuscript.settings.mkdocs
    base = urllib.parse.urlsplit(mkdocs.site_url or "").path or "/"
    palettes = schemes(mkdocs.theme)
    whole = _whole(site, pages, inputs.manuscript)
    loaded: dict[Path, str] = {}
    names = {page: key(checker.fingerprint, palettes, base, page in whole, _decides(site, page, base, loaded)) for page in pages}
    known = {page: inputs.store.get_json("axe", name) for page, name in names.items()}
    shard = inputs.manuscript.settings.shard
    unknown = [page for page, verdict in known.items() if verdict is None and verdicts.ours(names[page], shard)]
    known.update({page: [] for page in names if known[page] is None and not verdicts.ours(names[page], shard)})  # another shard's
    try:
        fresh = checker.check(site, unknown, palettes, timeout=inputs.timeout, base=base, whole=whole) if unknown else []
    except ToolError as error:
        if level == "error":
            raise
        return accessibility.unchecked(f"{site.name}/", error.message)  # the site is published, its pages unchecked, as said
    for page in unknown:
        shown = page.relative_to(site).as_posix()
        known[page] = [dataclasses.asdict(v) for v in fresh if v.page == shown]
        inputs.store.put_json("axe", names[page], known[page])
    found = [axe.Violation(**v) for page in sorted(pages, key=lambda page: page.name == "404.html") for v in known[page]]  # a chapter first
    if not found:
        return []
    first, pages_with = found[0], len({v.page for v in found})
    summary = (
        f"axe-core {checker.version}: {len(found)} violation{'s' if len(found) != 1 else ''} on {pages_with} page{'s' if pages_with != 1 else ''}, "
        f"the first {first.impact} {first.rule} ({first.scheme} colours): {first.text}: {' '.join(first.html.split())}"
    )  # fmt: skip
    source = _source_of(first.page, inputs.manuscript, inputs.offline)
    return accessibility.failed(
        level, path=source or f"{site.name}/{first.page}", summary=f"{summary} (on {site.name}/{first.page})" if source else summary,
        detail="\n".join(f"{v.page} ({v.scheme}): {v.impact} {v.rule}: {v.text}: {v.target}: {v.html}{' ' + v.why if v.why else ''}" for v in found),
        hint="fix what it names, or set accessibility: {site: warning} under presswork in mkdocs.yml",
    )  # fmt: skip


def _whole(site: Path, pages: list[Path], manuscript) -> frozenset[Path]:
    """The pages axe-core checks with the book's navigation: in each language's tree, the home page
    (its first page when it has none) and the first page of each folder of chapters (with Material's
    `navigation.tabs`, a folder is usually a tab, whose pages show a sidebar of their own). The others
    are checked without it (see `axe.Checker.check`)."""
    layout = manuscript.settings.layout
    locales = {language.locale for language in layout.languages if language is not layout.default} if layout else set()
    folders = sorted({chapter.name.split("/", 1)[0] for chapter in manuscript.chapters if "/" in chapter.name})
    trees: dict[str, list[Path]] = {}
    for page in pages:
        parts = page.relative_to(site).parts
        trees.setdefault(parts[0] if len(parts) > 1 and parts[0] in locales else "", []).append(page)
    whole = set()
    for tree, members in trees.items():
        home = site / tree / "index.html" if tree else site / "index.html"
        whole.add(home if home in members else members[0])
        inside = [(page, page.relative_to(site / tree).as_posix()) for page in members]
        for folder in folders:
            first = next((page for page, name in inside if name.startswith(f"{folder}/")), None)
            if first is not None:
                whole.add(first)
    return frozenset(whole)


_LOADS = re.compile(r"""<(?:link\b[^>]*\brel=["']?stylesheet\b[^>]*\bhref|script\b[^>]*\bsrc)=["']?([^"'\s>]+)""", re.IGNORECASE)


def _decides(site: Path, page: Path, base: str, loaded: dict[Path, str]) -> list[str]:
    """What axe-core's verdict on a page depends on: its bytes and those of each stylesheet and
    script of the site (served under the path `base`) it loads, each file read once (into `loaded`)."""
    text = page.read_bytes()
    parts = [digest(text)]
    for match in _LOADS.finditer(text.decode("utf-8", "replace")):
        address = urllib.parse.urlsplit(match.group(1))
        if address.scheme or address.netloc or not address.path:
            parts.append(match.group(1))  # from elsewhere: its address is all a build knows of it
            continue
        relative = urllib.parse.unquote(address.path)
        if relative.startswith("/"):
            relative = str(site / relative.removeprefix(base.rstrip("/")).lstrip("/"))
        path = (page.parent / relative).resolve()
        if path not in loaded:
            loaded[path] = digest(path.read_bytes()) if path.is_file() and path.is_relative_to(site.resolve()) else "absent"
        parts.append(loaded[path])
    return parts


def schemes(theme) -> list[str]:
    """The colour schemes of Material's palette a reader can pick (`default` without one)."""
    palette = theme.get("palette") if theme is not None else None
    entries = palette if isinstance(palette, list) else [palette] if isinstance(palette, dict) else []
    found = [str(entry.get("scheme") or "default") for entry in entries if isinstance(entry, dict)]
    return list(dict.fromkeys(found)) or ["default"]


# What to change when the theme or an extension loads the address, rather than the book's own page.
_HINTS = (
    (re.compile("|".join(re.escape(host) for host in _FONT_HOSTS)), "set theme.font: false to use the reader's own fonts"),
    (
        re.compile(r"highlight(?:\.min)?\.js|highlightjs", re.IGNORECASE),
        "set theme.highlightjs: false: the site's code is coloured without it",
    ),
    (
        re.compile(r"twemoji|emojione", re.IGNORECASE),
        "an emoji its icon set lacks is taken from the network: write it as its character, or have pymdownx.emoji "
        "write icons inline (emoji_generator: !!python/name:material.extensions.emoji.to_svg)",
    ),
    (re.compile(r"mathjax|katex", re.IGNORECASE), "take MathJax out of extra_javascript: the site's formulas are MathML, shown without it"),
)


def _network_loads(site: Path, theme: str | None = None, docs: Path | None = None) -> list[str]:
    """A warning for each address on another host that the site's pages or stylesheets load: the
    published site gets them from there, a reader offline goes without (and each host learns who reads)."""
    pages: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*"), key=lambda page: (page.name == "404.html", page)):  # a chapter's page named first
        if page.suffix not in (".html", ".css"):
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        pattern = _EXTERNAL if page.suffix == ".html" else _CSS_EXTERNAL
        for match in pattern.finditer(text):
            if not _NAMES_ONLY.match(text, match.start()):
                where = pages.setdefault(match.group(1), [])
                if page.relative_to(site.parent).as_posix() not in where:
                    where.append(page.relative_to(site.parent).as_posix())
    warnings = []
    for address, where in pages.items():
        hint = next((hint for pattern, hint in _HINTS if pattern.search(address)), "put the file in the book and link it by its path")
        own = [
            name for name in where if docs is not None and name.endswith(".css") and (docs / Path(name).relative_to(site.name)).is_file()
        ]
        if own:  # the book's own stylesheet (extra_css)
            hint = f"{Path(own[0]).relative_to(site.name)} of the book loads it: put the file in the book and link it by its path"
        elif hint.startswith("set theme.font") and theme != "material":  # Material's setting; another theme's stylesheet loads it
            hint = f"the theme '{theme}' loads it: override its stylesheet in theme.custom_dir, or choose a theme that does not"
        count = f" (and {len(where) - 1} more page{'s' if len(where) > 2 else ''})" if len(where) > 1 else ""
        warnings.append(
            f"{where[0]}: warning: the site loads '{address}' from the network{count}: a reader offline goes without it ({hint})"
        )
    return warnings
