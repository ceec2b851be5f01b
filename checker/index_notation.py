"""Index notation: Σ-sums and entries — free indices, scopes, and equalities checked numerically.

A side such as ``\\sum_p C_{pq} D_{rp}`` is read into a small private tree (`_Node`) whose
bound indices are renamed apart, so an inner sum that re-binds an index used outside it
(``\\sum_s\\sum_t C_{ps}Y_{st}D_{tr}`` inside a sum that also has ``C_{ps}`` free) is
scoped like a local variable. Each side then evaluates to a labelled array (one axis per
free index) at random instances, einsum-style; the two sides are compared for every value
of the free indices. Derivatives with respect to one entry (``\\partial g/\\partial Y_{qr}``)
are complex-step derivatives on that entry; a matrix-form side (``[\\mathbf{DC}]_{rq}``,
``\\operatorname{tr}(AB)``) goes to `checker.evaluate`.

Readings are tried where they differ: explicit sums only, and Einstein's convention (an
index repeated in a product is summed, as in ``X_{ij} A_{ji}``), times the oracle's readings
of the matrix forms (``\\|M\\|_2`` spectral or Frobenius...). A claim is `wrong` only when
every applicable reading fails; anything we cannot read raises `oracle.Unsupported` —
never a guess (different symbols on the two sides, a partial range ``\\sum_{i=2}^n``, a
family ``\\mathbf{x}_i``, a primed ``A'_{ij}``...).

Entries: ``A_{ij}``, ``a_{ij}`` for a matrix ``A`` the claim or document uses, ``x_j`` for a
vector ``x``, ``(M)_{ij}``/``[M]_{ij}`` of a matrix expression, ``X^T_{jk}`` (an entry of
``X^T``), ``\\delta_{ij}`` (Kronecker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from ..parsers.expr import (
    Abs, Add, Apply, Derivative, Div, Dots, Entry, Expr, Func, Identity, MatrixLiteral, Mul, Number,
    Ones, Power, Query, Sum, Symbol, Transpose, Zero, walk,
)
from ..parsers.span import Span
from .claims import Context
from .findings import Finding
from .options import Layout
from .rules import INDEX_MISMATCH, INDEX_SCOPE
from .verdicts import Reason

if TYPE_CHECKING:
    import numpy as np

Label = str
Slot = Label | int
"""An index position: a label (free or bound index) or a fixed 0-based position."""

_STEP = 1e-20
_RTOL = 1e-7
_MAX_ENTRIES = 200_000
"""Largest labelled array evaluated (entries); beyond it a claim is `unsupported`."""


class IndexUnsupported(Exception):
    """This index claim cannot be decided (converted to `oracle.Unsupported` at the boundary)."""

    def __init__(self, detail: str, reason: Reason = Reason.NOT_SUPPORTED) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = reason


@dataclass(frozen=True, slots=True)
class IndexCheck:
    """Outcome of `check_index_equality` (undecidable claims raise instead)."""

    ok: bool
    detail: str = ""
    reading: str | None = None
    """``"einstein"`` when only the summation convention verified it, ``"numerator layout"``..."""


# --- the private tree ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Sym:
    key: str


@dataclass(frozen=True, slots=True)
class _Form:
    expr: Expr


@dataclass(frozen=True, slots=True)
class _Grad:
    """∂num/∂X as a matrix (num has no free index), in the layout of the claim."""

    num: "_Node"
    key: str


_Source = _Sym | _Form | _Grad


@dataclass(frozen=True, slots=True)
class _Const:
    value: complex


@dataclass(frozen=True, slots=True)
class _Ref:
    source: _Source
    slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class _Delta:
    slots: tuple[Slot, Slot]


@dataclass(frozen=True, slots=True)
class _Scalar:
    expr: Expr


@dataclass(frozen=True, slots=True)
class _Add:
    terms: tuple["_Node", ...]


@dataclass(frozen=True, slots=True)
class _Mul:
    factors: tuple["_Node", ...]


@dataclass(frozen=True, slots=True)
class _Div:
    num: "_Node"
    den: "_Node"


@dataclass(frozen=True, slots=True)
class _Pow:
    base: "_Node"
    exponent: "_Node"


@dataclass(frozen=True, slots=True)
class _Fn:
    name: str
    arg: "_Node"


@dataclass(frozen=True, slots=True)
class _Sum:
    label: Label
    body: "_Node"


@dataclass(frozen=True, slots=True)
class _Deriv:
    num: "_Node"
    wrt: _Ref


@dataclass(frozen=True, slots=True)
class _Whole:
    """A side that is a whole matrix (``A^T``, ``\\partial f/\\partial X``), not an entry."""

    source: _Source


_Node = _Const | _Ref | _Delta | _Scalar | _Add | _Mul | _Div | _Pow | _Fn | _Sum | _Deriv
_Side = _Node | _Whole


def _free(node: _Node) -> frozenset[Label]:
    if isinstance(node, (_Ref, _Delta)):
        return frozenset(s for s in node.slots if isinstance(s, str))
    if isinstance(node, _Sum):
        return _free(node.body) - {node.label}
    if isinstance(node, _Deriv):
        return _free(node.num) | _free(node.wrt)
    if isinstance(node, (_Add, _Mul)):
        parts = node.terms if isinstance(node, _Add) else node.factors
        return frozenset().union(*(_free(p) for p in parts))
    if isinstance(node, _Div):
        return _free(node.num) | _free(node.den)
    if isinstance(node, _Pow):
        return _free(node.base) | _free(node.exponent)
    if isinstance(node, _Fn):
        return _free(node.arg)
    return frozenset()


def _labels(node: _Node) -> list[Label]:
    """Free labels with multiplicity (for Einstein's convention)."""
    if isinstance(node, (_Ref, _Delta)):
        return [s for s in node.slots if isinstance(s, str)]
    return sorted(_free(node))


def _einstein(node: _Node) -> _Node:
    """Sum every index repeated within one product (or one entry, ``X_{ii}``)."""
    if isinstance(node, _Ref):
        return _wrap_repeated(node, _labels(node))
    if isinstance(node, _Mul):
        factors = tuple(_einstein(f) for f in node.factors)
        counts = [label for f in factors for label in _labels(f)]
        return _wrap_repeated(_Mul(factors), counts)
    if isinstance(node, _Add):
        return _Add(tuple(_einstein(t) for t in node.terms))
    if isinstance(node, _Div):
        return _Div(_einstein(node.num), _einstein(node.den))
    if isinstance(node, _Pow):
        return _Pow(_einstein(node.base), node.exponent)
    if isinstance(node, _Fn):
        return _Fn(node.name, _einstein(node.arg))
    if isinstance(node, _Sum):
        return _Sum(node.label, _einstein(node.body))
    if isinstance(node, _Deriv):
        return _Deriv(_einstein(node.num), node.wrt)
    return node


def _wrap_repeated(node: _Node, labels: list[Label]) -> _Node:
    """Sum the free labels repeated in ``labels`` (labels bound by a written sum are left alone)."""
    repeated = sorted({label for label in labels if labels.count(label) > 1 and "#" not in label})
    for label in repeated:
        node = _Sum(label, node)
    return node


# --- reading Expr into the private tree ---------------------------------------------------

_INDEX_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9]")
_FUNCS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "sigma"}


def _split_indices(text: str) -> tuple[str, ...] | None:
    """``"ij"`` → ``("i", "j")``, ``"1,m"`` → ``("1", "m")``; None when not plain indices."""
    text = re.sub(r"\s|[{}]|\\[,;!: ]|~", "", text)
    if not text:
        return None
    parts = text.split(",") if "," in text else _INDEX_TOKEN.findall(text)
    if "".join(parts) != text.replace(",", "") or not all(_INDEX_TOKEN.fullmatch(p) for p in parts):
        return None
    return tuple(parts)


def _index_names(index: str) -> tuple[str, ...] | None:
    """Names a sum binds: ``"p"``, ``"kl"``, ``"k,l"`` (``\\sum_{kl}``)."""
    names = _split_indices(index)
    if names is None or any(n.isdigit() for n in names) or len(names) > 4:
        return None
    return names


