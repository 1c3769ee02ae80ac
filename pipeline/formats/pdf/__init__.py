"""The PDF: pandoc writes Typst source on the template `styles/book.typ`, and typst compiles it (a long
book in parts, joined by `pipeline.formats.pdf.parts`)."""

from __future__ import annotations

import contextvars
import dataclasses
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import formats
from pipeline.errors import ContentError, PressworkError, ToolError, ValidationError
from pipeline.formats import accessibility, pages, styles, words
from pipeline.formats.base import Artifact, Builder, Inputs
from pipeline.formats.pdf import body, conformance, fonts, openings, parts, preflight, typst_source
from pipeline.rendering import tree
from pipeline.store import key
from pipeline.tools import pandoc, pdftotext, typst


class PdfBuilder(Builder):
    def tools(self) -> dict[str, str]:
        return {"typst": typst.version(), "pikepdf": metadata.version("pikepdf")}  # pikepdf joins a long book's parts

    def fingerprint(self, inputs: Inputs) -> list[str]:
        validator = inputs.programs.verapdf
        checked = [] if validator is None or validator.missing() else [validator.version]
        level = accessibility.level(inputs.manuscript.settings, "pdf")
        return [
            inputs.style_digest("book.typ"),
            pandoc.version(),
            typst.version(),
            metadata.version("pikepdf"),
            *fonts.fingerprint(),
            level,
            *checked,
        ]

    def checked_by(self, inputs: Inputs) -> str:
        """veraPDF, when it holds a PDF that declares PDF/UA-1 to it: at `error` its failures stop the
        build, at `warning` they make the PDF one that declares nothing (`_held`)."""
        validator = inputs.programs.verapdf
        if accessibility.level(inputs.manuscript.settings, "pdf") == "off" or validator is None or validator.missing():
            return ""
        return f"veraPDF {validator.version}"

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        artifact, found, geometry = self.compose(inputs, staging)
        if not inputs.print_pages.done():
            inputs.print_pages.set_result(found)  # the EPUB waits for the pages it cites, not for veraPDF
        if not conformance.holds(inputs, artifact):
            return self._preflown(inputs, artifact, geometry)
        with ThreadPoolExecutor(max_workers=1) as beside:  # veraPDF reads the PDF while the preflight does
            verdict = beside.submit(contextvars.copy_context().run, conformance.verdict, inputs, artifact)
            preflown = self._preflown(inputs, artifact, geometry)
        return conformance.held(inputs, preflown, verdict.result())

    def _preflown(self, inputs: Inputs, artifact: Artifact, geometry: preflight.Geometry | None) -> Artifact:
        """The PDF through the preflight: its errors stop the build (they are the layout's), its
        warnings go with the edition."""
        if pdftotext.missing():
            return dataclasses.replace(
                artifact, notes=(*artifact.notes, f"{artifact.path.name}: warning: not preflighted: {pdftotext.missing()}")
            )
        problems = preflight.check(artifact.path, geometry, timeout=inputs.timeout)
        errors = [problem for problem in problems if problem.error]
        if errors:
            raise ValidationError(
                f"the preflight finds {len(errors)} fault{'s' if len(errors) != 1 else ''} in the typeset PDF, the first on {errors[0]}",
                path=artifact.path.name, detail="\n".join(str(problem) for problem in errors),
                hint=_preflight_hint(inputs),
            )  # fmt: skip
        said = tuple(f"{artifact.path.name}: warning: preflight: {problem}" for problem in problems)
        return dataclasses.replace(artifact, notes=(*artifact.notes, *said)) if said else artifact

    def made(self, inputs: Inputs, artifact: Artifact | None, failure: BaseException | None, *, fresh: bool) -> None:
        """The print pages handed on to the EPUB: as typeset (`build`), as the store kept them with the
        PDF, or the PDF's failure, which the EPUB fails with, without typesetting the book again."""
        if inputs.print_pages.done():
            return
        if failure is not None:
            inputs.print_pages.set_exception(failure)
        else:
            inputs.print_pages.set_result(inputs.store.get_json("pages", _pages_key(inputs)) if inputs.book_key else None)

    def compose(self, inputs: Inputs, staging: Path) -> tuple[Artifact, dict[str, list[int]], preflight.Geometry | None]:
        """The PDF typeset, where its pages begin (`pages.place`), and its pages' design."""
        work = staging / f".work-{inputs.slug}-pdf"  # one for each language's edition
        work.mkdir()
        inputs.book.stage(work)
        output = staging / f"{inputs.slug}{self.suffix}"
        sources, targets = self._save(inputs, work)
        notes: list[str] = []
        guess = openings.remembered(inputs.store, inputs.slug)
        if len(sources) == 1:
            found = self._typeset(inputs, sources[0], output, report="pw-pages", notes=notes, run_on=guess)
            placed = pages.place(found["marks"], found["last"])
            reports = [found]
        else:
            reports = self._typeset_in_parts(inputs, sources, targets, work, output, notes, guess)
            placed = pages.place([mark for report in reports for mark in report["marks"]], reports[-1]["page"])
            found = reports[0]
        openings.remember(inputs.store, inputs.slug, [name for report in reports for name in report.get("run-on", ())])
        if inputs.book_key:
            inputs.store.put_json("pages", _pages_key(inputs), placed)
        refused = next(
            (note.split(": warning: ", 1)[1].split("; it is written")[0] for note in notes if "it cannot be PDF/UA-1" in note), ""
        )
        geometry = preflight.Geometry.of(found, words.direction(inputs.manuscript.settings.presswork.book.language) == "rtl")
        return Artifact(self.name, output, notes=tuple(notes), withheld=refused), placed, geometry

    def _save(self, inputs: Inputs, work: Path) -> tuple[list[body.Body], list[list[str]]]:
        """The book saved for pandoc: whole, or (over `pdf_part_words`) the front matter's contents
        and each part, with the anchors other parts link to. Its tree is let go before pandoc runs."""
        document = inputs.document(_admonition, marked=True)
        drawn(document["blocks"])
        limit = inputs.manuscript.settings.presswork.pdf_part_words
        long = limit and sum(len(chapter.text.split()) for chapter in inputs.manuscript.chapters) > limit
        pieces = parts.split(document["blocks"], limit) if long else []
        if len(pieces) <= 1:
            pieces = [parts.Part(document["blocks"], [])]
        else:
            pieces.insert(0, parts.Part(parts.entries(document["blocks"]), []))
        names = ["book"] if len(pieces) == 1 else ["front", *(f"part-{number}" for number in range(1, len(pieces)))]
        anchors = inputs.book.anchors
        starts = {anchors[chapter.name]: place for place, chapter in enumerate(inputs.manuscript.chapters) if anchors.get(chapter.name)}
        sources = []
        for name, piece in zip(names, pieces):
            sources.append(body.Body(document, written(piece.blocks, starts), inputs.store, work / f"{name}.pandoc.json"))
        return sources, [piece.targets for piece in pieces]

    def _typeset(
        self,
        inputs: Inputs,
        saved: body.Body,
        output: Path,
        variables: tuple[str, ...] = (),
        *,
        report: str | None = None,
        notes: list[str] | None = None,
        run_on: list[str] | None = None,
    ) -> Any:
        """pandoc writes the `saved` document as Typst on the template, typst compiles it to
        `output`, tagged: as PDF/UA-1 (unless the book turns that off), adding to `notes` why it is
        not when the book makes that a warning. `variables` are the template's (for a part or the
        front matter); returned, the value of the metadata labelled `report`, with (given `run_on`,
        the guess of which chapters open on the next page) the chapters that did, as `run-on`."""
        options = ["--standalone", "--template", str(inputs.style("book.typ")), "--wrap=preserve", *variables]
        book = inputs.manuscript.settings.presswork.book
        source = saved.source
        typ = source.with_name(source.name.removesuffix(".pandoc.json") + ".typ")
        listed = typ.with_suffix(".run-on.json")  # rewritten for each typeset: pandoc's output stays
        if book.open == "any":
            options += ["-V", "pw-open-any=true"]  # chapters open on the next page, left or right
            run_on = None
        elif run_on is not None:
            options += ["-V", f"pw-run-on={listed.name}"]
        options += ["-V", f"pw-links={book.links}"]  # where a link's web address is printed
        pandoc.write(
            source, "typst", typ, options, timeout=inputs.timeout, cwd=source.parent, epoch=inputs.manuscript.epoch,
            sandbox=not inputs.trusted,
        )  # fmt: skip
        whole = saved.into(
            typ.read_text(encoding="utf-8"), timeout=inputs.timeout, epoch=inputs.manuscript.epoch, sandbox=not inputs.trusted
        )
        typ.write_text(typst_source.current_math(whole), encoding="utf-8")
        level = accessibility.level(inputs.manuscript.settings, "pdf")
        folder = fonts.folder(source.parent / "fonts")

        unshown: list[str] = []
        unsettled: list[str] = []

        def compile_pdf(accessible: bool) -> Any:
            def typeset(names: list[str]) -> Any:
                listed.write_text(json.dumps(names), encoding="utf-8")
                return typst.compile_pdf(
                    typ, output, root=source.parent, epoch=inputs.manuscript.epoch, timeout=inputs.timeout,
                    report=report, fonts=folder, accessible=accessible, unshown=unshown, unsettled=unsettled, warm=inputs.programs.warm,
                )  # fmt: skip

            if run_on is None:
                return typeset([])
            found, names = openings.settled(typeset, run_on)
            return {**found, "run-on": names}

        try:
            found = compile_pdf(level != "off")
        except typst.Inaccessible as refused:
            where = _chapter_at(typ, refused.line)
            message = f"it cannot be PDF/UA-1: {refused.reason}{f' in the chapter {where!r}' if where else ''}"
            if level == "error":
                raise ValidationError(
                    f"typst refuses the PDF: {message}", path=output.name, detail=str(refused.detail),
                    hint="'presswork check' names the place (its accessibility warnings); or set accessibility: {pdf: warning} under presswork in mkdocs.yml",
                ) from refused  # fmt: skip
            (notes if notes is not None else []).append(f"{output.name}: warning: {message}; it is written without PDF/UA-1")
            found = compile_pdf(False)
        except typst.Failed as failed:
            raise _located(inputs, typ, failed) from failed
        written = typ.read_text(encoding="utf-8") if unshown else ""
        for character in sorted(set(unshown), key=lambda c: written.find(typst.stand_in(c))):  # in the book's order
            problem = _unshown(inputs, character)  # drawn as its code point: an error only in strict mode
            if inputs.manuscript.settings.mkdocs.strict:
                raise problem
            said = f"{problem.message}: the PDF shows its code point, {typst.stand_in(character)}, instead ({problem.hint})"
            (notes if notes is not None else []).append(f"{problem.location()}: warning: {said}")
        if unsettled:  # our layout's fault, not the book's: it is built, and said
            (notes if notes is not None else []).append(
                f"{output.name}: warning: typst did not settle the layout ({unsettled[0]}): page numbers, running heads or "
                "cross-references may be wrong; please report it, with the book if you can"
            )
        return found

    def _typeset_in_parts(
        self,
        inputs: Inputs,
        sources: list[body.Body],
        targets: list[list[str]],
        work: Path,
        output: Path,
        notes: list[str],
        guess: list[str],
    ) -> list[dict[str, Any]]:
        """A long book: the parts one after another, each numbered on from the one before, then the
        front matter with the contents they reported, then one PDF of them all, its structure tree
        theirs; the parts' reports."""
        reports: list[dict[str, Any]] = []
        files: list[Path] = []
        for number, (source, linked) in enumerate(zip(sources[1:], targets[1:]), start=1):
            setting = {**parts.start(reports[-1] if reports else None), "targets": linked}
            data = parts.write_data(work / f"part-{number}.json", setting)
            pdf = work / f"part-{number}.pdf"
            reports.append(self._typeset(inputs, source, pdf, ("-V", f"pw-part={data}"), report="pw-report", notes=notes, run_on=guess))
            files.append(pdf)
        data = parts.write_data(work / "contents.json", parts.contents(reports))
        front = work / "front.pdf"
        self._typeset(inputs, sources[0], front, ("-V", f"pw-front={data}"), notes=notes)
        parts.join(front, files, reports, output)
        return reports

    def validate(self, inputs: Inputs, artifact: Artifact) -> list[str] | None:
        data = artifact.path.read_bytes()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise ValidationError("the PDF typst wrote is incomplete", path=artifact.path.name)
        return conformance.validated(inputs, artifact)


