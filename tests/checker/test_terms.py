"""Naming the wrong term of a sum: numeric matching of claimed terms against derived terms."""

from __future__ import annotations

from mathlint.checker.claims import Context
from mathlint.checker.derive import derive_gradient
from mathlint.checker.options import Layout
from mathlint.checker.terms import describe_terms, match_terms, split_terms
from mathlint.checker.verdicts import TermMatch
from mathlint.parsers.expr import Add, Mul, Number, Symbol
from mathlint.parsers.mathtex import parse_math

CTX = Context()


def side(latex: str):
    parsed = parse_math(latex)
    assert not parsed.problems
    return parsed.statements[0].sides[-1]


def expected_for(f_latex: str, wrt: str = "\\mathbf{X}", ctx: Context = CTX):
    return derive_gradient(side(f_latex), side(wrt), ctx, Layout.DENOMINATOR).expr


FOUR = "\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B}\\mathbf{X}) + \\operatorname{tr}(\\mathbf{C}\\mathbf{X}\\mathbf{D}\\mathbf{X}^T)"


def test_split_terms_keeps_signs():
    a, b = Symbol("a"), Symbol("b")
    neg_b = Mul((Number(-1), b))
    assert split_terms(Add((a, neg_b))) == (a, neg_b)
    assert split_terms(a) == (a,)


def test_the_wrong_term_is_named_and_the_rest_are_right():
    rhs = ("\\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T + \\mathbf{B}^T\\mathbf{X}^T\\mathbf{A}^T"
           " + \\mathbf{C}\\mathbf{X}\\mathbf{D} + \\mathbf{C}^T\\mathbf{X}\\mathbf{D}^T")
    claimed = side(rhs)
    matches = match_terms(claimed, expected_for(FOUR), CTX, source=rhs)
    assert [m.ok for m in matches] == [False, True, True, True]
    assert matches[0].latex == "\\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T"  # as the author wrote it
    assert matches[0].expected_latex.replace(" ", "") == "\\mathbf{A}^T\\mathbf{X}^T\\mathbf{B}^T"
    assert describe_terms(matches) == (
        "term 1 `\\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T` should be `\\mathbf{A}^T\\mathbf{X}^T\\mathbf{B}^T`; "
        "terms 2–4 are right")


def test_terms_in_another_order_and_grouping_match():
    rhs = "\\mathbf{A}^T\\mathbf{x} + \\mathbf{A}\\mathbf{x}"
    expected = expected_for("\\mathbf{x}^T\\mathbf{A}\\mathbf{x}", "\\mathbf{x}")  # (A + Aᵀ)x
    matches = match_terms(side(rhs), expected, CTX, source=rhs)
    assert [m.ok for m in matches] == [True, True]
    assert describe_terms(matches) == ""


def test_a_missing_term_is_reported():
    rhs = "\\mathbf{A}\\mathbf{X}\\mathbf{B}"
    expected = expected_for("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B}\\mathbf{X}^T)")
    matches = match_terms(side(rhs), expected, CTX, source=rhs)
    assert matches[0] == TermMatch(1, rhs, True, None)
    missing = [m for m in matches if m.index == 0]
    assert len(missing) == 1 and missing[0].expected_latex.replace(" ", "") == "\\mathbf{A}^T\\mathbf{X}\\mathbf{B}^T"
    assert describe_terms(matches).startswith("a term `")


def test_a_sign_slip_in_the_second_term():
    rhs = "\\mathbf{A}\\mathbf{X}\\mathbf{B} - \\mathbf{A}^T\\mathbf{X}\\mathbf{B}^T"
    expected = expected_for("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B}\\mathbf{X}^T)")
    matches = match_terms(side(rhs), expected, CTX, source=rhs)
    assert [m.ok for m in matches] == [True, False]
    assert matches[1].expected_latex.replace(" ", "") == "\\mathbf{A}^T\\mathbf{X}\\mathbf{B}^T"
    assert describe_terms(matches).endswith("; term 1 is right")


def test_a_single_term_needs_no_term_message():
    rhs = "\\mathbf{A}\\mathbf{B}"
    expected = expected_for("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})")
    assert match_terms(side(rhs), expected, CTX, source=rhs) == ()


def test_printed_latex_when_no_source_is_given():
    rhs = "\\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T + \\mathbf{B}^T\\mathbf{X}^T\\mathbf{A}^T"
    matches = match_terms(side(rhs), expected_for("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B}\\mathbf{X})"), CTX)
    assert matches[0].latex.replace(" ", "") == "\\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T"


def test_describe_ranges():
    def m(i, ok):
        return TermMatch(i, f"t{i}", ok, None if ok else f"e{i}")

    assert describe_terms((m(1, True), m(2, False), m(3, True), m(4, True), m(5, True))) == (
        "term 2 `t2` should be `e2`; terms 1 and 3–5 are right")
    assert describe_terms((m(1, False), m(2, True), m(3, False), m(4, True))) == (
        "term 1 `t1` should be `e1`; term 3 `t3` should be `e3`; terms 2 and 4 are right")
    assert describe_terms((TermMatch(1, "t1", False, None), m(2, True))) == (
        "term 1 `t1` should not be there; term 2 is right")


def test_source_may_be_the_whole_math_span():
    full = ("\\frac{\\partial f}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T"
            " + \\mathbf{B}^T\\mathbf{X}^T\\mathbf{A}^T - \\mathbf{C}\\mathbf{X}\\mathbf{D}"
            " + \\mathbf{C}^T\\mathbf{X}\\mathbf{D}^T")
    rhs = parse_math(full).statements[0].sides[1]
    for source in (full, full[rhs.loc[0]:]):
        matches = match_terms(rhs, expected_for(FOUR), CTX, source=source)
        assert describe_terms(matches) == (
            "term 1 `\\mathbf{A}\\mathbf{X}^T\\mathbf{B}^T` should be `\\mathbf{A}^T\\mathbf{X}^T\\mathbf{B}^T`; "
            "term 3 `-\\mathbf{C}\\mathbf{X}\\mathbf{D}` should be `\\mathbf{C}\\mathbf{X}\\mathbf{D}`; "
            "terms 2 and 4 are right")
