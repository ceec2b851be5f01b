"""Verdicts: what the checker concluded about one claim."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..parsers.expr import Expr


class Status(str, Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    UNSUPPORTED = "unsupported"


class Reason(str, Enum):
    PARSE = "parse"
    SHAPE = "shape"
    TIMEOUT = "timeout"
    NOT_SUPPORTED = "not-supported"
    UNDEFINED = "undefined"
    """A name whose meaning the document never gives (``f`` with no definition)."""
    DOMAIN = "domain"
    """No valid instance could be sampled (singular, non-positive under log...)."""
    DERIVATION = "derivation"
    """A derived answer failed its numeric check, so it is not shown."""
    CONDITION = "condition"
    """An equation the text states as a condition or assumption (``Q^TQ = I``), not an identity."""
    REFUTED = "refuted"
    """A guess the text itself goes on to refute."""
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One claimed term of a sum, and whether it matches a derived term."""

    index: int
    """1-based position of the term in the claimed sum."""
    latex: str
    ok: bool
    expected_latex: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    reason: Reason | None = None
    detail: str = ""
    """Human explanation (why unsupported; what differs)."""
    expected: Expr | None = None
    expected_latex: str | None = None
    layout_mismatch: bool = False
    """Wrong as stated, but its transpose is right: a layout finding, not a plain error."""
    holds_if: str | None = None
    """For a wrong claim: an unstated assumption under which it would hold ("A symmetric")."""
    shape_mismatch: bool = False
    """Wrong because its shapes cannot conform given the declared shapes (`detail` says how)."""
    reading: str | None = None
    """Which reading verified it, when the notation was ambiguous (``\\log`` entrywise...)."""
    terms: tuple[TermMatch, ...] = ()
    explanation: tuple[str, ...] = ()
    """``--explain`` steps, each valid LaTeX."""

    @staticmethod
    def unsupported(reason: Reason, detail: str = "") -> "Verdict":
        return Verdict(Status.UNSUPPORTED, reason, detail)
