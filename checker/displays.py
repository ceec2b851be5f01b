"""Displayed-matrix rules: entries named after their matrix (`entry-name`) at the right indices (`entry-index`).

A display is one ``NAME = \\begin{bmatrix} ... \\end{bmatrix}`` link. ``NAME`` decides what an
entry must be called:

=========================  ===========================================================
display of                 entries accepted
=========================  ===========================================================
``B``                      ``b_{ij}``, ``B_{ij}``, ``(B)_{ij}``, ``[B]_{ij}``
``B^T``                    the same letters, indices swapped (``b_{21}`` in row 1, column 2)
``AB``                     ``ab_{ij}``, ``(AB)_{ij}``, ``[AB]_{ij}``
``dX``                     ``dx_{ij}``, ``dX_{ij}``
``∂f/∂X``                  ``\\frac{\\partial f}{\\partial x_{ij}}`` (either orientation: the
                           layout decides which, and a layout slip is not this rule's business)
``∂y/∂x``, ``∂U/∂x``       ``\\frac{\\partial y_i}{\\partial x_j}``, ``\\frac{\\partial u_{ij}}{\\partial x}``
=========================  ===========================================================

No false alarms: entries that are not named entries (numbers, sums, products...) are
ignored; a letter other than the expected one is flagged only when the display also uses
the expected letter (a copy-paste slip), never when the whole display uses another name
(block matrices, ``\\mathbf{P} = [u_1\\; v_1; ...]``); index tokens that cannot be placed
(``a_{ij}`` between two ``\\cdots``, a number after ``\\cdots``) are not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ..parsers.expr import Expr, Loc, MatrixLiteral, Statement, Symbol, Transpose
from ..parsers.span import Span
from .claims import Context
from .display_entries import ExpectedEntry, NamedEntry, expected_entry, named_entry
from .display_positions import (
    Grid, PlacedEntry, Placement, Position, Token, axis_count, entry_arity, grid_of, parse_token,
    place_entries, place_entry, same_symbol, slot_issue, vote_symbol,
)
from .findings import Edit, Finding, Fix
from .options import Layout
from .rules import ENTRY_INDEX, ENTRY_NAME, Severity
from .verdicts import Reason, Status, Verdict

Locate = Callable[[Loc], Span]


@dataclass(frozen=True, slots=True)
class DisplayResult:
    """What one displayed matrix says, ready to be counted as a `ClaimKind.DISPLAY` claim."""

    findings: tuple[Finding, ...]
    ok: bool
    """False when an error or warning was found (the display claim is `wrong`)."""
    checked: int = 0
    """How many named entries were checked; 0 means there was nothing to judge."""

    @property
    def status(self) -> Status:
        if not self.ok:
            return Status.WRONG
        return Status.VERIFIED if self.checked else Status.UNSUPPORTED

    def verdict(self) -> Verdict:
        """The claim verdict: wrong (with a finding), verified, or unsupported (no named entry)."""
        status = self.status
        if status is Status.UNSUPPORTED:
            return Verdict.unsupported(Reason.NOT_SUPPORTED, "no named entries to check")
        detail = "; ".join(f.message for f in self.findings if f.level is not Severity.INFO)
        return Verdict(status, detail=detail)


def check_display(matrix_name: Expr | None, literal: MatrixLiteral, ctx: Context, layout: Layout,
                  locate: Locate) -> list[Finding]:
    """Findings (`entry-name`, `entry-index`) for one display ``matrix_name = literal``.

    :param matrix_name: the named side (``B``, ``B^T``, ``AB``, ``dX``, ``∂f/∂X``); None or an
        expression we cannot name entries after gives no finding.
    :param layout: the layout in force (which orientation a ∂f/∂X display should have; the
        other orientation is accepted too — layout is another rule's business).
    :param locate: turns a node ``loc`` into a source `Span`.

    >>> from mathlint.parsers.expr import Symbol, MatrixLiteral
    >>> b = lambda s: Symbol("b", subscript=s)
    >>> lit = MatrixLiteral(((b("11"), b("12")), (b("21"), b("22"))))
    >>> check_display(Symbol("B"), lit, Context(), Layout.DENOMINATOR, lambda loc: None)
    []
    """
    return list(display_result(matrix_name, literal, ctx, layout, locate).findings)


def display_result(matrix_name: Expr | None, literal: MatrixLiteral, ctx: Context,
                   layout: Layout, locate: Locate) -> DisplayResult:
    """`check_display` with its summary: findings, ``ok`` and how many entries were checked."""
    exp = expected_entry(matrix_name, ctx, layout) if matrix_name is not None else None
    if exp is None:
        return DisplayResult((), True, 0)
    named = [n for r, row in enumerate(literal.rows) for c, node in enumerate(row)
             if (n := named_entry(node, exp, r, c)) is not None]
    mine = [n for n in named if _key_matches(n.key, exp.key)]
    foreign = [n for n in named if not _key_matches(n.key, exp.key)]
    if not mine:
        # the whole display uses other names (blocks, columns u_i, v_i): nothing to judge
        return DisplayResult((), True, 0)
    grid = grid_of(literal)
    arity = entry_arity(named, grid)
    reading: Placement | None = None
    if arity is not None:
        for swapped in exp.orientations:
            candidate = place_entries(mine, arity, grid, exp, swapped)
            if reading is None or len(candidate.issues) < len(reading.issues):
                reading = candidate
    findings: list[Finding] = []
    findings.extend(_name_findings(foreign, len(mine), exp, grid, arity, reading, locate))
    if reading is not None and arity is not None:
        findings.extend(_shape_findings(reading, exp, grid, arity, locate))
        findings.extend(_index_finding(p, slot, reading, exp, locate) for p, slot in reading.issues)
    findings = _dedupe(findings)
    ok = not any(f.level in (Severity.ERROR, Severity.WARNING) for f in findings)
    return DisplayResult(tuple(findings), ok, len(mine))


def _key_matches(key: tuple[object, ...], expected: tuple[object, ...]) -> bool:
    """Same name; a numerator we cannot compare (an expression against a name) is not judged."""
    if len(key) != len(expected):
        return False
    for got, want in zip(key, expected):
        if got != want and isinstance(got, str) and isinstance(want, str):
            return False
    return True


def _entry_text(n: NamedEntry) -> str:
    if n.form == "derivative":
        return f"\\partial/\\partial {n.letter}_{{{n.subscripts[-1]}}}"
    prefix = "d" if n.form == "differential" else ""
    return f"{prefix}{n.letter}_{{{n.subscripts[-1]}}}"


def _match_case(written: str, want: str) -> str:
    if written.isalpha() and want.isalpha():
        return want.upper() if written.isupper() else want.lower()
    if want.startswith("\\") and written.startswith("\\") and len(want) > 1 and len(written) > 1:
        return "\\" + (want[1].upper() if written[1].isupper() else want[1].lower()) + want[2:]
    return want


def _name_findings(foreign: Sequence[NamedEntry], mine: int, exp: ExpectedEntry, grid: Grid,
                   arity: int | None, reading: Placement | None, locate: Locate) -> list[Finding]:
    groups: dict[tuple[object, ...], list[NamedEntry]] = {}
    for n in foreign:
        groups.setdefault(n.key, []).append(n)
    out: list[Finding] = []
    for group in groups.values():
        if len(group) > mine and not all(_fits(n, arity, grid, reading) for n in group):
            continue  # mostly another name, not in a grid pattern: a block matrix, not a slip
        out.extend(_name_finding(n, exp, locate) for n in group)
    return out


def _fits(n: NamedEntry, arity: int | None, grid: Grid, reading: Placement | None) -> bool:
    """True when ``n``'s indices are exactly its position (an entry of this matrix, misnamed)."""
    if arity is None or reading is None:
        return False
    placed = place_entry(n, arity, grid, reading.swapped)
    if placed is None:
        return False
    judged = [s for s in range(arity)
              if placed.positions[s] is not None and placed.tokens[s] is not None]
    return bool(judged) and not any(
        slot_issue(placed.positions[s], placed.tokens[s], reading.symbols[s]) for s in judged)


def _name_finding(n: NamedEntry, exp: ExpectedEntry, locate: Locate) -> Finding:
    node = n.node
    span = locate(node.loc or (0, 0))
    sub = n.subscripts[-1]
    fix: Fix | None = None
    if n.form == "derivative":
        got_top, want_top = n.key[0], exp.key[0]
        if isinstance(got_top, str) and isinstance(want_top, str) and got_top != want_top:
            return Finding(ENTRY_NAME, span, {"message": (
                f"an entry of {exp.matrix} differentiates {got_top} instead of {want_top}")})
        expected = f"{_match_case(n.letter, exp.letter)}_{{{sub}}}"
        message = (f"an entry of {exp.matrix} is taken with respect to {n.letter}_{{{sub}}}; "
                   f"expected {expected}")
        return Finding(ENTRY_NAME, span, {"message": message}, expected=expected)
    letter = _match_case(n.letter, exp.letter)
    prefix = "d" if n.form == "differential" else ""
    expected = f"{prefix}{letter}_{{{sub}}}"
    message = (f"entry {_entry_text(n)} of {exp.matrix} is named after a different matrix; "
               f"expected {expected}")
    if (n.form == "plain" and isinstance(node, Symbol) and not node.bold
            and node.loc is not None and len(node.name) == 1 and len(letter) == 1):
        start = node.loc[0]
        fix = Fix((Edit(locate((start, start + 1)), letter),), f"rename to {expected}")
    return Finding(ENTRY_NAME, span, {"message": message}, expected=expected, fix=fix)


def _expected_token(pos: Position, symbol: str | None) -> str | None:
    if isinstance(pos, int):
        return str(pos)
    if pos is None or symbol is None:
        return None
    return symbol if pos[1] == 0 else f"{symbol}{pos[1]}"


def _token_text(tok: Token | None) -> str | None:
    if tok is None:
        return None
    if isinstance(tok, int):
        return str(tok)
    return tok[0] if tok[1] == 0 else f"{tok[0]}{tok[1]:+d}"


def _subscript(tokens: Sequence[str]) -> str:
    if all(len(t) == 1 for t in tokens):
        return "{" + "".join(tokens) + "}"
    return "{" + ",".join(tokens) + "}"


def _index_finding(p: PlacedEntry, slot: int, reading: Placement, exp: ExpectedEntry,
                   locate: Locate) -> Finding:
    span = locate(p.named.node.loc or (0, 0))
    want = [_expected_token(pos, reading.symbols[s]) for s, pos in enumerate(p.positions)]
    got = [_token_text(t) for t in p.tokens]
    fixed = [w if w is not None else g for w, g in zip(want, got)]
    expected: str | None = None
    if all(t is not None for t in fixed):
        tokens = [t for t in fixed if t is not None]
        if p.named.form == "derivative" or len(p.named.subscripts) > 1:
            expected = None
        else:
            prefix = "d" if p.named.form == "differential" else ""
            expected = f"{prefix}{p.named.letter}_{_subscript(tokens)}"
    message = (f"entry {_entry_text(p.named)} of {exp.matrix} is in {p.axes[slot]} "
               f"{want[slot] or '?'} but its index says {got[slot] or '?'}")
    if expected:
        message += f"; expected {expected}"
    return Finding(ENTRY_INDEX, span, {"message": message}, expected=expected)


def _shape_findings(reading: Placement, exp: ExpectedEntry, grid: Grid, arity: int,
                    locate: Locate) -> list[Finding]:
    """One warning when the display's last indices contradict the declared shape."""
    placed = reading.placed
    if not placed:
        return []
    bad = False
    want: list[str | None] = []
    for slot in range(arity):
        declared = exp.dims[slot] if slot < len(exp.dims) else None
        voted = vote_symbol(placed, slot)
        want.append(None if declared is None else str(declared))
        if isinstance(declared, str) and voted is not None:
            bad = bad or (isinstance(parse_token(declared), tuple) and not same_symbol(voted, declared))
        elif isinstance(declared, int) and not isinstance(declared, bool):
            count = axis_count(grid, placed[0].axes[slot])
            bad = bad or (count is not None and count != declared)
    if not bad:
        return []
    corner = max(placed, key=lambda p: (p.named.row, p.named.col))
    last = [w if w is not None else (_token_text(t) or "?") for w, t in zip(want, corner.tokens)]
    dims = "\\times ".join("?" if d is None else str(d) for d in exp.dims[:arity])
    expected = None
    if corner.named.form != "derivative" and len(corner.named.subscripts) == 1:
        prefix = "d" if corner.named.form == "differential" else ""
        expected = f"{prefix}{corner.named.letter}_{_subscript(last)}"
    message = f"{exp.matrix} is declared {dims}, but its display ends at {_entry_text(corner.named)}"
    if expected:
        message += f"; the last entry should be {expected}"
    span = locate(corner.named.node.loc or (0, 0))
    return [Finding(ENTRY_INDEX, span, {"message": message}, expected=expected)]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int, int]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.code, f.span.start, f.span.end) if f.span is not None else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        out.append(f)
    return out


