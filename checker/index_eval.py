"""Numeric evaluation of index trees at one instance: labelled arrays contracted einsum-style,
complex-step derivatives by one entry, and the comparison of two evaluated sides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from ..parsers.expr import Expr, Identity, Ones, Zero
from . import index_tree as tree
from .index_sizes import canonical_sizes, size_names
from .index_tree import IndexUnsupported, Label, Slot
from .options import Layout
from .verdicts import Reason

if TYPE_CHECKING:
    import numpy as np

    from .index_read import IndexReader

_STEP = 1e-20
_RTOL = 1e-7
_MAX_ENTRIES = 200_000
"""Largest labelled array evaluated (entries); beyond it a claim is `unsupported`."""


@dataclass(frozen=True, slots=True)
class Labelled:
    """A labelled array: one axis per free index, in ``labels`` order."""

    labels: tuple[Label, ...]
    data: "np.ndarray"


class IndexEvaluator:
    """Evaluates index-tree nodes at one instance (numpy imported lazily by the caller)."""

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

    def contract(self, data, axes: Sequence[Label]) -> Labelled:  # type: ignore[no-untyped-def]
        """Give ``data``'s axes the labels ``axes``; a repeated label takes the diagonal."""
        order: list[Label] = []
        for label in axes:
            if label not in order:
                order.append(label)
        if len(order) == len(axes):
            return Labelled(tuple(axes), data)
        letters = {label: chr(ord("a") + i) for i, label in enumerate(order)}
        spec = "".join(letters[a] for a in axes) + "->" + "".join(letters[a] for a in order)
        return Labelled(tuple(order), self.np.einsum(spec, data))

    def align(self, t: Labelled, labels: Sequence[Label]):  # type: ignore[no-untyped-def]
        present = [label for label in labels if label in t.labels]
        data = self.np.transpose(t.data, [t.labels.index(label) for label in present]) \
            if t.labels else t.data
        shape = [data.shape[present.index(label)] if label in present else 1 for label in labels]
        return self.np.reshape(data, shape)

    def scalar(self, value) -> Labelled:  # type: ignore[no-untyped-def]
        return Labelled((), self.np.asarray(value, dtype=complex))

    def form(self, expr: Expr):  # type: ignore[no-untyped-def]
        from .evaluate import evaluate

        return self.np.asarray(evaluate(expr, self.values, self.readings,
                                        leaf_shapes=self.leaf_shapes, layout=self.layout))

    def matrix(self, source: tree.Source):  # type: ignore[no-untyped-def]
        if isinstance(source, tree.Sym):
            if source.key not in self.values:
                raise IndexUnsupported(f"no value for {source.key}")
            return self.np.asarray(self.values[source.key])
        if isinstance(source, tree.Form):
            return self.form(source.expr)
        return self.gradient(source)

    def select(self, arr, slots: Sequence[Slot]) -> Labelled:  # type: ignore[no-untyped-def]
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

    def side(self, side: tree.Side):  # type: ignore[no-untyped-def]
        if isinstance(side, tree.Whole):
            arr = self.matrix(side.source)
            return arr.reshape(arr.shape[-2:]) if arr.ndim >= 2 else arr.reshape(1, 1)
        return self.node(side)

    def node(self, n: tree.Node) -> Labelled:
        np = self.np
        if isinstance(n, tree.Const):
            return self.scalar(n.value)
        if isinstance(n, tree.Ref):
            return self.select(self.matrix(n.source), n.slots)
        if isinstance(n, tree.Delta):
            return self.delta(n)
        if isinstance(n, tree.Scalar):
            value = self.form(n.expr)
            if value.size != 1:
                raise IndexUnsupported("a matrix where index notation needs a number", Reason.SHAPE)
            return self.scalar(value.reshape(()))
        if isinstance(n, (tree.Add, tree.Mul, tree.Div, tree.Pow)):
            parts = n.terms if isinstance(n, tree.Add) else n.factors if isinstance(n, tree.Mul) else \
                (n.num, n.den) if isinstance(n, tree.Div) else (n.base, n.exponent)
            ts = [self.node(p) for p in parts]
            labels: list[Label] = []
            for t in ts:
                labels.extend(label for label in t.labels if label not in labels)
            arrays = [self.align(t, labels) for t in ts]
            if isinstance(n, tree.Add):
                out = sum(arrays[1:], arrays[0])
            elif isinstance(n, tree.Mul):
                out = arrays[0]
                for a in arrays[1:]:
                    out = out * a
            elif isinstance(n, tree.Div):
                if np.any(np.abs(arrays[1].real) < 1e-9):
                    raise OutsideDomain()
                out = arrays[0] / arrays[1]
            else:
                out = np.power(arrays[0], arrays[1])
            shape = [self.label_size(label) for label in labels]
            self.guard(shape)
            return Labelled(tuple(labels), np.broadcast_to(out, shape).astype(complex))
        if isinstance(n, tree.Fn):
            return self.function(n)
        if isinstance(n, tree.Sum):
            t = self.node(n.body)
            if n.label in t.labels:
                axis = t.labels.index(n.label)
                return Labelled(t.labels[:axis] + t.labels[axis + 1:], t.data.sum(axis=axis))
            return Labelled(t.labels, t.data * self.label_size(n.label))
        if isinstance(n, tree.Deriv):
            return self.derivative(n)
        raise IndexUnsupported(f"cannot evaluate {type(n).__name__}")  # pragma: no cover

    def delta(self, n: tree.Delta) -> Labelled:
        np = self.np
        a, b = n.slots
        if isinstance(a, str) and isinstance(b, str):
            size = self.label_size(a)
            if a == b:
                return Labelled((a,), np.ones(size, dtype=complex))
            return Labelled((a, b), np.eye(size, dtype=complex))
        if isinstance(a, int) and isinstance(b, int):
            return self.scalar(1.0 if a == b else 0.0)
        label, fixed = (a, b) if isinstance(a, str) else (b, a)
        vec = np.zeros(self.label_size(label), dtype=complex)
        if fixed < vec.size:
            vec[fixed] = 1.0
        return Labelled((label,), vec)  # type: ignore[arg-type]

    def function(self, n: tree.Fn) -> Labelled:
        np = self.np
        t = self.node(n.arg)
        z = t.data
        if n.name in ("log", "ln"):
            if np.any(z.real <= 0):
                raise OutsideDomain()
            out = np.log(z)
        elif n.name == "sqrt":
            if np.any(z.real <= 0):
                raise OutsideDomain()
            out = np.sqrt(z)
        elif n.name == "abs":
            out = np.where(z.real >= 0, z, -z)  # analytic off zero: complex steps pass through
        elif n.name == "sigma":
            out = 1.0 / (1.0 + np.exp(-z))
        else:
            out = getattr(np, n.name)(z)
        return Labelled(t.labels, out)

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

    def stepped(self, values, node: tree.Node) -> Labelled:  # type: ignore[no-untyped-def]
        saved, self.values = self.values, values
        self.stepping = True
        try:
            return self.node(node)
        finally:
            self.values = saved
            self.stepping = False

    def check_real(self, t: Labelled) -> None:
        data = t.data
        if data.size and float(self.np.abs(data.imag).max()) > 1e-9 * (1 + float(self.np.abs(data).max())):
            raise IndexUnsupported("complex values: no complex-step derivative here", Reason.DOMAIN)

    def derivative(self, n: tree.Deriv) -> Labelled:
        np = self.np
        assert isinstance(n.wrt.source, tree.Sym)
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

    def gradient(self, g: tree.Grad):  # type: ignore[no-untyped-def]
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


