"""Expression tree for LaTeX math (no sympy here): node types, `children()` and `walk()`.

Nodes are frozen values. Each node carries ``loc`` — its ``(start, end)`` range inside the
`MathSpan.latex` it was read from — and ``note`` — how it was written (``"mathbf"`` bold
style, ``"^\\top"`` transpose mark, ``"\\operatorname{tr}"`` trace spelling...). Both are
excluded from equality, so ``==`` means the same mathematics.

Semantics the checker relies on:
- `Mul` is an ordered (non-commutative) product: matrix products and scalar factors.
- `Div` is scalar division when the denominator is a scalar, else elementwise division.
- `Power` with an integer exponent of a square matrix is a matrix power; of a scalar, a power.
- `Func` with ``elementwise=None`` is ambiguous (entrywise vs matrix function); the checker
  settles it from the document or tries the plausible readings.
- `Symbol.subscript` is kept raw: ``X_1`` may be a name, ``A_{ij}`` an entry; the checker decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any, Callable, Iterator, Literal

Loc = tuple[int, int]
SymbolKind = Literal["matrix", "vector", "scalar", "unknown"]


@dataclass(frozen=True, slots=True)
class Expr:
    loc: Loc | None = field(default=None, compare=False, kw_only=True, repr=False)
    note: str | None = field(default=None, compare=False, kw_only=True, repr=False)

    def children(self) -> tuple["Expr", ...]:
        """Direct sub-expressions, in source order (the one traversal every operation uses)."""
        names = _CHILD_FIELDS.get(type(self))
        if names is None:
            names = tuple(f.name for f in fields(self) if f.name not in ("loc", "note"))
            _CHILD_FIELDS[type(self)] = names
        out: list[Expr] = []
        for name in names:
            value = getattr(self, name)
            if isinstance(value, Expr):
                out.append(value)
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, Expr):
                        out.append(item)
                    elif isinstance(item, tuple):  # MatrixLiteral rows
                        out.extend(x for x in item if isinstance(x, Expr))
        return tuple(out)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
"""Per node class, the names of the fields that may hold sub-expressions (computed once)."""


def map_children(expr: Expr, fn: Callable[[Expr], Expr], force: bool = False) -> Expr:
    """A copy of ``expr`` with ``fn`` applied to each direct sub-expression (``loc`` and
    ``note`` kept); ``expr`` itself when nothing changed, unless ``force`` asks for a copy.

    The one way to rebuild a tree: substitution, re-tagging and replacement all map children.
    """
    names = _CHILD_FIELDS.get(type(expr))
    if names is None:
        names = tuple(f.name for f in fields(expr) if f.name not in ("loc", "note"))
        _CHILD_FIELDS[type(expr)] = names
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(expr, name)
        if isinstance(value, Expr):
            new = fn(value)
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple) and value and isinstance(value[0], (Expr, tuple)):
            items = tuple(fn(x) if isinstance(x, Expr) else
                          tuple(fn(y) if isinstance(y, Expr) else y for y in x) if isinstance(x, tuple) else x
                          for x in value)
            if any(a is not b for a, b in zip(items, value)):
                changes[name] = items
    if not changes and not force:
        return expr
    return replace(expr, **changes)


def walk(expr: Expr) -> Iterator[Expr]:
    """Pre-order traversal of ``expr`` and all its descendants."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))


# --- leaves -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Symbol(Expr):
    """A named quantity: ``X``, ``\\mathbf{x}``, ``\\alpha``, ``X_1`` (subscript kept raw)."""

    name: str
    """Base name as a canonical string: ``X``, ``x``, ``\\alpha``, ``\\Sigma``."""
    kind: SymbolKind = "unknown"
    """From typography: bold capital → matrix, bold lowercase → vector, else unknown."""
    subscript: str | None = None
    """Raw subscript text without braces (``1``, ``ij``, ``k``), or None."""
    bold: bool = False

    @property
    def key(self) -> str:
        """The identity used for shapes, definitions and instances: ``X`` or ``X_1``."""
        return self.name if self.subscript is None else f"{self.name}_{{{self.subscript}}}"


@dataclass(frozen=True, slots=True)
class Number(Expr):
    value: Fraction


@dataclass(frozen=True, slots=True)
class Identity(Expr):
    """``I``, ``\\mathbf{I}``, ``\\mathbb{I}``, ``I_n``: shape inferred."""


@dataclass(frozen=True, slots=True)
class Ones(Expr):
    """``\\mathbf{1}`` (vector) or ``J`` (matrix) of all ones: shape inferred."""

    kind: Literal["vector", "matrix"] = "vector"


@dataclass(frozen=True, slots=True)
class Zero(Expr):
    """``0``/``\\mathbf{0}`` where a matrix or vector is meant; shape inferred."""


@dataclass(frozen=True, slots=True)
class Query(Expr):
    """``?`` or an empty right-hand side: the author asks for the answer."""


@dataclass(frozen=True, slots=True)
class Dots(Expr):
    """``\\cdots``, ``\\ldots``, ``\\vdots``, ``\\ddots`` (inside displayed matrices and sums)."""

    kind: Literal["cdots", "ldots", "vdots", "ddots"] = "cdots"