def _symbols(expr: Expr) -> Iterator[Symbol]:
    for node in walk(expr):
        if isinstance(node, Symbol):
            yield node


@dataclass
class _UnionFind:
    parent: dict[object, object] = field(default_factory=dict)

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb

    def classes(self) -> dict[object, list[object]]:
        out: dict[object, list[object]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return out


@dataclass(frozen=True, slots=True)
class _Binding:
    """A sum's bound name, and whether an enclosing sum already binds it (shadowing)."""

    name: str
    node: Sum
    shadows: bool


@dataclass
class _Reader:
    """Reads the sides of one claim into `_Node`s; collects size constraints and bindings."""

    ctx: Context
    arrays: frozenset[str]
    """Keys the claim or document uses as whole matrices/vectors (``A`` makes ``a_{ij}`` an entry)."""
    layout: Layout = Layout.DENOMINATOR
    sizes: _UnionFind = field(default_factory=_UnionFind)
    arity: dict[str, int] = field(default_factory=dict)
    """Key → how many indices its entries carry (1 vector, 2 matrix)."""
    least: dict[object, int] = field(default_factory=dict)
    """Size-class member → smallest size its fixed indices need (``A_{13}`` needs 3 columns)."""
    forms: list[Expr] = field(default_factory=list)
    """Matrix-form sub-expressions, evaluated by `checker.evaluate`."""
    form_slots: list[tuple[_Form | _Grad, tuple[Slot, ...]]] = field(default_factory=list)
    """Entries ``[M]_{ij}`` of matrix forms and gradients, as finally read (see `tie`)."""
    bindings: list[_Binding] = field(default_factory=list)
    free_names: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)
    """Keys of symbols read on the current side (entries and matrix forms)."""
    variables: set[str] = field(default_factory=set)
    """Keys differentiated by (their symbols may appear on one side only)."""
    analytic: bool = True
    positive: set[str] = field(default_factory=set)
    counter: int = 0

    # .. indices and entries ..

    def fresh(self, name: str) -> Label:
        self.counter += 1
        return f"{name}#{self.counter}"

    def slot(self, token: str, scope: Mapping[str, Label]) -> Slot:
        if token.isdigit():
            return int(token) - 1
        if token not in scope:
            self.free_names.add(token)
        return scope.get(token, token)

    def base_key(self, sym: Symbol) -> str:
        """The matrix an entry belongs to: ``a_{ij}`` → ``A`` when the claim uses ``A``."""
        name = sym.name
        candidates = [name]
        if len(name) == 1 and name.islower():
            candidates.append(name.upper())
        elif name.startswith("\\") and len(name) > 2 and name[1].islower():
            candidates.append("\\" + name[1].upper() + name[2:])
        tokens = _split_indices(sym.subscript) if sym.subscript else None
        for key in candidates:
            if key in self.arrays and not (tokens and self.misfits(key, len(tokens))):
                return key
        return name

    def misfits(self, key: str, count: int) -> bool:
        """True when ``key`` is declared with a shape that ``count`` indices cannot address
        (``x_{ij}`` where ``x`` is a vector: the entry belongs to ``X``)."""
        shape = self.ctx.shapes.get(key)
        if not (isinstance(shape, tuple) and len(shape) == 2):
            return False
        vector = 1 in shape
        return (count == 2 and vector) or (count == 1 and not vector)

    def entry_of_symbol(self, sym: Symbol, scope: Mapping[str, Label]) -> _Node | None:
        """``A_{ij}``, ``a_{ij}``, ``x_j``, ``\\delta_{ij}`` → a node; None when ``sym`` is a name."""
        if sym.subscript is None:
            return None
        tokens = _split_indices(sym.subscript)
        if tokens is None:
            if any(t in scope for t in _INDEX_TOKEN.findall(sym.subscript)):
                raise IndexUnsupported(f"cannot read the subscript of {sym.key}")
            return None
        letters = any(not t.isdigit() for t in tokens)
        if sym.name == "\\delta" and "\\delta" not in self.arrays and len(tokens) == 2:
            return self.delta(tokens, scope)
        if sym.bold and not (sym.name[:1].isupper() and len(tokens) == 2):
            if letters:
                raise IndexUnsupported(f"{sym.key} reads as a member of a family, not an entry")
            return None
        key = self.base_key(sym)
        if not letters and key not in self.arrays:
            return None  # ``W_1``, ``\\lambda_2``: a name, not an entry
        if len(tokens) > 2:
            raise IndexUnsupported(f"{sym.key} has more than two indices")
        if key == "I" and "I" not in self.arrays and len(tokens) == 2:
            return self.delta(tokens, scope)
        slots = tuple(self.slot(t, scope) for t in tokens)
        definition = self.ctx.definitions.get(key)
        if definition is not None and key not in self.variables and not self.has_index(definition) \
                and not isinstance(definition, MatrixLiteral) and len(slots) == 2:
            return self.form_entry(definition, slots)
        self.note_entry(key, slots)
        return _Ref(_Sym(key), slots)

    def delta(self, tokens: Sequence[str], scope: Mapping[str, Label]) -> _Delta:
        a, b = (self.slot(t, scope) for t in tokens)
        if isinstance(a, str) and isinstance(b, str):
            self.sizes.union(("label", a), ("label", b))
        for s, other in ((a, b), (b, a)):
            if isinstance(s, int) and isinstance(other, str):
                self.need(("label", other), s + 1)
        return _Delta((a, b))

    def need(self, member: object, size: int) -> None:
        self.sizes.find(member)
        self.least[member] = max(self.least.get(member, 1), size)

    def note_entry(self, key: str, slots: tuple[Slot, ...]) -> None:
        known = self.arity.setdefault(key, len(slots))
        if known != len(slots):
            raise IndexUnsupported(f"{key} is used with {known} and with {len(slots)} indices")
        self.touched.add(key)
        shape = self.ctx.shapes.get(key)
        dims: tuple[object, ...] = ()
        if isinstance(shape, tuple) and len(shape) == 2:
            if shape == (1, 1):
                raise IndexUnsupported(f"{key} is a scalar but has indices")
            if len(slots) == 1:
                if 1 not in shape:
                    raise IndexUnsupported(f"{key} is a matrix but has one index")
                dims = (shape[0] if shape[1] == 1 else shape[1],)
            else:
                if 1 in shape and len(slots) == 2 and shape[1] == 1:
                    raise IndexUnsupported(f"{key} is a vector but has two indices")
                dims = shape
        for axis in range(len(slots)):
            member = ("axis", key, axis)
            self.sizes.find(member)
            if axis < len(dims):
                self.sizes.union(member, _dim_member(dims[axis]))

    def tie(self, node: object) -> None:
        """Tie each entry's indices to its matrix's axes, as finally read (after transposes:
        ``X^T_{jk}`` is ``X_{kj}``, so ``k`` runs over the rows of ``X``)."""
        if isinstance(node, _Ref):
            if isinstance(node.source, _Sym):
                for axis, s in enumerate(node.slots):
                    member = ("axis", node.source.key, axis)
                    if isinstance(s, str):
                        self.sizes.union(("label", s), member)
                    else:
                        self.need(member, s + 1)
            else:
                self.form_slots.append((node.source, node.slots))
                for s in node.slots:
                    if isinstance(s, str):
                        self.sizes.find(("label", s))
        for child in _children(node):
            self.tie(child)

    def form_entry(self, base: Expr, slots: tuple[Slot, ...]) -> _Ref:
        for node in walk(base):
            if isinstance(node, Symbol):
                self.touched.add(node.key)
        self.forms.append(base)
        return _Ref(_Form(base), slots)

    def entry(self, node: Entry, scope: Mapping[str, Label]) -> _Node:
        tokens: list[str] = []
        for index in node.indices:
            if isinstance(index, Number) and index.value.denominator == 1 and index.value > 0:
                tokens.append(str(index.value.numerator))
            elif isinstance(index, Symbol) and index.subscript is None:
                split = _split_indices(index.name) if not index.name.startswith("\\") \
                    else (index.name,)
                if split is None:
                    raise IndexUnsupported("cannot read an entry's indices")
                tokens.extend(split)
            else:
                raise IndexUnsupported("cannot read an entry's indices")
        if len(tokens) == 1 and len(tokens[0]) == 2 and tokens[0].isdigit():
            tokens = [tokens[0][0], tokens[0][1]]
        if not 1 <= len(tokens) <= 2:
            raise IndexUnsupported("an entry needs one or two indices")
        base = node.base
        if isinstance(base, Identity) and len(tokens) == 2:
            return self.delta(tokens, scope)
        if isinstance(base, Ones):
            for t in tokens:
                self.slot(t, scope)
            return _Const(1)
        slots = tuple(self.slot(t, scope) for t in tokens)
        if isinstance(base, Symbol) and base.subscript is None:
            definition = self.ctx.definitions.get(base.key)
            if definition is not None and base.key not in self.variables \
                    and not self.has_index(definition) and not isinstance(definition, MatrixLiteral):
                return self.form_entry(definition, slots)
            self.note_entry(base.key, slots)
            return _Ref(_Sym(base.key), slots)
        if isinstance(base, Transpose) and isinstance(base.arg, Symbol) \
                and base.arg.subscript is None and len(slots) == 2:
            self.no_prime(base)
            swapped = (slots[1], slots[0])
            self.note_entry(base.arg.key, swapped)
            return _Ref(_Sym(base.arg.key), swapped)
        if isinstance(base, Derivative) and base.expr is not None and _plain(base.wrt):
            grad = self.gradient(base.expr, base.wrt, scope)  # type: ignore[arg-type]
            return _Ref(grad, slots)
        if self.has_index(base):
            raise IndexUnsupported("an entry of an expression that itself has indices")
        return self.form_entry(base, slots)

    def gradient(self, expr: Expr, wrt: Symbol, scope: Mapping[str, Label]) -> _Grad:
        self.variables.add(wrt.key)
        num = self.read(expr, scope)
        if _free(num):
            raise IndexUnsupported("the derivative by a matrix of an expression with free indices")
        self.forms.append(wrt)
        return _Grad(num, wrt.key)

    # .. the walk ..

    def has_index(self, expr: Expr) -> bool:
        for node in walk(expr):
            if isinstance(node, (Sum, Entry)):
                return True
            if isinstance(node, Symbol) and node.subscript is not None:
                tokens = _split_indices(node.subscript)
                if tokens and (any(not t.isdigit() for t in tokens) or node.name == "\\delta"
                               or self.base_key(node) in self.arrays):
                    return True
        return False

    def side(self, expr: Expr) -> _Side:
        """Read one side of a claim: an index expression, or a whole matrix."""
        if isinstance(expr, Derivative) and expr.expr is not None and _plain(expr.wrt):
            return _Whole(self.gradient(expr.expr, expr.wrt, {}))  # type: ignore[arg-type]
        if not self.has_index(expr):
            for node in walk(expr):
                if isinstance(node, Symbol):
                    self.touched.add(node.key)
            self.forms.append(expr)
            return _Whole(_Form(expr))
        return self.read(expr, {})

    def read(self, expr: Expr, scope: Mapping[str, Label]) -> _Node:
        """Read an index-level expression (a scalar for each value of its free indices)."""
        if not self.has_index(expr):
            if isinstance(expr, Number):
                return _Const(complex(expr.value))
            if isinstance(expr, Zero):
                return _Const(0)
            if isinstance(expr, (Derivative, Dots, Query, Apply, MatrixLiteral)):
                raise IndexUnsupported(f"{type(expr).__name__} inside index notation")
            for node in walk(expr):
                if isinstance(node, Symbol):
                    self.touched.add(node.key)
            self.forms.append(expr)
            return _Scalar(expr)
        if isinstance(expr, Symbol):
            found = self.entry_of_symbol(expr, scope)
            if found is None:
                self.touched.add(expr.key)
                self.forms.append(expr)
                return _Scalar(expr)
            return found
        if isinstance(expr, Entry):
            return self.entry(expr, scope)
        if isinstance(expr, Sum):
            return self.summation(expr, scope)
        if isinstance(expr, Add):
            return _Add(tuple(self.read(t, scope) for t in expr.args))
        if isinstance(expr, Mul):
            return self.product(expr.args, scope)
        if isinstance(expr, Div):
            num, den = self.read(expr.num, scope), self.read(expr.den, scope)
            return _Div(num, den)
        if isinstance(expr, Power):
            base = self.read(expr.base, scope)
            if not (isinstance(expr.exponent, Number) and expr.exponent.value.denominator == 1):
                self.mark_positive(expr.base)
            return _Pow(base, self.read(expr.exponent, scope))
        if isinstance(expr, Func) and expr.name in _FUNCS:
            if expr.name in ("log", "ln", "sqrt"):
                self.mark_positive(expr.arg)
            return _Fn(expr.name, self.read(expr.arg, scope))
        if isinstance(expr, Abs):
            self.analytic = False
            return _Fn("abs", self.read(expr.arg, scope))
        if isinstance(expr, Transpose):
            self.no_prime(expr)
            inner = self.read(expr.arg, scope)
            if isinstance(inner, _Ref) and len(inner.slots) == 2:
                return _Ref(inner.source, (inner.slots[1], inner.slots[0]))  # X^T_{jk} = X_{kj}
            if not _free(inner):
                return inner
            raise IndexUnsupported("the transpose of an index expression")
        if isinstance(expr, Derivative):
            return self.derivative(expr, expr.expr, scope)
        raise IndexUnsupported(f"{type(expr).__name__} in index notation")

    @staticmethod
    def no_prime(node: Transpose) -> None:
        """``A'_{ij}`` names another matrix as often as a transpose (a cofactor, a derivative)."""
        if node.note is not None and ("'" in node.note or "prime" in node.note):
            raise IndexUnsupported("a primed matrix in index notation may not be a transpose")

    def mark_positive(self, expr: Expr) -> None:
        for node in walk(expr):
            if isinstance(node, Symbol):
                self.positive.add(self.base_key(node) if node.subscript else node.key)

    def product(self, args: Sequence[Expr], scope: Mapping[str, Label]) -> _Node:
        factors: list[_Node] = []
        group: list[Expr] = []

        def flush() -> None:
            if group:
                factors.append(self.read(group[0] if len(group) == 1 else Mul(tuple(group)), scope))
                group.clear()

        for i, arg in enumerate(args):
            if isinstance(arg, Derivative) and arg.expr is None:
                flush()  # ``\frac{\partial}{\partial X_{ij}} \sum ...``: acts on the rest
                rest = args[i + 1:]
                operand = rest[0] if len(rest) == 1 else (Mul(tuple(rest)) if rest else None)
                factors.append(self.derivative(arg, operand, scope))
                break
            if self.has_index(arg):
                flush()
                factors.append(self.read(arg, scope))
            else:
                group.append(arg)
        flush()
        return factors[0] if len(factors) == 1 else _Mul(tuple(factors))

    def derivative(self, node: Derivative, operand: Expr | None, scope: Mapping[str, Label]) -> _Node:
        if operand is None:
            raise IndexUnsupported("a derivative operator with nothing to act on")
        wrt = self.read_wrt(node.wrt, scope)
        if wrt is None:
            raise IndexUnsupported("a derivative by a whole matrix inside index notation")
        return _Deriv(self.read(operand, scope), wrt)

    def read_wrt(self, wrt: Expr, scope: Mapping[str, Label]) -> _Ref | None:
        if isinstance(wrt, Transpose):
            inner = self.read_wrt(wrt.arg, scope)
            if inner is None or len(inner.slots) != 2:
                return None
            return _Ref(inner.source, (inner.slots[1], inner.slots[0]))
        found: _Node | None
        if isinstance(wrt, Symbol) and wrt.subscript is not None:
            key = self.base_key(wrt)
            self.variables.add(key)
            found = self.entry_of_symbol(wrt, scope)
        elif isinstance(wrt, Entry) and isinstance(wrt.base, Symbol):
            self.variables.add(wrt.base.key)
            found = self.entry(wrt, scope)
        else:
            return None
        if not isinstance(found, _Ref) or not isinstance(found.source, _Sym):
            raise IndexUnsupported("a derivative with respect to something other than an entry")
        self.variables.add(found.source.key)
        return found

    def summation(self, node: Sum, scope: Mapping[str, Label]) -> _Node:
        names = _index_names(node.index)
        if names is None:
            raise IndexUnsupported(f"cannot read the sum index {node.index!r}")
        limit = self.limit(node)
        inner = dict(scope)
        labels: list[Label] = []
        for name in names:
            self.bindings.append(_Binding(name, node, name in scope))
            label = self.fresh(name)
            inner[name] = label
            labels.append(label)
            self.sizes.find(("label", label))
            if limit is not None:
                self.sizes.union(("label", label), limit)
        body = self.read(node.body, inner)
        for label in reversed(labels):
            body = _Sum(label, body)
        return body

    def limit(self, node: Sum) -> object | None:
        """The size class a sum's range names (``n`` in ``\\sum_{i=1}^n``), or None if not written."""
        lower, upper = node.lower, node.upper
        one_based = lower is None or (isinstance(lower, Number) and lower.value == 1)
        zero_based = isinstance(lower, Number) and lower.value == 0
        if not (one_based or zero_based):
            raise IndexUnsupported("a sum over part of a range")
        if upper is None:
            if zero_based:
                raise IndexUnsupported("a sum from 0 with no upper limit")
            return None
        if zero_based:  # \sum_{i=0}^{n-1}
            if isinstance(upper, Add) and len(upper.args) == 2 \
                    and isinstance(first := upper.args[0], Symbol) and first.subscript is None \
                    and isinstance(upper.args[1], Number) and upper.args[1].value == -1:
                return ("size", first.name)
            raise IndexUnsupported("a sum over part of a range")
        if isinstance(upper, Symbol) and upper.subscript is None:
            return ("size", upper.name)
        if isinstance(upper, Number) and upper.value.denominator == 1 and upper.value > 0:
            return ("int", int(upper.value))
        raise IndexUnsupported("a sum over part of a range")


