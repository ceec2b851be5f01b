"""Instances for the oracle: definitions resolved, shapes made concrete, values drawn in the domain.

Sizes: every size name tied to a symbol gets a different size ≥ 3, increasing in instance 0
(``m, n = 3, 4``) and decreasing in instance 1 (``m, n = 6, 5``), so instances are independent,
non-square wherever the shapes allow, and meet both ``m < n`` and ``m > n``. A size name used
as a scalar (the ``n`` of ``c^n``) takes its size; a lone exponent symbol (``A^k``) is a small
integer. Values: Gaussian entries by default; positive entries for symbols under ``log``,
``sqrt`` or a denominator; a shifted diagonal (well-conditioned, det > 0) for square symbols
under an inverse or determinant; the document's assumptions (symmetric, spd, diagonal,
orthogonal, invertible, positive) always. A sample that still falls outside the domain is
redrawn at a safer tier (all entries positive, then also shifted). Draws are deterministic for
a seed.

Example::

    >>> from mathlint.checker.claims import Context
    >>> from mathlint.parsers.expr import Mul, Symbol
    >>> A, X = Symbol("A", "matrix"), Symbol("X", "matrix")
    >>> ctx = Context(shapes={"X": ("m", "n")})
    >>> [inst.shapes["X"] for inst in sample_instances([Mul((X, A))], ctx, seed=1)]
    [(3, 4), (8, 7)]
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Div, Expr, Func, Identity, Inverse, Mul, Norm, Number, Ones, Power, Query,
    Symbol, Transpose, Zero, map_children, walk,
)
from .claims import Context
from .evaluate import ELEMENTWISE, DomainError, EvaluationError, Readings, evaluate, np
from .options import Layout
from .shapes import ShapeEnv, ShapeError, describe, infer_shapes
from .verdicts import Reason

Array = Any

ATTEMPTS = (0, 0, 1, 1, 2, 2)
"""Sampling tier per attempt at one instance: 0 natural, 1 positive entries, 2 positive + shifted."""
SIZES = (3,)
"""The smallest size handed to a free size name (see `Sampler.sizes`)."""
SIZE_LETTERS = frozenset({"n", "m", "N", "M", "d", "D", "k", "K", "p", "q"})
"""Scalar names that, next to an ``I``/``1``/``J`` of unstated size, usually are that size."""
MAX_SIZE = 400
"""Beyond this (nested Kronecker products) a claim is not evaluated."""


class Unsupported(Exception):
    """The oracle cannot decide this claim; ``reason`` says why (a `Reason`)."""

    def __init__(self, reason: Reason, detail: str = "", loc: tuple[int, int] | None = None) -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail
        self.loc = loc
        """Where the problem is (local offsets of the offending node), when known."""


@dataclass(frozen=True, slots=True)
class Instance:
    """Concrete values for every symbol of a claim, at concrete sizes."""

    values: Mapping[str, Array]
    """Symbol key → array ``(rows, cols)`` (scalars ``(1, 1)``)."""
    sizes: Mapping[str, int]
    """Size name (``"m"``, ``"#1"``) → the size used."""
    shapes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Symbol key → concrete shape."""
    leaf_shapes: Mapping[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    """``id(node)`` → shape of the ``I``/``1``/``J``/``0`` nodes of ``exprs``."""
    exprs: tuple[Expr, ...] = field(default=(), repr=False)
    """The resolved trees the instance was drawn for (definitions substituted)."""


# --- preparing trees ------------------------------------------------------------------------

def resolve(exprs: Sequence[Expr], ctx: Context, keep: Iterable[str] = ()) -> tuple[Expr, ...]:
    """Substitute the document's definitions (recursively, cycle-safe; never the names in ``keep``)
    and return trees whose context-shaped leaves (``I``, ``1``, ``J``, ``0``) are distinct objects."""
    return prepare(exprs, ctx, keep, check=False).exprs


@dataclass(frozen=True, slots=True)
class Prepared:
    """Trees ready for the oracle, with what one walk over them found."""

    exprs: tuple[Expr, ...]
    nodes: tuple[Expr, ...]
    """Every node of every tree, pre-order."""
    keys: tuple[str, ...]
    """Symbol keys in first-seen order."""
    expr_keys: tuple[frozenset[str], ...]
    """The symbol keys of each tree."""
    leaves: tuple[Expr, ...]
    """The ``I``/``1``/``J``/``0`` nodes, whose sizes come from context."""


def prepare(exprs: Sequence[Expr], ctx: Context, keep: Iterable[str] = (), check: bool = True) -> Prepared:
    """`resolve` the trees and walk them once; with ``check``, reject what cannot be evaluated
    (undefined functions, ``?``, derivatives of undefined names) as `Unsupported`."""
    keep = frozenset(keep)
    defs = ctx.definitions
    out = tuple(exprs)
    per_expr = [list(walk(e)) for e in out]
    if any((isinstance(n, Symbol) and n.key in defs and n.key not in keep) or isinstance(n, Apply)
           for nodes in per_expr for n in nodes):
        out = tuple(_substitute(e, defs, keep, 0) for e in out)
        per_expr = [list(walk(e)) for e in out]
    if any(isinstance(n, Abs) and _bold_vector_sum(n.arg) for nodes in per_expr for n in nodes):
        out = tuple(_vector_lengths(e) for e in out)
        per_expr = [list(walk(e)) for e in out]
    leaves = [n for nodes in per_expr for n in nodes if isinstance(n, (Identity, Ones, Zero, Query))]
    if len({id(n) for n in leaves}) != len(leaves):
        out = tuple(_copy(e) for e in out)
        per_expr = [list(walk(e)) for e in out]
        leaves = [n for nodes in per_expr for n in nodes if isinstance(n, (Identity, Ones, Zero, Query))]
    keys: dict[str, None] = {}
    expr_keys: list[frozenset[str]] = []
    for nodes in per_expr:
        own: set[str] = set()
        for n in nodes:
            if isinstance(n, Symbol):
                keys.setdefault(n.key, None)
                own.add(n.key)
            elif check and isinstance(n, (Apply, Query, Derivative)):
                _reject(n)
        expr_keys.append(frozenset(own))
    return Prepared(out, tuple(n for nodes in per_expr for n in nodes), tuple(keys), tuple(expr_keys),
                    tuple(n for n in leaves if not isinstance(n, Query)))


def _vector_lengths(e: Expr) -> Expr:
    """``|\\mathbf{x}|``, ``|\\mathbf{A}\\mathbf{x} - \\mathbf{b}|``: bars around a bold vector are its
    Euclidean length (as notes write |x|² = xᵀx), not entrywise absolute values."""
    e = map_children(e, _vector_lengths)
    if isinstance(e, Abs) and _bold_vector_sum(e.arg):
        return Norm(e.arg, None, loc=e.loc, note=e.note)
    return e


def _bold_vector_sum(e: Expr) -> bool:
    """A bold lowercase vector, a product ending in one (``\\mathbf{A}\\mathbf{x}``, ``2\\mathbf{x}``; no
    transposes, so not ``\\mathbf{a}^T\\mathbf{x}``), or a sum of those."""
    if isinstance(e, Symbol):
        return e.kind == "vector"
    if isinstance(e, Mul) and e.args:
        return _bold_vector_sum(e.args[-1]) and not any(
            isinstance(a, Transpose) or (isinstance(a, Symbol) and a.kind == "vector") for a in e.args[:-1])
    if isinstance(e, Add):
        return all(_bold_vector_sum(a) for a in e.args)
    return False


def _substitute(e: Expr, defs: Mapping[str, Expr], keep: frozenset[str], depth: int) -> Expr:
    if isinstance(e, Symbol):
        target = defs.get(e.key)
        if target is None or e.key in keep or depth > 8 or e.key in free_keys([target]):
            return e  # (y = 3x^2 y is an equation about y, not its definition)
        return _substitute(target, defs, keep | {e.key}, depth + 1)
    if isinstance(e, Apply) and isinstance(e.func, Symbol) and e.func.key in defs and e.func.key not in keep:
        if all(isinstance(a, Symbol) for a in e.args) and depth <= 8:
            return _substitute(defs[e.func.key], defs, keep | {e.func.key}, depth + 1)
        return e
    if isinstance(e, Apply) and isinstance(e.func, Symbol) and e.func.key in KNOWN_FUNCTIONS and len(e.args) == 1:
        # vec(X), sigmoid(x) read as a name applied: the function it names
        return Func(e.func.key, _substitute(e.args[0], defs, keep, depth), loc=e.loc, note=e.note)
    return map_children(e, lambda c: _substitute(c, defs, keep, depth))


KNOWN_FUNCTIONS = frozenset(ELEMENTWISE) | {"vec"}
"""Names that mean a function even when the parser saw only ``name(arg)``."""


def _copy(e: Expr) -> Expr:
    return map_children(e, _copy, force=True)


def free_keys(exprs: Iterable[Expr]) -> dict[str, None]:
    keys: dict[str, None] = {}
    for e in exprs:
        for node in walk(e):
            if isinstance(node, Symbol):
                keys.setdefault(node.key, None)
    return keys


def reject_undefined(exprs: Sequence[Expr]) -> None:
    """Raise `Unsupported` for what cannot be evaluated: undefined functions, ``?``, ∂ of an undefined name."""
    for e in exprs:
        for node in walk(e):
            _reject(node)


def _reject(node: Expr) -> None:
    if isinstance(node, Apply):
        name = node.func.key if isinstance(node.func, Symbol) else describe(node.func)
        raise Unsupported(Reason.UNDEFINED, f"`{name}` is not defined in the document", node.loc)
    if isinstance(node, Query):
        raise Unsupported(Reason.NOT_SUPPORTED, "nothing to check (`?`)", node.loc)
    if isinstance(node, Derivative):
        if node.expr is None:
            raise Unsupported(Reason.NOT_SUPPORTED, "a derivative operator without a function", node.loc)
        inner, wrt = node.expr, node.wrt
        wrt_key = wrt.arg.key if isinstance(wrt, Transpose) and isinstance(wrt.arg, Symbol) else \
            getattr(wrt, "key", None)
        if isinstance(inner, Symbol) and inner.key != wrt_key:
            raise Unsupported(Reason.UNDEFINED, f"`{inner.key}` is not defined in the document", node.loc)
        if wrt_key is not None and wrt_key not in free_keys([inner]):
            raise Unsupported(Reason.UNDEFINED, f"{describe(inner)} does not depend on {wrt_key} as written",
                              node.loc)


def collapsed_message(env: ShapeEnv) -> str:
    names = ", ".join(env.collapsed)
    return f"the shapes only agree if {names} {'is' if len(env.collapsed) == 1 else 'are'} 1×1 " \
           f"(vectors multiplied without a transpose?)"


def infer(exprs: Sequence[Expr], ctx: Context, pairs: Sequence[tuple[Expr, Expr]] = (),
           layout: Layout = Layout.DENOMINATOR, otimes: str = "kron") -> ShapeEnv:
    square = {k for k, v in ctx.assumptions.items() if _SQUARE & {a.lower() for a in v}}
    if square:  # a symmetric (spd, orthogonal, diagonal...) matrix is square: tie it to its transpose
        found = {n.key: n for e in exprs for n in walk(e) if isinstance(n, Symbol) and n.key in square}
        pairs = tuple(pairs) + tuple((sym, Transpose(sym)) for sym in found.values())
    try:
        env = infer_shapes(exprs, ctx.shapes, pairs=pairs, layout=layout, otimes=otimes)
        if env.collapsed and not pairs:
            raise Unsupported(Reason.SHAPE, collapsed_message(env))
        return env
    except ShapeError as exc:
        raise Unsupported(Reason.SHAPE, exc.message, exc.loc) from None
    except NotImplementedError as exc:
        raise Unsupported(Reason.NOT_SUPPORTED, str(exc)) from None


_SQUARE = frozenset({"symmetric", "spd", "orthogonal", "diagonal", "invertible", "positive definite",
                     "nonsingular", "pd", "psd", "skew-symmetric", "unitary"})

# --- sampling -------------------------------------------------------------------------------

_ASSUMPTION_SYNONYMS = {
    "positive definite": "spd", "pd": "spd", "positive-definite": "spd", "psd": "spd",
    "symmetric positive definite": "spd", "nonsingular": "invertible", "non-singular": "invertible",
    "orthonormal": "orthogonal", "unitary": "orthogonal",
}


def _requirements(exprs: Sequence[Expr]) -> dict[str, set[str]]:
    """Symbol key → {"positive", "invertible"} from where it stands (under log, inverse...)."""
    req: dict[str, set[str]] = {}

    def visit(node: Expr, positive: bool, invertible: bool) -> None:
        if isinstance(node, Symbol):
            flags = req.setdefault(node.key, set())
            if positive:
                flags.add("positive")
            if invertible:
                flags.add("invertible")
            return
        if isinstance(node, Func) and node.name in ("log", "sqrt"):
            visit(node.arg, True, invertible)
            return
        if isinstance(node, Div):
            visit(node.num, positive, invertible)
            visit(node.den, True, invertible)
            return
        if isinstance(node, (Inverse, Det)):
            visit(node.arg, False, True)  # shifted samples keep det > 0 without positive entries
            return
        if isinstance(node, Power):
            exponent = node.exponent
            if isinstance(exponent, Symbol):  # A^n, x^k: a lone exponent symbol is an integer
                req.setdefault(exponent.key, set()).add("integer")
                visit(node.base, positive, invertible)
                return
            integer = isinstance(exponent, Number) and exponent.value.denominator == 1
            negative = integer and isinstance(exponent, Number) and exponent.value < 0
            visit(node.base, positive or not integer, invertible or negative)
            visit(exponent, positive, invertible)
            return
        for child in node.children():
            visit(child, positive, invertible)

    for e in exprs:
        visit(e, False, False)
    return req


def _assumptions(ctx: Context, key: str) -> set[str]:
    raw = ctx.assumptions.get(key)
    if not raw:
        return set()
    return {_ASSUMPTION_SYNONYMS.get(a.lower(), a.lower()) for a in raw}


class Sampler:
    """Draws instances for one problem; deterministic for a seed (draws happen in a fixed order)."""

    def __init__(self, prepared: Prepared, env: ShapeEnv, ctx: Context, seed: int) -> None:
        self.exprs = prepared.exprs
        self.env = env
        self.ctx = ctx
        self.rng = _generator(seed, self)
        self.requirements = _requirements(prepared.exprs) if any(
            isinstance(n, (Func, Div, Inverse, Det, Power)) for n in prepared.nodes) else {}
        self.keys = prepared.keys
        self.leaves = prepared.leaves
        self.cache: dict[tuple[int, int], Instance] = {}
        products = {t[0] for t in env.products if isinstance(t[0], str)}
        tied = {d for shape in env.symbols.values() for d in shape if isinstance(d, str)}
        free = [n for n in env.size_names() if n not in products]
        self.names = [n for n in free if n in tied or not n.startswith("#")]
        """Size names tied to symbols: each gets its own size."""
        self.leaf_only = [n for n in free if n not in self.names]
        """Sizes only an ``I``, ``1`` or ``J`` has (``J 1``, ``tr(I)``): they share one size, since two
        sides that write the same notation mean the same size."""
        self.flags = {key: self.requirements.get(key, set()) | _assumptions(ctx, key) for key in self.keys}
        """Symbol key → what its samples must satisfy (from where it stands, and the document)."""

    def sizes(self, k: int) -> dict[str, int]:
        """Sizes for instance ``k``: all different within an instance, ≥ 3.

        Even instances hand out increasing sizes (``m, n = 3, 4``), odd ones decreasing sizes from
        further along (``m, n = 6, 5``): every name changes size between instances 0 and 1, and
        both ``m < n`` and ``m > n`` are met.
        """
        names = self.names
        count = len(names)
        j = k // 2
        first = SIZES[0] - (1 if self.env.products else 0)  # Kronecker sizes multiply: start smaller
        if k % 2 == 0:
            chosen = [first + j + i for i in range(count)]
        else:
            chosen = [first + j + 2 * count - 1 - i for i in range(count)]
        sizes = dict(zip(names, chosen))
        common = max(chosen, default=first + j) + 1
        for name in self.leaf_only:
            sizes[name] = common
        for _ in range(4):
            for d, a, b in self.env.products:
                if isinstance(d, str):
                    sizes[d] = self._size(a, sizes) * self._size(b, sizes)
        if sizes and max(sizes.values()) > MAX_SIZE:
            raise Unsupported(Reason.NOT_SUPPORTED, f"matrices of size {max(sizes.values())} would be needed")
        return sizes

    @staticmethod
    def _size(d: object, sizes: Mapping[str, int]) -> int:
        return d if isinstance(d, int) else sizes.get(str(d), 1)

    def concrete(self, shape: tuple[object, object], sizes: Mapping[str, int]) -> tuple[int, int]:
        return (self._size(shape[0], sizes), self._size(shape[1], sizes))

    def instance(self, k: int, attempt: int) -> Instance:
        cached = self.cache.get((k, attempt))
        if cached is not None:
            return cached
        tier = ATTEMPTS[min(attempt, len(ATTEMPTS) - 1)]
        sizes = self.sizes(k)
        shapes: dict[str, tuple[int, int]] = {}
        values: dict[str, Array] = {}
        flags = self.flags
        for key in self.keys:
            shape = self.concrete(self.env.symbols.get(key, (1, 1)), sizes)
            shapes[key] = shape
            if shape == (1, 1) and key in sizes:  # the n of c^n when X is n×n: the size itself
                values[key] = np.full((1, 1), float(sizes[key]))
                continue
            if shape == (1, 1) and self.leaf_only and key in SIZE_LETTERS:  # 1^T 1 = n
                values[key] = np.full((1, 1), float(sizes[self.leaf_only[0]]))
                continue
            values[key] = _draw(self.rng, shape, flags[key], tier)
        leaf_shapes = {id(n): self.concrete(self.env.nodes[id(n)], sizes) for n in self.leaves
                       if id(n) in self.env.nodes}
        inst = Instance(values, sizes, shapes, leaf_shapes, self.exprs)
        self.cache[(k, attempt)] = inst
        return inst

    def directions(self, key: str, shape: tuple[int, int], count: int | None = None) -> Array:
        """Random directions for ``key``, respecting its structure (symmetric, diagonal...)."""
        size = shape if count is None else (count,) + shape
        d = self.rng.standard_normal(size)
        flags = _assumptions(self.ctx, key)
        if flags & {"symmetric", "spd"} and shape[0] == shape[1]:
            d = 0.5 * (d + np.swapaxes(d, -1, -2))
        if "diagonal" in flags and shape[0] == shape[1]:
            d = d * np.eye(shape[0])
        return d


_local = threading.local()


def _generator(seed: int, owner: object) -> Any:
    """A numpy Generator for ``seed``.

    Building a PCG64 costs ~30 µs (seed hashing), more than a whole check, so each thread keeps
    one and re-seeds it; a second owner alive at the same time gets a generator of its own.
    """
    x = (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % (1 << 128)
    x ^= x >> 67
    x = (x * 0xD1B54A32D192ED03AEF1) % (1 << 128)  # mix, so nearby seeds give unrelated streams
    state = {"bit_generator": "PCG64", "state": {"state": x, "inc": 0xDA3E39CB94B95BDB},
             "has_uint32": 0, "uinteger": 0}
    slot = getattr(_local, "slot", None)
    if slot is not None and slot[1]() is not None:
        gen = np.random.Generator(np.random.PCG64(0))
    else:
        gen = slot[0] if slot is not None else np.random.Generator(np.random.PCG64(0))
        _local.slot = (gen, weakref.ref(owner))
    gen.bit_generator.state = state
    return gen


def _draw(rng: Any, shape: tuple[int, int], flags: set[str], tier: int) -> Array:
    r, c = shape
    positive = "positive" in flags or tier >= 1
    if r == 1 and c == 1 and "integer" in flags:
        return np.full((1, 1), float(rng.integers(2, 5)))
    if r == 1 and c == 1:
        v = rng.uniform(0.5, 1.5, (1, 1))
        return v if positive else v * rng.choice((-1.0, 1.0))
    square = r == c
    if square and "orthogonal" in flags:
        q, rr = np.linalg.qr(rng.standard_normal((r, r)))
        return q * np.sign(np.diag(rr))
    if square and "spd" in flags:
        b = rng.uniform(0.5, 1.5, (r, r)) if positive else rng.standard_normal((r, r))
        return b @ b.T / r + 0.5 * np.eye(r)
    if square and "diagonal" in flags:
        v = rng.uniform(0.5, 1.5, r)
        return np.diag(v if positive else v * rng.choice((-1.0, 1.0), r))
    base = rng.uniform(0.5, 1.5, shape) if positive else rng.standard_normal(shape)
    if square and "symmetric" in flags:
        base = 0.5 * (base + base.T)
    if square and ("invertible" in flags or tier >= 2):
        base = base + ((1.0 + 0.5 * np.sqrt(r)) if positive else 1.5 * np.sqrt(r)) * np.eye(r)
    return base


def sample_instances(exprs: Sequence[Expr], ctx: Context, seed: int, count: int = 2) -> list[Instance]:
    """``count`` independent instances for ``exprs`` (definitions substituted), each checked to
    lie in the domain of every expression (raises `Unsupported` with reason domain if not)."""
    prepared = prepare(exprs, ctx)
    resolved = prepared.exprs
    env = infer(resolved, ctx)
    sampler = Sampler(prepared, env, ctx, seed)
    out = []
    for k in range(count):
        for attempt in range(len(ATTEMPTS)):
            inst = sampler.instance(k, attempt)
            try:
                for e in resolved:
                    _finite(evaluate(e, inst.values, leaf_shapes=inst.leaf_shapes))  # (quiet inside)
            except DomainError:
                continue
            except EvaluationError as exc:
                raise Unsupported(Reason.NOT_SUPPORTED, str(exc)) from None
            out.append(inst)
            break
        else:
            raise Unsupported(Reason.DOMAIN, "no sample inside the domain of the expressions")
    return out


def _finite(a: Array) -> Array:
    if not np.all(np.isfinite(a)):
        raise DomainError("not finite here")
    return a


def evaluate_at(expr: Expr, inst: Instance, ctx: Context | None = None, readings: Readings = Readings(),
                layout: Layout = Layout.DENOMINATOR) -> Array:
    """Evaluate any ``expr`` at an instance (e.g. a term of a claim, a derived answer).

    Names that have no value at the instance are substituted from ``ctx.definitions``; sizes of
    ``I``/``1``/``J``/``0`` are inferred from the instance's shapes. Raises `Unsupported`.
    """
    if ctx is not None:
        (expr,) = resolve([expr], ctx, keep=inst.values.keys())
    leaf_shapes = dict(inst.leaf_shapes)
    leaves = [n for n in walk(expr) if isinstance(n, (Identity, Ones, Zero)) and id(n) not in leaf_shapes]
    if leaves:
        declared = {k: v for k, v in inst.shapes.items()}
        try:
            env = infer_shapes([expr], declared, layout=layout, otimes=readings.otimes)
        except ShapeError as exc:
            raise Unsupported(Reason.SHAPE, exc.message, exc.loc) from None
        for n in leaves:
            s = env.nodes[id(n)]
            leaf_shapes[id(n)] = (s[0] if isinstance(s[0], int) else 1, s[1] if isinstance(s[1], int) else 1)
    try:
        return evaluate(expr, inst.values, readings, leaf_shapes=leaf_shapes, layout=layout)
    except EvaluationError as exc:
        raise Unsupported(Reason.NOT_SUPPORTED, str(exc)) from None


def true_gradient(f: Expr, wrt: Expr, inst: Instance, readings: Readings = Readings(),
                  ctx: Context | None = None) -> Array:
    """∂f/∂X at ``inst`` by complex steps along every entry, in denominator layout (shape of X)."""
    return evaluate_at(Derivative(f, wrt), inst, ctx, readings, Layout.DENOMINATOR)

__all__ = [
    "ATTEMPTS", "Instance", "Prepared", "collapsed_message", "SIZES", "Sampler", "prepare", "Unsupported", "evaluate_at", "free_keys", "infer", "reject_undefined", "resolve",
    "sample_instances", "true_gradient",
]