# --- algebra ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Add(Expr):
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Mul(Expr):
    """Ordered product; ``-x`` is ``Mul((Number(-1), x))``."""

    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Div(Expr):
    num: Expr
    den: Expr


@dataclass(frozen=True, slots=True)
class Power(Expr):
    base: Expr
    exponent: Expr


@dataclass(frozen=True, slots=True)
class Transpose(Expr):
    arg: Expr


@dataclass(frozen=True, slots=True)
class Inverse(Expr):
    arg: Expr


@dataclass(frozen=True, slots=True)
class Trace(Expr):
    arg: Expr


@dataclass(frozen=True, slots=True)
class Det(Expr):
    arg: Expr


@dataclass(frozen=True, slots=True)
class Abs(Expr):
    """``|x|``: absolute value of a scalar, or a determinant when the argument is a matrix."""

    arg: Expr


@dataclass(frozen=True, slots=True)
class Func(Expr):
    """``\\log``, ``\\ln``, ``\\exp``, ``\\sin``, ``\\cos``, ``\\tanh``, ``\\sqrt``, ``\\sigma``..."""

    name: str
    """Canonical: ``log`` (also for ``\\ln``), ``exp``, ``sin``, ``cos``, ``tanh``, ``sqrt``..."""
    arg: Expr
    elementwise: bool | None = None


@dataclass(frozen=True, slots=True)
class Hadamard(Expr):
    """``\\odot``, ``\\circ`` (and ``\\otimes`` in documents that say it is elementwise)."""

    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Kron(Expr):
    """``\\otimes`` read as the Kronecker product."""

    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Diag(Expr):
    """``\\operatorname{diag}(x)``: vector → diagonal matrix, matrix → vector of its diagonal."""

    arg: Expr


@dataclass(frozen=True, slots=True)
class Norm(Expr):
    """``\\|x\\|_2``, ``\\|X\\|_F``; ``sub`` is ``"2"``, ``"F"``, ``"1"``... or None."""

    arg: Expr
    sub: str | None = None


@dataclass(frozen=True, slots=True)
class Apply(Expr):
    """An application of a name not otherwise understood: ``f(x)``, ``g(X, Y)``."""

    func: Expr
    args: tuple[Expr, ...]


# --- calculus ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Derivative(Expr):
    """``\\frac{\\partial f}{\\partial X}``, ``\\nabla_X f``, ``df/dx``; ``expr`` None for a bare operator."""

    expr: Expr | None
    wrt: Expr
    kind: Literal["partial", "d", "nabla"] = "partial"


@dataclass(frozen=True, slots=True)
class Differential(Expr):
    """``dX``, ``d(XY)``, ``d\\operatorname{tr}(X)``."""

    arg: Expr


# --- index notation and displays --------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Entry(Expr):
    """``[M]_{ij}``, ``(M)_{ij}`` — an entry of a matrix expression (indices are symbols/numbers)."""

    base: Expr
    indices: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Sum(Expr):
    """``\\sum_{i=1}^n body``; ``lower``/``upper`` None when not written."""

    body: Expr
    index: str
    lower: Expr | None = None
    upper: Expr | None = None


@dataclass(frozen=True, slots=True)
class MatrixLiteral(Expr):
    """A displayed matrix (``bmatrix``, ``pmatrix``, ``matrix``, ``array``); ``rows`` of entries."""

    rows: tuple[tuple[Expr, ...], ...]
    env: str = "bmatrix"


# --- statements -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Statement:
    """One line of math: sides joined by relations (``a = b = c``, ``X \\in \\mathbb{R}^{m\\times n}``).

    ``sides[0]`` is None when the line starts with a relation (``= ...`` continuing the
    previous line, or an ``&=`` row of an align); a side is `Query` for ``?``/empty.
    """

    sides: tuple[Expr | None, ...]
    relations: tuple[str, ...]
    """Canonical relation names: ``=``, ``\\approx``, ``\\in``, ``\\to``, ``\\Rightarrow``, ``\\leq``..."""
    side_locs: tuple[Loc | None, ...]
    loc: Loc
    text: str = ""
    """Prose carried inside the math (``\\text{...}``, ``\\quad\\text{where}``), joined."""
    row: int = 0
    """0-based row (``\\\\`` line) of a multi-line environment."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """What the math parser could not read, and where (local offsets into the LaTeX)."""

    message: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class NotationStyle:
    """How a document writes things, so derived answers print in its own notation."""

    bold: str | None = None
    """``mathbf``, ``boldsymbol``, ``bm`` or None (plain letters)."""
    transpose: str = "^T"
    """``^T``, ``^{T}``, ``^\\top``, ``^{\\top}``, ``^{\\mathsf T}``, ``'``..."""
    trace: str = "\\operatorname{tr}"
    """``\\operatorname{tr}``, ``\\mathrm{tr}``, ``\\text{tr}``, ``tr``, ``\\operatorname{Tr}``, ``\\tr``..."""
    brackets: str = "()"
    """``()`` or ``[]`` around trace arguments."""
    inverse_transpose: str = "^{-T}"
