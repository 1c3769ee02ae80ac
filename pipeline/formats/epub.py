"""The EPUB: EPUB 3 by pandoc, with cover, navigation, metadata, `styles/epub.css` and MathML; EPUBCheck must pass."""

from __future__ import annotations

import contextvars
import dataclasses
import html
import os
import re
import urllib.parse
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import formats, progress, verdicts
from pipeline.errors import ToolError, ValidationError
from pipeline.formats import accessibility, pages, words
from pipeline.formats.base import Artifact, Builder, Inputs, figures_numbered, numbered_as_printed
from pipeline.formats.pdf import print_pages
from pipeline.rendering import tree
from pipeline.tools import epubcheck, pandoc


class EpubBuilder(Builder):
    def tools(self) -> dict[str, str]:
        return {"epubcheck": epubcheck.version()}

    def fingerprint(self, inputs: Inputs) -> list[str]:
        paged = formats.builder("pdf").fingerprint(inputs) if _paged(inputs) else []  # its pages are the PDF's
        return [
            inputs.style_digest("epub.css"), inputs.style_digest("highlighting.theme"), pandoc.version(), epubcheck.version(),
            *_checker(inputs), *paged,
        ]  # fmt: skip

    def checked_by(self, inputs: Inputs) -> str:
        """DAISY Ace, when it holds the EPUB to its claim: at `error` its violations stop the build, at
        `warning` they make the EPUB one that claims nothing (`_held`)."""
        checker, _ = _checker(inputs)
        return checker

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / f".work-{inputs.slug}-epub"  # one for each language's edition
        work.mkdir()
        book = inputs.book
        book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        options = [
            "--standalone", "--toc", "--split-level=1", "--number-sections", "--mathml",
            "--syntax-highlighting", str(inputs.style("highlighting.theme")),
        ]  # fmt: skip
        paged = _paged(inputs)
        document = inputs.document(_admonition, marked=paged)
        paged = paged and any(node["t"] == "RawBlock" and node["c"][0] == pages.MARK for node in document["blocks"])
        checker, level = _checker(inputs)
        claims = bool(checker)  # at `error` a book that fails the checker is not built; at `warning` it loses the claim
        contents = accessibility.Contents.of(document["blocks"])
        described = accessibility.epub_metadata(contents, checked_by=checker or None, claims=claims, paged=paged)
        document["meta"] = {**document["meta"], **{key: tree.meta(value) for key, value in described.items()}}
        tree.rewrite_blocks(document["blocks"], numbered_as_printed)
        book_settings = inputs.manuscript.settings.presswork.book
        figures_numbered(document["blocks"], words.of(book_settings.language, book_settings.words))
        _spelt_out(document["blocks"])
        tree.rewrite_inlines(document["blocks"], lambda node: pages.as_comment(node) or _unregistered(node))
        document["blocks"] = tree.rewrite_blocks(document["blocks"], pages.as_comment)
        if inputs.trusted:
            options += ["--css", str(inputs.style("epub.css"))]
            if book.cover:
                options += ["--epub-cover-image", book.cover]
        else:
            # A sandboxed pandoc reads no file: the images go inside the document, the stylesheet is
            # put in afterwards, and the cover is left out (pandoc 3.9 cannot read it in its sandbox).
            document = inputs.inline_images(document)
        source = pandoc.save(document, work / "book.json")
        del document  # only its JSON is kept while pandoc runs
        pandoc.write(
            source, "epub3", output, options, timeout=inputs.timeout, cwd=work, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        language = book_settings.language
        _finish(
            output, stylesheet=None if inputs.trusted else inputs.style("epub.css").read_bytes(), claims=claims,
            right_to_left=words.direction(language) == "rtl", english=language.split("-")[0] == "en",
            paged=_Paged(print_pages(inputs), f"{inputs.slug}.pdf", words.of(language, book_settings.words)["pages"]) if paged else None,
        )  # fmt: skip
        artifact = Artifact(self.name, output)
        if claims and level == "warning":
            artifact = self._held(inputs, artifact, contents, paged)
        return artifact

    def _held(self, inputs: Inputs, artifact: Artifact, contents: accessibility.Contents, paged: bool) -> Artifact:
        """At `accessibility: {epub: warning}`, the EPUB is held to its claim by DAISY Ace as it is
        built: one that fails loses the claim (and says so in its summary), and a warning says why."""
        checker, _ = _checker(inputs)
        claimed = accessibility.summary(contents, checked_by=checker, claims=True, paged=paged)
        try:
            found = _violations(inputs, artifact.path)
        except ToolError as error:  # Ace could not run to the end: the EPUB claims nothing it did not check
            _disclaimed(artifact.path, claimed, accessibility.summary(contents, checked_by=None, claims=False, paged=paged))
            said = accessibility.unchecked(artifact.path.name, f"{error.message}, and it claims no conformance")
            return dataclasses.replace(artifact, notes=(*artifact.notes, *said), withheld=f"not checked: {error.message}")
        if not found:
            return artifact
        _disclaimed(artifact.path, claimed, accessibility.summary(contents, checked_by=checker, claims=False, paged=paged))
        told = _told(inputs, artifact.path, found)
        said = accessibility.failed("warning", **told)
        return dataclasses.replace(artifact, notes=(*artifact.notes, *said), withheld=told["summary"])

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        """EPUBCheck, and at the level `error` DAISY Ace beside it (two programs reading one file, at
        once): EPUBCheck's verdict is said first."""
        if not inputs.trusted:
            inputs.require_own_media(artifact.path, "EPUB/media/")
        level = accessibility.level(inputs.manuscript.settings, "epub")
        ace = inputs.programs.ace
        problem = (ace.missing() if ace else "DAISY Ace is not installed") if level != "off" else None
        with ThreadPoolExecutor(max_workers=1) as beside:
            wanted = level == "error" and not problem
            aced = (
                beside.submit(contextvars.copy_context().run, _violations, inputs, artifact.path) if wanted else None
            )  # told on this stage's line
            try:
                messages = verdicts.whole(
                    inputs.store, "epubcheck", epubcheck.version(), artifact.path, inputs.manuscript.settings.shard,
                    lambda: epubcheck.check(artifact.path, timeout=inputs.timeout, warm=inputs.programs.warm), epubcheck.Message,
                ) or []  # fmt: skip
            except BaseException:
                if aced is not None:
                    aced.cancel()
                raise
            if messages:
                first = messages[0]
                more = f" and {len(messages) - 1} more" if len(messages) > 1 else ""
                inside = f"{artifact.path.name}/{first.location}"
                source = _source_of(inputs, artifact.path, first.location)
                raise ValidationError(
                    f"EPUBCheck: {first.severity} {first.id} {first.text}{more}{f' (in {inside})' if source else ''}",
                    path=source or inside,
                    detail="\n".join(f"{m.severity} {m.id} {m.location}: {m.text}" for m in messages),
                )
            if level == "off":
                return None
            if problem:
                return accessibility.unchecked(artifact.path.name, f"{problem}, and it claims no conformance")
            if aced is None:
                return None  # held to its claim as it was built
            found = aced.result()
        return accessibility.failed(level, **_told(inputs, artifact.path, found)) if found else None


def _disclaimed(path: Path, claimed: str, summary: str) -> None:
    """The EPUB `path` without its claim of conformance, its accessibility summary `summary` in place
    of the one that made the claim."""
    with zipfile.ZipFile(path) as archive:
        package = archive.read(_PACKAGE).decode("utf-8")
    package = package.replace(f'  <meta property="dcterms:conformsTo">{accessibility.EPUB_CONFORMANCE}</meta>\n', "", 1)
    package = package.replace(html.escape(claimed, quote=False), html.escape(summary, quote=False), 1)
    _replace_members(path, {_PACKAGE: package.encode("utf-8")})


def _violations(inputs: Inputs, path: Path) -> list[Any]:
    return inputs.programs.ace.check(
        path, timeout=inputs.timeout, store=inputs.store, shard=inputs.manuscript.settings.shard,
        on_document=lambda done, total: progress.doing(f"DAISY Ace: document {done} of {total}"),
    )  # fmt: skip


def _told(inputs: Inputs, path: Path, found: list[Any]) -> dict[str, str]:
    """DAISY Ace's violations as a warning or an error tells them: at the chapter the first one's
    document was made from (or at the document, for one that is no chapter's: the navigation)."""
    first = found[0]
    document = f"{path.name}/{first.document.lstrip('/')}"
    chapter = _chapter_of(inputs, path, first.document.lstrip("/"))
    return dict(
        path=chapter or document,
        summary=f"DAISY Ace {inputs.programs.ace.version}: {_many(len(found))}, the first {first.impact} {first.rule}: "
        f"{first.text.split('. ')[0]}{f' (in {document})' if chapter else ''}",
        detail="\n".join(f"{v.document.lstrip('/')}: {v.impact} {v.rule}: {v.text}{' ' + v.html if v.html else ''}" for v in found),
        hint="fix what it names, or set accessibility: {epub: warning} under presswork in mkdocs.yml to publish it without claiming conformance",
    )


def _source_of(inputs: Inputs, epub: Path, location: str) -> str | None:
    """What in the book an EPUBCheck message's place inside the EPUB (`EPUB/text/ch003.xhtml:17`)
    was made from: the chapter of a content document; the image file of a medium (or the chapter
    that shows it); the chapter a line of the navigation leads to."""
    member, _, line = location.partition(":")
    document = member.removeprefix("EPUB/")
    if document.startswith("text/"):
        return _chapter_of(inputs, epub, document)
    with zipfile.ZipFile(epub) as archive:
        if document.startswith("media/") and member in archive.namelist():
            data = archive.read(member)
            for source in inputs.book.assets.values():
                if source.stat().st_size == len(data) and source.read_bytes() == data:
                    return os.path.relpath(source, inputs.manuscript.settings.root)
            showing = [name for name in archive.namelist() if name.endswith(".xhtml") and document.encode() in archive.read(name)]
            return _chapter_of(inputs, epub, showing[0].removeprefix("EPUB/")) if showing else None
        if member == "EPUB/nav.xhtml" and line.isdigit():
            lines = archive.read(member).decode("utf-8", "replace").splitlines()
            target = re.search(r'href="(text/[^"#]+)', lines[int(line) - 1]) if int(line) <= len(lines) else None
            return _chapter_of(inputs, epub, target.group(1)) if target else None
    return None


def _chapter_of(inputs: Inputs, epub: Path, document: str) -> str | None:
    """The chapter (as messages name it) whose first heading is in the EPUB's `document`, or whose
    text runs on into it: the last chapter to begin at or before it, in reading order."""
    anchors = inputs.book.anchors
    with zipfile.ZipFile(epub) as archive:
        names = sorted(
            (name for name in archive.namelist() if name.startswith("EPUB/text/") and name.endswith(".xhtml")),
            key=lambda name: [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)],
        )  # ch999 before ch1000
        held = {name: set(re.findall(r'\bid="([^"]+)"', archive.read(name).decode("utf-8", "replace"))) for name in names}
    wanted = f"EPUB/{document}"
    if wanted not in held:
        return None
    found = None
    for name in names[: names.index(wanted) + 1]:
        for chapter in inputs.manuscript.chapters:
            if anchors.get(chapter.name) in held[name]:
                found = chapter.display
    return found