def _dim_member(dim: object) -> object:
    if isinstance(dim, int) and not isinstance(dim, bool):
        return ("int", dim)
    return ("size", str(dim))


def _plain(expr: Expr | None) -> bool:
    return isinstance(expr, Symbol) and expr.subscript is None


def _arrays(exprs: Sequence[Expr], ctx: Context) -> frozenset[str]:
    """Keys used as whole matrices or vectors: declared non-scalar, bold, or a bare capital."""
    out: set[str] = set()
    for key, shape in ctx.shapes.items():
        if shape != (1, 1):
            out.add(key)
    for e in exprs:
        for node in walk(e):
            if isinstance(node, Symbol) and node.subscript is None:
                bare = node.name.lstrip("\\")
                if node.bold or node.kind in ("matrix", "vector") or (bare[:1].isupper()
                                                                      and node.name != "\\delta"):
                    out.add(node.key)
    return frozenset(out)


# --- sizes and instances ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Claim:
    """Both sides read, with the reader that knows their sizes and scopes."""

    reader: _Reader
    lhs: _Side
    rhs: _Side
    lhs_keys: frozenset[str]
    rhs_keys: frozenset[str]
    lhs_bindings: int
    """How many of ``reader.bindings`` belong to the left-hand side."""


def _read_claim(lhs: Expr, rhs: Expr, ctx: Context, layout: Layout) -> _Claim:
    first = _read_once(lhs, rhs, ctx, layout)
    kinds = {key: "vector" if n == 1 else "matrix" for key, n in first.reader.arity.items()}
    if not kinds:
        return first
    # read again with the entries' matrices typed, so shape inference sees matrices (not scalars)
    return _read_once(_retag(lhs, kinds), _retag(rhs, kinds), ctx, layout)


