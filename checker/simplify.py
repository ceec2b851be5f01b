"""Derived expressions in the form a person writes: transposes inward, like terms collected, factored.

`simplify(expr, view)` rewrites an `Expr` into a canonical sum of products and back:

- transposes are pushed to the leaves — ``(AB)ᵀ = BᵀAᵀ``, ``(Aᵀ)ᵀ = A``, ``(A ⊙ B)ᵀ = Aᵀ ⊙ Bᵀ`` —
  and dropped on symbols the document calls symmetric (``Aᵀ = A``) and on symmetric products;
- the transpose of an inverse is kept as one ``^{-T}`` atom: ``Inverse(Transpose(M))``;
- scalars commute to the front of a product (``a bᵀ (aᵀXb)`` reads ``(aᵀXb) a bᵀ``), numbers
  multiply out (no ``1·``), equal scalar factors merge into powers and cancel (``det X / det X``);
- like terms are collected (``X + X = 2X``) and a common left or right factor is pulled out
  when several terms share it (``AX + AᵀX = (A + Aᵀ)X``); positive terms come first.

Nothing here decides truth: every result is checked numerically by the caller (`derive.py`).
Shapes come from a `ShapeView` (symbol shapes, declared or inferred) so ``aᵀXb`` is known to be
a scalar and ``diag(x)`` of a vector a diagonal matrix.

Example::

    >>> from fractions import Fraction
    >>> from mathlint.parsers.expr import Add, Mul, Number, Symbol, Transpose
    >>> X, A = Symbol("X", "matrix"), Symbol("A", "matrix")
    >>> simplify(Add((Transpose(Transpose(X)), X)), ShapeView()) == Mul((Number(Fraction(2)), X))
    True
"""

from __future__ import annotations

from fractions import Fraction

from ..parsers.expr import Add, Expr, Transpose
from .canonical import (
    Term, _build_term, _build_terms, _collect, _Ctx, _order, _pull_common, _scale, _terms, _times,
)
from .shape_view import SYMMETRIC_ASSUMPTIONS, ShapeView

__all__ = ["SYMMETRIC_ASSUMPTIONS", "ShapeView", "expand_terms", "simplify", "transpose_of"]


# --- factoring -------------------------------------------------------------------------

MAX_INNER = 2
"""Pull a factor out only when what stays inside the parentheses is short: ``(A + Aᵀ)x`` and
``X(bcᵀ + cbᵀ)`` read better than their sums; long products do not."""


def _factor(terms: list[Term], ctx: _Ctx) -> list[Term]:
    """Pull a factor shared at the right (or left) end by two or more terms out of them."""
    if len(terms) < 2:
        return terms
    best: tuple[int, str, list[Term], tuple[Expr, ...]] | None = None
    for side in ("right", "left"):
        ends: dict[Expr, list[Term]] = {}
        for t in terms:
            if len(t.factors) >= 2:
                ends.setdefault(t.factors[-1] if side == "right" else t.factors[0], []).append(t)
        for group in ends.values():
            if len(group) < 2 or (best is not None and len(group) <= best[0]):
                continue
            common = _common_run([t.factors for t in group], side)
            if all(len(t.factors) - len(common) <= MAX_INNER for t in group):
                best = (len(group), side, group, common)
    if best is None:
        return terms
    _, side, group, common = best
    rest = [t for t in terms if t not in group]
    n = len(common)
    inner = [Term(t.coeff, t.scalars, t.factors[:-n] if side == "right" else t.factors[n:]) for t in group]
    outer, inner = _pull_common(inner)
    atom = _build_terms(inner, ctx)
    factors = (atom,) + common if side == "right" else common + (atom,)
    merged = _times(outer, Term(Fraction(1), (), factors))
    return _factor(rest, ctx) + [merged] if rest else [merged]


def _common_run(lists: list[tuple[Expr, ...]], side: str) -> tuple[Expr, ...]:
    """Longest common suffix (side="right") or prefix that leaves every list non-empty."""
    limit = min(len(f) for f in lists) - 1
    n = 0
    while n < limit:
        probe = [f[len(f) - 1 - n] if side == "right" else f[n] for f in lists]
        if any(p != probe[0] for p in probe):
            break
        n += 1
    first = lists[0]
    return first[len(first) - n:] if side == "right" else first[:n]


def simplify(expr: Expr, view: ShapeView, *, factor: bool = True) -> Expr:
    """``expr`` in the form a person writes (see the module docstring); same value, new tree.

    :param view: symbol shapes and symmetric symbols (from the document's context).
    :param factor: pull shared left/right factors out of sums (``AX + AᵀX = (A + Aᵀ)X``).
    Raises `ZeroDivisionError` on an inverse or division by zero.
    """
    ctx = _Ctx(view)
    terms = _collect(_terms(expr, False, ctx))
    if factor:
        terms = _factor(terms, ctx)
    return _build_terms([_absorb_sign(t, ctx) for t in terms], ctx)


def _absorb_sign(term: Term, ctx: _Ctx) -> Term:
    """``-2(X - WH)Hᵀ`` reads ``2(WH - X)Hᵀ``: a minus sign goes into the one parenthesised sum."""
    sums = [i for i, f in enumerate(term.factors) if isinstance(f, Add)]
    if term.coeff >= 0 or len(sums) != 1:
        return term
    i = sums[0]
    negated = _build_terms([_scale(p, Fraction(-1)) for p in _terms(term.factors[i], False, ctx)], ctx)
    factors = term.factors[:i] + (negated,) + term.factors[i + 1:]
    return Term(-term.coeff, term.scalars, factors)


def expand_terms(expr: Expr, view: ShapeView) -> list[Expr]:
    """``expr`` multiplied out into its terms (signs kept): ``(A + Aᵀ)x → [Ax, Aᵀx]``, for term
    matching against how an author wrote a sum."""
    ctx = _Ctx(view, expand=True)
    terms = _order(_collect(_terms(expr, False, ctx)))
    return [_build_term(t) for t in terms]


def transpose_of(expr: Expr, view: ShapeView) -> Expr:
    """``exprᵀ`` simplified (numerator layout, layout hints)."""
    return simplify(Transpose(expr), view)
