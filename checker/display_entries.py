"""What a display's entries are called: the entry a display's name expects (``B`` → ``b_{ij}``,
``∂f/∂X`` → ``∂f/∂x_{ij}``), and each entry of the display read as a named entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from ..parsers.expr import Derivative, Differential, Entry, Expr, Mul, Number, Symbol, Transpose
from .claims import Context
from .options import Layout

Form = Literal["plain", "differential", "derivative"]

_GREEK_VARIANTS = {
    "\\varphi": "\\phi", "\\varepsilon": "\\epsilon", "\\vartheta": "\\theta",
    "\\varsigma": "\\sigma", "\\varrho": "\\rho", "\\varpi": "\\pi",
}


@dataclass(frozen=True, slots=True)
class ExpectedEntry:
    """What the entries of one display must be called (from the display's name)."""

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


def expected_entry(name: Expr, ctx: Context, layout: Layout) -> ExpectedEntry | None:
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
        return ExpectedEntry((_letter(plain.name),), "plain", plain.name, (swapped,), dims,
                         _display_name(plain))
    factors = _product_names(name)
    if factors is not None:
        first, last = shapes.get(factors[0].key), shapes.get(factors[-1].key)
        dims = (_matrix_dims(first)[0], _matrix_dims(last)[1])
        letter = "".join(f.name for f in factors)
        return ExpectedEntry(("".join(_letter(f.name) for f in factors),), "plain", letter,
                         (swapped,), dims, _display_name(name))
    if isinstance(name, Differential):
        inner = _plain_name(name.arg)
        if inner is None:
            return None
        dims = _matrix_dims(shapes.get(inner.key))
        return ExpectedEntry((_letter(inner.name),), "differential", inner.name, (swapped,), dims,
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
        return ExpectedEntry((top_key, _letter(wrt.name)), "derivative", wrt.name,
                         (prefer, not prefer), dims, _display_name(name))
    return None


# --- named entries ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NamedEntry:
    """An entry of a display read as a named entry (``b_{12}``, ``dx_{ij}``, ``∂f/∂x_{ij}``) at (row, col)."""

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


def named_entry(node: Expr, exp: ExpectedEntry, row: int, col: int) -> NamedEntry | None:
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
        return NamedEntry(node, (found[0],), "plain", (found[2],), found[1], row, col)
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
        return NamedEntry(node, (found[0],), "differential", (found[2],), found[1], row, col)
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
    return NamedEntry(node, (top_key, wrt_key), "derivative", tuple(subscripts), wrt_letter, row, col)