def _retag(expr: Expr, kinds: Mapping[str, str]) -> Expr:
    """``expr`` with plain symbols of ``kinds`` given that kind (a copy only where it changes)."""
    import dataclasses

    from ..parsers.expr import map_children

    if isinstance(expr, Symbol):
        kind = kinds.get(expr.key) if expr.subscript is None else None
        return dataclasses.replace(expr, kind=kind) if kind and expr.kind != kind else expr  # type: ignore[arg-type]
    return map_children(expr, lambda child: _retag(child, kinds))


def _read_once(lhs: Expr, rhs: Expr, ctx: Context, layout: Layout) -> _Claim:
    reader = _Reader(ctx, _arrays((lhs, rhs), ctx), layout)
    left = reader.side(lhs)
    lhs_keys = frozenset(reader.touched)
    lhs_bindings = len(reader.bindings)
    reader.touched = set()
    right = reader.side(rhs)
    reader.tie(left)
    reader.tie(right)
    for whole, other, expr in ((left, right, rhs), (right, left, lhs)):
        # ``(A^T)_{kl} = A^T``: the matrix's rows run over k and its columns over l
        if isinstance(whole, _Whole) and not isinstance(other, _Whole):
            free = _free(other)
            written = _written_order(expr)
            if len(free) == 1:
                reader.form_slots.append((whole.source, tuple(free)))  # type: ignore[arg-type]
            elif written is not None and set(written[0][1]) == free:
                order = written[0][1] if layout is Layout.DENOMINATOR or len(written) == 1 \
                    else written[1][1]
                reader.form_slots.append((whole.source, order))  # type: ignore[arg-type]
    return _Claim(reader, left, right, lhs_keys, frozenset(reader.touched), lhs_bindings)


def _canonical(reader: _Reader) -> Callable[[object], object]:
    """Member → the size it stands for: an int, a declared name, or a made-up name ``~k``."""
    names: dict[object, object] = {}
    for root, members in reader.sizes.classes().items():
        ints = {m[1] for m in members if isinstance(m, tuple) and m[0] == "int"}
        sized = {m[1] for m in members if isinstance(m, tuple) and m[0] == "size"}
        declared = {s for s in sized if not str(s).startswith(("#", "~"))}
        if len(ints) > 1 or len(declared) > 1 or (ints and declared):
            shown = sorted(str(x) for x in ints | declared)
            raise IndexUnsupported(f"the indices force sizes {', '.join(shown)} to be equal",
                                   Reason.SHAPE)
        if ints:
            names[root] = next(iter(ints))
        elif declared:
            names[root] = next(iter(declared))
        else:
            names[root] = f"~{len(names) + 1}"
    return lambda member: names[reader.sizes.find(member)]


def _infer(claim: _Claim, ctx: Context):  # type: ignore[no-untyped-def]
    """Shapes of every symbol, consistent with both the indices and the matrix forms.

    A first pass over the matrix forms alone (unknown sizes come back as ``#k``) ties their
    sizes to the indices; the second pass declares every size by its class's name and must
    agree with itself.
    """
    reader = claim.reader
    exprs = list(reader.forms) + [Symbol(key, "vector" if n == 1 else "matrix")
                                  for key, n in reader.arity.items()]
    env = _shapes(exprs, dict(ctx.shapes), reader, ctx)
    _tie(env, reader)
    _pin_example_sizes(reader)
    for _ in range(3):
        canon = _canonical(reader)
        declared: dict[str, tuple[object, object]] = dict(ctx.shapes)
        for key, shape in env.symbols.items():
            declared[key] = (canon(_dim_member(shape[0])), canon(_dim_member(shape[1])))
        for key, arity in reader.arity.items():
            dims = [canon(("axis", key, a)) for a in range(arity)]
            shape = ctx.shapes.get(key) or env.symbols.get(key)
            if arity == 1:
                row = shape is not None and shape[0] == 1 and shape[1] != 1
                declared[key] = (1, dims[0]) if row else (dims[0], 1)
            else:
                declared[key] = (dims[0], dims[1])
        env = _shapes(exprs, declared, reader, ctx)
        before = _signature(reader)
        _tie(env, reader)
        if _signature(reader) == before:
            return env, exprs
    raise IndexUnsupported("the sizes of this claim do not settle", Reason.SHAPE)