class OutsideDomain(Exception):
    """This sample is outside the domain (log of a non-positive entry...): draw another."""


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
        raise OutsideDomain()
    scale = 1.0 + max(float(np_mod.abs(a).max(initial=0.0)), float(np_mod.abs(b).max(initial=0.0)))
    return bool(np_mod.all(np_mod.abs(a - b) <= _RTOL * scale))


def compare_sides(ev: IndexEvaluator, written: Sequence[object], a, b) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Variant name → whether the two evaluated sides agree ({} when they cannot be lined up)."""
    np = ev.np
    if isinstance(a, Labelled) and isinstance(b, Labelled):
        labels: list[Label] = list(a.labels) + [x for x in b.labels if x not in a.labels]
        shape = [ev.label_size(x) for x in labels]
        return {"": _close(np, np.broadcast_to(ev.align(a, labels), shape),
                           np.broadcast_to(ev.align(b, labels), shape))}
    if isinstance(a, Labelled) or isinstance(b, Labelled):
        t, m, order = (a, b, written[0]) if isinstance(a, Labelled) else (b, a, written[1])
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


def numpy_module() -> Any:
    """numpy, imported the way `checker.evaluate` does (one BLAS thread)."""
    from . import evaluate  # noqa: F401 - sets the thread limit before numpy loads

    import numpy

    return numpy


def instance_values(reader: IndexReader, inst, k: int):  # type: ignore[no-untyped-def]
    """Values, leaf shapes and index sizes at one instance."""
    np = numpy_module()

    canon = canonical_sizes(reader)
    fallback = {name: 2 + ((i + k) % 5) for i, name in
                enumerate(sorted({str(canon(m)) for m in reader.sizes.parent}))}

    def size_of(member: object) -> int:
        name = canon(member)
        return name if isinstance(name, int) else inst.sizes.get(name, fallback[str(name)])

    def label_size(label: Label) -> int:
        return size_of(("label", label))

    values = dict(inst.values)
    for name in size_names(reader):  # ``n`` written as a value is the size it names
        if name in values:
            values[name] = np.full((1, 1), float(size_of(("size", name))))
    leaf_shapes = dict(inst.leaf_shapes)
    for source, slots in reader.form_slots:  # a bare ``I`` or ``\mathbf{1}`` side
        if isinstance(source, tree.Form) and isinstance(source.expr, (Identity, Ones, Zero)):
            dims = [label_size(x) if isinstance(x, str) else x + 1 for x in slots]
            leaf_shapes[id(source.expr)] = (dims[0], dims[-1] if len(dims) == 2 else 1)
    return values, leaf_shapes, label_size
