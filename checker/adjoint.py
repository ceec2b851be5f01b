"""The adjoint pass: reverse-mode propagation over the `Expr` tree, one `register` per node.

Each node receives its adjoint ``G`` — ``df = ⟨G, dN⟩ = tr(Gᵀ dN)`` for the node ``N`` — and
hands one to each child that depends on the variable; the adjoints reaching the variable are
its gradient, one contribution per occurrence. The identities (The Matrix Cookbook §2):

- product ``L M R``: ``tr(Gᵀ L dM R) = tr((Lᵀ G Rᵀ)ᵀ dM)``, so ``M`` gets ``Lᵀ G Rᵀ``
  (``d tr(P dX Q) → PᵀQᵀ``); scalar factors commute and get ``⟨G, rest⟩``;
- ``d M⁻¹ = −M⁻¹ dM M⁻¹`` → ``−M^{-T} G M^{-T}``;  ``d det M = det M tr(M⁻¹ dM)`` → ``G det M M^{-T}``;
- ``d log det M = tr(M⁻¹ dM)``;  ``d log M = dM ⊘ M`` (entrywise) → ``G ⊘ M``;
- ``tr(Gᵀ(A ⊙ dB)) = tr((G ⊙ A)ᵀ dB)``;  ``tr(Gᵀ diag(dx)) = diag(G)ᵀ dx`` → ``diag(G)``;
- ``d‖U‖² = 2⟨U, dU⟩`` (Frobenius, vector 2-norm);  ``d(Mⁿ) = Σₖ Mᵏ dM Mⁿ⁻¹⁻ᵏ``.

Pure: no oracle, no printing, no simplification (see `derive.py`, `simplify.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import singledispatch
from typing import TYPE_CHECKING

from ..parsers.expr import (
    Abs, Add, Det, Diag, Differential, Div, Expr, Func, Hadamard, Identity, Inverse, Mul, Norm,
    Number, Ones, Power, Symbol, Trace, Transpose, Zero,
)
from .shape_view import ShapeView

if TYPE_CHECKING:
    from .claims import Context

MAX_POWER = 16
"""Matrix powers above this are not expanded occurrence by occurrence (one term each)."""
ELEMENTWISE_FUNCTIONS = frozenset({"log", "exp", "sqrt", "sin", "cos", "tanh", "sigma"})


class DerivationError(Exception):
    """A node the engine has no rule for (becomes ``Unsupported(NOT_SUPPORTED)`` at the API)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _leaf_key(wrt: Expr) -> str:
    if isinstance(wrt, Symbol):
        return wrt.key
    if isinstance(wrt, Transpose) and isinstance(wrt.arg, Symbol):
        return wrt.arg.key
    if isinstance(wrt, Differential) and isinstance(wrt.arg, Symbol):
        return "d:" + wrt.arg.key
    raise DerivationError(f"cannot differentiate with respect to {type(wrt).__name__}")


@dataclass(slots=True)
class _Pass:
    """State of one adjoint pass: what X is, shapes, readings, and the adjoints collected."""

    key: str
    view: ShapeView
    elementwise: bool | None
    parts: list[Expr] = field(default_factory=list)
    _deps: dict[int, bool] = field(default_factory=dict)

    def depends(self, expr: Expr) -> bool:
        got = self._deps.get(id(expr))
        if got is None:
            if isinstance(expr, Symbol):
                got = expr.key == self.key
            elif isinstance(expr, Differential) and isinstance(expr.arg, Symbol):
                got = "d:" + expr.arg.key == self.key
            else:
                got = any(self.depends(c) for c in expr.children())
            self._deps[id(expr)] = got
        return got

    def scalar(self, expr: Expr) -> bool:
        return self.view.is_scalar(expr)


def gradient_parts(f: Expr, wrt: Expr, view: ShapeView,
                   ctx: "Context | None" = None) -> tuple[Expr, tuple[Expr, ...]]:
    """The unsimplified gradient (denominator layout) and the contribution of each occurrence.

    ``wrt`` is a symbol ``X``, its transpose ``Xᵀ`` (the result is transposed), or a
    differential ``dX`` (the gradient of a linear form in ``dX``: how a term
    ``tr(P dX Q)`` is rotated into ``tr(G dX)``). Raises `DerivationError` on a node without a rule.
    """
    key = _leaf_key(wrt)
    state = _Pass(key, view, ctx.elementwise_functions if ctx is not None else None)
    if state.depends(f):
        _adjoint(f, Number(Fraction(1)), state)
    if not state.parts:
        return Zero(), ()
    total = state.parts[0] if len(state.parts) == 1 else Add(tuple(state.parts))
    if isinstance(wrt, Transpose):
        total = Transpose(total)
    return total, tuple(state.parts)


