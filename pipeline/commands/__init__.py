"""The verbs of the `presswork` command, one module per group: each `add`s its parsers, with the
function that runs each verb. Nothing heavy is imported until a verb runs."""

from __future__ import annotations

from pipeline.commands import book, publishing, review, tools


def add(verbs) -> None:
    for group in (book, publishing, review, tools):
        group.add(verbs)
