"""Reading `Expr` into the index tree: index spellings, entries, sums and their scopes.

On the way the reader collects what the indices say about sizes (`index_sizes`), the matrix
forms left to `checker.evaluate`, and each sum's binding (for `index-scope`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..parsers.expr import (
    Abs, Add, Apply, Derivative, Div, Dots, Entry, Expr, Func, Identity, MatrixLiteral, Mul, Number,
    Ones, Power, Query, Sum, Symbol, Transpose, Zero, walk,
)
from . import index_tree as tree
from .claims import Context
from .index_sizes import UnionFind, dim_member
from .index_tree import IndexUnsupported, Label, Slot
from .options import Layout

_INDEX_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9]")
_FUNCS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "sigma"}


def split_indices(text: str) -> tuple[str, ...] | None:
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
    names = split_indices(index)
    if names is None or any(n.isdigit() for n in names) or len(names) > 4:
        return None
    return names


@dataclass(frozen=True, slots=True)
class Binding:
    """A sum's bound name, and whether an enclosing sum already binds it (shadowing)."""

    name: str
    node: Sum
    shadows: bool


@dataclass
class IndexReader:
    """Reads the sides of one claim into index-tree nodes; collects size constraints and bindings."""

    ctx: Context
    arrays: frozenset[str]
    """Keys the claim or document uses as whole matrices/vectors (``A`` makes ``a_{ij}`` an entry)."""
    layout: Layout = Layout.DENOMINATOR
    sizes: UnionFind = field(default_factory=UnionFind)
    arity: dict[str, int] = field(default_factory=dict)
    """Key → how many indices its entries carry (1 vector, 2 matrix)."""
    least: dict[object, int] = field(default_factory=dict)
    """Size-class member → smallest size its fixed indices need (``A_{13}`` needs 3 columns)."""
    forms: list[Expr] = field(default_factory=list)
    """Matrix-form sub-expressions, evaluated by `checker.evaluate`."""
    form_slots: list[tuple[tree.Form | tree.Grad, tuple[Slot, ...]]] = field(default_factory=list)
    """Entries ``[M]_{ij}`` of matrix forms and gradients, as finally read (see `tie`)."""
    bindings: list[Binding] = field(default_factory=list)
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
        tokens = split_indices(sym.subscript) if sym.subscript else None
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

    def entry_of_symbol(self, sym: Symbol, scope: Mapping[str, Label]) -> tree.Node | None:
        """``A_{ij}``, ``a_{ij}``, ``x_j``, ``\\delta_{ij}`` → a node; None when ``sym`` is a name."""
        if sym.subscript is None:
            return None
        tokens = split_indices(sym.subscript)
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
        return tree.Ref(tree.Sym(key), slots)

    def delta(self, tokens: Sequence[str], scope: Mapping[str, Label]) -> tree.Delta:
        a, b = (self.slot(t, scope) for t in tokens)
        if isinstance(a, str) and isinstance(b, str):
            self.sizes.union(("label", a), ("label", b))
        for s, other in ((a, b), (b, a)):
            if isinstance(s, int) and isinstance(other, str):
                self.need(("label", other), s + 1)
        return tree.Delta((a, b))

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
                self.sizes.union(member, dim_member(dims[axis]))

    def tie(self, node: object) -> None:
        """Tie each entry's indices to its matrix's axes, as finally read (after transposes:
        ``X^T_{jk}`` is ``X_{kj}``, so ``k`` runs over the rows of ``X``)."""
        if isinstance(node, tree.Ref):
            if isinstance(node.source, tree.Sym):
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
        for child in tree.children(node):
            self.tie(child)

    def form_entry(self, base: Expr, slots: tuple[Slot, ...]) -> tree.Ref:
        for node in walk(base):
            if isinstance(node, Symbol):
                self.touched.add(node.key)
        self.forms.append(base)
        return tree.Ref(tree.Form(base), slots)

    def entry(self, node: Entry, scope: Mapping[str, Label]) -> tree.Node:
        tokens: list[str] = []
        for index in node.indices:
            if isinstance(index, Number) and index.value.denominator == 1 and index.value > 0:
                tokens.append(str(index.value.numerator))
            elif isinstance(index, Symbol) and index.subscript is None:
                split = split_indices(index.name) if not index.name.startswith("\\") \
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
            return tree.Const(1)
        slots = tuple(self.slot(t, scope) for t in tokens)
        if isinstance(base, Symbol) and base.subscript is None:
            definition = self.ctx.definitions.get(base.key)
            if definition is not None and base.key not in self.variables \
                    and not self.has_index(definition) and not isinstance(definition, MatrixLiteral):
                return self.form_entry(definition, slots)
            self.note_entry(base.key, slots)
            return tree.Ref(tree.Sym(base.key), slots)
        if isinstance(base, Transpose) and isinstance(base.arg, Symbol) \
                and base.arg.subscript is None and len(slots) == 2:
            self.no_prime(base)
            swapped = (slots[1], slots[0])
            self.note_entry(base.arg.key, swapped)
            return tree.Ref(tree.Sym(base.arg.key), swapped)
        if isinstance(base, Derivative) and base.expr is not None and _plain(base.wrt):
            grad = self.gradient(base.expr, base.wrt, scope)  # type: ignore[arg-type]
            return tree.Ref(grad, slots)
        if self.has_index(base):
            raise IndexUnsupported("an entry of an expression that itself has indices")
        return self.form_entry(base, slots)

    def gradient(self, expr: Expr, wrt: Symbol, scope: Mapping[str, Label]) -> tree.Grad:
        self.variables.add(wrt.key)
        num = self.read(expr, scope)
        if tree.free_labels(num):
            raise IndexUnsupported("the derivative by a matrix of an expression with free indices")
        self.forms.append(wrt)
        return tree.Grad(num, wrt.key)

    # .. the walk ..

    def has_index(self, expr: Expr) -> bool:
        for node in walk(expr):
            if isinstance(node, (Sum, Entry)):
                return True
            if isinstance(node, Symbol) and node.subscript is not None:
                tokens = split_indices(node.subscript)
                if tokens and (any(not t.isdigit() for t in tokens) or node.name == "\\delta"
                               or self.base_key(node) in self.arrays):
                    return True
        return False

    def side(self, expr: Expr) -> tree.Side:
        """Read one side of a claim: an index expression, or a whole matrix."""
        if isinstance(expr, Derivative) and expr.expr is not None and _plain(expr.wrt):
            return tree.Whole(self.gradient(expr.expr, expr.wrt, {}))  # type: ignore[arg-type]
        if not self.has_index(expr):
            for node in walk(expr):
                if isinstance(node, Symbol):
                    self.touched.add(node.key)
            self.forms.append(expr)
            return tree.Whole(tree.Form(expr))
        return self.read(expr, {})

    def read(self, expr: Expr, scope: Mapping[str, Label]) -> tree.Node:
        """Read an index-level expression (a scalar for each value of its free indices)."""
        if not self.has_index(expr):
            if isinstance(expr, Number):
                return tree.Const(complex(expr.value))
            if isinstance(expr, Zero):
                return tree.Const(0)
            if isinstance(expr, (Derivative, Dots, Query, Apply, MatrixLiteral)):
                raise IndexUnsupported(f"{type(expr).__name__} inside index notation")
            for node in walk(expr):
                if isinstance(node, Symbol):
                    self.touched.add(node.key)
            self.forms.append(expr)
            return tree.Scalar(expr)
        if isinstance(expr, Symbol):
            found = self.entry_of_symbol(expr, scope)
            if found is None:
                self.touched.add(expr.key)
                self.forms.append(expr)
                return tree.Scalar(expr)
            return found
        if isinstance(expr, Entry):
            return self.entry(expr, scope)
        if isinstance(expr, Sum):
            return self.summation(expr, scope)
        if isinstance(expr, Add):
            return tree.Add(tuple(self.read(t, scope) for t in expr.args))
        if isinstance(expr, Mul):
            return self.product(expr.args, scope)
        if isinstance(expr, Div):
            num, den = self.read(expr.num, scope), self.read(expr.den, scope)
            return tree.Div(num, den)
        if isinstance(expr, Power):
            base = self.read(expr.base, scope)
            if not (isinstance(expr.exponent, Number) and expr.exponent.value.denominator == 1):
                self.mark_positive(expr.base)
            return tree.Pow(base, self.read(expr.exponent, scope))
        if isinstance(expr, Func) and expr.name in _FUNCS:
            if expr.name in ("log", "ln", "sqrt"):
                self.mark_positive(expr.arg)
            return tree.Fn(expr.name, self.read(expr.arg, scope))
        if isinstance(expr, Abs):
            self.analytic = False
            return tree.Fn("abs", self.read(expr.arg, scope))
        if isinstance(expr, Transpose):
            self.no_prime(expr)
            inner = self.read(expr.arg, scope)
            if isinstance(inner, tree.Ref) and len(inner.slots) == 2:
                return tree.Ref(inner.source, (inner.slots[1], inner.slots[0]))  # X^T_{jk} = X_{kj}
            if not tree.free_labels(inner):
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

    def product(self, args: Sequence[Expr], scope: Mapping[str, Label]) -> tree.Node:
        factors: list[tree.Node] = []
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
        return factors[0] if len(factors) == 1 else tree.Mul(tuple(factors))

    def derivative(self, node: Derivative, operand: Expr | None, scope: Mapping[str, Label]) -> tree.Node:
        if operand is None:
            raise IndexUnsupported("a derivative operator with nothing to act on")
        wrt = self.read_wrt(node.wrt, scope)
        if wrt is None:
            raise IndexUnsupported("a derivative by a whole matrix inside index notation")
        return tree.Deriv(self.read(operand, scope), wrt)

    def read_wrt(self, wrt: Expr, scope: Mapping[str, Label]) -> tree.Ref | None:
        if isinstance(wrt, Transpose):
            inner = self.read_wrt(wrt.arg, scope)
            if inner is None or len(inner.slots) != 2:
                return None
            return tree.Ref(inner.source, (inner.slots[1], inner.slots[0]))
        found: tree.Node | None
        if isinstance(wrt, Symbol) and wrt.subscript is not None:
            key = self.base_key(wrt)
            self.variables.add(key)
            found = self.entry_of_symbol(wrt, scope)
        elif isinstance(wrt, Entry) and isinstance(wrt.base, Symbol):
            self.variables.add(wrt.base.key)
            found = self.entry(wrt, scope)
        else:
            return None
        if not isinstance(found, tree.Ref) or not isinstance(found.source, tree.Sym):
            raise IndexUnsupported("a derivative with respect to something other than an entry")
        self.variables.add(found.source.key)
        return found

    def summation(self, node: Sum, scope: Mapping[str, Label]) -> tree.Node:
        names = _index_names(node.index)
        if names is None:
            raise IndexUnsupported(f"cannot read the sum index {node.index!r}")
        limit = self.limit(node)
        inner = dict(scope)
        labels: list[Label] = []
        for name in names:
            self.bindings.append(Binding(name, node, name in scope))
            label = self.fresh(name)
            inner[name] = label
            labels.append(label)
            self.sizes.find(("label", label))
            if limit is not None:
                self.sizes.union(("label", label), limit)
        body = self.read(node.body, inner)
        for label in reversed(labels):
            body = tree.Sum(label, body)
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


def _plain(expr: Expr | None) -> bool:
    return isinstance(expr, Symbol) and expr.subscript is None


def array_keys(exprs: Sequence[Expr], ctx: Context) -> frozenset[str]:
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
