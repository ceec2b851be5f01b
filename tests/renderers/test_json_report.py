"""The JSON contract of issue 2 §6: exact keys, their order, types, 1-based positions, summary."""

from __future__ import annotations

import json

from mathlint.checker.findings import FileReport
from mathlint.renderers.json_report import render_json

from .conftest import build_latex_report, build_markdown_report, unreadable_report

TOP = ["version", "files", "summary"]
FILE = ["path", "claims", "findings"]
CLAIM = ["line", "column", "end_line", "end_column", "kind", "latex", "status", "reason", "layout", "expected"]
FINDING = ["code", "severity", "line", "column", "end_line", "end_column", "message", "expected"]
SUMMARY = ["files", "claims", "verified", "wrong", "unsupported", "errors", "warnings"]


def load(reports: object) -> dict:
    return json.loads(render_json(reports))  # type: ignore[arg-type]


def test_exact_shape_and_key_order() -> None:
    data = load((build_markdown_report(), build_latex_report(), unreadable_report()))
    assert list(data) == TOP and data["version"] == 1
    assert list(data["summary"]) == SUMMARY
    for file in data["files"]:
        assert list(file) == FILE
        for claim in file["claims"]:
            assert list(claim) == CLAIM
            assert claim["kind"] in {"derivative", "equality", "differential", "index", "matrix-display"}
            assert claim["status"] in {"verified", "wrong", "unsupported"}
            assert claim["layout"] in {"numerator", "denominator"}
            assert (claim["reason"] is None) == (claim["status"] != "unsupported")
            assert claim["line"] >= 1 and claim["column"] >= 1 and claim["end_line"] >= claim["line"]
        for finding in file["findings"]:
            assert list(finding) == FINDING
            assert finding["severity"] in {"error", "warning", "info"}
            assert finding["expected"] is None or isinstance(finding["expected"], str)


def test_summary_counts_agree_with_lists() -> None:
    data = load((build_markdown_report(), build_latex_report(), unreadable_report()))
    claims = [c for f in data["files"] for c in f["claims"]]
    findings = [x for f in data["files"] for x in f["findings"]]
    s = data["summary"]
    assert s["files"] == 3 and s["claims"] == len(claims) == 21
    for status in ("verified", "wrong", "unsupported"):
        assert s[status] == sum(c["status"] == status for c in claims)
    assert s["errors"] == sum(f["severity"] == "error" for f in findings) == 10
    assert s["warnings"] == sum(f["severity"] == "warning" for f in findings) == 2


def test_positions_point_into_the_original(md_report: FileReport) -> None:
    data = load(md_report)
    lines = (md_report.text or "").split("\n")
    for finding in data["files"][0]["findings"]:
        if finding["code"] == "wrong-derivative" and finding["line"] == 10:
            text = lines[9][finding["column"] - 1:finding["end_column"] - 1]
            assert text == r"\mathbf{A}^T\mathbf{B}^T"
            assert finding["expected"] == r"\mathbf{B}\mathbf{A}"
            break
    else:
        raise AssertionError("wrong-derivative on line 10 not found")


def test_suppressed_claim_kept_its_finding_left_out(md_report: FileReport) -> None:
    data = load(md_report)
    file = data["files"][0]
    assert any(c["line"] == 56 and c["status"] == "wrong" for c in file["claims"])
    assert not any("SUPPRESSED" in f["message"] for f in file["findings"])
    assert not any(f["line"] == 56 for f in file["findings"])


def test_files_in_path_order_claims_in_source_order() -> None:
    data = load((build_latex_report(), build_markdown_report(), unreadable_report()))
    assert [f["path"] for f in data["files"]] == ["docs/binary.md", "docs/notes.md", "docs/notes.tex"]
    for file in data["files"]:
        keys = [(c["line"], c["column"]) for c in file["claims"]]
        assert keys == sorted(keys)


def test_clean_run() -> None:
    data = load(())
    assert data == {"version": 1, "files": [], "summary": dict.fromkeys(SUMMARY, 0)}


def test_unicode_kept_readable(md_report: FileReport) -> None:
    assert "∂f/∂X is BA" in render_json(md_report)