def _preflight_hint(inputs: Inputs) -> str:
    """What to do about the preflight's errors: they are the layout's, the book's own or Presswork's."""
    template = inputs.style("book.typ")
    if template.read_bytes() != (styles.OWN / "book.typ").read_bytes():
        return f"the book's own {template.parent.name}/{template.name} lays these pages out: mend it, or remove it to use Presswork's"
    return "Presswork's layout fails on this chapter, not the book: please report it, with the chapter; meanwhile build the other editions (--format epub --format html ...)"


def print_pages(inputs: Inputs) -> dict[str, list[int]]:
    """Where each page of the book's PDF begins (`pages.place`): as this build's PDF hands them on
    (waited for), or as the store kept them, or, when this build makes no PDF, typeset now to be known."""
    found = inputs.print_pages.result() if inputs.typeset else None  # raises the PDF's failure
    if found is None and inputs.book_key:
        found = inputs.store.get_json("pages", _pages_key(inputs))
    if found is None:
        with tempfile.TemporaryDirectory(prefix="presswork-pages-") as folder:
            _, found, _ = formats.builder("pdf").compose(inputs, Path(folder))
    return found


def _pages_key(inputs: Inputs) -> str:
    return key(inputs.book_key, "pages", formats.builder("pdf").fingerprint(inputs))


