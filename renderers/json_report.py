"""The versioned JSON contract (``"version": 1``) of ``mathlint check --format json``.

The shape is pinned by tests (issue 2 §6); keys appear in this order::

    {"version": 1,
     "files": [{"path",
                "claims": [{line, column, end_line, end_column, kind, latex, status,
                            reason, layout, expected}],
                "findings": [{code, severity, line, column, end_line, end_column,
                              message, expected}]}],
     "summary": {files, claims, verified, wrong, unsupported, errors, warnings}}

Lines and columns are 1-based, ``end_column`` is just past the last character, columns count
code points. Claims and findings are in source order, files in path order. A suppressed claim
is still listed (with its status: adding a ``suppressed`` key would change the pinned shape);
its findings are left out, as in every renderer (see `renderers.summary`).
"""

from __future__ import annotations

import json
from typing import Any
from collections.abc import Iterable

from ..checker.findings import ClaimResult, FileReport, Finding
from .summary import as_reports, ordered_claims, sorted_reports, summarise, visible_findings

VERSION = 1


def report_data(reports: FileReport | Iterable[FileReport]) -> dict[str, Any]:
    """The JSON document as Python data (dicts in contract key order)."""
    runs = sorted_reports(as_reports(reports))
    summary = summarise(runs)
    return {
        "version": VERSION,
        "files": [_file_data(report) for report in runs],
        "summary": {
            "files": summary.files,
            "claims": summary.claims,
            "verified": summary.verified,
            "wrong": summary.wrong,
            "unsupported": summary.unsupported,
            "errors": summary.errors,
            "warnings": summary.warnings,
        },
    }


def render_json(reports: FileReport | Iterable[FileReport], **_options: object) -> str:
    """Render a run as the version-1 JSON document (2-space indent, UTF-8 text, trailing newline).

    Keyword options meant for other renderers are accepted and ignored.
    """
    return json.dumps(report_data(reports), indent=2, ensure_ascii=False) + "\n"


def _file_data(report: FileReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "claims": [_claim_data(result) for _, result in ordered_claims(report)],
        "findings": [_finding_data(finding) for finding in visible_findings(report)],
    }


def _claim_data(result: ClaimResult) -> dict[str, Any]:
    claim, verdict = result.claim, result.verdict
    return {
        "line": claim.span.line,
        "column": claim.span.col,
        "end_line": claim.span.end_line,
        "end_column": claim.span.end_col,
        "kind": claim.kind.value,
        "latex": claim.latex,
        "status": verdict.status.value,
        "reason": verdict.reason.value if verdict.reason is not None else None,
        "layout": claim.layout.value,
        "expected": verdict.expected_latex,
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.level.value,
        "line": finding.span.line,
        "column": finding.span.col,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_col,
        "message": finding.message,
        "expected": finding.expected,
    }
