"""Document-level readings of notation the math parser cannot settle alone.

The parser reads one span; some readings depend on the whole document:
- ``J`` is the all-ones matrix only where the document says so; elsewhere it is a matrix
  named J (a Jordan form, a Jacobian).
- ``d z`` written as two letters is a differential when the claim is about differentials.
"""

from __future__ import annotations

from fractions import Fraction

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


def apply_bare_operators(expr: Expr) -> Expr:
    """``\\nabla_X \\operatorname{tr}(AX)`` read as a product ``Mul(∇_X, tr(AX))``: the operator
    with no function applies to what follows it."""
    from ..parsers.expr import Derivative

    expr = map_children(expr, apply_bare_operators)
    if isinstance(expr, Mul):
        for i, arg in enumerate(expr.args[:-1]):
            if isinstance(arg, Derivative) and arg.expr is None:
                rest = expr.args[i + 1:]
                operand = rest[0] if len(rest) == 1 else Mul(rest, loc=_span(rest))
                applied = Derivative(operand, arg.wrt, arg.kind, loc=_span((arg, *rest)), note=arg.note)
                head = expr.args[:i]
                return applied if not head else Mul((*head, applied), loc=expr.loc, note=expr.note)
    return expr


def _span(nodes: tuple[Expr, ...]) -> tuple[int, int] | None:
    locs = [n.loc for n in nodes if n.loc is not None]
    return (locs[0][0], locs[-1][1]) if locs else None


def substitute_number(expr: Expr, key: str, value: int) -> Expr:
    """``expr`` with the symbol ``key`` replaced by the integer ``value``, numbers folded and
    sums with numeric limits written out (``\\sum_{r=0}^{k-1}`` at k = 3 is three terms)."""

    from ..parsers.expr import Number

    def put(e: Expr) -> Expr:
        if isinstance(e, Symbol) and e.key == key:
            return Number(Fraction(value), loc=e.loc)
        return map_children(e, put)

    return expand_sums(fold_numbers(put(expr)))


def fold_numbers(expr: Expr) -> Expr:
    """Sums and products of plain numbers computed (``3 + (-1)·0 - 1`` → ``2``)."""
    from ..parsers.expr import Add, Number

    expr = map_children(expr, fold_numbers)
    if isinstance(expr, (Add, Mul)) and all(isinstance(a, Number) for a in expr.args):
        values = [a.value for a in expr.args if isinstance(a, Number)]
        total = sum(values, Fraction(0)) if isinstance(expr, Add) else _product(values)
        return Number(total, loc=expr.loc)
    if isinstance(expr, Add):
        numbers = [a for a in expr.args if isinstance(a, Number)]
        if len(numbers) > 1:
            rest = tuple(a for a in expr.args if not isinstance(a, Number))
            total = sum((n.value for n in numbers), Fraction(0))
            return Add((*rest, Number(total)), loc=expr.loc, note=expr.note) if total else (
                rest[0] if len(rest) == 1 else Add(rest, loc=expr.loc, note=expr.note))
    return expr


def _product(values: list[Fraction]) -> Fraction:
    out = values[0]
    for v in values[1:]:
        out = out * v
    return out


MAX_EXPANDED_TERMS = 12


def expand_sums(expr: Expr) -> Expr:
    """``Sum`` nodes whose limits are numbers, written out term by term (at most 12 terms)."""

    from ..parsers.expr import Add, Number, Sum

    expr = map_children(expr, expand_sums)
    if isinstance(expr, Sum) and isinstance(expr.lower, Number) and isinstance(expr.upper, Number):
        lo, hi = expr.lower.value, expr.upper.value
        if lo.denominator == 1 and hi.denominator == 1 and 0 <= hi - lo < MAX_EXPANDED_TERMS:
            index = expr.index

            def at(e: Expr, i: int) -> Expr:
                if isinstance(e, Symbol) and e.key == index:
                    return Number(Fraction(i))
                return map_children(e, lambda c: at(c, i))

            terms = tuple(fold_numbers(at(expr.body, i)) for i in range(int(lo), int(hi) + 1))
            return terms[0] if len(terms) == 1 else Add(terms, loc=expr.loc)
    return expr
