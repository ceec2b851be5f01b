"""Displayed-matrix rules: `entry-name` and `entry-index` on good and bad displays."""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.checker.claims import Context
from mathlint.checker.displays import DisplayResult, check_display, display_result, displays_in
from mathlint.checker.options import Layout
from mathlint.checker.verdicts import Status
from mathlint.parsers.expr import MatrixLiteral, Symbol
from mathlint.parsers.mathtex import parse_math
from mathlint.parsers.span import LineIndex

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real"


def lint(latex: str, shapes: dict | None = None,
         layout: Layout = Layout.DENOMINATOR) -> list[tuple[DisplayResult, str]]:
    """Every display of ``latex`` checked; each result with the LaTeX it flagged, joined."""
    index = LineIndex(latex, "notes.md")
    ctx = Context(shapes=shapes or {}, recent_shapes=frozenset(shapes or ()))
    parsed = parse_math(latex)
    assert not parsed.problems, parsed.problems
    out = []
    for statement in parsed.statements:
        for name, literal in displays_in(statement):
            result = display_result(name, literal, ctx, layout, lambda loc: index.span(*loc))
            out.append((result, latex))
    return out


def flagged(result: DisplayResult, latex: str) -> list[tuple[str, str]]:
    """(code, flagged text) of each finding, in order."""
    return [(f.code, latex[f.span.start:f.span.end]) for f in result.findings]


COPY_PASTE = (
    r"\mathbf{B} = \begin{bmatrix} b_{11} & a_{12} & \cdots & a_{1m} \\"
    r" b_{21} & b_{22} & \cdots & b_{2m} \\ \vdots & \vdots & \ddots & \vdots \\"
    r" b_{n1} & b_{n2} & \cdots & b_{nm} \end{bmatrix}"
)


def test_copy_paste_slip_is_flagged_at_each_wrong_entry() -> None:
    [(result, latex)] = lint(COPY_PASTE, {"B": ("n", "m")})
    assert flagged(result, latex) == [("entry-name", "a_{12}"), ("entry-name", "a_{1m}")]
    first = result.findings[0]
    assert first.expected == "b_{12}"
    assert "expected b_{12}" in first.message
    assert result.status is Status.WRONG and not result.ok
    assert result.verdict().status is Status.WRONG


def test_copy_paste_finding_points_at_the_entry_column() -> None:
    latex = "B = \\begin{bmatrix}\nb_{11} & a_{12} \\\\\nb_{21} & b_{22}\n\\end{bmatrix}"
    [(result, _)] = lint(latex)
    [finding] = result.findings
    assert (finding.span.line, finding.span.col, finding.span.end_col) == (2, 10, 16)


def test_copy_paste_fix_renames_the_letter() -> None:
    [(result, latex)] = lint(COPY_PASTE)
    fix = result.findings[0].fix
    assert fix is not None
    [edit] = fix.edits
    assert latex[edit.span.start:edit.span.end] == "a" and edit.replacement == "b"


def test_correct_display_of_a_with_symbolic_sizes() -> None:
    latex = (r"\mathbf{A} = \begin{bmatrix} a_{11} & a_{12} & \cdots & a_{1n} \\"
             r" a_{21} & a_{22} & \cdots & a_{2n} \\ \vdots & \vdots & \ddots & \vdots \\"
             r" a_{m1} & a_{m2} & \cdots & a_{mn} \end{bmatrix}")
    [(result, _)] = lint(latex, {"A": ("m", "n")})
    assert result.findings == ()
    assert result.status is Status.VERIFIED and result.checked == 9


@pytest.mark.parametrize("entry", ["B_{%s}", "(B)_{%s}", "[B]_{%s}", "\\mathbf{B}_{%s}", "b_{%s}"])
def test_accepted_entry_conventions(entry: str) -> None:
    cells = [entry % ij for ij in ("11", "12", "21", "22")]
    latex = (r"\mathbf{B} = \begin{bmatrix} %s & %s \\ %s & %s \end{bmatrix}" % tuple(cells))
    [(result, _)] = lint(latex)
    assert result.findings == () and result.checked == 4


def test_comma_separated_indices() -> None:
    latex = r"B = \begin{pmatrix} b_{1,1} & b_{1,2} \\ b_{2,1} & b_{2,2} \end{pmatrix}"
    [(result, _)] = lint(latex)
    assert result.findings == () and result.checked == 4


