"""What a caller can tune in one check run (built by `mathlint.config` from flags and files)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Layout(str, Enum):
    DENOMINATOR = "denominator"
    """∂f/∂X has the shape of X (the gradient convention)."""
    NUMERATOR = "numerator"
    """∂f/∂X has the shape of Xᵀ (the Jacobian convention)."""


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
