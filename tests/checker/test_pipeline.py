"""check_document end to end on small documents: which links are claims and what is reported."""

from __future__ import annotations

import pytest

from mathlint.api import check_text
from mathlint.checker.options import CheckOptions, Layout
from mathlint.checker.verdicts import Reason, Status

STRICT = CheckOptions(strict=True)


def statuses(text: str, path: str = "n.md", options: CheckOptions = STRICT) -> list[tuple[str, str]]:
    report = check_text(text, path, options)
    return [(r.claim.kind.value, r.verdict.status.value) for r in report.claims]


def codes(text: str, path: str = "n.md", options: CheckOptions = STRICT) -> list[tuple[str, int, int]]:
    report = check_text(text, path, options)
    return [(f.code, f.span.line, f.span.col) for f in report.findings]


def test_right_derivative_verified() -> None:
    assert statuses(r"$$\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B})}{\partial \mathbf{X}} = \mathbf{A}^T\mathbf{B}^T$$") == [("derivative", "verified")]


def test_wrong_derivative_points_at_right_hand_side() -> None:
    text = "Intro.\n\n$$\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X} = B^T A^T$$\n"
    found = codes(text)
    assert found == [("wrong-derivative", 3, text.splitlines()[2].index("B^T") + 1)]


def test_transposed_answer_is_a_layout_finding() -> None:
    text = "$$\\frac{\\partial \\operatorname{tr}(AX)}{\\partial X} = A$$\n"
    assert [c for c, *_ in codes(text)] == ["layout-mismatch"]
    numerator = "We use numerator layout.\n\n" + text
    assert codes(numerator) == []


def test_layout_directive_and_option() -> None:
    text = "<!-- mathlint: layout=numerator -->\n\n$$\\frac{\\partial \\operatorname{tr}(AX)}{\\partial X} = A$$\n"
    assert codes(text) == []
    forced = CheckOptions(strict=True, layout=Layout.DENOMINATOR)
    assert [c for c, *_ in codes(text, options=forced)] == ["layout-mismatch"]


def test_definition_before_use_and_chain_links() -> None:
    text = (
        "Let $f = \\operatorname{tr}(\\mathbf{X}^T\\mathbf{X})$.\n\n"
        "$$\\frac{\\partial f}{\\partial \\mathbf{X}} = 2\\mathbf{X} = \\mathbf{X} + \\mathbf{X}^T$$\n"
    )
    report = check_text(text, "n.md", STRICT)
    assert [r.verdict.status for r in report.claims] == [Status.VERIFIED, Status.WRONG]
    # the finding is at the wrong link's right-hand side, not the start of the chain
    (finding,) = report.findings
    assert finding.code == "wrong-equality" and finding.span.col == text.splitlines()[2].index("\\mathbf{X} +") + 1


def test_definition_written_after_use() -> None:
    text = (
        "$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{D})}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{D}^T$$\n\n"
        "where $\\mathbf{D} = \\mathbf{B}\\mathbf{C}^T$.\n"
    )
    assert statuses(text) == [("derivative", "verified")]


def test_undefined_function_is_unsupported_not_wrong() -> None:
    report = check_text("$$\\frac{\\partial f}{\\partial X} = A$$", "n.md", STRICT)
    (result,) = report.claims
    assert result.verdict.status is Status.UNSUPPORTED and result.verdict.reason is Reason.UNDEFINED
    assert not report.findings


@pytest.mark.parametrize("text", [
    r"$$\mathbf{A}^T\mathbf{A}\mathbf{x} = \mathbf{A}^T\mathbf{b}$$",  # normal equations: a condition
    r"$$\frac{\partial f}{\partial \mathbf{x}} = 2\mathbf{A}\mathbf{x} - \mathbf{b} = \mathbf{0}$$",  # stationarity
    r"$$\mathbf{Q}^T\mathbf{Q} = \mathbf{I}$$",  # a property of Q
    r"$$\text{If } \mathbf{A}\mathbf{B} = \mathbf{B}\mathbf{A} \text{ then } (\mathbf{A}\mathbf{B})^2 = \mathbf{A}^2\mathbf{B}^2$$",
])
def test_conditions_are_never_wrong(text: str) -> None:
    assert [c for c, *_ in codes(text) if c.startswith("wrong")] == []


