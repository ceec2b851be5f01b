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

import re
from dataclasses import dataclass
from typing import Callable, Literal, Sequence

from ..parsers.expr import (
    Apply, Derivative, Differential, Dots, Entry, Expr, Loc, MatrixLiteral, Mul, Number, Statement,
    Symbol, Transpose,
)
from ..parsers.span import Span
from .claims import Context
from .findings import Edit, Finding, Fix
from .options import Layout
from .rules import ENTRY_INDEX, ENTRY_NAME, Severity
from .verdicts import Reason, Status, Verdict

Locate = Callable[[Loc], Span]
Form = Literal["plain", "differential", "derivative"]

_GREEK_VARIANTS = {
    "\\varphi": "\\phi", "\\varepsilon": "\\epsilon", "\\vartheta": "\\theta",
    "\\varsigma": "\\sigma", "\\varrho": "\\rho", "\\varpi": "\\pi",
}


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


# --- what the display's name expects ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Expected:
    key: tuple[object, ...]
    """Identity an entry must have: ``("b",)``, ``("ab",)``, ``(numerator, "x")``."""
    form: Form
    letter: str
    """The expected entry letter as written in a message (``b``, ``ab``, ``x``)."""
    orientations: tuple[bool, ...]
    """Allowed orientations, preferred first; False: token 0 is the row, True: swapped."""
    dims: tuple[object | None, ...]
    """Declared size of each index slot (``"n"``, ``3``) or None, slot order."""
    matrix: str
    """The display's name for messages (``B``, ``\\partial f/\\partial X``)."""


def _letter(name: str) -> str:
    """Normalised entry letter: case-folded Latin, lower-case Greek, ``\\varphi`` → ``\\phi``."""
    name = _GREEK_VARIANTS.get(name, name)
    if name.startswith("\\") and len(name) > 2 and name[1].isupper():
        return "\\" + name[1].lower() + name[2:]
    return name.lower()


def _plain_name(expr: Expr) -> Symbol | None:
    return expr if isinstance(expr, Symbol) and expr.subscript is None else None


def _product_names(expr: Expr) -> tuple[Symbol, ...] | None:
    """``AB`` (a product of plain names) → its factors, else None."""
    if isinstance(expr, Mul) and len(expr.args) >= 2:
        names = [_plain_name(a) for a in expr.args]
        if all(n is not None for n in names):
            return tuple(n for n in names if n is not None)
    return None


def _vector_length(shape: object) -> object | None:
    if isinstance(shape, tuple) and len(shape) == 2:
        rows: object = shape[0]
        cols: object = shape[1]
        if cols == 1:
            return rows
        if rows == 1:
            return cols
    return None


def _matrix_dims(shape: object) -> tuple[object | None, object | None]:
    if isinstance(shape, tuple) and len(shape) == 2:
        return shape[0], shape[1]
    return None, None


def _display_name(expr: Expr) -> str:
    if isinstance(expr, Symbol):
        return expr.name if expr.subscript is None else f"{expr.name}_{{{expr.subscript}}}"
    if isinstance(expr, Transpose):
        return _display_name(expr.arg) + "^T"
    if isinstance(expr, Mul):
        return "".join(_display_name(a) for a in expr.args)
    if isinstance(expr, Differential):
        return "d" + _display_name(expr.arg)
    if isinstance(expr, Derivative):
        top = _display_name(expr.expr) if expr.expr is not None else ""
        return f"\\partial {top}/\\partial {_display_name(expr.wrt)}"
    return "the matrix"