def test_differential_display() -> None:
    latex = (r"d\mathbf{X} = \begin{bmatrix} dx_{11} & dx_{12} & \cdots & dx_{1n} \\"
             r" \vdots & \vdots & \ddots & \vdots \\ dx_{m1} & dx_{m2} & \cdots & dx_{mn}"
             r" \end{bmatrix}")
    [(result, _)] = lint(latex, {"X": ("m", "n")})
    assert result.findings == () and result.status is Status.VERIFIED


def test_differential_display_with_a_wrong_letter() -> None:
    latex = (r"dX = \begin{bmatrix} dx_{11} & dy_{12} \\ dx_{21} & dx_{22} \end{bmatrix}")
    [(result, latex)] = lint(latex)
    assert flagged(result, latex) == [("entry-name", "dy_{12}")]
    assert result.findings[0].expected == "dx_{12}"


NUMERATOR = (
    r"\frac{\partial f}{\partial \mathbf{X}} = \begin{bmatrix}"
    r" \frac{\partial f}{\partial x_{11}} & \frac{\partial f}{\partial x_{21}} & \cdots"
    r" & \frac{\partial f}{\partial x_{m1}} \\ \vdots & \vdots & \ddots & \vdots \\"
    r" \frac{\partial f}{\partial x_{1n}} & \frac{\partial f}{\partial x_{2n}} & \cdots"
    r" & \frac{\partial f}{\partial x_{mn}} \end{bmatrix}"
)


@pytest.mark.parametrize("layout", list(Layout))
def test_numerator_layout_display_of_a_gradient_is_not_an_error(layout: Layout) -> None:
    [(result, _)] = lint(NUMERATOR, {"X": ("m", "n")}, layout)
    assert result.findings == () and result.checked == 6


def test_gradient_display_with_a_misplaced_entry() -> None:
    latex = (r"\frac{\partial f}{\partial X} = \begin{bmatrix}"
             r" \frac{\partial f}{\partial x_{11}} & \frac{\partial f}{\partial x_{12}} \\"
             r" \frac{\partial f}{\partial x_{21}} & \frac{\partial f}{\partial x_{21}}"
             r" \end{bmatrix}")
    [(result, latex)] = lint(latex)
    codes = [code for code, _ in flagged(result, latex)]
    assert codes == ["entry-index"]
    assert flagged(result, latex)[0][1].endswith("x_{21}}")
    assert result.findings[0].span.start > latex.index("x_{21}")


def test_gradient_display_with_respect_to_another_letter() -> None:
    latex = (r"\frac{\partial f}{\partial X} = \begin{bmatrix}"
             r" \frac{\partial f}{\partial x_{11}} & \frac{\partial f}{\partial y_{12}} \\"
             r" \frac{\partial f}{\partial x_{21}} & \frac{\partial f}{\partial x_{22}}"
             r" \end{bmatrix}")
    [(result, latex)] = lint(latex)
    assert [code for code, _ in flagged(result, latex)] == ["entry-name"]
    assert result.findings[0].expected == "x_{12}"


def test_jacobian_display_in_denominator_layout() -> None:
    latex = (r"\frac{\partial \mathbf{y}}{\partial \mathbf{x}} = \begin{bmatrix}"
             r" \frac{\partial y_1}{\partial x_1} & \frac{\partial y_2}{\partial x_1} & \dots"
             r" & \frac{\partial y_m}{\partial x_1} \\ \vdots & \vdots & \ddots & \vdots \\"
             r" \frac{\partial y_1}{\partial x_n} & \frac{\partial y_2}{\partial x_n} & \dots"
             r" & \frac{\partial y_m}{\partial x_n} \end{bmatrix}")
    [(result, _)] = lint(latex)
    assert result.findings == () and result.checked == 6


def test_several_displays_in_one_block_are_each_checked() -> None:
    latex = (r"\mathbf{A} = \begin{bmatrix} a_{11} & a_{12} \\ a_{21} & a_{22} \end{bmatrix},"
             r" \quad \mathbf{B} = \begin{bmatrix} b_{11} & b_{12} \\ a_{21} & b_{22}"
             r" \end{bmatrix}")
    results = lint(latex)
    assert len(results) == 2
    (a, _), (b, text) = results
    assert a.findings == () and a.status is Status.VERIFIED
    assert flagged(b, text) == [("entry-name", "a_{21}")]
    assert b.findings[0].span.start == text.index("a_{21}", text.index(r"\mathbf{B}"))


