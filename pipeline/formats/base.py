"""What every edition's builder is: a name, the suffix it writes, `build` and `validate`."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import mimetypes
import os
import tempfile
import threading
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ValidationError
from pipeline.formats import pages, styles
from pipeline.formats.accessibility import Conformance
from pipeline.rendering import assembly, tree
from pipeline.rendering.render import Rendering
from pipeline.sources.manuscript import Manuscript
from pipeline.store import Store, digest
from pipeline.tools import ace, axe, mermaid, verapdf
from pipeline.tools.daemon import Warm

if TYPE_CHECKING:
    from pipeline.configuration.config import Settings
    from pipeline.formats import Format


@dataclass(frozen=True)
class Artifact:
    """One built edition: a file (or, for the site, a folder) in the staging folder."""

    format: str
    path: Path
    language: str = ""  # the language a file edition is written in (its BCP 47 tag); "" for the site
    notes: tuple[str, ...] = ()  # what its building found that a reader should be warned of
    conformance: Conformance = Conformance()  # the accessibility it declares, and what held it to that
    withheld: str = ""  # why it declares no conformance though the book asks for it (a checker's verdict)

    def size(self) -> int:
        if self.path.is_dir():
            return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
        return self.path.stat().st_size


def human_size(size: int) -> str:
    """`1234567` -> `1.2 MB` (and `431.0 kB`), as readers of English expect a file size written."""
    value = float(size)
    for unit in ("bytes", "kB", "MB"):
        if value < 1000:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


@dataclass(frozen=True)
class Programs:
    """The programs in a browser that draw or check editions, as found on this machine."""

    diagrams: mermaid.Renderer | None = None  # draws Mermaid diagrams (without it they show their source)
    ace: ace.Checker | None = None  # checks the EPUB's accessibility (without it the EPUB claims no conformance)
    verapdf: verapdf.Validator | None = None  # validates the PDF against PDF/UA-1
    axe: axe.Checker | None = None  # checks every page of the site against WCAG 2.1 A and AA
    warm: Warm | None = None  # where typst, EPUBCheck and veraPDF are kept running between runs (None: each run starts its own)

    @classmethod
    def found(cls, settings: Settings | None = None, *, daemon: bool = True) -> Programs:
        """Those of the cache folder (mermaid, DAISY Ace and axe-core run in the machine's chromium),
        and the Java tools kept running between runs as the book's `tools_idle` says (with `daemon`)."""
        from pipeline.environment import cache_folder

        cache = cache_folder(os.environ)
        found = (mermaid.Renderer.find(cache), ace.Checker.find(cache), verapdf.Validator.find(cache), axe.Checker.find(cache))
        idle = 60 * settings.presswork.tools_idle if settings is not None and daemon else 0
        return cls(*found, Warm.found(idle))


@dataclass(frozen=True)
class Inputs:
    """What the builders of one language's book share: the manuscript, the store, the programs and
    the plan (set when the build is planned, not changed after), and the rendering and the
    assembled book, each made once, by whichever builder needs it first."""

    manuscript: Manuscript
    store: Store = field(default_factory=lambda: Store(None))
    downloads: list[Artifact] = field(default_factory=list)  # editions built before the site
    planned: list[tuple[str, Path]] = field(default_factory=list)  # (format, file) of those editions, known before
    site_dir: Path | None = None  # where the site is written, if it is
    offline: bool = False  # a site to open from disk (`file://`), not to serve
    programs: Programs = field(default_factory=Programs)
    book_wanted: bool = True  # a single-file edition will be built: chapters are read by pandoc as they are rendered
    book_key: str = ""  # the store's key of the book's own files and configuration ("": keep nothing under it)
    typeset: bool = False  # this build makes the PDF (anew or from the store): its print pages come with it
    print_pages: Future = field(default_factory=Future, repr=False)  # where the PDF's pages begin (`pages.place`), or None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rendering_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def _rendering(self) -> Rendering:
        site_dir = self.site_dir or Path(tempfile.gettempdir()) / "presswork-unwritten-site"
        return Rendering(
            self.manuscript.settings,
            site_dir=site_dir,
            epoch=self.manuscript.epoch,
            trusted=self.trusted,
            downloads=self.planned,
            offline=self.offline,
            diagrams=self.programs.diagrams,
            store=self.store,
            on_page=self._reading.page if self._reading else None,
        )

    @cached_property
    def _reading(self) -> assembly.Reading | None:
        return assembly.Reading(self.manuscript, self.store) if self.book_wanted else None

    def close(self) -> None:
        """Stop what is still reading in the background (a build that stopped early)."""
        reading = self.__dict__.get("_reading")
        if reading is not None:
            reading.close()

    @property
    def rendering(self) -> Rendering:
        """Every page as MkDocs rendered it: made once, by whichever builder needs it first."""
        with self._rendering_lock:
            return self._rendering

    @cached_property
    def _book(self) -> assembly.Book:
        return assembly.assemble(self.manuscript, self.rendering, self.store, self._reading)

    @property
    def book(self) -> assembly.Book:
        with self._lock:  # assembled once, by whichever builder needs it first
            return self._book

    def warnings(self) -> tuple[str, ...]:
        """What the rendering and the single-file editions left out, if they were made."""
        with self._lock:
            book = self.__dict__.get("_book")
        rendering = self.__dict__.get("_rendering")
        said = (*(rendering.notes if rendering is not None else ()), *(book.warnings if book is not None else ()))
        return tuple(dict.fromkeys(said))  # one line for what several links or images at one place share

    def forget_tree(self) -> None:
        """Let go of the assembled book's tree once the single-file editions are written: for a long
        book it is large, and the site, built next, reads the chapters itself. Its images stay known."""
        with self._lock:
            if "_book" in self.__dict__:
                self.__dict__["_book"] = dataclasses.replace(self.__dict__["_book"], document={})

    @property
    def timeout(self) -> float:
        return self.manuscript.settings.presswork.timeout

    @property
    def slug(self) -> str:
        return self.manuscript.settings.slug

    @property
    def trusted(self) -> bool:
        """False in an untrusted run: pandoc is sandboxed and reads no file, images included."""
        return self.manuscript.settings.trust.trusted

    def inline_images(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document with each image's file (checked by `pipeline.rendering.assembly`) inside it as a
        `data:` URL: what a sandboxed pandoc embeds without reading any file."""
        assets, generated = self.book.assets, self.book.generated

        def change(node: dict[str, Any]) -> list[dict[str, Any]] | None:
            name = node["c"][2][0] if node["t"] == "Image" else None
            if name not in assets and name not in generated:
                return None
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            data = base64.b64encode(generated[name] if name in generated else assets[name].read_bytes()).decode("ascii")
            return [{"t": "Image", "c": [node["c"][0], node["c"][1], [f"data:{kind};base64,{data}", node["c"][2][1]]]}]

        document["blocks"] = tree.rewrite_inlines(document["blocks"], change)
        return document

    def require_own_media(self, artifact: Path, folder: str) -> None:
        """Every file under `folder` of a zipped edition (EPUB, DOCX) must be one of the book's own
        images, byte for byte: an untrusted run proves that nothing else was embedded."""
        own = {hashlib.sha256(data).hexdigest() for data in self.book.media()}
        with zipfile.ZipFile(artifact) as archive:
            for name in archive.namelist():
                if name.startswith(folder) and hashlib.sha256(archive.read(name)).hexdigest() not in own:
                    raise ValidationError(
                        f"the edition holds '{name}', which is none of the book's images",
                        path=artifact.name,
                        hint="an untrusted build embeds only the images it checked; report this as a bug",
                    )

    def style(self, name: str) -> Path:
        return styles.find(self.manuscript.root, name)

    def style_digest(self, name: str) -> str:
        return digest(self.style(name).read_bytes())

    def document(self, admonition, *, marked: bool = False) -> dict[str, Any]:
        """A copy of the book's document with each admonition drawn by `admonition(kind, title, body)`;
        `marked`, with the marks of `pages` (the PDF's and the EPUB's, which place them alike)."""
        document = dict(self.book.document)
        document["blocks"] = tree.copy(document["blocks"])  # changed in place below; the shared tree is not
        if marked:
            document["blocks"] = pages.mark(document["blocks"])

        def change(node: dict[str, Any]) -> list[dict[str, Any]] | None:
            if node["t"] != "Div" or "admonition" not in node["c"][0][1]:
                return None
            identifier, classes, pairs = node["c"][0]
            kind = next((c for c in classes if c != "admonition"), "note")
            title = dict(pairs).get("data-title", dict(pairs).get("title", ""))
            drawn = admonition(kind, title, node["c"][1])
            if identifier and drawn and drawn[0]["t"] == "Div" and not drawn[0]["c"][0][0]:
                drawn[0]["c"][0] = [identifier, *drawn[0]["c"][0][1:]]  # a link to the block (a tab's) lands on it
            return drawn

        document["blocks"] = tree.rewrite_blocks(document["blocks"], change)
        return document


def numbered_as_printed(node: dict[str, Any]) -> None:
    """Chapters and their sections numbered as the PDF numbers them (`styles/book.typ`: 1 and 1.1, a
    heading below them unnumbered), so that a number cited from one edition is found in the others:
    for pandoc's `--number-sections` (the EPUB, the DOCX)."""
    if node["t"] == "Header" and node["c"][0] > 2 and "unnumbered" not in node["c"][1][1]:
        node["c"][1][1].append("unnumbered")


def figures_numbered(blocks: list[Any], wording: dict[str, str]) -> None:
    """Each captioned figure, table and listing numbered as the PDF numbers it (`styles/book.typ`:
    "Figure 3." before the caption, counted through the book by kind, in the book's words; a figure
    without a caption is not numbered there either): for the EPUB and the DOCX, whose writers number
    none, so that a figure cited from one edition is found in the others."""
    counted = {"figure": 0, "table": 0, "listing": 0}
    for node in tree.nodes(blocks):
        if node["t"] == "Figure":
            caption, kind = node["c"][1][1], _kind_of(node["c"][2])
        elif node["t"] == "Table":
            caption, kind = node["c"][1][1], "table"
        else:
            continue
        if not tree.stringify(caption).strip():
            continue
        counted[kind] += 1
        number = {"t": "Str", "c": f"{wording[kind]}\u00a0{counted[kind]}."}
        label = [{"t": "Span", "c": [tree.make_attr("", ["pw-number"]), [number]]}, {"t": "Space"}]
        if caption[0]["t"] in ("Plain", "Para"):
            caption[0]["c"][:0] = label
        else:
            caption.insert(0, {"t": "Plain", "c": label})


def _kind_of(body: list[Any]) -> str:
    """What Typst takes a figure for: the first table, code or picture in it (a picture when none)."""
    kinds = {"Table": "table", "CodeBlock": "listing", "Image": "figure"}
    return next((kinds[node["t"]] for node in tree.nodes(body) if node["t"] in kinds), "figure")


class Builder:
    """One edition's builder, made with its row of `pipeline.formats.FORMATS` (its name, suffix and label)."""

    def __init__(self, row: Format) -> None:
        self.row = row

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def suffix(self) -> str:
        return self.row.suffix  # what it writes: ".pdf", or "" for a folder

    def fingerprint(self, inputs: Inputs) -> list[str]:
        """What this edition depends on besides the book itself: its style files and tools' versions."""
        raise NotImplementedError

    def tools(self) -> dict[str, str]:
        """The version of each tool that makes this edition, besides Presswork and pandoc (a release's manifest)."""
        return {}

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        raise NotImplementedError

    def made(self, inputs: Inputs, artifact: Artifact | None, failure: BaseException | None, *, fresh: bool) -> None:
        """Told once this edition is made (`fresh`: built now, else taken from the store) or could not
        be (`failure`): where it hands on what other editions of the book wait for."""

    def checked_by(self, inputs: Inputs) -> str:
        """The checker whose failures stop this build of the edition ("DAISY Ace 1.4.6"; "": none)."""
        return ""

    def validate(self, inputs: Inputs, artifact: Artifact) -> list[str] | None:
        """Raise `ValidationError` if the edition is not one to publish; return what a reader should
        be warned of in one that is (None: nothing)."""
        return None
