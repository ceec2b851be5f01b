"""reStructuredText extraction: roles, math directives, tables, skipped blocks, exact lines."""

from __future__ import annotations

import pytest

from mathlint.parsers.rst_spans import extract_rst


def _math(text: str) -> list[tuple[int, int, int, int, str, bool]]:
    doc = extract_rst("t.rst", text)
    return [(m.span.line, m.span.col, m.span.end_line, m.span.end_col, m.latex, m.display) for m in doc.math]


def test_math_role_position() -> None:
    assert _math("We use :math:`A^T` here.\n") == [(1, 8, 1, 19, "A^T", False)]


def test_role_with_suffix_form() -> None:
    assert _math("See `x^2`:math: too.\n") == [(1, 5, 1, 16, "x^2", False)]


def test_role_may_span_lines_but_not_paragraphs() -> None:
    assert _math("a :math:`x +\n  y` b\n") == [(1, 3, 2, 5, "x +\n  y", False)]
    assert _math("a :math:`x\n\ny` b\n") == []


def test_math_directive_argument_and_body_with_several_equations() -> None:
    text = ".. math:: a = b\n\n.. math::\n   :label: eq1\n   :nowrap:\n\n   x = y\n   + z\n\n   u = v\n\nAfter.\n"
    doc = extract_rst("t.rst", text)
    got = [(m.span.line, m.span.col, m.span.end_line, m.span.end_col, m.latex, m.label) for m in doc.math]
    assert got == [
        (1, 11, 1, 16, "a = b", None),
        (7, 4, 8, 7, "x = y\n+ z", "eq1"),
        (10, 4, 10, 9, "u = v", None),
    ]
    second = doc.math[1]
    assert [doc.text[o] for o in second.offsets] == list(second.latex)


def test_math_directive_nowrap_align_is_unwrapped() -> None:
    doc = extract_rst("t.rst", ".. math::\n   :nowrap:\n\n   \\begin{align}\n   a &= b\n   \\end{align}\n")
    (m,) = doc.math
    assert m.environment == "align" and m.latex.split() == ["a", "&=", "b"]


def test_indented_math_directive_in_a_note_with_tabs() -> None:
    text = ".. note::\n\t* item :math:`e`\n\n\t\t.. math:: f = g\n\t* after\n"
    assert _math(text) == [(2, 9, 2, 18, "e", False), (4, 13, 4, 18, "f = g", True)]


def test_csv_table_cells() -> None:
    text = (".. csv-table:: T\n\t:header: \"Variable\", \"Denominator Layout\"\n\n"
            "\t:math:`x`, , :math:`2x`\n\t:math:`\\mathbf{x}^\\top\\mathbf{A}\\mathbf{x}`, :math:`2\\mathbf{A}\\mathbf{x}`\n")
    got = [(line, col, latex) for line, col, _, _, latex, _ in _math(text)]
    assert got == [(4, 2, "x"), (4, 15, "2x"), (5, 2, "\\mathbf{x}^\\top\\mathbf{A}\\mathbf{x}"),
                   (5, 47, "2\\mathbf{A}\\mathbf{x}")]


def test_grid_table_cells() -> None:
    text = "+--------------+-----------+\n| :math:`a`    | :math:`b` |\n+--------------+-----------+\n"
    assert [(line, col, latex) for line, col, _, _, latex, _ in _math(text)] == [(2, 3, "a"), (2, 18, "b")]


@pytest.mark.parametrize(
    "text",
    [
        ".. code-block:: rst\n\n   :math:`no`\n",
        "Example::\n\n   :math:`no`\n\n",
        ".. a comment with :math:`no`\n   continued :math:`no`\n",
        "Inline ``:math:`no` `` literal.\n",
        ".. raw:: html\n\n   $x$ :math:`no`\n",
    ],
)
def test_non_math_blocks(text: str) -> None:
    assert _math(text) == []


def test_literal_block_ends_at_dedent() -> None:
    assert [x[4] for x in _math("Code::\n\n   :math:`no`\n\nBack :math:`yes`.\n")] == ["yes"]


def test_default_role_math() -> None:
    text = ".. default-role:: math\n\nThen `x^T` and :math:`y` and `link`_.\n"
    assert [(x[0], x[1], x[4]) for x in _math(text)] == [(3, 6, "x^T"), (3, 16, "y")]


def test_prose_blocks_are_aligned_with_the_source() -> None:
    text = "Title\n=====\n\nWe use numerator layout, :math:`A` is symmetric.\n\n.. math:: x = y\n\n.. note::\n\n   Where :math:`B`.\n"
    doc = extract_rst("p.rst", text)
    assert [(p.span.line, p.text) for p in doc.prose] == [
        (1, "Title"), (4, "We use numerator layout, :math:`A` is symmetric."), (10, "Where :math:`B`."),
    ]
    for p in doc.prose:
        assert len(p.text) == p.span.end - p.span.start


@pytest.mark.parametrize("text", ["", "..", ".. math::", ".. math::\n", ":math:`", "`:math:", "::\n", ".. |x| replace:: :math:`a`\n", "\t\t\n\t.. math::\n\t\t"])
def test_malformed_input_never_raises(text: str) -> None:
    assert extract_rst("m.rst", text).text == text
