"""What a caller can tune in one check run (built by `mathlint.config` from flags and files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .claims import Claim
    from .verdicts import Verdict


class Layout(str, Enum):
    DENOMINATOR = "denominator"
    """∂f/∂X has the shape of X (the gradient convention)."""
    NUMERATOR = "numerator"
    """∂f/∂X has the shape of Xᵀ (the Jacobian convention)."""


class ClaimCache(Protocol):
    """Where verdicts of claims already judged are kept (keyed by the claim's mathematics and
    context, never its position): re-checking an unchanged claim reads no numpy at all."""

    def get(self, claim: "Claim", options: "CheckOptions") -> "Verdict | None": ...

    def put(self, claim: "Claim", options: "CheckOptions", verdict: "Verdict") -> None: ...


@dataclass(frozen=True, slots=True)
class CheckOptions:
    layout: Layout | None = None
    """Layout forced by the caller; None lets the document decide (default denominator)."""
    timeout: float = 5.0
    """Seconds per claim before it is `unsupported` (reason: timeout)."""
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    explain: bool = False
    derive: bool = True
    """Derive `expected` for wrong claims (imports sympy only when needed)."""
    seed: int = 20261121
    strict: bool = False
    """Re-raise internal errors instead of turning them into `unsupported` (tests)."""
    claim_cache: ClaimCache | None = field(default=None, compare=False, repr=False)
    """Per-claim verdict cache (the plugin's `VerdictCache`), or None."""
