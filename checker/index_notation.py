"""Index notation: Σ-sums and entries — free indices, scopes, and equalities checked numerically.

A side such as ``\\sum_p C_{pq} D_{rp}`` is read into a small private tree (`index_tree`) whose
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

import dataclasses
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..parsers.expr import Derivative, Entry, Expr, Symbol, Transpose, map_children, walk
from ..parsers.span import Span
from . import index_tree as tree
from .claims import Context
from .findings import Finding
from .index_eval import IndexEvaluator, OutsideDomain, compare_sides, instance_values, numpy_module
from .index_read import IndexReader, array_keys, split_indices
from .index_sizes import check_ranges, index_sampler, infer_index_shapes, size_names
from .index_tree import IndexUnsupported
from .options import Layout
from .rules import INDEX_MISMATCH, INDEX_SCOPE
from .verdicts import Reason


@dataclass(frozen=True, slots=True)
class IndexCheck:
    """Outcome of `check_index_equality` (undecidable claims raise instead)."""

    ok: bool
    detail: str = ""
    reading: str | None = None
    """``"einstein"`` when only the summation convention verified it, ``"numerator layout"``..."""


# --- reading both sides of a claim ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Claim:
    """Both sides read, with the reader that knows their sizes and scopes."""

    reader: IndexReader
    lhs: tree.Side
    rhs: tree.Side
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
    if isinstance(expr, Symbol):
        kind = kinds.get(expr.key) if expr.subscript is None else None
        return dataclasses.replace(expr, kind=kind) if kind and expr.kind != kind else expr  # type: ignore[arg-type]
    return map_children(expr, lambda child: _retag(child, kinds))


def _read_once(lhs: Expr, rhs: Expr, ctx: Context, layout: Layout) -> _Claim:
    reader = IndexReader(ctx, array_keys((lhs, rhs), ctx), layout)
    left = reader.side(lhs)
    lhs_keys = frozenset(reader.touched)
    lhs_bindings = len(reader.bindings)
    reader.touched = set()
    right = reader.side(rhs)
    reader.tie(left)
    reader.tie(right)
    for whole, other, expr in ((left, right, rhs), (right, left, lhs)):
        # ``(A^T)_{kl} = A^T``: the matrix's rows run over k and its columns over l
        if isinstance(whole, tree.Whole) and not isinstance(other, tree.Whole):
            free = tree.free_labels(other)
            written = _written_order(expr)
            if len(free) == 1:
                reader.form_slots.append((whole.source, tuple(free)))  # type: ignore[arg-type]
            elif written is not None and set(written[0][1]) == free:
                order = written[0][1] if layout is Layout.DENOMINATOR or len(written) == 1 \
                    else written[1][1]
                reader.form_slots.append((whole.source, order))  # type: ignore[arg-type]
    return _Claim(reader, left, right, lhs_keys, frozenset(reader.touched), lhs_bindings)


def _written_order(expr: Expr) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """How a two-index side names its entry, for lining it up with a whole matrix.

    ``(M)_{kl}``, ``M_{kl}`` and ``M^T_{kl}`` name entry (k, l); ``\\partial f/\\partial X_{kl}``
    is entry (k, l) in denominator layout and (l, k) in numerator layout; None: not one entry.
    """
    def tokens(e: Expr) -> tuple[str, ...] | None:
        if isinstance(e, Transpose):
            return tokens(e.arg)
        if isinstance(e, Symbol) and e.subscript is not None:
            return split_indices(e.subscript)
        if isinstance(e, Entry):
            out: list[str] = []
            for index in e.indices:
                if not (isinstance(index, Symbol) and index.subscript is None):
                    return None
                split = split_indices(index.name) if not index.name.startswith("\\") else (index.name,)
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


# --- deciding a claim ---------------------------------------------------------------------

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
    odd = (claim.lhs_keys ^ claim.rhs_keys) - reader.variables - size_names(reader)
    if odd:
        raise IndexUnsupported(
            f"the sides use different symbols ({', '.join(sorted(odd))}): a definition or a "
            "condition, not an identity", Reason.UNDEFINED)
    env, exprs = infer_index_shapes(reader, ctx)
    readings = _readings(claim, env, exprs, ctx)
    check_ranges(reader, [side for r in readings for side in (r.lhs, r.rhs)])
    sampler = index_sampler(reader, ctx, env, exprs, seed)
    written = (_written_order(lhs), _written_order(rhs))
    results: dict[tuple[str, str], list[bool]] = {}
    applicable = [True] * len(readings)
    for k in range(count):
        for attempt in range(len(ATTEMPTS)):
            found: dict[tuple[str, str], bool] = {}
            try:
                values, leaf_shapes, label_size = instance_values(reader, sampler.instance(k, attempt), k)
                for i, r in enumerate(readings):
                    if not applicable[i]:
                        continue
                    ev = IndexEvaluator(numpy_module(), values, leaf_shapes, label_size, layout, r.evaluation)
                    try:
                        a, b = ev.side(r.lhs), ev.side(r.rhs)
                    except IndexUnsupported:
                        if len(readings) == 1 or k > 0:
                            raise
                        applicable[i] = False  # this reading does not apply to the claim
                        continue
                    for variant, ok in compare_sides(ev, written, a, b).items():
                        found[(r.name, variant)] = ok
            except (OutsideDomain, DomainError):
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
    lhs: tree.Side
    rhs: tree.Side
    evaluation: object
    """The `evaluate.Readings` for the matrix forms."""


def _readings(claim: _Claim, env, exprs: Sequence[Expr], ctx: Context) -> list[_Reading]:  # type: ignore[no-untyped-def]
    """Plain and Einstein readings of the indices, times the oracle's readings of the matrix
    forms (``\\|M\\|_2`` spectral or Frobenius, ``\\log`` entrywise or not...)."""
    from .oracle import reading_options

    notations = [("", claim.lhs, claim.rhs)]
    e_lhs, e_rhs = tree.einstein_reading_of_side(claim.lhs), tree.einstein_reading_of_side(claim.rhs)
    if (e_lhs, e_rhs) != (claim.lhs, claim.rhs):
        notations.append(("Einstein's summation convention", e_lhs, e_rhs))
    nodes = [n for e in exprs for n in walk(e)]
    out: list[_Reading] = []
    for name, lhs, rhs in notations:
        for evaluation, label in reading_options(nodes, env, ctx):
            out.append(_Reading("; ".join(x for x in (name, label) if x), lhs, rhs, evaluation))
    return out


# --- what a claim is, and its notation findings -------------------------------------------

def free_indices(expr: Expr, ctx: Context | None = None) -> set[str]:
    """Indices of ``expr`` not bound by a sum (plain reading: no summation convention).

    >>> from mathlint.parsers.expr import Sum, Symbol, Mul
    >>> sorted(free_indices(Sum(Mul((Symbol("C", subscript="pq"), Symbol("D", subscript="rp"))), "p")))
    ['q', 'r']
    """
    reader = IndexReader(ctx or Context(), array_keys((expr,), ctx or Context()))
    try:
        reader.side(expr)
    except IndexUnsupported:
        pass
    return set(reader.free_names)


def _einstein_free(expr: Expr, ctx: Context) -> tuple[frozenset[str], frozenset[str]] | None:
    """Free indices of a side under the plain reading and under Einstein's; None if unreadable."""
    reader = IndexReader(ctx, array_keys((expr,), ctx))
    try:
        side = reader.side(expr)
    except IndexUnsupported:
        return None
    if isinstance(side, tree.Whole):
        return None
    return tree.free_labels(side), tree.free_labels(tree.einstein_reading(side))