def _checker(inputs: Inputs) -> tuple[str, str]:
    """The checker that will pass or fail this EPUB ("DAISY Ace 1.4.6", or "" when none will) and the
    level the book sets for it."""
    level = accessibility.level(inputs.manuscript.settings, "epub")
    ace = inputs.programs.ace
    if level == "off" or ace is None or ace.missing():
        return "", level
    return f"DAISY Ace {ace.version}", level


def _paged(inputs: Inputs) -> bool:
    """Whether the EPUB marks the pages of a PDF edition: the book has one."""
    return "pdf" in inputs.manuscript.settings.formats


@dataclass(frozen=True)
class _Paged:
    """The print pages the EPUB marks: where each begins (`pages.place`), the PDF they are the pages
    of (its file, the EPUB's `dc:source`), and the page list's title in the book's language."""

    placed: dict[str, list[int]]
    source: str
    title: str


def _many(count: int) -> str:
    return f"{count} violation{'s' if count != 1 else ''}"


_STYLESHEET = "EPUB/styles/stylesheet1.css"  # where pandoc puts the one stylesheet, its own or ours
_PACKAGE = "EPUB/content.opf"
_NAVIGATION = "EPUB/nav.xhtml"
# The anchor pandoc writes at each line of a code block, where its number is shown: a link with no
# text, which a reader's keyboard would stop at. Without `href` it numbers the line as before (its
# number is drawn by the stylesheet) and is no link; a screen reader skips the numbers.
_LINE_ANCHOR = re.compile(rb'<a href="#[^"]*"(?: aria-hidden="true" tabindex="-1")?></a>')


