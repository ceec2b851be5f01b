"""Expr → numpy: semantics of each node, complex-step safety, matrix functions, readings, errors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from mathlint.checker.evaluate import (
    H, DomainError, EvaluationError, ReadingError, Readings, abs_cs, cosm, evaluate, expm, kron, logm, sinm, sqrtm,
)
from mathlint.checker.matrix_functions import MatrixFunctionError
from mathlint.checker.options import Layout
from mathlint.parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Entry, Expr, Func, Hadamard, Identity, Inverse, Kron,
    MatrixLiteral, Mul, Norm, Number, Ones, Power, Symbol, Trace, Transpose, Zero,
)

RNG = np.random.default_rng(1)
A, B, X, Y = (Symbol(c, "matrix") for c in "ABXY")
x, y = Symbol("x", "vector"), Symbol("y", "vector")
T = Transpose


def n(k: int | Fraction) -> Number:
    return Number(Fraction(k))


def mul(*args: Expr) -> Mul:
    return Mul(tuple(args))


@pytest.fixture
def values() -> dict[str, np.ndarray]:
    return {"A": RNG.standard_normal((3, 4)), "B": RNG.standard_normal((4, 3)), "X": RNG.standard_normal((4, 4)),
            "Y": RNG.standard_normal((4, 4)), "x": RNG.standard_normal((4, 1)), "y": RNG.standard_normal((4, 1))}


def test_scalars_are_1x1(values: dict[str, np.ndarray]) -> None:
    assert evaluate(n(2), values).shape == (1, 1)
    assert evaluate(Trace(mul(A, B)), values).shape == (1, 1)
    q = evaluate(mul(T(x), X, x), values)
    assert q.shape == (1, 1)
    # a 1×1 factor scales whatever follows it
    out = evaluate(mul(T(x), x, A), values)
    assert np.allclose(out, (values["x"].T @ values["x"])[0, 0] * values["A"])


def test_basic_algebra(values: dict[str, np.ndarray]) -> None:
    v = values
    assert np.allclose(evaluate(Add((X, mul(n(-1), Y))), v), v["X"] - v["Y"])
    assert np.allclose(evaluate(mul(A, X, B), v), v["A"] @ v["X"] @ v["B"])
    assert np.allclose(evaluate(Inverse(X), v), np.linalg.inv(v["X"]))
    assert np.allclose(evaluate(Det(X), v), np.linalg.det(v["X"]))
    assert np.allclose(evaluate(Power(X, n(3)), v), v["X"] @ v["X"] @ v["X"])
    assert np.allclose(evaluate(Power(X, n(-2)), v), np.linalg.inv(v["X"] @ v["X"]))
    assert np.allclose(evaluate(Div(X, n(2)), v), v["X"] / 2)
    assert np.allclose(evaluate(Hadamard((X, Y)), v), v["X"] * v["Y"])
    assert np.allclose(evaluate(Abs(X), v), np.linalg.det(v["X"]))  # |X| of a matrix is its determinant
    assert np.allclose(evaluate(Abs(mul(n(-3), n(1))), v), 3)


def test_context_shaped_leaves(values: dict[str, np.ndarray]) -> None:
    i, one, j, z = Identity(), Ones("vector"), Ones("matrix"), Zero()
    leaf = {id(i): (4, 4), id(one): (4, 1), id(j): (3, 4), id(z): (3, 4)}
    assert np.allclose(evaluate(Add((X, i)), values, leaf_shapes=leaf), values["X"] + np.eye(4))
    assert np.allclose(evaluate(mul(T(one), X, one), values, leaf_shapes=leaf), values["X"].sum())
    assert np.allclose(evaluate(Add((j, z)), values, leaf_shapes=leaf), np.ones((3, 4)))
    with pytest.raises(EvaluationError):
        evaluate(Add((X, Identity())), values)


def test_transpose_never_conjugates() -> None:
    z = np.array([[1 + 2j, 3 - 1j], [0.5j, 2.0]])
    assert np.array_equal(evaluate(T(X), {"X": z}), z.T)


def test_norms_are_complex_step_safe() -> None:
    xv = RNG.standard_normal((5, 1))
    d = RNG.standard_normal((5, 1))
    for sub, grad in (("2", xv / np.linalg.norm(xv)), ("F", xv / np.linalg.norm(xv)),
                      ("1", np.sign(xv))):
        val = evaluate(Norm(x, sub), {"x": xv + 1j * H * d})
        assert np.isclose(val.imag[0, 0] / H, float((grad * d).sum())), sub
        assert np.isclose(val.real[0, 0], np.linalg.norm(xv, ord=int(sub) if sub != "F" else 2))


def test_spectral_and_nuclear_norm_jets() -> None:
    m = RNG.standard_normal((4, 3))
    d = RNG.standard_normal((4, 3))
    for sub, fn in (("2", lambda a: np.linalg.norm(a, 2)), ("*", lambda a: np.linalg.norm(a, "nuc"))):
        val = evaluate(Norm(X, sub), {"X": m + 1j * H * d})
        fd = (fn(m + 1e-6 * d) - fn(m - 1e-6 * d)) / 2e-6
        assert np.isclose(val.real[0, 0], fn(m))
        assert np.isclose(val.imag[0, 0] / H, fd, rtol=1e-6)
    frob = evaluate(Norm(X, "2"), {"X": m}, Readings(norm2="frobenius"))
    assert np.isclose(frob[0, 0], np.linalg.norm(m))


def test_abs_cs_carries_the_step() -> None:
    z = np.array([-2.0 + 1j * H, 3.0 + 1j * H])
    out = abs_cs(z)
    assert np.allclose(out.real, [2, 3]) and np.allclose(out.imag / H, [-1, 1])


def test_complex_step_through_inverse_and_det() -> None:
    m = RNG.standard_normal((4, 4)) + 4 * np.eye(4)
    d = RNG.standard_normal((4, 4))
    val = evaluate(Func("log", Det(X)), {"X": m + 1j * H * d})
    assert np.isclose(val.imag[0, 0] / H, np.trace(np.linalg.solve(m, d)))


def test_matrix_functions() -> None:
    a = 0.3 * RNG.standard_normal((4, 4))
    assert np.allclose(expm(np.diag([1.0, 2.0])), np.diag(np.exp([1.0, 2.0])))
    assert np.allclose(expm(a) @ expm(-a), np.eye(4))
    big = 3 * RNG.standard_normal((4, 4))
    assert np.allclose(expm(big) @ expm(-big), np.eye(4), atol=1e-8)
    assert np.allclose(logm(expm(a)), a)
    spd = (lambda b: b @ b.T + np.eye(4))(RNG.standard_normal((4, 4)))
    w, v = np.linalg.eigh(spd)
    assert np.allclose(logm(spd), v @ np.diag(np.log(w)) @ v.T)
    r = sqrtm(spd)
    assert np.allclose(r @ r, spd)
    s, c = sinm(big), cosm(big)
    assert np.allclose(s @ s + c @ c, np.eye(4), atol=1e-8)
    with pytest.raises(MatrixFunctionError):
        sqrtm(np.diag([-1.0, 2.0]))
    with pytest.raises(DomainError):  # through evaluate, a failed iteration is a bad sample
        evaluate(Func("sqrt", X, elementwise=False), {"X": np.diag([-1.0, 2.0])})


def test_matrix_function_complex_step_matches_central_difference() -> None:
    a = RNG.standard_normal((3, 3))
    d = RNG.standard_normal((3, 3))
    spd = a @ a.T + np.eye(3)
    for fn in (expm, logm, sinm, sqrtm):
        base = spd if fn in (logm, sqrtm) else a
        cs = fn(base + 1j * H * d).imag / H
        fd = (fn(base + 1e-6 * d) - fn(base - 1e-6 * d)) / 2e-6
        assert np.allclose(cs, fd, rtol=1e-5, atol=1e-7), fn.__name__


def test_readings_of_functions_of_a_matrix() -> None:
    m = RNG.uniform(0.5, 1.5, (3, 3))
    v = {"X": m}
    assert np.allclose(evaluate(Func("exp", X), v), np.exp(m))
    assert np.allclose(evaluate(Func("exp", X), v, Readings(elementwise=False)), expm(m))
    assert np.allclose(evaluate(Func("exp", X, elementwise=False), v), expm(m))
    with pytest.raises(ReadingError):
        evaluate(Func("exp", A), {"A": RNG.standard_normal((2, 3))}, Readings(elementwise=False))
    with pytest.raises(ReadingError):
        evaluate(Func("tanh", X), v, Readings(elementwise=False))


def test_kron_and_hadamard_readings_of_otimes() -> None:
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((4, 5))
    assert np.allclose(kron(a, b), np.kron(a, b))
    batch = RNG.standard_normal((3, 2, 3))
    assert np.allclose(kron(batch, b)[1], np.kron(batch[1], b))
    v = {"X": RNG.standard_normal((3, 3)), "Y": RNG.standard_normal((3, 3))}
    assert np.allclose(evaluate(Kron((X, Y)), v, Readings(otimes="hadamard")), v["X"] * v["Y"])


def test_diag_entry_vec_and_displayed_matrices(values: dict[str, np.ndarray]) -> None:
    v = values
    assert np.allclose(evaluate(Diag(x), v), np.diag(v["x"][:, 0]))
    assert np.allclose(evaluate(Diag(X), v), np.diag(v["X"])[:, None])
    assert np.allclose(evaluate(Entry(A, (n(2), n(3))), v), v["A"][1, 2])
    assert np.allclose(evaluate(Entry(x, (n(3),)), v), v["x"][2, 0])
    assert np.allclose(evaluate(Func("vec", A), v), v["A"].T.reshape(-1, 1))  # columns stacked
    lit = MatrixLiteral(((n(1), Symbol("a", "scalar")), (n(3), n(4))))
    assert np.allclose(evaluate(lit, {"a": np.array([[2.0]])}), [[1, 2], [3, 4]])
    with pytest.raises(EvaluationError):
        evaluate(Entry(A, (Symbol("i"), Symbol("j"))), v)


def test_batched_values_broadcast(values: dict[str, np.ndarray]) -> None:
    batch = RNG.standard_normal((5, 4, 4))
    out = evaluate(Trace(mul(A, X, B)), {**values, "X": batch})
    assert out.shape == (5, 1, 1)
    assert np.allclose(out[2, 0, 0], np.trace(values["A"] @ batch[2] @ values["B"]))


def test_derivative_node_is_the_true_gradient(values: dict[str, np.ndarray]) -> None:
    v = values
    g = evaluate(Derivative(Trace(mul(A, X, B)), X), v)
    assert np.allclose(g, v["A"].T @ v["B"].T)
    g_num = evaluate(Derivative(Trace(mul(A, X, B)), X), v, layout=Layout.NUMERATOR)
    assert np.allclose(g_num, v["B"] @ v["A"])
    jac = evaluate(Derivative(mul(X, x), x), v)  # denominator layout: (n_x, n_f)
    assert np.allclose(jac, v["X"].T)


def test_differential_node_is_a_directional_derivative(values: dict[str, np.ndarray]) -> None:
    v = values
    dirs = {"X": RNG.standard_normal((4, 4)), "Y": RNG.standard_normal((4, 4))}
    got = evaluate(Differential(mul(X, Y)), v, directions=dirs)
    assert np.allclose(got, dirs["X"] @ v["Y"] + v["X"] @ dirs["Y"])
    assert np.allclose(evaluate(Differential(X), v, directions=dirs), dirs["X"])
    assert np.allclose(evaluate(Differential(A), v, directions=dirs), 0)  # no direction: a constant
    with pytest.raises(EvaluationError):
        evaluate(Differential(X), v)


def test_domain_errors() -> None:
    with pytest.raises(DomainError):
        evaluate(Func("log", X), {"X": -np.ones((2, 2))})
    with pytest.raises(DomainError):
        evaluate(Div(X, Y), {"X": np.ones((2, 2)), "Y": np.zeros((2, 2))})
    with pytest.raises(DomainError):
        evaluate(Inverse(X), {"X": np.ones((3, 3))})


def test_unsupported_nodes_raise_evaluation_errors(values: dict[str, np.ndarray]) -> None:
    with pytest.raises(EvaluationError):
        evaluate(Apply(Symbol("f"), (X,)), values)
    with pytest.raises(EvaluationError):
        evaluate(Symbol("Z"), values)
    with pytest.raises(EvaluationError):
        evaluate(Func("frobnicate", X), values)
    with pytest.raises(EvaluationError):
        evaluate(mul(A, A), values)


def test_doctests() -> None:
    import doctest

    import mathlint.checker.evaluate as mod
    import mathlint.checker.matrix_functions as mf

    assert doctest.testmod(mod).failed == 0
    assert doctest.testmod(mf).failed == 0