def test_refuted_guess_is_not_reported() -> None:
    text = (
        "A first guess would be\n\n$$\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X} = AB$$\n\n"
        "but this is wrong: the shapes do not even match.\n"
    )
    report = check_text(text, "n.md", STRICT)
    assert not report.findings
    assert report.claims[0].verdict.reason is Reason.REFUTED


def test_refutation_in_other_words() -> None:
    text = (
        "Converting back we get\n\n$$\\frac{\\partial \\|\\mathbf{X} - \\mathbf{U}\\mathbf{V}\\|_F^2}{\\partial \\mathbf{V}}"
        " = -2\\mathbf{U}(\\mathbf{X} - \\mathbf{U}\\mathbf{V})$$\n\nHowever, if we look at this it does not quite work.\n"
    )
    assert check_text(text, "n.md", STRICT).findings == ()


def test_display_starting_with_equals_continues_previous_chain() -> None:
    text = (
        "$$\\frac{\\partial \\operatorname{tr}(\\mathbf{X}^T\\mathbf{X})}{\\partial \\mathbf{X}} = \\mathbf{X} + \\mathbf{X}$$\n\n"
        "and so\n\n$$= 3\\mathbf{X}$$\n"
    )
    report = check_text(text, "n.md", STRICT)
    assert [r.verdict.status for r in report.claims] == [Status.VERIFIED, Status.WRONG]
    assert report.findings[0].span.line == 5


def test_ignore_directive_suppresses_next_block() -> None:
    text = "<!-- mathlint: ignore -->\n$$\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X} = B^TA^T$$\n"
    report = check_text(text, "n.md", STRICT)
    assert not report.findings and report.claims[0].suppressed
    only_other = "<!-- mathlint: ignore=layout-mismatch -->\n$$\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X} = B^TA^T$$\n"
    assert [f.code for f in check_text(only_other, "n.md", STRICT).findings] == ["wrong-derivative"]


def test_latex_comment_directive_and_macros() -> None:
    text = (
        "\\newcommand{\\tr}{\\operatorname{tr}}\n% mathlint: layout=numerator\n"
        "\\begin{equation}\\frac{\\partial \\tr(\\mathbf{A}\\mathbf{X})}{\\partial \\mathbf{X}} = \\mathbf{A}\\end{equation}\n"
    )
    assert statuses(text, "n.tex") == [("derivative", "verified")]


def test_query_gets_a_derived_answer() -> None:
    report = check_text(r"$$\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X})}{\partial \mathbf{X}} = ?$$", "n.md", STRICT)
    (finding,) = report.findings
    assert finding.code == "derived" and finding.expected == r"\mathbf{A}^T"


def test_select_and_ignore() -> None:
    text = "$$\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X} = B^T A^T$$\n"
    assert codes(text, options=CheckOptions(strict=True, ignore=frozenset({"wrong-derivative"}))) == []
    assert codes(text, options=CheckOptions(strict=True, select=frozenset({"layout-mismatch"}))) == []


def test_unparseable_math_is_unsupported_never_wrong() -> None:
    report = check_text(r"$$\frac{\partial \operatorname{tr}(X}{\partial X} = \weird{A}^T$$", "n.md")
    assert all(r.verdict.status is not Status.WRONG for r in report.claims)
    assert all(f.code == "parse-error" for f in report.findings)


def test_symmetric_assumption_from_prose() -> None:
    text = ("If $\\mathbf{A}$ is symmetric,\n\n"
            "$$\\frac{\\partial \\mathbf{x}^T\\mathbf{A}\\mathbf{x}}{\\partial \\mathbf{x}} = 2\\mathbf{A}\\mathbf{x}$$\n")
    assert statuses(text) == [("derivative", "verified")]


