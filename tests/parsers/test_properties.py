"""Property tests: extraction never raises, positions are consistent, delimited math is found."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mathlint.parsers.latex_spans import extract_latex
from mathlint.parsers.markdown_spans import extract_markdown
from mathlint.parsers.rst_spans import extract_rst

from .invariants import check_invariants as _check_invariants

SETTINGS = settings(max_examples=int(__import__("os").environ.get("MATHLINT_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

_CHARS = st.sampled_from(list("$\\`{}[]()<>!-|*_:#%~.,= \n\n\t\rxAbT19𝐀中") + ["\r\n"])
_TOKENS = st.sampled_from([
    "$", "$$", "\\[", "\\]", "\\(", "\\)", "\\begin{align}", "\\end{align}", "\\begin{equation*}",
    "\\end{equation*}", "\\tag{1}", "\\label{a}", "\\nonumber", "```math\n", "```\n", "~~~\n", "    ",
    "<!-- mathlint: ignore -->", "<!--", "-->", "> ", "- ", "1. ", "| a | b |\n|---|---|\n", "\\text{",
    "\\newcommand{\\R}{\\mathbb{R}}", "\\R", "\\def\\x#1{#1^T}", "\\x", "% mathlint: layout=numerator",
    ":math:`", ".. math::\n", ".. mathlint: ignore\n", "::\n\n", "\\verb|", "\\begin{verbatim}",
    "\\end{verbatim}", "\\section{", "$`", "`$", "\\_", "\\\\\\\\", "<center>", "</center>", "\\begin{",
    "\\iffalse", "\\fi", "\\boxed{", "\\textcolor{red}{", "---\n", "is symmetric", "numerator layout",
])
TEXT = st.lists(st.one_of(_CHARS, _TOKENS), max_size=60).map("".join)


@SETTINGS
@given(TEXT)
def test_markdown_never_raises(text: str) -> None:
    _check_invariants(extract_markdown("p.md", text))


@SETTINGS
@given(TEXT)
def test_latex_never_raises(text: str) -> None:
    _check_invariants(extract_latex("p.tex", text))


@SETTINGS
@given(TEXT)
def test_rst_never_raises(text: str) -> None:
    _check_invariants(extract_rst("p.rst", text))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    for extract, path in ((extract_markdown, "u.md"), (extract_latex, "u.tex"), (extract_rst, "u.rst")):
        _check_invariants(extract(path, text))


_WORD = st.text(alphabet="abcdefghij ", min_size=0, max_size=12)
_BODY = st.text(alphabet="xyzABC^_+-=(){}12 ", min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and s.count("{") == s.count("}") and "{}" not in s and s.strip()
    and not s[0].isdigit() and not s[-1:].isdigit())


def _balanced(body: str) -> bool:
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@SETTINGS
@given(_WORD, _BODY, _WORD)
def test_delimited_math_is_covered_exactly(before: str, body: str, after: str) -> None:
    if not _balanced(body):
        return
    cases = [
        (extract_markdown, f"{before} ${body}$ {after}\n", f"${body}$"),
        (extract_latex, f"{before} ${body}$ {after}\n", f"${body}$"),
        (extract_latex, f"{before}\n\\begin{{align}}\n{body}\n\\end{{align}}\n{after}\n",
         f"\\begin{{align}}\n{body}\n\\end{{align}}"),
        (extract_rst, f"{before} :math:`{body}` {after}\n", f":math:`{body}`"),
        (extract_markdown, f"{before}\n\n$$\n{body}\n$$\n", f"$$\n{body}\n$$"),
    ]
    for extract, text, delimited in cases:
        doc = extract("d", text)
        (m,) = doc.math
        assert text[m.span.start:m.span.end] == delimited
        assert m.latex.strip() == body.strip()