def _send(child: Expr, adjoint: Expr, state: _Pass) -> None:
    if state.depends(child):
        _adjoint(child, adjoint, state)


def _mul(*args: Expr) -> Expr:
    flat = tuple(a for a in args if not (isinstance(a, Number) and a.value == 1))
    if not flat:
        return Number(Fraction(1))
    return flat[0] if len(flat) == 1 else Mul(flat)


def _neg(expr: Expr) -> Expr:
    return Mul((Number(Fraction(-1)), expr))


def _t(expr: Expr) -> Expr:
    return Transpose(expr)


def _inv_t(expr: Expr) -> Expr:
    return Transpose(Inverse(expr))


def _inner(g: Expr, m: Expr, state: _Pass) -> Expr:
    """⟨G, M⟩ as a scalar Expr: ``G M`` for scalars, ``tr(Gᵀ M)`` for matrices."""
    if state.scalar(m) and state.scalar(g):
        return _mul(g, m)
    return Trace(Mul((_t(g), m)))


@singledispatch
def _adjoint(expr: Expr, g: Expr, state: _Pass) -> None:
    raise DerivationError(f"no derivative rule for {type(expr).__name__}")


@_adjoint.register
def _(expr: Symbol, g: Expr, state: _Pass) -> None:
    state.parts.append(g)


@_adjoint.register
def _(expr: Differential, g: Expr, state: _Pass) -> None:
    if isinstance(expr.arg, Symbol):
        state.parts.append(g)
        return
    raise DerivationError("differential of a compound expression inside a derivative")


@_adjoint.register
def _(expr: Add, g: Expr, state: _Pass) -> None:
    for arg in expr.args:
        _send(arg, g, state)


@_adjoint.register
def _(expr: Mul, g: Expr, state: _Pass) -> None:
    args = expr.args
    scalar_idx = [i for i, a in enumerate(args) if state.scalar(a)]
    matrix_idx = [i for i in range(len(args)) if i not in scalar_idx]
    for i, arg in enumerate(args):
        if not state.depends(arg):
            continue
        if i in scalar_idx:
            rest = [a for j, a in enumerate(args) if j != i]
            others = rest[0] if len(rest) == 1 else Mul(tuple(rest)) if rest else Number(Fraction(1))
            _adjoint(arg, _inner(g, others, state), state)
            continue
        scalars = [args[j] for j in scalar_idx]
        left = [args[j] for j in matrix_idx if j < i]
        right = [args[j] for j in matrix_idx if j > i]
        pieces: list[Expr] = list(scalars)
        if left:
            pieces.append(_t(left[0] if len(left) == 1 else Mul(tuple(left))))
        pieces.append(g)
        if right:
            pieces.append(_t(right[0] if len(right) == 1 else Mul(tuple(right))))
        _adjoint(arg, _mul(*pieces), state)


@_adjoint.register
def _(expr: Transpose, g: Expr, state: _Pass) -> None:
    _adjoint(expr.arg, _t(g), state)


@_adjoint.register
def _(expr: Inverse, g: Expr, state: _Pass) -> None:
    m = expr.arg
    if state.scalar(m):  # d(1/m) = -dm/m²
        _adjoint(m, _neg(Div(g, Power(m, Number(Fraction(2))))), state)
        return
    _adjoint(m, _neg(_mul(_inv_t(m), g, _inv_t(m))), state)  # d M⁻¹ = −M⁻¹ dM M⁻¹


@_adjoint.register
def _(expr: Trace, g: Expr, state: _Pass) -> None:
    m = expr.arg
    if state.scalar(m):
        _adjoint(m, g, state)
        return
    if isinstance(m, Func) and not _elementwise(m, state):
        _matrix_function_under_trace(m, g, state)
        return
    _adjoint(m, _mul(g, Identity()), state)


def _matrix_function_under_trace(func: Func, g: Expr, state: _Pass) -> None:
    """``d tr f(M) = tr(f'(M) dM)`` for analytic f: ``log`` → ``M⁻¹``, ``exp`` → ``exp M``."""
    m = func.arg
    if func.name == "log":
        _adjoint(m, _mul(g, _inv_t(m)), state)
    elif func.name == "exp":
        _adjoint(m, _mul(g, _t(func)), state)
    else:
        raise DerivationError(f"matrix function {func.name} is not supported")


