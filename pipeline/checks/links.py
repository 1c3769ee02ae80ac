"""Links and images: every internal link, anchor, footnote reference and image must resolve.

What the source cannot show is left to the build, which checks the pages MkDocs made: an anchor in
a chapter that includes files or API directives (their headings are not in its source), a link a
template writes, a `[reference][label]` that mkdocs-autorefs resolves."""

from __future__ import annotations

import logging
import os
import posixpath
import re
import urllib.parse
from pathlib import Path

from pipeline.checks.findings import Finding, at
from pipeline.checks.prose import Prose, label_key
from pipeline.checks.reading import Reading

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


class Links:
    """Every link, anchor, footnote and image of the chapters reported on, and (when the whole book
    is checked) each page of the site that nav does not list."""

    step = "links"

    def wanted(self, reading: Reading) -> bool:
        return True

    def check(self, reading: Reading, note: dict[str, str]) -> list[Finding]:
        settings = reading.settings
        plugins = set(settings.mkdocs.plugins)
        autorefs = next((name for name in ("mkdocstrings", "autorefs") if name in plugins), "")
        found = check(
            reading.proses, reading.selected, settings.docs_dir, settings.root, settings.mkdocs.site_url,
            autorefs=autorefs, anchors=settings.mkdocs.validation.links.anchors,
        )  # fmt: skip
        return found if reading.options.paths else found + [_unlisted(settings, name) for name in reading.manuscript.unlisted]


CHECKER = Links()


def _unlisted(settings, name: str) -> Finding:
    docs = settings.docs_dir
    shown = docs.relative_to(settings.root).as_posix() if docs.is_relative_to(settings.root) else str(docs)
    message = "not in nav: it is on the site but in no other edition, and not checked"
    return Finding(f"{shown}/{name}", 1, 1, 1, 2, "warning", "links", "not-in-nav", message, ())


def check(
    proses: dict[str, Prose],
    selected: list[str],
    docs_dir: Path,
    root: Path,
    site_url: str | None = None,
    *,
    autorefs: str = "",
    anchors: int = logging.WARNING,
) -> list[Finding]:
    """Findings for the chapters named in `selected`; `proses` holds every chapter, for their ids.
    A page of the site outside nav is linked at `site_url` in the other editions (a warning).

    With mkdocs-autorefs (`autorefs` names the plugin that brings it: `autorefs`, `mkdocstrings`), a
    `[reference][label]` without a definition is a link to a heading of any chapter whose id is the
    label; one that none has is left to the plugin, which says at build time what it cannot find,
    when the label may name an API object (`mkdocstrings`), and a warning otherwise.

    A link to a heading a chapter does not have is an error at the level MkDocs' `validation.links.anchors`
    gives it on the site: `warn`; at `info`, MkDocs' default, it is said as information."""
    ids = {name: {identifier for identifier, _ in prose.ids} for name, prose in proses.items()}
    everywhere = set().union(*ids.values()) if autorefs else set()
    findings: list[Finding] = []
    for name in selected:
        prose = proses[name]
        for reference in prose.references:
            if autorefs and reference.reference and label_key(reference.target) not in prose.definitions:
                if reference.target in everywhere or autorefs == "mkdocstrings":
                    continue
                message = f"link reference [{reference.target}] is not defined, nor a heading's id that autorefs could link"
                findings.append(_finding(prose, reference.offset, reference.length, "missing-reference", message, (), "warning"))
                continue
            problem = _problem(reference, prose, name, proses, ids, docs_dir, root, site_url)
            if problem:
                rule, message, suggestions, *severity = problem
                if rule == "missing-anchor" and anchors < logging.WARNING:
                    if anchors < logging.INFO:
                        continue
                    severity = ["info"]
                findings.append(_finding(prose, reference.offset, reference.length, rule, message, suggestions, *severity))
        findings.extend(_unused_footnotes(prose))
        findings.extend(_duplicate_ids(prose))
    return findings


