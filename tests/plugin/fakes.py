"""A stand-in checker for CLI plumbing tests: exit codes, fixes, cache and parallelism.

The CLI's own logic (discovery, exit status, --fix writing, caching, ordering) does not
depend on how claims are judged, so these tests replace `mathlint.runner.check_one` with
`fake_check`: every line holding ``WRONG`` yields one error finding whose fix replaces the
word with ``RIGHT``; ``LAYOUT`` yields a warning with a layout-only fix to ``TRANSPOSED``;
``CRASH`` raises (a checker bug). Real-pipeline behaviour is tested in test_cli_pipeline.py.
"""

from __future__ import annotations

from pathlib import Path

from mathlint.checker.claims import Claim, ClaimKind
from mathlint.checker.findings import ClaimResult, Edit, FileReport, Finding, Fix
from mathlint.checker.options import Layout
from mathlint.checker.rules import LAYOUT_MISMATCH, WRONG_DERIVATIVE
from mathlint.checker.verdicts import Status, Verdict
from mathlint.parsers.expr import Symbol
from mathlint.parsers.span import LineIndex

CALLS: list[str] = []
"""Paths the fake checked, in this process (cache tests count them)."""


def fake_report(path: str, text: str) -> FileReport:
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
    lines = LineIndex(text, path)
    claims: list[ClaimResult] = []
    findings: list[Finding] = []
    for word, rule, replacement, layout_only in (
        ("WRONG", WRONG_DERIVATIVE, "RIGHT", False),
        ("LAYOUT", LAYOUT_MISMATCH, "TRANSPOSED", True),
    ):
        start = text.find(word)
        while start != -1:
            span = lines.span(start, start + len(word))
            claim = Claim(ClaimKind.DERIVATIVE, Symbol("f"), Symbol("G"), span, span, span,
                          f"f = {word}", Layout.DENOMINATOR, rhs_latex=word)
            claims.append(ClaimResult(claim, Verdict(Status.WRONG, expected_latex=replacement,
                                                     layout_mismatch=layout_only)))
            fix = Fix((Edit(span, replacement),), f"replace by {replacement}", layout_only=layout_only)
            findings.append(Finding(rule, span, {"message": f"{word} is wrong"}, expected=replacement,
                                    fix=fix, claim_index=len(claims) - 1))
            start = text.find(word, start + 1)
    return FileReport(path, tuple(claims), tuple(findings), text=text, newline=newline)


def fake_check(path: str, data: bytes | None, config: object) -> FileReport:
    CALLS.append(path)
    from mathlint import api

    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            return api.unreadable_report(path, f"cannot read {path}: {exc.strerror}")
    if b"\0" in data:
        return api.unreadable_report(path, "binary file")
    text = data.decode("utf-8")
    if "CRASH" in text:
        raise RuntimeError("checker bug")
    return fake_report(path, text)
