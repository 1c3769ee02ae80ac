"""References: what becomes of a chapter's links and images in the combined document.

A link to a chapter (or one of its headings) is pointed at the combined document's id; a link to a
page of the site that is no chapter, at its published address; an image, from Markdown or raw HTML
alike, is checked and given its staged name. What cannot be kept is a warning, or a content error,
at the chapter's line and column.
"""

from __future__ import annotations

import logging
import posixpath
import re
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ContentError
from pipeline.rendering import images, remote, sanitiser, tree
from pipeline.rendering.render import Rendering, plain_url
from pipeline.sources.manuscript import Chapter, Manuscript

if TYPE_CHECKING:
    from pipeline.rendering.assembly import _Tree

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
_SITE = "http://presswork.invalid/"  # a base to resolve the site's relative addresses against


def _resolve(item: _Tree, url: str) -> tuple[str, str]:
    """A relative address on `item`'s page as a path from the site's root, and its fragment."""
    joined = urllib.parse.urljoin(_SITE + item.url, url)
    path, _, fragment = joined.removeprefix(_SITE).partition("#")
    return urllib.parse.unquote(path.split("?", 1)[0]), urllib.parse.unquote(fragment)


def both(links, images):
    """Links and images changed in one walk: what a changed link holds (an image, say) is changed too,
    since a walk does not look again at what it put in."""

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Link":
            return images(node)
        changed = links(node)
        return None if changed is None else tree.rewrite_inlines(changed, images)

    return change


def linking(item: _Tree, by_url: dict[str, _Tree], rendering: Rendering, warnings: list[str]):
    """What becomes of a link: to the book's chapters (and their headings), pointed at the combined
    document's ids; to a page of the site that is no chapter, pointed at its published address."""
    chapter = item.chapter
    validation = rendering.settings.mkdocs.validation.links
    strict_anchors = rendering.strict and validation.anchors >= logging.WARNING
    strict_links = rendering.strict and validation.not_found >= logging.WARNING

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Link":
            return None
        attr, content, (url, title) = node["c"]
        if not url.strip() or url.strip() == "#":
            return content  # a link to nowhere (`[text]()`): its text
        if SCHEME.match(url):
            return None
        if url.startswith("#"):
            target, fragment = item, urllib.parse.unquote(url[1:])
        else:
            path, fragment = _resolve(item, url)
            target = by_url.get(plain_url(path))
            if target is None:
                page = rendering.page_at(path)
                if page is None and url.split("#", 1)[0].endswith(".md"):  # MkDocs found no such page
                    message, hint = f"link to '{url.split('#', 1)[0]}', which is not a chapter in nav", "link to a chapter listed in nav"
                    if strict_links:  # as MkDocs checks links (validation.links.not_found: warn, in strict mode)
                        _fail(chapter, url, message, hint)
                    line, column = _position(chapter, url)
                    warnings.append(
                        f"{chapter.display}:{line or 1}:{column or 1}: warning: {message}: the PDF, EPUB and DOCX show its text ({hint})"
                    )
                    return content
                if page is None:
                    return content  # a file of the site (a download, say): text only in a single-file edition
                if rendering.site_url:
                    published = urllib.parse.urljoin(rendering.site_url.rstrip("/") + "/", rendering.published_url(page)) + (
                        f"#{fragment}" if fragment else ""
                    )
                    return [{"t": "Link", "c": [attr, content, [published, title]]}]
                line, column = _position(chapter, url, page.name)
                warnings.append(
                    f"{chapter.display}:{line or 1}:{column or 1}: warning: the link to '{page.name}', a page of the site "
                    "that nav does not list, is text only in the PDF, EPUB and DOCX (add it to nav, or set site_url)"
                )
                return content
        if fragment:
            resolved = target.resolve(fragment)
            if resolved is None:
                where = f"'{target.chapter.name}'" if target is not item else "this chapter"
                message = f"link to '#{fragment}', which is no heading or anchor in {where}"
                if strict_anchors:  # as the site is checked (validation.links.anchors: warn, in strict mode)
                    _fail(chapter, url, message, "check the heading's id", "#" + fragment)
                line, column = _position(chapter, url, "#" + fragment)
                warnings.append(
                    f"{chapter.display}:{line or 1}:{column or 1}: warning: {message}: it leads to the top of {where}, as on the site (check the heading's id)"
                )
                resolved = target.resolve(target.anchor)
        else:
            resolved = target.resolve(target.anchor)
        return [{"t": "Link", "c": [attr, content, ["#" + resolved, title]]}]

    return change


# The attributes of an image every edition keeps (of the raw HTML's `<img>`, as pandoc reads it): a
# stray one (`alt=""Linked list""` is read as `alt=""`, `linked`, `list`) is dropped, as a browser
# ignores it; `list` is no attribute of an image, and EPUBCheck would refuse the EPUB for it.
_IMAGE_ATTRIBUTE = re.compile(r"^(?:width|height|style|title|lang|dir|loading|decoding|role|(?:data|aria)-[a-z0-9_.-]+)$")