def _duplicate_ids(prose: Prose) -> list[Finding]:
    """An id given twice in one chapter (`{#same}` on two headings): the site's links land on the
    first; the single-file editions rename the second. A warning: MkDocs accepts it."""
    first: dict[str, int] = {}
    findings = []
    for identifier, offset in sorted(prose.ids, key=lambda item: item[1]):
        if identifier in first:
            line, _ = prose.position(first[identifier])
            message = f"the id '{identifier}' is given twice in this chapter (first on line {line}); links land on the first"
            findings.append(_finding(prose, offset, len(identifier), "duplicate-id", message, (), "warning"))
        else:
            first[identifier] = offset
    return findings


def _problem(
    reference, prose: Prose, name: str, proses: dict[str, Prose], ids: dict[str, set[str]], docs_dir: Path, root: Path, site_url: str | None
):
    kind, target = reference.kind, reference.target
    if kind == "footnote":
        if target not in prose.footnotes:
            return "missing-footnote", f"footnote [^{target}] has no definition", ()
        return None
    if kind in ("anchor", "definition", "url", "html-image"):
        return None  # ids are where links land; bare URLs and raw HTML's pictures are the accessibility check's
    if reference.reference:
        url = prose.definitions.get(label_key(target))
        if url is None:
            return "missing-reference", f"link reference [{target}] is not defined", ()
        target = url
    if not target or _SCHEME.match(target):
        return None  # links out of the book are not followed
    if "{{" in target or "{%" in target:
        return None  # a template's (mkdocs-macros: `{{ sponsor.url }}`): what it makes is the build's to check
    path, _, fragment = target.partition("#")
    path = urllib.parse.unquote(path.split("?", 1)[0])  # a query (`?h=search`) is for the page's scripts
    if kind == "image":
        # where the address leads, as written: a symbolic link on the way is the manuscript's to judge
        source = Path(os.path.normpath(docs_dir.absolute() / posixpath.dirname(name) / path))
        if not source.is_relative_to(root.absolute()) and not source.is_relative_to(docs_dir.absolute()):
            return "image-outside", f"image '{target}' is outside the book's folder", ()
        if not source.is_file():
            return "missing-image", f"image '{target}' not found", ()
        return None
    chapter = name
    if path:
        chapter = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
        if not chapter.endswith(".md"):
            if not (docs_dir / chapter).exists() and not (docs_dir / chapter.rstrip("/") / "index.md").exists():
                return "broken-link", f"link to '{path}', which does not exist", ()
            return None
        if chapter not in ids:
            if (docs_dir / chapter).is_file():
                there = "link it at its address on the site" if site_url else "cannot link it (set site_url)"
                message = f"link to '{path}', a page of the site that is not in nav: the PDF, EPUB and DOCX {there}"
                return "outside-nav", message, (), "warning"
            return "broken-link", f"link to '{path}', which does not exist", ()
    fragment = urllib.parse.unquote(fragment)
    if fragment and fragment not in ids[chapter] and not proses[chapter].generated:  # else the build finds it, or not, in the page
        where = f"'{path}'" if path else "this chapter"
        close = sorted(ids[chapter], key=lambda i: _distance(i, fragment))[:1]
        return "missing-anchor", f"no heading or anchor '#{fragment}' in {where}", tuple(f"{path}#{c}" for c in close)
    return None


def _unused_footnotes(prose: Prose) -> list[Finding]:
    used = {r.target for r in prose.references if r.kind == "footnote"}
    return [
        _finding(prose, offset, len(label), "unused-footnote", f"footnote [^{label}] is defined but never referenced", (), "warning")
        for label, offset in prose.footnotes.items()
        if label not in used
    ]


def _finding(prose: Prose, offset: int, length: int, rule: str, message: str, suggestions, severity: str = "error") -> Finding:
    return at(prose, offset, offset + length, severity, "links", rule, message, suggestions)


def _distance(a: str, b: str) -> int:
    """Edit distance, to suggest the anchor probably meant."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
