"""End to end over sample_docs: exactly the findings sample_docs/README.md lists, every other claim verified."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mathlint.api import check_path
from mathlint.checker.verdicts import Status

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_docs"
ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|\s*(?P<line>\d+)\s*\|\s*`(?P<code>[a-z-]+)`")


def listed_findings() -> set[tuple[str, int, str]]:
    rows = set()
    for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows.add((m["file"], int(m["line"]), m["code"]))
    return rows


def test_readme_lists_the_deliberate_slips() -> None:
    assert len(listed_findings()) >= 4


@pytest.mark.parametrize("name", ["trace_derivatives.md", "numerator_layout.tex"])
def test_exactly_the_listed_findings(name: str) -> None:
    report = check_path(SAMPLES / name)
    found = {(name, f.span.line, f.code) for f in report.findings}
    expected = {row for row in listed_findings() if row[0] == name}
    assert found == expected


@pytest.mark.parametrize("name", ["trace_derivatives.md", "numerator_layout.tex"])
def test_every_other_claim_is_verified(name: str) -> None:
    report = check_path(SAMPLES / name)
    flagged_lines = {f.span.line for f in report.findings}
    assert report.claims, "the sample must contain claims"
    for result in report.claims:
        if result.verdict.status is Status.WRONG:
            assert any(result.claim.span.line <= line <= result.claim.span.end_line for line in flagged_lines)
        else:
            assert result.verdict.status is Status.VERIFIED, (result.claim.latex, result.verdict)


def test_wrong_claims_carry_expected_and_name_the_term() -> None:
    report = check_path(SAMPLES / "trace_derivatives.md")
    wrong = [f for f in report.findings if f.code == "wrong-derivative"]
    assert all(f.expected for f in wrong)
    four_terms = next(f for f in wrong if f.span.line == 46)
    assert "term 3" in four_terms.message and "terms 1, 2 and 4 are right" in four_terms.message
    assert r"\mathbf{C}^T\mathbf{X}\mathbf{B}^T" in four_terms.message


def test_round_trip_expected_verifies(tmp_path: Path) -> None:
    """Replacing each wrong right-hand side with the reported `expected` (and each finding's
    fix: the entry rename, the `= ?` answer) makes check verify everything."""
    for name in ("trace_derivatives.md", "numerator_layout.tex"):
        source = (SAMPLES / name).read_text(encoding="utf-8")
        report = check_path(SAMPLES / name)
        edits = []
        for result in report.claims:
            if result.verdict.status is Status.WRONG and result.claim.kind.value != "matrix-display":
                assert result.verdict.expected_latex, result.claim.latex
                span = result.claim.rhs_span
                edits.append((span.start, span.end, result.verdict.expected_latex))
        for finding in report.findings:
            if finding.code in ("entry-name", "derived"):
                assert finding.fix is not None, finding
                edits.extend((e.span.start, e.span.end, e.replacement) for e in finding.fix.edits)
        fixed = source
        for start, end, text in sorted(edits, reverse=True):
            fixed = fixed[:start] + text + fixed[end:]
        target = tmp_path / name
        target.write_text(fixed, encoding="utf-8")
        again = check_path(target)
        assert not [f for f in again.findings if f.level.value in ("error", "warning")], name
        assert all(r.verdict.status is Status.VERIFIED for r in again.claims), name


def test_cli_json_over_the_folder() -> None:
    proc = subprocess.run([sys.executable, "-m", "mathlint", "check", "--no-cache", "--format", "json", str(SAMPLES)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    codes = sorted(f["code"] for file in data["files"] for f in file["findings"])
    assert codes == sorted(code for _, _, code in listed_findings())
    assert data["summary"]["wrong"] == 5  # four claims and one displayed matrix
    assert "Traceback" not in proc.stderr
