"""Hand-built reports for renderer tests: every claim kind and status, every rule code in the registry.

Imported by ``conftest.py`` and, by file path, by ``tests/integration/test_chromium_report.py``.

The reports are built the way the checker would build them — spans from `LineIndex` over
real document text, claims per link with lhs/rhs spans, findings pointing at the wrong
link's right-hand side — so renderers can be tested before the pipeline exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mathlint.checker import rules as R
from mathlint.checker.claims import Claim, ClaimKind
from mathlint.checker.findings import ClaimResult, Edit, FileReport, Finding, Fix
from mathlint.checker.options import Layout
from mathlint.checker.verdicts import Reason, Status, TermMatch, Verdict
from mathlint.parsers.document import MathSpan
from mathlint.parsers.expr import Symbol
from mathlint.parsers.span import LineIndex, Span


MARKDOWN = r"""# Trace derivatives

Let $\mathbf{X} \in \mathbb{R}^{m \times n}$ and $\mathbf{A} \in \mathbb{R}^{p \times m}$.

$$
\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B})}{\partial \mathbf{X}} = \mathbf{A}^T\mathbf{B}^T
$$

$$
\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}^T\mathbf{B})}{\partial \mathbf{X}} = \mathbf{A}^T\mathbf{B}^T \tag{2}
$$

1. The Frobenius norm, with respect to $\mathbf{W}$:

   $$
   \frac{\partial \|\mathbf{X} - \mathbf{W}\mathbf{H}\|_F^2}{\partial \mathbf{W}} = 2(\mathbf{W}\mathbf{H} - \mathbf{X})\mathbf{H}^T + \mathbf{X}
   $$

2. A chain:

   $$
   \frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{D})}{\partial \mathbf{X}} = \mathbf{A}^T\mathbf{D}^T = \mathbf{D}^T\mathbf{A}^T
   $$

> Recall that $(\mathbf{A}\mathbf{B})^T = \mathbf{A}^T\mathbf{B}^T$ for any
> conformable pair.

Under numerator layout, $\frac{\partial \mathbf{a}^T\mathbf{X}\mathbf{b}}{\partial \mathbf{X}} = \mathbf{a}\mathbf{b}^T$.

$$
d\operatorname{tr}(\mathbf{X}^2) = 3\operatorname{tr}(\mathbf{X}\,d\mathbf{X})
$$

$$
\mathbf{X}\mathbf{A} = \mathbf{A}\mathbf{X}
$$

$$
\sum_j A_{ij} x_j = y_k
$$

$$
\mathbf{B} = \begin{bmatrix} a_{11} & a_{12} \\ b_{12} & b_{22} \end{bmatrix}
$$

$$
\frac{\partial \log\det\mathbf{X}}{\partial \mathbf{X}} = ?
$$

$$
\frac{\partial f}{\partial \mathbf{X}} = \mathbf{X}^{\mathbf{X}}
$$

<!-- mathlint: ignore -->
$$
\frac{\partial \operatorname{tr}(\mathbf{X})}{\partial \mathbf{X}} = \mathbf{0}
$$

$$
\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}}{\partial \mathbf{X}}
$$

$$
\sum_i \Big(\sum_i x_i\Big) y_i = s
$$

| identity | holds |
|---|---|
| $\operatorname{tr}(\mathbf{A}\mathbf{B}) = \operatorname{tr}(\mathbf{B}\mathbf{A})$ | yes |
"""

LATEX = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\tr}{\operatorname{tr}}
\begin{document}
\section{Gradients}

The first one:
\begin{equation}
  \frac{\partial \tr(AXB)}{\partial X} = A^T B^T \label{eq:first}
\end{equation}
and a second, with $\frac{\partial \tr(X)}{\partial X} = I$ inline,
so we move on.
\begin{align}
  \frac{\partial}{\partial X} \tr(AXD) &= A^T D^T \\
  &= D A
\end{align}
\begin{itemize}
  \item In a list: \[ \frac{\partial f}{\partial X} = X^{X} \]
\end{itemize}
\end{document}
"""


def find(text: str, needle: str, start: int = 0) -> int:
    at = text.find(needle, start)
    assert at != -1, f"{needle!r} not in fixture text after {start}"
    return at


