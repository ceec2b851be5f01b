"""Hypothesis properties: the math parser never raises, and ``parse(print(e)) == e``."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mathlint.parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Dots, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, MatrixLiteral, Mul, NotationStyle, Norm, Number, Ones, Power, Sum,
    Symbol, Trace, Transpose, Zero,
)
from mathlint.parsers.mathtex import parse_math
from mathlint.parsers.mathtex.printer import to_latex, to_text

from .invariants import check_parse

SOUP = [
    "\\frac", "{", "}", "(", ")", "[", "]", "^", "_", "\\mathbf", "\\boldsymbol", "X", "x", "A", "d", "e", "I",
    "J", "f", "\\partial", "\\nabla", "=", "&", "\\\\", "\\left", "\\right", "|", "\\|", "\\sum", ",", ";", ":",
    "\\begin{bmatrix}", "\\end{bmatrix}", "\\begin{aligned}", "\\end{aligned}", "\\begin{array}{cc}", "\\end{array}",
    "\\operatorname{tr}", "tr", "\\text{and}", "\\quad", "-", "+", "'", "T", "\\top", "\\cdot", "\\odot",
    "\\otimes", "1", "2", "?", "\\", " ", "\\,", "\\mathrm", "\\langle", "\\rangle", "\\T", "\\sqrt", "%", "\n",
    "\\log", "\\det", "\\det", "\\cdots", "\\vdots", "\\ddots", "\\in", "\\mathbb{R}", "\\times", "/", ".",
    "\\overset{?}{=}", "\\boxed", "\\underbrace", "\\mathop", "{\\rm", "\\big(", "\\big)", "\\lvert", "\\rvert",
    "ᵀ", "α", "𝐀", "\\delta", "\\sigma", "\\ell", "^{-1}", "^{-T}", "_{ij}", "\\hat", "\\foo", "\\exp", "\\ln",
]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_on_arbitrary_text(latex: str) -> None:
    check_parse(latex, parse_math(latex))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SOUP), max_size=40))
@example(["\\frac", "{", "\\partial", "}", "{", "\\partial", "}"])
@example(["{", "\\rm", "}", "^"])
def test_never_raises_on_token_soup(parts: list[str]) -> None:
    latex = "".join(parts)
    check_parse(latex, parse_math(latex))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SOUP), max_size=30), st.lists(st.sampled_from(SOUP), max_size=30))
def test_never_raises_with_macros(parts: list[str], body: list[str]) -> None:
    latex = "\\mX " + "".join(parts) + " \\mY{a}"
    macros = (("\\mX", 0, "".join(body)), ("\\mY", 1, "#1" + "".join(body)))
    check_parse(latex, parse_math(latex, macros))


# --- round trip -------------------------------------------------------------------------

PLAIN = ["A", "B", "C", "X", "Y", "W", "a", "b", "c", "x", "y", "z", "\\alpha", "\\Sigma", "\\lambda"]
SUBS = [None, None, "1", "k", "ij"]


@st.composite
def symbols(draw: st.DrawFn) -> Symbol:
    name = draw(st.sampled_from(PLAIN))
    bold = draw(st.booleans())
    sub = draw(st.sampled_from(SUBS))
    if not bold:
        return Symbol(name, "unknown", sub, False)
    kind = "matrix" if name.lstrip("\\")[0].isupper() else "vector"
    return Symbol(name, kind, sub, True)  # type: ignore[arg-type]


LEAVES = st.one_of(
    symbols(),
    symbols(),
    st.integers(1, 9).map(lambda k: Number(Fraction(k))),
    st.just(Number(Fraction(1, 2))),
    st.just(Identity()),
    st.just(Ones("vector")),
    st.just(Ones("matrix")),
    st.just(Zero()),
    st.just(Dots("cdots")),
)
FACTOR_NUMBERS = [Fraction(2), Fraction(3), Fraction(-1), Fraction(-2), Fraction(1, 2), Fraction(-1, 3)]


def _mul(args: list[Expr], lead: Fraction | None) -> Expr:
    args = [a for a in args if not isinstance(a, (Mul, Number))] or [Symbol("X")]
    if lead is not None:
        args = [Number(lead), *args]
    if len(args) == 1:
        return args[0]
    return Mul(tuple(args))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    sym = symbols()
    two = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        two.map(lambda xs: Add(tuple(xs))),
        st.builds(_mul, two, st.none() | st.sampled_from(FACTOR_NUMBERS)),
        children.map(Transpose),
        children.map(Inverse),
        children.map(lambda e: Inverse(Transpose(e))),
        children.map(lambda e: Power(e, Number(Fraction(2)))),
        children.map(Trace),
        children.map(Det),
        children.map(Diag),
        children.map(Abs),
        st.builds(lambda e, f, ew: Func(f, e, ew), children, st.sampled_from(["log", "exp", "sin"]), st.sampled_from([None, True])),
        st.builds(lambda e, f: Func(f, e), children, st.sampled_from(["sqrt", "sigma", "tanh"])),
        st.builds(Norm, children, st.sampled_from([None, "2", "F"])),
        two.map(lambda xs: Hadamard(tuple(xs))),
        two.map(lambda xs: Kron(tuple(xs))),
        st.builds(lambda a, b: Div(a, b), children, children.filter(lambda e: not isinstance(e, (Differential, Number)))),
        st.builds(lambda a, b: Div(a, b, note="\\oslash"), children, children),
        sym.map(Differential),
        children.map(Differential),
        st.builds(lambda f, w: Derivative(f, w, "partial"), children, sym),
        st.builds(lambda f, w: Derivative(f, w, "d"), children, sym),
        st.builds(lambda f, w: Derivative(f, w, "nabla"), children, sym),
        sym.map(lambda w: Derivative(None, w, "partial")),
        st.builds(lambda b: Entry(b, (Symbol("i"), Symbol("j"))), children),
        st.builds(lambda b: Sum(b, "i"), children),
        st.builds(lambda b: Sum(b, "k", Number(Fraction(1)), Symbol("n")), children),
        st.builds(lambda a: Apply(Symbol("f"), (a,)), children),
        st.builds(lambda xs: MatrixLiteral((tuple(xs[:2]), tuple(xs[2:4])), "bmatrix"), st.lists(children, min_size=4, max_size=4)),
    )


TREES = st.recursive(LEAVES, _extend, max_leaves=12)
STYLES = st.sampled_from(
    [
        None,
        NotationStyle(),
        NotationStyle(bold="mathbf", transpose="^\\top", inverse_transpose="^{-\\top}"),
        NotationStyle(bold="bm", transpose="'", trace="\\mathrm{Tr}", brackets="[]"),
        NotationStyle(bold="boldsymbol", transpose="^{\\mathsf{T}}", trace="tr"),
    ]
)


def _reparse(latex: str) -> Expr:
    parse = parse_math(latex)
    assert not parse.problems, (latex, parse.problems)
    assert len(parse.statements) == 1, latex
    st_ = parse.statements[0]
    assert st_.relations == (), latex
    side = st_.sides[0]
    assert side is not None
    check_parse(latex, parse)
    return side


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES, STYLES)
def test_round_trip(tree: Expr, style: NotationStyle | None) -> None:
    latex = to_latex(tree, style)
    assert _reparse(latex) == tree, latex
    assert to_text(tree)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SOUP), max_size=30))
def test_printing_what_was_parsed_is_stable(parts: list[str]) -> None:
    """For any soup that parses cleanly, print → parse gives the same tree again."""
    latex = "".join(parts)
    parse = parse_math(latex)
    if parse.problems:
        return
    for statement in parse.statements:
        for side in statement.sides:
            if side is None:
                continue
            printed = to_latex(side, parse.style)
            again = parse_math(printed)
            assert not again.problems, (latex, printed, again.problems)
            assert [s for st_ in again.statements for s in st_.sides] == [side], (latex, printed)
