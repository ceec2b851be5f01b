"""`mathlint derive`: terminal forms translated (never evaluated), parsed, derived, printed."""

from __future__ import annotations

import pytest

from mathlint.checker.options import Layout
from mathlint.derive_cmd import TranslateError, run_derive, translate


@pytest.mark.parametrize("typed, latex", [
    ("tr(A X B X')", "\\operatorname{tr} (A X B X^T)"),
    ("inv(X)", "\\left(X\\right)^{-1}"),
    ("det(X)", "\\det (X)"),
    ("log(det(X))", "\\log (\\det (X))"),
    ("A .* X", "A \\odot X"),
    ("V ./ (A*X*B)", "V \\oslash (A X B)"),
    ("1/2 * x^T x", "\\frac{1}{2} x^T x"),
    ("X^-1", "X^{-1}"),
    ("X^(-1)", "X^{-1}"),
    ("lambda * tr(X)", "\\lambda \\operatorname{tr} (X)"),
    ("sum(X)", "\\mathbf{1}^T (X) \\mathbf{1}"),
    ("\\operatorname{tr}(\\mathbf{X})", "\\operatorname{tr}(\\mathbf{X})"),  # LaTeX passes through
])
def test_translate(typed, latex):
    assert translate(typed) == latex


@pytest.mark.parametrize("typed", ["foo(X)", "A $ B", "||x", "inv(X"])
def test_translate_rejects(typed):
    with pytest.raises(TranslateError):
        translate(typed)


def test_translate_never_evaluates():
    # would be dangerous under eval(); here it is only unknown text
    code, out = run_derive("__import__('os').system('true')", "X")
    assert code == 2


@pytest.mark.parametrize("expr, wrt, layout, expected", [
    ("tr(A X B X^T)", "X", "denominator", "A X B + A^T X B^T"),
    ("tr(A X B X')", "X", "numerator", "B X^T A + B^T X^T A^T"),
    ("x^T A x", "x", "denominator", "(A + A^T) x"),
    ("1/2 * norm(A*x - b)^2", "x", "denominator", "A^T (A x - b)"),
    ("log(det(X))", "X", "denominator", "X^{-T}"),
    ("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})", "\\mathbf{X}", "denominator", "\\mathbf{A}^T\\mathbf{B}^T"),
    ("\\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})", "X", Layout.NUMERATOR, "\\mathbf{B}\\mathbf{A}"),
    ("tr(A X B)", "Y", "denominator", "0"),
])
def test_run_derive_latex(expr, wrt, layout, expected):
    code, out = run_derive(expr, wrt, layout)
    assert code == 0, out
    assert out.replace(" ", "") == expected.replace(" ", "")


def test_text_format():
    assert run_derive("tr(A X^-1)", "X", fmt="text") == (0, "−X⁻ᵀAᵀX⁻ᵀ")


def test_shapes_are_used():
    code, out = run_derive("tr(A X B)", "X", shapes={"X": ("m", "n"), "A": ("k", "m")})
    assert code == 0 and out.replace(" ", "") == "A^TB^T"
    code, out = run_derive("tr(A X B)", "X", shapes={"X": ("m", "n"), "A": ("m",)})
    assert code == 2 and "shapes do not conform" in out


def test_explain_prints_the_steps():
    code, out = run_derive("tr(A X B)", "X", explain=True)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("f = ") and lines[1].startswith("df = ")
    assert lines[-1].replace(" ", "").endswith("=A^TB^T")


@pytest.mark.parametrize("expr, wrt, message", [
    ("tr(A X", "X", "cannot parse the expression"),
    ("", "X", "empty"),
    ("tr(X)", "X + Y", "--wrt must be a single symbol"),
])
def test_usage_errors_exit_2(expr, wrt, message):
    code, out = run_derive(expr, wrt)
    assert code == 2 and message in out


def test_bad_layout_and_format():
    assert run_derive("tr(X)", "X", "sideways")[0] == 2
    assert run_derive("tr(X)", "X", fmt="html")[0] == 2


def test_parse_error_points_at_the_place():
    code, out = run_derive("tr(A X", "X")
    assert out.splitlines()[-1].strip() == "^"
