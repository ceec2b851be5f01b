"""Functions of a square matrix (exp, log, sin, cos, square root) by arithmetic alone.

The non-entrywise reading of ``\\exp(X)``, ``\\log(X)``... Only matrix products, sums and LU
inverses are used — scaling and squaring with Taylor series, Denman–Beavers square roots,
inverse scaling and squaring for the logarithm — so a complex step (``X + ihD``, h = 1e-20)
passes through and its imaginary part is the Fréchet derivative along ``D``; an
eigendecomposition would not carry it faithfully. All functions accept stacks ``(..., n, n)``.

Example::

    >>> import numpy as np
    >>> bool(np.allclose(expm(np.diag([0.0, 1.0])), np.diag([1.0, np.e])))
    True
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

Array = Any


class MatrixFunctionError(Exception):
    """The iteration did not converge here (eigenvalues on the negative real axis, singular...)."""


def _eye_like(a: Array) -> Array:
    return np.broadcast_to(np.eye(a.shape[-1]), a.shape)


def _scale_exponent(a: Array, target: float) -> int:
    norm = float(np.abs(a).sum(axis=-2).max()) if a.size else 0.0
    return max(0, int(np.ceil(np.log2(norm / target)))) if norm > target else 0


def expm(a: Array) -> Array:
    """Matrix exponential: scaling and squaring with a degree-18 Taylor series (norm ≤ 1/2)."""
    s = _scale_exponent(a, 0.5)
    a = a / 2.0 ** s
    term = _eye_like(a)
    out = term
    for k in range(1, 19):
        term = term @ a / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def _sin_cos(a: Array) -> tuple[Array, Array]:
    s = _scale_exponent(a, 0.5)
    a = a / 2.0 ** s
    a2 = a @ a
    sin, cos = a, _eye_like(a)
    term_s, term_c = a, _eye_like(a)
    for k in range(1, 11):
        term_s = -term_s @ a2 / ((2 * k) * (2 * k + 1))
        term_c = -term_c @ a2 / ((2 * k - 1) * (2 * k))
        sin, cos = sin + term_s, cos + term_c
    for _ in range(s):
        sin, cos = 2.0 * sin @ cos, 2.0 * cos @ cos - _eye_like(a)
    return sin, cos


def sinm(a: Array) -> Array:
    return _sin_cos(a)[0]


def cosm(a: Array) -> Array:
    return _sin_cos(a)[1]


def sqrtm(a: Array) -> Array:
    """Principal square root by the Denman–Beavers iteration (raises `MatrixFunctionError` if it fails)."""
    y, z = a, _eye_like(a)
    extra = 0
    for _ in range(60):
        try:
            y_next = 0.5 * (y + np.linalg.inv(z))
            z = 0.5 * (z + np.linalg.inv(y))
        except np.linalg.LinAlgError as exc:
            raise MatrixFunctionError("matrix square root of a singular matrix") from exc
        delta = float(np.abs((y_next - y).real).max())
        y = y_next
        if not np.isfinite(delta):
            break
        if delta <= 1e-14 * (1.0 + float(np.abs(y.real).max())):
            extra += 1
            if extra > 3:  # a few more steps so the complex-step tangent converges too
                return y
    raise MatrixFunctionError("matrix square root did not converge (eigenvalues on the negative axis?)")


def logm(a: Array) -> Array:
    """Principal matrix logarithm by inverse scaling and squaring, then the atanh series."""
    k = 0
    eye = _eye_like(a)
    while float(np.abs((a - eye).real).sum(axis=-2).max()) > 0.25:
        a = sqrtm(a)
        k += 1
        if k > 40:
            raise MatrixFunctionError("matrix logarithm did not converge")
    try:
        z = (a - eye) @ np.linalg.inv(a + eye)
    except np.linalg.LinAlgError as exc:
        raise MatrixFunctionError("matrix logarithm of a matrix with eigenvalue -1") from exc
    z2 = z @ z
    term, out = z, z
    for j in range(1, 14):
        term = term @ z2
        out = out + term / (2 * j + 1)
    return 2.0 ** (k + 1) * out


MATRIX_FUNCTIONS: dict[str, Callable[[Array], Array]] = {
    "exp": expm,
    "log": logm,
    "sin": sinm,
    "cos": cosm,
    "sqrt": sqrtm,
}
"""The non-entrywise reading of a function of a square matrix."""


__all__ = ["MATRIX_FUNCTIONS", "MatrixFunctionError", "cosm", "expm", "logm", "sinm", "sqrtm"]
