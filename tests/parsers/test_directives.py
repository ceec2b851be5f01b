"""The ``mathlint`` comment grammar, and directives found through each format's own parser."""

from __future__ import annotations

import pytest

from mathlint.parsers.directives import parse_directive_text
from mathlint.parsers.latex_spans import extract_latex
from mathlint.parsers.markdown_spans import extract_markdown
from mathlint.parsers.rst_spans import extract_rst


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mathlint: ignore", (("ignore", None),)),
        (" mathlint: ignore=wrong-derivative ", (("ignore", "wrong-derivative"),)),
        ("mathlint: ignore=wrong-derivative,layout-mismatch", (("ignore", "wrong-derivative,layout-mismatch"),)),
        ("mathlint: layout=numerator", (("layout", "numerator"),)),
        ("MathLint: Layout=Denominator", (("layout", "Denominator"),)),
        ("mathlint: disable=shape-mismatch layout=numerator", (("disable", "shape-mismatch"), ("layout", "numerator"))),
        ("mathlint: assume=A symmetric positive definite; layout=numerator",
         (("assume", "A symmetric positive definite"), ("layout", "numerator"))),
        ("mathlint: otimes = hadamard", (("otimes", "hadamard"),)),
        ("mathlint-disable wrong-equality layout-mismatch", (("disable", "wrong-equality,layout-mismatch"),)),
        ("mathlint-ignore", (("ignore", None),)),
        ("mathlint:", ()),
        ("a comment about mathlint: ignore", ()),
        ("prettier-ignore", ()),
        ("mathlint: ! ignore", (("ignore", None),)),
    ],
)
def test_grammar(text: str, expected: tuple[tuple[str, str | None], ...]) -> None:
    assert parse_directive_text(text) == expected


def test_markdown_html_block_and_inline_comments() -> None:
    doc = extract_markdown("d.md", "<!-- mathlint: ignore -->\n$$x$$\n\nText <!-- mathlint: layout=numerator --> here.\n")
    got = [(d.span.line, d.span.col, d.span.end_col, d.action, d.value) for d in doc.directives]
    assert got == [(1, 1, 26, "ignore", None), (4, 6, 41, "layout", "numerator")]


def test_markdown_comment_in_code_is_not_a_directive() -> None:
    text = "`<!-- mathlint: ignore -->`\n\n```\n<!-- mathlint: ignore -->\n```\n\n    <!-- mathlint: ignore -->\n"
    assert extract_markdown("d.md", text).directives == ()


def test_markdown_comment_in_blockquote() -> None:
    doc = extract_markdown("d.md", "> <!-- mathlint: ignore=wrong-equality -->\n> $$x = y$$\n")
    (d,) = doc.directives
    assert (d.span.line, d.span.col, d.action, d.value) == (1, 3, "ignore", "wrong-equality")


def test_latex_comment_directive_and_escaped_percent() -> None:
    text = "% mathlint: layout=numerator\n5\\% mathlint: ignore\n$x$ % mathlint: ignore\n"
    got = [(d.span.line, d.span.col, d.action, d.value) for d in extract_latex("d.tex", text).directives]
    assert got == [(1, 1, "layout", "numerator"), (3, 5, "ignore", None)]


def test_latex_directive_in_verbatim_is_ignored() -> None:
    text = "\\begin{verbatim}\n% mathlint: ignore\n\\end{verbatim}\n"
    assert extract_latex("d.tex", text).directives == ()


def test_rst_comment_directive() -> None:
    doc = extract_rst("d.rst", "Text.\n\n.. mathlint: ignore=wrong-derivative\n\n.. math:: x = y\n")
    (d,) = doc.directives
    assert (d.span.line, d.span.col, d.action, d.value) == (3, 1, "ignore", "wrong-derivative")