@_adjoint.register
def _(expr: Det, g: Expr, state: _Pass) -> None:
    m = expr.arg
    if state.scalar(m):
        _adjoint(m, g, state)
        return
    _adjoint(m, _mul(g, expr, _inv_t(m)), state)  # d det M = det M tr(M⁻¹ dM)


@_adjoint.register
def _(expr: Abs, g: Expr, state: _Pass) -> None:
    m = _is_det_like(expr, state.view)
    if m is not None:  # |det M| (or |M| for a matrix): d|det M| = |det M| tr(M⁻¹ dM)
        _adjoint(m, _mul(g, expr, _inv_t(m)), state)
        return
    _adjoint(expr.arg, _mul(g, Div(expr.arg, expr)), state)  # d|u| = u/|u| du


def _is_det_like(expr: Expr, view: ShapeView) -> Expr | None:
    """The matrix M when ``expr`` is ``det M``, ``|det M|`` or ``|M|`` (a determinant)."""
    if isinstance(expr, Det) and not view.is_scalar(expr.arg):
        return expr.arg
    if isinstance(expr, Abs):
        if isinstance(expr.arg, Det) and not view.is_scalar(expr.arg.arg):
            return expr.arg.arg
        if not view.is_scalar(expr.arg):
            return expr.arg
    return None


def _elementwise(func: Func, state: _Pass) -> bool:
    if func.elementwise is not None:
        return func.elementwise
    if state.elementwise is not None:
        return state.elementwise
    return True  # the only reading we can derive; the oracle confirms which reading held


@_adjoint.register
def _(expr: Func, g: Expr, state: _Pass) -> None:
    u = expr.arg
    if expr.name == "log":
        m = _is_det_like(u, state.view)
        if m is not None:  # d log det M = tr(M⁻¹ dM)
            _adjoint(m, _mul(g, _inv_t(m)), state)
            return
    if expr.name not in ELEMENTWISE_FUNCTIONS:
        raise DerivationError(f"no derivative rule for the function {expr.name}")
    if state.scalar(u):
        _adjoint(u, _mul(g, _scalar_derivative(expr)), state)
        return
    if not _elementwise(expr, state):
        raise DerivationError(f"{expr.name} of a matrix read as a matrix function (outside a trace)")
    _adjoint(u, _entrywise_adjoint(expr, g), state)


def _scalar_derivative(func: Func) -> Expr:
    """f'(u) for a scalar u."""
    u = func.arg
    name = func.name
    if name == "log":
        return Div(Number(Fraction(1)), u)
    if name == "exp":
        return func
    if name == "sqrt":
        return Div(Number(Fraction(1)), Mul((Number(Fraction(2)), func)))
    if name == "sin":
        return Func("cos", u, func.elementwise)
    if name == "cos":
        return _neg(Func("sin", u, func.elementwise))
    if name == "tanh":
        return Add((Number(Fraction(1)), _neg(Power(func, Number(Fraction(2))))))
    if name == "sigma":
        return Mul((func, Add((Number(Fraction(1)), _neg(func)))))
    raise DerivationError(f"no derivative rule for the function {name}")


def _entrywise_adjoint(func: Func, g: Expr) -> Expr:
    """G ⊙ f'(U) for an entrywise function of a matrix U (``d log U = dU ⊘ U``)."""
    u = func.arg
    name = func.name
    j = Ones(kind="matrix")
    if name == "log":
        return Div(g, u)
    if name == "exp":
        return Hadamard((g, func))
    if name == "sqrt":
        return Mul((Number(Fraction(1, 2)), Div(g, func)))
    if name == "sin":
        return Hadamard((g, Func("cos", u, func.elementwise)))
    if name == "cos":
        return _neg(Hadamard((g, Func("sin", u, func.elementwise))))
    if name == "tanh":
        return Hadamard((g, Add((j, _neg(Hadamard((func, func)))))))
    if name == "sigma":
        return Hadamard((g, func, Add((j, _neg(func)))))
    raise DerivationError(f"no derivative rule for the function {name}")


@_adjoint.register
def _(expr: Hadamard, g: Expr, state: _Pass) -> None:
    args = expr.args
    for i, arg in enumerate(args):
        if not state.depends(arg):
            continue
        others = tuple(a for j, a in enumerate(args) if j != i)
        if state.scalar(arg):
            _adjoint(arg, _inner(g, others[0] if len(others) == 1 else Hadamard(others), state), state)
        else:
            _adjoint(arg, Hadamard((g,) + others), state)  # tr(Gᵀ(A ⊙ dB)) = tr((G ⊙ A)ᵀ dB)


