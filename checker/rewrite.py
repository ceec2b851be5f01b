"""Document-level readings of notation the math parser cannot settle alone.

The parser reads one span; some readings depend on the whole document:
- ``J`` is the all-ones matrix only where the document says so; elsewhere it is a matrix
  named J (a Jordan form, a Jacobian).
- ``d z`` written as two letters is a differential when the claim is about differentials.
"""

from __future__ import annotations

from ..parsers.expr import Differential, Expr, Mul, Ones, Symbol, map_children, walk

ONES_PHRASES = ("all-ones", "all ones", "matrix of ones", "ones matrix", "matrix of all ones", "全1", "全 1")


def declares_ones_matrix(text: str) -> bool:
    lowered = text.lower()
    return any(p in lowered for p in ONES_PHRASES)


def undo_ones_matrix(expr: Expr) -> Expr:
    """``J`` read back as a plain matrix symbol (the document never said it is all ones)."""
    if isinstance(expr, Ones) and expr.kind == "matrix":
        bold = bool(expr.note)
        return Symbol("J", "matrix" if bold else "unknown", None, bold, loc=expr.loc, note=expr.note)
    return map_children(expr, undo_ones_matrix)


def has_differential(expr: Expr) -> bool:
    return any(isinstance(n, Differential) for n in walk(expr))


def join_differentials(expr: Expr) -> Expr:
    """``Mul(d, z, ...)`` → ``Mul(Differential(z), ...)``: a lone letter ``d`` before a factor."""
    if isinstance(expr, Mul):
        args = [join_differentials(a) for a in expr.args]
        out: list[Expr] = []
        i = 0
        while i < len(args):
            a = args[i]
            if (_is_d(a) and i + 1 < len(args) and isinstance(args[i + 1], Symbol)):
                nxt = args[i + 1]
                loc = (a.loc[0], nxt.loc[1]) if a.loc and nxt.loc else None
                out.append(Differential(nxt, loc=loc))
                i += 2
                continue
            out.append(a)
            i += 1
        if len(out) == 1:
            return out[0]
        return Mul(tuple(out), loc=expr.loc, note=expr.note)
    return map_children(expr, join_differentials)


def _is_d(expr: Expr) -> bool:
    return isinstance(expr, Symbol) and expr.name == "d" and expr.subscript is None and not expr.bold