def drawn(blocks: list[Any]) -> list[Any]:
    """The book's blocks, in place, with what the PDF draws its own way made Typst: code with
    numbered lines, figures without captions, the marks of its pages, the alternative text of images
    and formulas, and the language of spans and headings."""
    tree.rewrite_blocks(blocks, lambda node: _numbered(node) or _captionless(node) or _kept_with_next(node) or pages.as_typst(node))
    tree.rewrite_inlines(blocks, _icons_beside)
    tree.rewrite_inlines(blocks, _described())
    spoken = _spoken_in()
    tree.rewrite_inlines(blocks, lambda node: pages.as_typst(node) or spoken(node))
    return tree.rewrite_blocks(blocks, _heading_in)


def written(blocks: list[Any], starts: dict[str, int]) -> list[Any]:
    """The blocks of the book, or of one part of it, as pandoc's Typst writer is given them: raw
    anchors made labels, text kept text after a call (`typst_source.kept_text`), determinants as bars
    around a matrix (`typst_source.math_written`), each chapter marked (`starts`: the id of its first
    heading -> its place in the manuscript)."""
    blocks = tree.rewrite_inlines(tree.rewrite_blocks(blocks, _anchors_before), _anchor)
    return typst_source.marked_chapters(typst_source.kept_text(typst_source.math_written(blocks)), starts)