def test_row_index_out_of_place() -> None:
    latex = (r"B = \begin{bmatrix} b_{11} & b_{12} & \cdots & b_{1m} \\"
             r" b_{31} & b_{22} & \cdots & b_{2m} \\ \vdots & \vdots & \ddots & \vdots \\"
             r" b_{n1} & b_{n2} & \cdots & b_{nm} \end{bmatrix}")
    [(result, latex)] = lint(latex)
    assert [(c, t) for c, t in flagged(result, latex)] == [("entry-index", "b_{31}")]
    [finding] = result.findings
    assert finding.span.start == latex.index("b_{31}")
    assert finding.expected == "b_{21}"
    assert "row 2" in finding.message
    assert result.status is Status.WRONG


def test_symmetric_notation_is_not_a_misplaced_entry() -> None:
    latex = (r"\boldsymbol{\Sigma} = \begin{bmatrix} \sigma_{11} & \sigma_{12} & \sigma_{13} \\"
             r" \sigma_{12} & \sigma_{22} & \sigma_{23} \\ \sigma_{13} & \sigma_{23} & \sigma_{33}"
             r" \end{bmatrix}")
    [(result, _)] = lint(latex)
    assert result.findings == () and result.checked == 9


def test_last_entry_must_agree_with_the_declared_shape() -> None:
    latex = (r"B = \begin{bmatrix} b_{11} & \cdots & b_{1n} \\ \vdots & \ddots & \vdots \\"
             r" b_{m1} & \cdots & b_{mn} \end{bmatrix}")
    [(result, latex)] = lint(latex, {"B": ("n", "m")})
    assert flagged(result, latex) == [("entry-index", "b_{mn}")]
    assert result.findings[0].expected == "b_{nm}"
    [(undeclared, _)] = lint(latex)
    assert undeclared.findings == ()
    # a declaration far away (not in `recent_shapes`) may be about another B
    literal_statement = parse_math(latex).statements[0]
    [(name, literal)] = displays_in(literal_statement)
    far = Context(shapes={"B": ("n", "m")})
    index = LineIndex(latex, "notes.md")
    assert check_display(name, literal, far, Layout.DENOMINATOR, lambda loc: index.span(*loc)) == []


def test_column_after_cdots_is_the_last() -> None:
    latex = r"\mathbf{x}^T = \begin{bmatrix} x_1 & x_2 & \cdots & x_{n-1} & x_n \end{bmatrix}"
    [(result, _)] = lint(latex, {"x": ("n", 1)})
    assert result.findings == () and result.checked == 4
    bad = r"\mathbf{x}^T = \begin{bmatrix} x_1 & x_2 & \cdots & x_n & x_{n-1} \end{bmatrix}"
    [(result, latex)] = lint(bad)
    assert [c for c, _ in flagged(result, latex)] == ["entry-index", "entry-index"]


def test_column_vector_and_transposed_literal() -> None:
    latex = r"\mathbf{y} = \begin{bmatrix} y_1 \\ y_2 \\ \vdots \\ y_m \end{bmatrix}"
    [(result, _)] = lint(latex, {"y": ("m", 1)})
    assert result.findings == () and result.checked == 3
    latex = r"\mathbf{y} = \begin{bmatrix} y_1 & y_2 & \cdots & y_m \end{bmatrix}^T"
    [(result, _)] = lint(latex)
    assert result.findings == () and result.checked == 3


def test_zero_based_entries() -> None:
    latex = r"\mathbf{t} = \begin{bmatrix} t_{0} & t_{1} & \cdots & t_{n-1} \end{bmatrix}^T"
    [(result, _)] = lint(latex)
    assert result.findings == ()


def test_display_of_a_transpose() -> None:
    latex = (r"\mathbf{A}^T = \begin{bmatrix} a_{11} & a_{21} & \dots & a_{m1} \\"
             r" a_{12} & a_{22} & \dots & a_{m2} \\ \vdots & \vdots & \ddots & \vdots \\"
             r" a_{1n} & a_{2n} & \dots & a_{mn} \end{bmatrix}")
    [(result, _)] = lint(latex, {"A": ("m", "n")})
    assert result.findings == () and result.checked == 9
    [(result, text)] = lint(latex.replace("a_{21} & \\dots", "a_{31} & \\dots"))
    assert flagged(result, text) == [("entry-index", "a_{31}")]


