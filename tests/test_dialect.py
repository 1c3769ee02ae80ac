"""The dialect: admonitions made readable for pandoc, and heading ids made as MkDocs makes them."""

from __future__ import annotations

from pipeline import dialect


def test_an_admonition_becomes_a_div_pandoc_reads():
    source = '!!! tip "Save time"\n    Body *text*.\n\n    Second paragraph.\n\nAfter.'
    assert dialect.for_pandoc(source).split("\n") == [
        '<div class="admonition tip" data-title="Save time">',
        "",
        "Body *text*.",
        "",
        "Second paragraph.",
        "",
        "</div>",
        "",
        "",
        "After.",
    ]


def test_an_admonition_without_a_title_is_titled_by_its_kind():
    assert 'data-title="Warning"' in dialect.for_pandoc("!!! warning\n    Careful.")
    assert 'data-title=""' in dialect.for_pandoc('!!! note ""\n    Untitled.')


def test_nested_admonitions_and_code_fences():
    source = '!!! note "Outer"\n    !!! danger "Inner"\n        Deep.\n\n```\n!!! note "Not one"\n```'
    lines = dialect.for_pandoc(source).split("\n")
    assert '<div class="admonition note" data-title="Outer">' in lines
    assert '<div class="admonition danger" data-title="Inner">' in lines
    assert "Deep." in lines
    assert '!!! note "Not one"' in lines  # inside a fence: left alone


def test_heading_ids_fold_to_ascii_like_mkdocs():
    assert dialect.slugify("Café au lait") == "cafe-au-lait"
    assert dialect.slugify("Über uns") == "uber-uns"
    used = {"summary"}
    assert dialect.unique("summary", used) == "summary_1"
    assert dialect.unique("summary", used) == "summary_2"
