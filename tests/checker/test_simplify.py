"""Simplification into the form a person writes (structure only; values are checked in test_derive)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mathlint.checker.simplify import ShapeView, expand_terms, simplify, transpose_of
from mathlint.parsers.expr import (
    Add, Det, Diag, Div, Func, Hadamard, Identity, Inverse, Mul, Norm, Number, Ones, Power,
    Symbol, Trace, Transpose,
)

A, B, C, X, W = (Symbol(n, "matrix", bold=True) for n in "ABCXW")
a, b, x = (Symbol(n, "vector", bold=True) for n in "abx")
lam = Symbol("\\lambda", "scalar")
T = Transpose
VIEW = ShapeView()
SYM = ShapeView(symmetric=frozenset({"A"}))


def n(v: int | Fraction) -> Number:
    return Number(Fraction(v))


def neg(e):
    return Mul((n(-1), e))


@pytest.mark.parametrize("expr, expected", [
    (T(T(X)), X),                                           # (Aᵀ)ᵀ = A
    (T(Mul((A, B))), Mul((T(B), T(A)))),                    # (AB)ᵀ = BᵀAᵀ
    (T(Mul((A, T(X), B))), Mul((T(B), X, T(A)))),
    (T(Add((A, B))), Add((T(A), T(B)))),
    (T(Inverse(X)), Inverse(T(X))),                         # X^{-T} is one atom
    (Inverse(T(X)), Inverse(T(X))),
    (T(T(Inverse(X))), Inverse(X)),
    (Inverse(Inverse(X)), X),
    (T(Hadamard((A, X))), T(Hadamard((A, X)))),             # (A ⊙ X)ᵀ reads simpler than Aᵀ ⊙ Xᵀ
    (T(Hadamard((T(A), X))), Hadamard((A, T(X)))),
    (Mul((A, T(Add((X, Mul((n(-1), W, B))))))), Mul((A, T(Add((X, Mul((n(-1), W, B)))))))),
    (T(Add((A, T(A)))), Add((A, T(A)))),
    (T(Diag(x)), Diag(x)),                                  # diag(x) is symmetric
    (T(Identity()), Identity()),
])
def test_transposes_pushed_inward(expr, expected):
    assert simplify(expr, VIEW) == expected


@pytest.mark.parametrize("expr, expected", [
    (Add((X, X)), Mul((n(2), X))),                          # 2X, not X + X
    (Add((X, T(T(X)))), Mul((n(2), X))),
    (Mul((n(1), A, X)), Mul((A, X))),                       # no 1·
    (Mul((n(-1), n(-1), X)), X),                            # signs normalised
    (Add((Mul((n(2), A)), neg(A))), A),
    (Add((A, neg(A))), None),                               # collapses to zero
    (Mul((Identity(), A, Identity())), A),
    (Mul((X, Inverse(X), A)), A),
    (Mul((Fraction(1, 2) and n(Fraction(1, 2)), n(2), X)), X),
])
def test_like_terms_collected(expr, expected):
    from mathlint.parsers.expr import Zero

    assert simplify(expr, VIEW) == (Zero() if expected is None else expected)


def test_common_right_factor_pulled_out():
    # ∂ xᵀAx/∂x = Ax + Aᵀx = (A + Aᵀ)x
    assert simplify(Add((Mul((A, x)), Mul((T(A), x)))), VIEW) == Mul((Add((A, T(A))), x))


def test_common_left_factor_pulled_out_and_sorted():
    assert simplify(Add((Mul((X, T(A))), Mul((X, A)))), VIEW) == Mul((X, Add((A, T(A)))))


def test_no_factoring_without_a_shared_end():
    expr = Add((Mul((A, X, B)), Mul((T(A), X, T(B)))))
    assert simplify(expr, VIEW) == expr


def test_symmetric_assumption_used():
    # A = Aᵀ: Ax + Aᵀx = 2Ax
    assert simplify(Add((Mul((A, x)), Mul((T(A), x)))), SYM) == Mul((n(2), A, x))
    assert simplify(T(Inverse(A)), SYM) == Inverse(A)


def test_symmetric_product_under_inverse_transpose():
    gram = Mul((T(X), X))
    assert simplify(T(Inverse(gram)), VIEW) == Inverse(gram)


def test_positive_terms_first_and_fewer_transposes_first():
    expr = Add((neg(B), Mul((T(A), X, T(B))), Mul((A, X, B))))
    out = simplify(expr, VIEW, factor=False)
    assert out == Add((Mul((A, X, B)), Mul((T(A), X, T(B))), neg(B)))


def test_scalars_come_first_and_merge_into_powers():
    s = Mul((T(a), X, b))                                   # a 1×1 product
    view = ShapeView({"a": ("m", 1), "b": ("n", 1), "X": ("m", "n")})
    expr = Mul((a, s, T(b), n(2), s))
    out = simplify(expr, view)
    assert out == Mul((n(2), Power(s, n(2)), a, T(b)))


def test_scalar_division_becomes_a_fraction():
    view = ShapeView({"x": ("n", 1)})
    expr = Mul((Div(n(1), Norm(x, "2")), x))
    assert simplify(expr, view) == Div(x, Norm(x, "2"))


def test_det_cancels():
    expr = Mul((Div(n(1), Det(X)), Det(X), T(Inverse(X))))
    assert simplify(expr, VIEW) == Inverse(T(X))


def test_trace_is_linear_and_orientation_canonical():
    assert simplify(Trace(Mul((n(3), T(A)))), VIEW) == Mul((n(3), Trace(A)))
    assert simplify(Trace(Mul((T(A), T(B)))), VIEW) == Trace(Mul((B, A)))


def test_matrix_powers_group():
    assert simplify(Mul((X, X, X)), VIEW) == Power(X, n(3))
    assert simplify(Power(X, n(2)), VIEW) == Power(X, n(2))
    assert simplify(T(Power(X, n(2))), VIEW) == Power(T(X), n(2))


def test_hadamard_and_elementwise_division():
    J = Ones(kind="matrix")
    assert simplify(Hadamard((J, A)), VIEW) == A
    assert simplify(Hadamard((Mul((n(2), A)), X)), VIEW) == Mul((n(2), Hadamard((A, X))))
    assert simplify(Div(Mul((n(3), B)), X), VIEW) == Mul((n(3), Div(B, X)))
    assert simplify(Hadamard((A, Div(B, X))), VIEW) == Div(Hadamard((A, B)), X)


def test_diag_of_an_outer_product_is_a_hadamard_product():
    view = ShapeView({"a": ("n", 1), "b": ("n", 1)})
    assert simplify(Diag(Mul((a, T(b)))), view) == Hadamard((a, b))


def test_ones_outer_product_is_J():
    assert simplify(Mul((Ones(), T(Ones()))), VIEW) == Ones(kind="matrix")


def test_elementwise_function_takes_the_transpose_inside():
    assert simplify(T(Func("log", X, True)), VIEW) == Func("log", T(X), True)


def test_expand_terms_keeps_signs():
    expr = Add((Mul((A, X)), neg(Mul((B, X)))))
    assert expand_terms(expr, VIEW) == [Mul((A, X)), Mul((n(-1), B, X))]


def test_transpose_of():
    assert transpose_of(Mul((Add((A, T(A))), x)), VIEW) == Mul((T(x), Add((A, T(A)))))


def test_scalar_symbols_commute_to_the_front():
    view = ShapeView({"\\lambda": (1, 1)})
    assert simplify(Mul((X, lam, A)), view) == Mul((lam, X, A))


def test_doctests_of_the_derivation_modules():
    import doctest

    import mathlint.checker.simplify as simplify_module
    import mathlint.checker.terms as terms_module
    import mathlint.derive_cmd as derive_cmd_module

    for module in (simplify_module, terms_module, derive_cmd_module):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__