def _finish(path: Path, *, stylesheet: bytes | None, claims: bool, right_to_left: bool, english: bool, paged: _Paged | None) -> None:
    """What pandoc's EPUB writer does not do, done in place: our stylesheet in a sandboxed build, each
    document titled as its chapter (`_titled`), the code lines' anchors made no links, a right-to-left book's documents marked `dir="rtl"` (pandoc
    sets the spine's direction and `lang`), the print pages marked where they begin and listed in the
    navigation, a drawing's HTML labels given as its own text (`_SWITCHED_HTML`), and the package's
    conformance claim (`dcterms:conformsTo`), the source of its pages (`dc:source`) and the language
    of its English accessibility summary."""
    changed: dict[str, bytes] = {} if stylesheet is None else {_STYLESHEET: stylesheet}
    listed: list[tuple[int, str]] = []  # (page, the document it begins in)
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("EPUB/media/") and info.filename.endswith(".svg"):
                drawing = archive.read(info)
                if b"<foreignObject" in drawing:
                    changed[info.filename] = _SWITCHED_HTML.sub(rb"\1", drawing)
            if info.filename.endswith(".xhtml"):
                data = _titled(_LINE_ANCHOR.sub(b'<a aria-hidden="true"></a>', archive.read(info)))
                if right_to_left:
                    data = re.sub(rb"<html\b([^>]*?)>", rb'<html\1 dir="rtl">', data, count=1)
                if paged is not None:
                    data, found = pages.replace_comments(data, paged.placed)
                    listed += [(page, info.filename.removeprefix("EPUB/")) for page in found]
                changed[info.filename] = data
        package = archive.read(_PACKAGE)
    if paged is not None:
        page_list = pages.page_list(sorted(listed), paged.title).encode()
        changed[_NAVIGATION] = changed[_NAVIGATION].replace(b"</body>", page_list + b"</body>", 1)
        source = (
            f'  <dc:source id="pw-page-source">{html.escape(paged.source)}</dc:source>\n'
            '  <meta refines="#pw-page-source" property="source-of">pagination</meta>\n  </metadata>'
        )
        package = package.replace(b"</metadata>", source.encode(), 1)
    if not english:
        package = package.replace(
            b'<meta property="schema:accessibilitySummary">', b'<meta property="schema:accessibilitySummary" xml:lang="en">', 1
        )
    if claims:
        claim = f'  <meta property="dcterms:conformsTo">{accessibility.EPUB_CONFORMANCE}</meta>\n  </metadata>'
        package = package.replace(b"</metadata>", claim.encode(), 1)
    for name, data in changed.items():  # pandoc declares MathML in chapters, not in the navigation (math in a heading)
        if name.endswith(".xhtml") and b"<math" in data:
            package = _declared(package, name.removeprefix("EPUB/"), b"mathml")
    changed[_PACKAGE] = package
    _replace_members(path, changed)


