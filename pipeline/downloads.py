"""The site's Downloads page, and the link to it in every page's header.

Each edition is a card: its format, its file (the whole name), its size as the page's language writes
it, what it declares of its accessibility and what checked that, and its SHA-256, shown short with a
button that copies it whole (`styles/site.js` adds the button; the whole hash is in the page, for a
reader without scripts and for the tests). On a wide screen the cards stand side by side, on a phone
one under another, so nothing is hidden or scrolled sideways. A release's page lists every published
edition, newest first (`pipeline.publish.release` hands them over).
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import quote

from pipeline.formats import FORMATS, words

PAGE = "downloads.md"

# Material Design's "download" icon, as Material for MkDocs draws its header's buttons.
_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="M5 20h14v-2H5m14-9h-4V3H9v6H5l7 7z"/></svg>'
)
_SEARCH_BUTTON = '<label class="md-header__button md-icon" for="__search">'
_HEADER = re.compile(r'<nav class="md-header__inner[^"]*"[^>]*>.*?(?=</nav>)', re.DOTALL)


def text(
    downloads: list,
    *,
    title: str,
    wording: dict[str, str],
    names: dict[str, str],
    written_in: str,
    release: dict,
    language: str | None,
    use_directory_urls: bool,
) -> str:
    """The page's Markdown: this build's `downloads` (Artifacts) or, for a `release`, every published
    edition, newest first. `language` is another language's tree the page is in (its files are in the
    default language's)."""
    files = [
        {
            "format": a.format,
            "name": a.path.name,
            "size": a.size(),
            "sha256": _sha256(a.path),
            "language": a.language,
            "conformance": a.conformance.standard,
            "checked_by": a.conformance.checked_by,
            "withheld": a.conformance.withheld,
        }
        for a in downloads
    ]
    intro = f"# {wording['downloads']}\n\n{wording['as_a_book'].format(title=f'*{title}*')}\n\n"
    # Links are relative to the page (<version>/downloads/, <version>/downloads.html or, in another
    # language's tree, <version>/<locale>/downloads/), and the files are in the default's.
    up = ("../" if use_directory_urls else "") + ("../" if language else "")
    here = f"{up}downloads/" if language else ("" if use_directory_urls else "downloads/")
    if not release:
        return intro + _cards(files, here, wording, names, written_in, 2)
    from pipeline.publish.catalog import version_key

    this = {"version": release["version"], "date": release["date"], "files": files}
    editions = sorted([this, *release.get("editions", [])], key=lambda e: version_key(e["version"]), reverse=True)
    parts = [intro, wording["every_edition"].replace("SHA256SUMS", "`SHA256SUMS`") + "\n"]
    for edition in editions:
        version, current = html.escape(edition["version"]), edition is this
        folder = here if current else f"{up}../{version}/downloads/"
        sums = ", ".join(f'<a href="{folder}{name}">{name}</a>' for name in ("SHA256SUMS", "manifest.json"))
        mark = f" ({wording['current']})" if current else ""
        heading = f"## {version} · {html.escape(edition['date'])}{mark}"
        cards = _cards(edition["files"], folder, wording, names, written_in, 3)
        parts.append(f"{heading}\n\n{cards}\n{wording['checksums']}: {sums}\n")
    return "\n".join(parts)


def header_link(output: str, href: str, label: str, *, current: bool) -> str:
    """A page of Material for MkDocs with a download button in its header, beside search, leading to
    the Downloads page at `href`; a page of another theme as it is (its navigation lists the page)."""
    found = _HEADER.search(output)
    if not found:
        return output
    here = ' aria-current="page"' if current else ""
    link = (
        f'<a href="{html.escape(href)}" class="md-header__button md-icon pw-downloads-link" title="{html.escape(label)}"'
        f' aria-label="{html.escape(label)}"{here}>{_ICON}</a>\n'
    )
    header = found.group(0)
    at = header.find(_SEARCH_BUTTON)
    header = header[:at] + link + header[at:] if at >= 0 else header + link
    return output[: found.start()] + header + output[found.end() :]


def _cards(files: list[dict], folder: str, wording: dict[str, str], names: dict[str, str], written_in: str, level: int) -> str:
    """The files as cards, headed at `level`; a book in several languages gets one group per
    language, headed by its name, its cards a level below."""
    languages = list(dict.fromkeys(f.get("language") or "" for f in files))
    if len(languages) > 1:
        return "\n".join(
            f"{'#' * level} {html.escape(names.get(language, language))}\n\n"
            + _cards([f for f in files if (f.get("language") or "") == language], folder, wording, names, written_in, level + 1)
            for language in languages
        )
    copy = html.escape(wording["copy"])
    cards = "".join(_card(f, folder, wording, written_in, level) for f in files)
    # one line of raw HTML: Python-Markdown passes it as it is, with no paragraph inside
    return f'<div class="pw-editions" data-copy="{copy}" data-copied="{html.escape(wording["copied"])}">{cards}</div>\n'


def _card(file: dict, folder: str, wording: dict[str, str], written_in: str, level: int) -> str:
    name, sha256 = html.escape(file["name"]), html.escape(file["sha256"])
    rows = (
        (wording["file"], "", f'<a href="{folder}{quote(file["name"])}">{name}</a>'),  # the address as a browser asks for it
        (wording["size"], "", html.escape(words.file_size(int(file["size"]), written_in))),
        (wording["accessibility"], "", html.escape(_conformance(file)) or "—"),
        ("SHA-256", ' class="pw-sha256"', f'<code title="{sha256}">{sha256}</code>'),
    )
    listed = "".join(f"<dt>{html.escape(term)}</dt><dd{kind}>{value}</dd>" for term, kind, value in rows)
    label = html.escape(FORMATS[file["format"]].label if file["format"] in FORMATS else file["format"])
    return f'<div class="pw-edition"><h{level}>{label}</h{level}><dl>{listed}</dl></div>'


def _conformance(file: dict) -> str:
    """What a file declares of its accessibility, and the checker that held it to that; or, for one
    that declares nothing though the book asked, its checker's verdict."""
    standard, checker, withheld = file.get("conformance") or "", file.get("checked_by") or "", file.get("withheld") or ""
    if not standard and withheld:
        return f"— ({withheld})"
    return f"{standard} ({checker})" if standard and checker else standard


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
