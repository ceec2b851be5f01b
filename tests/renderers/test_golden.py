"""Golden files for every renderer over the hand-built reports (update: MATHLINT_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from mathlint.checker.findings import FileReport
from mathlint.renderers import RENDERERS
from mathlint.renderers.annotate_latex import annotate_latex
from mathlint.renderers.annotate_markdown import annotate_markdown
from mathlint.renderers.fixes import fix_report, unified_diff

from .conftest import assert_golden, build_latex_report, build_markdown_report, unreadable_report


def without_mathml(page: str) -> str:
    """The page with each ``<math>`` element reduced to a stub: latex2mathml's exact output may
    change between its releases (the MathML itself is tested in test_html_report and in Chromium)."""
    return re.sub(r"<math\b[^>]*>.*?</math>", "<math>…</math>", page, flags=re.DOTALL)


def run() -> tuple[FileReport, ...]:
    return (build_markdown_report(), build_latex_report(), unreadable_report())


CASES: dict[str, Callable[[], str]] = {
    "run.txt": lambda: RENDERERS["text"](run()),
    "run-verbose-explain.txt": lambda: RENDERERS["text"](run(), verbose=True, explain=True),
    "run-explain.txt": lambda: RENDERERS["text"](run(), explain=True),
    "run-color.txt": lambda: RENDERERS["text"](run(), color=True),
    "run.json": lambda: RENDERERS["json"](run()),
    "run.sarif": lambda: RENDERERS["sarif"](run(), tool_version="0.0.0-test"),
    "run.github.txt": lambda: RENDERERS["github"](run()),
    "run.html": lambda: without_mathml(RENDERERS["html"](run())),
    "notes.annotated-github.md": lambda: annotate_markdown(build_markdown_report()),
    "notes.annotated-mkdocs.md": lambda: annotate_markdown(build_markdown_report(), style="mkdocs"),
    "notes.annotated.tex": lambda: annotate_latex(build_latex_report()),
    "notes.fix.diff": lambda: unified_diff(build_markdown_report().text or "",
                                           fix_report(build_markdown_report()).text, "docs/notes.md"),
    "notes.fix-layout.diff": lambda: unified_diff(build_markdown_report().text or "",
                                                  fix_report(build_markdown_report(), fix_layout=True).text,
                                                  "docs/notes.md"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    assert_golden(name, CASES[name]())
