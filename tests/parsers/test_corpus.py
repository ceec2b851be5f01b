"""The real-world corpus (``../shared/corpus/real``): every file extracts without an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.parsers import format_for_path, parse_document
from mathlint.parsers.context import prose_facts
from mathlint.parsers.source import decode

from .invariants import check_invariants

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real"
FILES = sorted(p for p in CORPUS.glob("*/*") if p.is_file() and format_for_path(p.name)) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason="corpus not present")
@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}"[:60] for p in FILES])
def test_extracts_without_exception(path: Path) -> None:
    decoded = decode(path.read_bytes(), str(path))
    doc = parse_document(str(path), decoded.text)
    check_invariants(doc)


def _doc(name: str):  # type: ignore[no-untyped-def]
    matches = [p for p in FILES if name in str(p)]
    if not matches:
        pytest.skip("corpus not present")
    return parse_document(str(matches[0]), decode(matches[0].read_bytes(), str(matches[0])).text)


def test_gitlab_backtick_math() -> None:
    doc = _doc("konnybonny2307")
    gitlab = [m for m in doc.math if doc.text.startswith("$`", m.span.start)]
    assert len(gitlab) >= 30
    assert {m.environment for m in gitlab} == {"$", "$$"}


def test_center_wrapped_display_math() -> None:
    doc = _doc("shehryar-malik")
    assert any(m.display and m.environment == "eqnarray" for m in doc.math)


def test_minted_julia_is_skipped() -> None:
    doc = _doc("pset1sol")
    assert not any("₀" in m.latex for m in doc.math)
    assert ("\\tr", 0, "\\operatorname{trace}") in doc.macros


def test_numerator_layout_declared_in_chinese() -> None:
    facts = prose_facts(_doc("xunbu"))
    assert any(f.kind == "layout" and f.value == "numerator" and f.subject == "declared" for f in facts)
    assert any(f.kind == "otimes" and f.value == "hadamard" for f in facts)


def test_rst_csv_table_math() -> None:
    doc = _doc("multi.rst")
    assert sum(1 for m in doc.math if not m.display) > 100


def test_d2l_code_cells_are_not_math() -> None:
    doc = _doc("d2l-ai")
    assert not any("#@tab" in m.latex or "import " in m.latex for m in doc.math)
