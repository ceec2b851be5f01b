"""Shapes of derived trees: which sub-expressions are scalars, vectors or matrices.

Derivation and simplification build new trees (``Lᵀ G Rᵀ``, ``M^{-T}``...) whose nodes
`shapes.infer_shapes` never saw. A `ShapeView` answers for any tree from the symbol shapes that
inference (or the document) fixed: ``aᵀXb`` is ``(1, 1)``, so a scalar that commutes;
``diag(x)`` of a column vector is a square matrix. Unknown sizes are None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import singledispatch
from typing import Mapping

from ..parsers.expr import (
    Abs, Add, Det, Diag, Differential, Div, Entry, Expr, Func, Hadamard, Identity, Inverse, Mul,
    Norm, Number, Ones, Power, Sum, Symbol, Trace, Transpose,
)


Dim = object
"""A dimension: an int, a size name such as ``"m"``, or None when unknown."""
Dims = tuple[Dim, Dim]

SYMMETRIC_ASSUMPTIONS = frozenset({"symmetric", "spd", "diagonal", "psd", "positive definite"})


# --- shapes of derived trees ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShapeView:
    """What simplification needs to know about shapes: symbol shapes and symmetric symbols."""

    shapes: Mapping[str, tuple[object, object]] = field(default_factory=dict)
    """Symbol key → ``(rows, cols)`` (declared or inferred; ``(1, 1)`` for scalars)."""
    symmetric: frozenset[str] = frozenset()
    """Keys of symbols known to equal their transpose."""
    nodes: Mapping[int, tuple[object, object]] = field(default_factory=dict)
    """``id(node)`` → shape for the nodes of the trees shapes were inferred from (their ``I``,
    ``𝟏``, ``J`` get sizes from where they stand). Valid while those trees are alive."""

    def dims(self, expr: Expr) -> Dims:
        """``(rows, cols)`` of ``expr``; None entries where the size is unknown."""
        return _dims(expr, self)

    def is_scalar(self, expr: Expr) -> bool:
        return _dims(expr, self) == (1, 1)

    def is_vector(self, expr: Expr) -> bool:
        """A column or row vector (not a scalar)."""
        rows, cols = _dims(expr, self)
        return (rows, cols) != (1, 1) and (cols == 1 or rows == 1)

    @staticmethod
    def from_context(shapes: Mapping[str, tuple[object, object]],
                     assumptions: Mapping[str, frozenset[str]],
                     nodes: Mapping[int, tuple[object, object]] | None = None) -> "ShapeView":
        symmetric = frozenset(k for k, v in assumptions.items() if v & SYMMETRIC_ASSUMPTIONS)
        return ShapeView(dict(shapes), symmetric, dict(nodes or {}))


def _merge(a: Dims, b: Dims) -> Dims:
    return (a[0] if a[0] is not None else b[0], a[1] if a[1] is not None else b[1])


@singledispatch
def _dims(expr: Expr, view: ShapeView) -> Dims:
    return (None, None)


@_dims.register
def _(expr: Symbol, view: ShapeView) -> Dims:
    shape = view.shapes.get(expr.key)
    if shape is not None:
        return (shape[0], shape[1])
    if expr.kind == "scalar":
        return (1, 1)
    if expr.kind == "vector":
        return (None, 1)
    return (None, None)


@_dims.register(Number)
@_dims.register(Trace)
@_dims.register(Det)
@_dims.register(Norm)
@_dims.register(Entry)
@_dims.register(Abs)
def _(expr: Expr, view: ShapeView) -> Dims:
    return (1, 1)


@_dims.register
def _(expr: Ones, view: ShapeView) -> Dims:
    known = view.nodes.get(id(expr))
    if known is not None:
        return (known[0], known[1])
    return (None, 1) if expr.kind == "vector" else (None, None)


@_dims.register
def _(expr: Identity, view: ShapeView) -> Dims:
    known = view.nodes.get(id(expr))
    return (known[0], known[1]) if known is not None else (None, None)


@_dims.register
def _(expr: Add, view: ShapeView) -> Dims:
    out: Dims = (None, None)
    for arg in expr.args:
        out = _merge(out, _dims(arg, view))
    return out


@_dims.register
def _(expr: Mul, view: ShapeView) -> Dims:
    mats = [d for d in (_dims(a, view) for a in expr.args) if d != (1, 1)]
    if not mats:
        return (1, 1)
    return (mats[0][0], mats[-1][1])


@_dims.register
def _(expr: Div, view: ShapeView) -> Dims:
    num, den = _dims(expr.num, view), _dims(expr.den, view)
    if den == (1, 1):
        return num
    return _merge(num, den) if num != (1, 1) else den


@_dims.register
def _(expr: Power, view: ShapeView) -> Dims:
    return _dims(expr.base, view)


@_dims.register
def _(expr: Transpose, view: ShapeView) -> Dims:
    rows, cols = _dims(expr.arg, view)
    return (cols, rows)


@_dims.register(Inverse)
@_dims.register(Differential)
def _(expr: Inverse | Differential, view: ShapeView) -> Dims:
    return _dims(expr.arg, view)


@_dims.register
def _(expr: Func, view: ShapeView) -> Dims:
    return _dims(expr.arg, view)


@_dims.register
def _(expr: Hadamard, view: ShapeView) -> Dims:
    out: Dims = (None, None)
    for arg in expr.args:
        d = _dims(arg, view)
        if d != (1, 1):
            out = _merge(out, d)
    return out if out != (None, None) else (None, None)


@_dims.register
def _(expr: Diag, view: ShapeView) -> Dims:
    rows, cols = _dims(expr.arg, view)
    if cols == 1 and rows != 1:
        return (rows, rows)
    if rows == 1 and cols != 1:
        return (cols, cols)
    if (rows, cols) == (1, 1):
        return (1, 1)
    if isinstance(expr.arg, Symbol) and expr.arg.kind == "vector":
        return (rows, rows)
    if rows is not None or cols is not None:
        return (rows if rows is not None else cols, 1)
    return (None, None)


@_dims.register
def _(expr: Sum, view: ShapeView) -> Dims:
    return _dims(expr.body, view)
