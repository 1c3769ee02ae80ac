"""Where the PDF's chapters open, under `open: right`: each on a right-hand page, but a one-page
chapter after another one-page chapter, which opens on the next page. A run of short chapters (a
gallery, a glossary in letters) is then set page after page, not one page of text and one blank.

The choice is made here, not in the template: a rule there that looks at where the chapter before
ended makes every break depend on every earlier one, and typst's few layout passes do not settle.
A chapter's length does not depend on the page it opens on (left and right pages have the same text
block), so the chapters that run on follow from one typeset's lengths. The typeset is made with the
previous build's choice (kept in the store) and made again only when its lengths contradict it: the
result is the same whichever choice it started from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.store import Store, key


def run_on(report: dict[str, Any]) -> list[str]:
    """The ids of the chapters that open on the next page, from a typeset's `report` (the template's
    `chapters`, each id and the page it opens on, the `blanks` left before chapters, and its `pages`)."""
    chapters = [chapter for chapter in report.get("chapters") or () if isinstance(chapter, dict)]
    blanks = set(report.get("blanks") or ())
    ends = [chapter["page"] for chapter in chapters[1:]] + [int(report.get("pages") or 0) + 1]
    short = [
        end - chapter["page"] - sum(1 for page in range(chapter["page"] + 1, end) if page in blanks) == 1
        for chapter, end in zip(chapters, ends)
    ]
    return [chapters[place]["id"] for place in range(1, len(chapters)) if short[place - 1] and short[place]]


def settled(typeset: Callable[[list[str]], dict[str, Any]], guess: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The report of a typeset (`typeset` takes the ids of the chapters that run on) whose lengths
    agree with the chapters it ran on, starting from `guess`, and those ids. A typeset that still
    disagrees after one correction (a chapter whose length changed with its page) is made with
    every chapter on a right-hand page: the same book always gives the same pages."""
    report = typeset(guess)
    ids = {chapter.get("id") for chapter in report.get("chapters") or () if isinstance(chapter, dict)}
    wanted = run_on(report)
    if wanted == [name for name in guess if name in ids]:  # the guess's other ids are other parts'
        return report, wanted
    report = typeset(wanted)
    if run_on(report) != wanted:
        return typeset([]), []
    return report, wanted


def remembered(store: Store, edition: str) -> list[str]:
    """The chapters that ran on in the edition's previous build: the first guess for this one."""
    found = store.get_json("run-on", key("run-on", edition))
    return [name for name in found if isinstance(name, str)] if isinstance(found, list) else []


def remember(store: Store, edition: str, names: list[str]) -> None:
    store.put_json("run-on", key("run-on", edition), names)
