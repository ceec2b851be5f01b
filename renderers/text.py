"""Terminal output: ``path:line:col: severity[code] message`` per finding, then one summary line.

Default output is exactly one line per visible finding, sorted by file, line and column, then
the summary line — the shape editors' problem matchers and ``grep`` expect. ``verbose`` adds
the expected right-hand side under each finding and a list of every claim with its status;
``explain`` adds the derivation steps of a claim (``Verdict.explanation``) where present.
Colour (ANSI) only when the caller asks for it: the CLI passes ``color=True`` on a TTY.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..checker.findings import ClaimResult, FileReport, Finding
from ..checker.rules import Severity
from ..checker.verdicts import Status
from .summary import Summary, as_reports, findings_by_claim, ordered_claims, plural, sorted_reports, summarise

_RESET = "\x1b[0m"
_STYLES = {
    "path": "\x1b[1m",
    "code": "\x1b[2m",
    "summary": "\x1b[1m",
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
    Status.VERIFIED: "\x1b[32m",
    Status.WRONG: "\x1b[31m",
    Status.UNSUPPORTED: "\x1b[33m",
}


class _Paint:
    """Wraps text in ANSI styles, or leaves it alone when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, key: object, text: str) -> str:
        style = _STYLES.get(key)  # type: ignore[call-overload]
        if not self.enabled or style is None:
            return text
        return f"{style}{text}{_RESET}"


def one_line(text: str) -> str:
    """Collapse newlines so one finding stays on one line."""
    return " ".join(text.split()) if ("\n" in text or "\r" in text) else text


def render_text(
    reports: FileReport | Iterable[FileReport],
    *,
    color: bool = False,
    verbose: bool = False,
    explain: bool = False,
    **_options: object,
) -> str:
    """Render a run as terminal text (ends with a newline).

    :param reports: one `FileReport` or several (shown in path order).
    :param color: wrap severities, statuses and paths in ANSI colours.
    :param verbose: also list every claim with its status, and ``expected`` under findings.
    :param explain: also print ``Verdict.explanation`` steps (LaTeX) where present.
    Other keyword options (meant for other renderers) are accepted and ignored.
    """
    paint = _Paint(color)
    runs = sorted_reports(as_reports(reports))
    lines: list[str] = []
    for report in runs:
        lines.extend(_finding_lines(report, paint, verbose=verbose, explain=explain and not verbose))
    if verbose:
        for report in runs:
            lines.extend(_claim_lines(report, paint, explain=explain))
    lines.append(paint("summary", summary_line(summarise(runs))))
    return "\n".join(lines) + "\n"


def summary_line(summary: Summary) -> str:
    """``2 files, 7 claims: 5 verified, 1 wrong, 1 unsupported; 1 error, 1 warning``."""
    return (
        f"{plural(summary.files, 'file')}, {plural(summary.claims, 'claim')}: "
        f"{summary.verified} verified, {summary.wrong} wrong, {summary.unsupported} unsupported; "
        f"{plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}"
    )


def format_finding(path: str, finding: Finding, paint: _Paint | None = None) -> str:
    """One finding as ``path:line:col: severity[code] message``."""
    paint = paint or _Paint(False)
    level = finding.level
    where = paint("path", f"{path}:{finding.span.line}:{finding.span.col}:")
    return f"{where} {paint(level, level.value)}{paint('code', f'[{finding.code}]')} {one_line(finding.message)}"


def _finding_lines(report: FileReport, paint: _Paint, *, verbose: bool, explain: bool) -> list[str]:
    grouped = findings_by_claim(report)
    explained: set[int] = set()
    out: list[str] = []
    ordered = sorted(
        ((index, f) for index, fs in grouped.items() for f in fs),
        key=lambda pair: (pair[1].span.line, pair[1].span.col, pair[1].span.end_line,
                          pair[1].span.end_col, pair[1].code),
    )
    for index, finding in ordered:
        out.append(format_finding(report.path, finding, paint))
        if verbose and finding.expected:
            out.append(f"    expected: {one_line(finding.expected)}")
        if explain and index is not None and index not in explained:
            explained.add(index)
            out.extend(_explanation_lines(report.claims[index], indent="    "))
    return out


def _claim_lines(report: FileReport, paint: _Paint, *, explain: bool) -> list[str]:
    out: list[str] = []
    for _, result in ordered_claims(report):
        claim, verdict = result.claim, result.verdict
        status = paint(verdict.status, verdict.status.value)
        details = [claim.kind.value]
        if claim.kind.value in ("derivative", "differential"):
            details.append(f"{claim.layout.value} layout")
        if verdict.reason is not None:
            details.append(f"reason: {verdict.reason.value}")
        if verdict.reading:
            details.append(f"reading: {verdict.reading}")
        if result.suppressed:
            details.append("suppressed")
        where = paint("path", f"{report.path}:{claim.span.line}:{claim.span.col}:")
        out.append(f"{where} {status} ({', '.join(details)}) {one_line(claim.latex)}")
        if verdict.status is Status.WRONG and verdict.expected_latex:
            out.append(f"    expected: {one_line(verdict.expected_latex)}")
        if verdict.status is Status.UNSUPPORTED and verdict.detail:
            out.append(f"    {one_line(verdict.detail)}")
        if explain:
            out.extend(_explanation_lines(result, indent="    "))
    return out


def _explanation_lines(result: ClaimResult, indent: str) -> list[str]:
    steps = result.verdict.explanation
    if not steps:
        return []
    width = len(str(len(steps)))
    return [f"{indent}{n:>{width}}. {one_line(step)}" for n, step in enumerate(steps, 1)]
