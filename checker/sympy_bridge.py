"""The only module that imports sympy: `Expr` ⇄ sympy matrix expressions, and a cross-check.

sympy is imported inside each function (``import sympy`` costs ~0.35 s; STYLE.md §6) and is
never handed document text: objects are built from our `Expr` trees node by node. sympy's
own ``MatrixExpr.diff`` is used only as a *candidate* (`sympy_gradient`) that the numeric oracle
must confirm like any other — it is wrong for ``log(det(X))`` and ``(aᵀXa)[0,0]`` and raises
on ``DiagMatrix`` (issue 3 §1), so it is never trusted on its own.
"""

from __future__ import annotations

import operator
from fractions import Fraction
from functools import reduce, singledispatch
from typing import Any, Mapping

from ..parsers.expr import (
    Add, Det, Diag, Div, Expr, Func, Hadamard, Identity, Inverse, Mul, Norm, Number, Ones,
    Power, Symbol, Trace, Transpose, Zero,
)
from .simplify import ShapeView

SympyObj = Any


class BridgeError(Exception):
    """A node or a sympy object with no counterpart on the other side."""


class _To:
    """Conversion state: shapes, and the sympy symbol made for each of our symbols."""

    def __init__(self, view: ShapeView) -> None:
        import sympy

        self.sp = sympy
        self.view = view
        self.made: dict[str, Symbol] = {}

    def dim(self, d: object) -> SympyObj:
        if isinstance(d, int):
            return d
        if d is None:
            raise BridgeError("a size that nothing fixes")
        return self.sp.Symbol(str(d).replace("#", "n_"), integer=True, positive=True)

    def dims(self, expr: Expr) -> tuple[SympyObj, SympyObj]:
        rows, cols = self.view.dims(expr)
        return self.dim(rows), self.dim(cols)


def to_sympy(expr: Expr, view: ShapeView) -> tuple[SympyObj, dict[str, Symbol]]:
    """``expr`` as a sympy expression (MatrixSymbol, MatMul, Trace...) and the symbols used.

    A 1×1 product used as a scalar (``aᵀXb``) becomes ``Trace(aᵀXb)``, the scalar sympy's
    matrix calculus differentiates correctly. Raises `BridgeError` for nodes without a
    counterpart and for sizes nothing fixes.
    """
    st = _To(view)
    return _to(expr, st), st.made


def _scalar(value: SympyObj, st: _To) -> SympyObj:
    """A 1×1 matrix expression as a scalar (its trace); scalars pass through."""
    if getattr(value, "is_Matrix", False) and value.shape == (1, 1):
        return st.sp.Trace(value)
    return value


@singledispatch
def _to(expr: Expr, st: _To) -> SympyObj:
    raise BridgeError(f"no sympy counterpart for {type(expr).__name__}")


@_to.register
def _(expr: Symbol, st: _To) -> SympyObj:
    st.made[expr.key] = expr
    if st.view.is_scalar(expr):
        return st.sp.Symbol(expr.key)
    rows, cols = st.dims(expr)
    return st.sp.MatrixSymbol(expr.key, rows, cols)


@_to.register
def _(expr: Number, st: _To) -> SympyObj:
    return st.sp.Rational(expr.value.numerator, expr.value.denominator)


@_to.register
def _(expr: Identity, st: _To) -> SympyObj:
    rows, _ = st.dims(expr)
    return st.sp.Identity(rows)


@_to.register
def _(expr: Ones, st: _To) -> SympyObj:
    rows, cols = st.dims(expr)
    return st.sp.OneMatrix(rows, cols)


@_to.register
def _(expr: Add, st: _To) -> SympyObj:
    return reduce(operator.add, (_to(a, st) for a in expr.args))


@_to.register
def _(expr: Mul, st: _To) -> SympyObj:
    parts = [_to(a, st) for a in expr.args]
    if st.view.is_scalar(expr) and len(parts) > 1:
        return _scalar(reduce(operator.mul, parts), st)
    # a 1×1 factor inside a larger product is a scalar multiple
    parts = [_scalar(p, st) if st.view.is_scalar(a) else p for p, a in zip(parts, expr.args)]
    return reduce(operator.mul, parts)


@_to.register
def _(expr: Transpose, st: _To) -> SympyObj:
    inner = _to(expr.arg, st)
    return inner.T if getattr(inner, "is_Matrix", False) else inner


@_to.register
def _(expr: Inverse, st: _To) -> SympyObj:
    inner = _to(expr.arg, st)
    return st.sp.Inverse(inner) if getattr(inner, "is_Matrix", False) else 1 / inner


@_to.register
def _(expr: Trace, st: _To) -> SympyObj:
    return st.sp.Trace(_to(expr.arg, st))


@_to.register
def _(expr: Det, st: _To) -> SympyObj:
    return st.sp.Determinant(_to(expr.arg, st))


@_to.register
def _(expr: Power, st: _To) -> SympyObj:
    base = _to(expr.base, st)
    exponent = _to(expr.exponent, st)
    if getattr(base, "is_Matrix", False):
        return st.sp.MatPow(base, exponent)
    return base ** exponent


@_to.register
def _(expr: Div, st: _To) -> SympyObj:
    num, den = _to(expr.num, st), _to(expr.den, st)
    if getattr(den, "is_Matrix", False) and den.shape != (1, 1):
        from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct

        return HadamardProduct(num, HadamardPower(den, -1))
    return num * _scalar(den, st) ** -1


