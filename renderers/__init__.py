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

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..checker.findings import FileReport

__all__ = ["ANNOTATORS", "RENDERERS", "STYLES", "annotate", "render_github", "render_html", "render_json",
           "render_sarif", "render_text"]
# The annotators are imported from their modules (`renderers.annotate_markdown.annotate_markdown`):
# a package attribute named like a submodule is rebound to the module when it loads.


class _Lazy(Mapping[str, Callable[..., str]]):
    """Name → renderer, imported on first use: a text run never loads the HTML renderer."""

    def __init__(self, targets: dict[str, str]) -> None:
        self._targets = targets

    def __getitem__(self, name: str) -> Callable[..., str]:
        module, _, attr = self._targets[name].partition(":")
        return getattr(import_module(f"{__name__}.{module}"), attr)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)


RENDERERS: Mapping[str, Callable[..., str]] = _Lazy({
    "text": "text:render_text",
    "json": "json_report:render_json",
    "sarif": "sarif:render_sarif",
    "github": "github:render_github",
    "html": "html_report:render_html",
})

ANNOTATORS: Mapping[str, Callable[..., str]] = _Lazy({
    "markdown": "annotate_markdown:annotate_markdown",
    "latex": "annotate_latex:annotate_latex",
})

_EXPORTS = {
    "STYLES": "annotate_markdown",
    "render_github": "github", "render_html": "html_report", "render_json": "json_report",
    "render_sarif": "sarif", "render_text": "text",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


_LATEX_SUFFIXES = (".tex", ".latex", ".ltx", ".sty", ".cls")


def annotate(report: "FileReport", **options: object) -> str:
    """Annotate ``report`` as LaTeX when its path looks like LaTeX, else as Markdown.

    reStructuredText has no annotator yet: an ``.rst`` path raises `ValueError`.
    """
    path = report.path.lower()
    if path.endswith((".rst", ".rest")):
        raise ValueError("annotate supports Markdown and LaTeX files, not reStructuredText")
    kind = "latex" if path.endswith(_LATEX_SUFFIXES) else "markdown"
    return ANNOTATORS[kind](report, **options)