def _expected(name: Expr, ctx: Context, layout: Layout) -> _Expected | None:
    """What entries of a display of ``name`` are called, or None when we cannot tell."""
    swapped = False
    while isinstance(name, Transpose):
        swapped = not swapped
        name = name.arg
    # only a declaration in the same passage speaks for a display: documents reuse letters
    shapes = {k: v for k, v in ctx.shapes.items() if k in ctx.recent_shapes}
    plain = _plain_name(name)
    if plain is not None:
        dims = _matrix_dims(shapes.get(plain.key))
        return _Expected((_letter(plain.name),), "plain", plain.name, (swapped,), dims,
                         _display_name(plain))
    factors = _product_names(name)
    if factors is not None:
        first, last = shapes.get(factors[0].key), shapes.get(factors[-1].key)
        dims = (_matrix_dims(first)[0], _matrix_dims(last)[1])
        letter = "".join(f.name for f in factors)
        return _Expected(("".join(_letter(f.name) for f in factors),), "plain", letter,
                         (swapped,), dims, _display_name(name))
    if isinstance(name, Differential):
        inner = _plain_name(name.arg)
        if inner is None:
            return None
        dims = _matrix_dims(shapes.get(inner.key))
        return _Expected((_letter(inner.name),), "differential", inner.name, (swapped,), dims,
                         _display_name(name))
    if isinstance(name, Derivative) and not swapped:
        wrt = _plain_name(name.wrt)
        if wrt is None:
            return None
        top = name.expr
        top_key: object = None
        top_len: object | None = None
        top_name = _plain_name(top) if top is not None else None
        if top_name is not None:
            top_key = _letter(top_name.name)
            top_len = _vector_length(shapes.get(top_name.key))
        elif top is not None:
            top_key = top
        wrt_shape = shapes.get(wrt.key)
        wrt_len = _vector_length(wrt_shape)
        if wrt_len is None and top_len is None:
            dims = _matrix_dims(wrt_shape)
        elif wrt_len is not None and top_len is not None:
            dims = (top_len, wrt_len)
        else:
            dims = (wrt_len if wrt_len is not None else top_len, None)
        prefer = layout is Layout.NUMERATOR
        return _Expected((top_key, _letter(wrt.name)), "derivative", wrt.name,
                         (prefer, not prefer), dims, _display_name(name))
    return None


# --- named entries ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Named:
    node: Expr
    key: tuple[object, ...]
    form: Form
    subscripts: tuple[str, ...]
    """Raw index text, one per subscripted part (``("1m",)``; ``("1", "2")`` for ∂y_1/∂x_2)."""
    letter: str
    row: int
    col: int


