"""`Expr` → numpy arrays at one instance: complex-safe (for complex-step derivatives) and batched.

Representation: every value is an array of shape ``(..., rows, cols)``; leading axes are a
batch (several directions or entries at once) and broadcast. Scalars are ``(..., 1, 1)``,
column vectors ``(..., n, 1)`` — the shapes `shapes.py` infers.

Complex-step safety (``Im f(X + ihD)/h`` with ``h = 1e-20`` is the derivative of ``f`` along
``D``): only operations that are analytic in the entries are used. Transpose is ``swapaxes``,
never a conjugate; norms are square roots of sums of squares, never ``abs``/``conj``; ``abs``,
``max`` and singular values are evaluated as first-order jets (value at the real part, plus
``i`` times the derivative applied to the imaginary part); matrix functions use
scaling-and-squaring series and Denman–Beavers iterations (`matrix_functions.py`), not
eigendecompositions, which do not carry a 1e-20 imaginary part faithfully.

Example::

    >>> import numpy as np
    >>> from mathlint.parsers.expr import Mul, Symbol, Trace
    >>> A, X = Symbol("A"), Symbol("X")
    >>> v = {"A": np.array([[1.0, 2.0]]), "X": np.array([[3.0], [4.0]])}
    >>> evaluate(Trace(Mul((A, X))), v)
    array([[11.]])
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import singledispatch
from typing import Any, Callable, Iterator, Mapping

from ..parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Dots, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, MatrixLiteral, Mul, Norm, Number, Ones, Power, Query, Sum, Symbol,
    Trace, Transpose, Zero,
)
from .budget import check_deadline
from .options import Layout


def _limit_blas_threads() -> None:
    """One BLAS thread: our matrices are at most ~10×10, where threads only cost (DESIGN.md, Speed).

    Only before numpy is first imported, and never over a user's own setting.
    """
    if "numpy" in sys.modules:
        return
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        os.environ.setdefault(var, "1")


_limit_blas_threads()

import numpy as np  # noqa: E402 - after the thread limit above

from .matrix_functions import (  # noqa: E402
    MATRIX_FUNCTIONS, MatrixFunctionError, cosm, expm, logm, sinm, sqrtm,
)

Array = Any  # numpy.ndarray; kept loose so annotations never force numpy typing stubs
H = 1e-20
"""Complex-step size: far below rounding, so the imaginary part is the derivative."""


class EvaluationError(Exception):
    """The expression cannot be evaluated (unsupported node or function, bad shapes)."""


class DomainError(EvaluationError):
    """This sample lies outside the domain (log of a non-positive entry, a near-singular inverse):
    draw another."""


class ReadingError(EvaluationError):
    """This reading does not apply here (a matrix function of a non-square argument)."""


@dataclass(frozen=True, slots=True)
class Readings:
    """How notation that differs between authors is read (issue 2 §3)."""

    elementwise: bool = True
    """``\\log``/``\\exp``/``\\sin``/``\\sqrt`` of a matrix: entrywise (True) or the matrix function."""
    otimes: str = "kron"
    """``\\otimes``: ``"kron"`` (Kronecker) or ``"hadamard"`` (entrywise)."""
    norm2: str = "spectral"
    """``\\|M\\|_2`` of a matrix: ``"spectral"`` or ``"frobenius"``."""
    norm_plain: str = "frobenius"
    """``\\|M\\|`` (no subscript) of a matrix: ``"frobenius"`` or ``"spectral"``."""


@dataclass(slots=True)
class EvalStats:
    """Magnitudes met during one evaluation, to tell rounding from a real difference."""

    magnitude: float = 0.0
    """Largest |real part| of any summand (cancellation makes a result smaller than this)."""
    tangent: float = 0.0
    """Largest |imaginary part| / h of any summand (the same for complex-step derivatives)."""
    condition: float = 1.0
    """Largest 1-norm condition number of any matrix inverted."""


@dataclass(frozen=True, slots=True)
class _State:
    values: Mapping[str, Array]
    readings: Readings
    leaf_shapes: Mapping[int, tuple[int, int]]
    directions: Mapping[str, Array] | None
    layout: Layout
    stats: EvalStats | None
    stepping: bool = False
    """Values carry a complex step already: no derivative may be nested inside."""


def evaluate(
    expr: Expr,
    values: Mapping[str, Array],
    readings: Readings = Readings(),
    *,
    leaf_shapes: Mapping[int, tuple[int, int]] | None = None,
    directions: Mapping[str, Array] | None = None,
    layout: Layout = Layout.DENOMINATOR,
    stats: EvalStats | None = None,
) -> Array:
    """Evaluate ``expr`` at ``values`` (symbol key → array ``(..., r, c)``).

    :param leaf_shapes: ``id(node)`` → ``(rows, cols)`` for ``I``, ``1``, ``J``, ``0`` nodes,
        whose size comes from context (see `oracle.Instance`).
    :param directions: symbol key → direction, for `Differential` nodes: ``d(e)`` evaluates to
        the derivative of ``e`` along these directions (keys absent are constants).
    :param layout: the shape of a `Derivative` node of a scalar by a matrix (gradient or its transpose).
    :param stats: filled with the magnitudes met, when given.
    :raises EvaluationError: (or its `DomainError`, `ReadingError`) — never anything else for
        a well-formed tree.
    """
    check_deadline()
    st = _State(values, readings, leaf_shapes or {}, directions, layout, stats)
    try:
        if getattr(_QUIET, "on", False):
            return _ev(expr, st)
        with quiet():
            return _ev(expr, st)
    except (ValueError, IndexError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
        raise EvaluationError(str(exc)) from exc


_QUIET = threading.local()


@contextmanager
def quiet() -> Iterator[None]:
    """No numpy floating-point warnings (overflow in exp at a bad sample...) reach the user's
    terminal: such samples are rejected as outside the domain instead. Nests cheaply."""
    if getattr(_QUIET, "on", False):
        yield
        return
    _QUIET.on = True
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        _QUIET.on = False


def _ev(node: Expr, st: _State) -> Array:
    cls = node.__class__
    fn = _DISPATCH.get(cls)
    if fn is None:  # singledispatch is the registry; this cache skips its wrapper on the hot path
        fn = _DISPATCH[cls] = _eval.dispatch(cls)
    return fn(node, st)


@singledispatch
def _eval(node: Expr, st: _State) -> Array:
    raise EvaluationError(f"cannot evaluate {type(node).__name__}")


_DISPATCH: dict[type, Callable[[Expr, _State], Array]] = {}


def _tail(a: Array) -> tuple[int, int]:
    return a.shape[-2], a.shape[-1]


def _is_scalar(a: Array) -> bool:
    return bool(a.shape[-1] == 1 and a.shape[-2] == 1)


def _leaf_shape(node: Expr, st: _State) -> tuple[int, int]:
    shape = st.leaf_shapes.get(id(node))
    if shape is None:
        raise EvaluationError(f"the size of {type(node).__name__} is not known here")
    return shape


@_eval.register(Symbol)
def _(node: Symbol, st: _State) -> Array:
    try:
        return st.values[node.key]
    except KeyError:
        raise EvaluationError(f"no value for {node.key}") from None


@_eval.register(Number)
def _(node: Number, st: _State) -> Array:
    return np.full((1, 1), float(node.value))


@_eval.register(Identity)
def _(node: Identity, st: _State) -> Array:
    r, c = _leaf_shape(node, st)
    return np.eye(r, c)


@_eval.register(Ones)
def _(node: Ones, st: _State) -> Array:
    return np.ones(_leaf_shape(node, st))


@_eval.register(Zero)
def _(node: Zero, st: _State) -> Array:
    return np.zeros(_leaf_shape(node, st))


@_eval.register(Add)
def _(node: Add, st: _State) -> Array:
    parts = [_ev(a, st) for a in node.args]
    shape = _tail(parts[0])
    for p in parts[1:]:
        if _tail(p) != shape:
            raise EvaluationError(f"cannot add {shape} and {_tail(p)}")
    if st.stats is not None:
        _note_magnitudes(parts, st.stats)
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _note_magnitudes(parts: list[Array], stats: EvalStats) -> None:
    for p in parts:
        if p.size == 0:
            continue
        stats.magnitude = max(stats.magnitude, float(np.abs(p.real).max()))
        if np.iscomplexobj(p):
            stats.tangent = max(stats.tangent, float(np.abs(p.imag).max()) / H)


def multiply(a: Array, b: Array) -> Array:
    """Product of two factors: a ``1×1`` factor scales, otherwise the matrix product."""
    sa, sb = a.shape, b.shape
    if (sa[-1] == 1 and sa[-2] == 1) or (sb[-1] == 1 and sb[-2] == 1):
        return a * b
    if sa[-1] != sb[-2]:
        raise EvaluationError(f"cannot multiply {_tail(a)} by {_tail(b)}")
    return a @ b


@_eval.register(Mul)
def _(node: Mul, st: _State) -> Array:
    out = _ev(node.args[0], st)
    for a in node.args[1:]:
        out = multiply(out, _ev(a, st))
    return out


@_eval.register(Div)
def _(node: Div, st: _State) -> Array:
    num, den = _ev(node.num, st), _ev(node.den, st)
    if not (_is_scalar(den) or _is_scalar(num) or _tail(num) == _tail(den)):
        raise EvaluationError(f"cannot divide {_tail(num)} by {_tail(den)}")
    _require_nonzero(den)
    return num / den


def _require_nonzero(a: Array) -> None:
    re = np.abs(a.real)
    if re.size and float(re.min()) <= 1e-9 * (1.0 + float(re.max())):
        raise DomainError("division by (nearly) zero")


@_eval.register(Power)
def _(node: Power, st: _State) -> Array:
    base, exponent = _ev(node.base, st), _ev(node.exponent, st)
    if not _is_scalar(exponent):
        raise EvaluationError("the exponent is not a scalar")
    if _is_scalar(base):
        p = exponent if np.iscomplexobj(exponent) or exponent.ndim > 2 else float(exponent[0, 0])
        if isinstance(p, float) and p.is_integer():
            if p < 0:
                _require_nonzero(base)
            return base ** int(p)
        _require_positive(base, "a non-integer power")
        return np.power(base, p)
    constant = _constant(node.exponent)
    if constant is not None:
        p = float(constant)
    elif isinstance(node.exponent, Symbol) and exponent.ndim == 2 and not np.iscomplexobj(exponent) \
            and float(exponent[0, 0]).is_integer():
        p = float(exponent[0, 0])  # A^n: the sampler gives a lone exponent symbol an integer value
    else:  # J^{ij}: notation (single-entry matrices), not a power we can take
        raise EvaluationError("a matrix power with a symbolic exponent")
    _require_square(base, "a matrix power")
    if p.is_integer():
        if p < 0:
            base = _inverse(base, st)
        return np.linalg.matrix_power(base, abs(int(p)))
    try:
        if p == 0.5:
            return sqrtm(base)
        return expm(p * logm(base))
    except MatrixFunctionError as exc:
        raise DomainError(str(exc)) from exc


def _constant(e: Expr) -> Fraction | None:
    """The value of a constant exponent (``2``, ``-1``, ``\\frac{1}{2}``), else None."""
    if isinstance(e, Number):
        return Fraction(e.value)
    if isinstance(e, Mul):
        out = Fraction(1)
        for a in e.args:
            v = _constant(a)
            if v is None:
                return None
            out *= v
        return out
    if isinstance(e, Div):
        num, den = _constant(e.num), _constant(e.den)
        return None if num is None or den is None or den == 0 else num / den
    return None


def _require_square(a: Array, what: str) -> None:
    if a.shape[-1] != a.shape[-2]:
        raise EvaluationError(f"{what} of a non-square {_tail(a)} matrix")


def _require_positive(a: Array, what: str) -> None:
    re = a.real
    if re.size and float(re.min()) <= 1e-8 * (1.0 + float(np.abs(re).max())):
        raise DomainError(f"{what} of a non-positive value")


@_eval.register(Transpose)
def _(node: Transpose, st: _State) -> Array:
    return _ev(node.arg, st).swapaxes(-1, -2)


def _inverse(a: Array, st: _State) -> Array:
    if _is_scalar(a):
        _require_nonzero(a)
        return 1.0 / a
    _require_square(a, "the inverse")
    try:
        inv = np.linalg.inv(a)
    except np.linalg.LinAlgError as exc:
        raise DomainError("singular matrix") from exc
    cond = float((np.abs(a.real).sum(axis=-2).max(axis=-1) * np.abs(inv.real).sum(axis=-2).max(axis=-1)).max())
    if not np.isfinite(cond) or cond > 1e8:
        raise DomainError(f"ill-conditioned matrix (condition {cond:.1e})")
    if st.stats is not None:
        st.stats.condition = max(st.stats.condition, cond)
    return inv


@_eval.register(Inverse)
def _(node: Inverse, st: _State) -> Array:
    return _inverse(_ev(node.arg, st), st)


@_eval.register(Trace)
def _(node: Trace, st: _State) -> Array:
    a = _ev(node.arg, st)
    _require_square(a, "the trace")
    return a.trace(axis1=-2, axis2=-1)[..., None, None]


def _det(a: Array) -> Array:
    if _is_scalar(a):
        return a
    _require_square(a, "the determinant")
    return np.linalg.det(a)[..., None, None]


@_eval.register(Det)
def _(node: Det, st: _State) -> Array:
    return _det(_ev(node.arg, st))


def abs_cs(z: Array) -> Array:
    """|z| that carries a complex step: ``z·sign(Re z)`` (analytic away from 0)."""
    if not np.iscomplexobj(z):
        return np.abs(z)
    return np.where(z.real < 0, -z, z)


@_eval.register(Abs)
def _(node: Abs, st: _State) -> Array:
    a = _ev(node.arg, st)
    if _is_scalar(a) or a.shape[-1] == 1:
        return abs_cs(a)
    return _det(a)


# --- functions ------------------------------------------------------------------------------

def _log(z: Array) -> Array:
    _require_positive(z, "log")
    return np.log(z)


def _sqrt(z: Array) -> Array:
    _require_positive(z, "sqrt")
    return np.sqrt(z)


ELEMENTWISE: dict[str, Callable[[Array], Array]] = {
    "log": _log,
    "exp": np.exp,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "sqrt": _sqrt,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "sigma": lambda z: 1.0 / (1.0 + np.exp(-z)),  # σ(x) applied as a function: the logistic sigmoid
    "softplus": lambda z: np.log1p(np.exp(z)),
    "relu": lambda z: np.where(z.real > 0, z, 0.0 * z),
    "abs": abs_cs,
}
"""Entrywise functions, all safe for complex steps."""


@_eval.register(Func)
def _(node: Func, st: _State) -> Array:
    a = _ev(node.arg, st)
    if node.name == "vec":
        return np.swapaxes(a, -1, -2).reshape(a.shape[:-2] + (a.shape[-1] * a.shape[-2], 1))
    elementwise = node.elementwise
    if elementwise is None:
        elementwise = st.readings.elementwise
    if elementwise or _is_scalar(a):
        fn = ELEMENTWISE.get(node.name)
        if fn is None:
            raise EvaluationError(f"unknown function {node.name}")
        return fn(a)
    matrix_fn = MATRIX_FUNCTIONS.get(node.name)
    if matrix_fn is None:
        raise ReadingError(f"no matrix function {node.name}")
    if a.shape[-1] != a.shape[-2]:
        raise ReadingError(f"matrix function {node.name} of a non-square matrix")
    try:
        return matrix_fn(a)
    except MatrixFunctionError as exc:
        raise DomainError(str(exc)) from exc


@_eval.register(Hadamard)
def _(node: Hadamard, st: _State) -> Array:
    return _entrywise_product([_ev(a, st) for a in node.args])


def _entrywise_product(parts: list[Array]) -> Array:
    out = parts[0]
    for p in parts[1:]:
        if _tail(p) != _tail(out):
            raise EvaluationError(f"cannot take the entrywise product of {_tail(out)} and {_tail(p)}")
        out = out * p
    return out


def kron(a: Array, b: Array) -> Array:
    """Batched Kronecker product."""
    (r1, c1), (r2, c2) = _tail(a), _tail(b)
    out = a[..., :, None, :, None] * b[..., None, :, None, :]
    return out.reshape(out.shape[:-4] + (r1 * r2, c1 * c2))


@_eval.register(Kron)
def _(node: Kron, st: _State) -> Array:
    parts = [_ev(a, st) for a in node.args]
    if st.readings.otimes == "hadamard":
        return _entrywise_product(parts)
    out = parts[0]
    for p in parts[1:]:
        out = kron(out, p)
    return out


@_eval.register(Diag)
def _(node: Diag, st: _State) -> Array:
    a = _ev(node.arg, st)
    r, c = _tail(a)
    if r == 1 and c == 1:
        return a
    if c == 1 or r == 1:
        v = a[..., :, 0] if c == 1 else a[..., 0, :]
        return v[..., :, None] * np.eye(v.shape[-1])
    _require_square(a, "diag")
    return np.diagonal(a, axis1=-2, axis2=-1)[..., :, None]


def _sum_squares(a: Array) -> Array:
    return (a * a).sum(axis=(-2, -1))[..., None, None]


@_eval.register(Norm)
def _(node: Norm, st: _State) -> Array:
    a = _ev(node.arg, st)
    sub = (node.sub or "").strip().strip("{}").replace("\\infty", "inf").replace("∞", "inf")
    r, c = _tail(a)
    if r == 1 or c == 1:
        if sub in ("", "2", "F"):
            return np.sqrt(_sum_squares(a))
        if sub == "1":
            return abs_cs(a).sum(axis=(-2, -1))[..., None, None]
        if sub in ("inf", "max"):
            return _pick_max(abs_cs(a).reshape(a.shape[:-2] + (-1,)))
        try:
            p = float(sub)
        except ValueError:
            raise EvaluationError(f"unknown norm ‖·‖_{sub}") from None
        return (abs_cs(a) ** p).sum(axis=(-2, -1))[..., None, None] ** (1.0 / p)
    kind = {"": st.readings.norm_plain, "2": st.readings.norm2, "F": "frobenius", "*": "nuclear",
            "nuc": "nuclear", "\\ast": "nuclear", "tr": "nuclear", "1": "col", "inf": "row",
            "max": "max"}.get(sub)
    if kind == "frobenius":
        return np.sqrt(_sum_squares(a))
    if kind == "spectral":
        return _singular_jet(a, largest=True)
    if kind == "nuclear":
        return _singular_jet(a, largest=False)
    if kind == "col":
        return _pick_max(abs_cs(a).sum(axis=-2))
    if kind == "row":
        return _pick_max(abs_cs(a).sum(axis=-1))
    if kind == "max":
        return _pick_max(abs_cs(a).reshape(a.shape[:-2] + (-1,)))
    raise EvaluationError(f"unknown norm ‖·‖_{sub}")


def _pick_max(v: Array) -> Array:
    """max over the last axis, chosen by real part (a jet: the chosen entry carries the step)."""
    idx = np.argmax(v.real, axis=-1)
    return np.take_along_axis(v, idx[..., None], axis=-1)[..., None]


def _singular_jet(a: Array, largest: bool) -> Array:
    """σ₁(M) (largest) or Σσᵢ (nuclear) with first-order tangent uᵀ Im(M) v."""
    u, s, vt = np.linalg.svd(a.real, full_matrices=False)
    if largest:
        value = s[..., 0]
        if np.iscomplexobj(a):
            value = value + 1j * np.einsum("...i,...ij,...j->...", u[..., :, 0], a.imag, vt[..., 0, :])
    else:
        value = s.sum(axis=-1)
        if np.iscomplexobj(a):
            value = value + 1j * np.einsum("...ik,...ij,...kj->...", u, a.imag, vt)
    return value[..., None, None]


# --- calculus -------------------------------------------------------------------------------

@_eval.register(Derivative)
def _(node: Derivative, st: _State) -> Array:
    if node.expr is None:
        raise EvaluationError("a bare derivative operator")
    wrt = node.wrt
    transposed = isinstance(wrt, Transpose)
    if isinstance(wrt, Transpose):
        wrt = wrt.arg
    if not isinstance(wrt, Symbol):
        raise EvaluationError("derivative with respect to an expression")
    grad = jacobian(node.expr, wrt.key, st)
    if transposed:
        grad = np.swapaxes(grad, -1, -2)
    return grad


def jacobian(expr: Expr, key: str, st: _State) -> Array:
    """∂expr/∂(symbol ``key``) by complex steps along every entry (one batched evaluation).

    Scalar by matrix: the gradient (shape of the variable; transposed under numerator layout).
    Anything by a scalar: entrywise derivative. Column vector by column vector: the Jacobian,
    ``(n_x, n_f)`` in denominator layout, ``(n_f, n_x)`` in numerator layout.
    """
    if st.stepping:
        raise EvaluationError("a derivative inside a derivative")
    x = st.values.get(key)
    if x is None:
        raise EvaluationError(f"no value for {key}")
    if x.ndim != 2 or np.iscomplexobj(x):
        raise EvaluationError("a derivative inside a batched evaluation")
    r, c = x.shape
    n = r * c
    basis = np.eye(n).reshape(n, r, c)
    values = dict(st.values)
    values[key] = x + (1j * H) * basis
    f = _ev(expr, replace(st, values=values, stepping=True))
    fr, fc = _tail(f)
    t = np.broadcast_to(np.imag(f) / H, (n, fr, fc)) if np.iscomplexobj(f) else np.zeros((n, fr, fc))
    if n == 1:
        return np.array(t[0])
    numerator = st.layout is Layout.NUMERATOR
    if fr == 1 and fc == 1:
        g = t[:, 0, 0].reshape(r, c)
        return g.T if numerator else g
    if fc == 1 and c == 1:
        jac = t[:, :, 0]  # (n_x, n_f): denominator layout
        return jac.T if numerator else jac
    raise EvaluationError(f"derivative of a {fr}×{fc} expression by a {r}×{c} variable")


@_eval.register(Differential)
def _(node: Differential, st: _State) -> Array:
    if st.stepping:
        raise EvaluationError("a differential inside a derivative")
    if st.directions is None:
        raise EvaluationError("no directions for differentials")
    arg = node.arg
    if isinstance(arg, Symbol):
        d = st.directions.get(arg.key)
        return d if d is not None else np.zeros_like(_ev(arg, st).real)
    values = {k: (v + (1j * H) * st.directions[k]) if k in st.directions else v for k, v in st.values.items()}
    f = _ev(arg, replace(st, values=values, stepping=True))
    return np.imag(f) / H if np.iscomplexobj(f) else np.zeros_like(f)


# --- index notation (integer indices only; symbolic indices belong to index_notation.py) ------

@_eval.register(Entry)
def _(node: Entry, st: _State) -> Array:
    base = _ev(node.base, st)
    idx = []
    for i in node.indices:
        if not (isinstance(i, Number) and i.value.denominator == 1 and i.value >= 1):
            raise EvaluationError("entry with a symbolic index")
        idx.append(int(i.value) - 1)
    r, c = _tail(base)
    if len(idx) == 1:
        idx = [idx[0], 0] if c == 1 else [0, idx[0]]
    if len(idx) != 2 or idx[0] >= r or idx[1] >= c:
        raise EvaluationError("entry index out of range")
    return base[..., idx[0]:idx[0] + 1, idx[1]:idx[1] + 1]


@_eval.register(MatrixLiteral)
def _(node: MatrixLiteral, st: _State) -> Array:
    rows = []
    for row in node.rows:
        entries = [_ev(x, st) for x in row]
        if not all(_is_scalar(e) for e in entries):
            raise EvaluationError("a displayed matrix with non-scalar entries")
        rows.append(entries)
    flat = np.broadcast_arrays(*[e for row in rows for e in row])
    it = iter(flat)
    return np.concatenate([np.concatenate([next(it) for _ in row], axis=-1) for row in rows], axis=-2)


@_eval.register(Sum)
@_eval.register(Apply)
@_eval.register(Dots)
@_eval.register(Query)
def _(node: Expr, st: _State) -> Array:
    raise EvaluationError(f"cannot evaluate {type(node).__name__}")


__all__ = [
    "DomainError", "ELEMENTWISE", "EvalStats", "EvaluationError", "H", "MATRIX_FUNCTIONS", "ReadingError",
    "Readings", "abs_cs", "cosm", "evaluate", "expm", "jacobian", "kron", "logm", "multiply", "np", "quiet",
    "sinm", "sqrtm",
]
