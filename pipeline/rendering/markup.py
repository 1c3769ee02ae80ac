"""The HTML that MkDocs, Material and PyMdown write, made into the HTML pandoc's reader understands.

pandoc reads HTML well, but some structures of the site's HTML mean more than their elements say,
and pandoc would read them as something else or lose what matters. Each is rewritten here into a
plain form, with classes that `pipeline.rendering.assembly` and the builders recognise:

- permalinks (`a.headerlink`) are the site's own navigation, and a page's `<style>` and `<script>`
  are no content: taken out; what embeds another page or a medium (`<iframe>`, `<video>`, ...)
  becomes `span.pw-left-out` (with its fallback text), reported by assembly;
- footnotes (`sup > a.footnote-ref`, `div.footnote > ol > li#fn:x`) become a marked reference
  (`span.pw-noteref`) and a marked body (`div.pw-note#fn:x`), which assembly joins into a note;
- highlighted code (`div.highlight`, line-number tables, titles) becomes `<pre class="LANG">`, its
  title a `div.pw-code-title`, and an annotation's marker (`# (1)!`) the number of the note below it;
- admonitions and collapsible blocks (`div.admonition`, `details`) become
  `div.admonition.KIND[data-title]`, open; content tabs (`div.tabbed-set`) become one such block
  per tab (kind `tab`), titled by its label;
- a task list's check boxes become ☐ and ☒;
- the language an element says it is in (`<em lang="ru">`, `<p lang="ru">`, from an attribute list)
  is held by a `span` (inline) or `div` (a block) around its content, which pandoc keeps on every
  edition (it keeps `lang` on headings, spans and divs only);
- inline SVG (icons, emoji) is taken out before parsing, byte for byte (an HTML parser would fold
  `viewBox` to `viewbox`), and replaced by `img.pw-svg`, whose `src` indexes the list returned.

Anything else passes through as the site has it: an extension nobody here has heard of still comes
through as its HTML, read by pandoc as it reads any HTML.
"""

from __future__ import annotations

import html as html_module
import re

import lxml.html
from lxml import etree

