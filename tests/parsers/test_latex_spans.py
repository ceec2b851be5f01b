"""LaTeX extraction: delimiters, environments, comments, skipped regions, problems, prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.parsers.latex_spans import extract_latex

from .fixture_file import check_fixture_file, read_fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "latex_math.txt"


@pytest.mark.parametrize("case", [c[0] for c in read_fixtures(FIXTURES)])
def test_fixture(case: str) -> None:
    results = {title: (expected, got) for title, expected, got in check_fixture_file(FIXTURES, extract_latex)}
    expected, got = results[case]
    assert got == expected


def test_dollar_in_comment_is_reported_not_silently_mispaired() -> None:
    doc = extract_latex("c.tex", "Let $x % the closing $ is in a comment\nand $y$ here.\n")
    # TeX pairs "$x ...\nand $" (the comment's $ does not count); that is what we extract,
    # and the hidden $ is reported at the comment.
    assert [m.latex.split() for m in doc.math][0] == ["x", "and"]
    messages = [(p.span.line, p.span.col, p.message) for p in doc.problems]
    assert messages[0][:2] == (1, 8)
    assert "comment" in messages[0][2]


def test_unclosed_dollar_stops_at_the_paragraph_end() -> None:
    doc = extract_latex("u.tex", "Open $x here\n\nLater $y$ is fine.\n")
    assert [m.latex for m in doc.math] == ["y"]
    (p,) = doc.problems
    assert (p.span.line, p.span.col, p.span.end_col) == (1, 6, 7)
    assert "blank line" in p.message


def test_unclosed_dollar_meeting_a_display_is_reported() -> None:
    doc = extract_latex("u.tex", "Open $x here \\[ a = b \\] and $c$.\n")
    assert [m.latex.strip() for m in doc.math] == ["a = b", "c"]
    assert len(doc.problems) == 1 and "cannot appear inside math" in doc.problems[0].message


def test_unclosed_environment_at_end_of_file() -> None:
    doc = extract_latex("u.tex", "\\begin{align}\na &= b\n")
    assert doc.math == ()
    (p,) = doc.problems
    assert (p.span.line, p.span.col) == (1, 1) and "end of the file" in p.message


def test_offsets_are_exact_without_macros() -> None:
    text = "\\section{A}\n% note\nWe have $\\frac{\\partial f}{\\partial X} = A^T$ and\n\\begin{align}\na &= b \\label{x}\n\\end{align}\n"
    doc = extract_latex("o.tex", text)
    for m in doc.math:
        assert len(m.latex) == len(m.offsets)
        assert all(c == " " or doc.text[o] == c for c, o in zip(m.latex, m.offsets))


def test_span_covers_delimiters() -> None:
    doc = extract_latex("s.tex", "ab \\begin{equation*} x \\end{equation*} cd\n")
    (m,) = doc.math
    assert doc.text[m.span.start:m.span.end] == "\\begin{equation*} x \\end{equation*}"
    assert (m.span.line, m.span.col, m.span.end_col) == (1, 4, 39)


def test_macro_expansion_maps_back_to_the_call() -> None:
    doc = extract_latex("m.tex", "\\newcommand{\\mX}{\\mathbf{X}}\n$A \\mX$\n")
    (m,) = doc.math
    assert m.latex == "A \\mathbf{X}"
    span = m.source_span(2, len(m.latex), doc.lines)
    assert doc.text[span.start:span.end] == "\\mX"
    assert doc.macros == (("\\mX", 0, "\\mathbf{X}"),)


def test_prose_is_text_outside_display_math_with_comments_blanked() -> None:
    text = ("\\documentclass{article}\n\\begin{document}\nWe use numerator layout % really\nhere, $x$ too.\n"
            "\\[ a = b \\]\nwhere $D = BXC^T$.\n\nNext paragraph.\n\\end{document}\n")
    doc = extract_latex("p.tex", text)
    got = [(p.span.line, p.span.col, p.text) for p in doc.prose]
    assert got == [
        (3, 1, "We use numerator layout         \nhere, $x$ too."),
        (6, 1, "where $D = BXC^T$."),
        (8, 1, "Next paragraph."),
    ]
    for p in doc.prose:
        assert len(p.text) == p.span.end - p.span.start


@pytest.mark.parametrize(
    "text",
    ["", "$", "$$", "\\", "\\begin", "\\begin{", "\\begin{align", "\\end{align}", "{{{", "}}}", "%",
     "\\verb", "\\verb|", "\\newcommand", "\\newcommand{\\x}[", "\\def\\x#1", "\\iffalse", "$\\text{$",
     "\\[\\begin{tikzpicture}", "\\(", "a\\)", "\\newenvironment{x}{", "\\mintinline{"],
)
def test_malformed_input_never_raises(text: str) -> None:
    doc = extract_latex("m.tex", text)
    assert doc.text == text


def test_colour_wrapper_macros_are_blanked_after_expansion() -> None:
    text = "\\newcommand{\\blue}[1]{\\textcolor{Solarized-blue}{#1}}\n\\def\\red#1{{\\color{red}#1}}\n$\\blue{A} = \\red{B}$\n"
    (m,) = extract_latex("c.tex", text).math
    assert m.latex.replace(" ", "") == "{A}={B}"
