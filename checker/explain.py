"""``--explain``: the differential method, step by step, as a textbook writes it.

1. write f as a trace (``‖U‖²_F = tr(UᵀU)``, ``aᵀXb = tr(aᵀXb)``);
2. take the differential — the product rule, one term per occurrence of X;
3. rotate each term under the trace into the form ``tr(G dX)`` (cyclic property,
   ``tr(Mᵀ) = tr(M)``, ``tr(Mᵀ(A ⊙ dB)) = tr((M ⊙ A)ᵀ dB)``, ``tr(M diag(dx)) = diag(M)ᵀ dx``);
4. collect: ``df = tr(G dX)``;
5. read off the gradient: ``Gᵀ`` in denominator layout, ``G`` in numerator layout.

Every line is LaTeX in the document's notation and is checked numerically before it is shown
(the differential of step k equals the directional derivative of f along a random dX).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from ..parsers.expr import (
    Add, Derivative, Differential, Expr, Mul, Norm, Number, Power, Symbol, Trace, Transpose,
)
from .adjoint import DerivationError, gradient_parts
from .derive import DEFAULT_SEED, shape_view
from .differentials import differential_terms
from .options import Layout
from .simplify import ShapeView, simplify
from .verdicts import Reason

if TYPE_CHECKING:
    from .claims import Context


Step = tuple[Expr, Expr]
"""One line ``lhs = rhs`` of an explanation."""


def explain_gradient(f: Expr, wrt: Expr, ctx: "Context", layout: Layout,
                     *, seed: int = DEFAULT_SEED) -> tuple[str, ...]:
    """The derivation of ``∂f/∂wrt`` by the differential method, one LaTeX line per step.

    Example (``f = tr(AXB)``, denominator layout)::

        f = \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})
        df = \\operatorname{tr}(\\mathbf{A}d\\mathbf{X}\\mathbf{B})
        \\operatorname{tr}(\\mathbf{A}d\\mathbf{X}\\mathbf{B}) = \\operatorname{tr}(\\mathbf{B}\\mathbf{A}d\\mathbf{X})
        \\frac{\\partial f}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{B}^T

    :raises oracle.Unsupported: ``NOT_SUPPORTED`` without a rule for some node,
        ``DERIVATION`` when a step fails its numeric check.
    """
    return format_steps(explain_steps(f, wrt, ctx, layout, seed=seed), ctx, "latex")


def format_steps(steps: tuple[Step, ...], ctx: "Context", fmt: str = "latex") -> tuple[str, ...]:
    """Each step as ``lhs = rhs`` in LaTeX (``ctx.style``) or plain Unicode (``fmt="text"``)."""
    from ..parsers.mathtex.printer import to_latex, to_text

    if fmt == "text":
        return tuple(f"{to_text(a)} = {to_text(b)}" for a, b in steps)
    return tuple(f"{to_latex(a, ctx.style)} = {to_latex(b, ctx.style)}" for a, b in steps)


def explain_steps(f: Expr, wrt: Expr, ctx: "Context", layout: Layout,
                  *, seed: int = DEFAULT_SEED) -> tuple[Step, ...]:
    """The steps of `explain_gradient` as ``(lhs, rhs)`` expression pairs, each verified."""
    from .oracle import Unsupported

    if not isinstance(wrt, Symbol):
        raise Unsupported(Reason.NOT_SUPPORTED, "explanations need a plain variable such as X")
    view = shape_view((f, wrt), ctx)
    try:
        return _explain(f, wrt, ctx, layout, view, seed)
    except DerivationError as exc:
        raise Unsupported(Reason.NOT_SUPPORTED, exc.detail) from None
    except ZeroDivisionError as exc:
        raise Unsupported(Reason.DERIVATION, f"derivation failed: {exc}") from None


def _explain(f: Expr, wrt: Symbol, ctx: "Context", layout: Layout, view: ShapeView,
             seed: int) -> tuple[Step, ...]:
    f_name = Symbol("f", "scalar")
    df = Differential(f_name)
    dx = Differential(wrt)
    steps: list[Step] = []

    # 1. f as a trace (for a matrix variable; vector forms are differentiated as they stand)
    matrix = not (view.is_scalar(wrt) or view.is_vector(wrt))
    traced = as_trace(f, view) if matrix else f
    if traced != f:
        _check_equal(f, traced, ctx, seed, "writing f as a trace")
    steps.append((f_name, traced))

    # 2. the differential, one term per occurrence
    terms = differential_terms(traced, frozenset({wrt.key}), view, ctx)
    if not terms:
        zero = Number(Fraction(0))
        steps.append((df, zero))
        steps.append((Derivative(f_name, wrt), zero))
        return tuple(steps)
    d_sum = terms[0] if len(terms) == 1 else Add(tuple(terms))
    _check_differential(traced, d_sum, ctx, seed, "the differential")
    steps.append((df, d_sum))

    # 3. rotate each term into tr(G dX)
    rotated_g: list[Expr] = []
    for term in terms:
        g_raw, _ = gradient_parts(term, dx, view, ctx)  # term = ⟨G, dX⟩ = tr(Gᵀ dX)
        g_row = simplify(Transpose(g_raw), view)
        rotated = linear_form(g_row, dx, view)
        if rotated != term:
            _check_equal(term, rotated, ctx, seed, "rotating a term under the trace")
            steps.append((term, rotated))
        rotated_g.append(g_row)

    # 4. collect
    total_row = simplify(rotated_g[0] if len(rotated_g) == 1 else Add(tuple(rotated_g)), view)
    if len(terms) > 1:
        collected = linear_form(total_row, dx, view)
        _check_differential(traced, collected, ctx, seed, "collecting the terms")
        steps.append((df, collected))

    # 5. read off the gradient
    gradient = simplify(Transpose(total_row), view) if layout is Layout.DENOMINATOR else total_row
    _check_gradient(f, wrt, gradient, ctx, layout, seed)
    steps.append((Derivative(f_name, wrt), gradient))
    return tuple(steps)


def as_trace(f: Expr, view: ShapeView) -> Expr:
    """``f`` with its scalar pieces written as traces: ``‖U‖²_F → tr(UᵀU)``, ``aᵀXb → tr(aᵀXb)``.

    Sums are rewritten term by term; anything else (``log det X``, ``tr(...)`` already) is kept.
    """
    if isinstance(f, Add):
        return Add(tuple(as_trace(a, view) for a in f.args))
    if isinstance(f, Power) and isinstance(f.base, Norm) and f.base.sub in (None, "F", "2") \
            and isinstance(f.exponent, Number) and f.exponent.value == 2:
        u = f.base.arg
        if view.is_scalar(u):
            return f
        return Trace(Mul((Transpose(u), u)))
    if isinstance(f, Mul):
        scalars = [a for a in f.args if view.is_scalar(a)]
        if len(scalars) == len(f.args):
            if len(f.args) >= 2 and isinstance(f.args[0], Number):
                rest = f.args[1:]
                inner = as_trace(rest[0] if len(rest) == 1 else Mul(rest), view)
                return Mul((f.args[0], inner))
            return f
        if view.is_scalar(f):
            return Trace(f)
    return f


def linear_form(g_row: Expr, dx: Differential, view: ShapeView) -> Expr:
    """``tr(G dX)`` for a matrix X, ``gᵀ dx`` for a vector, ``g dx`` for a scalar."""
    product = Mul(g_row.args + (dx,)) if isinstance(g_row, Mul) else Mul((g_row, dx))
    if view.is_scalar(dx.arg) or view.is_vector(dx.arg):
        return product
    return Trace(product)


def _check_equal(lhs: Expr, rhs: Expr, ctx: "Context", seed: int, what: str) -> None:
    from .oracle import Unsupported, check_equality

    check = check_equality(lhs, rhs, ctx, seed)
    if not check.ok:
        raise Unsupported(Reason.DERIVATION, f"step failed its numeric check: {what}")


def _check_differential(f: Expr, rhs: Expr, ctx: "Context", seed: int, what: str) -> None:
    from .oracle import Unsupported, check_differential

    check = check_differential(Differential(f), rhs, ctx, seed)
    if not check.ok:
        raise Unsupported(Reason.DERIVATION, f"step failed its numeric check: {what}")


def _check_gradient(f: Expr, wrt: Expr, gradient: Expr, ctx: "Context", layout: Layout, seed: int) -> None:
    from .oracle import Unsupported, check_gradient

    check = check_gradient(f, wrt, gradient, ctx, layout, seed)
    if not check.ok:
        raise Unsupported(Reason.DERIVATION, "the gradient read off failed its numeric check")