@dataclass
class Builder:
    """Builds one FileReport from real text: math spans, claims, findings."""

    path: str
    text: str
    newline: str = "\n"
    claims: list[ClaimResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _maths: int = 0

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text, self.path)

    def span(self, start: int, end: int) -> Span:
        return self.lines.span(start, end)

    def math(self, opener: str, closer: str, *, after: int = 0, display: bool = True,
             environment: str | None = None, tag: str | None = None) -> MathSpan:
        start = find(self.text, opener, after)
        inner = start + len(opener)
        close = find(self.text, closer, inner)
        latex = self.text[inner:close]
        self._maths += 1
        return MathSpan(self.span(start, close + len(closer)), latex, tuple(range(inner, close)), display,
                        environment or opener, tag, None, self._maths - 1)

    def claim(self, math: MathSpan, lhs: str, rhs: str, kind: ClaimKind, verdict: Verdict, *,
              layout: Layout = Layout.DENOMINATOR, suppressed: bool = False, lhs_from: int | None = None) -> int:
        base = math.span.start if lhs_from is None else lhs_from
        lhs_start = find(self.text, lhs, base)
        rhs_start = find(self.text, rhs, lhs_start + len(lhs))
        lhs_span = self.span(lhs_start, lhs_start + len(lhs))
        rhs_span = self.span(rhs_start, rhs_start + len(rhs))
        link = self.span(lhs_start, rhs_span.end)
        claim = Claim(kind, Symbol("L"), Symbol("R"), link, lhs_span, rhs_span,
                      self.text[lhs_start:rhs_span.end], layout, math=math, rhs_latex=rhs)
        self.claims.append(ClaimResult(claim, verdict, suppressed))
        return len(self.claims) - 1

    def finding(self, rule: R.Rule, span: Span, message: str, *, claim: int | None = None,
                expected: str | None = None, fix: Fix | None = None) -> Finding:
        finding = Finding(rule, span, {"message": message}, expected=expected, fix=fix, claim_index=claim)
        self.findings.append(finding)
        return finding

    def rhs(self, claim: int) -> Span:
        return self.claims[claim].claim.rhs_span

    def report(self) -> FileReport:
        return FileReport(self.path, tuple(self.claims), tuple(sorted(self.findings, key=lambda f: f.span)),
                          text=self.text, newline=self.newline)