_SECTION_NUMBER = re.compile(rb'<span class="header-section-number">[^<]*</span>\s*')
_FILE_TITLE = re.compile(rb"<title>[^<]*\.xhtml</title>")
_FIRST_HEADING = re.compile(rb"<h([1-6])\b[^>]*>(.*?)</h\1>", re.DOTALL)
_ANNOTATION = re.compile(rb"<annotation\b.*?</annotation>", re.DOTALL)  # a formula's TeX, which no reader sees


def _titled(data: bytes) -> bytes:
    """A content document titled as its chapter (its first heading's text), where pandoc titles it
    by its file's name (`ch003.xhtml`), which a reading system shows and a screen reader says."""
    heading = _FIRST_HEADING.search(data) if _FILE_TITLE.search(data) else None
    if heading is None:
        return data
    shown = _SECTION_NUMBER.sub(b"", _ANNOTATION.sub(b"", heading.group(2)))
    text = " ".join(html.unescape(re.sub(rb"<[^>]+>", b"", shown).decode("utf-8")).split())
    return _FILE_TITLE.sub(f"<title>{html.escape(text, quote=False)}</title>".encode(), data, count=1) if text else data


def _declared(package: bytes, href: str, feature: bytes) -> bytes:
    """The package with the manifest item of `href` declaring `feature` among its properties."""

    def declare(match: re.Match) -> bytes:
        item = match.group(0)
        properties = re.search(rb'\sproperties="([^"]*)"', item)
        if properties is None:
            return item.replace(b"<item", b'<item properties="' + feature + b'"', 1)
        if feature in properties.group(1).split():
            return item
        return item.replace(properties.group(0), b' properties="' + properties.group(1) + b" " + feature + b'"', 1)

    return re.sub(rb'<item\b[^>]*\shref="' + re.escape(href.encode()) + rb'"[^>]*>', declare, package, count=1)


