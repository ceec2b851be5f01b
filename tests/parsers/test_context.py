"""Prose facts: layout, assumptions, shapes, readings, stationarity, refutations — with positions."""

from __future__ import annotations

import pytest

from mathlint.parsers.context import prose_facts
from mathlint.parsers.latex_spans import extract_latex
from mathlint.parsers.markdown_spans import extract_markdown
from mathlint.parsers.rst_spans import extract_rst


def _facts(text: str, kind: str | None = None) -> list[tuple[str, str, str]]:
    doc = extract_markdown("c.md", text)
    return [(f.kind, f.subject, f.value) for f in prose_facts(doc) if kind is None or f.kind == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We use numerator layout throughout.", [("layout", "declared", "numerator")]),
        ("In this note we follow the denominator~layout.", [("layout", "declared", "denominator")]),
        ("This is called the *denominator layout matrix derivative*.", [("layout", "mentioned", "denominator")]),
        ("We use the Jacobian formulation.", [("layout", "declared", "numerator")]),
        ("We use the gradient layout, not the numerator layout.", [("layout", "declared", "denominator")]),
        ("This is not the numerator layout.", []),
        ("我们使用分子布局，其中变量水平排列。", [("layout", "declared", "numerator")]),
        ("分母布局的结果均是分子布局的转置。", []),
        ("In numerator layout the result is a row, in denominator layout a column.", []),
    ],
)
def test_layout(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert sorted(_facts(text, "layout")) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Suppose $A$ is symmetric.", [("A", "symmetric")]),
        ("where $\\mathbf{A}$ is a symmetric positive definite matrix", [("\\mathbf{A}", "spd")]),
        ("Here $A$ and $B$ are invertible.", [("A", "invertible"), ("B", "invertible")]),
        ("Let $A, B$ be orthogonal matrices.", [("A", "orthogonal"), ("B", "orthogonal")]),
        ("For a diagonal matrix $D$ we get", [("D", "diagonal")]),
        ("if $\\Sigma$ is positive definite and $x$ is positive", [("\\Sigma", "spd"), ("x", "positive")]),
        ("$A \\in \\mathbb{R}^{n \\times n}$ is symmetric and invertible", [("A", "symmetric"), ("A", "invertible")]),
        ("$A$ is not symmetric.", []),
        ("其中 $A$ 是对称矩阵。", [("A", "symmetric")]),
        ("$A$ is nonsingular", [("A", "invertible")]),
    ],
)
def test_assumptions(text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted((s, v) for _, s, v in _facts(text, "assume")) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Let $X$ be an $m \\times n$ matrix.", [("X", "m,n")]),
        ("where $x \\in \\mathbb{R}^n$ and $Y \\in \\mathbb{R}^{p\\times q}$.", [("x", "n,1"), ("Y", "p,q")]),
        ("Matrices $A, B \\in \\R^{k \\times k}$ are given.", [("A", "k,k"), ("B", "k,k")]),
        ("Here $W$ is an m x n matrix.", [("W", "m,n")]),
        ("Let $v$ be an $n$-dimensional vector.", [("v", "n,1")]),
        ("and $a$ is a scalar.", [("a", "1,1")]),
        ("$X$ is a square matrix.", []),
    ],
)
def test_shapes(text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted((s, v) for _, s, v in _facts(text, "shape")) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The $\\log$ is applied elementwise.", [("log", "true")]),
        ("where $\\exp$ acts entry-wise on the matrix", [("exp", "true")]),
        ("Functions are applied element-wise.", [("", "true")]),
        ("do not use the elementwise exponential!", [("exp", "false")]),
        ("Here $\\exp$ is the matrix exponential.", [("exp", "false")]),
        ("the elementwise product of $A$ and $B$", []),
    ],
)
def test_elementwise_readings(text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted((s, v) for _, s, v in _facts(text, "elementwise")) == sorted(expected)


def test_otimes_norm2_stationary_refute() -> None:
    assert _facts("We write $\\otimes$ for elementwise multiplication.", "otimes") == [("otimes", "\\otimes", "hadamard")]
    assert _facts("and $A \\otimes B$ is the Kronecker product", "otimes") == [("otimes", "\\otimes", "kron")]
    assert _facts("Here $\\|X - UV\\|_2^2$ denotes the Frobenius norm.", "norm2") == [("norm2", "", "frobenius")]
    assert _facts("Setting the gradient to zero gives $x$.", "stationary") == [("stationary", "", "true")]
    assert _facts("and set it equal to $0$.", "stationary") == [("stationary", "", "true")]
    assert _facts("But this guess is incorrect.", "refute") == [("refute", "", "true")]
    assert _facts("This is wrong: the order matters.", "refute") == [("refute", "", "true")]
    assert _facts("The result is correct.", "refute") == []


def test_fact_span_is_the_sentence() -> None:
    doc = extract_markdown("c.md", "Intro. Then $A$ is symmetric. End.\n")
    (fact,) = prose_facts(doc)
    assert doc.text[fact.span.start:fact.span.end] == "Then $A$ is symmetric."
    assert (fact.span.line, fact.span.col) == (1, 8)


def test_dots_inside_math_do_not_end_sentences() -> None:
    doc = extract_markdown("c.md", "Let $x_1, \\ldots. x_n$ be given and $A$ is symmetric.\n")
    (fact,) = prose_facts(doc)
    assert (fact.kind, fact.subject, fact.span.col) == ("assume", "A", 1)


def test_facts_in_latex_and_rst_prose() -> None:
    tex = extract_latex("c.tex", "We use numerator layout. % comment\nLet $\\Av$ be symmetric.\n")
    assert [(f.kind, f.span.line) for f in prose_facts(tex)] == [("layout", 1), ("assume", 2)]
    rst = extract_rst("c.rst", "Here :math:`A` is symmetric.\n")
    assert [(f.kind, f.subject) for f in prose_facts(rst)] == [("assume", "A")]


def test_latex_macros_are_expanded_in_subjects() -> None:
    doc = extract_latex("c.tex", "\\def\\Av{\\mathbf{A}}\nLet $\\Av$ be symmetric.\n")
    assert [(f.subject, f.value) for f in prose_facts(doc)] == [("\\mathbf{A}", "symmetric")]


def test_no_prose_no_facts() -> None:
    assert prose_facts(extract_markdown("e.md", "")) == ()
