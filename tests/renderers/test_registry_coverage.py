"""Every renderer copes with a run holding every rule code of the registry and every status."""

from __future__ import annotations

import json

import pytest

from mathlint.checker.rules import RULES
from mathlint.checker.verdicts import Status
from mathlint.renderers import ANNOTATORS, RENDERERS, annotate
from mathlint.renderers.fixes import fix_report

from .conftest import build_latex_report, build_markdown_report, unreadable_report


def test_fixture_covers_every_rule_code_and_status() -> None:
    reports = (build_markdown_report(), build_latex_report(), unreadable_report())
    codes = {f.code for r in reports for f in r.findings}
    assert codes == set(RULES)
    statuses = {c.verdict.status for r in reports for c in r.claims}
    assert statuses == set(Status)
    kinds = {c.claim.kind.value for r in reports for c in r.claims}
    assert {"derivative", "equality", "differential", "index", "matrix-display"} <= kinds


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("options", [{}, {"color": True, "verbose": True, "explain": True}])
def test_no_run_renderer_raises(fmt: str, options: dict[str, bool]) -> None:
    out = RENDERERS[fmt]((build_markdown_report(), build_latex_report(), unreadable_report()), **options)
    assert isinstance(out, str) and out
    if fmt in ("json", "sarif"):
        json.loads(out)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_run_renderers_accept_one_report_and_empty_runs(fmt: str) -> None:
    assert isinstance(RENDERERS[fmt](build_markdown_report()), str)
    assert isinstance(RENDERERS[fmt](()), str)


@pytest.mark.parametrize("kind", sorted(ANNOTATORS))
def test_no_annotator_raises(kind: str) -> None:
    for report in (build_markdown_report(), build_latex_report(), unreadable_report()):
        assert isinstance(ANNOTATORS[kind](report), str)
        assert isinstance(fix_report(report).text, str)


def test_annotate_picks_by_suffix() -> None:
    assert "\\mathlintnote" in annotate(build_latex_report())
    assert "> [!NOTE]" in annotate(build_markdown_report())
    with pytest.raises(ValueError):
        annotate(build_markdown_report(path="docs/notes.rst"))
