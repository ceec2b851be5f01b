"""Every spelling the math parser reads, as fixture cases (``fixtures/expressions.txt``).

Each case is one LaTeX span; the expected output has one line per `Statement`
(sides in the `sexpr.dump` notation joined by their relations) and one ``! message @start:end``
line per `ParseProblem`. ``MATHLINT_UPDATE_FIXTURES=1`` rewrites the file from the current
output (review the diff).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.parsers.mathtex import parse_math

from ..fixture_file import UPDATE, read_fixtures, write_fixtures
from .sexpr import dump_statement

FIXTURES = Path(__file__).parent / "fixtures" / "expressions.txt"
CASES = read_fixtures(FIXTURES)


def render(latex: str) -> str:
    parse = parse_math(latex)
    lines = [dump_statement(st) for st in parse.statements]
    lines += [f"! {p.message} @{p.loc[0]}:{p.loc[1]}" for p in parse.problems]
    return "\n".join(lines)


if UPDATE:  # MATHLINT_UPDATE_FIXTURES=1: rewrite the fixture file from the parser, then compare as usual
    write_fixtures(FIXTURES, [(t, s, render(s[:-1])) for t, s, _ in CASES])
    CASES = read_fixtures(FIXTURES)


@pytest.mark.parametrize("title,source,expected", CASES, ids=[c[0] for c in CASES])
def test_fixture(title: str, source: str, expected: str) -> None:
    latex = source[:-1]  # the fixture reader adds a final newline
    assert render(latex) == expected


def test_fixture_count() -> None:
    assert len(CASES) >= 180
