"""Shape inference: unification over symbolic dims, scalars and vectors, errors that name both shapes."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mathlint.checker.options import Layout
from mathlint.checker.shapes import ShapeError, format_shape, gradient_shape_ok, infer_shapes, shape_of
from mathlint.parsers.expr import (
    Abs, Add, Derivative, Det, Diag, Differential, Div, Entry, Expr, Func, Hadamard, Identity, Inverse, Kron, Mul,
    Norm, Number, Ones, Power, Symbol, Trace, Transpose, Zero,
)

A, B, C, X, W = (Symbol(c, "matrix", bold=True) for c in "ABCXW")
a, b, xv = (Symbol(c, "vector", bold=True) for c in "abx")
T = Transpose


def mul(*args: Expr) -> Mul:
    return Mul(tuple(args))


def n(k: int) -> Number:
    return Number(Fraction(k))


def test_declared_dims_flow_through_a_product() -> None:
    env = infer_shapes([Trace(mul(A, X, B))], {"X": ("m", "n")})
    assert env.symbols["X"] == ("m", "n")
    assert env.symbols["A"][1] == "m" and env.symbols["B"][0] == "n"
    assert env.symbols["A"][0] == env.symbols["B"][1]  # the trace makes AXB square


def test_product_mismatch_names_both_shapes() -> None:
    with pytest.raises(ShapeError) as info:
        infer_shapes([mul(A, X)], {"A": ("m", "n"), "X": ("m", "n")})
    assert info.value.message == "cannot multiply m×n (A) by m×n (X)"


def test_error_carries_the_location() -> None:
    A1 = Symbol("A", "matrix", loc=(0, 1))
    X1 = Symbol("X", "matrix", loc=(2, 3))
    with pytest.raises(ShapeError) as info:
        infer_shapes([Mul((A1, X1), loc=(0, 3))], {"A": (3, 4), "X": (5, 2)})
    assert info.value.loc == (0, 3)
    assert "3×4" in info.value.message and "5×2" in info.value.message


def test_sum_of_different_shapes() -> None:
    with pytest.raises(ShapeError) as info:
        infer_shapes([Add((A, X))], {"A": ("m", "n"), "X": ("n", "m")})
    assert "cannot add m×n (A) and n×m (X)" in info.value.message


@pytest.mark.parametrize("node,what", [(Trace(X), "trace"), (Det(X), "determinant"), (Inverse(X), "inverse"),
                                       (Power(X, n(2)), "power")])
def test_square_only_operations(node: Expr, what: str) -> None:
    with pytest.raises(ShapeError) as info:
        infer_shapes([node], {"X": ("m", "n")})
    assert what in info.value.message and "m×n" in info.value.message
    env = infer_shapes([node], {})
    assert env.symbols["X"][0] == env.symbols["X"][1]


def test_transpose_swaps() -> None:
    env = infer_shapes([mul(T(X), A)], {"X": ("m", "n")})
    assert env.symbols["A"][0] == "m"
    assert shape_of(T(X), env) == ("n", "m")


def test_quadratic_form_is_a_scalar_factor() -> None:
    # x^T A x is 1×1, so it may stand before a matrix of any shape.
    q = mul(T(xv), A, xv)
    env = infer_shapes([mul(q, B)], {"B": ("m", "n")})
    assert env.nodes[id(q)] == (1, 1)
    assert env.symbols["xv" if "xv" in env.symbols else "x"][1] == 1


def test_vectors_are_columns_and_scalars_are_1x1() -> None:
    lam = Symbol("\\lambda", "scalar")
    env = infer_shapes([mul(lam, A, xv)], {})
    assert env.symbols["\\lambda"] == (1, 1)
    assert env.symbols["x"][1] == 1
    assert env.symbols["x"][0] == env.symbols["A"][1]


def test_unknown_lowercase_letters_are_inferred() -> None:
    x, c = Symbol("x"), Symbol("c")
    env = infer_shapes([mul(T(x), A, x)], {})
    assert env.readings["x"] == "vector"
    env = infer_shapes([mul(c, X)], {})
    assert env.readings["c"] == "scalar" and env.symbols["c"] == (1, 1)
    env = infer_shapes([mul(Symbol("\\alpha"), x)], {})
    assert env.readings["\\alpha"] == "scalar" and env.readings["x"] == "vector"
    env = infer_shapes([Div(X, Symbol("N"))], {})
    assert env.readings["N"] == "scalar"


def test_unknown_letter_falls_back_to_the_consistent_reading() -> None:
    # y + 1 with y unknown: only a scalar reading is consistent.
    y = Symbol("y")
    env = infer_shapes([Add((y, n(1)))], {})
    assert env.symbols["y"] == (1, 1)


def test_identity_ones_zero_take_shapes_from_context() -> None:
    i, one, j, z = Identity(), Ones("vector"), Ones("matrix"), Zero()
    env = infer_shapes([Add((A, i)), mul(T(one), X, one), Add((mul(W, j), z))],
                       {"A": ("n", "n"), "X": ("m", "k"), "W": ("p", "q"), "J": None} if False else
                       {"A": ("n", "n"), "X": ("m", "k"), "W": ("p", "q")})
    assert env.nodes[id(i)] == ("n", "n")
    assert env.nodes[id(one)][0] in ("m", "k")
    assert env.nodes[id(j)][0] == "q" and env.nodes[id(z)][0] == "p"


def test_hadamard_and_division_force_equal_shapes() -> None:
    with pytest.raises(ShapeError):
        infer_shapes([Hadamard((A, X))], {"A": ("m", "n"), "X": ("n", "m")})
    with pytest.raises(ShapeError):
        infer_shapes([Div(A, X)], {"A": ("m", "n"), "X": ("n", "m")})
    env = infer_shapes([Div(A, Symbol("\\sigma", "scalar"))], {"A": ("m", "n")})
    assert env.nodes  # scalar division is fine


def test_kron_dims_are_products() -> None:
    k = Kron((A, B))
    env = infer_shapes([k], {"A": (2, 3), "B": (4, 5)})
    assert env.nodes[id(k)] == (8, 15)
    env = infer_shapes([k], {"A": ("m", "n"), "B": ("p", "q")})
    rows = env.nodes[id(k)][0]
    assert (rows, "m", "p") in env.products
    had = infer_shapes([k], {"A": ("m", "n")}, otimes="hadamard")
    assert had.symbols["B"] == ("m", "n")


def test_diag_vector_to_matrix_and_back() -> None:
    d1, d2 = Diag(xv), Diag(X)
    env = infer_shapes([d1, d2], {"x": ("n", 1), "X": ("m", "m")})
    assert env.nodes[id(d1)] == ("n", "n")
    assert env.nodes[id(d2)] == ("m", 1)


def test_abs_is_det_of_a_matrix_and_abs_of_a_scalar() -> None:
    d1 = Abs(X)
    env = infer_shapes([d1], {"X": ("n", "n")})
    assert env.nodes[id(d1)] == (1, 1)
    with pytest.raises(ShapeError):
        infer_shapes([Abs(X)], {"X": ("m", "n")})


def test_norm_and_func_shapes() -> None:
    f, nm = Func("log", X), Norm(X, "F")
    env = infer_shapes([f, nm], {"X": ("m", "n")})
    assert env.nodes[id(f)] == ("m", "n") and env.nodes[id(nm)] == (1, 1)
    v = Func("vec", X)
    env = infer_shapes([v], {"X": (3, 4)})
    assert env.nodes[id(v)] == (12, 1)


def test_derivative_shape_follows_layout() -> None:
    f = Derivative(Trace(mul(A, X)), X)
    den = infer_shapes([f], {"X": ("m", "n")})
    num = infer_shapes([f], {"X": ("m", "n")}, layout=Layout.NUMERATOR)
    assert den.nodes[id(f)] == ("m", "n") and num.nodes[id(f)] == ("n", "m")
    jac = Derivative(mul(A, xv), xv)
    env = infer_shapes([jac], {"A": ("m", "n")})
    assert env.nodes[id(jac)] == ("n", "m")


def test_differential_and_entry() -> None:
    d, e = Differential(X), Entry(X, (n(1), n(2)))
    env = infer_shapes([d, e], {"X": ("m", "n")})
    assert env.nodes[id(d)] == ("m", "n") and env.nodes[id(e)] == (1, 1)


def test_pairs_tie_sides_and_a_zero_literal_matches_anything() -> None:
    env = infer_shapes([A, T(X)], {"X": ("m", "n")}, pairs=[(A, T(X))])
    assert env.symbols["A"] == ("n", "m")
    zero = n(0)
    env = infer_shapes([A, zero], {"A": ("m", "n")}, pairs=[(A, zero)])
    assert env.symbols["A"] == ("m", "n")
    with pytest.raises(ShapeError) as info:
        infer_shapes([A, X], {"A": ("m", "n"), "X": ("n", "m")}, pairs=[(A, X)])
    assert "different shapes" in info.value.message


def test_a_declared_size_name_is_never_one() -> None:
    with pytest.raises(ShapeError):
        infer_shapes([a, X], {"a": ("m", 1), "X": ("m", "n")}, pairs=[(a, X)])


def test_distinct_names_never_unify_but_a_name_may_take_a_number() -> None:
    with pytest.raises(ShapeError):
        infer_shapes([mul(A, X)], {"A": ("m", "n"), "X": ("k", "p")})
    env = infer_shapes([mul(A, X)], {"A": ("m", 3), "X": ("n", "p")})
    assert env.symbols["X"] == (3, "p")


def test_unfixed_sizes_are_named_and_listed() -> None:
    env = infer_shapes([mul(A, B)], {})
    assert all(isinstance(d, str) and d.startswith("#") for d in env.symbols["A"])
    assert env.symbols["A"][1] == env.symbols["B"][0]
    assert set(env.size_names()) == {*env.symbols["A"], *env.symbols["B"]}
    assert format_shape(env.symbols["A"]) == "?×?"


def test_gradient_shape_ok() -> None:
    assert gradient_shape_ok(("m", "n"), ("m", "n")) == {Layout.DENOMINATOR}
    assert gradient_shape_ok(("m", "n"), ("n", "m")) == {Layout.NUMERATOR}
    assert gradient_shape_ok(("n", "n"), ("n", "n")) == {Layout.DENOMINATOR, Layout.NUMERATOR}
    assert gradient_shape_ok(("m", "n"), ("m", "#1")) == {Layout.DENOMINATOR}
    assert gradient_shape_ok(("m", "n"), ("p", "q")) == frozenset()


def test_shared_subtree_keeps_one_shape() -> None:
    prod = mul(A, X)
    env = infer_shapes([Add((prod, prod))], {"A": ("m", "n"), "X": ("n", "p")})
    assert env.nodes[id(prod)] == ("m", "p")


def test_doctests() -> None:
    import doctest

    import mathlint.checker.shapes as mod
    import mathlint.checker.symbol_kinds as kinds

    assert doctest.testmod(mod).failed == 0
    assert doctest.testmod(kinds).failed == 0
