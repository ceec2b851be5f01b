"""Recognise claims: turn parsed statements into the links a document asserts.

Each link ``lhs = rhs`` of a chain is its own claim. Definitions, declarations, conditions
(normal equations, stationarity ``... = 0``) and display/index statements are sorted out here;
nothing is verified here.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterator

from ..parsers.document import Directive, Document, MathSpan
from ..parsers.expr import (
    Add, Apply, Derivative, Differential, Entry, Expr, Number, Query, Statement, Sum, Symbol, Zero,
    map_children, walk,
)
from ..parsers.mathtex import MathParse
from ..parsers.span import Span
from .claims import Claim, ClaimKind
from .context_build import DocumentFacts, substitute, symbol_key
from .options import Layout
from .rewrite import (
    apply_bare_operators, declares_ones_matrix, has_differential, join_differentials, undo_ones_matrix,
)


class LinkRole(str, Enum):
    CLAIM = "claim"
    QUERY = "query"
    """``\\frac{\\partial f}{\\partial X} = ?``: the author asks for the answer."""
    DISPLAY = "display"
    """``B = \\begin{bmatrix}...``: checked by the notation rules."""
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class ParsedSpan:
    math: MathSpan
    parse: MathParse


@dataclass(frozen=True, slots=True)
class Side:
    expr: Expr
    span: Span
    latex: str


@dataclass(frozen=True, slots=True)
class Link:
    """One ``lhs = rhs`` link of a chain, with where each side was written."""

    lhs: Side
    rhs: Side
    relation: str
    math: MathSpan
    position: int
    """0-based index of the link within its chain."""
    offset: int
    """Source offset of the right-hand side (the claim's place in document order)."""
    text: str = ""
    """Prose inside the statement's math (``\\text{if ...}``)."""
    chain_constant: bool = False
    """Some side of the chain has no symbols (``Q^TQ = QQ^T = I``)."""
    derivation: bool = False
    """The chain holds a derivative or differential: its links are steps of a derivation."""


@dataclass(frozen=True, slots=True)
class Recognised:
    claims: tuple[Claim, ...] = ()
    displays: tuple[Link, ...] = ()
    queries: tuple[Link, ...] = ()
    skipped: tuple[tuple[Link, str], ...] = field(default=(), repr=False)
    """Links deliberately not judged, with why (definition, condition...)."""


def side_of(ps: ParsedSpan, expr: Expr, loc: tuple[int, int] | None, doc: Document) -> Side:
    math = ps.math
    if loc is None:
        loc = expr.loc or (0, len(math.latex))
    start, end = loc
    while end > start and math.latex[end - 1].isspace():
        end -= 1
    while start < end and math.latex[start].isspace():
        start += 1
    return Side(expr, math.source_span(start, end, doc.lines), math.latex[start:end])


CONTINUATION_NOISE = ("&", "\\quad", "\\qquad", "\\;", "\\,", "\\:", "\\!", "\\ ", "~", "{}")


def _continues_sum(latex: str, stmt: Statement) -> bool:
    """A row with no relation that starts with ``+``/``-`` (after ``&\\quad``) continues the
    previous row's last side: a long sum broken over lines."""
    if stmt.relations or len(stmt.sides) != 1 or stmt.sides[0] is None:
        return False
    text = latex[stmt.loc[0]:stmt.loc[1]].lstrip()
    changed = True
    while changed:
        changed = False
        for noise in CONTINUATION_NOISE:
            if text.startswith(noise):
                text = text[len(noise):].lstrip()
                changed = True
    return text[:1] in ("+", "-")


def _terms(expr: Expr) -> tuple[Expr, ...]:
    return expr.args if isinstance(expr, Add) else (expr,)


def merge_continued_rows(latex: str, statements: tuple[Statement, ...]) -> list[Statement]:
    """Join rows that continue a sum from the row above into that row's last side."""
    out: list[Statement] = []
    for stmt in statements:
        previous = out[-1] if out else None
        if previous is not None and previous.sides and previous.sides[-1] is not None and _continues_sum(latex, stmt):
            last = previous.sides[-1]
            row = stmt.sides[0]
            assert row is not None
            last_loc = previous.side_locs[-1] or last.loc or previous.loc
            row_loc = stmt.side_locs[0] or row.loc or stmt.loc
            loc = (last_loc[0], row_loc[1])
            merged = Add(_terms(last) + _terms(row), loc=loc)
            out[-1] = dataclasses.replace(
                previous,
                sides=previous.sides[:-1] + (merged,),
                side_locs=previous.side_locs[:-1] + (loc,),
                loc=(previous.loc[0], stmt.loc[1]),
            )
            continue
        out.append(stmt)
    return out


def iter_links(doc: Document, parsed: list[ParsedSpan], ones_matrix: bool = True) -> Iterator[Link]:
    """Every relation link in document order; a statement that starts with a relation
    continues the previous statement's last side (also across displays, as PDF-converted notes do)."""
    previous: Side | None = None
    previous_derivation = False
    for ps in parsed:
        for stmt in merge_continued_rows(ps.math.latex, ps.parse.statements):
            sides: list[Side | None] = []
            constant = any(e is not None and not isinstance(e, Query) and not free_symbols(e) for e in stmt.sides)
            derivation = any(e is not None and has(e, (Derivative, Differential)) for e in stmt.sides) or (
                stmt.sides[0] is None and previous_derivation)
            for i, expr in enumerate(stmt.sides):
                if expr is None:
                    sides.append(previous if i == 0 else None)
                else:
                    loc = stmt.side_locs[i] if i < len(stmt.side_locs) else None
                    if not ones_matrix:
                        expr = undo_ones_matrix(expr)
                    expr = apply_bare_operators(expr)
                    sides.append(side_of(ps, expr, loc, doc))
            if any(s is not None and has_differential(s.expr) for s in sides):
                sides = [None if s is None else dataclasses.replace(s, expr=join_differentials(s.expr)) for s in sides]
            for i, rel in enumerate(stmt.relations):
                if i + 1 >= len(sides):
                    break
                lhs, rhs = sides[i], sides[i + 1]
                if lhs is None or rhs is None:
                    continue
                yield Link(lhs, rhs, rel, ps.math, i if stmt.sides[0] is not None else i + 1, rhs.span.start,
                           stmt.text, constant, derivation)
            last = sides[-1] if sides else None
            if last is not None:
                previous = last
                previous_derivation = derivation


def free_symbols(expr: Expr) -> frozenset[str]:
    """Keys of the symbols of ``expr`` (bound sum indices excluded)."""
    out: set[str] = set()
    for node in walk(expr):
        if isinstance(node, Symbol):
            out.add(node.key)
    return frozenset(out)


def has(expr: Expr, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(n, kinds) for n in walk(expr))


def is_zero(expr: Expr) -> bool:
    return isinstance(expr, Zero) or (isinstance(expr, Number) and expr.value == 0)


def has_index_notation(expr: Expr) -> bool:
    for node in walk(expr):
        if isinstance(node, (Sum, Entry)):
            return True
        if isinstance(node, Symbol) and node.subscript and _looks_like_indices(node.subscript):
            return True
        if isinstance(node, Derivative) and isinstance(node.wrt, Symbol) and node.wrt.subscript and _looks_like_indices(node.wrt.subscript):
            return True
    return False


def _looks_like_indices(subscript: str) -> bool:
    """``ij``, ``i,j``, ``qr``, ``k``: letters from the usual index alphabet (not ``1``, ``F``)."""
    letters = [c for c in subscript if c not in ", {}"]
    return bool(letters) and all(c in "ijklmnpqrstuvab" for c in letters) and len(letters) <= 3


def _is_wrt(key: str, *exprs: Expr) -> bool:
    return any(isinstance(n, Derivative) and symbol_key(n.wrt) == key for e in exprs for n in walk(e))


def derivative_variables(expr: Expr) -> frozenset[str]:
    out: set[str] = set()
    for node in walk(expr):
        if isinstance(node, Derivative):
            key = symbol_key(node.wrt)
            if key:
                out.add(key)
        elif isinstance(node, Differential):
            key = symbol_key(node.arg)
            if key:
                out.add(key)
    return frozenset(out)


def classify(link: Link, facts: DocumentFacts) -> tuple[LinkRole, ClaimKind | None, str]:
    """What a link is: a claim of some kind, a query, a display to lint, or context (why)."""
    lhs, rhs = link.lhs.expr, link.rhs.expr
    if link.relation != "=":
        return LinkRole.SKIP, None, f"relation {link.relation}"
    from .displays import display_link

    if display_link(lhs, rhs) is not None:
        return LinkRole.DISPLAY, ClaimKind.DISPLAY, ""
    if isinstance(rhs, Query) or isinstance(lhs, Query):
        return LinkRole.QUERY, None, ""
    if isinstance(lhs, Apply) and symbol_key(lhs) is not None:
        return LinkRole.SKIP, None, "definition of a function"
    if _differential_product(lhs) or _differential_product(rhs):
        return LinkRole.SKIP, None, "a product of differentials (a volume element), not a first-order claim"
    if link.position == 0 and isinstance(lhs, (Symbol, Apply)) and symbol_key(lhs) is not None:
        if not (isinstance(lhs, Symbol) and lhs.subscript and has_index_notation(rhs)):
            return LinkRole.SKIP, None, "definition"
    if has(lhs, (Differential,)) or has(rhs, (Differential,)):
        return LinkRole.CLAIM, ClaimKind.DIFFERENTIAL, ""
    if has_index_notation(lhs) or has_index_notation(rhs):
        from .index_notation import is_index_definition

        if is_index_definition(lhs, rhs, facts.context_at(link.offset)):
            return LinkRole.SKIP, None, "definition (index notation)"
        return LinkRole.CLAIM, ClaimKind.INDEX, ""
    if is_zero(rhs) or is_zero(lhs):
        return LinkRole.SKIP, None, "condition (= 0)"
    if isinstance(lhs, Derivative) and lhs.expr is not None and not has(rhs, (Derivative,)):
        return LinkRole.CLAIM, ClaimKind.DERIVATIVE, ""
    if has(lhs, (Derivative,)) or has(rhs, (Derivative,)):
        return LinkRole.CLAIM, ClaimKind.EQUALITY, ""
    left, right = free_symbols(lhs), free_symbols(rhs)
    if not (left <= right or right <= left):
        return LinkRole.SKIP, None, "condition (the sides use different symbols)"
    return LinkRole.CLAIM, ClaimKind.EQUALITY, ""


def _differential_product(expr: Expr) -> bool:
    from ..parsers.expr import Mul

    for node in walk(expr):
        if isinstance(node, Mul) and sum(isinstance(a, Differential) for a in node.args) >= 2:
            return True
    return False


CONDITIONAL_WORDS = ("if", "then", "suppose", "assume", "assuming", "when", "whenever", "iff", "given")
_SUBJECT = r"(?:\$[^$]{1,40}\$|\\(?:mathbf|bm|boldsymbol)\{\\?[A-Za-z]+\}|\\?[A-Z](?![A-Za-z])|\\Sigma)"
SYMMETRIC_SUBJECTS = (
    re.compile(rf"({_SUBJECT}(?:\s*(?:,|and|&)\s*{_SUBJECT})*)\s+(?:is|are|be|being|to\s+be)\s+"
               r"(?:a\s+|an\s+|both\s+)?(?:real\s+|square\s+)?(?:symmetric|self-adjoint)", re.IGNORECASE),
    # Chinese: 若 A 对称 / 如果 A 是对称的 (also inside \overset{\text{若}\mathbf{A}\text{对称}}{=})
    re.compile(rf"(?:若|如果|假设|设)\s*(?:\}}|\\text\{{[^}}]*\}})?\s*({_SUBJECT}(?:\s*(?:,|和|与)\s*{_SUBJECT})*)"
               r"\s*(?:\\text\{)?\s*(?:是|为)?\s*对称"),
)
"""``if A is symmetric``, ``$\\mathbf{A}$ and $\\mathbf{B}$ are symmetric``, 若A对称: whom the text makes symmetric."""


def symmetric_subjects(text: str) -> set[str]:
    """Symbol keys the text says are symmetric (only those: "A is symmetric" says nothing of B)."""
    from .context_build import _subject_key

    out: set[str] = set()
    for pattern in SYMMETRIC_SUBJECTS:
        for match in pattern.finditer(text):
            for piece in re.findall(_SUBJECT, match.group(1)):
                key = _subject_key(piece.strip("$"))
                if key:
                    out.add(key)
    return out
HINT_REACH = 300
"""Characters of prose either side of a claim searched for hints ("if A is symmetric")."""


COVARIANCE_WORDS = ("covariance", "协方差", "공분산", "gaussian", "高斯", "가우시안", "normal distribution", "正态")


def document_hints(doc: Document) -> frozenset[str]:
    """Hints the whole document gives: a Gaussian/covariance text makes Σ symmetric."""
    lowered = doc.text.lower()
    return frozenset({"covariance"}) if any(w in lowered for w in COVARIANCE_WORDS) else frozenset()


PASSAGE_REACH = 2000
"""At most this many characters back to the heading of a claim's passage ("Symmetric": If A is...)."""
HEADING = re.compile(r"^(?:#{1,6}\s|\\(?:sub)*section\*?\{|\\paragraph\{)", re.MULTILINE)


def _section_start(text: str, offset: int) -> int:
    """Offset of the last heading before ``offset`` (Markdown ``#`` or LaTeX ``\\section``), else 0."""
    starts = [m.start() for m in HEADING.finditer(text, max(0, offset - PASSAGE_REACH), offset)]
    return starts[-1] if starts else max(0, offset - PASSAGE_REACH)


def claim_hints(doc: Document, link: Link, base: frozenset[str] = frozenset()) -> frozenset[str]:
    hints: set[str] = set(base)
    words = {w.strip(".,;:()").lower() for w in link.text.split()}
    if link.derivation:
        hints.add("derivation")
    if link.chain_constant or words & set(CONDITIONAL_WORDS) or "若" in link.text or "如果" in link.text:
        hints.add("conditional")
    start = max(0, link.math.span.start - HINT_REACH)
    end = min(len(doc.text), link.math.span.end + HINT_REACH)
    nearby = doc.text[start:end].lower()
    passage = max(start - PASSAGE_REACH, _section_start(doc.text, link.math.span.start))
    raw_nearby = doc.text[min(passage, start):end] + "\n" + link.math.latex  # the math with its macros expanded
    for key in symmetric_subjects(raw_nearby):
        hints.add(f"symmetric:{key}")
    if "square" in nearby or "方阵" in nearby:
        hints.add("square")
    return frozenset(hints)


def make_claim(doc: Document, link: Link, kind: ClaimKind, facts: DocumentFacts, forced: Layout | None,
               doc_hints: frozenset[str] = frozenset()) -> Claim:
    ctx = facts.context_at(link.offset)
    layout = facts.layout_at(link.offset, forced)
    lhs, rhs = link.lhs.expr, link.rhs.expr
    definitions = dict(ctx.definitions)
    # variables of derivatives and bare differentials stay symbols, except ``df`` of a defined f
    keep = frozenset(k for k in derivative_variables(lhs) | derivative_variables(rhs)
                     if k not in definitions or _is_wrt(k, lhs, rhs))
    function: Expr | None = None
    variable: Expr | None = None
    if kind is ClaimKind.DERIVATIVE and isinstance(lhs, Derivative) and lhs.expr is not None:
        variable = lhs.wrt
        function = substitute(lhs.expr, definitions, keep)
    lhs_resolved = substitute(lhs, definitions, keep)
    rhs_resolved = substitute(rhs, definitions, keep)
    plain_function: Expr | None = None
    if function is not None and isinstance(lhs, Derivative) and lhs.expr is not None:
        resolved = substitute_function_names(lhs, definitions)
        plain_function = resolved.expr if isinstance(resolved, Derivative) else None
    plain: tuple[Expr, Expr, Expr | None] | None = (
        substitute_function_names(lhs, definitions), substitute_function_names(rhs, definitions), plain_function)
    if plain == (lhs_resolved, rhs_resolved, function):
        plain = None
    span = _join(link.lhs.span, link.rhs.span) if link.lhs.span.start <= link.rhs.span.start else link.rhs.span
    return Claim(
        kind=kind,
        lhs=lhs_resolved,
        rhs=rhs_resolved,
        span=span,
        lhs_span=link.lhs.span,
        rhs_span=link.rhs.span,
        latex=f"{link.lhs.latex} = {link.rhs.latex}",
        layout=layout,
        # definitions are substituted here, once; the oracle must not substitute again
        # (a variable that also has a definition elsewhere stays a variable)
        context=dataclasses.replace(ctx, definitions={}),
        math=link.math,
        function=function,
        variable=variable,
        rhs_latex=link.rhs.latex,
        rhs_written=rhs,
        lhs_written=lhs,
        hints=claim_hints(doc, link, doc_hints) | _intermediate(lhs, rhs, definitions),
        plain=plain,
    )


def _intermediate(lhs: Expr, rhs: Expr, definitions: dict[str, Expr]) -> frozenset[str]:
    """``{"intermediate"}`` for a chain rule: the claim differentiates by two variables one of
    which the document defines through the other (``\\partial u_2/\\partial u_1`` and
    ``du_1/dx`` with ``u_1 = x^2``)."""
    wrts = {symbol_key(n.wrt) for side in (lhs, rhs) for n in walk(side) if isinstance(n, Derivative)}
    wrts.discard(None)
    for key in wrts:
        body = definitions.get(key)  # type: ignore[arg-type]
        if body is not None and any(isinstance(n, Symbol) and n.key in wrts for n in walk(body)):
            return frozenset({"intermediate"})
    return frozenset()


def substitute_function_names(expr: Expr, definitions: dict[str, Expr]) -> Expr:
    """Replace ``f`` in ``\\partial f`` by its definition, one level deep, and nothing else."""
    if isinstance(expr, Derivative) and expr.expr is not None:
        key = symbol_key(expr.expr)
        wrt = symbol_key(expr.wrt)
        if key is not None and key != wrt and key in definitions and isinstance(expr.expr, (Symbol, Apply)):
            return dataclasses.replace(expr, expr=definitions[key])
        return expr
    return map_children(expr, lambda child: substitute_function_names(child, definitions))


def _join(a: Span, b: Span) -> Span:
    return Span(a.file, a.start, b.end, a.line, a.col, b.end_line, b.end_col)


def recognise_claims(doc: Document, parsed: list[ParsedSpan], facts: DocumentFacts, forced: Layout | None) -> Recognised:
    claims: list[Claim] = []
    displays: list[Link] = []
    queries: list[Link] = []
    skipped: list[tuple[Link, str]] = []
    doc_hints = document_hints(doc)
    for link in iter_links(doc, parsed, ones_matrix=declares_ones_matrix(doc.text)):
        role, kind, why = classify(link, facts)
        if role is LinkRole.CLAIM and kind is not None:
            claims.append(make_claim(doc, link, kind, facts, forced, doc_hints))
        elif role is LinkRole.DISPLAY:
            displays.append(link)
        elif role is LinkRole.QUERY:
            queries.append(link)
        else:
            skipped.append((link, why))
    return Recognised(tuple(claims), tuple(displays), tuple(queries), tuple(skipped))


def suppressed_codes(math: MathSpan, directives: tuple[Directive, ...], doc: Document) -> frozenset[str] | None:
    """Codes suppressed for ``math`` by an ``ignore`` directive on the line(s) just before it.

    Returns None when nothing is suppressed, an empty set for "everything".
    """
    out: set[str] = set()
    hit = False
    for d in directives:
        if d.action == "ignore":
            if d.span.end <= math.span.start and 0 <= math.span.line - d.span.end_line <= 1 + _blank_lines_between(doc, d.span.end, math.span.start):
                hit = True
                if d.value:
                    out.update(c.strip() for c in d.value.split(",") if c.strip())
        elif d.action == "disable" and d.span.start <= math.span.start:
            hit = True
            if d.value:
                out.update(c.strip() for c in d.value.split(",") if c.strip())
    if not hit:
        return None
    return frozenset(out)


def _blank_lines_between(doc: Document, start: int, end: int) -> int:
    chunk = doc.text[start:end]
    return sum(1 for line in chunk.split("\n")[1:-1] if not line.strip())
