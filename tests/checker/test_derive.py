"""Adjoint propagation: closed forms for hand-built trees, verified by the oracle; errors as Unsupported."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mathlint.checker.claims import Context
from mathlint.checker.derive import (
    Derivation, DerivationError, derive_differential, derive_gradient, gradient_parts, shape_view,
)
from mathlint.checker.options import Layout
from mathlint.checker.oracle import Unsupported, check_differential, check_gradient
from mathlint.checker.simplify import simplify
from mathlint.checker.verdicts import Reason
from mathlint.parsers.expr import (
    Abs, Add, Apply, Det, Diag, Differential, Div, Entry, Func, Hadamard, Inverse, Kron, Mul, Norm,
    Number, Ones, Power, Symbol, Trace, Transpose,
)

A, B, C, V, X, Y = (Symbol(n, "matrix", bold=True) for n in "ABCVXY")
a, b, x = (Symbol(n, "vector", bold=True) for n in "abx")
T = Transpose
CTX = Context()


def n(v) -> Number:
    return Number(Fraction(v))


def closed_form(f, wrt, ctx=CTX):
    view = shape_view((f, wrt), ctx)
    raw, _ = gradient_parts(f, wrt, view, ctx)
    return simplify(raw, view)


@pytest.mark.parametrize("f, wrt, expected", [
    (Trace(Mul((A, X, B))), X, Mul((T(A), T(B)))),                        # d tr(P dX Q) → PᵀQᵀ
    (Trace(Mul((A, T(X), B))), X, Mul((B, A))),
    (Trace(Mul((A, X, B, T(X)))), X, Add((Mul((A, X, B)), Mul((T(A), X, T(B)))))),
    (Trace(Mul((T(X), X))), X, Mul((n(2), X))),
    (Mul((T(x), A, x)), x, Mul((Add((A, T(A))), x))),
    (Mul((T(a), X, b)), X, Mul((a, T(b)))),
    (Func("log", Det(X)), X, Inverse(T(X))),                              # d log det M = tr(M⁻¹dM)
    (Det(X), X, Mul((Det(X), Inverse(T(X))))),                           # d det M = det M tr(M⁻¹dM)
    (Trace(Mul((Inverse(X), A))), X, Mul((n(-1), Inverse(T(X)), T(A), Inverse(T(X))))),
    (Trace(Mul((T(V), Func("log", X, True)))), X, Div(V, X)),              # d log M = dM ⊘ M
    (Trace(Mul((T(V), Hadamard((A, X))))), X, Hadamard((A, V))),           # tr(Mᵀ(A⊙dB)) = tr((M⊙A)ᵀdB)
    (Trace(Mul((A, Diag(x)))), x, Diag(A)),                                # tr(M diag(dx)) = diag(M)ᵀdx
    (Power(Norm(x, "2"), n(2)), x, Mul((n(2), x))),
    (Norm(X, "F"), X, Div(X, Norm(X, "F"))),
    (Mul((T(Ones()), X, Ones())), X, Ones(kind="matrix")),                 # 𝟏ᵀX𝟏 → J
    (Trace(Mul((Ones(kind="matrix"), X))), X, Ones(kind="matrix")),
    (Trace(Power(X, n(2))), X, Mul((n(2), T(X)))),
    (Mul((n(3), Trace(X))), X, None),                                      # 3I, checked numerically
    (Abs(Det(X)), X, Mul((Abs(Det(X)), Inverse(T(X))))),
])
def test_closed_forms(f, wrt, expected):
    got = closed_form(f, wrt)
    if expected is not None:
        assert got == expected
    assert check_gradient(f, wrt, got, CTX, Layout.DENOMINATOR, 1).ok


def test_symmetric_assumption_gives_2Ax():
    ctx = Context(assumptions={"A": frozenset({"symmetric"})})
    assert closed_form(Mul((T(x), A, x)), x, ctx) == Mul((n(2), A, x))


def test_every_occurrence_contributes_once():
    f = Trace(Mul((X, A, X, B, T(X))))
    view = shape_view((f, X), CTX)
    _, parts = gradient_parts(f, X, view, CTX)
    assert len(parts) == 3


def test_scalar_variable():
    lam = Symbol("\\lambda", "scalar")
    f = Mul((lam, Trace(Mul((T(X), X)))))
    assert closed_form(f, lam) == Trace(Mul((T(X), X)))


def test_gradient_by_a_transpose():
    f = Trace(Mul((A, X)))
    view = shape_view((f, T(X)), CTX)
    raw, _ = gradient_parts(f, T(X), view, CTX)
    assert simplify(raw, view) == A


@pytest.mark.parametrize("f", [
    Kron((A, X)),
    Apply(Symbol("g"), (X,)),
    Entry(X, (Symbol("i"), Symbol("j"))),
    Func("erf", Trace(X)),
    Power(n(2), Trace(X)),
    Norm(x, "1"),
])
def test_nodes_without_a_rule_raise(f):
    view = shape_view((f, X), CTX)
    with pytest.raises(DerivationError):
        gradient_parts(Trace(f) if isinstance(f, Kron) else f, x if isinstance(f, Norm) else X, view, CTX)


def test_matrix_function_outside_a_trace_is_not_supported():
    ctx = Context(elementwise_functions=False)
    f = Mul((T(a), Func("exp", X), b))
    with pytest.raises(DerivationError):
        gradient_parts(f, X, shape_view((f, X), ctx), ctx)


def test_matrix_log_under_a_trace():
    ctx = Context(elementwise_functions=False)
    f = Trace(Func("log", X))
    assert closed_form(f, X, ctx) == Inverse(T(X))


# --- the public entry point (oracle + printer) ----------------------------------------------

def test_derive_gradient_returns_a_verified_printed_derivation():
    d = derive_gradient(Trace(Mul((A, X, B))), X, CTX, Layout.DENOMINATOR)
    assert isinstance(d, Derivation)
    assert d.expr == Mul((T(A), T(B)))
    assert "\\mathbf{A}" in d.latex and "\\mathbf{B}" in d.latex
    assert d.text == "AᵀBᵀ"
    assert len(d.steps) == 1


def test_numerator_layout_transposes():
    d = derive_gradient(Trace(Mul((A, X, B))), X, CTX, Layout.NUMERATOR)
    assert d.expr == Mul((B, A))


def test_unsupported_node_is_reported_not_raised_raw():
    with pytest.raises(Unsupported) as info:
        derive_gradient(Trace(Kron((A, X))), X, CTX, Layout.DENOMINATOR)
    assert info.value.reason is Reason.NOT_SUPPORTED


def test_a_wrong_derivation_is_never_shown(monkeypatch):
    import mathlint.checker.derive as derive

    # sabotage the engine: every candidate fails the oracle → DERIVATION, nothing shown
    monkeypatch.setattr(derive, "_candidates", lambda raw, view, layout: [Mul((n(3), raw))])
    monkeypatch.setattr(derive, "_sympy_candidate", lambda f, wrt, view, layout: None)
    with pytest.raises(Unsupported) as info:
        derive.derive_gradient(Trace(Mul((A, X))), X, CTX, Layout.DENOMINATOR)
    assert info.value.reason is Reason.DERIVATION


def test_derive_differential_of_a_cube():
    d = derive_differential(Power(A, n(3)), CTX)
    dA = Differential(A)
    assert d.expr == Add((Mul((dA, Power(A, n(2)))), Mul((A, dA, A)), Mul((Power(A, n(2)), dA))))
    assert check_differential(Differential(Power(A, n(3))), d.expr, CTX, 1).ok


def test_derive_differential_of_a_product_and_constants():
    d = derive_differential(Mul((X, Y)), CTX)
    assert d.expr == Add((Mul((Differential(X), Y)), Mul((X, Differential(Y)))))
    d = derive_differential(Trace(Mul((A, X, B))), CTX, wrt=(X,))
    assert d.expr == Trace(Mul((A, Differential(X), B)))


def test_closed_form_of_a_sum_of_derivatives():
    from mathlint.checker.derive import derive_closed_form
    from mathlint.parsers.expr import Derivative

    D, E = Symbol("D", "matrix", bold=True), Symbol("E", "matrix", bold=True)
    lhs = Add((Derivative(Trace(Mul((A, X, D))), X), Derivative(Trace(Mul((E, X, T(C)))), X)))
    ctx = Context(shapes={"X": ("m", "n")})
    d = derive_closed_form(lhs, ctx, Layout.DENOMINATOR)
    assert d.expr == Add((Mul((T(A), T(D))), Mul((T(E), C))))


def test_closed_form_of_an_algebraic_expression():
    from mathlint.checker.derive import derive_closed_form

    d = derive_closed_form(T(Mul((A, B))), CTX, Layout.DENOMINATOR)
    assert d.expr == Mul((T(B), T(A)))


@pytest.mark.parametrize("f, wrt, layout, expected", [
    (Mul((A, x)), x, Layout.NUMERATOR, A),                                   # d(Ax) = A dx
    (Mul((A, x)), x, Layout.DENOMINATOR, T(A)),
    (Func("exp", x, True), x, Layout.DENOMINATOR, Diag(Func("exp", x, True))),  # exp(x) ⊙ dx
    (Hadamard((a, x)), x, Layout.NUMERATOR, Diag(a)),
    (Mul((Mul((T(a), x)), b)), x, Layout.NUMERATOR, Mul((b, T(a)))),         # b (aᵀ dx)
])
def test_jacobians_of_vector_functions(f, wrt, layout, expected):
    d = derive_gradient(f, wrt, CTX, layout)
    assert d.expr == expected
    assert check_gradient(f, wrt, d.expr, CTX, layout, 2).ok


def test_entrywise_derivative_by_a_scalar_ignores_layout():
    t = Symbol("t", "scalar")
    f = Mul((t, x))
    for layout in Layout:
        assert derive_gradient(f, t, CTX, layout).expr == x


def test_matrix_by_matrix_has_no_matrix_form():
    with pytest.raises(Unsupported) as info:
        derive_gradient(Mul((X, A)), X, Context(shapes={"X": ("m", "n")}), Layout.DENOMINATOR)
    assert info.value.reason is Reason.NOT_SUPPORTED