def _pin_example_sizes(reader: _Reader) -> None:
    """A size only fixed indices reach (``\\det A = A_{11}A_{22} - A_{12}A_{21}``) is the
    example's size: the smallest that holds them."""
    for members in reader.sizes.classes().values():
        if any(isinstance(m, tuple) and (m[0] in ("label", "int") or (
                m[0] == "size" and not str(m[1]).startswith(("#", "~")))) for m in members):
            continue
        least = max((reader.least.get(m, 0) for m in members), default=0)
        if least:
            reader.sizes.union(members[0], ("int", least))


def _shapes(exprs: Sequence[Expr], declared: Mapping[str, object], reader: _Reader, ctx: Context):  # type: ignore[no-untyped-def]
    from .shapes import ShapeError, infer_shapes

    try:
        return infer_shapes(exprs, declared, layout=reader.layout,  # type: ignore[arg-type]
                            otimes=ctx.otimes or "kron")
    except ShapeError as exc:
        raise IndexUnsupported(exc.message, Reason.SHAPE) from None
    except NotImplementedError as exc:
        raise IndexUnsupported(str(exc)) from None


def _tie(env, reader: _Reader) -> None:  # type: ignore[no-untyped-def]
    """Join the sizes shape inference found to the index classes."""
    for key, shape in env.symbols.items():
        for d in shape:
            reader.sizes.find(_dim_member(d))
        if key in reader.arity:
            dims = [d for d in shape if d != 1] if reader.arity[key] == 1 else list(shape)
            if len(dims) != reader.arity[key]:
                raise IndexUnsupported(f"{key} has {reader.arity[key]} indices but shape "
                                       f"{shape}", Reason.SHAPE)
            for a, d in enumerate(dims):
                reader.sizes.union(("axis", key, a), _dim_member(d))
    for source, slots in reader.form_slots:
        is_grad = isinstance(source, _Grad)
        shape = env.symbols.get(source.key) if isinstance(source, _Grad) else env.nodes.get(id(source.expr))
        if shape is None:
            raise IndexUnsupported("the shape of an entry's matrix is unknown", Reason.SHAPE)
        if is_grad and reader.layout is Layout.NUMERATOR:
            shape = (shape[1], shape[0])
        dims = list(shape)
        if len(slots) == 1:
            if 1 not in dims:
                raise IndexUnsupported("one index into a matrix", Reason.SHAPE)
            dims = [dims[0] if dims[1] == 1 else dims[1]]
        for s, d in zip(slots, dims):
            if isinstance(s, str):
                reader.sizes.union(("label", s), _dim_member(d))
            elif isinstance(d, int) and s >= d:
                raise IndexUnsupported("an index beyond the matrix", Reason.SHAPE)
            else:
                reader.need(_dim_member(d), s + 1)


def _signature(reader: _Reader) -> frozenset[frozenset[object]]:
    """The size classes, ignoring the throw-away ``#k``/``~k`` names of one inference run."""
    return frozenset(frozenset(m for m in members if not (isinstance(m, tuple) and m[0] == "size"
                                                         and str(m[1]).startswith(("#", "~"))))
                     for members in reader.sizes.classes().values())


def _sampler(claim: _Claim, ctx: Context, env, exprs: list[Expr], seed: int):  # type: ignore[no-untyped-def]
    """An oracle `Sampler` whose sizes honour fixed indices (``A_{13}`` needs 3 columns)."""
    import dataclasses

    from .instances import Sampler, prepare

    reader = claim.reader
    canon = _canonical(reader)
    least: dict[object, int] = {}
    for member, size in reader.least.items():
        name = canon(member)
        least[name] = max(least.get(name, 1), size)
    assumptions = {k: frozenset(v) for k, v in ctx.assumptions.items()}
    for key in reader.positive:
        assumptions[key] = assumptions.get(key, frozenset()) | {"positive"}
    sample_ctx = dataclasses.replace(ctx, assumptions=assumptions)

    class _IndexSampler(Sampler):
        def sizes(self, k: int) -> dict[str, int]:
            sizes = super().sizes(k)
            for name, size in least.items():
                if isinstance(name, str) and sizes.get(name, size) < size:
                    sizes[name] = size + 1 + k
            return sizes

    for name, size in least.items():
        if isinstance(name, int) and name < size:
            raise IndexUnsupported("an index beyond the matrix", Reason.SHAPE)
    return _IndexSampler(prepare(exprs, Context(), check=False), env, sample_ctx, seed)


# --- evaluation ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _T:
    """A labelled array: one axis per free index, in ``labels`` order."""

    labels: tuple[Label, ...]
    data: "np.ndarray"


