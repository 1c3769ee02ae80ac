"""Suppressions written in the chapter, and the report of those that suppressed nothing.

    <!-- presswork-disable RULE ... -->  ...  <!-- presswork-enable RULE ... -->
    <!-- presswork-disable-next-line RULE ... -->

A RULE is a rule id (`EN_A_VS_AN`, `missing-anchor`) or an engine (`codespell`); none means every
rule. codespell's own `codespell:ignore [WORD ...]` on a line works too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.checks import accessibility
from pipeline.checks.findings import Finding
from pipeline.checks.prose import Prose

_DIRECTIVE = re.compile(r"^\s*presswork-(disable-next-line|disable|enable)\b([^>]*?)\s*$")
_CODESPELL = re.compile(r"codespell:ignore\b([^>\n]*)")
_LINK_RULES = {
    "broken-link",
    "missing-anchor",
    "missing-image",
    "image-outside",
    "missing-footnote",
    "missing-reference",
    "unused-footnote",
}


@dataclass
class _Range:
    rules: tuple[str, ...]
    first: int
    last: int
    line: int
    column: int
    used: bool = False

    def covers(self, finding: Finding) -> bool:
        if not self.first <= finding.line <= self.last:
            return False
        return not self.rules or finding.rule in self.rules or finding.engine in self.rules


def apply(findings: list[Finding], proses: list[Prose]) -> list[Finding]:
    """The findings no suppression covers, plus a warning for each suppression that covered none."""
    by_path = {prose.chapter.display: prose for prose in proses}
    ranges = {path: _ranges(prose) for path, prose in by_path.items()}
    kept = []
    for finding in findings:
        covering = [r for r in ranges.get(finding.path, []) if r.covers(finding)]
        for r in covering:
            r.used = True
        if covering or _codespell_ignored(finding, by_path.get(finding.path)):
            continue
        kept.append(finding)
    for path, items in ranges.items():
        for r in items:
            if not r.used:
                rules = " ".join(r.rules) or "every rule"
                kept.append(
                    Finding(path, r.line, r.column, r.line, r.column + 4, "warning", _engine_of(r.rules), "unused-suppression",
                            f"this suppression of {rules} suppressed nothing; remove it")
                )  # fmt: skip
    return kept


def _ranges(prose: Prose) -> list[_Range]:
    ranges: list[_Range] = []
    open_ranges: list[_Range] = []
    last_line = prose.chapter.body_line + prose.chapter.text.count("\n")
    for content, offset in sorted(prose.comments, key=lambda item: item[1]):
        match = _DIRECTIVE.match(content)
        if not match:
            continue
        line, column = prose.position(offset)
        kind, rules = match.group(1), tuple(match.group(2).split())
        if kind == "disable-next-line":
            ranges.append(_Range(rules, line + 1, line + 1, line, column))
        elif kind == "disable":
            r = _Range(rules, line, last_line, line, column)
            ranges.append(r)
            open_ranges.append(r)
        else:
            for r in [r for r in open_ranges if not rules or set(r.rules) & set(rules) or not r.rules]:
                r.last = line
                open_ranges.remove(r)
    return ranges


def _codespell_ignored(finding: Finding, prose: Prose | None) -> bool:
    if finding.engine != "codespell" or prose is None:
        return False
    match = _CODESPELL.search(prose.source_line(finding.line))
    if not match:
        return False
    words = match.group(1).replace("-->", " ").split()
    if not words:
        return True
    line = prose.source_line(finding.line)
    return line[finding.column - 1 : finding.end_column - 1] in words


def _engine_of(rules: tuple[str, ...]) -> str:
    if rules and all(rule in _LINK_RULES or rule == "links" for rule in rules):
        return "links"
    if rules and all(rule in ("codespell", "reject") for rule in rules):
        return "codespell"
    if rules and all(rule in accessibility.RULES or rule == accessibility.ENGINE for rule in rules):
        return accessibility.ENGINE
    return "languagetool"
