"""Where a display's entries sit and what their indices say: index tokens, positions along each
axis (counted from the end after dots), and the named entries placed in one orientation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..parsers.expr import Apply, Dots, Expr, MatrixLiteral, Symbol
from .display_entries import ExpectedEntry, NamedEntry

Token = tuple[str, int] | int
"""An index value: an int, or ``(size symbol, offset)`` such as ``("n", -1)`` for ``n-1``."""
Position = tuple[str, int] | int | None
"""Where an entry sits along one axis: an int, ``("end", -k)`` (k before the last), or unknown."""

_TOKEN = re.compile(r"^(?:(\d+)|([A-Za-z]|\\[A-Za-z]+)(?:([+-])(\d+))?)$")


def parse_token(text: str) -> Token | None:
    """``"3"`` → ``3``, ``"n-1"`` → ``("n", -1)``, ``"i"`` → ``("i", 0)``; None when not one index."""
    match = _TOKEN.match(text)
    if match is None:
        return None
    if match.group(1) is not None:
        return int(match.group(1))
    offset = int(match.group(4) or 0) * (-1 if match.group(3) == "-" else 1)
    return (match.group(2), offset)


def _split(text: str, arity: int) -> tuple[str, ...] | None:
    """Split raw subscript text into ``arity`` index strings (``"1m"`` → ``("1", "m")``)."""
    text = re.sub(r"[\s{}]|\\[,;!: ]", "", text)
    if not text:
        return None
    if "," in text:
        parts = tuple(text.split(","))
        return parts if len(parts) == arity and all(parts) else None
    if arity == 1:
        return (text,) if parse_token(text) is not None else None
    if arity == 2 and re.fullmatch(r"[A-Za-z0-9]{2}", text):
        return (text[0], text[1])
    return None


def _natural_arity(text: str) -> int | None:
    """1 or 2 when the subscript text alone says how many indices it holds, else None."""
    text = re.sub(r"[\s{}]", "", text)
    if "," in text:
        return text.count(",") + 1
    if len(text) == 1 or re.fullmatch(r"[A-Za-z][+-]\d+", text):
        return 1
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]|[0-9][A-Za-z]", text):
        return 2
    return None


def _is_gap(node: Expr) -> bool:
    return isinstance(node, Dots)


def _is_blank(node: Expr) -> bool:
    """Dots or an empty cell (the parser marks one as an unparsed application)."""
    if isinstance(node, Dots):
        return True
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and not node.args:
        return node.func.name == "\\unparsed"
    return isinstance(node, Symbol) and node.name == ""


def _positions(gaps: Sequence[bool]) -> list[Position]:
    """Expected position of each item along an axis whose ``gaps`` items are dots.

    >>> _positions([False, False, True, False])
    [1, 2, None, ('end', 0)]
    """
    marks = [i for i, gap in enumerate(gaps) if gap]
    out: list[Position] = []
    count = len(gaps)
    for i, gap in enumerate(gaps):
        if gap:
            out.append(None)
        elif not marks or i < marks[0]:
            out.append(i + 1)
        elif i > marks[-1]:
            out.append(("end", -(count - 1 - i)))
        else:
            out.append(None)
    return out


@dataclass(frozen=True, slots=True)
class Grid:
    """Expected positions of a display's rows, and of each row's columns (see `_positions`)."""

    row_pos: tuple[Position, ...]
    col_pos: tuple[tuple[Position, ...], ...]
    single_column: bool
    single_row: bool


def grid_of(literal: MatrixLiteral) -> Grid:
    """The positions of ``literal``'s rows and columns, dots and blank cells taken into account."""
    # a row with vertical dots (``\vdots``, ``\ddots``) is a gap: rows after it count from the
    # end, and its own entries (Toeplitz ``t_{12}`` beside ``\ddots``) have no known row
    row_gaps = [all(_is_blank(e) for e in row)
                or any(isinstance(e, Dots) and e.kind in ("vdots", "ddots") for e in row)
                for row in literal.rows]
    row_pos = _positions(row_gaps)
    col_pos = tuple(tuple(_positions([_is_gap(e) for e in row])) for row in literal.rows)
    real_rows = [row for row, gap in zip(literal.rows, row_gaps) if not gap]
    single_column = bool(real_rows) and all(len(row) == 1 for row in real_rows)
    single_row = len(real_rows) == 1 and not single_column
    return Grid(tuple(row_pos), col_pos, single_column, single_row)


@dataclass(frozen=True, slots=True)
class PlacedEntry:
    """A named entry with its index tokens and the positions of its slots."""

    named: NamedEntry
    tokens: tuple[Token | None, ...]
    positions: tuple[Position, ...]
    axes: tuple[str, ...]
    """The display axis of each slot: ``"row"``, ``"column"`` or ``""`` (unplaceable)."""


def _slot_axes(grid: Grid, arity: int, swapped: bool) -> tuple[str, ...]:
    if arity == 1:
        return ("row",) if grid.single_column else ("column",) if grid.single_row else ("",)
    return ("column", "row") if swapped else ("row", "column")


def place_entry(named: NamedEntry, arity: int, grid: Grid, swapped: bool) -> PlacedEntry | None:
    """``named`` with its index tokens beside the positions it sits at; None when its subscript
    does not split into ``arity`` indices."""
    texts: list[str] = []
    if len(named.subscripts) == 1:
        split = _split(named.subscripts[0], arity)
        if split is None:
            return None
        texts.extend(split)
    else:
        for sub in named.subscripts:
            split = _split(sub, 1)
            if split is None:
                return None
            texts.extend(split)
    if len(texts) != arity:
        return None
    axes = _slot_axes(grid, arity, swapped)
    where = {"row": grid.row_pos[named.row], "column": grid.col_pos[named.row][named.col], "": None}
    return PlacedEntry(named, tuple(parse_token(t) for t in texts), tuple(where[a] for a in axes), axes)


