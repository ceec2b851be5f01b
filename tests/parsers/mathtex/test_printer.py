"""Printing trees back as LaTeX in the document's notation, and as plain Unicode text."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mathlint.parsers.expr import (
    Add, Div, Hadamard, Inverse, Mul, NotationStyle, Norm, Number, Power, Sum, Symbol, Trace, Transpose,
)
from mathlint.parsers.mathtex import parse_math
from mathlint.parsers.mathtex.printer import to_latex, to_text

from .test_fixtures import CASES

A = Symbol("A", "matrix", bold=True)
B = Symbol("B", "matrix", bold=True)
C = Symbol("C", "matrix", bold=True)
X = Symbol("X", "matrix", bold=True)
x = Symbol("x", "vector", bold=True)
MATHBF = NotationStyle(bold="mathbf")


def test_bold_styles() -> None:
    assert to_latex(Mul((A, X)), MATHBF) == r"\mathbf{A}\mathbf{X}"
    assert to_latex(Mul((A, X)), NotationStyle(bold="bm")) == r"\bm{A}\bm{X}"
    assert to_latex(Symbol("\\Sigma", "matrix", bold=True), MATHBF) == r"\boldsymbol{\Sigma}"


def test_transpose_marks() -> None:
    assert to_latex(Mul((Transpose(A), X)), NotationStyle(bold="mathbf", transpose="^\\top")) == r"\mathbf{A}^\top\mathbf{X}"
    assert to_latex(Mul((Transpose(Symbol("A")), Symbol("X"))), NotationStyle(transpose="^\\top")) == r"A^\top X"
    assert to_latex(Transpose(A), NotationStyle(bold="mathbf", transpose="'")) == r"\mathbf{A}'"
    assert to_latex(Transpose(A), NotationStyle(bold="mathbf", transpose="^{\\mathsf T}")) == r"\mathbf{A}^{\mathsf T}"


def test_inverse_transpose() -> None:
    assert to_latex(Inverse(Transpose(X)), MATHBF) == r"\mathbf{X}^{-T}"
    style = NotationStyle(bold="mathbf", transpose="^\\top", inverse_transpose="^{-\\top}")
    assert to_latex(Inverse(Transpose(X)), style) == r"\mathbf{X}^{-\top}"
    assert to_latex(Transpose(Inverse(X)), MATHBF) == r"(\mathbf{X}^{-1})^T"


def test_trace_spelling_and_brackets() -> None:
    tr = Trace(Mul((A, X, B)))
    assert to_latex(tr, MATHBF) == r"\operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B})"
    assert to_latex(tr, NotationStyle(bold="mathbf", trace="\\mathrm{Tr}", brackets="[]")) == r"\mathrm{Tr}[\mathbf{A}\mathbf{X}\mathbf{B}]"
    assert to_latex(Trace(Symbol("X")), NotationStyle(trace="tr")) == "tr(X)"


def test_scalar_factors_and_signs() -> None:
    assert to_latex(Mul((Number(Fraction(2)), X)), MATHBF) == r"2\mathbf{X}"
    assert to_latex(Mul((Number(Fraction(-1)), X)), MATHBF) == r"-\mathbf{X}"
    assert to_latex(Mul((Number(Fraction(1, 2)), X)), MATHBF) == r"\frac{1}{2}\mathbf{X}"
    assert to_latex(Add((A, Mul((Number(Fraction(-2)), B)))), MATHBF) == r"\mathbf{A} - 2\mathbf{B}"
    assert to_latex(Add((Mul((Number(Fraction(-1)), A)), B)), MATHBF) == r"-\mathbf{A} + \mathbf{B}"


def test_parentheses_only_where_needed() -> None:
    assert to_latex(Transpose(Mul((A, B))), MATHBF) == r"(\mathbf{A}\mathbf{B})^T"
    assert to_latex(Mul((A, Add((B, C)))), MATHBF) == r"\mathbf{A} (\mathbf{B} + \mathbf{C})"
    assert to_latex(Add((A, Mul((B, C)))), MATHBF) == r"\mathbf{A} + \mathbf{B}\mathbf{C}"
    assert to_latex(Hadamard((A, Mul((B, C)))), MATHBF) == r"\mathbf{A} \odot \mathbf{B}\mathbf{C}"
    assert to_latex(Mul((Hadamard((A, B)), C)), MATHBF) == r"(\mathbf{A} \odot \mathbf{B})\mathbf{C}"
    assert to_latex(Add((A, Mul((Number(Fraction(-1)), Add((B, C)))))), MATHBF) == r"\mathbf{A} - (\mathbf{B} + \mathbf{C})"


def test_elementwise_division() -> None:
    assert to_latex(Div(A, B, note="\\oslash"), MATHBF) == r"\mathbf{A} \oslash \mathbf{B}"
    assert to_latex(Div(A, Mul((B, C))), MATHBF) == r"\frac{\mathbf{A}}{\mathbf{B}\mathbf{C}}"


def test_norms_and_sums() -> None:
    assert to_latex(Power(Norm(x, "2"), Number(Fraction(2))), MATHBF) == r"\|\mathbf{x}\|_{2}^{2}"
    body = Mul((Symbol("a", subscript="i"), Symbol("b", subscript="i")))
    assert to_latex(Sum(body, "i", Number(Fraction(1)), Symbol("n"))) == r"\sum_{i=1}^{n} a_{i}b_{i}"
    assert to_latex(Mul((Sum(body, "i"), Symbol("c")))) == r"(\sum_{i} a_{i}b_{i})c"


def test_unstyled_printing_keeps_each_nodes_notation() -> None:
    latex = r"\mathrm{Tr}[\boldsymbol{X}^\top \boldsymbol{A}]"
    tree = parse_math(latex).statements[0].sides[0]
    assert to_latex(tree) == r"\mathrm{Tr}[\boldsymbol{X}^\top\boldsymbol{A}]"


def test_to_text() -> None:
    assert to_text(Mul((Transpose(A), X))) == "AᵀX"
    assert to_text(Inverse(X)) == "X⁻¹"
    assert to_text(Inverse(Transpose(X))) == "X⁻ᵀ"
    assert to_text(Trace(Mul((A, X, B)))) == "tr(AXB)"
    assert to_text(Hadamard((A, B))) == "A ⊙ B"
    assert to_text(Power(Norm(x, "2"), Number(Fraction(2)))) == "‖x‖₂²"
    assert to_text(Add((A, Mul((Number(Fraction(-2)), B))))) == "A − 2B"
    assert to_text(parse_math(r"\frac{\partial f}{\partial \mathbf{X}}").statements[0].sides[0]) == "∂f/∂X"


def _sides(latex: str):  # type: ignore[no-untyped-def]
    parse = parse_math(latex)
    if parse.problems:
        return []
    return [s for st in parse.statements for s in st.sides if s is not None]


ROUND_TRIP = [(t, s[:-1]) for t, s, _ in CASES if _sides(s[:-1])]


@pytest.mark.parametrize("title,latex", ROUND_TRIP, ids=[t for t, _ in ROUND_TRIP])
def test_fixture_cases_round_trip(title: str, latex: str) -> None:
    """Every side the parser reads prints back to LaTeX that parses to the same tree."""
    for tree in _sides(latex):
        for style in (None, parse_math(latex).style, NotationStyle(bold="bm", transpose="'", trace="\\mathrm{Tr}", brackets="[]")):
            printed = to_latex(tree, style)
            again = parse_math(printed)
            assert not again.problems, (printed, again.problems)
            assert [s for st in again.statements for s in st.sides] == [tree], printed
        assert to_text(tree)
