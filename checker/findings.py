"""Findings (what is reported), fixes, and the per-file report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..parsers.span import Span
from .rules import Rule, Severity

if False:  # pragma: no cover - typing only, avoids an import cycle at run time
    from .claims import Claim
    from .verdicts import Verdict


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of ``span`` with ``replacement``."""

    span: Span
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    description: str = ""
    layout_only: bool = False
    """True when the fix only changes layout (applied with --fix-layout)."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    span: Span
    args: Mapping[str, Any] = field(default_factory=dict, compare=False)
    severity: Severity | None = None
    """Overrides the rule's default severity when set (configuration)."""
    expected: str | None = None
    """LaTeX of the correct right-hand side, when known."""
    fix: Fix | None = None
    claim_index: int | None = None
    """Index into `FileReport.claims` of the claim this finding is about."""

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def level(self) -> Severity:
        return self.severity or self.rule.severity

    @property
    def message(self) -> str:
        try:
            return self.rule.template.format(**self.args)
        except (KeyError, IndexError, ValueError):
            return self.rule.summary


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: "Claim"
    verdict: "Verdict"
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str
    claims: tuple[ClaimResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    text: str | None = field(default=None, compare=False, repr=False)
    """The decoded source (renderers that annotate need it)."""
    newline: str = "\n"
    encoding: str = "utf-8"
    bom: bool = False
    readable: bool = True