@_adjoint.register
def _(expr: Div, g: Expr, state: _Pass) -> None:
    num, den = expr.num, expr.den
    if state.scalar(den):
        if state.depends(num):
            _adjoint(num, Div(g, den), state)
        if state.depends(den):  # d(n/d) ∋ -n dd / d²
            inner = _inner(g, num, state)
            _adjoint(den, _neg(Div(inner, Power(den, Number(Fraction(2))))), state)
        return
    # entrywise division N ⊘ D
    if state.depends(num):
        if state.scalar(num):
            _adjoint(num, _inner(g, Div(Number(Fraction(1)), den), state), state)
        else:
            _adjoint(num, Div(g, den), state)
    if state.depends(den):
        scaled = _mul(num, g) if state.scalar(num) else Hadamard((g, num))
        _adjoint(den, _neg(Div(scaled, Hadamard((den, den)))), state)


@_adjoint.register
def _(expr: Power, g: Expr, state: _Pass) -> None:
    base, exponent = expr.base, expr.exponent
    if state.depends(exponent):
        raise DerivationError("an exponent that depends on the variable")
    if isinstance(base, Norm) and _euclidean(base, state):
        # d‖U‖^p = p ‖U‖^(p-2) ⟨U, dU⟩  (p = 2: 2⟨U, dU⟩)
        p = exponent.value if isinstance(exponent, Number) else None
        scale: list[Expr] = [exponent]
        if p is None or p != 2:
            scale.append(Power(base, _minus(exponent, 2)))
        _adjoint(base.arg, _mul(*scale, g, base.arg), state)
        return
    if state.scalar(base):
        if isinstance(exponent, Number) and exponent.value == 1:
            _adjoint(base, g, state)
            return
        lowered = base if isinstance(exponent, Number) and exponent.value == 2 else Power(base, _minus(exponent, 1))
        _adjoint(base, _mul(g, exponent, lowered), state)
        return
    if not (isinstance(exponent, Number) and exponent.value.denominator == 1):
        raise DerivationError("a non-integer power of a matrix")
    n = int(exponent.value)
    if abs(n) > MAX_POWER:
        raise DerivationError(f"a matrix power above {MAX_POWER}")
    if n < 0:
        _adjoint(Power(Inverse(base), Number(Fraction(-n))), g, state)
        return
    if n == 0:
        return
    # d(M^n) = Σ_k M^k dM M^(n-1-k)  →  M gets Σ_k (M^k)ᵀ G (M^(n-1-k))ᵀ
    terms: list[Expr] = []
    for k in range(n):
        pieces: list[Expr] = []
        if k:
            pieces.append(_t(_power(base, k)))
        pieces.append(g)
        if n - 1 - k:
            pieces.append(_t(_power(base, n - 1 - k)))
        terms.append(_mul(*pieces))
    _adjoint(base, terms[0] if len(terms) == 1 else Add(tuple(terms)), state)


def _power(base: Expr, k: int) -> Expr:
    return base if k == 1 else Power(base, Number(Fraction(k)))


def _minus(exponent: Expr, k: int) -> Expr:
    if isinstance(exponent, Number):
        return Number(exponent.value - k)
    return Add((exponent, Number(Fraction(-k))))


def _euclidean(norm: Norm, state: _Pass) -> bool:
    """Frobenius or vector 2-norm (``‖·‖_2`` of a matrix is read as Frobenius; the oracle confirms)."""
    return norm.sub in (None, "F", "2")


@_adjoint.register
def _(expr: Norm, g: Expr, state: _Pass) -> None:
    if not _euclidean(expr, state):
        raise DerivationError(f"the {expr.sub}-norm is not differentiable in closed form here")
    _adjoint(expr.arg, _mul(g, Div(expr.arg, expr)), state)  # d‖U‖ = ⟨U, dU⟩/‖U‖


@_adjoint.register
def _(expr: Diag, g: Expr, state: _Pass) -> None:
    arg = expr.arg
    rows, cols = state.view.dims(arg)
    vector = (cols == 1 or rows == 1) and (rows, cols) != (1, 1) or (
        isinstance(arg, Symbol) and arg.kind == "vector")
    if vector:  # tr(Gᵀ diag(dx)) = diag(G)ᵀ dx
        adj: Expr = Diag(g)
        if rows == 1 and cols != 1:
            adj = _t(adj)
        _adjoint(arg, adj, state)
    else:  # ⟨g, diag(dM)⟩ = tr(diag(g) dM)
        _adjoint(arg, Diag(g), state)


