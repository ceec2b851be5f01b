"""Sizes of index ranges and matrix shapes: size classes, their agreement with shape inference,
and the instance sampler that honours fixed indices (``A_{13}`` needs 3 columns).

A size class joins members: ``("label", l)`` an index, ``("axis", key, a)`` an axis of a matrix,
``("size", n)`` a size name, ``("int", k)`` a fixed size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..parsers.expr import Expr, Symbol
from . import index_tree as tree
from .claims import Context
from .index_tree import IndexUnsupported, Label
from .options import Layout
from .verdicts import Reason

if TYPE_CHECKING:
    from .index_read import IndexReader


@dataclass
class UnionFind:
    """Size classes: members joined when the claim forces their sizes equal."""

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


def dim_member(dim: object) -> object:
    """The member for a dim of a shape: ``3`` → ``("int", 3)``, ``"n"`` → ``("size", "n")``."""
    if isinstance(dim, int) and not isinstance(dim, bool):
        return ("int", dim)
    return ("size", str(dim))


def canonical_sizes(reader: IndexReader) -> Callable[[object], object]:
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


def infer_index_shapes(reader: IndexReader, ctx: Context):  # type: ignore[no-untyped-def]
    """Shapes of every symbol, consistent with both the indices and the matrix forms.

    A first pass over the matrix forms alone (unknown sizes come back as ``#k``) ties their
    sizes to the indices; the second pass declares every size by its class's name and must
    agree with itself.
    """
    exprs = list(reader.forms) + [Symbol(key, "vector" if n == 1 else "matrix")
                                  for key, n in reader.arity.items()]
    env = _shapes(exprs, dict(ctx.shapes), reader, ctx)
    _tie(env, reader)
    _pin_example_sizes(reader)
    for _ in range(3):
        canon = canonical_sizes(reader)
        declared: dict[str, tuple[object, object]] = dict(ctx.shapes)
        for key, shape in env.symbols.items():
            declared[key] = (canon(dim_member(shape[0])), canon(dim_member(shape[1])))
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


def _pin_example_sizes(reader: IndexReader) -> None:
    """A size only fixed indices reach (``\\det A = A_{11}A_{22} - A_{12}A_{21}``) is the
    example's size: the smallest that holds them."""
    for members in reader.sizes.classes().values():
        if any(isinstance(m, tuple) and (m[0] in ("label", "int") or (
                m[0] == "size" and not str(m[1]).startswith(("#", "~")))) for m in members):
            continue
        least = max((reader.least.get(m, 0) for m in members), default=0)
        if least:
            reader.sizes.union(members[0], ("int", least))


def _shapes(exprs: Sequence[Expr], declared: Mapping[str, object], reader: IndexReader, ctx: Context):  # type: ignore[no-untyped-def]
    from .shapes import ShapeError, infer_shapes

    try:
        return infer_shapes(exprs, declared, layout=reader.layout,  # type: ignore[arg-type]
                            otimes=ctx.otimes or "kron")
    except ShapeError as exc:
        raise IndexUnsupported(exc.message, Reason.SHAPE) from None
    except NotImplementedError as exc:
        raise IndexUnsupported(str(exc)) from None


def _tie(env, reader: IndexReader) -> None:  # type: ignore[no-untyped-def]
    """Join the sizes shape inference found to the index classes."""
    for key, shape in env.symbols.items():
        for d in shape:
            reader.sizes.find(dim_member(d))
        if key in reader.arity:
            dims = [d for d in shape if d != 1] if reader.arity[key] == 1 else list(shape)
            if len(dims) != reader.arity[key]:
                raise IndexUnsupported(f"{key} has {reader.arity[key]} indices but shape "
                                       f"{shape}", Reason.SHAPE)
            for a, d in enumerate(dims):
                reader.sizes.union(("axis", key, a), dim_member(d))
    for source, slots in reader.form_slots:
        is_grad = isinstance(source, tree.Grad)
        shape = env.symbols.get(source.key) if isinstance(source, tree.Grad) else env.nodes.get(id(source.expr))
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
                reader.sizes.union(("label", s), dim_member(d))
            elif isinstance(d, int) and s >= d:
                raise IndexUnsupported("an index beyond the matrix", Reason.SHAPE)
            else:
                reader.need(dim_member(d), s + 1)


def _signature(reader: IndexReader) -> frozenset[frozenset[object]]:
    """The size classes, ignoring the throw-away ``#k``/``~k`` names of one inference run."""
    return frozenset(frozenset(m for m in members if not (isinstance(m, tuple) and m[0] == "size"
                                                         and str(m[1]).startswith(("#", "~"))))
                     for members in reader.sizes.classes().values())


def index_sampler(reader: IndexReader, ctx: Context, env, exprs: list[Expr], seed: int):  # type: ignore[no-untyped-def]
    """An oracle `Sampler` whose sizes honour fixed indices (``A_{13}`` needs 3 columns)."""
    import dataclasses

    from .instances import Sampler, prepare

    canon = canonical_sizes(reader)
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


def size_names(reader: IndexReader) -> frozenset[str]:
    """Size names the claim met (``n`` of ``\\sum_{i=1}^n``, declared dims, ``#k``)."""
    return frozenset(str(m[1]) for m in reader.sizes.parent
                     if isinstance(m, tuple) and m[0] == "size")


def check_ranges(reader: IndexReader, sides: Sequence[tree.Side]) -> None:
    """A summed index whose range nothing fixes (``\\sum_i c``) cannot be evaluated."""
    bound: set[Label] = set()

    def visit(n: object) -> None:
        if isinstance(n, tree.Sum):
            bound.add(n.label)
        for child in tree.children(n):
            visit(child)

    for side in sides:
        visit(side)
    classes = reader.sizes.classes()
    for label in bound:
        members = classes.get(reader.sizes.find(("label", label)), [])
        if all(isinstance(m, tuple) and m[0] == "label" and "#" in str(m[1])
               for m in members):
            raise IndexUnsupported(f"the range of the sum over {label.split('#')[0]} is unknown")
