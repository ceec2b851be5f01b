"""Document-wide context: definitions, declared shapes, assumptions, layout and readings.

Built once per document from every parsed statement and the prose facts, then sliced per
claim by `DocumentFacts.context_at` (the most recent definition before the claim wins; a
name defined only *after* its use — "where $D = BXC^T$" — takes that later definition).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..parsers.document import Directive, Document
from ..parsers.expr import (
    Apply, map_children, Expr, Identity, MatrixLiteral, Mul, NotationStyle, Number, Ones, Power, Query,
    Statement, Symbol, Transpose, Zero, walk,
)
from .claims import Context, Shape
from .options import Layout

DEFINING = frozenset({"=", ":=", "\\coloneqq", "\\triangleq", "\\equiv", "\\doteq", "\\stackrel{\\text{def}}{=}"})
ASSUMPTION_REACH = 3000
"""Characters after an assumption ("$A$ is symmetric") that it speaks for."""
SHAPE_REACH = 1500
"""Characters before a claim within which a shape declaration counts as evidence of an error."""
REAL_SETS = frozenset({"R", "\\mathbb{R}", "ℝ", "\\R", "\\Rbb", "\\mathbb R", "\\reals"})


@dataclass(frozen=True, slots=True)
class Definition:
    offset: int
    """Source offset where the definition was written."""
    key: str
    expr: Expr
    params: tuple[str, ...] = ()
    """Parameter keys of ``f(X) = ...`` (informational)."""


@dataclass(frozen=True, slots=True)
class LayoutMark:
    offset: int
    layout: Layout
    directive: bool


@dataclass(slots=True)
class DocumentFacts:
    definitions: list[Definition] = field(default_factory=list)
    shapes: list[tuple[int, str, Shape]] = field(default_factory=list)
    """``(offset, key, shape)`` declarations in document order (a later section may re-declare)."""
    assumptions: list[tuple[int, str, str]] = field(default_factory=list)
    """``(offset, key, property)``: "$A$ is symmetric" holds for the passage that follows it."""
    layouts: list[LayoutMark] = field(default_factory=list)
    elementwise: bool | None = None
    otimes: str | None = None
    norm2: str | None = None
    style: NotationStyle = field(default_factory=NotationStyle)
    stationary_offsets: list[int] = field(default_factory=list)
    refute_offsets: list[int] = field(default_factory=list)
    display_starts: list[int] = field(default_factory=list)
    """Source offsets of display math: a definition written after a claim ("where $D = ...$")
    reaches back only over prose, never across another display."""

    def layout_at(self, offset: int, forced: Layout | None) -> Layout:
        """Caller's layout, else the latest declaration before ``offset`` (directives first),
        else the first declaration after it, else denominator."""
        if forced is not None:
            return forced
        for directive_only in (True, False):
            marks = [m for m in self.layouts if m.directive or not directive_only]
            if not marks:
                continue
            before = [m for m in marks if m.offset <= offset]
            return (before[-1] if before else marks[0]).layout
        return Layout.DENOMINATOR

    def _reaches_back(self, definition_offset: int, claim_offset: int) -> bool:
        """A later definition applies to a claim when only prose separates them."""
        from bisect import bisect_right

        i = bisect_right(self.display_starts, claim_offset)
        return i >= len(self.display_starts) or self.display_starts[i] >= definition_offset

    def shapes_at(self, offset: int) -> dict[str, Shape]:
        """Declared shapes in force at ``offset``: the latest declaration before it, else a later
        one that only prose separates from it."""
        out: dict[str, Shape] = {}
        later: dict[str, Shape] = {}
        for declared_at, key, shape in self.shapes:
            if declared_at <= offset:
                out[key] = shape
            elif key not in later and self._reaches_back(declared_at, offset):
                later[key] = shape
        for key, shape in later.items():
            out.setdefault(key, shape)
        return out

    def assumptions_at(self, offset: int) -> dict[str, frozenset[str]]:
        """Assumptions stated within `ASSUMPTION_REACH` before ``offset`` (or just after it,
        across prose only): "let $A$ be symmetric" speaks for its passage, not the whole file."""
        out: dict[str, set[str]] = {}
        for at, key, prop in self.assumptions:
            near = offset - ASSUMPTION_REACH <= at <= offset or (at > offset and self._reaches_back(at, offset))
            if near:
                out.setdefault(key, set()).add(prop)
        return {k: frozenset(v) for k, v in out.items()}

    def context_at(self, offset: int) -> Context:
        """The context in force at ``offset``: definitions resolved (most recent before wins)."""
        chosen: dict[str, Definition] = {}
        for d in self.definitions:
            if d.offset > offset and not self._reaches_back(d.offset, offset):
                continue
            current = chosen.get(d.key)
            if current is None:
                chosen[d.key] = d
            elif d.offset <= offset and (current.offset > offset or d.offset >= current.offset):
                chosen[d.key] = d
        return Context(
            shapes=self.shapes_at(offset),
            recent_shapes=frozenset(key for at, key, _ in self.shapes
                                    if offset - SHAPE_REACH <= at <= offset or (at > offset and self._reaches_back(at, offset))),
            definitions={k: d.expr for k, d in chosen.items()},
            assumptions=self.assumptions_at(offset),
            elementwise_functions=self.elementwise,
            otimes=self.otimes,
            norm2=self.norm2,
            style=self.style,
        )


def symbol_key(expr: Expr) -> str | None:
    """The defining name of a left-hand side: ``f``, ``\\mathbf{D}`` → ``D``, ``f(X)`` → ``f``."""
    if isinstance(expr, Symbol):
        return expr.key
    if isinstance(expr, Ones) and expr.kind == "matrix":
        return "J"  # `J = ...` defines J (a cost, a Jacobian): it is then no all-ones matrix
    if isinstance(expr, Apply) and isinstance(expr.func, Symbol):
        return expr.func.key
    return None


def shape_from_set(expr: Expr) -> Shape | None:
    """``\\mathbb{R}^{m\\times n}`` → ``("m", "n")``; ``\\mathbb{R}^n`` → ``("n", 1)``; ``\\mathbb{R}`` → scalar."""
    if isinstance(expr, Symbol) and (expr.name in REAL_SETS or expr.note in REAL_SETS):
        return (1, 1)
    if not isinstance(expr, Power):
        return None
    base = expr.base
    if not (isinstance(base, Symbol) and (base.name in REAL_SETS or base.note in REAL_SETS)):
        return None
    dims = _dims(expr.exponent)
    if dims is None:
        return None
    if len(dims) == 1:
        return (dims[0], 1)
    if len(dims) == 2:
        return (dims[0], dims[1])
    return None


def _dim(expr: Expr) -> object | None:
    if isinstance(expr, Number) and expr.value.denominator == 1 and expr.value > 0:
        return int(expr.value)
    if isinstance(expr, Symbol) and expr.subscript is None and not expr.bold:
        return expr.name
    if isinstance(expr, Symbol):
        return expr.key
    return None


def _dims(expr: Expr) -> list[object] | None:
    if isinstance(expr, Mul):
        out = [_dim(a) for a in expr.args]
        return None if any(d is None for d in out) else out
    d = _dim(expr)
    return None if d is None else [d]


def _split_commas(expr: Expr | None) -> list[Expr]:
    """``X, Y \\in ...`` may arrive as a tuple-like Apply; return the listed symbols."""
    if expr is None:
        return []
    if isinstance(expr, Apply) and isinstance(expr.func, Symbol) and expr.func.name == ",":
        return list(expr.args)
    return [expr]


def is_symmetry_statement(lhs: Expr, rhs: Expr) -> str | None:
    """``A = A^T`` or ``A^T = A`` → ``"A"``."""
    for a, b in ((lhs, rhs), (rhs, lhs)):
        if isinstance(a, Symbol) and isinstance(b, Transpose) and b.arg == a:
            return a.key
    return None


def build_facts(
    doc: Document,
    statements: Sequence[tuple[int, Statement, int]],
    prose_facts: Iterable[object],
    styles: Iterable[NotationStyle],
) -> DocumentFacts:
    """Collect definitions, shapes, assumptions and layout declarations.

    :param statements: ``(math_index, statement, source_offset)`` for every parsed statement.
    :param prose_facts: `mathlint.parsers.context.Fact` values (kind, subject, value, span).
    """
    facts = DocumentFacts()
    for _, stmt, offset in statements:
        _collect_statement(facts, stmt, offset)
    for fact in prose_facts:
        _collect_prose_fact(facts, fact)
    _collect_directives(facts, doc.directives)
    facts.layouts.sort(key=lambda m: m.offset)
    facts.shapes.sort(key=lambda item: item[0])
    facts.assumptions.sort(key=lambda item: item[0])
    facts.definitions.sort(key=lambda d: d.offset)
    facts.style = _dominant_style(list(styles))
    continuing = {index for index, stmt, _ in statements if stmt.row == 0 and stmt.sides and stmt.sides[0] is None}
    # a display that starts with `=` continues the claim before it: "where ..." after it still reaches back
    facts.display_starts = sorted(m.span.start for m in doc.math if m.display and m.index not in continuing)
    return facts


def _collect_statement(facts: DocumentFacts, stmt: Statement, offset: int) -> None:
    sides = stmt.sides
    for i, rel in enumerate(stmt.relations):
        lhs = sides[i] if i < len(sides) else None
        rhs = sides[i + 1] if i + 1 < len(sides) else None
        if lhs is None or rhs is None:
            continue
        if rel == "\\in":
            shape = shape_from_set(rhs)
            if shape is not None:
                for item in _split_commas(lhs):
                    key = symbol_key(item)
                    if key is not None:
                        facts.shapes.append((offset, key, shape))
            continue
        if rel not in DEFINING:
            continue
        sym = is_symmetry_statement(lhs, rhs)
        if sym is not None:
            facts.assumptions.append((offset, sym, "symmetric"))
            continue
        if i != 0:
            continue  # only the first link of a chain can define its left-hand side
        key = symbol_key(lhs)
        if key is None or isinstance(rhs, MatrixLiteral) or _is_trivial(rhs):
            continue
        if any(isinstance(n, Symbol) and n.key == key for n in walk(rhs)):
            continue  # recursive "definition" (x = x + 1, f = f^T): not a definition
        params: tuple[str, ...] = ()
        if isinstance(lhs, Apply):
            params = tuple(symbol_key(a) or "" for a in lhs.args)
        facts.definitions.append(Definition(offset, key, rhs, params))


def _is_trivial(expr: Expr) -> bool:
    """A right-hand side that carries no definition worth substituting (0, a number, ?)."""
    return isinstance(expr, (Number, Zero, Identity, Ones, Query))


def _collect_prose_fact(facts: DocumentFacts, fact: object) -> None:
    kind = getattr(fact, "kind", None)
    value = getattr(fact, "value", None)
    span = getattr(fact, "span", None)
    offset = span.start if span is not None else 0
    subject = getattr(fact, "subject", None)
    if kind == "layout" and value in ("numerator", "denominator") and subject != "mentioned":
        facts.layouts.append(LayoutMark(offset, Layout(value), directive=False))
    elif kind == "assume" and subject:
        key = _subject_key(subject)
        if key:
            facts.assumptions.append((offset, key, str(value)))
    elif kind == "shape" and subject and value:
        key = _subject_key(subject)
        dims = [d.strip() for d in str(value).split(",") if d.strip()]
        if key and 1 <= len(dims) <= 2:
            parsed = [int(d) if d.isdigit() else d for d in dims]
            facts.shapes.append((offset, key, (parsed[0], parsed[1] if len(parsed) == 2 else 1)))
    elif kind == "elementwise":
        facts.elementwise = str(value).lower() == "true"
    elif kind == "otimes" and value in ("kron", "hadamard"):
        facts.otimes = str(value)
    elif kind == "norm2" and value in ("frobenius", "spectral"):
        facts.norm2 = str(value)
    elif kind == "stationary":
        facts.stationary_offsets.append(offset)
    elif kind == "refute":
        facts.refute_offsets.append(offset)


def _subject_key(subject: str) -> str | None:
    """LaTeX of a symbol (``\\mathbf{A}``, ``A``, ``\\Sigma``) → its Symbol key."""
    from ..parsers.mathtex import parse_math

    parsed = parse_math(subject)
    if parsed.problems or len(parsed.statements) != 1:
        return None
    sides = parsed.statements[0].sides
    if len(sides) != 1 or sides[0] is None:
        return None
    return symbol_key(sides[0])


def _collect_directives(facts: DocumentFacts, directives: Iterable[Directive]) -> None:
    for d in directives:
        if d.action == "layout" and d.value in ("numerator", "denominator"):
            facts.layouts.append(LayoutMark(d.span.start, Layout(d.value), directive=True))
        elif d.action == "elementwise" and d.value is not None:
            facts.elementwise = d.value.lower() in ("true", "yes", "1")
        elif d.action == "otimes" and d.value in ("kron", "hadamard"):
            facts.otimes = d.value


def _dominant_style(styles: list[NotationStyle]) -> NotationStyle:
    if not styles:
        return NotationStyle()

    def most(values: list[str | None], default: str | None) -> str | None:
        counted = Counter(v for v in values if v is not None)
        return counted.most_common(1)[0][0] if counted else default

    base = NotationStyle()
    return NotationStyle(
        bold=most([s.bold for s in styles], None),
        transpose=most([s.transpose for s in styles if s.transpose != base.transpose], base.transpose) or base.transpose,
        trace=most([s.trace for s in styles if s.trace != base.trace], base.trace) or base.trace,
        brackets=most([s.brackets for s in styles if s.brackets != base.brackets], base.brackets) or base.brackets,
        inverse_transpose=most([s.inverse_transpose for s in styles if s.inverse_transpose != base.inverse_transpose], base.inverse_transpose) or base.inverse_transpose,
    )


def substitute(expr: Expr, definitions: dict[str, Expr], keep: frozenset[str] = frozenset(), depth: int = 0) -> Expr:
    """Replace defined names (recursively, cycle-safe) except those in ``keep``."""
    if depth > 8 or not definitions:
        return expr
    return _substitute(expr, definitions, keep, depth)


def _substitute(expr: Expr, definitions: dict[str, Expr], keep: frozenset[str], depth: int) -> Expr:
    if isinstance(expr, Symbol):
        if expr.key in keep:
            return expr
        target = definitions.get(expr.key)
        if target is None:
            return expr
        return substitute(target, definitions, keep | {expr.key}, depth + 1)
    if isinstance(expr, Apply) and isinstance(expr.func, Symbol) and expr.func.key in definitions and expr.func.key not in keep:
        body = definitions[expr.func.key]
        if _applies_to_own_arguments(expr, body):
            return substitute(body, definitions, keep | {expr.func.key}, depth + 1)
        return map_children(expr, lambda child: _substitute(child, definitions, keep, depth))
    return map_children(expr, lambda child: _substitute(child, definitions, keep, depth))


def _applies_to_own_arguments(call: Apply, body: Expr) -> bool:
    """``f(X)`` may be replaced by the body of ``f = ...`` only when it is called on the very
    symbols the body uses (``f(A + \\delta A)`` is another value of f, not its definition)."""
    if not call.args or not all(isinstance(a, Symbol) for a in call.args):
        return False
    used = {n.key for n in walk(body) if isinstance(n, Symbol)}
    return all(a.key in used for a in call.args if isinstance(a, Symbol))


__all__ = [
    "Definition", "DocumentFacts", "LayoutMark", "build_facts", "shape_from_set",
    "substitute", "symbol_key",
]
