"""What every renderer shows the same way: which findings are visible, their order, the run summary.

Suppression is decided by the checker. A `ClaimResult` marked ``suppressed`` keeps its place
in the report (its claim is still listed, with its status, in JSON and HTML), but every
finding attached to it (``Finding.claim_index``) is hidden by every renderer, and the
annotators leave it unmarked. The summary counts claims by status whether suppressed or not
(so ``summary.wrong`` equals the number of listed claims whose status is ``wrong``), and
counts errors and warnings over the visible findings only (so they agree with the exit
status the CLI derives from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable

from ..checker.findings import ClaimResult, FileReport, Finding
from ..checker.rules import Severity
from ..checker.verdicts import Status


def as_reports(reports: FileReport | Iterable[FileReport]) -> tuple[FileReport, ...]:
    """Accept one `FileReport` or any iterable of them; renderers call this first."""
    if isinstance(reports, FileReport):
        return (reports,)
    return tuple(reports)


def visible_findings(report: FileReport) -> tuple[Finding, ...]:
    """The findings to show, sorted by (line, col, end, code); those of suppressed claims are left out."""
    suppressed = {i for i, result in enumerate(report.claims) if result.suppressed}
    shown = [f for f in report.findings if f.claim_index is None or f.claim_index not in suppressed]
    return tuple(sorted(shown, key=finding_order))


def finding_order(finding: Finding) -> tuple[int, int, int, int, str]:
    span = finding.span
    return (span.line, span.col, span.end_line, span.end_col, finding.code)


def ordered_claims(report: FileReport) -> tuple[tuple[int, ClaimResult], ...]:
    """``(index, result)`` pairs in source order (index into ``report.claims``)."""
    pairs = list(enumerate(report.claims))
    pairs.sort(key=lambda pair: (pair[1].claim.span.start, pair[1].claim.span.end, pair[0]))
    return tuple(pairs)


def findings_by_claim(report: FileReport) -> dict[int | None, list[Finding]]:
    """Visible findings grouped by ``claim_index`` (``None``: not about one claim)."""
    out: dict[int | None, list[Finding]] = {}
    for finding in visible_findings(report):
        index = finding.claim_index
        if index is not None and not 0 <= index < len(report.claims):
            index = None
        out.setdefault(index, []).append(finding)
    return out


def sorted_reports(reports: Iterable[FileReport]) -> tuple[FileReport, ...]:
    """Reports in path order (stable for equal paths)."""
    return tuple(sorted(reports, key=lambda r: r.path))


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts of one run (JSON ``summary``, the text summary line, the HTML tables)."""

    files: int = 0
    claims: int = 0
    verified: int = 0
    wrong: int = 0
    unsupported: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    def __add__(self, other: Summary) -> Summary:
        return Summary(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


def _values(summary: Summary) -> tuple[int, ...]:
    return (summary.files, summary.claims, summary.verified, summary.wrong, summary.unsupported,
            summary.errors, summary.warnings, summary.infos)


def summarise_file(report: FileReport) -> Summary:
    statuses = [result.verdict.status for result in report.claims]
    levels = [f.level for f in visible_findings(report)]
    return Summary(
        files=1,
        claims=len(statuses),
        verified=statuses.count(Status.VERIFIED),
        wrong=statuses.count(Status.WRONG),
        unsupported=statuses.count(Status.UNSUPPORTED),
        errors=levels.count(Severity.ERROR),
        warnings=levels.count(Severity.WARNING),
        infos=levels.count(Severity.INFO),
    )


def summarise(reports: FileReport | Iterable[FileReport]) -> Summary:
    """Totals over every report of a run."""
    total = Summary()
    for report in as_reports(reports):
        total = total + summarise_file(report)
    return total


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``, ``0 errors``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