class _Evaluator:
    """Evaluates `_Node`s at one instance (numpy imported lazily by the caller)."""

    def __init__(self, np_mod, values, leaf_shapes, label_size, layout, readings) -> None:  # type: ignore[no-untyped-def]
        self.np = np_mod
        self.values = values
        self.leaf_shapes = leaf_shapes
        self.label_size = label_size
        self.layout = layout
        self.readings = readings
        self.stepping = False

    # .. helpers ..

    @staticmethod
    def guard(shape: Sequence[int]) -> None:
        """Refuse arrays too large to be a claim worth checking (many free indices at once)."""
        total = 1
        for n in shape:
            total *= int(n)
        if total > _MAX_ENTRIES:
            raise IndexUnsupported("too many free indices at once")

    def contract(self, data, axes: Sequence[Label]) -> _T:  # type: ignore[no-untyped-def]
        """Give ``data``'s axes the labels ``axes``; a repeated label takes the diagonal."""
        order: list[Label] = []
        for label in axes:
            if label not in order:
                order.append(label)
        if len(order) == len(axes):
            return _T(tuple(axes), data)
        letters = {label: chr(ord("a") + i) for i, label in enumerate(order)}
        spec = "".join(letters[a] for a in axes) + "->" + "".join(letters[a] for a in order)
        return _T(tuple(order), self.np.einsum(spec, data))

    def align(self, t: _T, labels: Sequence[Label]):  # type: ignore[no-untyped-def]
        present = [label for label in labels if label in t.labels]
        data = self.np.transpose(t.data, [t.labels.index(label) for label in present]) \
            if t.labels else t.data
        shape = [data.shape[present.index(label)] if label in present else 1 for label in labels]
        return self.np.reshape(data, shape)

    def scalar(self, value) -> _T:  # type: ignore[no-untyped-def]
        return _T((), self.np.asarray(value, dtype=complex))

    def form(self, expr: Expr):  # type: ignore[no-untyped-def]
        from .evaluate import evaluate

        return self.np.asarray(evaluate(expr, self.values, self.readings,
                                        leaf_shapes=self.leaf_shapes, layout=self.layout))

    def matrix(self, source: _Source):  # type: ignore[no-untyped-def]
        if isinstance(source, _Sym):
            if source.key not in self.values:
                raise IndexUnsupported(f"no value for {source.key}")
            return self.np.asarray(self.values[source.key])
        if isinstance(source, _Form):
            return self.form(source.expr)
        return self.gradient(source)

    def select(self, arr, slots: Sequence[Slot]) -> _T:  # type: ignore[no-untyped-def]
        np = self.np
        if len(slots) == 1:
            if arr.ndim == 2 and 1 in arr.shape:
                arr = arr.reshape(-1)
            elif arr.ndim != 1:
                raise IndexUnsupported("one index into a matrix", Reason.SHAPE)
        elif arr.ndim != 2:
            raise IndexUnsupported("two indices into a vector", Reason.SHAPE)
        for axis, s in enumerate(slots):
            size = arr.shape[axis]
            if isinstance(s, int) and s >= size:
                raise IndexUnsupported("an index beyond the matrix", Reason.SHAPE)
            if isinstance(s, str) and size != self.label_size(s):
                raise IndexUnsupported(f"index {s.split('#')[0]} runs over two different sizes",
                                       Reason.SHAPE)
        index = tuple(s if isinstance(s, int) else slice(None) for s in slots)
        return self.contract(np.asarray(arr[index]), [s for s in slots if isinstance(s, str)])

    # .. nodes ..

    def side(self, side: _Side):  # type: ignore[no-untyped-def]
        if isinstance(side, _Whole):
            arr = self.matrix(side.source)
            return arr.reshape(arr.shape[-2:]) if arr.ndim >= 2 else arr.reshape(1, 1)
        return self.node(side)

    def node(self, n: _Node) -> _T:
        np = self.np
        if isinstance(n, _Const):
            return self.scalar(n.value)
        if isinstance(n, _Ref):
            return self.select(self.matrix(n.source), n.slots)
        if isinstance(n, _Delta):
            return self.delta(n)
        if isinstance(n, _Scalar):
            value = self.form(n.expr)
            if value.size != 1:
                raise IndexUnsupported("a matrix where index notation needs a number", Reason.SHAPE)
            return self.scalar(value.reshape(()))
        if isinstance(n, (_Add, _Mul, _Div, _Pow)):
            parts = n.terms if isinstance(n, _Add) else n.factors if isinstance(n, _Mul) else \
                (n.num, n.den) if isinstance(n, _Div) else (n.base, n.exponent)
            ts = [self.node(p) for p in parts]
            labels: list[Label] = []
            for t in ts:
                labels.extend(label for label in t.labels if label not in labels)
            arrays = [self.align(t, labels) for t in ts]
            if isinstance(n, _Add):
                out = sum(arrays[1:], arrays[0])
            elif isinstance(n, _Mul):
                out = arrays[0]
                for a in arrays[1:]:
                    out = out * a
            elif isinstance(n, _Div):
                if np.any(np.abs(arrays[1].real) < 1e-9):
                    raise _Domain()
                out = arrays[0] / arrays[1]
            else:
                out = np.power(arrays[0], arrays[1])
            shape = [self.label_size(label) for label in labels]
            self.guard(shape)
            return _T(tuple(labels), np.broadcast_to(out, shape).astype(complex))
        if isinstance(n, _Fn):
            return self.function(n)
        if isinstance(n, _Sum):
            t = self.node(n.body)
            if n.label in t.labels:
                axis = t.labels.index(n.label)
                return _T(t.labels[:axis] + t.labels[axis + 1:], t.data.sum(axis=axis))
            return _T(t.labels, t.data * self.label_size(n.label))
        if isinstance(n, _Deriv):
            return self.derivative(n)
        raise IndexUnsupported(f"cannot evaluate {type(n).__name__}")  # pragma: no cover

    def delta(self, n: _Delta) -> _T:
        np = self.np
        a, b = n.slots
        if isinstance(a, str) and isinstance(b, str):
            size = self.label_size(a)
            if a == b:
                return _T((a,), np.ones(size, dtype=complex))
            return _T((a, b), np.eye(size, dtype=complex))
        if isinstance(a, int) and isinstance(b, int):
            return self.scalar(1.0 if a == b else 0.0)
        label, fixed = (a, b) if isinstance(a, str) else (b, a)
        vec = np.zeros(self.label_size(label), dtype=complex)
        if fixed < vec.size:
            vec[fixed] = 1.0
        return _T((label,), vec)  # type: ignore[arg-type]

    def function(self, n: _Fn) -> _T:
        np = self.np
        t = self.node(n.arg)
        z = t.data
        if n.name in ("log", "ln"):
            if np.any(z.real <= 0):
                raise _Domain()
            out = np.log(z)
        elif n.name == "sqrt":
            if np.any(z.real <= 0):
                raise _Domain()
            out = np.sqrt(z)
        elif n.name == "abs":
            out = np.where(z.real >= 0, z, -z)  # analytic off zero: complex steps pass through
        elif n.name == "sigma":
            out = 1.0 / (1.0 + np.exp(-z))
        else:
            out = getattr(np, n.name)(z)
        return _T(t.labels, out)

    def perturbed(self, key: str):  # type: ignore[no-untyped-def]
        """Yield (position, values with ``ih`` added at that entry of ``key``)."""
        if self.stepping:
            raise IndexUnsupported("a derivative inside a derivative")
        x = self.np.asarray(self.values[key])
        for pos in self.np.ndindex(*x.shape):
            step = x.astype(complex)
            step[pos] += 1j * _STEP
            values = dict(self.values)
            values[key] = step
            yield pos, values

    def stepped(self, values, node: _Node) -> _T:  # type: ignore[no-untyped-def]
        saved, self.values = self.values, values
        self.stepping = True
        try:
            return self.node(node)
        finally:
            self.values = saved
            self.stepping = False

    def check_real(self, t: _T) -> None:
        data = t.data
        if data.size and float(self.np.abs(data.imag).max()) > 1e-9 * (1 + float(self.np.abs(data).max())):
            raise IndexUnsupported("complex values: no complex-step derivative here", Reason.DOMAIN)

    def derivative(self, n: _Deriv) -> _T:
        np = self.np
        assert isinstance(n.wrt.source, _Sym)
        key = n.wrt.source.key
        base = self.node(n.num)
        self.check_real(base)
        labels = base.labels
        x = np.asarray(self.values[key])
        self.guard(base.data.shape + x.shape)
        out = np.zeros(base.data.shape + x.shape)
        for pos, values in self.perturbed(key):
            t = self.stepped(values, n.num)
            out[(Ellipsis,) + pos] = np.broadcast_to(self.align(t, labels).imag, base.data.shape) / _STEP
        slots = n.wrt.slots
        if len(slots) == 1:
            if 1 not in x.shape:
                raise IndexUnsupported("one index into a matrix", Reason.SHAPE)
            out = out.reshape(base.data.shape + (x.size,))
        index = (Ellipsis,) + tuple(s if isinstance(s, int) else slice(None) for s in slots)
        out = out[index]
        return self.contract(out.astype(complex), list(labels) + [s for s in slots if isinstance(s, str)])

    def gradient(self, g: _Grad):  # type: ignore[no-untyped-def]
        np = self.np
        x = np.asarray(self.values[g.key])
        self.check_real(self.node(g.num))
        out = np.zeros(x.shape)
        for pos, values in self.perturbed(g.key):
            t = self.stepped(values, g.num)
            if t.labels:
                raise IndexUnsupported("a gradient of an expression with free indices")
            out[pos] = float(np.imag(t.data.reshape(()))) / _STEP
        return out.T if self.layout is Layout.NUMERATOR else out


class _Domain(Exception):
    """This sample is outside the domain (log of a non-positive entry...): draw another."""


# --- deciding a claim ---------------------------------------------------------------------

def _size_names(reader: _Reader) -> frozenset[str]:
    return frozenset(str(m[1]) for m in reader.sizes.parent
                     if isinstance(m, tuple) and m[0] == "size")


def _variables(exprs: Sequence[Expr]) -> frozenset[str]:
    """Names differentiated by in ``exprs`` (``Y`` for ``\\partial g/\\partial Y_{qr}``)."""
    out: set[str] = set()
    for e in exprs:
        for node in walk(e):
            if isinstance(node, Derivative):
                wrt = node.wrt
                while isinstance(wrt, (Transpose, Entry)):
                    wrt = wrt.arg if isinstance(wrt, Transpose) else wrt.base
                if isinstance(wrt, Symbol):
                    out.update({wrt.key, wrt.name})
                    if len(wrt.name) == 1:
                        out.update({wrt.name.upper(), wrt.name.lower()})
    return frozenset(out)


def _check_ranges(reader: _Reader, sides: Sequence[_Side]) -> None:
    """A summed index whose range nothing fixes (``\\sum_i c``) cannot be evaluated."""
    bound: set[Label] = set()

    def visit(n: object) -> None:
        if isinstance(n, _Sum):
            bound.add(n.label)
        for child in _children(n):
            visit(child)

    for side in sides:
        visit(side)
    classes = reader.sizes.classes()
    for label in bound:
        members = classes.get(reader.sizes.find(("label", label)), [])
        if all(isinstance(m, tuple) and m[0] == "label" and "#" in str(m[1])
               for m in members):
            raise IndexUnsupported(f"the range of the sum over {label.split('#')[0]} is unknown")


def _children(n: object) -> tuple[object, ...]:
    if isinstance(n, _Whole):
        return (n.source,)
    if isinstance(n, _Grad):
        return (n.num,)
    if isinstance(n, _Ref):
        return (n.source,)
    if isinstance(n, _Add):
        return n.terms
    if isinstance(n, _Mul):
        return n.factors
    if isinstance(n, _Div):
        return (n.num, n.den)
    if isinstance(n, _Pow):
        return (n.base, n.exponent)
    if isinstance(n, _Fn):
        return (n.arg,)
    if isinstance(n, _Sum):
        return (n.body,)
    if isinstance(n, _Deriv):
        return (n.num, n.wrt)
    return ()