def is_index_definition(lhs: Expr, rhs: Expr, ctx: Context) -> bool:
    """True when ``lhs = rhs`` defines notation rather than claims an identity.

    ``[\\partial f/\\partial X]_{ij} = \\partial f/\\partial X_{ij}`` (the layout's definition), and
    ``c_{ij} = \\sum_k a_{ik} b_{kj}`` where ``C`` is used nowhere else (it defines ``C``).
    """
    for a, b in ((lhs, rhs), (rhs, lhs)):
        if isinstance(a, Entry) and isinstance(a.base, Derivative) and isinstance(b, Derivative):
            return True
    reader = IndexReader(ctx, array_keys((lhs, rhs), ctx))
    key: str | None = None
    if isinstance(lhs, Symbol) and lhs.subscript is not None and split_indices(lhs.subscript):
        key = reader.base_key(lhs)
    elif isinstance(lhs, Entry) and isinstance(lhs.base, Symbol) and lhs.base.subscript is None:
        key = lhs.base.key
    if key is None or key in ctx.definitions:
        return False
    used = {reader.base_key(s) if s.subscript else s.key for s in walk(rhs) if isinstance(s, Symbol)}
    return key not in used


def is_index_claim(lhs: Expr, rhs: Expr, ctx: Context) -> bool:
    """True when either side uses index notation (and the link is not a definition)."""
    reader = IndexReader(ctx, array_keys((lhs, rhs), ctx))
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
    reader = IndexReader(ctx, array_keys((lhs, rhs), ctx))
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
              reader: IndexReader) -> tuple[frozenset[str], frozenset[str]] | None:
    left, right = _einstein_free(lhs, ctx), _einstein_free(rhs, ctx)
    if left is None or right is None:
        return None
    sizes = size_names(reader) | {str(d) for shape in ctx.shapes.values() for d in shape}
    found: tuple[frozenset[str], frozenset[str]] | None = None
    for a, b in zip(left, right):
        only_left, only_right = a - b - sizes, b - a - sizes
        if not (only_left or only_right):
            return None  # some reading agrees on the free indices
        found = found or (only_left, only_right)
    return found