@_to.register
def _(expr: Hadamard, st: _To) -> SympyObj:
    from sympy.matrices.expressions.hadamard import HadamardProduct

    return HadamardProduct(*(_to(a, st) for a in expr.args))


@_to.register
def _(expr: Func, st: _To) -> SympyObj:
    fn = {"log": st.sp.log, "exp": st.sp.exp, "sin": st.sp.sin, "cos": st.sp.cos,
          "sqrt": st.sp.sqrt, "tanh": st.sp.tanh}.get(expr.name)
    if fn is None:
        raise BridgeError(f"no sympy function for {expr.name}")
    arg = _to(expr.arg, st)
    if getattr(arg, "is_Matrix", False) and arg.shape != (1, 1):
        if expr.elementwise is False:
            raise BridgeError("matrix functions are not bridged")
        from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

        return ElementwiseApplyFunction(fn, arg)
    return fn(_scalar(arg, st))


@_to.register
def _(expr: Norm, st: _To) -> SympyObj:
    if expr.sub not in (None, "F", "2"):
        raise BridgeError(f"no sympy counterpart for the {expr.sub}-norm")
    arg = _to(expr.arg, st)
    if not getattr(arg, "is_Matrix", False):
        return st.sp.sqrt(arg ** 2)
    return st.sp.sqrt(st.sp.Trace(arg.T * arg))


@_to.register
def _(expr: Diag, st: _To) -> SympyObj:
    from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

    arg = _to(expr.arg, st)
    if st.view.is_vector(expr.arg):
        return DiagMatrix(arg)
    return DiagonalOf(arg)


# --- sympy → Expr ----------------------------------------------------------------------------

def from_sympy(obj: SympyObj, symbols: Mapping[str, Symbol]) -> Expr:
    """A sympy expression made by `to_sympy` (or derived from one) back as our `Expr`.

    Raises `BridgeError` on sympy objects we have no node for (``MatrixElement``...).
    """
    import sympy
    from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct

    def back(o: SympyObj) -> Expr:
        if isinstance(o, sympy.MatrixSymbol) or isinstance(o, sympy.Symbol):
            name = str(o.name)
            if name not in symbols:
                raise BridgeError(f"unknown symbol {name}")
            return symbols[name]
        if isinstance(o, sympy.Rational) or isinstance(o, sympy.Integer):
            return Number(Fraction(int(o.p), int(o.q)))
        if o.is_Number:
            raise BridgeError("a non-rational number")
        if isinstance(o, (sympy.MatAdd, sympy.Add)):
            return Add(tuple(back(a) for a in o.args))
        if isinstance(o, (sympy.MatMul, sympy.Mul)):
            return Mul(tuple(back(a) for a in o.args))
        if isinstance(o, sympy.Transpose):
            return Transpose(back(o.arg))
        if isinstance(o, sympy.Inverse):
            return Inverse(back(o.arg))
        if isinstance(o, sympy.MatPow):
            base, exp = o.args
            if exp == -1:
                return Inverse(back(base))
            return Power(back(base), back(exp))
        if isinstance(o, sympy.Pow):
            base, exp = o.args
            if exp == -1:
                return Div(Number(Fraction(1)), back(base))
            return Power(back(base), back(exp))
        if isinstance(o, sympy.Trace):
            return Trace(back(o.arg))
        if isinstance(o, sympy.Determinant):
            return Det(back(o.arg))
        if isinstance(o, sympy.Identity):
            return Identity()
        if isinstance(o, sympy.ZeroMatrix) or o == 0:
            return Zero()
        if isinstance(o, sympy.OneMatrix):
            return Ones(kind="vector" if o.shape[1] == 1 else "matrix")
        if isinstance(o, HadamardProduct):
            return Hadamard(tuple(back(a) for a in o.args))
        if isinstance(o, HadamardPower) and o.exp == -1:
            return Div(Ones(kind="matrix"), back(o.base))
        if isinstance(o, (sympy.log, sympy.exp, sympy.sin, sympy.cos, sympy.tanh)):
            return Func(type(o).__name__, back(o.args[0]))
        raise BridgeError(f"no node for sympy's {type(o).__name__}")

    return back(obj)


def sympy_gradient(f: Expr, wrt: Expr, view: ShapeView) -> Expr | None:
    """sympy's own ``f.diff(X)`` as our `Expr` (denominator layout), or None if it cannot.

    A candidate only: the caller must verify it numerically (see the module docstring).
    """
    try:
        sf, made = to_sympy(f, view)
        sw, made_w = to_sympy(wrt, view)
        made.update(made_w)
        result = sf.diff(sw)
        import sympy

        if isinstance(result, sympy.MatrixBase):
            return None  # explicit component matrix: not a closed form
        return from_sympy(result.doit() if hasattr(result, "doit") else result, made)
    except Exception:  # noqa: BLE001 - sympy raises many types (ShapeError, NotImplementedError, ...)
        return None


def sympy_canonical(expr: Expr, view: ShapeView) -> Expr | None:
    """``expr`` after sympy's canonicalisation (``.doit()``: MatMul/MatAdd flattening, transposes
    distributed, like terms collected), or None when it cannot be bridged."""
    try:
        obj, made = to_sympy(expr, view)
        return from_sympy(obj.doit(), made)
    except Exception:  # noqa: BLE001 - see sympy_gradient
        return None
