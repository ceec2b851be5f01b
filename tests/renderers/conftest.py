"""Pytest fixtures and the golden-file helper for renderer tests (reports built in `fixtures`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mathlint.checker.findings import FileReport

from .fixtures import (  # noqa: F401  (re-exported for the test modules)
    LATEX, MARKDOWN, Builder, build_latex_report, build_markdown_report, find, unreadable_report,
)

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def md_report() -> FileReport:
    return build_markdown_report()


@pytest.fixture
def tex_report() -> FileReport:
    return build_latex_report()


@pytest.fixture
def all_reports() -> tuple[FileReport, ...]:
    return (build_markdown_report(), build_latex_report(), unreadable_report())


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``golden/<name>`` byte for byte (UTF-8, newlines kept).

    Golden files change only when ``MATHLINT_UPDATE_GOLDEN=1`` is set; review the diff.
    """
    path = GOLDEN / name
    if os.environ.get("MATHLINT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"golden file {path} missing: run with MATHLINT_UPDATE_GOLDEN=1 and review it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from its golden file (MATHLINT_UPDATE_GOLDEN=1 updates it)"