def _located(inputs: Inputs, typ: Path, failed: typst.Failed) -> PressworkError:
    """typst's failure at the line of Typst it names: in a chapter, an error of the chapter, at the
    line of it that the Typst was written from when one holds its words (or, for an image, its
    file's name); in the template, at the template's line that holds it; else as typst said it."""
    if not failed.line:
        return failed
    source = typ.read_text(encoding="utf-8")
    lines = source.splitlines()
    written_line = lines[failed.line - 1] if failed.line <= len(lines) else ""
    detail = f"line {failed.line} of the Typst source: {written_line}\n{failed.detail or ''}"
    place = typst_source.chapter_at(source, failed.line)
    if place is not None and place < len(inputs.manuscript.chapters):
        chapter = inputs.manuscript.chapters[place]
        found = typst_source.line_of(chapter.text, written_line)
        line = None if found is None else chapter.body_line + found
        image = inputs.book.assets.get(typst_source.image_in(written_line) or "")
        if line is None and image is not None:  # an image typst cannot read: where the chapter names its file
            line, _ = chapter.position_of(image.name)
        deep = "show rule depth" in failed.reason  # lists (about 30) or quotes nested deeper than typst lays out
        return ContentError(
            f"typst cannot typeset this in the PDF: {failed.reason}", path=chapter.display, line=line, detail=detail,
            hint="nest the lists or blocks less deeply" if deep else "write it otherwise; --debug shows typst's message and the Typst written from it",
        )  # fmt: skip
    template = inputs.style("book.typ")
    lines = template.read_text(encoding="utf-8").splitlines()
    at = lines.index(written_line) + 1 if written_line.strip() and written_line in lines else None
    if at is None:
        return ToolError(f"{failed.message}, at line {failed.line} of the Typst source", detail=detail)
    shown = template.relative_to(inputs.manuscript.root) if template.is_relative_to(inputs.manuscript.root) else template
    return ToolError(f"{failed.message}, at line {at} of the template {shown}", detail=detail)


