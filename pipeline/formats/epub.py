"""The EPUB: EPUB 3 by pandoc, with cover, navigation, metadata, `styles/epub.css` and MathML; EPUBCheck must pass."""

from __future__ import annotations

import os
import re
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

from pipeline import tree, words
from pipeline.errors import ValidationError
from pipeline.formats.base import Artifact, Inputs
from pipeline.tools import epubcheck, pandoc


class EpubBuilder:
    name = "epub"
    suffix = ".epub"

    def fingerprint(self, inputs: Inputs) -> list[str]:
        return [inputs.style_digest("epub.css"), pandoc.version(), epubcheck.version()]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        work = staging / f".work-{inputs.slug}-epub"  # one for each language's edition
        work.mkdir()
        book = inputs.book
        book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        options = ["--standalone", "--toc", "--split-level=1", "--mathml"]
        document = inputs.document(_admonition)
        document["blocks"] = tree.rewrite_inlines(document["blocks"], _unregistered)
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
        if not inputs.trusted:
            _replace_member(output, _STYLESHEET, inputs.style("epub.css").read_bytes())
        if words.direction(inputs.manuscript.settings.presswork.book.language) == "rtl":
            _right_to_left(output)
        return Artifact(self.name, output)

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        if not inputs.trusted:
            inputs.require_own_media(artifact.path, "EPUB/media/")
        messages = epubcheck.check(artifact.path, timeout=inputs.timeout)
        if messages:
            first = messages[0]
            more = f" and {len(messages) - 1} more" if len(messages) > 1 else ""
            raise ValidationError(
                f"EPUBCheck: {first.severity} {first.id} {first.text}{more}",
                path=f"{artifact.path.name}/{first.location}",
                detail="\n".join(f"{m.severity} {m.id} {m.location}: {m.text}" for m in messages),
            )


_STYLESHEET = "EPUB/styles/stylesheet1.css"  # where pandoc puts the one stylesheet, its own or ours


def _replace_member(path: Path, member: str, data: bytes) -> None:
    """Rewrite the EPUB `path` with `member`'s content replaced, everything else (order, dates,
    compression) as it was."""
    _replace_members(path, {member: data})


def _right_to_left(path: Path) -> None:
    """Every XHTML document of a right-to-left book marked `dir="rtl"`, which pandoc's EPUB template
    does not write (it sets the spine's page-progression-direction and `lang`)."""
    with zipfile.ZipFile(path) as archive:
        changed = {
            info.filename: re.sub(rb"<html\b([^>]*?)>", rb'<html\1 dir="rtl">', archive.read(info), count=1)
            for info in archive.infolist()
            if info.filename.endswith(".xhtml")
        }
    _replace_members(path, changed)


def _replace_members(path: Path, members: dict[str, bytes]) -> None:
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