SVG_SCHEME = "pw-svg:"
# Characters no XML document may hold, written or as references (`&#2;`).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(x?)([0-9a-f]{1,8});", re.IGNORECASE)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)
_ACCESSIBLE = re.compile(r"<(?:title|desc)\b[^>]*>(.*?)</(?:title|desc)>", re.DOTALL | re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
# Material's code annotation markers: a comment holding only `(1)!` becomes `(1)` (the note is the list after).
_ANNOTATION = re.compile(r"(?:#|//|--|;|%|/\*|<!--)\s*\((\d+)\)!(?:\s*(?:\*/|-->))?")
_COMMENTS = frozenset({"c", "c1", "ch", "cm", "cs", "cpf"})  # Pygments' comment tokens
_MARKED = "\ue000"  # a private-use character that marks, for a moment, where a highlighted line starts
_LANGUAGE = re.compile(r"^language-([\w+#.-]+)$")


def _described(svg: str) -> str:
    """What a drawn diagram says of itself: Mermaid's `accTitle` and `accDescr` (its SVG's title and desc)."""
    parts = [_TAGS.sub("", found.group(1)).strip() for found in _ACCESSIBLE.finditer(svg[: svg.find("<g")] if "<g" in svg else svg)]
    return ": ".join(html_module.unescape(" ".join(part.split())) for part in parts if part)


def for_pandoc(html: str) -> tuple[str, list[str]]:
    """One chapter's HTML, rewritten for pandoc; and the SVG pictures it held, in order."""
    svgs: list[str] = []

    def take(match: re.Match[str]) -> str:
        svgs.append(match.group(0))
        diagram = match.group(0).startswith('<svg id="pw-')  # drawn by pipeline.tools.mermaid
        kind = "pw-svg pw-diagram" if diagram else "pw-svg"
        alt = html_module.escape(_described(match.group(0)), quote=True) if diagram else ""
        return f'<img class="{kind}" alt="{alt}" src="{SVG_SCHEME}{len(svgs) - 1}" />'

    html = _CONTROL.sub(_allowed, _SVG.sub(take, html))  # Python-Markdown's placeholders can leak (`&#2;`)
    if not html.strip():
        return "", svgs
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except etree.ParserError:  # nothing an HTML parser counts as content (a comment alone, say)
        return html, svgs
    for rewrite in (_unshown, _permalinks, _footnotes, _code, _tabs, _admonitions, _details, _checkboxes, _anchors, _languages):
        rewrite(root)
    inner = (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return inner, svgs


def _allowed(match: re.Match[str]) -> str:
    """A control character, or a reference to one, taken out; any other reference kept."""
    if match.group(2) is None:
        return ""
    code = int(match.group(2), 16 if match.group(1) else 10)
    return "" if code < 0x20 and code not in (0x9, 0xA, 0xD) else match.group(0)


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _has(element, name: str) -> bool:
    return name in _classes(element)


def _select(root, tag: str, name: str | None = None) -> list:
    """Elements `tag` (or any, with '*') with class `name` (or any), in document order."""
    found = root.iter(tag) if tag != "*" else root.iter()
    return [e for e in found if isinstance(e.tag, str) and (name is None or _has(e, name))]


def _remove(element) -> None:
    """Take `element` out, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _replace(old, new) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def _element(tag: str, classes: str = "", **attributes: str):
    element = etree.Element(tag)
    if classes:
        element.set("class", classes)
    for key, value in attributes.items():
        element.set(key.replace("_", "-"), value)
    return element


def _move_children(source, target) -> None:
    target.text = (target.text or "") + (source.text or "")
    for child in list(source):
        target.append(child)


# Elements a page holds that a reader never sees as content: the page's own styles and scripts.
_UNSHOWN = frozenset({"style", "script", "noscript", "template", "link", "meta"})


# Elements that embed what a page cannot hold in print or in a book file (a video, another page):
# each becomes a `span.pw-left-out` naming it, which `pipeline.rendering.assembly` reports; the text it holds for
# browsers that cannot show it either is kept.
_EMBEDDED = frozenset({"iframe", "object", "embed", "video", "audio", "canvas", "frame", "frameset", "applet"})
LEFT_OUT = "pw-left-out"


_XML_NAME = re.compile(r"^[A-Za-z_][-A-Za-z0-9_.]*$")


def _unshown(root) -> None:
    for element in root.iter():  # an attribute no XML document can hold (`<a h*#ref="x">`): no browser shows it either
        if isinstance(element.tag, str):  # and an event handler: no edition but the site runs scripts
            for name in [name for name in element.attrib if not _XML_NAME.match(name) or name.lower().startswith("on")]:
                del element.attrib[name]
    for element in [e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() in _UNSHOWN | _EMBEDDED]:
        if element.getparent() is None:
            continue
        if element.tag.lower() in _UNSHOWN:
            _remove(element)
            continue
        marker = _element("span", LEFT_OUT, data_element=element.tag.lower())
        fallback = [child for child in element if isinstance(child.tag, str) and child.tag.lower() not in ("source", "track", "param")]
        marker.text = element.text if element.tag.lower() in ("video", "audio", "object", "canvas") else None
        for child in fallback if marker.text is not None else []:
            marker.append(child)
        _replace(element, marker)


def _permalinks(root) -> None:
    for link in _select(root, "a", "headerlink"):
        _remove(link)


def _footnotes(root) -> None:
    for reference in _select(root, "a", "footnote-ref"):
        target = (reference.get("href") or "").lstrip("#")
        holder = reference.getparent()
        marker = _element("span", "pw-noteref", data_note=target)
        if holder is not None and holder.tag == "sup" and len(holder) == 1 and holder.get("id"):
            marker.set("id", holder.get("id"))
            _replace(holder, marker)
        else:
            _replace(reference, marker)
    for block in _select(root, "div", "footnote"):
        notes = []
        for item in block.iter("li"):
            if not item.get("id"):
                continue
            for back in _select(item, "a", "footnote-backref"):
                _remove(back)
            note = _element("div", "pw-note", id=item.get("id"))
            _move_children(item, note)
            notes.append(note)
        parent = block.getparent()
        index = parent.index(block)
        parent.remove(block)
        for offset, note in enumerate(notes):
            parent.insert(index + offset, note)


def _code(root) -> None:
    for block in [*_select(root, "div", "highlight"), *_select(root, "div", "codehilite")]:
        if block.getparent() is None:
            continue
        pre = next(iter(block.iter("pre")), None)
        if pre is None:
            continue
        cell = next((td for td in block.iter("td") if _has(td, "code")), None)
        code_pre = next(iter(cell.iter("pre")), pre) if cell is not None else pre
        numbers = _select(code_pre, "span", "linenos")  # inline line numbers: pandoc numbers the lines itself
        numbered = cell is not None or bool(numbers)
        first = next((n.text_content().strip() for n in numbers), "") or next(
            (td.text_content().split()[0] for td in block.iter("td") if _has(td, "linenos") and td.text_content().split()), "1"
        )
        for number in numbers:
            _remove(number)
        for comment in [e for e in code_pre.iter("span") if set(_classes(e)) & _COMMENTS]:
            marker = _ANNOTATION.fullmatch(comment.text_content().strip())
            if marker:  # Material makes a comment holding only `(1)!` the marker of note 1
                for child in list(comment):
                    comment.remove(child)
                comment.text = f"({marker.group(1)})"
        for marked in _select(code_pre, "span", "hll"):  # `hl_lines`: a mark where each marked line starts
            marked.text = _MARKED + (marked.text or "")
        lines = code_pre.text_content().removesuffix("\n").split("\n")
        highlighted = [str(number) for number, line in enumerate(lines, 1) if _MARKED in line]
        text = "\n".join(lines).replace(_MARKED, "")
        language = next(
            (m.group(1) for c in _classes(block) + _classes(next(iter(code_pre.iter("code")), code_pre)) if (m := _LANGUAGE.match(c))), ""
        )
        title = next(iter(_select(block, "span", "filename")), None)
        new = _element("pre", " ".join(filter(None, [language, "numberLines" if numbered else ""])))
        if numbered and first.isdigit() and first != "1":
            new.set("data-start-from", first)
        if highlighted:
            new.set("data-highlight", " ".join(highlighted))  # line numbers within the block, from 1
        code = etree.SubElement(new, "code")
        code.text = text
        if title is not None:
            wrapper = _element("div", "pw-code")
            heading = _element("div", "pw-code-title")
            etree.SubElement(heading, "code").text = title.text_content()  # a file name, set as code
            wrapper.append(heading)
            wrapper.append(new)
            new = wrapper
        if block.get("id"):  # `{ .sh #example }` on the fence: a link lands on the code, in every edition
            if new.tag == "pre":
                wrapper = _element("div")
                wrapper.append(new)
                new = wrapper
            new.set("id", block.get("id"))
        _replace(block, new)


def _admonitions(root) -> None:
    for box in _select(root, "div", "admonition"):
        if box.get("data-title") is not None:
            continue  # made here already (a tab)
        title = next((child for child in box if isinstance(child.tag, str) and _has(child, "admonition-title")), None)
        kinds = [c for c in _classes(box) if c != "admonition"]
        shown = title.text_content().strip() if title is not None else ""
        if title is not None:
            _remove(title)
        box.set("class", " ".join(["admonition", *(kinds or ["note"])]))
        box.set("data-title", shown)


def _details(root) -> None:
    for details in list(root.iter("details")):
        summary = next((child for child in details if child.tag == "summary"), None)
        shown = summary.text_content().strip() if summary is not None else "Details"
        if summary is not None:
            _remove(summary)
        kinds = _classes(details) or ["note"]
        box = _element("div", " ".join(["admonition", *kinds]), data_title=shown)
        _move_children(details, box)
        _replace(details, box)


def _tabs(root) -> None:
    """Every tab, each under its label, one after another (a page has no tabs to click), with the
    id the site gives it (its radio button's) so that links to a tab land on it."""
    for tabs in reversed(_select(root, "div", "tabbed-set")):  # the innermost first
        children = [child for child in tabs if isinstance(child.tag, str)]
        inputs = [child for child in children if child.tag == "input"]
        labels = [child for child in children if child.tag == "label"]  # the older markup: input, label, content per tab
        blocks = [child for child in children if _has(child, "tabbed-content")]
        for part in children:
            if _has(part, "tabbed-labels"):
                labels = [label for label in part if label.tag == "label"]
            if _has(part, "tabbed-content") and any(_has(block, "tabbed-block") for block in part):
                blocks = [block for block in part if _has(block, "tabbed-block")]
        group = _element("div", "pw-tabs")
        for index, (label, block) in enumerate(zip(labels, blocks)):
            box = _element("div", "admonition tab", data_title=label.text_content().strip())
            if index < len(inputs) and inputs[index].get("id"):
                box.set("id", inputs[index].get("id"))
            _move_children(block, box)
            group.append(box)
        _replace(tabs, group)


def _checkboxes(root) -> None:
    for box in list(root.iter("input")):
        if (box.get("type") or "").lower() != "checkbox":
            continue
        mark = "☒" if box.get("checked") is not None else "☐"
        parent = box.getparent()
        previous = box.getprevious()
        tail = box.tail or ""
        text = mark + ("" if tail.startswith((" ", "\n")) else " ") + tail
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(box)


# Elements whose id pandoc's document tree has a place for; any other id would be lost in reading.
_KEEPS_ID = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "span", "a", "pre", "img", "table", "figure", "code"})
_VOID = frozenset({"input", "br", "hr", "wbr", "area", "col", "source", "track", "embed", "param"})


def _anchors(root) -> None:
    """An id on an element pandoc keeps no id for (`<p id="x">`, `<li id>`, `<input id>`) moved to an
    empty span at its start (before it, if it holds nothing), so links to it still land there."""
    for element in [e for e in root.iter() if isinstance(e.tag, str) and e.get("id") and e.tag not in _KEEPS_ID]:
        anchor = _element("span", id=element.attrib.pop("id"))
        if element.tag in _VOID:
            element.addprevious(anchor)
        else:
            anchor.tail, element.text = element.text, None
            element.insert(0, anchor)


# Elements whose `lang` pandoc keeps as it reads them; any other's is moved onto a span or div.
_KEEPS_LANG = frozenset({"span", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({"p", "blockquote", "ul", "ol", "dl", "table", "pre", "figure", "hr", "div", "details"})


def _languages(root) -> None:
    for element in [e for e in root.iter() if isinstance(e.tag, str) and e.get("lang") and e.tag not in _KEEPS_LANG]:
        language = element.attrib.pop("lang")
        if element.tag in _BLOCKS:  # the block inside a div that says its language
            holder = _element("div", lang=language)
            element.addprevious(holder)
            holder.tail, element.tail = element.tail, None
            holder.append(element)
            continue
        blocks = any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element)
        holder = _element("div" if blocks else "span", lang=language)
        _move_children(source=element, target=holder)
        element.text = None
        element.append(holder)
