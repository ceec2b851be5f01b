"""Invariants every `MathParse` keeps, whatever the input (used by the property and corpus tests)."""

from __future__ import annotations

from mathlint.parsers.expr import Expr, walk
from mathlint.parsers.mathtex import MathParse


def check_parse(latex: str, parse: MathParse) -> None:
    n = len(latex)
    for p in parse.problems:
        assert not p.message.startswith("internal"), (latex, p)
        assert 0 <= p.loc[0] <= p.loc[1] <= n, (latex, p)
    for st in parse.statements:
        assert len(st.sides) == len(st.relations) + 1
        assert len(st.side_locs) == len(st.sides)
        assert 0 <= st.loc[0] <= st.loc[1] <= n
        for side, loc in zip(st.sides, st.side_locs):
            assert (side is None) == (loc is None)
            if side is None:
                continue
            assert loc is not None and st.loc[0] <= loc[0] <= loc[1] <= st.loc[1], (latex, st)
            _check_locs(latex, side)


def _check_locs(latex: str, root: Expr) -> None:
    for node in walk(root):
        assert node.loc is not None, (latex, node)
        assert 0 <= node.loc[0] <= node.loc[1] <= len(latex), (latex, node)
