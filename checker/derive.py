"""Closed-form gradients and differentials: derived, simplified, verified, printed.

`derive_gradient` runs the adjoint pass (`adjoint.py`: the textbook rule — treat every other
occurrence of X as a constant, one occurrence at a time — generalised to reverse mode), puts
the result in the form a person writes (`simplify.py`), transposes it for numerator layout, and
asks the numeric oracle (`oracle.check_gradient`) before anyone sees it: a derivation that
fails its check raises ``Unsupported(Reason.DERIVATION)`` (DESIGN.md "How truth is decided").
sympy's own matrix calculus is tried only as a last candidate, checked like any other.
`derive_differential` does the same for ``d(expr)`` (`differentials.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ..parsers.expr import Differential, Expr, Number, Symbol, Transpose, Zero, walk
from .adjoint import DerivationError, _leaf_key, gradient_parts
from .differentials import jacobian_parts
from .options import Layout
from .simplify import ShapeView, simplify
from .verdicts import Reason

if TYPE_CHECKING:
    from .claims import Context

DEFAULT_SEED = 20261121


@dataclass(frozen=True, slots=True)
class Derivation:
    """A derived (and numerically verified) closed form, ready to show."""

    expr: Expr
    """The result (gradient in the requested layout, or a differential)."""
    latex: str
    """``expr`` printed in the document's notation (`Context.style`)."""
    text: str
    """``expr`` as plain Unicode (``Aᵀ X⁻¹ tr(...)``)."""
    steps: tuple[str, ...] = ()
    """LaTeX of each occurrence's contribution, in the order the occurrences were met."""
    reading: str | None = None
    """The reading under which the oracle verified it (``\\log`` entrywise...), if ambiguous."""


# --- public API -----------------------------------------------------------------------------

def derive_gradient(f: Expr, wrt: Expr, ctx: "Context", layout: Layout,
                    *, seed: int = DEFAULT_SEED) -> Derivation:
    """The gradient ``∂f/∂wrt`` of the scalar ``f``, simplified and verified.

    ``f`` must be fully expanded (definitions substituted by the caller). The result is in
    denominator layout (the shape of ``wrt``) and transposed for ``Layout.NUMERATOR``. A
    column-vector ``f`` by a column vector gives the Jacobian (``J`` of ``df = J dx`` in
    numerator layout, ``Jᵀ`` in denominator layout); any ``f`` by a scalar its entrywise
    derivative. The derivative of a constant is ``0`` (nothing to check).

    Example: ``f = tr(A X B)``, ``wrt = X`` → ``AᵀBᵀ`` (``\\mathbf{A}^T\\mathbf{B}^T``).

    :raises oracle.Unsupported: ``Reason.NOT_SUPPORTED`` for a node without a rule,
        ``Reason.DERIVATION`` when the derived result fails its numeric check, or whatever
        reason the oracle gives when it cannot sample or evaluate.
    """
    from .oracle import Unsupported, check_gradient

    view = shape_view((f, wrt), ctx)
    try:
        if not view.is_scalar(f):  # a Jacobian (or an entrywise derivative by a scalar)
            numerator = jacobian_parts(f, wrt, view, ctx)
            parts: tuple[Expr, ...] = (numerator,) if not isinstance(numerator, Zero) else ()
            if view.is_scalar(wrt):  # ∂F/∂t has the shape of F in either layout
                layout = Layout.DENOMINATOR
                raw = numerator
            else:  # denominator layout is the transpose of J in df = J dx
                raw = Transpose(numerator)
        else:
            raw, parts = gradient_parts(f, wrt, view, ctx)
        if not parts:  # no occurrence of the variable: the gradient is 0, nothing to check
            zero = Number(Fraction(0))
            return Derivation(zero, "0", "0", (), None)
        candidates = _candidates(raw, view, layout)
    except DerivationError as exc:
        raise Unsupported(Reason.NOT_SUPPORTED, exc.detail) from None
    except (ZeroDivisionError, RecursionError) as exc:
        raise Unsupported(Reason.DERIVATION, f"derivation failed: {exc}") from None
    failures = []
    for candidate in candidates:
        check = check_gradient(f, wrt, candidate, ctx, layout, seed)
        if check.ok:
            steps = tuple(_print_latex(simplify(p, view), ctx) for p in parts)
            return Derivation(candidate, _print_latex(candidate, ctx), _print_text(candidate),
                              steps, check.reading)
        failures.append(check.detail)
    # Last resort: sympy's own matrix calculus, as a candidate the oracle must confirm too.
    fallback = _sympy_candidate(f, wrt, view, layout)
    if fallback is not None and fallback not in candidates:
        check = check_gradient(f, wrt, fallback, ctx, layout, seed)
        if check.ok:
            return Derivation(fallback, _print_latex(fallback, ctx), _print_text(fallback), (), check.reading)
    raise Unsupported(Reason.DERIVATION,
                      "the derived gradient failed its numeric check: " + "; ".join(failures[:1]))


def _sympy_candidate(f: Expr, wrt: Expr, view: ShapeView, layout: Layout) -> Expr | None:
    from .sympy_bridge import sympy_gradient

    got = sympy_gradient(f, wrt, view)
    if got is None:
        return None
    try:
        return simplify(Transpose(got) if layout is Layout.NUMERATOR else got, view)
    except (ZeroDivisionError, RecursionError):
        return None


