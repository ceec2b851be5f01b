"""Annotated LaTeX: insertions only, parses with pylatexenc, compiles with pdflatex when installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pylatexenc.latexwalker import LatexEnvironmentNode, LatexWalker

from mathlint.checker.claims import ClaimKind
from mathlint.checker.findings import FileReport
from mathlint.checker.verdicts import Reason, Status, Verdict
from mathlint.renderers.annotate_latex import FRAGMENT_PREAMBLE, PREAMBLE, annotate_latex, math_is_safe

from .conftest import LATEX, Builder, build_latex_report

PDFLATEX = shutil.which("pdflatex")
needs_tex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (apt-get install texlive-latex-base)")


def strip_annotations(text: str) -> str:
    """Remove what the annotator adds, by its shape alone: the preamble block, note lines, marks."""
    text = text.replace(PREAMBLE, "").replace(FRAGMENT_PREAMBLE, "")
    text = re.sub(r"(?m)^\\mathlintnote\{.*\n", "", text)
    return re.sub(r"\\mathlintmark\{\w+\}\{\d+\}", "", text)


def environments(text: str) -> list[str]:
    nodes, _, _ = LatexWalker(text, tolerant_parsing=False).get_latex_nodes()
    out: list[str] = []

    def walk(items: list) -> None:
        for node in items or []:
            if isinstance(node, LatexEnvironmentNode):
                out.append(node.environmentname)
            for child in ("nodelist",):
                walk(getattr(node, child, None) or [])

    walk(nodes)
    return out


def test_only_insertions(tex_report: FileReport) -> None:
    out = annotate_latex(tex_report)
    assert strip_annotations(out) == LATEX
    assert out.index(PREAMBLE) < out.index("\\begin{document}")
    assert out.index("\\newcommand{\\tr}") < out.index(PREAMBLE)  # after the user's preamble


def test_crlf_kept() -> None:
    report = build_latex_report(newline="\r\n")
    out = annotate_latex(report)
    assert "\n" not in out.replace("\r\n", "")
    assert strip_annotations(out.replace("\r\n", "\n")).replace("\n", "\r\n") == LATEX.replace("\n", "\r\n")


def test_parses_with_pylatexenc_and_keeps_structure(tex_report: FileReport) -> None:
    out = annotate_latex(tex_report)
    assert environments(out) == environments(LATEX)
    assert out.count("\\mathlintnote{") == 4  # one box per display or paragraph
    assert "\\mathlintmark{mathlintok}{1}" in out


def test_notes_follow_their_displays(tex_report: FileReport) -> None:
    lines = annotate_latex(tex_report).split("\n")
    after = {lines[i - 1].strip(): line for i, line in enumerate(lines) if line.startswith("\\mathlintnote{")}
    assert after["\\end{equation}"].startswith("\\mathlintnote{mathlintok}{\\textbf{mathlint: verified.}")
    assert after["\\end{align}"].startswith("\\mathlintnote{mathlintbad}{\\textbf{mathlint: Link 1: verified.}")
    assert "Expected: \\[ A^T D^T \\]" in after["\\end{align}"]
    assert after["so we move on."].startswith("\\mathlintnote{mathlintok}{[1] ")  # inline: end of paragraph
    assert "50\\% of cases \\& more \\# not handled" in after[
        "\\item In a list: \\[ \\frac{\\partial f}{\\partial X} = X^{X} \\]"]


def test_math_safety() -> None:
    assert math_is_safe(r"\mathbf{A}^T\mathbf{B}")
    for bad in ("a % b", "a & b", "{", "}{", "$x$", r"a \\ b", "#1", r"\end{document}", ""):
        assert not math_is_safe(bad), bad


FRAGMENT = "Some text.\n\\[ a = b \\]\n"


def fragment_report() -> FileReport:
    b = Builder("chap.tex", FRAGMENT)
    m = b.math("\\[", "\\]")
    b.claim(m, "a", "b", ClaimKind.EQUALITY, Verdict.unsupported(Reason.PARSE, "braces { and } and _"))
    return b.report()


def test_fragment_gets_colourless_definitions() -> None:
    out = annotate_latex(fragment_report())
    assert out.startswith(FRAGMENT_PREAMBLE)
    assert "\\usepackage" not in out  # \usepackage is preamble-only: a fragment must not have one
    assert "\\mathlintnote{mathlintunsupported}{\\textbf{mathlint: unsupported.} reason: parse; braces \\{ and \\} and \\_.}" in out
    assert strip_annotations(out) == FRAGMENT
    environments(out)


def test_no_claims_no_change() -> None:
    assert annotate_latex(Builder("e.tex", "x\n").report()) == "x\n"


def compile_tex(tmp_path: Path, name: str, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / name).write_text(source, encoding="utf-8")
    return subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


@needs_tex
@pytest.mark.integration
def test_annotated_file_compiles(tmp_path: Path, tex_report: FileReport) -> None:
    assert compile_tex(tmp_path, "orig.tex", LATEX).returncode == 0
    result = compile_tex(tmp_path, "annotated.tex", annotate_latex(tex_report))
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "annotated.pdf").stat().st_size > 1000


@needs_tex
@pytest.mark.integration
def test_users_xcolor_options_do_not_clash(tmp_path: Path) -> None:
    text = LATEX.replace("\\usepackage{amsmath}", "\\usepackage{amsmath}\n\\usepackage[dvipsnames]{xcolor}")
    result = compile_tex(tmp_path, "x.tex", annotate_latex(build_latex_report(text)))
    assert result.returncode == 0, result.stdout[-3000:]


@needs_tex
@pytest.mark.integration
def test_fragment_compiles_when_input(tmp_path: Path) -> None:
    (tmp_path / "chap.tex").write_text(annotate_latex(fragment_report()), encoding="utf-8")
    main = "\\documentclass{article}\n\\begin{document}\n\\input{chap}\n\\end{document}\n"
    result = compile_tex(tmp_path, "main.tex", main)
    assert result.returncode == 0, result.stdout[-3000:]


TABLE = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\begin{tabular}{lp{5cm}}
  trace & $\operatorname{tr}(AB) = \operatorname{tr}(BA)$ \\
  x & {grouped \[ a = b \]}
\end{tabular}
% \end{tabular} in a comment does not count
After the table.
\end{document}
"""


def table_report() -> FileReport:
    b = Builder("t.tex", TABLE)
    m = b.math("$", "$", display=False)
    b.claim(m, r"\operatorname{tr}(AB)", r"\operatorname{tr}(BA)", ClaimKind.EQUALITY, Verdict(Status.VERIFIED))
    m = b.math("\\[", "\\]")
    b.claim(m, "a", "b", ClaimKind.EQUALITY, Verdict(Status.WRONG, expected_latex="a"))
    return b.report()


def test_notes_never_go_into_table_cells_or_groups() -> None:
    out = annotate_latex(table_report())
    assert strip_annotations(out) == TABLE
    lines = out.split("\n")
    end = lines.index("\\end{tabular}")
    assert [i for i, l in enumerate(lines) if l.startswith("\\mathlintnote{")] == [end + 1, end + 2]
    assert "$\\mathlintmark{mathlintok}{1} \\\\" in out


@needs_tex
@pytest.mark.integration
def test_table_annotations_compile(tmp_path: Path) -> None:
    assert compile_tex(tmp_path, "orig.tex", TABLE).returncode == 0
    result = compile_tex(tmp_path, "t.tex", annotate_latex(table_report()))
    assert result.returncode == 0, result.stdout[-3000:]
