"""Symbolic shape inference and conformability over `Expr` trees (no numpy here).

Every expression has a shape ``(rows, cols)``; a dim is an ``int`` or a size name (``"m"``
from ``X \\in \\mathbb{R}^{m\\times n}``, or ``"#1"``, ``"#2"``... for a size nothing fixes).
Scalars are ``(1, 1)`` and column vectors ``(n, 1)``. Inference is unification over dims:

- a product chains (inner dims equal); a factor known to be ``(1, 1)`` is a scalar factor and
  may stand anywhere (``x^T A x`` is a scalar, so ``x^T A x \\, B`` is fine);
- sums, Hadamard products and elementwise division force equal shapes;
- trace, det, inverse and matrix powers force square arguments; transpose swaps;
- ``I``, ``\\mathbf{1}``, ``J``, ``0`` take their shape from where they stand;
- two different declared size names never unify (``m×n`` times ``m×n`` is an error).

A plain symbol of unknown kind may be a scalar or an array (`symbol_kinds` orders the
candidate readings); the first reading that is shape-consistent wins.

Example::

    >>> from mathlint.parsers.expr import Mul, Symbol, Transpose
    >>> A, X = Symbol("A", "matrix"), Symbol("X", "matrix")
    >>> env = infer_shapes([Mul((A, X))], {"A": ("m", "n")})
    >>> env.symbols["X"][0]
    'n'
    >>> infer_shapes([Mul((A, X))], {"A": ("m", "n"), "X": ("m", "n")})
    Traceback (most recent call last):
    ...
    mathlint.checker.shapes.ShapeError: cannot multiply m×n (A) by m×n (X)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import singledispatch
from typing import Callable, Iterator, Mapping, Sequence

from ..parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Dots, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, Loc, MatrixLiteral, Mul, Norm, Number, Ones, Power, Query, Sum,
    Symbol, Trace, Transpose, Zero,
)
from .claims import Shape
from .options import Layout
from .symbol_kinds import flexible_symbols, is_capital, kind_choices

Dim = int | str


class ShapeError(Exception):
    """A shape contradiction; ``message`` names both shapes, ``loc`` is where (local offsets)."""

    def __init__(self, message: str, loc: Loc | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


@dataclass(frozen=True, slots=True)
class ShapeEnv:
    """The outcome of inference: a shape for every symbol and every node visited."""

    symbols: Mapping[str, Shape]
    """Symbol key → shape (dims ``int`` or size names)."""
    nodes: Mapping[int, Shape] = field(default_factory=dict)
    """``id(node)`` → shape, for every node of the inferred trees (the trees must stay alive)."""
    products: tuple[tuple[Dim, Dim, Dim], ...] = ()
    """``(d, a, b)``: size ``d`` is ``a * b`` (Kronecker products, ``vec``)."""
    readings: Mapping[str, str] = field(default_factory=dict)
    """Symbol key → ``"scalar"``/``"vector"``/``"matrix"`` for symbols whose kind was inferred."""
    sizes: tuple[str, ...] = ()
    """Every size name used, in first-seen order (declared names and ``#k``)."""
    degenerate: int = 0
    """How many undeclared vectors/matrices unification shrank to size 1 (a sign of a misreading)."""
    collapsed: tuple[str, ...] = ()
    """Their keys (``w x`` with two column vectors forces both to be 1×1)."""
    trees: tuple[Expr, ...] = field(default=(), compare=False, repr=False)
    """The inferred trees, kept alive so the ``id``s in ``nodes`` stay theirs."""

    def size_names(self) -> tuple[str, ...]:
        """Every size name used, in first-seen order (declared names and ``#k``)."""
        return self.sizes


def format_shape(shape: Shape) -> str:
    """``("m", "n")`` → ``"m×n"``; unfixed sizes print as ``?``."""
    return "×".join("?" if isinstance(d, str) and d.startswith("#") else str(d) for d in shape)


def gradient_shape_ok(wrt_shape: Shape, claimed_shape: Shape) -> frozenset[Layout]:
    """The layouts under which a gradient of this shape can be right.

    Denominator layout wants the shape of the variable, numerator layout its transpose;
    unfixed sizes (``#k``) match anything.

    >>> sorted(l.value for l in gradient_shape_ok(("m", "n"), ("n", "m")))
    ['numerator']
    >>> sorted(l.value for l in gradient_shape_ok(("n", "n"), ("n", "n")))
    ['denominator', 'numerator']
    """
    def same(a: Shape, b: Shape) -> bool:
        return all(_dims_compatible(x, y) for x, y in zip(a, b))

    out = set()
    if same(wrt_shape, claimed_shape):
        out.add(Layout.DENOMINATOR)
    if same((wrt_shape[1], wrt_shape[0]), claimed_shape):
        out.add(Layout.NUMERATOR)
    return frozenset(out)


def _dims_compatible(a: object, b: object) -> bool:
    return a == b or _unfixed(a) or _unfixed(b)


def _unfixed(d: object) -> bool:
    return isinstance(d, str) and d.startswith("#")


def infer_shapes(
    exprs: Sequence[Expr],
    declared: Mapping[str, Shape],
    *,
    pairs: Sequence[tuple[Expr, Expr]] = (),
    layout: Layout = Layout.DENOMINATOR,
    otimes: str = "kron",
) -> ShapeEnv:
    """Infer the shape of every symbol and node of ``exprs`` (raises `ShapeError`).

    :param declared: symbol key → declared shape (``("m", "n")``, ``("n", 1)``, ``(1, 1)``).
    :param pairs: pairs of expressions (from ``exprs``) that must have the same shape, such as
        the two sides of an equality; a literal ``0`` on one side takes the other's shape.
    :param layout: how a `Derivative` node inside the trees is shaped.
    :param otimes: ``"kron"`` or ``"hadamard"``: how a `Kron` node reads.
    """
    flex = flexible_symbols(exprs, declared)
    first_error: ShapeError | None = None
    best: tuple[int, ShapeEnv] | None = None
    for choice in kind_choices(flex):
        try:
            env, oddness = _run(exprs, declared, pairs, layout, otimes, choice)
        except ShapeError as exc:
            first_error = first_error or exc
            continue
        if oddness == 0:
            return env
        if best is None or oddness < best[0]:
            best = (oddness, env)
    if best is not None:
        return best[1]
    assert first_error is not None
    raise first_error


def shape_of(expr: Expr, env: ShapeEnv) -> Shape:
    """The shape of ``expr``: looked up if it was inferred, else inferred with ``env``'s symbols."""
    known = env.nodes.get(id(expr))
    if known is not None:
        return known
    declared = {k: v for k, v in env.symbols.items()}
    return infer_shapes([expr], declared).nodes[id(expr)]


# --- unification ---------------------------------------------------------------------------

class _Dims:
    """Union-find over dims; a root may carry an int, a size name, or both."""

    __slots__ = ("parent", "num", "name")

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.num: list[int | None] = []
        self.name: list[str | None] = []

    def new(self, num: int | None = None, name: str | None = None) -> int:
        self.parent.append(len(self.parent))
        self.num.append(num)
        self.name.append(name)
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        na, nb, sa, sb = self.num[a], self.num[b], self.name[a], self.name[b]
        if na is not None and nb is not None and na != nb:
            return False
        if sa is not None and sb is not None and sa != sb and (na is None or nb is None):
            return False
        if (sa is not None and na is None and nb == 1) or (sb is not None and nb is None and na == 1):
            return False  # a declared size name is never 1 (that would turn a matrix into a vector)
        self.parent[b] = a
        self.num[a] = na if na is not None else nb
        self.name[a] = sa if sa is not None else sb
        return True

    def value(self, i: int) -> Dim | None:
        r = self.find(i)
        num = self.num[r]
        return num if num is not None else self.name[r]


_S = tuple[int, int]


class _State:
    def __init__(self, declared: Mapping[str, Shape], layout: Layout, otimes: str, choice: Mapping[str, str]):
        self.dims = _Dims()
        self.named: dict[str, int] = {}
        self.one = self.dims.new(num=1)
        self.declared = declared
        self.layout = layout
        self.otimes = otimes
        self.choice = choice
        self.symbols: dict[str, _S] = {}
        self.kinds: dict[str, str] = {}
        """Undeclared array symbols → "vector"/"matrix" (a size-1 dim there is odd)."""
        self.nodes: dict[int, _S] = {}
        self.sources: list[int] = []
        self.leaf_kinds: dict[int, tuple[str, str]] = {}
        """``id`` of an ``I``/``1``/``J`` node → (how it prints, "matrix"/"vector")."""
        self.products: list[tuple[int, int, int]] = []

    def dim(self, d: object) -> int:
        if isinstance(d, int) or (isinstance(d, str) and d.isdigit()):
            return self.dims.new(num=int(d))
        name = str(d)
        if name not in self.named:
            self.named[name] = self.dims.new(name=name)
        return self.named[name]

    def fresh(self) -> int:
        return self.dims.new()

    @property
    def scalar(self) -> _S:
        return (self.one, self.one)

    def is_scalar(self, s: _S) -> bool:
        return self.dims.value(s[0]) == 1 and self.dims.value(s[1]) == 1

    def fmt(self, s: _S) -> str:
        return "×".join("?" if v is None else str(v) for v in (self.dims.value(s[0]), self.dims.value(s[1])))

    def unify(self, a: _S, b: _S, message: Callable[[], str], loc: Loc | None) -> None:
        if not (self.dims.union(a[0], b[0]) and self.dims.union(a[1], b[1])):
            raise ShapeError(message(), loc)

    def square(self, s: _S, what: str, node: Expr) -> None:
        if not self.dims.union(s[0], s[1]):
            raise ShapeError(f"{what} of a non-square {self.fmt(s)} matrix ({describe(node)})", node.loc)


def _run(exprs: Sequence[Expr], declared: Mapping[str, Shape], pairs: Sequence[tuple[Expr, Expr]],
         layout: Layout, otimes: str, choice: Mapping[str, str]) -> tuple[ShapeEnv, int]:
    st = _State(declared, layout, otimes, choice)
    for e in exprs:
        _shape(e, st)
    for a, b in pairs:
        sa, sb = st.nodes.get(id(a)) or _shape(a, st), st.nodes.get(id(b)) or _shape(b, st)
        if _is_zero_literal(a) or _is_zero_literal(b):
            continue
        st.unify(sa, sb, lambda: f"the sides have different shapes: {st.fmt(sa)} ({describe(a)}) "
                                 f"and {st.fmt(sb)} ({describe(b)})", _span(a, b))
    env, oddness = _finish(st)
    return replace(env, trees=tuple(exprs) + tuple(e for pair in pairs for e in pair)), oddness


def _is_zero_literal(e: Expr) -> bool:
    return isinstance(e, Number) and e.value == 0


def _finish(st: _State) -> tuple[ShapeEnv, int]:
    names: dict[int, str] = {}
    dims = st.dims
    for d, a, b in st.products:
        if dims.find(d) in (dims.find(a), dims.find(b)) and dims.value(d) != 1:
            raise ShapeError("a Kronecker product whose size equals one of its factors' (the other would be 1)")
    changed = True
    while changed:  # a product of two known sizes is known
        changed = False
        for d, a, b in st.products:
            va, vb, vd = dims.value(a), dims.value(b), dims.value(d)
            if isinstance(va, int) and isinstance(vb, int) and not isinstance(vd, int):
                dims.num[dims.find(d)] = int(va) * int(vb)
                changed = True

    def resolve(i: int) -> Dim:
        v = dims.value(i)
        if v is not None:
            return v
        r = dims.find(i)
        if r not in names:
            names[r] = f"#{len(names) + 1}"
        return names[r]

    symbols = {k: (resolve(s[0]), resolve(s[1])) for k, s in st.symbols.items()}
    sources: dict[int, Shape] = {k: (resolve(st.nodes[k][0]), resolve(st.nodes[k][1])) for k in st.sources}
    products = []
    for d, a, b in st.products:
        rd, ra, rb = resolve(d), resolve(a), resolve(b)
        if isinstance(rd, int) and isinstance(ra, int) and isinstance(rb, int) and rd != ra * rb:
            raise ShapeError(f"size {rd} is not {ra}·{rb} (Kronecker product)", None)
        products.append((rd, ra, rb))
    readings = {key: how for key, how in st.choice.items() if key in symbols}
    collapsed = tuple(key for key, kind in st.kinds.items()  # arrays that unification shrank to size 1
                      if (kind == "matrix" and 1 in symbols[key]) or (kind == "vector" and symbols[key][0] == 1))
    for node_id, (label, kind) in st.leaf_kinds.items():  # I, 1, J of size 1 (``I = 1``, ``J = 3``)
        leaf = sources[node_id]
        if ((kind == "matrix" and 1 in leaf) or (kind == "vector" and leaf[0] == 1)) and label not in collapsed:
            collapsed += (label,)
    oddness = len(collapsed)
    seen: dict[str, None] = {}
    for dims_of in list(symbols.values()) + list(sources.values()) + products:
        for dim in dims_of:
            if isinstance(dim, str):
                seen.setdefault(dim, None)
    nodes = _NodeShapes(st.nodes, resolve, sources)
    return ShapeEnv(symbols, nodes, tuple(products), readings, tuple(seen), oddness, collapsed), oddness


class _NodeShapes(Mapping[int, Shape]):
    """``id(node)`` → shape, resolved on first use (most nodes are never asked about).

    Every size name already appears among the symbols, the context-shaped leaves and the
    Kronecker products, which `_finish` resolves eagerly; inner nodes only combine those.
    """

    def __init__(self, raw: Mapping[int, _S], resolve: Callable[[int], Dim], known: dict[int, Shape]) -> None:
        self._raw = raw
        self._resolve = resolve
        self._known = known

    def __getitem__(self, key: int) -> Shape:
        shape = self._known.get(key)
        if shape is None:
            s = self._raw[key]
            shape = self._known[key] = (self._resolve(s[0]), self._resolve(s[1]))
        return shape

    def __iter__(self) -> Iterator[int]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


_CONTEXT_SHAPED = (Identity, Ones, Zero, Query)


_SOURCES = (Identity, Ones, Zero, Query, Apply, MatrixLiteral)
"""Nodes whose shape may hold sizes of their own (not only their children's)."""


def _shape(node: Expr, st: _State) -> _S:
    known = st.nodes.get(id(node))
    if known is not None and not isinstance(node, _CONTEXT_SHAPED):
        return known  # the same object again (a shared subtree): its shape is its own
    cls = node.__class__
    rule = _RULES.get(cls)
    if rule is None:  # singledispatch is the registry; this cache skips its wrapper on the hot path
        rule = _RULES[cls] = _infer.dispatch(cls)
    s = rule(node, st)
    st.nodes[id(node)] = s
    if isinstance(node, _SOURCES):
        st.sources.append(id(node))
    return s


def _span(a: Expr, b: Expr) -> Loc | None:
    if a.loc is not None and b.loc is not None:
        return (min(a.loc[0], b.loc[0]), max(a.loc[1], b.loc[1]))
    return a.loc or b.loc


@singledispatch
def _infer(node: Expr, st: _State) -> _S:
    raise NotImplementedError(f"no shape rule for {type(node).__name__}")


_RULES: dict[type, Callable[[Expr, _State], _S]] = {}


@_infer.register(Symbol)
def _(node: Symbol, st: _State) -> _S:
    key = node.key
    known = st.symbols.get(key)
    if known is not None:
        return known
    declared = st.declared.get(key)
    if declared is not None:
        s = (st.dim(declared[0]), st.dim(declared[1]))
    else:
        kind = st.choice.get(key, node.kind)
        if kind in ("vector", "matrix"):
            st.kinds[key] = kind
        elif kind == "unknown":
            st.kinds[key] = "matrix" if is_capital(node.name) else "vector"
        if kind == "scalar":
            s = st.scalar
        elif kind == "vector":
            s = (st.fresh(), st.one)
        else:
            s = (st.fresh(), st.fresh())
    st.symbols[key] = s
    return s


@_infer.register(Number)
def _(node: Number, st: _State) -> _S:
    return st.scalar


@_infer.register(Identity)
def _(node: Identity, st: _State) -> _S:
    d = st.fresh()
    st.leaf_kinds[id(node)] = ("I", "matrix")
    return (d, d)


@_infer.register(Ones)
def _(node: Ones, st: _State) -> _S:
    st.leaf_kinds[id(node)] = ("1", "vector") if node.kind == "vector" else ("J", "matrix")
    return (st.fresh(), st.one if node.kind == "vector" else st.fresh())


@_infer.register(Zero)
@_infer.register(Query)
@_infer.register(Apply)
def _(node: Expr, st: _State) -> _S:
    if isinstance(node, Apply):
        for a in node.args:
            _shape(a, st)
    return (st.fresh(), st.fresh())


@_infer.register(Add)
def _(node: Add, st: _State) -> _S:
    shapes = [(a, _shape(a, st)) for a in node.args]
    first, s = shapes[0]
    for a, t in shapes[1:]:
        st.unify(s, t, lambda: f"cannot add {st.fmt(s)} ({describe(first)}) and {st.fmt(t)} ({describe(a)})",
                 _span(first, a))
    return s


@_infer.register(Mul)
def _(node: Mul, st: _State) -> _S:
    cur: _S | None = None
    left: list[Expr] = []
    for a in node.args:
        s = _shape(a, st)
        if st.is_scalar(s):
            continue
        if cur is None or st.is_scalar(cur):
            cur, left = s, [a]
            continue
        if not st.dims.union(cur[1], s[0]):
            lhs = left[0] if len(left) == 1 else Mul(tuple(left))
            raise ShapeError(f"cannot multiply {st.fmt(cur)} ({describe(lhs)}) by {st.fmt(s)} ({describe(a)})",
                             _span(left[-1], a))
        cur = (cur[0], s[1])
        left.append(a)
    return st.scalar if cur is None else cur


@_infer.register(Div)
def _(node: Div, st: _State) -> _S:
    n, d = _shape(node.num, st), _shape(node.den, st)
    if st.is_scalar(d):
        return n
    if st.is_scalar(n):
        return d
    st.unify(n, d, lambda: f"cannot divide {st.fmt(n)} ({describe(node.num)}) elementwise by "
                           f"{st.fmt(d)} ({describe(node.den)})", node.loc)
    return n


@_infer.register(Power)
def _(node: Power, st: _State) -> _S:
    b = _shape(node.base, st)
    e = _shape(node.exponent, st)
    st.unify(e, st.scalar, lambda: f"exponent {describe(node.exponent)} is not a scalar", node.exponent.loc)
    if not st.is_scalar(b):
        st.square(b, "power", node.base)
    return b


@_infer.register(Transpose)
def _(node: Transpose, st: _State) -> _S:
    s = _shape(node.arg, st)
    return (s[1], s[0])


@_infer.register(Inverse)
def _(node: Inverse, st: _State) -> _S:
    s = _shape(node.arg, st)
    if not st.is_scalar(s):
        st.square(s, "inverse", node.arg)
    return s


@_infer.register(Trace)
def _(node: Trace, st: _State) -> _S:
    st.square(_shape(node.arg, st), "trace", node.arg)
    return st.scalar


@_infer.register(Det)
def _(node: Det, st: _State) -> _S:
    st.square(_shape(node.arg, st), "determinant", node.arg)
    return st.scalar


@_infer.register(Abs)
def _(node: Abs, st: _State) -> _S:
    s = _shape(node.arg, st)
    if st.is_scalar(s) or st.dims.value(s[1]) == 1:
        return s  # |x| of a scalar, or entrywise of a vector
    st.square(s, "determinant |·|", node.arg)
    return st.scalar


@_infer.register(Func)
def _(node: Func, st: _State) -> _S:
    s = _shape(node.arg, st)
    if node.name == "vec":
        d = st.fresh()
        st.products.append((d, s[0], s[1]))
        return (d, st.one)
    if node.elementwise is False and not st.is_scalar(s):
        st.square(s, f"matrix function {node.name}", node.arg)
    return s


@_infer.register(Hadamard)
def _(node: Hadamard, st: _State) -> _S:
    return _elementwise(node, node.args, st, "take the Hadamard product of")


def _elementwise(node: Expr, args: Sequence[Expr], st: _State, verb: str) -> _S:
    shapes = [(a, _shape(a, st)) for a in args]
    first, s = shapes[0]
    for a, t in shapes[1:]:
        st.unify(s, t, lambda: f"cannot {verb} {st.fmt(s)} ({describe(first)}) and {st.fmt(t)} ({describe(a)})",
                 _span(first, a))
    return s


@_infer.register(Kron)
def _(node: Kron, st: _State) -> _S:
    if st.otimes == "hadamard":
        return _elementwise(node, node.args, st, "take the elementwise ⊗ of")
    shapes = [_shape(a, st) for a in node.args]
    cur = shapes[0]
    for s in shapes[1:]:
        r, c = st.fresh(), st.fresh()
        st.products.append((r, cur[0], s[0]))
        st.products.append((c, cur[1], s[1]))
        cur = (r, c)
    return cur


@_infer.register(Diag)
def _(node: Diag, st: _State) -> _S:
    s = _shape(node.arg, st)
    if st.is_scalar(s):
        return s
    if st.dims.value(s[1]) == 1:
        return (s[0], s[0])
    if st.dims.value(s[0]) == 1:
        return (s[1], s[1])
    st.square(s, "diag", node.arg)
    return (s[0], st.one)


@_infer.register(Norm)
def _(node: Norm, st: _State) -> _S:
    _shape(node.arg, st)
    return st.scalar


@_infer.register(Derivative)
def _(node: Derivative, st: _State) -> _S:
    w = _shape(node.wrt, st)
    if node.expr is None:
        raise NotImplementedError("a bare derivative operator has no shape")
    f = _shape(node.expr, st)
    if st.is_scalar(w):
        return f
    if not st.is_scalar(f) and st.dims.value(f[1]) == 1 and st.dims.value(w[1]) == 1:
        return (f[0], w[0]) if st.layout is Layout.NUMERATOR else (w[0], f[0])
    st.unify(f, st.scalar, lambda: f"derivative of a {st.fmt(f)} expression ({describe(node.expr) if node.expr is not None else '?'}) "
                                   f"by a {st.fmt(w)} variable is not a matrix", node.loc)
    return (w[1], w[0]) if st.layout is Layout.NUMERATOR else w


@_infer.register(Differential)
def _(node: Differential, st: _State) -> _S:
    return _shape(node.arg, st)


@_infer.register(Entry)
def _(node: Entry, st: _State) -> _S:
    _shape(node.base, st)
    return st.scalar


@_infer.register(Sum)
def _(node: Sum, st: _State) -> _S:
    return _shape(node.body, st)


@_infer.register(MatrixLiteral)
def _(node: MatrixLiteral, st: _State) -> _S:
    rows = node.rows
    if any(isinstance(x, Dots) for row in rows for x in row):
        for row in rows:
            for x in row:
                if not isinstance(x, Dots):
                    _shape(x, st)
        return (st.fresh(), st.fresh())
    for row in rows:
        for x in row:
            st.unify(_shape(x, st), st.scalar, lambda: f"entry {describe(x)} of a displayed matrix is not a scalar",
                     x.loc)
    return (st.dims.new(num=len(rows)), st.dims.new(num=max((len(r) for r in rows), default=0)))


@_infer.register(Dots)
def _(node: Dots, st: _State) -> _S:
    raise NotImplementedError("dots have no shape")


# --- short descriptions for messages ------------------------------------------------------

def describe(expr: Expr) -> str:
    """Plain-text rendering of ``expr`` for messages (the mathtex printer when available)."""
    try:
        from ..parsers.mathtex.printer import to_text

        return str(to_text(expr))
    except Exception:  # noqa: BLE001 - the printer is optional here; fall back to a sketch
        return _sketch(expr)


def _sketch(e: Expr) -> str:
    if isinstance(e, Symbol):
        return str(e.key)
    if isinstance(e, Number):
        return str(e.value)
    if isinstance(e, Transpose):
        return _wrap(e.arg) + "ᵀ"
    if isinstance(e, Inverse):
        return _wrap(e.arg) + "⁻¹"
    if isinstance(e, Mul):
        return "".join(_wrap(a) for a in e.args)
    if isinstance(e, Add):
        return " + ".join(_sketch(a) for a in e.args)
    if isinstance(e, (Trace, Det, Diag)):
        return {Trace: "tr", Det: "det", Diag: "diag"}[type(e)] + "(" + _sketch(e.arg) + ")"
    if isinstance(e, Func):
        return f"{e.name}({_sketch(e.arg)})"
    if isinstance(e, Identity):
        return "I"
    if isinstance(e, Ones):
        return "1" if e.kind == "vector" else "J"
    if isinstance(e, Zero):
        return "0"
    return type(e).__name__


def _wrap(e: Expr) -> str:
    text = _sketch(e)
    return f"({text})" if isinstance(e, (Add, Mul)) and len(e.args) > 1 else text


__all__ = ["Dim", "ShapeEnv", "ShapeError", "describe", "format_shape", "gradient_shape_ok", "infer_shapes",
           "shape_of"]
