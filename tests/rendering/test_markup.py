"""The HTML Material and PyMdown write, as pipeline.rendering.markup gives it to pandoc: each construct rendered
by Python-Markdown with the extension itself, then read back as a reader of the editions would."""

from __future__ import annotations

import lxml.html
import markdown

from pipeline.rendering import markup

EXTENSIONS = ["toc", "attr_list", "footnotes", "admonition", "md_in_html", "pymdownx.details", "pymdownx.superfences",
              "pymdownx.highlight", "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.emoji"]  # fmt: skip
CONFIGS = {"toc": {"permalink": True}, "pymdownx.tabbed": {"alternate_style": True}, "pymdownx.highlight": {"pygments_lang_class": True}}


def mapped(source: str) -> tuple[lxml.html.HtmlElement, list[str]]:
    rendered = markdown.markdown(source, extensions=EXTENSIONS, extension_configs=CONFIGS)
    html, svgs = markup.for_pandoc(rendered)
    return lxml.html.fragment_fromstring(html, create_parent="div"), svgs


def test_every_tab_is_a_titled_block_under_its_label():
    root, _ = mapped('=== "One"\n\n    First tab.\n\n=== "Two"\n\n    Second tab.\n')
    boxes = root.xpath("//div[contains(@class,'admonition')]")
    assert [(box.get("class"), box.get("data-title"), box.text_content().strip()) for box in boxes] == [
        ("admonition tab", "One", "First tab."), ("admonition tab", "Two", "Second tab."),
    ]  # fmt: skip
    assert not root.xpath("//input") and not root.xpath("//label")


def test_a_collapsible_block_is_an_open_admonition_keeping_its_nested_one():
    root, _ = mapped('??? note "Closed"\n\n    Body.\n\n    !!! warning "Inner"\n\n        Deep.\n')
    outer, inner = root.xpath("//div[contains(@class,'admonition')]")
    assert (outer.get("class"), outer.get("data-title")) == ("admonition note", "Closed")
    assert (inner.get("class"), inner.get("data-title")) == ("admonition warning", "Inner")
    assert not root.xpath("//details") and not root.xpath("//summary")


def test_a_footnote_is_a_marked_reference_and_body():
    root, _ = mapped("Text.[^a]\n\n[^a]: The note.\n")
    reference = root.xpath("//span[@class='pw-noteref']")[0]
    assert (reference.get("data-note"), reference.get("id")) == ("fn:a", "fnref:a")
    body = root.xpath("//div[@class='pw-note']")[0]
    assert body.get("id") == "fn:a" and body.text_content().strip() == "The note."
    assert not root.xpath("//a[contains(@class,'footnote-backref')]")


def test_code_keeps_its_language_title_and_numbering_and_an_annotation_is_its_number():
    root, _ = mapped('``` py title="a.py" linenums="3"\nx = 1  # (1)!\n```\n')
    title = root.xpath("//div[@class='pw-code-title']")[0]
    pre = root.xpath("//pre")[0]
    assert title.text_content() == "a.py"
    assert pre.get("class") == "py numberLines" and pre.get("data-start-from") == "3"
    assert pre.text_content() == "x = 1  (1)"


def test_permalinks_go_and_check_boxes_are_drawn():
    root, _ = mapped("# Title\n\n- [x] done\n- [ ] open\n")
    assert root.xpath("//h1")[0].text_content() == "Title"
    assert [li.text_content().strip() for li in root.iter("li")] == ["☒ done", "☐ open"]


def test_inline_svg_is_taken_out_byte_for_byte():
    rendered = '<p>An icon <span class="twemoji"><svg viewBox="0 0 24 24"><path d="M1 1"/></svg></span>.</p>'
    html, svgs = markup.for_pandoc(rendered)
    assert svgs == ['<svg viewBox="0 0 24 24"><path d="M1 1"/></svg>']  # viewBox kept as written
    assert f'src="{markup.SVG_SCHEME}0"' in html


def test_what_no_edition_can_hold_is_marked_or_taken_out():
    html, _ = markup.for_pandoc('<p>a&#2;b <iframe src="x.html"></iframe><style>p{}</style><a h*#ref="x">c</a></p>')
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert root.text_content() == "ab c"
    assert root.xpath(f"//span[@class='{markup.LEFT_OUT}']")[0].get("data-element") == "iframe"
    assert not root.xpath("//style") and root.xpath("//a")[0].attrib == {}


def test_an_annotation_marker_is_one_only_in_a_comment():
    """`# (1)!` in a comment is Material's marker; shown in a Markdown example, it is text."""
    root, _ = mapped("``` markdown\n# (1)! is how a marker is written\n```\n")
    assert root.xpath("//pre")[0].text_content() == "# (1)! is how a marker is written"


def test_a_chapter_read_alone_or_with_others_gives_the_same_tree():
    """pandoc reads chapters in runs; one alone in its run is read as it is among others."""
    from pipeline.tools import pandoc

    math = '<math display="block"><semantics><mi>x</mi><annotation encoding="application/x-tex">x</annotation></semantics></math>'
    first = f"<p>Text.</p>\n{math}\n<h2>Next</h2>"  # display math between blocks: a Para alone, a Plain in a div
    second = "<p>Another chapter.</p>"
    alone = pandoc.read_html([first], timeout=60, displays=["a.md"])
    together = pandoc.read_html([first, second], timeout=60, displays=["a.md", "b.md"])
    assert alone[0] == together[0] and together[1][0]["t"] == "Para"
