"""--explain: the differential method step by step; every line parses and every step is checked."""

from __future__ import annotations

import pytest

from mathlint.checker.explain import as_trace, explain_gradient, explain_steps, format_steps
from mathlint.checker.options import Layout
from mathlint.checker.oracle import Unsupported, check_differential, check_gradient
from mathlint.checker.simplify import ShapeView
from mathlint.checker.verdicts import Reason
from mathlint.parsers.expr import Derivative, Differential, Mul, Norm, Number, Power, Symbol, Trace, Transpose
from mathlint.parsers.mathtex import parse_math

from .test_gradient_table import CASES, context, parse

SAMPLE = ("tr-AXB", "tr-AXBXt", "tr-X3", "logdet-X", "det-X", "xAx", "nmf-W", "tr-V-log",
          "tr-hadamard", "a-diag-x-b", "norm-x", "aXb-squared", "log-quad", "sum-exp", "tr-Xinv")


def _case(name):
    case = next(c for c in CASES if c.name == name)
    return parse(case.f), parse(case.wrt), context(case)


@pytest.mark.parametrize("name", SAMPLE)
@pytest.mark.parametrize("layout", [Layout.DENOMINATOR, Layout.NUMERATOR])
def test_every_line_is_latex_the_parser_reads(name, layout):
    f, wrt, ctx = _case(name)
    lines = explain_gradient(f, wrt, ctx, layout)
    assert len(lines) >= 3
    for line in lines:
        parsed = parse_math(line)
        assert not parsed.problems, line
        assert len(parsed.statements) == 1 and len(parsed.statements[0].sides) == 2, line


@pytest.mark.parametrize("name", SAMPLE)
def test_steps_hold_numerically(name):
    """Independently of the checks inside: the differential lines equal df, the last line is ∂f/∂X."""
    f, wrt, ctx = _case(name)
    steps = explain_steps(f, wrt, ctx, Layout.DENOMINATOR)
    assert steps[0][0] == Symbol("f", "scalar")
    for lhs, rhs in steps[1:-1]:
        if lhs == Differential(Symbol("f", "scalar")):
            assert check_differential(Differential(f), rhs, ctx, 7).ok
    lhs, rhs = steps[-1]
    assert isinstance(lhs, Derivative)
    assert check_gradient(f, wrt, rhs, ctx, Layout.DENOMINATOR, 7).ok


def test_textbook_shape_of_tr_AXBXt():
    f, wrt, ctx = _case("tr-AXBXt")
    lines = [line.replace(" ", "") for line in explain_gradient(f, wrt, ctx, Layout.DENOMINATOR)]
    assert lines[0].startswith("f=\\operatorname{tr}(")
    assert lines[1].startswith("df=") and lines[1].count("\\operatorname{tr}") == 2  # one per occurrence
    assert lines[2].endswith("d\\mathbf{X})") and lines[3].endswith("d\\mathbf{X})")  # rotated: tr(G dX)
    assert lines[-1] == ("\\frac{\\partialf}{\\partial\\mathbf{X}}=\\mathbf{A}\\mathbf{X}\\mathbf{B}"
                         "+\\mathbf{A}^T\\mathbf{X}\\mathbf{B}^T")


def test_numerator_layout_reads_off_G_itself():
    f, wrt, ctx = _case("tr-AXB")
    last = explain_gradient(f, wrt, ctx, Layout.NUMERATOR)[-1]
    assert last.replace(" ", "").endswith("=\\mathbf{B}\\mathbf{A}")


def test_text_format():
    f, wrt, ctx = _case("tr-AXB")
    lines = format_steps(explain_steps(f, wrt, ctx, Layout.DENOMINATOR), ctx, "text")
    assert lines[0] == "f = tr(AXB)"
    assert lines[-1].endswith("= AᵀBᵀ")


def test_as_trace():
    X = Symbol("X", "matrix", bold=True)
    a = Symbol("a", "vector", bold=True)
    view = ShapeView()
    assert as_trace(Power(Norm(X, "F"), Number(2)), view) == Trace(Mul((Transpose(X), X)))
    quad = Mul((Transpose(a), X, a))
    assert as_trace(quad, view) == Trace(quad)


def test_constant_function_has_zero_gradient():
    f, _, ctx = _case("tr-AXB")
    Y = Symbol("Y", "matrix", bold=True)
    lines = explain_gradient(f, Y, ctx, Layout.DENOMINATOR)
    assert lines[-2].replace(" ", "") == "df=0" and lines[-1].endswith("= 0")


def test_needs_a_plain_variable():
    f, wrt, ctx = _case("tr-AXB")
    with pytest.raises(Unsupported):
        explain_gradient(f, Transpose(wrt), ctx, Layout.DENOMINATOR)