def _chapter_at(typ: Path, line: int) -> str | None:
    """The title of the chapter (a level-1 heading) that line `line` of the Typst source is in."""
    if line <= 0:
        return None
    lines = typ.read_text(encoding="utf-8").splitlines()[:line]
    heading = next((text for text in reversed(lines) if text.startswith("= ")), None)
    return heading.removeprefix("= ").split(" <")[0].strip() if heading else None


def _unshown(inputs: Inputs, character: str) -> ContentError:
    """The error for a character no font shows, at its first place in the book."""
    message = f"no font for the PDF can show {typst.describe(character)}"
    packages = fonts.missing_packages()
    hint = f"install {' '.join(packages)}, or write it otherwise" if packages else "write it otherwise, or as an image"
    for chapter in inputs.manuscript.chapters:
        line, column = chapter.position_of(character)
        if line is not None:
            return ContentError(message, path=chapter.display, line=line, column=column, hint=hint)
    return ContentError(f"{message}, in the book's title or metadata", path=inputs.manuscript.settings.path.name, hint=hint)


def _admonition(kind: str, title: str, body: list[Any]) -> list[Any]:
    """An admonition as a call of the template's `admonition` function around its body."""
    title_text = title.replace("\\", "\\\\").replace('"', '\\"')
    opening = f'#admonition(kind: "{kind}", title: "{title_text}")['
    return [{"t": "Div", "c": [tree.make_attr(), _inside(opening, body)]}]  # inside a Div, an admonition in the body is drawn too


def _numbered(node: Any) -> list[Any] | None:
    """A code block with numbered or highlighted lines (`linenums`, `hl_lines`) as a call of the
    template's `pw-code`, which typst highlights in its language as any code block, and numbers."""
    if node["t"] != "CodeBlock":
        return None
    (identifier, classes, pairs), text = node["c"]
    values = dict(pairs)
    numbered, marked = "numberLines" in classes, values.get("highlight", "").split()
    if not numbered and not marked:
        return None
    language = next((c for c in classes if c != "numberLines"), None)
    start = values.get("startFrom", values.get("start-from", "1"))
    arguments = [
        f"lang: {_string(language) if language else 'none'}",
        f"start: {int(start) if start.isdigit() else 1}",
        f"numbered: {'true' if numbered else 'false'}",
        f"marked: ({''.join(f'{int(n)},' for n in marked if n.isdigit())})",
    ]
    call = f"#pw-code({', '.join(arguments)}, {_string(text)})"
    return [{"t": "RawBlock", "c": ["typst", call + (f" <{identifier}>" if identifier else "")]}]


