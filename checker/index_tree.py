"""The tree an index expression is read into: entries, Σ-sums, free labels, Einstein's convention.

`index_read` builds it from `Expr`; `index_eval` evaluates it. Bound indices are renamed apart
(``p#1``), so a label names one index wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..parsers.expr import Expr
from .verdicts import Reason

Label = str
Slot = Label | int
"""An index position: a label (free or bound index) or a fixed 0-based position."""


class IndexUnsupported(Exception):
    """This index claim cannot be decided (converted to `oracle.Unsupported` at the boundary)."""

    def __init__(self, detail: str, reason: Reason = Reason.NOT_SUPPORTED) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Sym:
    """A matrix or vector named by its symbol key (``A`` of ``a_{ij}``)."""

    key: str


@dataclass(frozen=True, slots=True)
class Form:
    """A matrix expression (``AB``, ``X^T``), evaluated by `checker.evaluate`."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class Grad:
    """∂num/∂X as a matrix (num has no free index), in the layout of the claim."""

    num: "Node"
    key: str


Source = Sym | Form | Grad


@dataclass(frozen=True, slots=True)
class Const:
    """A number."""

    value: complex


@dataclass(frozen=True, slots=True)
class Ref:
    """The entry of ``source`` at ``slots`` (one slot for a vector, two for a matrix)."""

    source: Source
    slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class Delta:
    """Kronecker's delta (also ``I_{ij}``)."""

    slots: tuple[Slot, Slot]


@dataclass(frozen=True, slots=True)
class Scalar:
    """An expression without indices that is a number (``\\operatorname{tr}(AB)``, ``n``)."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class Add:
    """A sum of terms."""

    terms: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Mul:
    """A product of factors."""

    factors: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Div:
    """A quotient, entry by entry."""

    num: "Node"
    den: "Node"


@dataclass(frozen=True, slots=True)
class Pow:
    """A power, entry by entry."""

    base: "Node"
    exponent: "Node"


@dataclass(frozen=True, slots=True)
class Fn:
    """A function applied entry by entry (``log``, ``exp``, ``abs``...)."""

    name: str
    arg: "Node"


@dataclass(frozen=True, slots=True)
class Sum:
    """A Σ over one (renamed-apart) label."""

    label: Label
    body: "Node"


@dataclass(frozen=True, slots=True)
class Deriv:
    """∂num/∂ one entry (``wrt``), by complex step."""

    num: "Node"
    wrt: Ref


@dataclass(frozen=True, slots=True)
class Whole:
    """A side that is a whole matrix (``A^T``, ``\\partial f/\\partial X``), not an entry."""

    source: Source


Node = Const | Ref | Delta | Scalar | Add | Mul | Div | Pow | Fn | Sum | Deriv
Side = Node | Whole


def free_labels(node: Node) -> frozenset[Label]:
    """Labels of ``node`` not bound by a sum inside it."""
    if isinstance(node, (Ref, Delta)):
        return frozenset(s for s in node.slots if isinstance(s, str))
    if isinstance(node, Sum):
        return free_labels(node.body) - {node.label}
    if isinstance(node, Deriv):
        return free_labels(node.num) | free_labels(node.wrt)
    if isinstance(node, (Add, Mul)):
        parts = node.terms if isinstance(node, Add) else node.factors
        return frozenset().union(*(free_labels(p) for p in parts))
    if isinstance(node, Div):
        return free_labels(node.num) | free_labels(node.den)
    if isinstance(node, Pow):
        return free_labels(node.base) | free_labels(node.exponent)
    if isinstance(node, Fn):
        return free_labels(node.arg)
    return frozenset()


def _labels(node: Node) -> list[Label]:
    """Free labels with multiplicity (for Einstein's convention)."""
    if isinstance(node, (Ref, Delta)):
        return [s for s in node.slots if isinstance(s, str)]
    return sorted(free_labels(node))


def einstein_reading(node: Node) -> Node:
    """Sum every index repeated within one product (or one entry, ``X_{ii}``)."""
    if isinstance(node, Ref):
        return _wrap_repeated(node, _labels(node))
    if isinstance(node, Mul):
        factors = tuple(einstein_reading(f) for f in node.factors)
        counts = [label for f in factors for label in _labels(f)]
        return _wrap_repeated(Mul(factors), counts)
    if isinstance(node, Add):
        return Add(tuple(einstein_reading(t) for t in node.terms))
    if isinstance(node, Div):
        return Div(einstein_reading(node.num), einstein_reading(node.den))
    if isinstance(node, Pow):
        return Pow(einstein_reading(node.base), node.exponent)
    if isinstance(node, Fn):
        return Fn(node.name, einstein_reading(node.arg))
    if isinstance(node, Sum):
        return Sum(node.label, einstein_reading(node.body))
    if isinstance(node, Deriv):
        return Deriv(einstein_reading(node.num), node.wrt)
    return node


def _wrap_repeated(node: Node, labels: list[Label]) -> Node:
    """Sum the free labels repeated in ``labels`` (labels bound by a written sum are left alone)."""
    repeated = sorted({label for label in labels if labels.count(label) > 1 and "#" not in label})
    for label in repeated:
        node = Sum(label, node)
    return node


def children(n: object) -> tuple[object, ...]:
    """The nodes and sources directly below ``n`` (a side, a node, or a source)."""
    if isinstance(n, Whole):
        return (n.source,)
    if isinstance(n, Grad):
        return (n.num,)
    if isinstance(n, Ref):
        return (n.source,)
    if isinstance(n, Add):
        return n.terms
    if isinstance(n, Mul):
        return n.factors
    if isinstance(n, Div):
        return (n.num, n.den)
    if isinstance(n, Pow):
        return (n.base, n.exponent)
    if isinstance(n, Fn):
        return (n.arg,)
    if isinstance(n, Sum):
        return (n.body,)
    if isinstance(n, Deriv):
        return (n.num, n.wrt)
    return ()


def einstein_reading_of_side(side: Side) -> Side:
    """`einstein_reading` of an index side; a whole matrix is left as it is."""
    return side if isinstance(side, Whole) else einstein_reading(side)
