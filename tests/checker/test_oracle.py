"""The numeric oracle: Matrix Cookbook gradients and equalities, verified and corrupted; layout,
readings, differentials, domains, determinism, shape errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pytest

from mathlint.checker.claims import Context
from mathlint.checker.evaluate import Readings
from mathlint.checker.options import Layout
from mathlint.checker.oracle import (
    Unsupported, check_differential, check_equality, check_gradient, evaluate_at, sample_instances, true_gradient,
)
from mathlint.checker.verdicts import Reason
from mathlint.parsers.expr import (
    Add, Apply, Derivative, Det, Diag, Differential, Div, Expr, Func, Hadamard, Identity, Inverse, Kron, Mul, Norm,
    Number, Ones, Power, Query, Symbol, Trace, Transpose, Zero,
)

SEED = 20261121
DEN, NUM = Layout.DENOMINATOR, Layout.NUMERATOR


# --- tree builders (the LaTeX parser is tested elsewhere) ---------------------------------------

def M(name: str) -> Symbol:
    return Symbol(name, "matrix", bold=True)


def vec(name: str) -> Symbol:
    return Symbol(name, "vector", bold=True)


def sc(name: str) -> Symbol:
    return Symbol(name, "scalar")


def n(k: int | Fraction) -> Number:
    return Number(Fraction(k))


def T(e: Expr) -> Transpose:
    return Transpose(e)


def mul(*a: Expr) -> Mul:
    return Mul(tuple(a))


def add(*a: Expr) -> Add:
    return Add(tuple(a))


def neg(e: Expr) -> Mul:
    return Mul((n(-1), e))


def sub(a: Expr, b: Expr) -> Add:
    return add(a, neg(b))


def tr(e: Expr) -> Trace:
    return Trace(e)


def inv(e: Expr) -> Inverse:
    return Inverse(e)


def log(e: Expr) -> Func:
    return Func("log", e)


def had(*a: Expr) -> Hadamard:
    return Hadamard(tuple(a))


def sq(e: Expr) -> Power:
    return Power(e, n(2))


A, B, C, D, E, V, W, H, X, Y = (M(c) for c in "ABCDEVWHXY")
a, b, c, x, y = (vec(c) for c in "abcxy")
I, one, J = Identity(), Ones("vector"), Ones("matrix")


@dataclass(frozen=True)
class Case:
    name: str
    f: Expr
    wrt: Symbol
    answer: Expr
    wrong: tuple[Expr, ...]
    """Corruptions: dropped transpose, swapped factors, sign, factor 2... each must not verify."""
    shapes: dict = field(default_factory=dict)
    assume: dict = field(default_factory=dict)

    def ctx(self) -> Context:
        return Context(shapes=self.shapes, assumptions={k: frozenset(v) for k, v in self.assume.items()})


# Matrix Cookbook (Petersen & Pedersen, 2012) numbers in the names where the identity is there.
CASES = [
    Case("tr(AXB) (cb 101)", tr(mul(A, X, B)), X, mul(T(A), T(B)),
         (mul(A, B), mul(T(B), T(A)), neg(mul(T(A), T(B))), mul(n(2), T(A), T(B)))),
    Case("tr(AX^TB) (cb 102)", tr(mul(A, T(X), B)), X, mul(B, A),
         (mul(A, B), mul(T(A), T(B)), neg(mul(B, A)), mul(n(2), B, A))),
    Case("tr(X^TAX) (cb 107)", tr(mul(T(X), A, X)), X, mul(add(A, T(A)), X),
         (mul(n(2), A, X), mul(X, add(A, T(A))), neg(mul(add(A, T(A)), X)), mul(T(A), X))),
    Case("log det X (cb 57)", log(Det(X)), X, inv(T(X)),
         (inv(X), neg(inv(T(X))), mul(n(2), inv(T(X))), T(X))),
    Case("det X (cb 49)", Det(X), X, mul(Det(X), inv(T(X))),
         (mul(Det(X), inv(X)), Det(X), neg(mul(Det(X), inv(T(X)))), inv(T(X)))),
    Case("a^TXb (cb 70)", mul(T(a), X, b), X, mul(a, T(b)),
         (mul(b, T(a)), mul(n(2), a, T(b)), neg(mul(a, T(b))), mul(a, T(a)))),
    Case("a^TX^Tb (cb 71)", mul(T(a), T(X), b), X, mul(b, T(a)),
         (mul(a, T(b)), neg(mul(b, T(a))), mul(n(2), b, T(a)))),
    Case("x^TAx (cb 81)", mul(T(x), A, x), x, mul(add(A, T(A)), x),
         (mul(n(2), A, x), mul(A, x), neg(mul(add(A, T(A)), x)), mul(T(A), x))),
    Case("x^TAx, A symmetric", mul(T(x), A, x), x, mul(n(2), A, x),
         (mul(A, x), neg(mul(n(2), A, x)), mul(n(4), A, x)), assume={"A": {"symmetric"}}),
    Case("||X - WH||_F^2 wrt W", sq(Norm(sub(X, mul(W, H)), "F")), W, mul(n(2), sub(mul(W, H), X), T(H)),
         (mul(n(2), sub(mul(W, H), X), H), mul(n(2), sub(X, mul(W, H)), T(H)), mul(sub(mul(W, H), X), T(H)),
          mul(n(2), T(H), sub(mul(W, H), X)))),
    Case("||X - WH||_F^2 wrt H", sq(Norm(sub(X, mul(W, H)), "F")), H, mul(n(2), T(W), sub(mul(W, H), X)),
         (mul(n(2), W, sub(mul(W, H), X)), mul(n(2), T(W), sub(X, mul(W, H))), mul(T(W), sub(mul(W, H), X)))),
    Case("tr(V^T log(AXB))", tr(mul(T(V), log(mul(A, X, B)))), X, mul(T(A), Div(V, mul(A, X, B)), T(B)),
         (mul(A, Div(V, mul(A, X, B)), B), mul(T(A), Div(mul(A, X, B), V), T(B)),
          neg(mul(T(A), Div(V, mul(A, X, B)), T(B))))),
    Case("tr(AX^{-1}B) (cb 63)", tr(mul(A, inv(X), B)), X, neg(mul(inv(T(X)), T(A), T(B), inv(T(X)))),
         (mul(inv(T(X)), T(A), T(B), inv(T(X))), neg(mul(inv(X), T(A), T(B), inv(X))),
          neg(mul(inv(T(X)), T(B), T(A), inv(T(X)))))),
    Case("tr(X) (cb 99)", tr(X), X, I, (mul(n(2), I), neg(I), J)),
    Case("tr(XX^T)", tr(mul(X, T(X))), X, mul(n(2), X), (X, mul(n(2), T(X)) , neg(mul(n(2), X)))),
    Case("tr(X^2) (cb 103)", tr(sq(X)), X, mul(n(2), T(X)), (mul(n(2), X), T(X), neg(mul(n(2), T(X))))),
    Case("tr(AX) (cb 100)", tr(mul(A, X)), X, T(A), (A, neg(T(A)), mul(n(2), T(A)))),
    Case("tr(XA)", tr(mul(X, A)), X, T(A), (A, neg(T(A)))),
    Case("tr(AX^T) (cb 100)", tr(mul(A, T(X))), X, A, (T(A), neg(A), mul(n(2), A))),
    Case("b^TX^TXc (cb 77)", mul(T(b), T(X), X, c), X, mul(X, add(mul(b, T(c)), mul(c, T(b)))),
         (mul(X, b, T(c)), mul(add(mul(b, T(c)), mul(c, T(b))), T(X)), mul(n(2), X, b, T(c)))),
    Case("tr(AXBX) (cb 106)", tr(mul(A, X, B, X)), X, add(mul(T(A), T(X), T(B)), mul(T(B), T(X), T(A))),
         (add(mul(A, X, B), mul(B, X, A)), add(mul(T(A), T(X), T(B)), mul(T(A), T(X), T(B))),
          mul(T(A), T(X), T(B)))),
    Case("tr(AXBX^TC) (cb 117)", tr(mul(A, X, B, T(X), C)), X,
         add(mul(T(A), T(C), X, T(B)), mul(C, A, X, B)),
         (add(mul(T(A), T(C), X, B), mul(C, A, X, B)), add(mul(T(A), T(C), X, T(B)), mul(A, C, X, B)),
          mul(T(A), T(C), X, T(B)), add(mul(T(A), T(C), X, T(B)), neg(mul(C, A, X, B))))),
    Case("||x||_2^2", sq(Norm(x, "2")), x, mul(n(2), x), (x, neg(mul(n(2), x)), mul(n(2), T(x)))),
    Case("||X||_F^2 (cb 130)", sq(Norm(X, "F")), X, mul(n(2), X), (X, mul(n(2), T(X)), neg(mul(n(2), X)))),
    Case("||X||_F", Norm(X, "F"), X, Div(X, Norm(X, "F")), (X, Div(T(X), Norm(X, "F")), mul(n(2), X))),
    Case("||x||_2", Norm(x, "2"), x, Div(x, Norm(x, "2")), (x, Div(x, sq(Norm(x, "2"))))),
    Case("x^Tx", mul(T(x), x), x, mul(n(2), x), (x, T(x), neg(x))),
    Case("a^Tx (cb 69)", mul(T(a), x), x, a, (mul(n(2), a), neg(a), x)),
    Case("x^Ta (cb 69)", mul(T(x), a), x, a, (neg(a), mul(n(2), a))),
    Case("||Ax - b||^2", sq(Norm(sub(mul(A, x), b), "2")), x, mul(n(2), T(A), sub(mul(A, x), b)),
         (mul(n(2), A, sub(mul(A, x), b)), mul(T(A), sub(mul(A, x), b)), mul(n(2), T(A), sub(b, mul(A, x))))),
    Case("1^T(x∘y) wrt x (Hadamard)", mul(T(one), had(x, y)), x, y, (x, mul(n(2), y), neg(y))),
    Case("tr(A^T(X∘B)) (Hadamard)", tr(mul(T(A), had(X, B))), X, had(A, B), (had(T(A), B), A, neg(had(A, B)))),
    Case("a^T diag(x) b", mul(T(a), Diag(x), b), x, had(a, b), (a, b, neg(had(a, b)), mul(n(2), had(a, b)))),
    Case("1^TX1 (sum of entries)", mul(T(one), X, one), X, J, (mul(n(2), J), I, neg(J))),
    Case("tr(JX)", tr(mul(J, X)), X, J, (I, neg(J), mul(n(2), J))),
    Case("tr(X^{-1}) (cb 124)", tr(inv(X)), X, neg(T(mul(inv(X), inv(X)))),
         (neg(mul(inv(X), inv(X))), T(mul(inv(X), inv(X))), neg(inv(T(X))))),
    Case("a^TX^{-1}b (cb 61)", mul(T(a), inv(X), b), X, neg(mul(inv(T(X)), a, T(b), inv(T(X)))),
         (mul(inv(T(X)), a, T(b), inv(T(X))), neg(mul(inv(X), a, T(b), inv(X))),
          neg(mul(inv(T(X)), b, T(a), inv(T(X)))))),
    Case("log det(X^TAX) (cb 51)", log(Det(mul(T(X), A, X))), X,
         add(mul(A, X, inv(mul(T(X), A, X))), mul(T(A), X, inv(mul(T(X), T(A), X)))),
         (mul(n(2), A, X, inv(mul(T(X), A, X))), add(mul(A, X, inv(mul(T(X), A, X))), mul(A, X, inv(mul(T(X), A, X)))))),
    Case("log det X, X spd", log(Det(X)), X, inv(X), (neg(inv(X)), mul(n(2), inv(X)), X), assume={"X": {"spd"}}),
    Case("1^T log(x)", mul(T(one), log(x)), x, Div(one, x), (x, neg(Div(one, x)), log(x))),
    Case("sum log(X) entries", mul(T(one), log(X), one), X, Div(J, X), (X, Div(J, T(X)), neg(Div(J, X)))),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cookbook_gradient_verifies(case: Case) -> None:
    check = check_gradient(case.f, case.wrt, case.answer, case.ctx(), DEN, SEED)
    assert check.ok, check.detail
    assert not check.transpose_ok


def _not_verified(case: Case, claim: Expr) -> bool:
    try:
        check = check_gradient(case.f, case.wrt, claim, case.ctx(), DEN, SEED)
    except Unsupported as exc:
        return exc.reason is Reason.SHAPE  # a claim of the wrong shape is a finding too
    return not check.ok


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cookbook_gradient_corrupted_is_not_ok(case: Case) -> None:
    for claim in case.wrong:
        assert _not_verified(case, claim), claim


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert sum(len(c.wrong) for c in CASES) >= 90


def test_wrong_claim_is_decisive_not_unsupported() -> None:
    check = check_gradient(tr(mul(A, X, B)), X, mul(A, B), Context(), DEN, SEED)
    assert not check.ok and not check.transpose_ok
    assert "differs" in check.detail


def test_declared_nonsquare_dropped_transpose_is_a_shape_problem() -> None:
    ctx = Context(shapes={"A": ("p", "m"), "X": ("m", "n"), "B": ("n", "p")})
    with pytest.raises(Unsupported) as info:
        check_gradient(tr(mul(A, X, B)), X, mul(A, B), ctx, DEN, SEED)
    assert info.value.reason is Reason.SHAPE
    assert check_gradient(tr(mul(A, X, B)), X, mul(T(A), T(B)), ctx, DEN, SEED).ok


# --- layout ---------------------------------------------------------------------------------------

def test_numerator_layout_wants_the_transpose() -> None:
    f = tr(mul(A, X, B))
    assert check_gradient(f, X, mul(B, A), Context(), NUM, SEED).ok
    stated = check_gradient(f, X, mul(T(A), T(B)), Context(), NUM, SEED)
    assert not stated.ok and stated.transpose_ok


def test_denominator_claim_in_numerator_form_is_a_layout_mismatch() -> None:
    check = check_gradient(tr(mul(A, X, B)), X, mul(B, A), Context(), DEN, SEED)
    assert not check.ok and check.transpose_ok


def test_numerator_layout_vector_gradient_is_a_row() -> None:
    f = mul(T(a), x)
    assert check_gradient(f, x, T(a), Context(), NUM, SEED).ok
    as_column = check_gradient(f, x, a, Context(), NUM, SEED)
    assert not as_column.ok and as_column.transpose_ok


@pytest.mark.parametrize("layout", [DEN, NUM])
def test_symmetric_truth_passes_both_layouts(layout: Layout) -> None:
    assert check_gradient(tr(X), X, I, Context(), layout, SEED).ok
    spd = Context(assumptions={"X": frozenset({"spd"})})
    assert check_gradient(log(Det(X)), X, inv(X), spd, layout, SEED).ok


def test_gradient_wrt_symmetric_matrix_accepts_symmetric_forms() -> None:
    ctx = Context(assumptions={"X": frozenset({"symmetric"})})
    f = tr(mul(A, X))
    assert check_gradient(f, X, T(A), ctx, DEN, SEED).ok  # unconstrained gradient
    cookbook = check_gradient(f, X, sub(add(A, T(A)), had(A, I)), ctx, DEN, SEED)  # cb 141
    assert cookbook.ok and "symmetric" in (cookbook.reading or "")
    assert not check_gradient(f, X, mul(n(2), A), ctx, DEN, SEED).ok


def test_gradient_wrt_transposed_variable() -> None:
    assert check_gradient(tr(mul(A, X, B)), T(X), mul(B, A), Context(), DEN, SEED).ok


def test_jacobian_of_a_vector_by_a_vector() -> None:
    assert check_gradient(mul(A, x), x, T(A), Context(), DEN, SEED).ok
    assert check_gradient(mul(A, x), x, A, Context(), NUM, SEED).ok
    assert not check_gradient(mul(A, x), x, mul(n(2), T(A)), Context(), DEN, SEED).ok


def test_derivative_by_a_scalar() -> None:
    t = sc("t")
    assert check_gradient(mul(t, A), t, A, Context(), DEN, SEED).ok
    assert check_gradient(Func("exp", mul(t, x)), t, had(x, Func("exp", mul(t, x))), Context(), DEN, SEED).ok


# --- readings ------------------------------------------------------------------------------------

def test_matrix_function_reading_is_found_and_named() -> None:
    f = tr(Func("exp", X))
    check = check_gradient(f, X, T(Func("exp", X)), Context(), DEN, SEED)
    assert check.ok and "matrix function" in (check.reading or "")
    entrywise = check_gradient(f, X, had(I, Func("exp", X)), Context(), DEN, SEED)
    assert entrywise.ok and "entrywise" in (entrywise.reading or "")


def test_document_settles_the_reading() -> None:
    f = tr(Func("exp", X))
    ctx = Context(elementwise_functions=True)
    assert not check_gradient(f, X, T(Func("exp", X)), ctx, DEN, SEED).ok


def test_otimes_readings() -> None:
    # vec(AXB) = (B^T ⊗ A) vec(X): true as a Kronecker product.
    lhs = Func("vec", mul(A, X, B))
    rhs = mul(Kron((T(B), A)), Func("vec", X))
    check = check_equality(lhs, rhs, Context(), SEED)
    assert check.ok
    had_ctx = Context(otimes="hadamard")
    assert check_equality(Kron((X, Y)), had(Y, X), had_ctx, SEED).ok


def test_norm2_of_a_matrix_spectral_or_frobenius() -> None:
    f = sq(Norm(X, "2"))
    check = check_gradient(f, X, mul(n(2), X), Context(), DEN, SEED)
    assert check.ok and "Frobenius" in (check.reading or "")


# --- equalities -------------------------------------------------------------------------------------

def test_transpose_of_product() -> None:
    assert check_equality(T(mul(A, B)), mul(T(B), T(A)), Context(), SEED).ok
    assert not check_equality(T(mul(A, B)), mul(T(A), T(B)), Context(), SEED).ok


def test_transpose_of_product_with_declared_nonsquare_shapes() -> None:
    ctx = Context(shapes={"A": ("m", "n"), "B": ("n", "p")})
    assert check_equality(T(mul(A, B)), mul(T(B), T(A)), ctx, SEED).ok
    with pytest.raises(Unsupported) as info:
        check_equality(T(mul(A, B)), mul(T(A), T(B)), ctx, SEED)
    assert info.value.reason is Reason.SHAPE


@pytest.mark.parametrize("lhs,rhs,ok", [
    (tr(mul(A, B)), tr(mul(B, A)), True),
    (tr(mul(A, B, C)), tr(mul(C, A, B)), True),
    (tr(mul(A, B, C)), tr(mul(A, C, B)), False),
    (inv(mul(A, B)), mul(inv(B), inv(A)), True),
    (inv(mul(A, B)), mul(inv(A), inv(B)), False),
    (Det(mul(A, B)), mul(Det(A), Det(B)), True),
    (Det(T(A)), Det(A), True),
    (Det(mul(n(2), A)), mul(n(2), Det(A)), False),
    (had(x, y), mul(Diag(x), y), True),
    (mul(T(x), y), tr(mul(y, T(x))), True),
    (sq(Norm(X, "F")), tr(mul(T(X), X)), True),
    (mul(T(A), A), mul(A, T(A)), False),
    (sub(mul(A, inv(A)), I), Zero(), True),
    (sub(mul(A, inv(A)), I), n(0), True),
    (mul(X, inv(X)), mul(n(2), I), False),
])
def test_equalities(lhs: Expr, rhs: Expr, ok: bool) -> None:
    assert check_equality(lhs, rhs, Context(), SEED).ok is ok


def test_equality_with_derivative_nodes_and_definitions() -> None:
    f, g = Symbol("f"), Symbol("g")
    ctx = Context(definitions={"f": tr(mul(A, X, D)), "g": tr(mul(E, X, T(C)))})
    lhs = add(Derivative(f, X), Derivative(g, X))
    assert check_equality(lhs, add(mul(T(A), T(D)), mul(T(E), C)), ctx, SEED).ok
    assert not check_equality(lhs, add(mul(A, D), mul(T(E), C)), ctx, SEED).ok
    numerator = check_equality(lhs, add(mul(T(A), T(D)), mul(T(E), C)), ctx, SEED, layout=NUM)
    assert not numerator.ok and numerator.transpose_ok


def test_undefined_function_is_unsupported() -> None:
    with pytest.raises(Unsupported) as info:
        check_equality(Derivative(Symbol("f"), X), A, Context(), SEED)
    assert info.value.reason is Reason.UNDEFINED
    with pytest.raises(Unsupported) as info:
        check_gradient(Symbol("f"), X, A, Context(), DEN, SEED)
    assert info.value.reason is Reason.UNDEFINED
    with pytest.raises(Unsupported) as info:
        check_equality(Apply(Symbol("g"), (X,)), A, Context(), SEED)
    assert info.value.reason is Reason.UNDEFINED


def test_definition_as_assumption_of_a_vector() -> None:
    # a = A^T 1 given as a definition: 1^T A x = a^T x.
    ctx = Context(definitions={"a": mul(T(A), one)})
    assert check_equality(mul(T(one), A, x), mul(T(a), x), ctx, SEED).ok
    assert check_gradient(mul(T(one), A, x), x, a, ctx, DEN, SEED).ok


def test_query_is_unsupported() -> None:
    with pytest.raises(Unsupported):
        check_gradient(tr(X), X, Query(), Context(), DEN, SEED)


# --- differentials ----------------------------------------------------------------------------------

def d(e: Expr) -> Differential:
    return Differential(e)


@pytest.mark.parametrize("lhs,rhs,ok", [
    (d(mul(X, Y)), add(mul(d(X), Y), mul(X, d(Y))), True),
    (d(mul(X, Y)), add(mul(Y, d(X)), mul(X, d(Y))), False),
    (d(tr(X)), tr(d(X)), True),
    (d(Power(A, n(3))), add(mul(d(A), sq(A)), mul(A, d(A), A), mul(sq(A), d(A))), True),
    (d(Power(A, n(3))), mul(n(3), sq(A), d(A)), False),
    (d(inv(X)), neg(mul(inv(X), d(X), inv(X))), True),
    (d(inv(X)), neg(mul(inv(X), inv(X), d(X))), False),
    (d(tr(mul(A, X, B))), tr(mul(A, d(X), B)), True),
    (d(log(Det(X))), tr(mul(inv(X), d(X))), True),
    (d(T(X)), T(d(X)), True),
    (d(A), Zero(), True),
    (d(A), n(0), True),
])
def test_differentials(lhs: Expr, rhs: Expr, ok: bool) -> None:
    assert check_differential(lhs, rhs, Context(), SEED).ok is ok


def test_differential_chain_with_definition() -> None:
    f = Symbol("f")
    ctx = Context(definitions={"f": tr(mul(T(X), A, X))})
    assert check_differential(d(f), tr(d(mul(T(X), A, X))), ctx, SEED).ok
    assert check_differential(d(f), tr(mul(T(X), add(A, T(A)), d(X))), ctx, SEED).ok
    assert not check_differential(d(f), tr(mul(T(X), A, d(X))), ctx, SEED).ok


# --- domains ------------------------------------------------------------------------------------------

def test_log_of_entries_samples_positive_values() -> None:
    insts = sample_instances([tr(mul(T(V), log(mul(A, X, B))))], Context(), SEED)
    for inst in insts:
        prod = inst.values["A"] @ inst.values["X"] @ inst.values["B"]
        assert (prod > 0).all()


def test_inverse_samples_are_well_conditioned() -> None:
    import numpy as np

    for inst in sample_instances([tr(inv(X))], Context(), SEED, count=4):
        assert np.linalg.cond(inst.values["X"]) < 1e3


def test_instances_have_distinct_nonsquare_sizes() -> None:
    ctx = Context(shapes={"X": ("m", "n")})
    insts = sample_instances([mul(A, X, B)], ctx, SEED, count=3)
    shapes = [inst.shapes["X"] for inst in insts]
    assert all(r != c for r, c in shapes)
    assert len(set(shapes)) == 3
    assert all(len(set(inst.sizes.values())) == len(inst.sizes) for inst in insts)


def test_assumptions_shape_the_samples() -> None:
    import numpy as np

    ctx = Context(assumptions={"S": frozenset({"symmetric"}), "P": frozenset({"spd"}),
                               "Q": frozenset({"orthogonal"}), "G": frozenset({"diagonal"})})
    S, P, Q, G = M("S"), M("P"), M("Q"), M("G")
    inst = sample_instances([add(S, P, Q, G)], ctx, SEED)[0]
    v = inst.values
    assert np.allclose(v["S"], v["S"].T)
    assert np.all(np.linalg.eigvalsh(v["P"]) > 0)
    assert np.allclose(v["Q"].T @ v["Q"], np.eye(len(v["Q"])))
    assert np.allclose(v["G"], np.diag(np.diag(v["G"])))


def test_no_valid_sample_is_a_domain_problem() -> None:
    # log of a negative quantity everywhere: -(X∘X) - 1 entries.
    f = mul(T(one), log(sub(neg(had(X, X)), J)), one)
    with pytest.raises(Unsupported) as info:
        check_gradient(f, X, X, Context(), DEN, SEED)
    assert info.value.reason is Reason.DOMAIN


def test_singular_for_some_sizes_uses_other_sizes() -> None:
    # X^T A X is singular whenever X has more columns than rows; other instances are used.
    f = log(Det(mul(T(X), A, X)))
    assert check_gradient(f, X, add(mul(A, X, inv(mul(T(X), A, X))), mul(T(A), X, inv(mul(T(X), T(A), X)))),
                          Context(), DEN, SEED).ok


# --- determinism, shapes, misc -------------------------------------------------------------------------

def test_same_seed_same_verdict() -> None:
    args = (tr(mul(A, X, B)), X, mul(T(B), T(A)), Context(), DEN)
    assert check_gradient(*args, 7) == check_gradient(*args, 7)
    assert all(not check_gradient(*args, s).ok for s in range(5))
    assert check_equality(T(mul(A, B)), mul(T(B), T(A)), Context(), 3) == \
        check_equality(T(mul(A, B)), mul(T(B), T(A)), Context(), 3)


def test_shape_error_in_the_function_is_reported() -> None:
    ctx = Context(shapes={"A": ("m", "n"), "X": ("m", "n")})
    with pytest.raises(Unsupported) as info:
        check_gradient(tr(mul(A, X)), X, A, ctx, DEN, SEED)
    assert info.value.reason is Reason.SHAPE
    assert "m×n" in info.value.detail


def test_gradient_of_impossible_shape_is_a_shape_problem() -> None:
    ctx = Context(shapes={"X": ("m", "n"), "a": ("m", 1)})
    with pytest.raises(Unsupported) as info:
        check_gradient(tr(mul(T(X), X)), X, a, ctx, DEN, SEED)
    assert info.value.reason is Reason.SHAPE


def test_true_gradient_and_evaluate_at() -> None:
    import numpy as np

    f = tr(mul(A, X, B))
    inst = sample_instances([f], Context(), SEED)[0]
    g = true_gradient(f, X, inst)
    assert np.allclose(g, inst.values["A"].T @ inst.values["B"].T)
    # a new tree with an identity: its size is inferred at the instance
    val = evaluate_at(add(mul(X, B), mul(n(0), X, B, I)), inst)
    assert np.allclose(val, inst.values["X"] @ inst.values["B"])
    both = evaluate_at(Derivative(f, X), inst, readings=Readings(), layout=NUM)
    assert np.allclose(both, g.T)


def test_parsed_latex_claims() -> None:
    """Once the mathtex parser is present, real LaTeX goes through the same oracle."""
    mathtex = pytest.importorskip("mathlint.parsers.mathtex")
    parsed = mathtex.parse_math(
        r"\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B})}{\partial \mathbf{X}}"
        r" = \mathbf{A}^T\mathbf{B}^T")
    assert not parsed.problems
    lhs, rhs = parsed.statements[0].sides
    assert isinstance(lhs, Derivative)
    assert check_gradient(lhs.expr, lhs.wrt, rhs, Context(), DEN, SEED).ok


def test_size_names_used_as_numbers_take_the_size() -> None:
    # det(cA) = c^n det(A) for A n×n: the n in the exponent is the size.
    ctx = Context(shapes={"A": ("n", "n")})
    c, nn = sc("c"), sc("n")
    assert check_equality(Det(mul(c, A)), mul(Power(c, nn), Det(A)), ctx, SEED).ok
    assert not check_equality(Det(mul(c, A)), mul(c, Det(A)), ctx, SEED).ok


def test_matrix_power_with_symbolic_exponent_is_unsupported() -> None:
    # J^{ij} (single-entry matrices) is notation, not a power.
    Jij = Power(M("J"), mul(Symbol("i"), Symbol("j")))
    with pytest.raises(Unsupported) as info:
        check_equality(mul(Jij, Jij), Jij, Context(), SEED)
    assert info.value.reason is Reason.NOT_SUPPORTED


def test_variables_of_a_differential_keep_their_names() -> None:
    # z is defined elsewhere, but dz makes it the variable here (mitmath pset 2).
    z = Symbol("z")
    ctx = Context(shapes={"A": ("m", "m")}, definitions={"z": tr(A)})
    zIA = sub(mul(z, I), A)
    lhs = mul(Det(zIA), tr(mul(inv(zIA), d(zIA))))
    rhs = mul(Det(zIA), tr(inv(zIA)), d(z))
    assert check_differential(lhs, rhs, ctx, SEED).ok


def test_vectors_multiplied_without_transpose_are_a_shape_problem() -> None:
    w = vec("w")
    with pytest.raises(Unsupported) as info:
        check_gradient(mul(x, add(mul(w, x), sc("b"))), x, I, Context(), DEN, SEED)
    assert info.value.reason is Reason.SHAPE


def test_lone_exponent_symbols_are_integers() -> None:
    k = Symbol("k")
    assert check_equality(Det(Power(A, k)), Power(Det(A), k), Context(), SEED).ok
    assert not check_equality(Det(Power(A, k)), mul(k, Det(A)), Context(), SEED).ok


def test_power_of_a_lowercase_letter_reads_it_as_a_scalar() -> None:
    xs, k = Symbol("x"), Symbol("k")
    assert check_gradient(Power(xs, k), xs, mul(k, Power(xs, add(k, n(-1)))), Context(), DEN, SEED).ok


def test_wrong_claim_that_holds_for_symmetric_matrices_says_so() -> None:
    check = check_gradient(mul(T(x), A, x), x, mul(n(2), A, x), Context(), DEN, SEED)
    assert not check.ok and check.holds_if == "A symmetric"
    sigma = M("\\Sigma")
    cov = check_gradient(log(Det(sigma)), sigma, inv(sigma), Context(), DEN, SEED)
    assert not cov.ok and cov.transpose_ok and cov.holds_if == "\\Sigma symmetric"
    assert check_gradient(tr(mul(A, X, B)), X, mul(A, B), Context(), DEN, SEED).holds_if is None
    eq = check_equality(mul(T(A), B, A), mul(A, B, T(A)), Context(), SEED)
    assert not eq.ok and eq.holds_if is not None and "A" in eq.holds_if


@pytest.mark.parametrize("lhs,rhs", [(I, n(1)), (J, mul(n(3), Det(I))), (I, Norm(one, None))])
def test_identity_or_ones_of_size_one_is_a_shape_problem(lhs: Expr, rhs: Expr) -> None:
    with pytest.raises(Unsupported) as info:
        check_equality(lhs, rhs, Context(), SEED)
    assert info.value.reason is Reason.SHAPE


def test_sizes_only_leaves_have_are_shared_between_sides() -> None:
    # J1 has entries equal to the (unstated) length of 1: both sides mean the same length.
    e = mul(J, one)
    assert check_equality(e, mul(n(Fraction(1, 2)), add(e, e)), Context(), SEED).ok
    assert check_equality(mul(T(one), one), Symbol("n"), Context(), SEED).ok
    assert check_equality(tr(I), Symbol("n"), Context(), SEED).ok


def test_results_that_cancel_to_rounding_noise_agree() -> None:
    # X ⊘ X is J whatever X is: its derivative is rounding noise on both sides.
    f = tr(Div(Div(X, X), B))
    assert check_gradient(f, X, Derivative(f, X), Context(), DEN, SEED).ok
    assert check_equality(Div(X, X), J, Context(), SEED).ok
    assert check_differential(d(Div(X, X)), mul(n(0), d(X)), Context(), SEED).ok


def test_doctests() -> None:
    import doctest

    import mathlint.checker.budget as budget
    import mathlint.checker.instances as instances
    import mathlint.checker.oracle as oracle

    for mod in (budget, instances, oracle):
        assert doctest.testmod(mod).failed == 0, mod.__name__


def test_a_plain_d_before_a_product_is_the_differential_operator() -> None:
    # d\space e^{Xb} = e^{Xb} ⊙ (dX b), as a PDF-converted note writes it (the parser sees d · e^{Xb}).
    Xs, bv = Symbol("X"), vec("b")
    e_xb = Func("exp", mul(Xs, bv))
    assert check_differential(mul(Symbol("d"), e_xb), had(e_xb, mul(d(Xs), bv)), Context(), SEED).ok
