"""Terminal text: one line per finding in file/line/col order, the summary line, colour on request."""

from __future__ import annotations

import re

from mathlint.checker.findings import FileReport
from mathlint.renderers.summary import summarise
from mathlint.renderers.text import render_text, summary_line

from .conftest import build_latex_report, build_markdown_report, unreadable_report

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info)\[(?P<code>[a-z-]+)\] .+$")


def test_one_line_per_visible_finding_then_summary(md_report: FileReport) -> None:
    out = render_text(md_report)
    lines = out.splitlines()
    assert out.endswith("\n")
    findings, summary = lines[:-1], lines[-1]
    assert all(LINE.match(line) for line in findings), findings
    shown = [f for f in md_report.findings if "SUPPRESSED" not in f.message]
    assert len(findings) == len(shown)
    assert "SUPPRESSED" not in out
    assert summary == "1 file, 16 claims: 5 verified, 9 wrong, 2 unsupported; 8 errors, 2 warnings"


def test_sorted_by_file_line_col() -> None:
    reports = (build_latex_report(), unreadable_report(), build_markdown_report())
    keys = []
    for line in render_text(reports).splitlines()[:-1]:
        m = LINE.match(line)
        assert m, line
        keys.append((m["path"], int(m["line"]), int(m["col"])))
    assert keys == sorted(keys)
    assert keys[0][0] == "docs/binary.md"


def test_first_wrong_derivative_line(md_report: FileReport) -> None:
    line = next(l for l in render_text(md_report).splitlines() if "wrong-derivative" in l)
    assert line.startswith("docs/notes.md:10:92: error[wrong-derivative] ∂f/∂X is BA")


def test_no_colour_unless_asked(md_report: FileReport) -> None:
    assert "\x1b[" not in render_text(md_report, verbose=True, explain=True)
    coloured = render_text(md_report, color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_text(md_report)


def test_verbose_lists_every_claim_with_status(md_report: FileReport) -> None:
    out = render_text(md_report, verbose=True)
    claim_lines = [l for l in out.splitlines() if re.match(r"^docs/notes\.md:\d+:\d+: (verified|wrong|unsupported) ", l)]
    assert len(claim_lines) == len(md_report.claims)
    assert any("suppressed" in l for l in claim_lines)
    assert "    expected: \\mathbf{B}\\mathbf{A}" in out
    assert "numerator layout" in out


def test_explain_prints_steps_once_under_the_finding(md_report: FileReport) -> None:
    out = render_text(md_report, explain=True).splitlines()
    at = next(i for i, l in enumerate(out) if l.startswith("docs/notes.md:10:92:"))
    assert out[at + 1].startswith("    1. d\\operatorname{tr}")
    assert out[at + 2].startswith("    2. \\frac{\\partial f}")
    assert sum(l.strip().startswith("1. d\\operatorname{tr}(\\mathbf{A}") for l in out) == 1


def test_summary_line_plurals() -> None:
    assert summary_line(summarise(())) == "0 files, 0 claims: 0 verified, 0 wrong, 0 unsupported; 0 errors, 0 warnings"
    assert render_text(()) == summary_line(summarise(())) + "\n"


def test_multiline_messages_stay_on_one_line(md_report: FileReport) -> None:
    from dataclasses import replace

    f = replace(md_report.findings[0], args={"message": "two\nlines"})
    out = render_text(replace(md_report, findings=(f,)))
    assert out.splitlines()[0].endswith("two lines")