def _kept_with_next(node: Any) -> list[Any] | None:
    """A code block's title (`title="setup.py"`) on the page of its code, never alone at a page's foot."""
    if node["t"] != "Div" or "pw-code-title" not in node["c"][0][1]:
        return None
    return _inside("#block(sticky: true)[", node["c"][1])


def _captionless(node: Any) -> list[Any] | None:
    """A figure without a caption (a diagram, say) centered as it is, not numbered: "Figure 3." alone
    under a picture tells a reader nothing."""
    if node["t"] != "Figure" or tree.stringify(node["c"][1]).strip():
        return None
    return [{"t": "Div", "c": [tree.make_attr(node["c"][0][0]), _inside("#align(center)[", node["c"][2])]}]


def _inside(opening: str, blocks: list[Any]) -> list[Any]:
    """`blocks` as the body of a Typst call that `opening` begins (`#align(center)[`)."""
    return [{"t": "RawBlock", "c": ["typst", opening]}, *blocks, {"t": "RawBlock", "c": ["typst", "]"]}]


def _string(text: str) -> str:
    """A Typst string literal holding `text` exactly."""
    escaped = "".join(
        {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c) or (f"\\u{{{ord(c):x}}}" if ord(c) < 32 else c)
        for c in text
    )
    return f'"{escaped}"'


def _icon(node: Any) -> bool:
    """An icon or emoji drawn as a picture (in Material's `twemoji` span, or alone)."""
    if node["t"] == "Span":
        return bool(node["c"][1]) and all(_icon(child) for child in node["c"][1])
    return node["t"] == "Image" and "pw-icon" in node["c"][0][1]


def _decoration(node: Any) -> bool:
    """An icon, or a picture with no alternative text: an artifact in the PDF."""
    return _icon(node) or node["t"] == "Image" and not tree.stringify(node["c"][1]).strip()


def _icons_beside(node: Any) -> list[Any] | None:
    """A link holding an icon (Material's buttons: `[:fontawesome-solid-paper-plane: Send](url){ .md-button }`)
    or a picture with no alternative text, with them set just before or after it: they are decoration,
    a PDF/UA-1 artifact, and an artifact may hold no link. A link that is such pictures alone
    (`[![](shot.png)](url)`) keeps them, described by where it leads."""
    if node["t"] != "Link" or not any(_decoration(child) for child in node["c"][1]):
        return None
    attr, content, target = node["c"]
    words = [child for child in content if not _decoration(child)]
    if not tree.stringify(words).strip():
        shown = target[1] or re.sub(r"^[a-z]+://|/$", "", target[0]) or "link"
        for picture in [n for n in tree.nodes(content) if n["t"] == "Image"]:
            picture["c"][0] = tree.make_attr("", [], dict(picture["c"][0][2]))  # no decoration: it is the link
            picture["c"][1] = tree.text_inlines(shown)
        return [{"t": "Link", "c": [attr, content, target]}]
    first = next(index for index, child in enumerate(content) if not _decoration(child) and child["t"] != "Space")
    before = [child for child in content[:first] if _decoration(child)]
    after = [child for child in content[first:] if _decoration(child)]
    while words and words[-1]["t"] == "Space":
        words.pop()
    words = words[next(index for index, child in enumerate(words) if child["t"] != "Space") :]
    space = [{"t": "Space"}]
    return [*before, *(space if before else []), {"t": "Link", "c": [attr, words, target]}, *(space if after else []), *after]