# HTML inside a drawing (draw.io's labels), which EPUB's SVG may not hold, with the text the drawing
# gives in its place for readers without HTML (its `<switch>`'s other choice).
_SWITCHED_HTML = re.compile(rb"(<switch\b[^>]*>\s*)<foreignObject\b.*?</foreignObject>", re.DOTALL)


def _replace_members(path: Path, members: dict[str, bytes]) -> None:
    """Rewrite the EPUB `path` with `members`' contents replaced, everything else (order, dates,
    compression) as it was."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, members.get(info.filename) or archive.read(info)) for info in archive.infolist()]
    missing = set(members) - {info.filename for info, _ in entries}
    if missing:
        raise ValidationError(f"pandoc wrote no {min(missing)}", path=path.name)
    rewritten = path.with_name(path.name + ".new")
    with zipfile.ZipFile(rewritten, "w") as archive:
        for info, content in entries:
            archive.writestr(info, content, compress_type=info.compress_type)
    os.replace(rewritten, path)


# URI schemes IANA registers that readers open; EPUBCheck warns at any other (`made-up-scheme://`).
_SCHEMES = frozenset({
    "http", "https", "mailto", "ftp", "ftps", "tel", "sms", "urn", "irc", "ircs", "news", "nntp", "file",
    "geo", "xmpp", "sip", "sips", "git", "ssh", "magnet", "data",
})  # fmt: skip
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = re.compile(r"^(?:[\w-]+)(?:\.[\w-]+)*\.?$|^\[[0-9a-f:.]+\]$", re.IGNORECASE)


def _spelt_out(blocks: list[Any]) -> None:
    """Each abbreviation the book defines (`*[PDF]: Portable Document Format`) spelt out in
    parentheses after its first use in each chapter, outside headings: an e-reader shows no tooltip,
    so the title the site shows on hover would be lost."""
    first: dict[int, str] = {}
    seen: set[str] = set()
    for block in blocks:
        if block["t"] == "Header":
            if block["c"][0] == 1:
                seen = set()  # a new chapter, a new document
            continue
        for node in tree.nodes(block):
            if node["t"] == "Span" and "abbr" in node["c"][0][1]:
                title, shown = dict(node["c"][0][2]).get("title", "").strip(), tree.stringify(node)
                if title and shown not in seen:
                    seen.add(shown)
                    first[id(node)] = title
    if first:
        tree.rewrite_inlines(
            blocks, lambda node: [node, {"t": "Space"}, *tree.text_inlines(f"({first[id(node)]})")] if id(node) in first else None
        )


def _unregistered(node: dict[str, Any]) -> list[Any] | None:
    """A link whose scheme no reading system knows, or whose host is no host (`https://../`), is its
    text in the EPUB, which EPUBCheck would refuse (the site links it as written)."""
    if node["t"] != "Link":
        return None
    url = node["c"][2][0]
    match = _SCHEME.match(url)
    if not match:
        return None
    scheme = match.group(1).lower()
    if scheme not in _SCHEMES:
        return node["c"][1]
    if scheme in ("http", "https", "ftp", "ftps"):
        try:
            host = urllib.parse.urlsplit(url).hostname or ""
        except ValueError:
            return node["c"][1]
        if not _HOST.match(host):
            return node["c"][1]
    return None


def _admonition(kind: str, title: str, body: list[Any]) -> list[Any]:
    """The structure Material gives an admonition on the site, so `styles/epub.css` can match it."""
    heading = [{"t": "Div", "c": [tree.make_attr("", ["admonition-title"]), [{"t": "Para", "c": tree.text_inlines(title)}]]}]
    return [{"t": "Div", "c": [tree.make_attr("", ["admonition", kind]), (heading if title else []) + body]}]