def derive_differential(expr: Expr, ctx: "Context", wrt: tuple[Expr, ...] | None = None,
                        *, seed: int = DEFAULT_SEED) -> Derivation:
    """The differential ``d(expr)``, one term per occurrence of each variable, verified.

    :param wrt: the variables (symbols) that vary; None means every matrix, vector or scalar
        symbol of ``expr``. Constants get ``dA = 0``.
    Example: ``d(A³) = dA A² + A dA A + A² dA``.
    """
    from .differentials import differential
    from .oracle import Unsupported, check_differential

    view = shape_view((expr,), ctx)
    keys = _variable_keys(expr, wrt)
    try:
        raw = differential(expr, keys, view, ctx)
    except DerivationError as exc:
        raise Unsupported(Reason.NOT_SUPPORTED, exc.detail) from None
    candidates = [simplify(raw, view, factor=False), raw]
    for candidate in candidates:
        check = check_differential(Differential(expr), candidate, ctx, seed, variables=keys)
        if check.ok:
            return Derivation(candidate, _print_latex(candidate, ctx), _print_text(candidate),
                              (), check.reading)
    raise Unsupported(Reason.DERIVATION, "the derived differential failed its numeric check")


def derive_closed_form(expr: Expr, ctx: "Context", layout: Layout,
                       *, seed: int = DEFAULT_SEED) -> Derivation:
    """``expr`` in closed form: each ``∂f/∂X`` inside replaced by its derived gradient, the
    whole simplified and checked equal to ``expr`` (`oracle.check_equality`).

    For the left side of an equality such as ``∂tr(AXD)/∂X + ∂tr(EXCᵀ)/∂X = ...`` (the
    ``expected`` of a ``wrong-equality``), or a plain expression (``(AB)ᵀ`` → ``BᵀAᵀ``).

    :raises oracle.Unsupported: a derivative that cannot be derived, differentials, or a
        result that fails its check.
    """
    from .oracle import Unsupported, check_equality

    if any(isinstance(n, Differential) for n in walk(expr)):
        raise Unsupported(Reason.NOT_SUPPORTED, "closed forms of differentials: use derive_differential")
    replaced = _replace_derivatives(expr, ctx, layout, seed)
    view = shape_view((replaced,), ctx)
    try:
        candidates = [simplify(replaced, view), replaced]
    except (ZeroDivisionError, RecursionError) as exc:
        raise Unsupported(Reason.DERIVATION, f"simplification failed: {exc}") from None
    for candidate in candidates:
        check = check_equality(expr, candidate, ctx, seed, layout=layout)
        if check.ok:
            return Derivation(candidate, _print_latex(candidate, ctx), _print_text(candidate), (), check.reading)
    raise Unsupported(Reason.DERIVATION, "the closed form failed its numeric check")


def _replace_derivatives(expr: Expr, ctx: "Context", layout: Layout, seed: int) -> Expr:
    from ..parsers.expr import Derivative, map_children
    from .oracle import Unsupported

    if isinstance(expr, Derivative):
        if expr.expr is None:
            raise Unsupported(Reason.NOT_SUPPORTED, "a derivative operator without a function")
        return derive_gradient(expr.expr, expr.wrt, ctx, layout, seed=seed).expr
    return map_children(expr, lambda child: _replace_derivatives(child, ctx, layout, seed))


def _variable_keys(expr: Expr, wrt: tuple[Expr, ...] | None) -> frozenset[str]:
    if wrt is not None:
        return frozenset(_leaf_key(w) for w in wrt)
    return frozenset(n.key for n in walk(expr) if isinstance(n, Symbol))


def _candidates(raw: Expr, view: ShapeView, layout: Layout) -> list[Expr]:
    """What to try, best-reading first: simplified, then unfactored, then the raw adjoint sum."""
    out: list[Expr] = []
    for make in (lambda e: simplify(e, view), lambda e: simplify(e, view, factor=False), lambda e: e):
        oriented = Transpose(raw) if layout is Layout.NUMERATOR else raw
        candidate = make(oriented)
        if candidate not in out:
            out.append(candidate)
    return out


def shape_view(exprs: tuple[Expr, ...], ctx: "Context", *, same_shape: bool = False) -> ShapeView:
    """Symbol shapes for ``exprs``: declared ones, completed by `shapes.infer_shapes` when it can.

    :param same_shape: ``exprs[0]`` and ``exprs[1]`` have one shape (two sides of a claim).
    """
    from .shapes import ShapeError, infer_shapes

    shapes = dict(ctx.shapes)
    nodes: dict[int, tuple[object, object]] = {}
    pairs = ((exprs[0], exprs[1]),) if same_shape else ()
    try:
        env = infer_shapes(list(exprs), ctx.shapes, pairs=pairs)
    except (ShapeError, NotImplementedError):
        try:
            env = infer_shapes(list(exprs), ctx.shapes)
        except (ShapeError, NotImplementedError):  # reported elsewhere; use what was declared
            env = None
    if env is not None:
        shapes.update({k: (v[0], v[1]) for k, v in env.symbols.items()})
        nodes = {k: (v[0], v[1]) for k, v in env.nodes.items()}
    return ShapeView.from_context(shapes, ctx.assumptions, nodes)


def _print_latex(expr: Expr, ctx: "Context") -> str:
    from ..parsers.mathtex.printer import to_latex

    return to_latex(expr, ctx.style)


def _print_text(expr: Expr) -> str:
    from ..parsers.mathtex.printer import to_text

    return to_text(expr)


__all__ = ["DEFAULT_SEED", "Derivation", "DerivationError", "derive_closed_form", "derive_differential",
           "derive_gradient",
           "gradient_parts", "shape_view"]
