"""Claims: what one link of the text asserts (kind, sides, spans, context) — no verdict here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping

from ..parsers.document import MathSpan
from ..parsers.expr import Expr, NotationStyle
from ..parsers.span import Span
from .options import Layout


class ClaimKind(str, Enum):
    DERIVATIVE = "derivative"
    EQUALITY = "equality"
    DIFFERENTIAL = "differential"
    INDEX = "index"
    DISPLAY = "matrix-display"


Shape = tuple[object, object]
"""Symbolic shape ``(rows, cols)``; each dim an int or a size name such as ``"m"``."""


@dataclass(frozen=True, slots=True)
class Context:
    """What the document says around a claim: shapes, definitions, assumptions, readings."""

    shapes: Mapping[str, Shape] = field(default_factory=dict)
    """Symbol key → declared shape."""
    recent_shapes: frozenset[str] = frozenset()
    """Keys whose declaration is close to the claim (same passage): only these are evidence
    for a shape-mismatch finding; an old declaration may have been silently superseded."""
    definitions: Mapping[str, Expr] = field(default_factory=dict)
    """Name key → its most recent definition (``f = ...``, ``D = BXC^T``)."""
    assumptions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Symbol key → {"symmetric", "spd", "diagonal", "orthogonal", "invertible", ...}."""
    elementwise_functions: bool | None = None
    """True/False when the document settles how ``\\log``/``\\exp`` of a matrix read."""
    otimes: str | None = None
    """``"kron"`` or ``"hadamard"`` when the document settles it."""
    norm2: str | None = None
    """``"frobenius"`` or ``"spectral"`` when the document settles what ``\\|M\\|_2`` of a matrix means."""
    style: NotationStyle = field(default_factory=NotationStyle)


@dataclass(frozen=True, slots=True)
class Claim:
    kind: ClaimKind
    lhs: Expr
    rhs: Expr
    span: Span
    """The link ``lhs = rhs`` in the source."""
    lhs_span: Span
    rhs_span: Span
    latex: str
    """The LaTeX of the link as written (``lhs = rhs``)."""
    layout: Layout
    context: Context = field(default_factory=Context, compare=False)
    math: MathSpan | None = field(default=None, compare=False, repr=False)
    function: Expr | None = None
    """For derivatives: the resolved scalar function f (definitions substituted)."""
    variable: Expr | None = None
    """For derivatives: the variable X."""
    rhs_latex: str = ""
    """The right-hand side's LaTeX as written (for term naming and `--fix`)."""
    rhs_written: Expr | None = field(default=None, compare=False, repr=False)
    lhs_written: Expr | None = field(default=None, compare=False, repr=False)
    """The left-hand side before definitions were substituted."""
    plain: "tuple[Expr, Expr, Expr | None] | None" = field(default=None, compare=False, repr=False)
    """``(lhs, rhs, function)`` with only the differentiated function's name substituted: the
    reading in which other defined names (``D = BXC^T``) are held constant, as the
    one-occurrence-at-a-time trick does. Tried before a claim is called wrong."""
    hints: frozenset[str] = frozenset()
    """What the words around the claim say: ``"conditional"`` (an if/then statement, or a chain
    ending in a constant such as ``= I``: a condition, not an identity), ``"symmetric"`` (the
    text nearby assumes symmetric matrices)."""
    """The right-hand side before definitions were substituted (its locs point into `math`)."""