def _index_text(indices: Sequence[Expr]) -> str | None:
    parts: list[str] = []
    for index in indices:
        if isinstance(index, Number) and index.value.denominator == 1:
            parts.append(str(index.value.numerator))
        elif isinstance(index, Symbol) and index.subscript is None and not index.bold:
            parts.append(index.name)
        else:
            return None
    return ",".join(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _subscripted(expr: Expr) -> tuple[str, str, str] | None:
    """``b_{12}``, ``(B)_{12}``, ``[AB]_{ij}`` → (normalised letter, letter as written, index text)."""
    if isinstance(expr, Symbol) and expr.subscript:
        return _letter(expr.name), expr.name, expr.subscript
    if isinstance(expr, Entry):
        text = _index_text(expr.indices)
        if text is None:
            return None
        base = _plain_name(expr.base)
        if base is not None:
            return _letter(base.name), base.name, text
        factors = _product_names(expr.base)
        if factors is not None:
            return ("".join(_letter(f.name) for f in factors),
                    "".join(f.name for f in factors), text)
    return None


def _named(node: Expr, exp: _Expected, row: int, col: int) -> _Named | None:
    """The entry as a named entry of the kind ``exp`` expects, or None (ignored)."""
    if exp.form == "plain":
        found = _subscripted(node)
        if found is None and len(exp.key[0]) > 1 and isinstance(node, Mul):  # type: ignore[arg-type]
            # ``ab_{ii}``: a product named by concatenation, only the last letter subscripted
            *heads, last = node.args
            named_heads = [_plain_name(h) for h in heads]
            tail = _subscripted(last)
            if tail is not None and all(h is not None for h in named_heads):
                letters = "".join(_letter(h.name) for h in named_heads if h is not None)
                written = "".join(h.name for h in named_heads if h is not None)
                found = letters + tail[0], written + tail[1], tail[2]
        if found is None:
            return None
        return _Named(node, (found[0],), "plain", (found[2],), found[1], row, col)
    if exp.form == "differential":
        inner: Expr | None = None
        if isinstance(node, Differential):
            inner = node.arg
        elif (isinstance(node, Mul) and len(node.args) == 2
              and isinstance(node.args[0], Symbol) and node.args[0].name == "d"
              and node.args[0].subscript is None):
            inner = node.args[1]
        found = _subscripted(inner) if inner is not None else None
        if found is None:
            return None
        return _Named(node, (found[0],), "differential", (found[2],), found[1], row, col)
    if not isinstance(node, Derivative) or node.expr is None:
        return None
    subscripts: list[str] = []
    top_key: object
    top_found = _subscripted(node.expr)
    if top_found is not None:  # ∂y_i/∂x_j, ∂u_{ij}/∂x: the numerator is an entry too
        top_key = top_found[0]
        subscripts.append(top_found[2])
    elif (top_name := _plain_name(node.expr)) is not None:
        top_key = _letter(top_name.name)
    elif node.expr == exp.key[0]:
        top_key = node.expr
    else:
        return None  # a numerator we cannot compare with the display's: not judged
    wrt_found = _subscripted(node.wrt)
    wrt_plain = _plain_name(node.wrt)
    if wrt_found is not None:
        wrt_key, wrt_letter = wrt_found[0], wrt_found[1]
        subscripts.append(wrt_found[2])
    elif wrt_plain is not None:
        wrt_key, wrt_letter = _letter(wrt_plain.name), wrt_plain.name
    else:
        return None
    if not subscripts:
        return None
    return _Named(node, (top_key, wrt_key), "derivative", tuple(subscripts), wrt_letter, row, col)


# --- index tokens and positions -----------------------------------------------------------

Token = tuple[str, int] | int
"""An index value: an int, or ``(size symbol, offset)`` such as ``("n", -1)`` for ``n-1``."""
Position = tuple[str, int] | int | None
"""Where an entry sits along one axis: an int, ``("end", -k)`` (k before the last), or unknown."""

_TOKEN = re.compile(r"^(?:(\d+)|([A-Za-z]|\\[A-Za-z]+)(?:([+-])(\d+))?)$")


def _token(text: str) -> Token | None:
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
        return (text,) if _token(text) is not None else None
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
class _Grid:
    row_pos: tuple[Position, ...]
    col_pos: tuple[tuple[Position, ...], ...]
    single_column: bool
    single_row: bool


def _grid(literal: MatrixLiteral) -> _Grid:
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
    return _Grid(tuple(row_pos), col_pos, single_column, single_row)


# --- the check ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Placed:
    """A named entry with its index tokens and the positions of its slots."""

    named: _Named
    tokens: tuple[Token | None, ...]
    positions: tuple[Position, ...]
    axes: tuple[str, ...]
    """The display axis of each slot: ``"row"``, ``"column"`` or ``""`` (unplaceable)."""


def _slot_axes(grid: _Grid, arity: int, swapped: bool) -> tuple[str, ...]:
    if arity == 1:
        return ("row",) if grid.single_column else ("column",) if grid.single_row else ("",)
    return ("column", "row") if swapped else ("row", "column")


def _place(named: _Named, arity: int, grid: _Grid, swapped: bool) -> _Placed | None:
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
    return _Placed(named, tuple(_token(t) for t in texts), tuple(where[a] for a in axes), axes)


def _same_symbol(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _vote(placed: Sequence[_Placed], slot: int) -> str | None:
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


def _slot_issue(pos: Position, tok: Token | None, symbol: str | None) -> bool:
    """True when token ``tok`` cannot sit at ``pos`` (unknowns are never issues)."""
    if pos is None or tok is None:
        return False
    if isinstance(pos, int):
        return isinstance(tok, int) and tok != pos
    if isinstance(tok, int) or symbol is None:
        return False
    return not _same_symbol(tok[0], symbol) or tok[1] != pos[1]


def _symbols(placed: Sequence[_Placed], exp: _Expected, arity: int) -> list[str | None]:
    """Size symbol of each slot: the display's own (by vote), else the declared one."""
    out: list[str | None] = []
    for slot in range(arity):
        voted = _vote(placed, slot)
        declared = exp.dims[slot] if slot < len(exp.dims) else None
        if voted is None and isinstance(declared, str) and isinstance(_token(declared), tuple):
            voted = declared
        out.append(voted)
    return out


@dataclass(frozen=True, slots=True)
class _Reading:
    """The named entries placed in one orientation, with what is wrong in it."""

    placed: tuple[_Placed, ...]
    symbols: tuple[str | None, ...]
    issues: tuple[tuple[_Placed, int], ...]
    swapped: bool


def _zero_based(placed: Sequence[_Placed], arity: int) -> tuple[_Placed, ...]:
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
            shifted.append(_Placed(p.named, p.tokens, positions, p.axes))
        out = tuple(shifted)
    return out


def _read(mine: Sequence[_Named], arity: int, grid: _Grid, exp: _Expected,
          swapped: bool) -> _Reading:
    placed = _zero_based([p for n in mine if (p := _place(n, arity, grid, swapped)) is not None],
                         arity)
    symbols = tuple(_symbols(placed, exp, arity))
    issues = tuple((p, slot) for p in placed for slot in range(arity)
                   if _slot_issue(p.positions[slot], p.tokens[slot], symbols[slot])
                   and not _symmetric_twin(p, placed, symbols))
    return _Reading(placed, symbols, issues, swapped)


def _symmetric_twin(p: _Placed, placed: Sequence[_Placed], symbols: Sequence[str | None]) -> bool:
    """True for ``\\sigma_{12}`` written at both (1, 2) and (2, 1): a symmetric matrix's
    usual notation, not a misplaced entry."""
    if len(p.tokens) != 2:
        return False
    mirrored = not _slot_issue(p.positions[0], p.tokens[1], symbols[1]) and \
        not _slot_issue(p.positions[1], p.tokens[0], symbols[0])
    if not mirrored:
        return False
    return any(q is not p and q.tokens == p.tokens and q.named.key == p.named.key
               and q.positions == (p.positions[1], p.positions[0]) for q in placed)


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
    exp = _expected(matrix_name, ctx, layout) if matrix_name is not None else None
    if exp is None:
        return DisplayResult((), True, 0)
    named = [n for r, row in enumerate(literal.rows) for c, node in enumerate(row)
             if (n := _named(node, exp, r, c)) is not None]
    mine = [n for n in named if _key_matches(n.key, exp.key)]
    foreign = [n for n in named if not _key_matches(n.key, exp.key)]
    if not mine:
        # the whole display uses other names (blocks, columns u_i, v_i): nothing to judge
        return DisplayResult((), True, 0)
    grid = _grid(literal)
    arity = _arity(named, grid)
    reading: _Reading | None = None
    if arity is not None:
        for swapped in exp.orientations:
            candidate = _read(mine, arity, grid, exp, swapped)
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


def _arity(named: Sequence[_Named], grid: _Grid) -> int | None:
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


def _entry_text(n: _Named) -> str:
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


def _name_findings(foreign: Sequence[_Named], mine: int, exp: _Expected, grid: _Grid,
                   arity: int | None, reading: _Reading | None, locate: Locate) -> list[Finding]:
    groups: dict[tuple[object, ...], list[_Named]] = {}
    for n in foreign:
        groups.setdefault(n.key, []).append(n)
    out: list[Finding] = []
    for group in groups.values():
        if len(group) > mine and not all(_fits(n, arity, grid, reading) for n in group):
            continue  # mostly another name, not in a grid pattern: a block matrix, not a slip
        out.extend(_name_finding(n, exp, locate) for n in group)
    return out


def _fits(n: _Named, arity: int | None, grid: _Grid, reading: _Reading | None) -> bool:
    """True when ``n``'s indices are exactly its position (an entry of this matrix, misnamed)."""
    if arity is None or reading is None:
        return False
    placed = _place(n, arity, grid, reading.swapped)
    if placed is None:
        return False
    judged = [s for s in range(arity)
              if placed.positions[s] is not None and placed.tokens[s] is not None]
    return bool(judged) and not any(
        _slot_issue(placed.positions[s], placed.tokens[s], reading.symbols[s]) for s in judged)


def _name_finding(n: _Named, exp: _Expected, locate: Locate) -> Finding:
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


def _index_finding(p: _Placed, slot: int, reading: _Reading, exp: _Expected,
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


def _axis_count(grid: _Grid, axis: str) -> int | None:
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


def _shape_findings(reading: _Reading, exp: _Expected, grid: _Grid, arity: int,
                    locate: Locate) -> list[Finding]:
    """One warning when the display's last indices contradict the declared shape."""
    placed = reading.placed
    if not placed:
        return []
    bad = False
    want: list[str | None] = []
    for slot in range(arity):
        declared = exp.dims[slot] if slot < len(exp.dims) else None
        voted = _vote(placed, slot)
        want.append(None if declared is None else str(declared))
        if isinstance(declared, str) and voted is not None:
            bad = bad or (isinstance(_token(declared), tuple) and not _same_symbol(voted, declared))
        elif isinstance(declared, int) and not isinstance(declared, bool):
            count = _axis_count(grid, placed[0].axes[slot])
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