def _described():
    """Each image and formula inside a call of the template that gives it its alternative text,
    which PDF/UA-1 asks of every figure and formula and pandoc's Typst writer does not write: an
    image's own text, a formula's TeX source. An image with none (`alt=""`, as the EPUB and the
    site have it) and an icon are decoration: artifacts, which a screen reader passes over."""
    done: set[int] = set()  # the nodes already wrapped: the rewrite visits what it put in

    def change(node: Any) -> list[Any] | None:
        if node["t"] not in ("Image", "Math") or id(node) in done:
            return None
        done.add(id(node))
        text = " ".join((node["c"][1] if node["t"] == "Math" else tree.stringify(node["c"][1])).split())
        decoration = node["t"] == "Image" and (not text or "pw-icon" in node["c"][0][1])
        opening = "#pw-decoration[" if decoration else f"#pw-alt({_string(text)})["
        return [{"t": "RawInline", "c": ["typst", opening]}, node, {"t": "RawInline", "c": ["typst", "]"]}]

    return change


def _text_in(language: str) -> str:
    """The opening of a Typst `text` call setting the language of what it holds (and the region, if
    the tag has one): pandoc's Typst writer keeps the language of a block, not of a span or heading."""
    primary, *rest = language.replace("_", "-").split("-")
    region = next((part for part in rest if len(part) == 2 and part.isalpha()), None)
    return f"#text(lang: {_string(primary.lower())}{f', region: {_string(region.upper())}' if region else ''})["


def _spoken_in():
    """A span with a language of its own (`<span lang="ru">`), set in that language: tagged with it
    in the PDF, hyphenated and shaped by its rules."""
    done: set[int] = set()

    def change(node: Any) -> list[Any] | None:
        if node["t"] != "Span" or id(node) in done:
            return None
        done.add(id(node))
        language = dict(node["c"][0][2]).get("lang")
        if not language:
            return None
        return [{"t": "RawInline", "c": ["typst", _text_in(language)]}, node, {"t": "RawInline", "c": ["typst", "]"]}]

    return change


def _heading_in(node: Any) -> list[Any] | None:
    """A heading with a language of its own, its words set in that language."""
    if node["t"] != "Header":
        return None
    language = dict(node["c"][1][2]).get("lang")
    words = node["c"][2]
    if not language or (words and words[0].get("t") == "RawInline" and str(words[0]["c"][1]).startswith("#text(lang:")):
        return None
    node["c"][2] = [{"t": "RawInline", "c": ["typst", _text_in(language)]}, *words, {"t": "RawInline", "c": ["typst", "]"]}]
    return [node]


def _anchors_before(node: Any) -> list[Any] | None:
    """A heading that holds a raw HTML anchor (`## <a id="x"></a>Title`) with the anchor's label just
    before it: inside, typst would read the heading as empty, which PDF/UA-1 refuses."""
    if node["t"] != "Header":
        return None
    anchors = [child for child in node["c"][2] if child["t"] == "Span" and child["c"][0][0] and not child["c"][1]]
    if not anchors:
        return None
    node["c"][2] = [child for child in node["c"][2] if not any(child is anchor for anchor in anchors)]
    while node["c"][2] and node["c"][2][0]["t"] == "Space":
        node["c"][2].pop(0)
    labels = "".join(f"#metadata(none)<{anchor['c'][0][0]}>" for anchor in anchors)
    return [{"t": "RawBlock", "c": ["typst", labels]}, node]


def _anchor(node: Any) -> list[Any] | None:
    """An empty span with an id (a raw HTML anchor) as a Typst label that links can land on."""
    if node["t"] == "Span" and node["c"][0][0] and not node["c"][1]:
        return [{"t": "RawInline", "c": ["typst", f"#metadata(none)<{node['c'][0][0]}>"]}]
    return None
