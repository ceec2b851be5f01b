"""`FileReport`s (+ source text) → output strings: text, JSON, SARIF, GitHub, annotated documents.

Every renderer is a pure function that returns a ``str``; none writes, none checks.

- `RENDERERS` maps a ``--format`` name to a run renderer ``f(reports, **options) -> str``
  (``reports``: one `FileReport` or an iterable of them). Each accepts the CLI's common
  options (``color``, ``verbose``, ``explain``...) and ignores those it has no use for.
- `ANNOTATORS` maps a source format to ``f(report, **options) -> str``: the document with
  its verdicts marked (``style="github"|"mkdocs"`` for Markdown); `annotate` picks by path.
- `fixes` applies ``--fix`` edits (`fixes.fix_report`, `fixes.encode_text`) and makes the
  ``--diff`` (`fixes.unified_diff`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..checker.findings import FileReport
from .annotate_latex import annotate_latex
from .annotate_markdown import STYLES, annotate_markdown
from .github import render_github
from .html_report import render_html
from .json_report import render_json
from .sarif import render_sarif
from .text import render_text

__all__ = [
    "ANNOTATORS", "RENDERERS", "STYLES", "annotate", "annotate_latex", "annotate_markdown",
    "render_github", "render_html", "render_json", "render_sarif", "render_text",
]

RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "html": render_html,
}

ANNOTATORS: dict[str, Callable[..., str]] = {
    "markdown": annotate_markdown,
    "latex": annotate_latex,
}

_LATEX_SUFFIXES = (".tex", ".latex", ".ltx", ".sty", ".cls")


def annotate(report: FileReport, **options: object) -> str:
    """Annotate ``report`` as LaTeX when its path looks like LaTeX, else as Markdown.

    reStructuredText has no annotator yet: an ``.rst`` path raises `ValueError`.
    """
    path = report.path.lower()
    if path.endswith((".rst", ".rest")):
        raise ValueError("annotate supports Markdown and LaTeX files, not reStructuredText")
    kind = "latex" if path.endswith(_LATEX_SUFFIXES) else "markdown"
    return ANNOTATORS[kind](report, **options)