def staging(
    item: _Tree,
    manuscript: Manuscript,
    rendering: Rendering,
    assets: dict[str, Path],
    generated: dict[str, bytes],
    warnings: list[str],
    fetcher: remote.Fetcher,
):
    """What becomes of an image, written in Markdown or in raw HTML: checked and given its staged
    name; of a light and dark pair (Material's `#only-light`, `#only-dark`), the light one; one on
    the web, fetched by `fetcher` and embedded."""
    chapter = item.chapter

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Image":
            return None
        attr, content, (url, title) = node["c"]
        attr[2] = [pair for pair in attr[2] if _IMAGE_ATTRIBUTE.match(pair[0])]  # what an <img> may hold in every edition
        if url in generated:
            return None
        if url.startswith("data:") and not manuscript.settings.trust.trusted:
            _fail(chapter, url[:20], "an image written as a data: URL", "an untrusted build takes images from files only")
        if url.startswith("data:"):
            return None
        if SCHEME.match(url) and {"twemoji", "emojione", "gemoji"} & set(attr[1]) and content:
            return content  # an emoji PyMdown links from a CDN: the character itself
        if SCHEME.match(url):  # fetched once (a trusted build), or said and shown as its description
            try:
                data, suffix = fetcher.image(f"https:{url}" if url.startswith("//") else url)
            except remote.Unfetched as why:
                line, column = _position(chapter, url)
                warnings.append(
                    f"{chapter.display}:{line or 1}:{column or 1}: warning: image '{url}' is not in the book and {why}: the PDF, EPUB "
                    "and DOCX show its description instead (download it into the book's folder and link it by its path)"
                )
                shown = content or tree.text_inlines(f"[{posixpath.basename(url.split('?', 1)[0]) or 'image'}]")
                return [{"t": "Link", "c": [tree.make_attr(), shown, [url, ""]]}] if url.startswith(("http:", "https:")) else shown
            staged = images.staged_name(data, suffix)
            generated[staged] = data
            return [{"t": "Image", "c": [attr, content, [staged, title]]}]
        path, fragment = _resolve(item, url)
        if fragment == "only-dark":
            return []
        source = rendering.source_of(path)
        if source is None:  # not where the site looks: where the author wrote it, beside the chapter
            source = (chapter.path.parent / urllib.parse.unquote(url.split("#", 1)[0].split("?", 1)[0])).resolve()
            if source.is_file() and source.is_relative_to(manuscript.docs_dir.resolve()):
                # raw HTML, whose address MkDocs leaves as written and the site resolves against the page's address
                line, column = _position(chapter, url)
                warnings.append(
                    f"{chapter.display}:{line or 1}:{column or 1}: warning: the site looks for '{url}' at '{path}', where there is "
                    "no such file; the other editions take it beside the chapter (write the address relative to the page's URL)"
                )
        if not source.is_file() and source.is_relative_to(manuscript.root.resolve()) and not rendering.strict:
            line, column = _position(chapter, url, posixpath.basename(path))
            shown = Path(source).relative_to(manuscript.root.resolve()).as_posix()
            warnings.append(
                f"{chapter.display}:{line or 1}:{column or 1}: warning: image '{shown}' not found: every edition shows its "
                "description instead (check the path; it is relative to the chapter)"
            )
            return content or tree.text_inlines(f"[{posixpath.basename(path) or 'image'}]")
        staged = images.check(source, manuscript, lambda message, hint: _fail(chapter, url, message, hint, posixpath.basename(path)))
        if staged.endswith(".svg") and not manuscript.settings.trust.trusted:  # without what would run (said by the build)
            data = sanitiser.svg(source.read_bytes())[0]
            staged = images.staged_name(data, ".svg")
            generated[staged] = data
            return [{"t": "Image", "c": [attr, content, [staged, title]]}]
        assets[staged] = source
        return [{"t": "Image", "c": [attr, content, [staged, title]]}]

    return change


def _position(chapter: Chapter, url: str, *needles: str) -> tuple[int | None, int | None]:
    """Where the Markdown writes a link or image the rendering shows at `url`: the address as written
    or, since MkDocs rewrites addresses (`other.md` becomes `other/`), the target around the first
    of `needles` found, from its start. Python-Markdown percent-encodes what it does not keep as
    written (`–` becomes `%E2%80%93`): the address decoded, and without its query, are tried too."""
    for needle in filter(None, (url, urllib.parse.unquote(url), url.split("?", 1)[0], *needles)):
        line, column = chapter.position_of(needle)
        if column is None:
            continue
        text = chapter.text.split("\n")[line - chapter.body_line]
        opening = text.rfind("](", 0, column)
        if opening >= 0 and not re.search(r"[\s)]", text[opening + 2 : column - 1]):
            return line, opening + 3
        return line, column
    return None, None


def _fail(chapter: Chapter, url: str, message: str, hint: str, *needles: str) -> None:
    line, column = _position(chapter, url, *needles)
    raise ContentError(message, path=chapter.display, line=line, column=column, hint=hint)
