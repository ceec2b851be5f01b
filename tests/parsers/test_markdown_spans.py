"""Markdown extraction: exact positions of math, prose and directives in every container."""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.parsers import parse_document
from mathlint.parsers.markdown_spans import extract_markdown
from mathlint.parsers.source import decode

from .fixture_file import check_fixture_file, read_fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "markdown_math.txt"


@pytest.mark.parametrize("case", [c[0] for c in read_fixtures(FIXTURES)])
def test_fixture(case: str) -> None:
    results = {title: (expected, got) for title, expected, got in check_fixture_file(FIXTURES, extract_markdown)}
    expected, got = results[case]
    assert got == expected


def _math(text: str) -> list[tuple[int, int, int, int, str]]:
    doc = extract_markdown("t.md", text)
    return [(m.span.line, m.span.col, m.span.end_line, m.span.end_col, m.latex) for m in doc.math]


def test_inline_position_exact() -> None:
    assert _math("Let $x$ be.\n") == [(1, 5, 1, 8, "x")]


def test_blockquote_offsets_skip_the_markers() -> None:
    doc = extract_markdown("q.md", "> $$\n> a +\n> b\n> $$\n")
    (m,) = doc.math
    assert m.latex == "\na +\nb\n"
    # every character maps to its own source character, never into the "> " prefix
    assert [doc.text[o] for o in m.offsets] == list(m.latex)
    assert (m.span.line, m.span.col, m.span.end_line, m.span.end_col) == (1, 3, 4, 5)


def test_crlf_file_positions_are_those_of_the_original() -> None:
    data = b"Line one\r\n\r\n- item $A^T$\r\n\r\n$$\r\nx = y\r\n$$\r\n"
    decoded = decode(data, "c.md")
    doc = parse_document("c.md", decoded.text)
    got = [(m.span.line, m.span.col, m.span.end_line, m.span.end_col) for m in doc.math]
    assert got == [(3, 8, 3, 13), (5, 1, 7, 3)]
    assert decoded.newline == "\r\n"


def test_text_with_raw_cr_is_normalised_by_the_extractor() -> None:
    doc = extract_markdown("c.md", "a\r\n$x$\r\n")
    assert doc.text == "a\n$x$\n" and doc.math[0].span.line == 2


def test_astral_character_columns_count_code_points() -> None:
    assert _math("𝐀 $x$\n") == [(1, 3, 1, 6, "x")]


def test_table_cell_with_the_same_math_twice() -> None:
    got = _math("| h | i |\n|---|---|\n| $a$ | $a$ |\n")
    assert got == [(3, 3, 3, 6, "a"), (3, 9, 3, 12, "a")]


def test_code_span_holding_the_same_math_before_the_real_one() -> None:
    assert _math("`$c$` and $c$\n") == [(1, 11, 1, 14, "c")]


def test_kramdown_underscore_escape_keeps_offsets() -> None:
    doc = extract_markdown("k.md", "$x\\_i$\n")
    (m,) = doc.math
    assert m.latex == "x_i"
    assert m.offsets == (1, 3, 4)  # the dropped backslash leaves a gap, the rest stay exact


def test_escaped_row_separators_become_one_row_break() -> None:
    (m,) = extract_markdown("k.md", "$$\na \\\\\\\\ b\n$$\n").math
    assert m.latex == "\na \\\\ b\n"


def test_double_backslash_underscore_is_a_row_break_then_subscript() -> None:
    (m,) = extract_markdown("k.md", "$a\\\\_b$\n").math
    assert m.latex == "a\\\\_b"


def test_tag_and_label_are_blanked_with_offsets_aligned() -> None:
    doc = extract_markdown("t.md", "$$\nx = y \\tag{3.1} \\label{eq:x}\n$$\n")
    (m,) = doc.math
    assert (m.tag, m.label) == ("3.1", "eq:x")
    assert m.latex.strip() == "x = y"
    assert len(m.latex) == len(m.offsets)
    assert doc.text[m.offsets[m.latex.index("y")]] == "y"


def test_source_span_inside_an_equation() -> None:
    doc = extract_markdown("t.md", "> Then $$\\frac{\\partial f}{\\partial X} = A^T B$$ holds.\n")
    (m,) = doc.math
    local = m.latex.index("A^T")
    span = m.source_span(local, local + 3, doc.lines)
    assert doc.text[span.start:span.end] == "A^T"
    assert (span.line, span.col) == (1, 42)


def test_prose_blocks_keep_inline_math_and_blank_container_prefixes() -> None:
    doc = extract_markdown("p.md", "> where $D = BXC^T$\n> and $E = AXB$.\n")
    (p,) = doc.prose
    assert p.text == "where $D = BXC^T$\n  and $E = AXB$."
    assert doc.text[p.span.start:p.span.end] == "where $D = BXC^T$\n> and $E = AXB$."
    assert (p.span.line, p.span.col, p.span.end_line, p.span.end_col) == (1, 3, 2, 17)


def test_prose_text_is_aligned_with_the_source() -> None:
    text = "# Head $x$\n\n- item one\n  two $y$\n\n| a | b $z$ |\n|---|---|\n| c | d |\n"
    doc = extract_markdown("p.md", text)
    assert doc.prose
    for block in doc.prose:
        source = doc.text[block.span.start:block.span.end]
        assert len(block.text) == len(source)
        assert all(c == s or c == " " for c, s in zip(block.text, source))


def test_math_index_is_document_order() -> None:
    doc = extract_markdown("o.md", "<center>$$a$$</center>\n\nthen $b$\n\n$$c$$\n")
    assert [m.latex for m in doc.math] == ["a", "b", "c"]
    assert [m.index for m in doc.math] == [0, 1, 2]


def test_user_macros_are_recorded_on_the_document() -> None:
    doc = extract_markdown("m.md", "$$\\newcommand{\\tr}{\\operatorname{tr}}$$\n\n$\\tr(X)$\n")
    assert doc.macros == (("\\tr", 0, "\\operatorname{tr}"),)
    assert [m.latex for m in doc.math] == ["\\operatorname{tr}(X)"]


def test_empty_and_whitespace_documents() -> None:
    for text in ("", "\n", "   \n\n", "$", "\\[", "```math"):
        doc = extract_markdown("e.md", text)
        assert doc.math == () and doc.problems == ()


def test_unclosed_display_openers_are_problems() -> None:
    doc = extract_markdown("u.md", "Only $x here\n\n$$\nnever closed\n\n> \\begin{align}\n> a\n")
    got = [(p.span.line, p.span.col, p.span.end_col, p.message.split(":")[0]) for p in doc.problems]
    assert got == [(3, 1, 3, "unclosed $$"), (6, 3, 16, "unclosed \\begin{align}")]
    assert doc.math == ()