# --- finding displays in a statement ------------------------------------------------------

def displays_in(statement: Statement) -> list[tuple[Expr | None, MatrixLiteral]]:
    """Each ``(name, literal)`` pair of a statement, for `check_display`.

    A literal's name is the nearest side of its chain that is not itself a literal (left
    first on a tie): ``∂y/∂x = [...] = [...] = A^T`` names the first literal ``∂y/∂x`` and
    the second ``A^T``. A transposed literal ``x = [x_1 ... x_n]^T`` is checked as a display
    of ``x^T``. Literals with no nameable neighbour get None (nothing to check).
    """
    sides = statement.sides
    out: list[tuple[Expr | None, MatrixLiteral]] = []
    for i, side in enumerate(sides):
        literal, flipped = _literal_of(side)
        if literal is None:
            continue
        name = _nearest_name(sides, statement.relations, i)
        if name is not None and flipped:
            name = name.arg if isinstance(name, Transpose) else Transpose(name, loc=name.loc)
        out.append((name, literal))
    return out


def display_link(lhs: Expr, rhs: Expr) -> tuple[Expr | None, MatrixLiteral] | None:
    """``(name, literal)`` when the link ``lhs = rhs`` displays a matrix, else None.

    Either side may be the literal; a transposed literal ``x = [x_1 \\cdots x_n]^T`` is a
    display of ``x^T``; a literal on both sides has no name (None: nothing to check).
    """
    for name, side in ((lhs, rhs), (rhs, lhs)):
        literal, flipped = _literal_of(side)
        if literal is None:
            continue
        if _literal_of(name)[0] is not None:
            return None, literal
        if flipped:
            name = name.arg if isinstance(name, Transpose) else Transpose(name, loc=name.loc)
        return name, literal
    return None


def _literal_of(side: Expr | None) -> tuple[MatrixLiteral | None, bool]:
    if isinstance(side, MatrixLiteral):
        return side, False
    if isinstance(side, Transpose) and isinstance(side.arg, MatrixLiteral):
        return side.arg, True
    return None, False


def _nearest_name(sides: Sequence[Expr | None], relations: Sequence[str], i: int) -> Expr | None:
    for distance in range(1, len(sides)):
        for j in (i - distance, i + distance):
            if not 0 <= j < len(sides):
                continue
            between = relations[min(i, j):max(i, j)]
            if any(r not in ("=", "\\triangleq", "\\coloneqq", "\\equiv", ":=", "\\doteq",
                             "\\stackrel{\\text{def}}{=}") for r in between):
                continue
            side = sides[j]
            if side is None or _literal_of(side)[0] is not None:
                continue
            return side
    return None
