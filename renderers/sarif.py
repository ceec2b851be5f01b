"""SARIF 2.1.0 for GitHub code scanning: every registry rule in ``tool.driver.rules``, one result per finding.

What GitHub's upload checks (ECOSYSTEM §6) and how this module meets it: a driver with
``rules`` (all of `RULES`, in registry order, each with ``fullDescription`` and ``help``);
every result has ``ruleId``, ``ruleIndex``, ``level`` and one ``physicalLocation`` whose
``region`` is 1-based (``startLine``/``startColumn``/``endLine``/``endColumn``, the end just
past the last character, as `Span` already is) — r-lib/lintr#2550 shipped ``startColumn: 0``
and the upload was rejected. ``columnKind`` is ``unicodeCodePoints`` because our columns are
``str`` indices. ``partialFingerprints`` hash the rule, the path and the claim's LaTeX with
whitespace removed (plus an occurrence number), never line numbers, so an alert survives
edits elsewhere in the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from collections.abc import Iterable
from urllib.parse import quote

from ..checker.findings import FileReport, Finding
from ..checker.rules import RULES, Rule, Severity
from ..parsers.span import Span
from .summary import as_reports, sorted_reports, visible_findings

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "mathlintClaimHash/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(
    reports: FileReport | Iterable[FileReport],
    *,
    root: str | None = None,
    tool_version: str | None = None,
    **_options: object,
) -> str:
    """Render a run as a SARIF 2.1.0 log (JSON text with a trailing newline).

    :param root: directory that relative artifact URIs are relative to; absolute report
        paths under it are made relative (GitHub wants paths relative to the repository
        root), others become ``file://`` URIs. Relative paths are used as given.
    :param tool_version: ``tool.driver.version``; defaults to the installed mathlint's.
    Keyword options meant for other renderers are accepted and ignored.
    """
    return json.dumps(sarif_log(reports, root=root, tool_version=tool_version), indent=2,
                      ensure_ascii=False) + "\n"


def sarif_log(
    reports: FileReport | Iterable[FileReport], *, root: str | None = None,
    tool_version: str | None = None,
) -> dict[str, Any]:
    """The SARIF log as Python data."""
    rules = list(RULES.values())
    runs = sorted_reports(as_reports(reports))
    for report in runs:  # a rule missing from the registry still gets a descriptor
        for finding in report.findings:
            if finding.code not in RULES and finding.rule not in rules:
                rules.append(finding.rule)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for report in runs:
        results.extend(_file_results(report, index, root))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mathlint",
                "version": tool_version or _installed_version(),
                "rules": [_rule_descriptor(rule) for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def rule_name(code: str) -> str:
    """SARIF ``name`` of a rule: ``wrong-derivative`` → ``WrongDerivative``."""
    return "".join(part.capitalize() for part in code.split("-"))


def artifact_uri(path: str, root: str | None = None) -> str:
    """A URI reference for ``path``: relative POSIX, percent-encoded; ``file://`` when absolute.

    >>> artifact_uri("docs/my notes.md")
    'docs/my%20notes.md'
    >>> artifact_uri("/repo/docs/a.md", root="/repo")
    'docs/a.md'
    """
    pure: PurePath = PureWindowsPath(path) if "\\" in path and "/" not in path else PurePosixPath(path)
    if pure.is_absolute() and root is not None:
        try:
            pure = pure.relative_to(type(pure)(root))
        except ValueError:
            pass
    posix = pure.as_posix()
    if pure.is_absolute():
        if isinstance(pure, PureWindowsPath):
            return "file:///" + quote(posix, safe="/:")
        return "file://" + quote(posix, safe="/")
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/")


def region(span: Span) -> dict[str, int]:
    """SARIF ``region`` of a span: 1-based, end column just past the last character."""
    start_line, start_col = max(1, span.line), max(1, span.col)
    end_line = max(start_line, span.end_line)
    end_col = max(1, span.end_col)
    if end_line == start_line:
        end_col = max(start_col, end_col)
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule_name(rule.code),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.help or rule.summary},
        "help": {"text": rule.help or rule.summary,
                 "markdown": f"**{rule.summary}**\n\n{rule.help}" if rule.help else rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["math"]},
    }


def _file_results(report: FileReport, index: dict[str, int], root: str | None) -> list[dict[str, Any]]:
    uri = artifact_uri(report.path, root)
    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for finding in visible_findings(report):
        digest = _fingerprint(report, finding)
        seen[digest] = seen.get(digest, 0) + 1
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVELS[finding.level],
            "message": {"text": _message(finding)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": region(finding.span),
            }}],
            "partialFingerprints": {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"},
        }
        if finding.expected:
            result["properties"] = {"expected": finding.expected}
        if finding.fix is not None and finding.fix.edits:
            result["fixes"] = [{
                "description": {"text": finding.fix.description or "Replace with the expected result."},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri},
                    "replacements": [
                        {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.replacement}}
                        for edit in finding.fix.edits
                    ],
                }],
            }]
        out.append(result)
    return out


def _message(finding: Finding) -> str:
    text = finding.message.strip() or finding.rule.summary
    if finding.expected and finding.expected not in text:
        text = f"{text} Expected: {finding.expected}"
    return text


def _fingerprint(report: FileReport, finding: Finding) -> str:
    """Hash of rule + path + the claim's (or the span's) text with all whitespace removed."""
    if finding.claim_index is not None and 0 <= finding.claim_index < len(report.claims):
        subject = report.claims[finding.claim_index].claim.latex
    elif report.text is not None:
        subject = report.text[finding.span.start:finding.span.end]
    else:
        subject = ""
    if not subject.strip():
        subject = finding.message
    normalised = "".join(subject.split())
    path = PurePosixPath(report.path.replace("\\", "/")).as_posix()
    data = "\x00".join((finding.code, path, normalised)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mathlint")
    except PackageNotFoundError:
        return "0+unknown"
