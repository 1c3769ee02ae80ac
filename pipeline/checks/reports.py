"""Findings written for people and for tools: text, json, github, rdjson (reviewdog) and sarif."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby

from pipeline import __version__
from pipeline.checks.findings import Finding

FORMATS = ("text", "json", "github", "rdjson", "sarif")
_RDJSON_SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB = {"error": "error", "warning": "warning", "info": "notice"}

LineOf = Callable[[str, int], str]  # (path, line) -> the text of that source line


def render(kind: str, findings: list[Finding], line_of: LineOf, *, checked: int) -> str:
    return _RENDERERS[kind](findings, line_of, checked)


def _text(findings: list[Finding], line_of: LineOf, checked: int) -> str:
    if not findings:
        return f"No findings in {checked} chapter{'s' if checked != 1 else ''}.\n"
    out = []
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(path)
        for f in group:
            fix = f" (suggestion: {', '.join(f.suggestions[:3])})" if f.suggestions else ""
            out.append(f"  {f.line}:{f.column}  {f.severity:<7}  {f.said}{fix}  [{f.engine} {f.rule}]")
            source = line_of(f.path, f.line)
            if source:
                width = (f.end_column if f.end_line == f.line else len(source) + 1) - f.column
                out.append(f"      {source.expandtabs(1)}")
                out.append(f"      {' ' * (f.column - 1)}{'^' * max(width, 1)}")
        out.append("")
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    files = len({f.path for f in findings})
    out.append(f"{summary} in {files} file{'s' if files != 1 else ''} ({checked} chapter{'s' if checked != 1 else ''} checked).")
    return "\n".join(out) + "\n"


def _json(findings: list[Finding], line_of: LineOf, checked: int) -> str:
    return json.dumps([f.as_json() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _github(findings: list[Finding], line_of: LineOf, checked: int) -> str:
    lines = []
    for f in findings:
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", f.path), ("line", f.line), ("col", f.column), ("endLine", f.end_line),
                ("endColumn", f.end_column), ("title", f"{f.engine} {f.rule}"),
            )
        )  # fmt: skip
        lines.append(f"::{_GITHUB[f.severity]} {properties}::{_escape_data(f.said)}")
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _rdjson(findings: list[Finding], line_of: LineOf, checked: int) -> str:
    diagnostics = []
    for f in findings:
        where = {
            "start": {"line": f.line, "column": _byte_column(line_of(f.path, f.line), f.column)},
            "end": {"line": f.end_line, "column": _byte_column(line_of(f.path, f.end_line), f.end_column)},
        }
        diagnostic = {
            "message": f.said,
            "location": {"path": f.path, "range": where},
            "severity": _RDJSON_SEVERITY[f.severity],
            "source": {"name": f.engine},
            "code": {"value": f.rule},
        }
        if f.suggestions:
            diagnostic["suggestions"] = [{"range": where, "text": text} for text in f.suggestions[:1]]
        diagnostics.append(diagnostic)
    document = {"source": {"name": "presswork", "url": "https://pypi.org/project/presswork/"}, "diagnostics": diagnostics}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _byte_column(line: str, column: int) -> int:
    """reviewdog counts columns in UTF-8 bytes; findings count code points."""
    return len(line[: column - 1].encode("utf-8")) + 1


def _sarif(findings: list[Finding], line_of: LineOf, checked: int) -> str:
    rules = sorted({(f.rule, f.engine) for f in findings})
    results = []
    for f in findings:
        region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column}
        location = {"physicalLocation": {"artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"}, "region": region}}
        result = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.said},
            "locations": [location],
            "properties": {"engine": f.engine},
        }
        if f.suggestions:
            result["fixes"] = [
                {
                    "description": {"text": f"Replace with '{f.suggestions[0]}'"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"},
                            "replacements": [{"deletedRegion": region, "insertedContent": {"text": f.suggestions[0]}}],
                        }
                    ],
                }
            ]
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "presswork",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/presswork/",
                        "rules": [{"id": rule, "properties": {"engine": engine}} for rule, engine in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_RENDERERS = {"text": _text, "json": _json, "github": _github, "rdjson": _rdjson, "sarif": _sarif}