def test_shape_contradiction_with_declared_variable_is_a_finding() -> None:
    text = ("Let $\\mathbf{X} \\in \\mathbb{R}^{m\\times n}$.\n\n"
            "$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}$$\n")
    report = check_text(text, "n.md", STRICT)
    assert [f.code for f in report.findings] == ["shape-mismatch"]
    assert report.claims[0].verdict.status is Status.WRONG


def test_inferred_shapes_alone_never_give_a_shape_finding() -> None:
    text = "$$\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X} = x^T A$$\n"
    assert [f.code for f in check_text(text, "n.md", STRICT).findings if f.code == "shape-mismatch"] == []


def test_symbolic_integer_exponents_are_judged_at_integers() -> None:
    right = r"$$\frac{\partial}{\partial \mathbf{X}} \operatorname{Tr}(\mathbf{A} \mathbf{X}^{k}) = \sum_{r=0}^{k-1}(\mathbf{X}^{r} \mathbf{A} \mathbf{X}^{k-r-1})^{T}$$"
    (result,) = check_text(right, "n.md", STRICT).claims
    assert result.verdict.status is Status.VERIFIED and "k = 2 and 3" in (result.verdict.reading or "")
    transposed = r"$$\frac{\partial}{\partial \mathbf{X}} \operatorname{Tr}(\mathbf{X}^{k}) = k\mathbf{X}^{k-1}$$"
    assert [f.code for f in check_text(transposed, "n.md", STRICT).findings] == ["layout-mismatch"]
    single_entry = r"$$\mathbf{J}^{i j} \mathbf{J}^{i j} = \mathbf{J}^{i j}$$"  # J^{ij}: not a power
    assert not check_text(single_entry, "n.md", STRICT).findings


def test_bare_nabla_applies_to_what_follows() -> None:
    text = r"$$\mathbf{\nabla_X} \textrm{tr}[\mathbf{AX}] = \mathbf{A}^T$$"
    assert statuses(text) == [("derivative", "verified")]


def test_one_unreadable_side_costs_only_its_links() -> None:
    text = r"$$\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X})}{\partial \mathbf{X}} = \mathbf{A}^T = \weird{Q}$$"
    report = check_text(text, "n.md", STRICT)
    assert report.claims[0].verdict.status is Status.VERIFIED
    assert all(r.verdict.status is not Status.WRONG for r in report.claims)


def test_table_cells_with_their_own_equations() -> None:
    text = ("\\[\\begin{array}{lll}\n + & \\frac{\\partial (\\mathbf{w}+\\mathbf{x})}{\\partial \\mathbf{w}} = I & "
            "\\frac{\\partial (\\mathbf{w}+\\mathbf{x})}{\\partial \\mathbf{x}} = I\\\\\n"
            " - & \\frac{\\partial (\\mathbf{w}-\\mathbf{x})}{\\partial \\mathbf{w}} = I & "
            "\\frac{\\partial (\\mathbf{w}-\\mathbf{x})}{\\partial \\mathbf{x}} = -I\n\\end{array}\\]\n")
    report = check_text(text, "n.tex", STRICT)
    assert [r.verdict.status for r in report.claims] == [Status.VERIFIED] * 4


def test_chain_rule_through_a_defined_variable_is_not_wrong() -> None:
    text = ("Let $u_1 = x^2$ and $u_2 = x + u_1$.\n\n"
            "$$\\frac{dy}{dx} = \\frac{\\partial u_2}{\\partial x} + \\frac{\\partial u_2}{\\partial u_1}\\frac{d u_1}{d x}$$\n")
    assert [f for f in check_text(text, "n.md", STRICT).findings if f.code.startswith("wrong")] == []


def test_imaginary_unit_is_not_a_matrix_variable() -> None:
    text = r"$$(\mathbf{A}+i \mathbf{B})^{-1} = (\mathbf{A}-i \mathbf{B})^{-1}$$"
    assert check_text(text, "n.md", STRICT).findings == ()
