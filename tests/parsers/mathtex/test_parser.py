"""Statements, exact trees, exact local offsets, notation notes and the span's style."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mathlint.parsers.expr import (
    Add, Apply, Derivative, Differential, Entry, Func, Inverse, MatrixLiteral, Mul, NotationStyle,
    Number, Query, Statement, Sum, Symbol, Trace, Transpose, Zero,
)
from mathlint.parsers.mathtex import parse_math
from mathlint.parsers.mathtex.parser import is_unparsed

from .invariants import check_parse


def M(name: str) -> Symbol:
    return Symbol(name, "matrix", bold=True)


def one(latex: str) -> Statement:
    parse = parse_math(latex)
    check_parse(latex, parse)
    assert not parse.problems, parse.problems
    assert len(parse.statements) == 1, parse.statements
    return parse.statements[0]


def side(latex: str, k: int = 0):  # type: ignore[no-untyped-def]
    return one(latex).sides[k]


def at(latex: str, loc: tuple[int, int] | None) -> str:
    assert loc is not None
    return latex[loc[0] : loc[1]]


# --- exact trees --------------------------------------------------------------------------

def test_bold_run_superscript_binds_to_last_letter() -> None:
    assert side(r"\mathbf{BCX}^T") == Mul((M("B"), M("C"), Transpose(M("X"))))


def test_bold_vector_and_matrix_kinds() -> None:
    assert side(r"\mathbf{Ax}") == Mul((M("A"), Symbol("x", "vector", bold=True)))
    assert side(r"\boldsymbol\Sigma") == Symbol("\\Sigma", "matrix", bold=True)
    assert side("X") == Symbol("X")


def test_negation_is_a_leading_number() -> None:
    assert side("-2X") == Mul((Number(Fraction(-2)), Symbol("X")))
    assert side("A - B") == Add((Symbol("A"), Mul((Number(Fraction(-1)), Symbol("B")))))
    assert side(r"-\frac{1}{2}x") == Mul((Number(Fraction(-1, 2)), Symbol("x")))


def test_inverse_transpose() -> None:
    assert side("X^{-T}") == Inverse(Transpose(Symbol("X")))
    assert side(r"X^{-\top}") == Inverse(Transpose(Symbol("X")))


def test_derivative_of_trace() -> None:
    got = side(r"\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X})}{\partial \mathbf{X}}")
    assert got == Derivative(Trace(Mul((M("A"), M("X")))), M("X"), "partial")


def test_operator_derivative_takes_the_rest_of_the_product() -> None:
    got = side(r"\frac{\partial}{\partial \mathbf{X}} \mathbf{a}^T\mathbf{X}\mathbf{b} + c")
    a, b = Symbol("a", "vector", bold=True), Symbol("b", "vector", bold=True)
    assert got == Add((Derivative(Mul((Transpose(a), M("X"), b)), M("X")), Symbol("c")))


def test_differentials() -> None:
    st = one(r"d(\mathbf{X}\mathbf{Y}) = (d\mathbf{X})\mathbf{Y} + \mathbf{X}\,d\mathbf{Y}")
    X, Y = M("X"), M("Y")
    assert st.sides[0] == Differential(Mul((X, Y)))
    assert st.sides[1] == Add((Mul((Differential(X), Y)), Mul((X, Differential(Y)))))


def test_index_sum_and_entry() -> None:
    st = one(r"\frac{\partial g}{\partial Y_{qr}} = \sum_p C_{pq} D_{rp} = [\mathbf{DC}]_{rq}")
    assert st.sides[0] == Derivative(Symbol("g"), Symbol("Y", subscript="qr"))
    assert st.sides[1] == Sum(Mul((Symbol("C", subscript="pq"), Symbol("D", subscript="rp"))), "p")
    assert st.sides[2] == Entry(Mul((M("D"), M("C"))), (Symbol("r"), Symbol("q")))


def test_sum_limits() -> None:
    assert side(r"\sum_{i=1}^{n} x_i") == Sum(Symbol("x", subscript="i"), "i", Number(Fraction(1)), Symbol("n"))


def test_functions_elementwise_flag() -> None:
    assert side(r"\log(X)") == Func("log", Symbol("X"), None)
    assert side(r"\exp.(X)") == Func("exp", Symbol("X"), True)
    assert side(r"\log^{\circ}(X)") == Func("log", Symbol("X"), True)


# --- statements -----------------------------------------------------------------------------

def test_chain_side_locs_are_exact() -> None:
    latex = r"\frac{\partial f}{\partial X} = A^T B + C = \operatorname{tr}(X)"
    st = one(latex)
    assert st.relations == ("=", "=")
    assert [at(latex, loc) for loc in st.side_locs] == [r"\frac{\partial f}{\partial X}", "A^T B + C", r"\operatorname{tr}(X)"]
    assert at(latex, st.loc) == latex


def test_align_rows() -> None:
    latex = "f &= A + B \\\\\n  &= C \\\\ g &\\leq D"
    parse = parse_math(latex)
    check_parse(latex, parse)
    assert [(s.row, s.relations) for s in parse.statements] == [(0, ("=",)), (1, ("=",)), (2, ("\\leq",))]
    second = parse.statements[1]
    assert second.sides[0] is None and second.side_locs[0] is None
    assert at(latex, second.side_locs[1]) == "C"
    assert at(latex, parse.statements[2].side_locs[0]) == "g"


def test_markdown_double_row_break_counts_rows() -> None:
    parse = parse_math(r"a &= b \\\\ &= c")
    assert [s.row for s in parse.statements] == [0, 2]


def test_query_sides() -> None:
    st = one("f = ?")
    assert isinstance(st.sides[1], Query)
    st = one(r"\frac{\partial f}{\partial X} = ")
    assert isinstance(st.sides[1], Query)


def test_text_goes_to_the_statement() -> None:
    parse = parse_math(r"D = BX \quad \text{where } B = A^T")
    assert [s.text for s in parse.statements] == ["", "where"]
    assert parse.statements[1].sides[0] == Symbol("B")


def test_clause_locs() -> None:
    latex = r"A = B, \quad C = D."
    parse = parse_math(latex)
    assert [at(latex, s.loc) for s in parse.statements] == ["A = B", "C = D"]


def test_list_declaration_gives_each_name_its_statement() -> None:
    latex = r"\mathbf{A}, \mathbf{B} \in \mathbb{R}^{n \times n}"
    parse = parse_math(latex)
    assert [s.sides[0] for s in parse.statements] == [M("A"), M("B")]
    assert all(s.relations == ("\\in",) for s in parse.statements)
    assert [at(latex, s.side_locs[1]) for s in parse.statements] == [r"\mathbb{R}^{n \times n}"] * 2


def test_bare_expression_is_a_one_sided_statement() -> None:
    st = one(r"\mathbf{x}")
    assert st.relations == () and st.sides == (Symbol("x", "vector", bold=True),)


def test_unparsed_side_keeps_the_other_links() -> None:
    latex = r"a = \foo + 1 = b"
    parse = parse_math(latex)
    st = parse.statements[0]
    assert st.sides[0] == Symbol("a") and st.sides[2] == Symbol("b")
    assert is_unparsed(st.sides[1])
    assert at(latex, st.side_locs[1]) == r"\foo + 1"
    assert [(p.message, at(latex, p.loc)) for p in parse.problems] == [("unknown macro \\foo", "\\foo")]


# --- node locations -------------------------------------------------------------------------

def test_node_locs() -> None:
    latex = r"\operatorname{tr}(\mathbf{A}\mathbf{X}^\top) + 2\,\mathbf{x}_{i}"
    add = side(latex)
    trace, term = add.args
    assert at(latex, trace.loc) == r"\operatorname{tr}(\mathbf{A}\mathbf{X}^\top)"
    a, xt = trace.arg.args
    assert at(latex, a.loc) == r"\mathbf{A}"
    assert at(latex, xt.loc) == r"\mathbf{X}^\top"
    assert at(latex, xt.arg.loc) == r"\mathbf{X}"
    assert at(latex, term.loc) == r"2\,\mathbf{x}_{i}"
    assert at(latex, term.args[1].loc) == r"\mathbf{x}_{i}"


def test_negated_term_loc_includes_the_minus() -> None:
    latex = "A - 2B"
    add = side(latex)
    assert at(latex, add.args[1].loc) == "- 2B"


def test_matrix_entries_have_exact_locs() -> None:
    latex = r"\mathbf{B} = \begin{bmatrix} b_{11} & a_{12} & \cdots \\ \vdots & & \ddots \end{bmatrix}"
    st = one(latex)
    display = st.sides[1]
    assert isinstance(display, MatrixLiteral) and display.env == "bmatrix"
    assert [at(latex, e.loc) for e in display.rows[0]] == ["b_{11}", "a_{12}", r"\cdots"]
    assert display.rows[1][1] == Zero() and display.rows[1][1].note == "blank"


def test_bad_entry_is_a_placeholder_not_a_failure() -> None:
    latex = r"\begin{pmatrix} a & \foo \\ c & d \end{pmatrix}"
    parse = parse_math(latex)
    display = parse.statements[0].sides[0]
    assert isinstance(display, MatrixLiteral)
    assert is_unparsed(display.rows[0][1]) and at(latex, display.rows[0][1].loc) == r"\foo"
    assert display.rows[1] == (Symbol("c"), Symbol("d"))
    assert len(parse.problems) == 1


# --- notes and style --------------------------------------------------------------------

def test_notes_record_the_spelling() -> None:
    tr = side(r"\mathrm{Tr}[\boldsymbol{X}^{\mathsf{T}}]")
    assert tr.note == "\\mathrm{Tr}["
    assert tr.arg.note == "^{\\mathsf{T}}"
    assert tr.arg.arg.note == "boldsymbol"
    assert side("X'").note == "'"
    assert side("X^{-T}").note == "^{-T}"
    assert side(r"\ln x").note == "\\ln"


def test_style_is_the_dominant_notation() -> None:
    parse = parse_math(r"\operatorname{tr}(\bm{A}^\top \bm{B}) = \operatorname{tr}(\bm{B}^\top\bm{A}) = \mathbf{C}^T")
    assert parse.style == NotationStyle(bold="bm", transpose="^\\top", trace="\\operatorname{tr}", brackets="()", inverse_transpose="^{-\\top}")


def test_style_defaults_without_notation() -> None:
    assert parse_math("x").style == NotationStyle()


def test_style_brackets_and_inverse() -> None:
    parse = parse_math(r"\mathrm{tr}[X^{-T}] + \mathrm{tr}[Y]")
    assert parse.style.trace == "\\mathrm{tr}" and parse.style.brackets == "[]"
    assert parse.style.inverse_transpose == "^{-T}"


# --- macros argument --------------------------------------------------------------------

def test_macros_are_expanded_for_direct_callers() -> None:
    latex = r"\tr(\mX^\top\mA)"
    parse = parse_math(latex, (("\\mX", 0, "\\mathbf{X}"), ("\\mA", 0, "\\mathbf{A}")))
    tr = parse.statements[0].sides[0]
    assert tr == Trace(Mul((Transpose(M("X")), M("A"))))
    assert at(latex, tr.arg.args[0].arg.loc) == r"\mX"


# --- robustness -------------------------------------------------------------------------

MALFORMED = [
    "", " ", "}}}", "{", r"\frac{", r"\frac{a}", r"\begin{bmatrix} a", r"\end{bmatrix}", r"\left(", r"\right)",
    "^", "_", "^^", "x^", "x_", "&&&", r"\\\\", "= = =", "()", "[]", "||", r"\|", "|", r"\sum", r"\sum_", r"\sum_{i}",
    r"\frac{\partial}{\partial}", r"\frac{d}{d}", r"\partial", r"\nabla", r"\nabla_", "d", "d(", r"\mathbf", r"\mathbf{",
    r"\operatorname{tr}", "tr", r"\sqrt[", r"\begin{bmatrix}\end{bmatrix}", r"\begin{cases} a \end{cases}", r"\\", "\\",
    r"\text{", r"\overset{?}", r"\stackrel", r"\left.", "'", "x''''", r"\T", r"\langle", r"\langle a \rangle", "?" * 5,
    r"\underbrace{x}_", r"\boxed{", r"\color{red}", "\x00", "\ufeff", "%", r"a \over b", r"{}^{T}", r"\mathbf{}",
    r"\begin{aligned} \end{aligned}", r"\begin{array}{", "a_{b_{c_{d}}}", "(" * 300 + "x" + ")" * 300,
]


@pytest.mark.parametrize("latex", MALFORMED)
def test_malformed_input_never_raises(latex: str) -> None:
    parse = parse_math(latex)
    check_parse(latex, parse)


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    latex = "{" * 3000 + "x" + "}" * 3000
    parse = parse_math(latex)
    check_parse(latex, parse)


def test_placeholder_never_equals_a_real_apply() -> None:
    assert not is_unparsed(Apply(Symbol("f"), (Symbol("x"),)))


# --- forms typed in a terminal (mathlint derive) ------------------------------------------

@pytest.mark.parametrize(
    "typed,latex",
    [
        ("tr(A X B)", r"\operatorname{tr}(AXB)"),
        ("tr(A*X*B*X')", r"\operatorname{tr}(AXBX^T)"),
        ("inv(X) + det(X)", r"X^{-1} + \det X"),
        ("A .* B", r"A \odot B"),
        ("A ./ B", r"A \oslash B"),
        ("log(X) + exp(X)", r"\log X + \exp X"),
        ("X^(-1) + X^(T)", r"X^{-1} + X^T"),
    ],
)
def test_terminal_forms(typed: str, latex: str) -> None:
    assert side(typed) == side(latex)