def same_symbol(a: str, b: str) -> bool:
    """Size symbols are compared case-blind (``n`` and ``N``)."""
    return a.lower() == b.lower()


def vote_symbol(placed: Sequence[PlacedEntry], slot: int) -> str | None:
    """The size symbol a display uses for ``slot`` at its last positions, by strict majority."""
    names: dict[str, int] = {}
    total = 0
    for p in placed:
        pos, tok = p.positions[slot], p.tokens[slot]
        if isinstance(pos, tuple) and isinstance(tok, tuple):
            total += 1
            names[tok[0]] = names.get(tok[0], 0) + 1
    for name, count in names.items():
        if 2 * count > total:
            return name
    return None


def slot_issue(pos: Position, tok: Token | None, symbol: str | None) -> bool:
    """True when token ``tok`` cannot sit at ``pos`` (unknowns are never issues)."""
    if pos is None or tok is None:
        return False
    if isinstance(pos, int):
        return isinstance(tok, int) and tok != pos
    if isinstance(tok, int) or symbol is None:
        return False
    return not same_symbol(tok[0], symbol) or tok[1] != pos[1]


def _symbols(placed: Sequence[PlacedEntry], exp: ExpectedEntry, arity: int) -> list[str | None]:
    """Size symbol of each slot: the display's own (by vote), else the declared one."""
    out: list[str | None] = []
    for slot in range(arity):
        voted = vote_symbol(placed, slot)
        declared = exp.dims[slot] if slot < len(exp.dims) else None
        if voted is None and isinstance(declared, str) and isinstance(parse_token(declared), tuple):
            voted = declared
        out.append(voted)
    return out


@dataclass(frozen=True, slots=True)
class Placement:
    """The named entries placed in one orientation, with what is wrong in it."""

    placed: tuple[PlacedEntry, ...]
    symbols: tuple[str | None, ...]
    issues: tuple[tuple[PlacedEntry, int], ...]
    swapped: bool


def _zero_based(placed: Sequence[PlacedEntry], arity: int) -> tuple[PlacedEntry, ...]:
    """Shift the expected positions of a slot whose first entry is numbered 0 (``t_0, t_1, ...``)."""
    out = tuple(placed)
    for slot in range(arity):
        if not any(p.positions[slot] == 1 and p.tokens[slot] == 0 for p in out):
            continue
        if any(p.positions[slot] == 1 and p.tokens[slot] == 1 for p in out):
            continue  # both conventions at once: leave it to the checks below
        shifted = []
        for p in out:
            pos = p.positions[slot]
            if isinstance(pos, int):
                pos = pos - 1
            elif isinstance(pos, tuple):
                pos = (pos[0], pos[1] - 1)
            positions = p.positions[:slot] + (pos,) + p.positions[slot + 1:]
            shifted.append(PlacedEntry(p.named, p.tokens, positions, p.axes))
        out = tuple(shifted)
    return out


def place_entries(mine: Sequence[NamedEntry], arity: int, grid: Grid, exp: ExpectedEntry,
                  swapped: bool) -> Placement:
    """The entries named after the display placed in one orientation (``swapped``: token 0 is the
    column), with the slots whose index contradicts the position."""
    placed = _zero_based([p for n in mine if (p := place_entry(n, arity, grid, swapped)) is not None],
                         arity)
    symbols = tuple(_symbols(placed, exp, arity))
    issues = tuple((p, slot) for p in placed for slot in range(arity)
                   if slot_issue(p.positions[slot], p.tokens[slot], symbols[slot])
                   and not _symmetric_twin(p, placed, symbols))
    return Placement(placed, symbols, issues, swapped)


def _symmetric_twin(p: PlacedEntry, placed: Sequence[PlacedEntry], symbols: Sequence[str | None]) -> bool:
    """True for ``\\sigma_{12}`` written at both (1, 2) and (2, 1): a symmetric matrix's
    usual notation, not a misplaced entry."""
    if len(p.tokens) != 2:
        return False
    mirrored = not slot_issue(p.positions[0], p.tokens[1], symbols[1]) and \
        not slot_issue(p.positions[1], p.tokens[0], symbols[0])
    if not mirrored:
        return False
    return any(q is not p and q.tokens == p.tokens and q.named.key == p.named.key
               and q.positions == (p.positions[1], p.positions[0]) for q in placed)


def entry_arity(named: Sequence[NamedEntry], grid: Grid) -> int | None:
    """How many indices each entry carries (1 for vectors, 2 for matrices), or None if unclear."""
    votes: dict[int, int] = {}
    for n in named:
        arity = len(n.subscripts) if len(n.subscripts) > 1 else _natural_arity(n.subscripts[0])
        if arity is not None:
            votes[arity] = votes.get(arity, 0) + 1
    if len(votes) == 1:
        return next(iter(votes))
    if not votes:  # only two-digit subscripts (``b_{12}``): the display's shape decides
        return 1 if grid.single_column or grid.single_row else 2
    return None


def axis_count(grid: Grid, axis: str) -> int | None:
    """Number of rows/columns along ``axis`` when the display writes them all (no dots)."""
    if axis == "row":
        if any(p is None or isinstance(p, tuple) for p in grid.row_pos):
            return None
        return len(grid.row_pos)
    if axis == "column":
        lengths = {len(cols) for cols, rp in zip(grid.col_pos, grid.row_pos) if rp is not None}
        if len(lengths) != 1 or any(p is None or isinstance(p, tuple)
                                    for cols in grid.col_pos for p in cols):
            return None
        return lengths.pop()
    return None