def _einstein_side(side: _Side) -> _Side:
    return side if isinstance(side, _Whole) else _einstein(side)


def _written_order(expr: Expr) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """How a two-index side names its entry, for lining it up with a whole matrix.

    ``(M)_{kl}``, ``M_{kl}`` and ``M^T_{kl}`` name entry (k, l); ``\\partial f/\\partial X_{kl}``
    is entry (k, l) in denominator layout and (l, k) in numerator layout; None: not one entry.
    """
    def tokens(e: Expr) -> tuple[str, ...] | None:
        if isinstance(e, Transpose):
            return tokens(e.arg)
        if isinstance(e, Symbol) and e.subscript is not None:
            return _split_indices(e.subscript)
        if isinstance(e, Entry):
            out: list[str] = []
            for index in e.indices:
                if not (isinstance(index, Symbol) and index.subscript is None):
                    return None
                split = _split_indices(index.name) if not index.name.startswith("\\") else (index.name,)
                if split is None:
                    return None
                out.extend(split)
            return tuple(out)
        return None

    if isinstance(expr, Derivative) and expr.expr is not None:
        wrt = tokens(expr.wrt)
        if wrt is not None and len(wrt) == 2:
            return (("", wrt), ("numerator layout", wrt[::-1]))
        return None
    found = tokens(expr)
    if found is not None and len(found) == 2:
        return (("", found),)
    return None


def _orders(written: tuple[tuple[str, tuple[str, ...]], ...] | None,
            labels: tuple[Label, ...]) -> list[tuple[str, tuple[Label, ...]]]:
    """How a two-index side lines up with a whole matrix: its entry's written order when it is
    one entry, else either order."""
    if len(labels) != 2:
        return [("", labels)]
    if written is not None and all(set(order) == set(labels) for _, order in written):
        return [(name, order) for name, order in written]
    return [("", labels), ("transposed indices", labels[::-1])]


def _close(np_mod, a, b) -> bool:  # type: ignore[no-untyped-def]
    a, b = np_mod.asarray(a), np_mod.asarray(b)
    if not (np_mod.all(np_mod.isfinite(a)) and np_mod.all(np_mod.isfinite(b))):
        raise _Domain()
    scale = 1.0 + max(float(np_mod.abs(a).max(initial=0.0)), float(np_mod.abs(b).max(initial=0.0)))
    return bool(np_mod.all(np_mod.abs(a - b) <= _RTOL * scale))


def _compare(ev: _Evaluator, written: Sequence[object], a, b) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Variant name → whether the two evaluated sides agree ({} when they cannot be lined up)."""
    np = ev.np
    if isinstance(a, _T) and isinstance(b, _T):
        labels: list[Label] = list(a.labels) + [x for x in b.labels if x not in a.labels]
        shape = [ev.label_size(x) for x in labels]
        return {"": _close(np, np.broadcast_to(ev.align(a, labels), shape),
                           np.broadcast_to(ev.align(b, labels), shape))}
    if isinstance(a, _T) or isinstance(b, _T):
        t, m, order = (a, b, written[0]) if isinstance(a, _T) else (b, a, written[1])
        if not t.labels:
            return {"": _close(np, t.data, m.reshape(()))} if m.size == 1 else {}
        if len(t.labels) == 1:
            if 1 in m.shape and m.size == t.data.size:
                return {"": _close(np, t.data, m.reshape(-1))}
            return {}
        out: dict[str, bool] = {}
        for name, order in _orders(order, t.labels):  # type: ignore[arg-type]
            data = ev.align(t, order)
            if data.shape == m.shape:
                out[name] = _close(np, data, m)
        return out
    if a.shape == b.shape:
        return {"": _close(np, a, b)}
    return {}


def check_index_equality(lhs: Expr, rhs: Expr, ctx: Context, seed: int,
                         layout: Layout = Layout.DENOMINATOR, count: int = 2) -> IndexCheck:
    """Decide ``lhs = rhs`` where either side uses index notation, at ``count`` random instances.

    Both sides are evaluated for every value of their free indices (broadcast where one side
    does not depend on an index); a side without indices is a whole matrix compared entry by
    entry (``(A^T)_{kl} = A^T``) or a scalar (``tr(AB) = \\sum_i\\sum_j a_{ij} b_{ji}``).

    :raises oracle.Unsupported: when the claim cannot be read or evaluated (never a guess).

    >>> from mathlint.parsers.expr import Sum, Symbol, Mul, Trace
    >>> A, B = Symbol("A"), Symbol("B")
    >>> rhs = Sum(Sum(Mul((Symbol("a", subscript="ij"), Symbol("b", subscript="ji"))), "j"), "i")
    >>> check_index_equality(Trace(Mul((A, B))), rhs, Context(), seed=1).ok
    True
    """
    try:
        return _check(lhs, rhs, ctx, seed, layout, count)
    except IndexUnsupported as exc:
        from .instances import Unsupported

        raise Unsupported(exc.reason, exc.detail) from None


def _check(lhs: Expr, rhs: Expr, ctx: Context, seed: int, layout: Layout, count: int) -> IndexCheck:
    from .evaluate import DomainError, EvaluationError
    from .instances import ATTEMPTS, prepare

    # definitions substituted (never a differentiated name) and leaf nodes made distinct objects
    prepared = prepare((lhs, rhs), ctx, keep=_variables((lhs, rhs)), check=False)
    lhs, rhs = prepared.exprs
    claim = _read_claim(lhs, rhs, ctx, layout)
    reader = claim.reader
    odd = (claim.lhs_keys ^ claim.rhs_keys) - reader.variables - _size_names(reader)
    if odd:
        raise IndexUnsupported(
            f"the sides use different symbols ({', '.join(sorted(odd))}): a definition or a "
            "condition, not an identity", Reason.UNDEFINED)
    env, exprs = _infer(claim, ctx)
    readings = _readings(claim, env, exprs, ctx)
    _check_ranges(reader, [side for r in readings for side in (r.lhs, r.rhs)])
    sampler = _sampler(claim, ctx, env, exprs, seed)
    written = (_written_order(lhs), _written_order(rhs))
    results: dict[tuple[str, str], list[bool]] = {}
    applicable = [True] * len(readings)
    for k in range(count):
        for attempt in range(len(ATTEMPTS)):
            found: dict[tuple[str, str], bool] = {}
            try:
                values, leaf_shapes, label_size = _at(claim, sampler.instance(k, attempt), k)
                for i, r in enumerate(readings):
                    if not applicable[i]:
                        continue
                    ev = _Evaluator(_numpy(), values, leaf_shapes, label_size, layout, r.evaluation)
                    try:
                        a, b = ev.side(r.lhs), ev.side(r.rhs)
                    except IndexUnsupported:
                        if len(readings) == 1 or k > 0:
                            raise
                        applicable[i] = False  # this reading does not apply to the claim
                        continue
                    for variant, ok in _compare(ev, written, a, b).items():
                        found[(r.name, variant)] = ok
            except (_Domain, DomainError):
                continue
            except EvaluationError as exc:
                raise IndexUnsupported(str(exc)) from None
            for key, ok in found.items():
                results.setdefault(key, []).append(ok)
            break
        else:
            raise IndexUnsupported("no sample inside the domain of the expressions", Reason.DOMAIN)
    complete = {key: oks for key, oks in results.items() if len(oks) == count}
    if not complete:
        raise IndexUnsupported("the two sides do not have the same shape", Reason.SHAPE)
    for (name, variant), oks in complete.items():  # readings in order: the plain one first
        if all(oks):
            reading = "; ".join(x for x in (name, variant) if x) or None
            return IndexCheck(True, "holds at random instances", reading)
    tried = "" if len(readings) == 1 else f" (under each of {len(readings)} readings)"
    return IndexCheck(False, f"the two sides differ at random instances{tried}")


@dataclass(frozen=True, slots=True)
class _Reading:
    name: str
    """Empty for the plain reading; else what was assumed (``einstein``, ``\\log`` entrywise...)."""
    lhs: _Side
    rhs: _Side
    evaluation: object
    """The `evaluate.Readings` for the matrix forms."""


def _readings(claim: _Claim, env, exprs: Sequence[Expr], ctx: Context) -> list[_Reading]:  # type: ignore[no-untyped-def]
    """Plain and Einstein readings of the indices, times the oracle's readings of the matrix
    forms (``\\|M\\|_2`` spectral or Frobenius, ``\\log`` entrywise or not...)."""
    from .oracle import reading_options

    notations = [("", claim.lhs, claim.rhs)]
    e_lhs, e_rhs = _einstein_side(claim.lhs), _einstein_side(claim.rhs)
    if (e_lhs, e_rhs) != (claim.lhs, claim.rhs):
        notations.append(("Einstein's summation convention", e_lhs, e_rhs))
    nodes = [n for e in exprs for n in walk(e)]
    out: list[_Reading] = []
    for name, lhs, rhs in notations:
        for evaluation, label in reading_options(nodes, env, ctx):
            out.append(_Reading("; ".join(x for x in (name, label) if x), lhs, rhs, evaluation))
    return out


def _numpy() -> Any:
    """numpy, imported the way `checker.evaluate` does (one BLAS thread)."""
    from . import evaluate  # noqa: F401 - sets the thread limit before numpy loads

    import numpy

    return numpy


def _at(claim: _Claim, inst, k: int):  # type: ignore[no-untyped-def]
    """Values, leaf shapes and index sizes at one instance."""
    np = _numpy()

    reader = claim.reader
    canon = _canonical(reader)
    fallback = {name: 2 + ((i + k) % 5) for i, name in
                enumerate(sorted({str(canon(m)) for m in reader.sizes.parent}))}

    def size_of(member: object) -> int:
        name = canon(member)
        return name if isinstance(name, int) else inst.sizes.get(name, fallback[str(name)])

    def label_size(label: Label) -> int:
        return size_of(("label", label))

    values = dict(inst.values)
    for name in _size_names(reader):  # ``n`` written as a value is the size it names
        if name in values:
            values[name] = np.full((1, 1), float(size_of(("size", name))))
    leaf_shapes = dict(inst.leaf_shapes)
    for source, slots in reader.form_slots:  # a bare ``I`` or ``\mathbf{1}`` side
        if isinstance(source, _Form) and isinstance(source.expr, (Identity, Ones, Zero)):
            dims = [label_size(x) if isinstance(x, str) else x + 1 for x in slots]
            leaf_shapes[id(source.expr)] = (dims[0], dims[-1] if len(dims) == 2 else 1)
    return values, leaf_shapes, label_size


# --- what a claim is, and its notation findings -------------------------------------------

def free_indices(expr: Expr, ctx: Context | None = None) -> set[str]:
    """Indices of ``expr`` not bound by a sum (plain reading: no summation convention).

    >>> from mathlint.parsers.expr import Sum, Symbol, Mul
    >>> sorted(free_indices(Sum(Mul((Symbol("C", subscript="pq"), Symbol("D", subscript="rp"))), "p")))
    ['q', 'r']
    """
    reader = _Reader(ctx or Context(), _arrays((expr,), ctx or Context()))
    try:
        reader.side(expr)
    except IndexUnsupported:
        pass
    return set(reader.free_names)


def _einstein_free(expr: Expr, ctx: Context) -> tuple[frozenset[str], frozenset[str]] | None:
    """Free indices of a side under the plain reading and under Einstein's; None if unreadable."""
    reader = _Reader(ctx, _arrays((expr,), ctx))
    try:
        side = reader.side(expr)
    except IndexUnsupported:
        return None
    if isinstance(side, _Whole):
        return None
    return _free(side), _free(_einstein(side))


