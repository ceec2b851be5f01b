"""Every renderer over the real pipeline's reports of ``sample_docs/`` (golden files), and --fix round trips.

Golden files live in ``golden/sample_docs/``. They are created and updated only with
``MATHLINT_UPDATE_GOLDEN=1`` (review the diff: checker changes show up here); while they do
not exist yet the golden test skips and says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable

import pytest

from mathlint.checker.findings import FileReport
from mathlint.checker.verdicts import Status
from mathlint.renderers import RENDERERS
from mathlint.renderers.annotate_latex import annotate_latex
from mathlint.renderers.annotate_markdown import annotate_markdown
from mathlint.renderers.fixes import fix_report, unified_diff

from .conftest import GOLDEN, assert_golden

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "sample_docs").glob("*") if p.suffix in (".md", ".tex") and p.name != "README.md")

api = pytest.importorskip("mathlint.api", reason="the pipeline (mathlint.api) is not there yet")


@pytest.fixture(scope="module")
def reports() -> tuple[FileReport, ...]:
    if not SAMPLES:
        pytest.skip("no sample_docs")
    return tuple(api.check_path(p.relative_to(ROOT).as_posix()) for p in SAMPLES)


def without_mathml(page: str) -> str:
    return re.sub(r"<math\b[^>]*>.*?</math>", "<math>…</math>", page, flags=re.DOTALL)


def cases(reports: tuple[FileReport, ...]) -> dict[str, Callable[[], str]]:
    out: dict[str, Callable[[], str]] = {
        "run.txt": lambda: RENDERERS["text"](reports, verbose=True, explain=True),
        "run.json": lambda: RENDERERS["json"](reports),
        "run.sarif": lambda: RENDERERS["sarif"](reports, tool_version="0.0.0-test"),
        "run.github.txt": lambda: RENDERERS["github"](reports),
        "run.html": lambda: without_mathml(RENDERERS["html"](reports)),
    }
    for report in reports:
        name = Path(report.path).name
        if name.endswith(".tex"):
            out[f"{name}.annotated.tex"] = lambda r=report: annotate_latex(r)  # type: ignore[misc]
        else:
            out[f"{name}.annotated-github.md"] = lambda r=report: annotate_markdown(r)  # type: ignore[misc]
            out[f"{name}.annotated-mkdocs.md"] = lambda r=report: annotate_markdown(r, style="mkdocs")  # type: ignore[misc]
        out[f"{name}.fix.diff"] = lambda r=report: unified_diff(  # type: ignore[misc]
            r.text or "", fix_report(r, fix_layout=True).text.replace(r.newline, "\n"), r.path)
    return out


def test_golden_over_sample_docs(reports: tuple[FileReport, ...]) -> None:
    import os

    if not (GOLDEN / "sample_docs").exists() and os.environ.get("MATHLINT_UPDATE_GOLDEN") != "1":
        pytest.skip("no golden files for sample_docs yet: run with MATHLINT_UPDATE_GOLDEN=1 and review them")
    failures = []
    for name, render in sorted(cases(reports).items()):
        try:
            assert_golden(f"sample_docs/{name}", render())
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)


def test_every_renderer_runs_on_sample_docs(reports: tuple[FileReport, ...]) -> None:
    for render in cases(reports).values():
        assert isinstance(render(), str)


def test_fix_round_trip(reports: tuple[FileReport, ...]) -> None:
    """After --fix the fixed claims check clean, and a second --fix changes nothing."""
    for report in reports:
        fixed = fix_report(report, fix_layout=True)
        if not fixed.changed:
            continue
        again = api.check_text(fixed.text.replace(report.newline, "\n"), report.path)
        assert not [f for f in again.findings if f.fix is not None], (report.path, [f.message for f in again.findings])
        assert not any(c.verdict.status is Status.WRONG and not c.suppressed for c in again.claims
                       if c.claim.span.line in {e.span.line for e in fixed.applied})
        assert fix_report(again, fix_layout=True).text == fixed.text.replace(report.newline, "\n")
