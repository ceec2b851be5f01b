"""Forward-mode differentials ``d(expr)``: one term per occurrence of each varying symbol.

The product rule applied the way notes write it — ``d(XY) = dX Y + X dY``,
``d(A³) = dA A² + A dA A + A² dA``, ``d tr(M) = tr(dM)``, ``d M⁻¹ = −M⁻¹ dM M⁻¹``,
``d det M = det M tr(M⁻¹ dM)``, ``d log M = dM ⊘ M`` (entrywise), ``d(A ⊙ B) = dA ⊙ B + A ⊙ dB``,
``d diag(x) = diag(dx)``, ``d‖U‖²_F = 2 tr(Uᵀ dU)`` — with ``dX`` as a `Differential` node.
A constant has no term (``dA = 0``). Each returned term is linear in exactly one ``dX``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import singledispatch
from typing import TYPE_CHECKING, Iterator

from ..parsers.expr import (
    Abs, Add, Det, Diag, Differential, Div, Expr, Func, Hadamard, Inverse, Mul, Norm, Number,
    Power, Symbol, Trace, Transpose, Zero, walk,
)
from .adjoint import DerivationError, _is_det_like, _scalar_derivative
from .shape_view import ShapeView

if TYPE_CHECKING:
    from .canonical import Term
    from .claims import Context

_ONE = Number(Fraction(1))


class _DState:
    __slots__ = ("keys", "view", "elementwise")

    def __init__(self, keys: frozenset[str], view: ShapeView, elementwise: bool | None) -> None:
        self.keys = keys
        self.view = view
        self.elementwise = elementwise

    def scalar(self, expr: Expr) -> bool:
        return self.view.is_scalar(expr)


def differential_terms(expr: Expr, keys: frozenset[str], view: ShapeView,
                       ctx: "Context | None" = None) -> list[Expr]:
    """The terms of ``d(expr)`` (unsimplified), one per occurrence of a symbol in ``keys``."""
    state = _DState(keys, view, ctx.elementwise_functions if ctx is not None else None)
    return _d(expr, state)


def differential(expr: Expr, keys: frozenset[str], view: ShapeView, ctx: "Context | None" = None) -> Expr:
    """``d(expr)`` as one sum (`Zero` for a constant)."""
    terms = differential_terms(expr, keys, view, ctx)
    if not terms:
        return Zero()
    return terms[0] if len(terms) == 1 else Add(tuple(terms))


def _unsupported(what: str) -> Exception:
    return DerivationError(what)


def _mul(*args: Expr) -> Expr:
    flat: list[Expr] = []
    for a in args:
        if isinstance(a, Number) and a.value == 1:
            continue
        flat.append(a)
    if not flat:
        return _ONE
    return flat[0] if len(flat) == 1 else Mul(tuple(flat))


def _neg(expr: Expr) -> Expr:
    if isinstance(expr, Mul):
        return Mul((Number(Fraction(-1)),) + expr.args)
    return Mul((Number(Fraction(-1)), expr))


def _group(args: list[Expr], st: "_DState | None" = None) -> Expr:
    """A product of ``args``; a factor that is itself a matrix product is spliced in
    (``A (dX B)`` reads ``A dX B``), a scalar one (``aᵀXb``) stays grouped."""
    flat: list[Expr] = []
    for a in args:
        if isinstance(a, Mul) and st is not None and not st.scalar(a):
            flat.extend(a.args)
        else:
            flat.append(a)
    return flat[0] if len(flat) == 1 else Mul(tuple(flat))


def _power(base: Expr, k: int) -> Expr | None:
    if k == 0:
        return None
    return base if k == 1 else Power(base, Number(Fraction(k)))


@singledispatch
def _d(expr: Expr, st: _DState) -> list[Expr]:
    if any(isinstance(n, Symbol) and n.key in st.keys for n in _walk(expr)):
        raise _unsupported(f"no differential rule for {type(expr).__name__}")
    return []


def _walk(expr: Expr) -> Iterator[Expr]:
    return walk(expr)


@_d.register
def _(expr: Symbol, st: _DState) -> list[Expr]:
    return [Differential(expr)] if expr.key in st.keys else []


@_d.register
def _(expr: Add, st: _DState) -> list[Expr]:
    return [t for a in expr.args for t in _d(a, st)]


@_d.register
def _(expr: Mul, st: _DState) -> list[Expr]:
    out: list[Expr] = []
    args = list(expr.args)
    for i, arg in enumerate(args):
        for t in _d(arg, st):
            out.append(_group(args[:i] + [t] + args[i + 1:], st))
    return out


@_d.register
def _(expr: Transpose, st: _DState) -> list[Expr]:
    return [Transpose(t) for t in _d(expr.arg, st)]


@_d.register
def _(expr: Inverse, st: _DState) -> list[Expr]:
    m = expr.arg
    if st.scalar(m):
        return [_neg(Div(t, Power(m, Number(Fraction(2))))) for t in _d(m, st)]
    return [_neg(_group([expr, t, expr], st)) for t in _d(m, st)]


@_d.register
def _(expr: Trace, st: _DState) -> list[Expr]:
    m = expr.arg
    if isinstance(m, Func) and not st.scalar(m.arg) and _matrix_function(m, st):
        if m.name == "log":
            return [Trace(_group([Inverse(m.arg), t], st)) for t in _d(m.arg, st)]
        if m.name == "exp":
            return [Trace(Mul((m, t))) for t in _d(m.arg, st)]
        raise _unsupported(f"matrix function {m.name}")
    # d tr(aᵀXb) = tr(aᵀ dX b): the trace stays on a 1×1 product written as a trace
    return [t if st.scalar(m) and not isinstance(m, Mul) else Trace(t) for t in _d(m, st)]


def _matrix_function(func: Func, st: _DState) -> bool:
    if func.elementwise is not None:
        return not func.elementwise
    return st.elementwise is False


@_d.register
def _(expr: Det, st: _DState) -> list[Expr]:
    m = expr.arg
    if st.scalar(m):
        return _d(m, st)
    return [Mul((expr, Trace(_group([Inverse(m), t], st)))) for t in _d(m, st)]


@_d.register
def _(expr: Abs, st: _DState) -> list[Expr]:
    m = expr.arg
    if st.scalar(m):
        return [Mul((Div(m, expr), t)) for t in _d(m, st)]
    return [Mul((expr, Trace(_group([Inverse(m), t], st)))) for t in _d(m, st)]


@_d.register
def _(expr: Func, st: _DState) -> list[Expr]:
    u = expr.arg
    if expr.name == "log":
        m = _is_det_like(u, st.view)
        if m is not None:
            return [Trace(_group([Inverse(m), t], st)) for t in _d(m, st)]
    terms = _d(u, st)
    if not terms:
        return []
    if st.scalar(u):
        if expr.name == "log":  # d log u = du / u
            return [Div(t, u) for t in terms]
        return [_mul(_scalar_derivative(expr), t) for t in terms]
    if _matrix_function(expr, st):
        raise _unsupported(f"the differential of the matrix function {expr.name}")
    name = expr.name
    if name == "log":
        return [Div(t, u) for t in terms]
    if name == "exp":
        return [Hadamard((expr, t)) for t in terms]
    if name == "sqrt":
        return [Mul((Number(Fraction(1, 2)), Div(t, expr))) for t in terms]
    if name == "sin":
        return [Hadamard((Func("cos", u, expr.elementwise), t)) for t in terms]
    if name == "cos":
        return [_neg(Hadamard((Func("sin", u, expr.elementwise), t))) for t in terms]
    raise _unsupported(f"the differential of {name} of a matrix")


@_d.register
def _(expr: Hadamard, st: _DState) -> list[Expr]:
    out: list[Expr] = []
    args = list(expr.args)
    for i, arg in enumerate(args):
        for t in _d(arg, st):
            parts = args[:i] + [t] + args[i + 1:]
            out.append(Hadamard(tuple(parts)))
    return out


@_d.register
def _(expr: Div, st: _DState) -> list[Expr]:
    num, den = expr.num, expr.den
    out: list[Expr] = []
    if st.scalar(den):
        out.extend(Div(t, den) for t in _d(num, st))
        out.extend(_neg(Div(_mul(num, t) if st.scalar(num) else Mul((t, num)), Power(den, Number(Fraction(2)))))
                   for t in _d(den, st))
        return out
    out.extend(Div(t, den) for t in _d(num, st))
    out.extend(_neg(Div(Hadamard((num, t)) if not st.scalar(num) else _mul(num, t), Hadamard((den, den))))
               for t in _d(den, st))
    return out


@_d.register
def _(expr: Power, st: _DState) -> list[Expr]:
    base, exponent = expr.base, expr.exponent
    if any(isinstance(n, Symbol) and n.key in st.keys for n in _walk(exponent)):
        raise _unsupported("an exponent that varies")
    if isinstance(base, Norm) and base.sub in (None, "F", "2"):
        u = base.arg
        scale: list[Expr] = [exponent]
        if not (isinstance(exponent, Number) and exponent.value == 2):
            scale.append(Power(base, _minus(exponent, 2)))
        return [_mul(*scale, _inner(u, t, st)) for t in _d(u, st)]
    if st.scalar(base):
        lowered = base if isinstance(exponent, Number) and exponent.value == 2 else Power(base, _minus(exponent, 1))
        if isinstance(exponent, Number) and exponent.value == 1:
            return _d(base, st)
        return [_mul(exponent, lowered, t) for t in _d(base, st)]
    if not (isinstance(exponent, Number) and exponent.value.denominator == 1):
        raise _unsupported("a non-integer power of a matrix")
    n = int(exponent.value)
    if n < 0:
        return _d(Power(Inverse(base), Number(Fraction(-n))), st)
    out: list[Expr] = []
    for t in _d(base, st):
        for k in range(n):
            pieces = [p for p in (_power(base, k), t, _power(base, n - 1 - k)) if p is not None]
            out.append(_group(pieces, st))
    # order by occurrence: all k for the first term, as d(A³) = dA A² + A dA A + A² dA
    return out


def _minus(exponent: Expr, k: int) -> Expr:
    if isinstance(exponent, Number):
        return Number(exponent.value - k)
    return Add((exponent, Number(Fraction(-k))))


def _inner(u: Expr, t: Expr, st: _DState) -> Expr:
    """⟨U, dU⟩: ``uᵀ du`` for vectors, ``tr(Uᵀ dU)`` for matrices, ``u du`` for scalars."""
    if st.scalar(u):
        return _mul(u, t)
    if st.view.is_vector(u) and st.view.dims(u)[1] == 1:
        return Mul((Transpose(u), t))
    return Trace(Mul((Transpose(u), t)))


@_d.register
def _(expr: Norm, st: _DState) -> list[Expr]:
    if expr.sub not in (None, "F", "2"):
        raise _unsupported(f"the differential of the {expr.sub}-norm")
    return [Div(_inner(expr.arg, t, st), expr) for t in _d(expr.arg, st)]


@_d.register
def _(expr: Diag, st: _DState) -> list[Expr]:
    return [Diag(t) for t in _d(expr.arg, st)]


@_d.register
def _(expr: Differential, st: _DState) -> list[Expr]:
    return []  # d(dX) = 0: second differentials are not needed here


# --- Jacobians: read J off df = J dx ---------------------------------------------------------

def jacobian_parts(f: Expr, wrt: Expr, view: ShapeView, ctx: "Context | None" = None) -> Expr:
    """``∂f/∂x`` of a column-vector ``f`` by a column vector ``x`` in numerator layout (the ``J``
    of ``df = J dx``), or the entrywise derivative of any ``f`` by a scalar; unsimplified.

    Each term of ``df`` is read as ``P dx``: ``A dx → A``, ``a ⊙ dx → diag(a)``,
    ``dx ⊘ a → diag(𝟏 ⊘ a)``, ``b (aᵀ dx) → b aᵀ``. Raises `DerivationError` otherwise.
    """
    from .canonical import Term, _build_term, _Ctx, _terms

    if not isinstance(wrt, Symbol):
        raise DerivationError("a derivative by something other than a symbol")
    scalar_wrt = view.is_scalar(wrt)
    if not scalar_wrt and not (view.dims(wrt)[1] == 1 and view.dims(f)[1] == 1):
        raise DerivationError("the derivative of a matrix-valued function by a matrix has no matrix form")
    dx = Differential(wrt)
    cctx = _Ctx(view, expand=True)
    pieces: list[Expr] = []
    for term in differential_terms(f, frozenset({wrt.key}), view, ctx):
        for t in _terms(term, False, cctx):
            pieces.append(_build_term(_read_off(t, dx, scalar_wrt, Term)))
    if not pieces:
        return Zero()
    return pieces[0] if len(pieces) == 1 else Add(tuple(pieces))


def _read_off(t: "Term", dx: Differential, scalar_wrt: bool, Term: "type[Term]") -> "Term":
    """The ``P`` of one term ``P dx`` (a `canonical.Term`)."""
    from ..parsers.expr import Identity, Ones

    def has_dx(e: Expr) -> bool:
        return any(n == dx for n in walk(e))

    if scalar_wrt:
        rest = tuple((a, e) for a, e in t.scalars if a != dx)
        if len(rest) == len(t.scalars) - 1 and dict(t.scalars).get(dx) == 1:
            return Term(t.coeff, rest, t.factors)
        raise DerivationError("cannot read the derivative off this differential")
    if t.factors and t.factors[-1] == dx:
        return Term(t.coeff, t.scalars, t.factors[:-1] or (Identity(),))
    if t.factors and has_dx(t.factors[-1]):
        last = t.factors[-1]
        diag = _diagonal_of(last, dx, Ones)
        if diag is not None:
            return Term(t.coeff, t.scalars, t.factors[:-1] + (Diag(diag),))
    for atom, exp in t.scalars:  # b (aᵀ dx): the row aᵀ joins the factors
        if has_dx(atom):
            if exp == 1 and isinstance(atom, Mul) and atom.args[-1] == dx:
                rest = tuple((a, e) for a, e in t.scalars if a != atom)
                return Term(t.coeff, rest, t.factors + tuple(atom.args[:-1]))
            break
    raise DerivationError("cannot read a Jacobian off this differential")


def _diagonal_of(atom: Expr, dx: Differential, Ones: type) -> Expr | None:
    """``a`` for ``a ⊙ dx``; ``𝟏 ⊘ a`` for ``dx ⊘ a``; ``b ⊘ a`` for ``(b ⊙ dx) ⊘ a``."""
    if isinstance(atom, Hadamard) and dx in atom.args and sum(a == dx for a in atom.args) == 1:
        others = tuple(a for a in atom.args if a != dx)
        return others[0] if len(others) == 1 else Hadamard(others)
    if isinstance(atom, Div) and not any(n == dx for n in walk(atom.den)):
        if atom.num == dx:
            return Div(Ones(), atom.den)
        inner = _diagonal_of(atom.num, dx, Ones)
        return Div(inner, atom.den) if inner is not None else None
    return None