def test_product_named_by_concatenation() -> None:
    latex = (r"\mathbf{AB} = \begin{bmatrix} ab_{11} & ab_{12} \\ (AB)_{21} & [AB]_{22}"
             r" \end{bmatrix}")
    [(result, _)] = lint(latex)
    assert result.findings == () and result.checked == 4
    slip = r"\mathbf{AB} = \begin{bmatrix} ab_{11} & ab_{12} \\ ac_{21} & ab_{22} \end{bmatrix}"
    [(result, latex)] = lint(slip)
    assert flagged(result, latex) == [("entry-name", "ac_{21}")]


@pytest.mark.parametrize("latex", [
    r"\mathbf{A} = \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
    r"\mathbf{Z} = \begin{bmatrix} 0 & x_1 + y_1 \\ 2a_{21} & \sin(\theta) \end{bmatrix}",
    r"\mathbf{M} = \begin{bmatrix} \mathbf{A}_{11} & \mathbf{A}_{12} \\"
    r" \mathbf{A}_{21} & \mathbf{A}_{22} \end{bmatrix}",
    r"\mathbf{P} = \begin{bmatrix} u_1 & v_1 \\ u_2 & v_2 \end{bmatrix}",
    r"\mathbf{T} = \begin{bmatrix} t_{11} & t_{12} & \cdots & t_{1n} \\"
    r" t_{21} & \ddots & \ddots & \vdots \\ \vdots & \ddots & \ddots & t_{12} \\"
    r" t_{n1} & \cdots & t_{21} & t_{11} \end{bmatrix}",
    r"\mathbf{y} = \mathbf{A x} = \begin{bmatrix} a_{11}x_1 + a_{12}x_2 \\"
    r" a_{21}x_1 + a_{22}x_2 \end{bmatrix}",
    r"\frac{\partial |\mathbf{Y}|}{\partial \mathbf{Y}} = \begin{bmatrix} C_{11} & C_{21} \\"
    r" C_{12} & C_{22} \end{bmatrix}",
])
def test_entries_that_are_not_named_entries_are_not_flagged(latex: str) -> None:
    for result, _ in lint(latex):
        assert result.findings == ()
        assert result.ok


def test_no_name_no_findings() -> None:
    literal = MatrixLiteral(((Symbol("a", subscript="11"), Symbol("b", subscript="12")),))
    assert check_display(None, literal, Context(), Layout.DENOMINATOR, lambda loc: None) == []
    result = display_result(None, literal, Context(), Layout.DENOMINATOR, lambda loc: None)
    assert result.status is Status.UNSUPPORTED
    assert result.verdict().reason is not None


def _corpus_documents():  # type: ignore[no-untyped-def]
    from mathlint.parsers import parse_document

    for path in sorted(CORPUS.glob("*/*")):
        if path.name == "SOURCES.md" or path.suffix not in (".md", ".tex", ".rst"):
            continue
        yield path, parse_document(str(path), path.read_text(encoding="utf-8"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no real-world corpus here")
def test_no_finding_on_the_displays_of_the_real_corpus() -> None:
    checked = 0
    for path, doc in _corpus_documents():
        for math in doc.math:
            for statement in parse_math(math.latex, doc.macros).statements:
                for name, literal in displays_in(statement):
                    result = display_result(
                        name, literal, Context(), Layout.DENOMINATOR,
                        lambda loc, m=math: m.source_span(loc[0], loc[1], doc.lines))
                    assert result.findings == (), (path.name, math.span.line, result.findings)
                    checked += result.checked
    assert checked > 100


def test_doctests() -> None:
    import doctest

    import mathlint.checker.display_entries as entries
    import mathlint.checker.display_positions as positions
    import mathlint.checker.displays as module

    for mod in (module, entries, positions):
        assert doctest.testmod(mod).failed == 0, mod.__name__


def test_display_link_names_the_literal() -> None:
    from mathlint.checker.displays import display_link
    from mathlint.parsers.expr import Transpose

    [statement] = parse_math(r"\mathbf{x} = \begin{bmatrix} x_1 & x_2 \end{bmatrix}^T").statements
    lhs, rhs = statement.sides
    name, literal = display_link(lhs, rhs)  # type: ignore[arg-type, misc]
    assert isinstance(name, Transpose) and isinstance(literal, MatrixLiteral)
    [statement] = parse_math(r"\begin{bmatrix} b_{11} \end{bmatrix} = B").statements
    name, literal = display_link(*statement.sides)  # type: ignore[arg-type, misc]
    assert isinstance(name, Symbol) and name.name == "B"
    [statement] = parse_math(r"A = B").statements
    assert display_link(*statement.sides) is None  # type: ignore[arg-type]
