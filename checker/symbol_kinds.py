"""Whether a plain letter of unknown kind reads as a scalar or an array, for shape inference.

Lowercase letters are read as a column vector or a scalar, capitals as a matrix or a scalar.
Hints from how the symbol is used (transposed → vector; ``a X`` → scalar; in an exponent or a
denominator → scalar) order the candidate readings; `checker.shapes` tries them in the order
`kind_choices` gives and keeps the first that is shape-consistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterable, Mapping, Sequence

from ..parsers.expr import (
    Abs, Add, Derivative, Diag, Div, Expr, Hadamard, Identity, Inverse, Mul, Norm, Number, Ones,
    Power, Symbol, Transpose, walk,
)
from .claims import Shape


@dataclass(slots=True)
class FlexibleSymbol:
    """A symbol of unknown kind, with its two readings in order of preference."""

    key: str
    options: tuple[str, str]
    """Preferred first: ``("vector", "scalar")``, ``("scalar", "vector")``, ``("matrix", "scalar")``..."""
    margin: int
    """How much the hints favour the first reading (the slimmest margins are flipped first)."""


def is_capital(name: str) -> bool:
    """``A``, ``\\Sigma``: a capital letter (read as a matrix rather than a vector)."""
    bare = name.lstrip("\\")
    return bool(bare) and bare[0].isupper()


def _is_greek(name: str) -> bool:
    return name.startswith("\\")


def flexible_symbols(exprs: Sequence[Expr], declared: Mapping[str, Shape]) -> list[FlexibleSymbol]:
    """The undeclared symbols of unknown kind in ``exprs``, each with its readings ordered by hints.

    >>> from mathlint.parsers.expr import Mul, Symbol, Transpose
    >>> x, A, a = Symbol("x"), Symbol("A"), Symbol("a")
    >>> [(f.key, f.options) for f in flexible_symbols([Mul((Transpose(x), A, x)), Mul((a, A))], {})]
    [('x', ('vector', 'scalar')), ('A', ('matrix', 'scalar')), ('a', ('scalar', 'vector'))]
    """
    score: dict[str, list[int]] = {}  # key → [array score, scalar score]
    array_kind: dict[str, str] = {}

    def hint(node: Expr, option: str, weight: int) -> None:
        if isinstance(node, Symbol) and node.key in score:
            score[node.key][0 if option == "array" else 1] += weight

    for e in exprs:
        for node in walk(e):
            if isinstance(node, Symbol) and node.kind == "unknown" and node.key not in declared \
                    and node.key not in score:
                capital, greek = is_capital(node.name), _is_greek(node.name)
                array_kind[node.key] = "matrix" if capital else "vector"
                # Latin lowercase: a vector unless used as a scalar; Greek lowercase: a scalar.
                score[node.key] = [0, 1] if greek and not capital else [1, 0]
    if not score:
        return []
    for e in exprs:
        for node in walk(e):
            _hint_node(node, hint)
    out = []
    for key, (a, b) in score.items():
        array = array_kind[key]
        out.append(FlexibleSymbol(key, (array, "scalar") if a >= b else ("scalar", array), abs(a - b)))
    return out


def _hint_node(node: Expr, hint: Callable[[Expr, str, int], None]) -> None:
    if isinstance(node, Transpose):
        hint(node.arg, "array", 3)
    elif isinstance(node, Mul):
        args = node.args
        for i, a in enumerate(args):
            if i == 0 and len(args) > 1 and _matrix_like(args[1]) and not isinstance(args[1], Transpose) \
                    and isinstance(a, Symbol) and not is_capital(a.name):
                hint(a, "scalar", 2)  # a X: a scale factor (a row vector would be written a^T)
            if i > 0 and (_matrix_like(args[i - 1]) or isinstance(args[i - 1], Transpose)):
                hint(a, "array", 2)
    elif isinstance(node, Div):
        hint(node.den, "scalar", 2)
    elif isinstance(node, Power):
        hint(node.exponent, "scalar", 4)
        if isinstance(node.base, Symbol) and not is_capital(node.base.name):
            hint(node.base, "scalar", 2)  # x^n: a vector has no powers
    elif isinstance(node, (Norm, Diag)):
        hint(node.arg, "array", 2)
    elif isinstance(node, Abs):
        hint(node.arg, "scalar", 2)
    elif isinstance(node, Derivative):
        if node.expr is not None:
            hint(node.expr, "scalar", 3)
    elif isinstance(node, Add):
        if any(isinstance(a, Number) for a in node.args):
            for a in node.args:
                hint(a, "scalar", 2)
    elif isinstance(node, Hadamard):
        for a in node.args:
            hint(a, "array", 1)


def _matrix_like(node: Expr) -> bool:
    if isinstance(node, Symbol):
        return node.kind == "matrix" or (node.kind == "unknown" and is_capital(node.name))
    return isinstance(node, (Identity, Inverse, Mul, Power)) or (isinstance(node, Ones) and node.kind == "matrix")


def kind_choices(flex: list[FlexibleSymbol], limit: int = 24) -> Iterable[dict[str, str]]:
    """Symbol key → kind, one mapping per reading to try: the preferred one first, then one or two
    symbols flipped (slimmest margins first), at most ``limit`` in all."""
    base = {f.key: f.options[0] for f in flex}
    yield base
    ranked = sorted(flex, key=lambda f: f.margin)
    tried = 1
    for r in (1, 2):
        for group in combinations(ranked, r):
            if tried >= limit:
                return
            choice = dict(base)
            for f in group:
                choice[f.key] = f.options[1]
            tried += 1
            yield choice
