"""The fast LaTeX scanner finds the same math as a pylatexenc walk on well-formed documents.

pylatexenc is the reference here (the scanner replaces it on the hot path for speed, see
``latex_spans``): documents are generated from well-formed pieces and both must locate the
same math constructs at the same offsets.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mathlint.parsers.latex_spans import extract_latex
from mathlint.parsers.mathbody import TOP_LEVEL_ENVS

_MATH = st.sampled_from(["x", "A^T B", "\\frac{\\partial f}{\\partial X}", "a_{ij} + 1", "\\mathbf{X}^{-1}",
                         "\\operatorname{tr}(AXB)", "\\text{if } x", "\\{a\\}"])
_TEXT = st.sampled_from(["Let", "we have", "and 5\\% more", "\\emph{numerator layout}", "\\cite{x}", "text,",
                         "\\$5 price", "% a comment\n", "\n\n", "\\section{Intro}", "\\\\ x", "~", "{group}"])


@st.composite
def _piece(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    body = draw(_MATH)
    if kind == 0:
        return f"${body}$"
    if kind == 1:
        return f"\\({body}\\)"
    if kind == 2:
        return f"\\[{body}\\]"
    if kind == 3:
        return f"$${body}$$"
    if kind == 4:
        env = draw(st.sampled_from(["equation", "align*", "gather", "multline*", "eqnarray"]))
        return f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}"
    if kind == 5:
        return f"\\footnote{{see ${body}$}}"
    return draw(_TEXT)


def _pylatexenc_math(text: str) -> list[tuple[int, int]]:
    from pylatexenc import latexwalker as lw

    walker = lw.LatexWalker(text)
    nodes, _, _ = walker.get_latex_nodes(pos=0)
    found: list[tuple[int, int]] = []

    def visit(items: list[object] | None) -> None:
        for node in items or []:
            if node is None:
                continue
            if node.isNodeType(lw.LatexMathNode) or (  # type: ignore[attr-defined]
                    node.isNodeType(lw.LatexEnvironmentNode) and node.environmentname in TOP_LEVEL_ENVS):  # type: ignore[attr-defined]
                found.append((node.pos, node.pos + node.len))  # type: ignore[attr-defined]
                continue
            if node.isNodeType(lw.LatexMacroNode) and node.nodeargd:  # type: ignore[attr-defined]
                visit(node.nodeargd.argnlist)  # type: ignore[attr-defined]
            if getattr(node, "nodelist", None):
                visit(node.nodelist)  # type: ignore[attr-defined]

    visit(nodes)
    return sorted(found)


@settings(max_examples=int(__import__("os").environ.get("MATHLINT_EXAMPLES", "120")), deadline=None)
@given(st.lists(_piece(), min_size=1, max_size=12).map(" ".join))
def test_same_math_as_pylatexenc(text: str) -> None:
    ours = [(m.span.start, m.span.end) for m in extract_latex("g.tex", text).math]
    assert ours == _pylatexenc_math(text)
