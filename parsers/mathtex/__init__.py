"""LaTeX math → expression trees (`Statement`s) and back to LaTeX in the document's notation."""

from __future__ import annotations

from dataclasses import dataclass

from ..expr import NotationStyle, ParseProblem, Statement


@dataclass(frozen=True, slots=True)
class MathParse:
    """The statements of one math span (one per ``\\\\`` row or ``,``-separated clause)."""

    statements: tuple[Statement, ...]
    problems: tuple[ParseProblem, ...]
    style: NotationStyle


def parse_math(latex: str, macros: tuple[tuple[str, int, str], ...] = ()) -> MathParse:
    """Parse the LaTeX of one math span. Never raises; unreadable parts become `ParseProblem`s."""
    from .parser import parse_statements

    return parse_statements(latex, macros)