def is_index_definition(lhs: Expr, rhs: Expr, ctx: Context) -> bool:
    """True when ``lhs = rhs`` defines notation rather than claims an identity.

    ``[\\partial f/\\partial X]_{ij} = \\partial f/\\partial X_{ij}`` (the layout's definition), and
    ``c_{ij} = \\sum_k a_{ik} b_{kj}`` where ``C`` is used nowhere else (it defines ``C``).
    """
    for a, b in ((lhs, rhs), (rhs, lhs)):
        if isinstance(a, Entry) and isinstance(a.base, Derivative) and isinstance(b, Derivative):
            return True
    reader = _Reader(ctx, _arrays((lhs, rhs), ctx))
    key: str | None = None
    if isinstance(lhs, Symbol) and lhs.subscript is not None and _split_indices(lhs.subscript):
        key = reader.base_key(lhs)
    elif isinstance(lhs, Entry) and isinstance(lhs.base, Symbol) and lhs.base.subscript is None:
        key = lhs.base.key
    if key is None or key in ctx.definitions:
        return False
    used = {reader.base_key(s) if s.subscript else s.key for s in _symbols(rhs)}
    return key not in used


def is_index_claim(lhs: Expr, rhs: Expr, ctx: Context) -> bool:
    """True when either side uses index notation (and the link is not a definition)."""
    reader = _Reader(ctx, _arrays((lhs, rhs), ctx))
    if not (reader.has_index(lhs) or reader.has_index(rhs)):
        return False
    return not is_index_definition(lhs, rhs, ctx)


def index_findings(lhs: Expr, rhs: Expr, ctx: Context, wrong: bool,
                   lhs_span: Span, rhs_span: Span) -> list[Finding]:
    """Notation findings for one index claim; pass the sides as written (definitions not
    substituted), so a hint never points at a sum the author did not write here.

    - `index-mismatch` (error, at the right-hand side) when the claim is ``wrong`` (its verdict)
      and a free index appears on one side only under every reading — report it as the wrong
      claim's one finding, instead of `wrong-equality`;
    - `index-scope` (info, one per side) when an inner sum re-binds an index also used
      outside it: legal, scoped like a local variable, never an error.
    """
    out: list[Finding] = []
    reader = _Reader(ctx, _arrays((lhs, rhs), ctx))
    owner: list[int] = []  # which side (0 left, 1 right) each binding was read on
    for which, expr in enumerate((lhs, rhs)):
        before = len(reader.bindings)
        try:
            reader.side(expr)
        except IndexUnsupported:
            pass
        owner.extend([which] * (len(reader.bindings) - before))
    rebound: dict[int, list[str]] = {}
    for which, binding in zip(owner, reader.bindings):
        if binding.shadows or binding.name in reader.free_names:
            names = rebound.setdefault(which, [])
            if binding.name not in names:
                names.append(binding.name)
    for which, names in sorted(rebound.items()):
        each = "each is a new index" if len(names) > 1 else "it is a new index"
        out.append(Finding(INDEX_SCOPE, (lhs_span, rhs_span)[which], {"message": (
            f"an inner sum re-binds {', '.join(names)}, also used outside it; inside that sum "
            f"{each} (legal; another letter would read more easily)")}))
    if wrong:
        mismatch = _mismatch(lhs, rhs, ctx, reader)
        if mismatch:
            only_left, only_right = mismatch
            parts = []
            if only_left:
                parts.append(f"{', '.join(sorted(only_left))} only on the left-hand side")
            if only_right:
                parts.append(f"{', '.join(sorted(only_right))} only on the right-hand side")
            out.append(Finding(INDEX_MISMATCH, rhs_span, {"message": (
                "free indices differ between the sides: " + "; ".join(parts))}))
    return out


def _mismatch(lhs: Expr, rhs: Expr, ctx: Context,
              reader: _Reader) -> tuple[frozenset[str], frozenset[str]] | None:
    left, right = _einstein_free(lhs, ctx), _einstein_free(rhs, ctx)
    if left is None or right is None:
        return None
    sizes = _size_names(reader) | {str(d) for shape in ctx.shapes.values() for d in shape}
    found: tuple[frozenset[str], frozenset[str]] | None = None
    for a, b in zip(left, right):
        only_left, only_right = a - b - sizes, b - a - sizes
        if not (only_left or only_right):
            return None  # some reading agrees on the free indices
        found = found or (only_left, only_right)
    return found