def build_markdown_report(text: str = MARKDOWN, path: str = "docs/notes.md", newline: str = "\n") -> FileReport:
    b = Builder(path, text, newline)
    V = Verdict
    # 1: verified derivative
    m = b.math("$$\n", "\n$$", after=find(text, "Let $"))
    b.claim(m, r"\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B})}", r"\mathbf{A}^T\mathbf{B}^T",
            ClaimKind.DERIVATIVE, V(Status.VERIFIED))
    # 2: wrong derivative, tagged, with a fix and explanation
    m = b.math("$$\n", "\n$$", after=m.span.end, tag="2")
    c = b.claim(m, r"\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}^T\mathbf{B})}", r"\mathbf{A}^T\mathbf{B}^T",
                ClaimKind.DERIVATIVE,
                V(Status.WRONG, expected_latex=r"\mathbf{B}\mathbf{A}",
                  explanation=(r"d\operatorname{tr}(\mathbf{A}\,d\mathbf{X}^T\mathbf{B}) = \operatorname{tr}(\mathbf{B}^T d\mathbf{X}\,\mathbf{A}^T)",
                               r"\frac{\partial f}{\partial \mathbf{X}} = (\mathbf{A}^T\mathbf{B}^T)^T = \mathbf{B}\mathbf{A}")))
    b.finding(R.WRONG_DERIVATIVE, b.rhs(c), "∂f/∂X is BA, not AᵀBᵀ (the transpose of the answer is stated)",
              claim=c, expected=r"\mathbf{B}\mathbf{A}",
              fix=Fix((Edit(b.rhs(c), r"\mathbf{B}\mathbf{A}"),), "replace the right-hand side"))
    # 3: Frobenius in a list item, one wrong term
    m = b.math("$$\n", "\n   $$", after=find(text, "1. The Frobenius"))
    c = b.claim(m, r"\frac{\partial \|", r"2(\mathbf{W}\mathbf{H} - \mathbf{X})\mathbf{H}^T + \mathbf{X}",
                ClaimKind.DERIVATIVE,
                V(Status.WRONG, expected_latex=r"2(\mathbf{W}\mathbf{H} - \mathbf{X})\mathbf{H}^T",
                  terms=(TermMatch(1, r"2(\mathbf{W}\mathbf{H} - \mathbf{X})\mathbf{H}^T", True),
                         TermMatch(2, r"\mathbf{X}", False, None))))
    b.finding(R.WRONG_DERIVATIVE, b.rhs(c), "term 2 (X) is not part of the gradient", claim=c,
              expected=r"2(\mathbf{W}\mathbf{H} - \mathbf{X})\mathbf{H}^T",
              fix=Fix((Edit(b.rhs(c), r"2(\mathbf{W}\mathbf{H} - \mathbf{X})\mathbf{H}^T"),)))
    # 4: a chain in a list item: link 1 verified, link 2 wrong equality
    m = b.math("$$\n", "\n   $$", after=find(text, "2. A chain"))
    b.claim(m, r"\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{D})}", r"\mathbf{A}^T\mathbf{D}^T",
            ClaimKind.DERIVATIVE, V(Status.VERIFIED))
    c = b.claim(m, r"\mathbf{A}^T\mathbf{D}^T", r"\mathbf{D}^T\mathbf{A}^T", ClaimKind.EQUALITY,
                V(Status.WRONG), lhs_from=find(text, r"= \mathbf{A}^T\mathbf{D}^T", m.span.start) + 2)
    b.finding(R.WRONG_EQUALITY, b.rhs(c), "the two sides differ (AᵀDᵀ ≠ DᵀAᵀ in general)", claim=c)
    # 5: inline equality in a blockquote (wrong)
    m = b.math("$", "$", after=find(text, "> Recall"), display=False)
    c = b.claim(m, r"(\mathbf{A}\mathbf{B})^T", r"\mathbf{A}^T\mathbf{B}^T", ClaimKind.EQUALITY,
                V(Status.WRONG, expected_latex=r"\mathbf{B}^T\mathbf{A}^T"))
    b.finding(R.WRONG_EQUALITY, b.rhs(c), "(AB)ᵀ = BᵀAᵀ: the order of the factors is reversed", claim=c,
              expected=r"\mathbf{B}^T\mathbf{A}^T")
    # 6: inline derivative under numerator layout: layout mismatch
    m = b.math("$", "$", after=find(text, "Under numerator"), display=False)
    c = b.claim(m, r"\frac{\partial \mathbf{a}^T", r"\mathbf{a}\mathbf{b}^T", ClaimKind.DERIVATIVE,
                V(Status.WRONG, expected_latex=r"\mathbf{b}\mathbf{a}^T", layout_mismatch=True),
                layout=Layout.NUMERATOR)
    b.finding(R.LAYOUT_MISMATCH, b.rhs(c), r"`\mathbf{a}\mathbf{b}^T` is the denominator-layout result; numerator layout is in force",
              claim=c, expected=r"\mathbf{b}\mathbf{a}^T",
              fix=Fix((Edit(b.rhs(c), r"\mathbf{b}\mathbf{a}^T"),), layout_only=True))
    # 7: wrong differential
    m = b.math("$$\n", "\n$$", after=find(text, "d\\operatorname") - 4)
    c = b.claim(m, r"d\operatorname{tr}(\mathbf{X}^2)", r"3\operatorname{tr}(\mathbf{X}\,d\mathbf{X})",
                ClaimKind.DIFFERENTIAL, V(Status.WRONG, expected_latex=r"2\operatorname{tr}(\mathbf{X}\,d\mathbf{X})"))
    b.finding(R.WRONG_DIFFERENTIAL, b.rhs(c), "the factor is 2, not 3", claim=c,
              expected=r"2\operatorname{tr}(\mathbf{X}\,d\mathbf{X})")
    # 8: shape mismatch → unsupported (shape)
    m = b.math("$$\n", "\n$$", after=m.span.end)
    c = b.claim(m, r"\mathbf{X}\mathbf{A}", r"\mathbf{A}\mathbf{X}", ClaimKind.EQUALITY,
                V.unsupported(Reason.SHAPE, "X is m×n and A is p×m, so XA is undefined"))
    b.finding(R.SHAPE_MISMATCH, b.claims[c].claim.lhs_span, "XA: X has n columns but A has p rows", claim=c)
    # 9: index notation, free index mismatch
    m = b.math("$$\n", "\n$$", after=m.span.end)
    c = b.claim(m, r"\sum_j A_{ij} x_j", "y_k", ClaimKind.INDEX, V(Status.WRONG))
    b.finding(R.INDEX_MISMATCH, b.claims[c].claim.span, "free index i on the left, k on the right", claim=c)
    # 10: displayed matrix: entry names and indices
    m = b.math("$$\n", "\n$$", after=m.span.end)
    c = b.claim(m, r"\mathbf{B}", r"\begin{bmatrix} a_{11} & a_{12} \\ b_{12} & b_{22} \end{bmatrix}",
                ClaimKind.DISPLAY, V(Status.WRONG))
    at = find(text, "a_{11}", m.span.start)
    b.finding(R.ENTRY_NAME, b.span(at, at + 6), "entry a_{11} of B is named after A", claim=c, expected="b_{11}")
    at = find(text, "b_{12} &", m.span.start)
    b.finding(R.ENTRY_INDEX, b.span(at, at + 6), "entry in row 2, column 1 is indexed 12", claim=c,
              expected="b_{21}")
    # 11: derived answer for `= ?`
    m = b.math("$$\n", "\n$$", after=m.span.end)
    c = b.claim(m, r"\frac{\partial \log\det\mathbf{X}}", "?", ClaimKind.DERIVATIVE,
                V(Status.VERIFIED, expected_latex=r"\mathbf{X}^{-T}",
                  explanation=(r"d\log\det\mathbf{X} = \operatorname{tr}(\mathbf{X}^{-1}d\mathbf{X})",)))
    b.finding(R.DERIVED, b.rhs(c), "derived: X⁻ᵀ", claim=c, expected=r"\mathbf{X}^{-T}")
    # 12: unsupported (not supported)
    m = b.math("$$\n", "\n$$", after=m.span.end)
    b.claim(m, r"\frac{\partial f}", r"\mathbf{X}^{\mathbf{X}}", ClaimKind.DERIVATIVE,
            V.unsupported(Reason.NOT_SUPPORTED, "a matrix power with a matrix exponent"))
    # 13: suppressed wrong derivative (its finding must not be shown)
    m = b.math("$$\n", "\n$$", after=find(text, "<!-- mathlint: ignore -->"))
    c = b.claim(m, r"\frac{\partial \operatorname{tr}(\mathbf{X})}", r"\mathbf{0}", ClaimKind.DERIVATIVE,
                V(Status.WRONG, expected_latex=r"\mathbf{I}"), suppressed=True)
    b.finding(R.WRONG_DERIVATIVE, b.rhs(c), "SUPPRESSED FINDING MUST NOT APPEAR", claim=c, expected=r"\mathbf{I}",
              fix=Fix((Edit(b.rhs(c), r"\mathbf{I}"),)))
    # 14: unparsable span: no claim, an orphan parse-error
    m = b.math("$$\n", "\n$$", after=m.span.end)
    b.finding(R.PARSE_ERROR, m.span, "unbalanced braces in \\frac")
    # 15: nested sums re-binding i: verified index claim with an info
    m = b.math("$$\n", "\n$$", after=m.span.end)
    c = b.claim(m, r"\sum_i \Big(\sum_i x_i\Big) y_i", "s", ClaimKind.INDEX, V(Status.VERIFIED))
    at = find(text, r"\sum_i x_i", m.span.start)
    b.finding(R.INDEX_SCOPE, b.span(at, at + 6), "the inner sum re-binds i", claim=c)
    # 16: inline claim in a table cell: verified with a reading
    m = b.math("$", "$", after=find(text, "|---|---|"), display=False)
    b.claim(m, r"\operatorname{tr}(\mathbf{A}\mathbf{B})", r"\operatorname{tr}(\mathbf{B}\mathbf{A})",
            ClaimKind.EQUALITY, V(Status.VERIFIED, reading="matrix trace"))
    return b.report()


