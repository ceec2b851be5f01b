"""The sympy bridge: Expr ⇄ sympy built node by node; sympy's diff only as a checked candidate."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mathlint.checker.claims import Context
from mathlint.checker.derive import derive_gradient, shape_view
from mathlint.checker.options import Layout
from mathlint.checker.oracle import check_equality, check_gradient
from mathlint.checker.sympy_bridge import BridgeError, from_sympy, sympy_canonical, sympy_gradient, to_sympy
from mathlint.parsers.expr import Kron, Symbol
from mathlint.parsers.mathtex import parse_math

CTX = Context(shapes={"X": ("m", "n")})
SQ = Context(shapes={"X": ("n", "n")})


def side(latex: str):
    return parse_math(latex).statements[0].sides[-1]


X = side("\\mathbf{X}")


def test_to_sympy_builds_matrix_expressions():
    f = side("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})")
    obj, made = to_sympy(f, shape_view((f, X), CTX))
    assert str(obj) == "Trace(A*X*B)"
    assert set(made) == {"A", "X", "B"}


def test_scalar_products_become_traces():
    f = side("\\mathbf{a}^T\\mathbf{X}\\mathbf{b}")
    obj, _ = to_sympy(f, shape_view((f, X), CTX))
    assert str(obj) == "Trace(a.T*X*b)"


@pytest.mark.parametrize("latex", [
    "\\mathbf{A}^T\\mathbf{X}\\mathbf{B} + 2\\mathbf{X}",
    "\\mathbf{X}^{-1}\\mathbf{A}",
    "\\mathbf{A} \\odot \\mathbf{X}",
    "\\det(\\mathbf{X})\\mathbf{X}^{-T}",
])
def test_round_trip_keeps_the_value(latex):
    e = side(latex)
    view = shape_view((e,), SQ)
    obj, made = to_sympy(e, view)
    back = from_sympy(obj, made)
    assert check_equality(e, back, SQ, 3).ok


@pytest.mark.parametrize("f_latex", [
    "\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B}\\mathbf{X}^T)",
    "\\operatorname{tr}(\\mathbf{X}^T\\mathbf{A}\\mathbf{X})",
    "\\mathbf{a}^T\\mathbf{X}\\mathbf{b}",
    "\\operatorname{tr}(\\mathbf{A}\\mathbf{X}^{-1}\\mathbf{B})",
])
def test_sympy_cross_check_agrees_where_it_works(f_latex):
    ctx = SQ if "-1" in f_latex else CTX
    f = side(f_latex)
    ours = derive_gradient(f, X, ctx, Layout.DENOMINATOR).expr
    theirs = sympy_gradient(f, X, shape_view((f, X), ctx))
    assert theirs is not None
    assert check_gradient(f, X, theirs, ctx, Layout.DENOMINATOR, 5).ok
    assert check_equality(ours, theirs, ctx, 5).ok


@pytest.mark.parametrize("f_latex", ["\\log\\det(\\mathbf{X})", "\\det(\\mathbf{X})^2"])
def test_sympy_is_never_trusted_unchecked(f_latex):
    """sympy differentiates log(det(X)) to 0 (issue 3 §1): the oracle rejects it, we do not."""
    f = side(f_latex)
    theirs = sympy_gradient(f, X, shape_view((f, X), SQ))
    assert theirs is None or not check_gradient(f, X, theirs, SQ, Layout.DENOMINATOR, 5).ok
    ours = derive_gradient(f, X, SQ, Layout.DENOMINATOR)
    assert check_gradient(f, X, ours.expr, SQ, Layout.DENOMINATOR, 5).ok


def test_diag_matrix_makes_sympy_give_up_quietly():
    f = side("\\mathbf{x}^T\\operatorname{diag}(\\mathbf{a})\\mathbf{x}")
    x = side("\\mathbf{x}")
    assert sympy_gradient(f, x, shape_view((f, x), Context())) is None


def test_unbridgeable_nodes_raise_bridge_error():
    K = Kron((Symbol("A", "matrix"), Symbol("B", "matrix")))
    with pytest.raises(BridgeError):
        to_sympy(K, shape_view((K,), CTX))


def test_sympy_canonical_collects():
    e = side("\\mathbf{X} + \\mathbf{X}")
    out = sympy_canonical(e, shape_view((e,), CTX))
    assert out is not None and check_equality(e, out, CTX, 1).ok


def test_sympy_is_not_imported_by_the_derivation_modules():
    code = ("import sys; import mathlint.checker.derive, mathlint.checker.simplify, "
            "mathlint.checker.terms, mathlint.checker.explain, mathlint.checker.sympy_bridge; "
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