def build_latex_report(text: str = LATEX, path: str = "docs/notes.tex", newline: str = "\n") -> FileReport:
    b = Builder(path, text, newline)
    V = Verdict
    m = b.math("\\begin{equation}", "\\end{equation}", environment="equation")
    b.claim(m, r"\frac{\partial \tr(AXB)}", "A^T B^T", ClaimKind.DERIVATIVE, V(Status.VERIFIED))
    m = b.math("$", "$", after=find(text, "and a second"), display=False)
    b.claim(m, r"\frac{\partial \tr(X)}", "I", ClaimKind.DERIVATIVE, V(Status.VERIFIED))
    m = b.math("\\begin{align}", "\\end{align}", environment="align")
    b.claim(m, r"\frac{\partial}{\partial X} \tr(AXD)", "A^T D^T", ClaimKind.DERIVATIVE, V(Status.VERIFIED))
    c = b.claim(m, "A^T D^T", "D A", ClaimKind.EQUALITY, V(Status.WRONG, expected_latex="A^T D^T"),
                lhs_from=find(text, "&= A^T D^T") + 3)
    b.finding(R.WRONG_EQUALITY, b.rhs(c), "the two sides differ: D A is not A^T D^T", claim=c,
              expected="A^T D^T", fix=Fix((Edit(b.rhs(c), "D^T A^T"),)))
    m = b.math("\\[", "\\]", environment="\\[")
    b.claim(m, r"\frac{\partial f}", "X^{X}", ClaimKind.DERIVATIVE,
            V.unsupported(Reason.NOT_SUPPORTED, "matrix exponent; 50% of cases & more # not handled"))
    return b.report()


def unreadable_report(path: str = "docs/binary.md") -> FileReport:
    span = Span(path, 0, 0, 1, 1, 1, 1)
    finding = Finding(R.UNREADABLE_FILE, span, {"message": "binary file (NUL bytes): not read"})
    return FileReport(path, (), (finding,), text=None, readable=False)
