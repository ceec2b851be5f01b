"""The numeric oracle, the arbiter of truth: gradient, equality and differential claims at random instances.

A gradient claim ``∂f/∂X = G`` is right iff ``⟨G, D⟩ = Im f(X + ihD)/h`` for random directions
``D`` (DESIGN.md, "How truth is decided"): the directions form one batch, so a check costs one
complex evaluation of ``f`` and one real evaluation of ``G`` per instance. Equalities are
compared entry by entry; ``d(·)`` is the derivative along one random direction per variable.
Checks run at ≥ 2 independent instances with different, non-square sizes where the shapes
allow (`instances.py`), under every plausible reading of ambiguous notation (a claim that holds
under one reading is right, and says which).

Verdicts are conservative. Per sample the relative error is measured against the magnitudes the
evaluation met (so rounding after cancellation is not a difference): ≤ 1e-7 agrees, ≥ 1e-4
disagrees, anything between is inconclusive. A claim is wrong only if it disagrees at two or more
instances (more instances are drawn when the first ones are mixed); otherwise it is
`Unsupported` (reason: domain), never wrong.

Example (Matrix Cookbook 101: ∂ tr(AXB)/∂X = AᵀBᵀ)::

    >>> from mathlint.parsers.expr import Mul, Symbol, Trace, Transpose as T
    >>> A, X, B = (Symbol(c, "matrix") for c in "AXB")
    >>> check_gradient(Trace(Mul((A, X, B))), X, Mul((T(A), T(B))), Context(), Layout.DENOMINATOR, 1).ok
    True
    >>> wrong = check_gradient(Trace(Mul((A, X, B))), X, Mul((B, A)), Context(), Layout.DENOMINATOR, 1)
    >>> wrong.ok, wrong.transpose_ok
    (False, True)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import product
from typing import Any, Callable, Iterable, Sequence

from ..parsers.expr import (
    Add, Derivative, Differential, Expr, Func, Kron, Mul, Norm, Number, Symbol, SymbolKind, Transpose, Zero,
    map_children, walk,
)
from .claims import Context
from .evaluate import (
    H, MATRIX_FUNCTIONS, DomainError, EvalStats, EvaluationError, ReadingError, Readings, evaluate, np, quiet,
)
from .instances import (
    ATTEMPTS, Instance, Prepared, Sampler, Unsupported, evaluate_at, free_keys, infer, prepare,
    sample_instances, true_gradient,
)
from .options import Layout
from .shapes import ShapeEnv, describe
from .verdicts import Reason

Array = Any

PASS = 1e-7
"""Relative error at or below which a sample agrees (rounding at condition ≤ 1e8 stays far below)."""
FAIL = 1e-4
"""Relative error at or above which a sample decisively disagrees."""
ABSOLUTE = 1e-8
"""Absolute floor of the comparison scale, relative to the magnitudes of the values (two results
that both cancel to rounding noise, ``X ⊘ X − J``, agree)."""
DIRECTIONS = 3
"""Random directions per instance (one batched evaluation)."""
EXTRA_INSTANCES = 2
"""Further instances drawn when the first ones do not agree with each other."""
DOMAIN_SKIPS = 4
"""Further instances (other sizes) tried when one has no sample inside the domain (``XᵀAX``
is singular when X has more columns than rows)."""


@dataclass(frozen=True, slots=True)
class GradientCheck:
    ok: bool
    transpose_ok: bool
    """Wrong as stated, but its transpose is right (a layout finding)."""
    reading: str | None
    """The reading that verified it, when the notation was ambiguous."""
    detail: str
    holds_if: str | None = None
    """When wrong: an assumption under which it holds (``"A symmetric"``), perhaps unstated."""


@dataclass(frozen=True, slots=True)
class EqualityCheck:
    ok: bool
    reading: str | None
    detail: str
    transpose_ok: bool = False
    """Wrong as stated but right transposed; only looked at when a side holds a derivative."""
    holds_if: str | None = None
    """When wrong: an assumption under which it holds (``"A symmetric"``), perhaps unstated."""


# --- per-sample comparison --------------------------------------------------------------------

@dataclass(slots=True)
class _Tally:
    passed: int = 0
    failed: int = 0
    unclear: int = 0
    worst: float = 0.0

    def add(self, outcome: str, rel: float) -> None:
        if outcome == "pass":
            self.passed += 1
        elif outcome == "fail":
            self.failed += 1
            self.worst = max(self.worst, rel)
        else:  # "unclear", or "skipped" (a transposed claim not looked at): never counts as agreeing
            self.unclear += 1

    def all_pass(self, at_least: int) -> bool:
        return self.passed >= at_least and self.failed == 0 and self.unclear == 0

    def settled(self) -> bool:
        return (self.failed == 0 and self.unclear == 0) or self.failed >= 2


def _classify(err: Array, fast_scale: Array, slow_scale: Callable[[], Array] | None) -> tuple[str, float]:
    """pass / fail / unclear for a batch of errors; ``slow_scale`` adds the magnitudes met."""
    rel = err / np.maximum(fast_scale, 1e-300)
    if np.all((err == 0) | (rel <= PASS)):
        return "pass", float(rel.max(initial=0.0))
    scale = fast_scale + (slow_scale() if slow_scale is not None else 0.0)
    rel = np.where(err == 0, 0.0, err / np.maximum(scale, 1e-300))
    worst = float(rel.max(initial=0.0))
    if worst <= PASS:
        return "pass", worst
    if worst >= FAIL:
        return "fail", worst
    return "unclear", worst


# --- the decision over readings and instances -------------------------------------------------

Probe = Callable[[Instance, Readings, Sampler], dict[tuple[str, str], tuple[str, float]]]
"""One instance → {(variant, orientation): (outcome, relative error)}; orientation "as" or "T"."""


@dataclass(slots=True)
class _Decision:
    ok: bool
    transpose_ok: bool
    reading: str | None
    detail: str


def _decide(
    readings: list[tuple[Readings, str | None]],
    sampler_for: Callable[[Readings], Sampler],
    probe: Probe,
    count: int,
    describe_sizes: Callable[[list[Instance]], str],
) -> _Decision:
    with quiet():
        return _decide_quietly(readings, sampler_for, probe, count, describe_sizes)


def _decide_quietly(
    readings: list[tuple[Readings, str | None]],
    sampler_for: Callable[[Readings], Sampler],
    probe: Probe,
    count: int,
    describe_sizes: Callable[[list[Instance]], str],
) -> _Decision:
    undecided: list[str] = []
    applicable = 0
    wrong_detail = ""
    transposed: _Decision | None = None
    for reading, label in readings:
        sampler = sampler_for(reading)
        tallies: dict[tuple[str, str], _Tally] = {}
        used: list[Instance] = []
        inapplicable = False
        for k in range(count + EXTRA_INSTANCES + DOMAIN_SKIPS):
            if len(used) >= count and all(t.settled() for t in tallies.values()):
                break
            if k >= count + EXTRA_INSTANCES and len(used) >= count:
                break
            try:
                inst, outcomes = _probe_instance(sampler, k, reading, probe)
            except ReadingError:
                inapplicable = True
                break
            if inst is None:  # no sample of these sizes inside the domain: try other sizes
                continue
            used.append(inst)
            for combo, (outcome, rel) in outcomes.items():
                tallies.setdefault(combo, _Tally()).add(outcome, rel)
            if len(used) >= count and any(t.all_pass(count) for (v, o), t in tallies.items() if o == "as"):
                break
        if inapplicable:
            continue
        applicable += 1
        n = len(used)
        for (variant, orientation), t in tallies.items():
            if orientation == "as" and t.all_pass(max(count, 2)) and n == t.passed:
                name = "; ".join(x for x in (label, variant or None) if x) or None
                return _Decision(True, False, name, f"holds at {n} random instances ({describe_sizes(used)})")
        stated = [t for (v, o), t in tallies.items() if o == "as"]
        if n < count or not stated or not all(t.failed >= 2 for t in stated):
            undecided.append(label or "")
            continue
        worst = max(t.worst for t in stated)
        wrong_detail = wrong_detail or (f"differs by {worst:.2g} (relative) at {max(t.failed for t in stated)} "
                                        f"of {n} random instances ({describe_sizes(used)})")
        for (variant, orientation), t in tallies.items():
            if orientation == "T" and t.all_pass(max(count, 2)) and transposed is None:
                name = "; ".join(x for x in (label, variant or None) if x) or None
                transposed = _Decision(False, True, name, f"right only when transposed ({describe_sizes(used)})")
    if applicable == 0:
        raise Unsupported(Reason.NOT_SUPPORTED, "no reading of the notation can be evaluated here")
    if undecided:
        raise Unsupported(Reason.DOMAIN, "numerically inconclusive: no decisive, well-conditioned instances")
    if transposed is not None:
        return transposed
    return _Decision(False, False, None, wrong_detail)


def _probe_instance(sampler: Sampler, k: int, reading: Readings,
                    probe: Probe) -> tuple[Instance | None, dict[tuple[str, str], tuple[str, float]]]:
    for attempt in range(len(ATTEMPTS)):
        inst = sampler.instance(k, attempt)
        try:
            return inst, probe(inst, reading, sampler)
        except DomainError:
            continue
        except ReadingError:
            raise
        except EvaluationError as exc:
            raise Unsupported(Reason.NOT_SUPPORTED, str(exc)) from None
    return None, {}


def _sizes_text(key: str | None) -> Callable[[list[Instance]], str]:
    def text(used: list[Instance]) -> str:
        if key is not None:
            return f"{key}: " + ", ".join("×".join(map(str, i.shapes.get(key, (1, 1)))) for i in used)
        parts = []
        for i in used:
            sizes = ", ".join(f"{k}={v}" for k, v in i.sizes.items() if not k.startswith("#"))
            parts.append(sizes or "×".join(str(v) for v in i.sizes.values()) or "scalars")
        return "; ".join(parts)
    return text


# --- readings ---------------------------------------------------------------------------------

def reading_options(nodes: Iterable[Expr], env: ShapeEnv, ctx: Context) -> list[tuple[Readings, str | None]]:
    """The readings to try, the document's (or the most common) first, each with a label when the
    notation present is ambiguous (``\\log`` of a matrix, ``\\otimes``, ``\\|M\\|_2``).

    :param nodes: every node of the claim's trees (`Prepared.nodes`).
    """
    funcs: dict[str, None] = {}
    has_kron = False
    norms: dict[str, None] = {}
    for node in nodes:
        if isinstance(node, Func) and node.elementwise is None and node.name in MATRIX_FUNCTIONS:
            shape = env.nodes.get(id(node.arg))
            if shape is not None and shape[0] == shape[1] and shape[0] != 1:  # square: both readings apply
                funcs.setdefault(node.name, None)
        elif isinstance(node, Kron):
            has_kron = True
        elif isinstance(node, Norm) and (node.sub or "").strip("{} ") in ("", "2"):
            shape = env.nodes.get(id(node.arg))
            if shape is not None and 1 not in shape:
                norms.setdefault((node.sub or "").strip("{} "), None)
    axes: list[list[tuple[dict[str, Any], str]]] = []
    if funcs and ctx.elementwise_functions is None:
        names = ", ".join(f"\\{n}" for n in funcs)
        axes.append([({"elementwise": True}, f"{names} read entrywise"),
                     ({"elementwise": False}, f"{names} read as a matrix function")])
    if has_kron and ctx.otimes is None:
        axes.append([({"otimes": "kron"}, "\\otimes read as the Kronecker product"),
                     ({"otimes": "hadamard"}, "\\otimes read entrywise (Hadamard)")])
    norm2 = ctx.norm2
    if "2" in norms and norm2 is None:
        axes.append([({"norm2": "spectral"}, "\\|\\cdot\\|_2 read as the spectral norm"),
                     ({"norm2": "frobenius"}, "\\|\\cdot\\|_2 read as the Frobenius norm")])
    if "" in norms:
        axes.append([({"norm_plain": "frobenius"}, "\\|\\cdot\\| read as the Frobenius norm"),
                     ({"norm_plain": "spectral"}, "\\|\\cdot\\| read as the spectral norm")])
    base = Readings(
        elementwise=True if ctx.elementwise_functions is None else bool(ctx.elementwise_functions),
        otimes=ctx.otimes or "kron",
        norm2=norm2 or "spectral",
    )
    out: list[tuple[Readings, str | None]] = []
    for combo in product(*axes):
        changes: dict[str, Any] = {}
        for c, _ in combo:
            changes.update(c)
        out.append((dataclasses.replace(base, **changes), "; ".join(t for _, t in combo) or None))
    return out


def _samplers(prepared: Prepared, ctx: Context, seed: int,
              env_for: Callable[[str], ShapeEnv]) -> Callable[[Readings], Sampler]:
    cache: dict[str, Sampler] = {}

    def get(reading: Readings) -> Sampler:
        if reading.otimes not in cache:
            cache[reading.otimes] = Sampler(prepared, env_for(reading.otimes), ctx, seed)
        return cache[reading.otimes]
    return get


def _envs(make: Callable[[str], ShapeEnv]) -> Callable[[str], ShapeEnv]:
    cache: dict[str, ShapeEnv] = {}

    def get(otimes: str) -> ShapeEnv:
        if otimes not in cache:
            cache[otimes] = make(otimes)
        return cache[otimes]
    return get


def _is_zero(e: Expr) -> bool:
    return isinstance(e, Zero) or (isinstance(e, Number) and e.value == 0)


def _norms(a: Array) -> Array:
    """Frobenius norm over the trailing two axes (real arrays)."""
    return np.sqrt((a * a).sum(axis=(-2, -1)))


# --- the other matrices of unstated size read as square ---------------------------------------

SQUARE_READING = "matrices of unstated size read as square"


def _square_reading(d: _Decision, key: str, readings: list[tuple[Readings, str | None]], prepared: Prepared,
                    ctx: Context, seed: int, env_for: Callable[[str], ShapeEnv], probe: Probe, count: int,
                    describe_sizes: Callable[[list[Instance]], str]) -> _Decision:
    """A gradient that fails at the free sizes drawn (all different) is tried once more with every
    size the document leaves open, other than the variable's own, equal to a size of the variable:
    ∂ det(AXB)/∂X = det(AXB) X⁻ᵀ holds for square invertible A and B (the Matrix Cookbook's
    reading, shapes unstated). The variable keeps its shape, so an identity true only for a square
    variable (∂ log det(XᵀAX)/∂X = 2AX(XᵀAX)⁻¹) is not rescued; values never change, only sizes.
    Returns ``d`` unchanged unless this reading holds.
    """
    try:
        base = env_for(ctx.otimes or "kron")
    except Unsupported:
        return d
    own = base.symbols.get(key)
    if own is None or base.products:
        return d
    keep = {dim for dim in own if isinstance(dim, str)}
    tied = {dim for shape in base.symbols.values() for dim in shape if isinstance(dim, str)}
    if not any(n.startswith("#") and n not in keep for n in tied):
        return d
    for target in dict.fromkeys(dim for dim in own if dim != 1):  # never 1: that shrinks matrices to numbers
        envs: dict[str, ShapeEnv] = {}

        def squared(otimes: str, target: object = target, envs: dict[str, ShapeEnv] = envs) -> ShapeEnv:
            if otimes not in envs:
                env = _free_sizes_as(env_for(otimes), keep, target)
                if env is None:
                    raise Unsupported(Reason.NOT_SUPPORTED, "no square reading")
                envs[otimes] = env
            return envs[otimes]

        labelled: list[tuple[Readings, str | None]] = [
            (r, "; ".join(x for x in (label, SQUARE_READING) if x)) for r, label in readings]
        try:
            alt = _decide(labelled, _samplers(prepared, ctx, seed, squared), probe, count, describe_sizes)
        except Unsupported:
            continue
        if alt.ok:
            return alt
    return d


def _free_sizes_as(env: ShapeEnv, keep: set[str], target: object) -> ShapeEnv | None:
    """``env`` with every free size (``#k``) outside ``keep`` replaced by ``target``."""
    if env.products:
        return None

    def dim(d: object) -> object:
        return target if isinstance(d, str) and d.startswith("#") and d not in keep else d

    def shape(s: tuple[object, object]) -> tuple[object, object]:
        return (dim(s[0]), dim(s[1]))

    sizes = tuple(dict.fromkeys(d for n in env.size_names() if isinstance(d := dim(n), str)))
    return dataclasses.replace(env, symbols={k: shape(v) for k, v in env.symbols.items()},
                               nodes={k: shape(v) for k, v in env.nodes.items()}, sizes=sizes)


# --- capital letters read as matrices ----------------------------------------------------------

MATRIX_READING = "capital letters read as matrices"


def _capitals_read_as_scalars(prepared: Prepared, env_for: Callable[[str], ShapeEnv], ctx: Context) -> frozenset[str]:
    """Keys of undeclared capital-letter symbols that shape inference read as scalars.

    Shape hints may read a capital as a number (``|L|`` hints a scalar, so ``|LB| = |L||B|`` with
    L a number and B a matrix is false). A claim is wrong only if it is also wrong with every
    capital a matrix, the convention of the notes this checks.
    """
    try:
        readings = env_for(ctx.otimes or "kron").readings
    except Unsupported:
        return frozenset()
    out = set()
    for node in prepared.nodes:
        if isinstance(node, Symbol) and node.kind == "unknown" and node.key not in ctx.shapes \
                and readings.get(node.key) == "scalar" and node.name.lstrip("\\")[:1].isupper():
            out.add(node.key)
    return frozenset(out)


def _as_kind(exprs: Sequence[Expr], keys: frozenset[str], kind: SymbolKind) -> tuple[Expr, ...]:
    """``exprs`` with the symbols ``keys`` of unknown kind marked ``kind`` ("matrix", "vector")."""
    def relabel(e: Expr) -> Expr:
        if isinstance(e, Symbol):
            return dataclasses.replace(e, kind=kind) if e.kind == "unknown" and e.key in keys else e
        return map_children(e, relabel)
    return tuple(relabel(e) for e in exprs)


def _natural_variable(wrt: Symbol, prepared: Prepared, env_for: Callable[[str], ShapeEnv],
                      ctx: Context) -> tuple[frozenset[str], SymbolKind] | None:
    """``(keys, kind)`` to mark the variable as written (a capital a matrix, a lowercase letter a
    vector) when the shapes read it as a number although it is not one by convention: a capital,
    or a letter that only as a number makes ``f`` a matrix. None when the reading is already natural."""
    try:
        env = env_for(ctx.otimes or "kron")
    except Unsupported:
        return None
    key = wrt.key
    if wrt.kind != "unknown" or key in ctx.shapes or env.readings.get(key) != "scalar":
        return None
    capitals = _capitals_read_as_scalars(prepared, env_for, ctx)
    if key in capitals:
        return capitals, "matrix"
    f = prepared.exprs[0]
    if env.nodes.get(id(f)) not in (None, (1, 1)) and any(
            isinstance(n, Transpose) and any(isinstance(m, Symbol) and m.key == key for m in walk(n.arg))
            for n in walk(f)):
        return frozenset({key}), "vector"
    return None


# --- gradients ----------------------------------------------------------------------------------

def check_gradient(f: Expr, wrt: Expr, claimed: Expr, ctx: Context, layout: Layout = Layout.DENOMINATOR,
                   seed: int = 0, *, count: int = 2, symmetrize: bool = True) -> GradientCheck:
    """Is ``claimed`` the derivative of ``f`` with respect to ``wrt`` under ``layout``?

    ``f`` is a scalar (gradient), or a column vector with ``wrt`` a column vector (Jacobian), or
    anything with ``wrt`` a scalar. Under numerator layout the claim must be the transpose of the
    denominator-layout gradient; a symmetric truth passes both. ``transpose_ok`` means wrong as
    stated but right transposed. For ``wrt`` assumed symmetric, the unconstrained gradient ``G``,
    the symmetric-matrix form ``G + Gᵀ − I∘G`` and ``(G + Gᵀ)/2`` are all accepted.

    :raises Unsupported: shape contradiction (reason shape), undefined names, no valid sample.
    """
    if isinstance(wrt, Transpose):
        return check_gradient(f, wrt.arg, Transpose(claimed), ctx, layout, seed, count=count, symmetrize=symmetrize)
    if not isinstance(wrt, Symbol):
        raise Unsupported(Reason.NOT_SUPPORTED, f"derivative with respect to {describe(wrt)}", wrt.loc)
    key = wrt.key
    prepared = prepare([f, claimed, wrt], ctx, keep=(key,))
    f, claimed, _ = prepared.exprs
    if isinstance(f, Symbol) and f.key != key:
        raise Unsupported(Reason.UNDEFINED, f"`{f.key}` is not defined in the document", f.loc)
    if key not in prepared.expr_keys[0]:
        raise Unsupported(Reason.UNDEFINED, f"{describe(f)} does not depend on {key} as written", f.loc)
    env_for = _envs(lambda otimes: _gradient_env(f, wrt, claimed, ctx, layout, otimes))
    readings = reading_options(prepared.nodes, env_for(ctx.otimes or "kron"), ctx)
    symmetric = bool({"symmetric", "spd"} & {a.lower() for a in ctx.assumptions.get(key, ())})
    probe = _gradient_probe(f, key, claimed, layout, symmetric)
    d = _decide(readings, _samplers(prepared, ctx, seed, env_for), probe, count, _sizes_text(key))
    if not d.ok:
        d = _square_reading(d, key, readings, prepared, ctx, seed, env_for, probe, count, _sizes_text(key))
    if d.ok and (relabel := _natural_variable(wrt, prepared, env_for, ctx)) is not None:
        natural = _as_kind((f, wrt, claimed), *relabel)
        # verified only with the variable a number (d|Y|/dY = |Y|/Y; a vector x read as a scalar
        # makes ½(x − c)ᵀB(x − c) a matrix whose derivative is (x − c)ᵀB): as written it must hold too
        try:
            alt = check_gradient(natural[0], natural[1], natural[2], ctx, layout, seed, count=count,
                                 symmetrize=symmetrize)
        except Unsupported as exc:
            if relabel[1] == "vector":  # transposed, so a vector: as one the claim cannot be read
                raise Unsupported(Reason.NOT_SUPPORTED, f"holds only with {key} read as a number; as the "
                                                        f"vector it is written as: {exc.detail}", wrt.loc) from None
            alt = None
        if alt is not None and not alt.ok:
            return alt
    if not d.ok:
        capitals = _capitals_read_as_scalars(prepared, env_for, ctx)
        if capitals:
            natural = _as_kind((f, wrt, claimed), capitals, "matrix")
            try:
                alt = check_gradient(natural[0], natural[1], natural[2], ctx, layout, seed, count=count,
                                     symmetrize=symmetrize)
            except Unsupported:
                alt = None
            if alt is not None and (alt.ok or alt.transpose_ok):
                return dataclasses.replace(alt, reading="; ".join(x for x in (alt.reading, MATRIX_READING) if x))
            if key in capitals:  # the variable X a number: a finding only if X as a matrix is wrong too
                if alt is None:
                    raise Unsupported(Reason.NOT_SUPPORTED, f"{key} could only be read as a scalar here", wrt.loc)
                return alt
    holds_if = None
    if not d.ok and symmetrize:
        holds_if = _holds_if_symmetric(lambda: infer((f, wrt), ctx, otimes=ctx.otimes or "kron"), ctx,
                                       prepared.keys, lambda c: check_gradient(
                                           f, wrt, claimed, c, layout, seed, count=count, symmetrize=False).ok)
    return GradientCheck(d.ok, d.transpose_ok, d.reading, d.detail, holds_if)


def _gradient_env(f: Expr, wrt: Symbol, claimed: Expr, ctx: Context, layout: Layout, otimes: str) -> ShapeEnv:
    """Shapes with the claim tied to the derivative's shape: under ``layout`` if it can be, else under
    the other layout (then only the transposed claim can be right). A tie that only works by
    shrinking a vector or matrix to size 1 does not count."""
    exprs = (f, claimed, wrt)
    other = Layout.NUMERATOR if layout is Layout.DENOMINATOR else Layout.DENOMINATOR
    chosen: ShapeEnv | None = None
    for lay in (layout, other):
        try:
            env = infer(exprs, ctx, pairs=((claimed, Derivative(f, wrt)),), layout=lay, otimes=otimes)
        except Unsupported:
            continue
        if env.degenerate:
            continue
        if chosen is None:
            chosen = env
            if not _scalar_readings(env):
                return env
        elif _scalar_readings(env) < _scalar_readings(chosen):
            # the stated layout fits only by reading vectors or matrices as numbers (x read as a
            # scalar makes (x - a)^T A "right"): the other layout reads them as written
            return env
    if chosen is not None:
        return chosen
    env = infer(exprs, ctx, otimes=otimes)  # raises if f or the claim is ill-shaped by itself
    f_shape, x_shape = env.nodes.get(id(f)), env.nodes.get(id(wrt))
    if f_shape is not None and x_shape is not None and not (
            f_shape == (1, 1) or x_shape == (1, 1) or (f_shape[1] == 1 and x_shape[1] == 1)):
        # f itself is no scalar (``E(X)`` read as the product E·X): the claim's shape is not to blame
        raise Unsupported(Reason.NOT_SUPPORTED, f"{describe(f)} has shape {_fmt(env, f)}: its derivative by "
                                                f"{wrt.key} ({_fmt(env, wrt)}) is not a gradient", f.loc)
    raise Unsupported(Reason.SHAPE, f"{describe(claimed)} has shape {_fmt(env, claimed)}, which cannot be the "
                                    f"derivative by {wrt.key} ({_fmt(env, wrt)}) in either layout", claimed.loc)


def _scalar_readings(env: ShapeEnv) -> int:
    """How many symbols of unstated kind the shapes read as numbers."""
    return sum(1 for kind in env.readings.values() if kind == "scalar")


def _fmt(env: ShapeEnv, e: Expr) -> str:
    from .shapes import format_shape

    shape = env.nodes.get(id(e))
    return "?" if shape is None else format_shape(shape)


def _gradient_probe(f: Expr, key: str, claimed: Expr, layout: Layout, symmetric: bool) -> Probe:
    zero_claim = _is_zero(claimed)

    def probe(inst: Instance, reading: Readings, sampler: Sampler) -> dict[tuple[str, str], tuple[str, float]]:
        x = inst.values[key]
        r, c = x.shape
        leaf = inst.leaf_shapes
        g = evaluate(claimed, inst.values, reading, leaf_shapes=leaf, layout=layout)
        if g.dtype.kind == "c":
            g = g.real
        n = DIRECTIONS
        base = sampler.rng.standard_normal((n, r, c))
        variants: list[tuple[str, Array]] = [("", base)]
        if symmetric and r == c and r > 1:
            bt = base.swapaxes(-1, -2)
            variants.append(("gradient on symmetric matrices (G + G^T - I∘G)", base + bt - base * np.eye(r)))
            variants.append(("symmetrised gradient", 0.5 * (base + bt)))
        dirs = base if len(variants) == 1 else np.concatenate([v for _, v in variants])
        values = dict(inst.values)
        values[key] = x + (1j * H) * dirs
        fv = evaluate(f, values, reading, leaf_shapes=leaf, layout=layout)
        nd = len(dirs)
        phi = fv.imag * (1.0 / H) if fv.dtype.kind == "c" else np.zeros(fv.shape)
        if phi.ndim == 2 or phi.shape[0] != nd:
            phi = np.broadcast_to(phi, (nd,) + phi.shape[-2:])
        jacs = _orient(g, zero_claim, (r, c), phi.shape[-2:], layout)
        d_flat = base.reshape(n, -1)
        d_norm = np.sqrt((d_flat * d_flat).sum(axis=1))
        g_norm = float(np.sqrt((g * g).sum()))
        # Rounding is relative to the sizes of the quantities involved, not to a gradient that
        # cancels to 0 (tr((X ⊘ X) B)): an absolute floor from the function's value.
        floor = ABSOLUTE * (1.0 + float(np.abs(fv.real).max(initial=0.0)))
        slow_cache: list[tuple[float, float]] = []

        def slow() -> tuple[float, float]:  # magnitudes met, for rounding after cancellation
            if not slow_cache:
                if not (np.isfinite(phi).all() and np.isfinite(g).all()):
                    raise DomainError("not finite here")
                sg, sf = EvalStats(), EvalStats()
                evaluate(claimed, inst.values, reading, leaf_shapes=leaf, layout=layout, stats=sg)
                evaluate(f, values, reading, leaf_shapes=leaf, layout=layout, stats=sf)
                slow_cache.append((sg.magnitude * np.sqrt(g.size), sf.tangent))
            return slow_cache[0]

        out: dict[tuple[str, str], tuple[str, float]] = {}
        scalar = phi.shape[-1] == 1 and phi.shape[-2] == 1
        for i, (label, _) in enumerate(variants):
            p_flat = phi[i * n:(i + 1) * n].reshape(n, -1)
            fast = (np.abs(p_flat[:, 0]) if scalar else np.sqrt((p_flat * p_flat).sum(axis=1))) \
                + (g_norm + floor) * d_norm
            for orientation, jac in zip(("as", "T"), jacs):
                if orientation == "T" and out[(label, "as")][0] == "pass":
                    out[(label, "T")] = ("skipped", 0.0)  # only asked about when the claim as stated fails
                    continue
                if jac is None:  # this orientation has the wrong shape: it cannot be right
                    out[(label, orientation)] = ("fail", float("inf"))
                    continue
                diff = d_flat @ jac.T - p_flat
                err = np.abs(diff[:, 0]) if scalar else np.sqrt((diff * diff).sum(axis=1))
                if (err <= PASS * fast).all():
                    out[(label, orientation)] = ("pass", 0.0)
                    continue
                out[(label, orientation)] = _classify(err, fast, lambda: slow()[0] * d_norm + slow()[1])
        return out
    return probe


def _orient(g: Array, zero_claim: bool, x_shape: tuple[int, int], f_shape: tuple[int, int],
            layout: Layout) -> tuple[Array | None, Array | None]:
    """The claim as a Jacobian-form matrix J (so that J·vec(D) is the directional derivative),
    as stated and transposed; None where the shape cannot match."""
    (r, c), (fr, fc) = x_shape, f_shape
    numerator = layout is Layout.NUMERATOR
    if r == 1 and c == 1:  # by a scalar: the entrywise derivative (either orientation of a vector)
        target = (fr, fc)
        if zero_claim and g.shape == (1, 1):
            g = np.zeros(target)
        if g.shape == target:
            return g.reshape(-1, 1), None
        if g.T.shape == target and (fr == 1 or fc == 1):
            return g.T.reshape(-1, 1), None
        return None, None
    if fr == 1 and fc == 1:  # a gradient
        if zero_claim and g.shape == (1, 1):
            g = np.zeros((c, r) if numerator else (r, c))
        as_grad = g.T if numerator else g
        other = g if numerator else g.T
        return (as_grad.reshape(1, -1) if as_grad.shape == (r, c) else None,
                other.reshape(1, -1) if other.shape == (r, c) else None)
    if fc == 1 and c == 1:  # a Jacobian of a column vector by a column vector
        if zero_claim and g.shape == (1, 1):
            g = np.zeros((fr, r) if numerator else (r, fr))
        as_jac = g if numerator else g.T
        other = g.T if numerator else g
        return (as_jac if as_jac.shape == (fr, r) else None, other if other.shape == (fr, r) else None)
    raise EvaluationError(f"derivative of a {fr}×{fc} expression by a {r}×{c} variable")


# --- equalities and differentials -----------------------------------------------------------

def check_equality(lhs: Expr, rhs: Expr, ctx: Context, seed: int = 0, *, layout: Layout = Layout.DENOMINATOR,
                   count: int = 2, variables: Iterable[str] | None = None, symmetrize: bool = True) -> EqualityCheck:
    """Does ``lhs = rhs`` hold at random instances?

    Sides may hold `Derivative` nodes (evaluated as the true derivative under ``layout``) and
    `Differential` nodes (the derivative along one random direction per variable: the symbols
    ``S`` written as a bare ``dS`` somewhere in the claim, else ``variables``, else every symbol).
    A literal ``0`` side matches a zero matrix of any shape.
    """
    factor_reading: tuple[Expr, Expr] | None = None
    if any(isinstance(n, Differential) for e in (lhs, rhs) for n in walk(e)) and "d" not in ctx.definitions:
        whole = _d_operator(lhs), _d_operator(rhs)
        factor = _d_operator(lhs, whole=False), _d_operator(rhs, whole=False)
        if factor != whole:
            factor_reading = factor
        lhs, rhs = whole
    # Variables stay themselves: the wrt of a derivative, and S of a bare dS (z in "dz").
    keep = [n.wrt.key for e in (lhs, rhs) for n in walk(e)
            if isinstance(n, Derivative) and isinstance(n.wrt, Symbol)]
    keep += _differential_variables(lhs, rhs, ctx)
    prepared = prepare([lhs, rhs], ctx, keep=keep)
    lhs, rhs = prepared.exprs
    has_derivative = any(isinstance(n, Derivative) for n in prepared.nodes)
    differentials = _variables(lhs, rhs, variables)
    exprs = (lhs, rhs)

    def make_env(otimes: str) -> ShapeEnv:
        try:
            env = infer(exprs, ctx, pairs=((lhs, rhs),), layout=layout, otimes=otimes)
            if not env.collapsed:
                return env
            infer(exprs, ctx, layout=layout, otimes=otimes)  # raises if a side is degenerate by itself
            raise Unsupported(Reason.SHAPE, f"the sides have different shapes: {describe(lhs)} and {describe(rhs)}",
                              lhs.loc)
        except Unsupported as exc:
            if not has_derivative or exc.reason is not Reason.SHAPE:
                raise
            # Only the transpose can match: the stated side fails on shape, the transposed one is checked.
            env = infer((*exprs, Transpose(lhs)), ctx, pairs=((Transpose(lhs), rhs),), layout=layout,
                        otimes=otimes)
            if env.collapsed:
                raise exc from None
            return env

    env_for = _envs(make_env)
    readings = reading_options(prepared.nodes, env_for(ctx.otimes or "kron"), ctx)
    probe = _equality_probe(lhs, rhs, layout, differentials, has_derivative)
    d = _decide(readings, _samplers(prepared, ctx, seed, env_for), probe, count, _sizes_text(None))
    if not d.ok and factor_reading is not None:
        # ``d\,x^T A x``: the d of the next factor only, (dx)ᵀAx, as the other terms of the sum read
        try:
            alt = check_equality(*factor_reading, ctx, seed, layout=layout, count=count, variables=variables,
                                 symmetrize=symmetrize)
        except Unsupported:
            alt = None
        if alt is not None and alt.ok:
            return dataclasses.replace(alt, reading="; ".join(
                x for x in (alt.reading, "a spaced d read as the differential of the next factor") if x))
    if not d.ok:
        capitals = _capitals_read_as_scalars(prepared, env_for, ctx)
        if capitals:
            natural = _as_kind((lhs, rhs), capitals, "matrix")
            try:
                alt = check_equality(natural[0], natural[1], ctx, seed, layout=layout, count=count,
                                     variables=variables, symmetrize=symmetrize)
            except Unsupported:
                alt = None
            if alt is not None and alt.ok:
                return dataclasses.replace(alt, reading="; ".join(x for x in (alt.reading, MATRIX_READING) if x))
    holds_if = None
    if not d.ok and symmetrize:
        holds_if = _holds_if_symmetric(lambda: infer(exprs, ctx, layout=layout, otimes=ctx.otimes or "kron"), ctx,
                                       prepared.keys, lambda c: check_equality(
                                           lhs, rhs, c, seed, layout=layout, count=count, variables=variables,
                                           symmetrize=False).ok)
    return EqualityCheck(d.ok, d.reading, d.detail, d.transpose_ok, holds_if)


def _holds_if_symmetric(natural: Callable[[], ShapeEnv], ctx: Context, keys: Sequence[str],
                        check: Callable[[Context], bool]) -> str | None:
    """``"A symmetric"`` when the claim, wrong as it stands, holds once every square matrix not
    already assumed symmetric is (a common unstated assumption: a covariance Σ, a Hessian).

    ``natural`` gives the shapes the function (or the two sides, untied) force by themselves, so a
    matrix made square only by a wrong claim (``AB`` for ``AᵀBᵀ``) is not offered.
    """
    try:
        env = natural()
    except Unsupported:
        return None
    square = [k for k in keys if (shape := env.symbols.get(k)) is not None and shape[0] == shape[1]
              and shape != (1, 1) and not ({"symmetric", "spd"} & {a.lower() for a in ctx.assumptions.get(k, ())})]
    if not square:
        return None
    assumptions = dict(ctx.assumptions)
    for k in square:
        assumptions[k] = frozenset(assumptions.get(k, frozenset())) | {"symmetric"}
    try:
        if not check(dataclasses.replace(ctx, assumptions=assumptions)):
            return None
    except Unsupported:
        return None
    return ", ".join(square) + " symmetric"


def check_differential(lhs: Expr, rhs: Expr, ctx: Context, seed: int = 0, *, count: int = 2,
                       variables: Iterable[str] | None = None, symmetrize: bool = True) -> EqualityCheck:
    """A claim written with differentials (``d(XY) = dX\\,Y + X\\,dY``, ``d\\operatorname{tr}X = \\operatorname{tr}dX``).

    ``dS = 0`` (and ``d(e) = 0`` when no bare differential is written) declares constants: it
    holds by definition.
    """
    for a, b in ((lhs, rhs), (rhs, lhs)):
        if _is_zero(b) and (isinstance(a, Differential) and isinstance(a.arg, Symbol)
                            or not _bare_differentials([lhs, rhs])):
            return EqualityCheck(True, "declares a constant", "d of a constant is 0")
    return check_equality(lhs, rhs, ctx, seed, count=count, variables=variables, symmetrize=symmetrize)


def _d_operator(e: Expr, whole: bool = True) -> Expr:
    """``d\\, e^{X}`` read as the symbol d times e^X: in a claim written with differentials, a
    product that starts with a plain ``d`` is the differential of the rest (``whole``), or of
    its next factor only (``d\\,x^T A x`` = (dx)ᵀAx; a transpose of a symbol is the transpose of its d)."""
    if isinstance(e, Mul) and len(e.args) >= 2:
        first = e.args[0]
        if isinstance(first, Symbol) and first.name == "d" and first.subscript is None and not first.bold:
            if whole or len(e.args) == 2:
                rest = e.args[1] if len(e.args) == 2 else Mul(e.args[1:], loc=e.loc)
                return Differential(rest, loc=e.loc)
            nxt = e.args[1]
            if isinstance(nxt, Transpose) and isinstance(nxt.arg, Symbol):
                head: Expr = Transpose(Differential(nxt.arg, loc=nxt.loc), loc=nxt.loc)
            else:
                head = Differential(nxt, loc=nxt.loc)
            return Mul((head, *e.args[2:]), loc=e.loc)
    if isinstance(e, Add):
        return dataclasses.replace(e, args=tuple(_d_operator(a, whole) for a in e.args))
    return e


def _bare_differentials(exprs: Sequence[Expr]) -> dict[str, None]:
    out: dict[str, None] = {}
    for e in exprs:
        for n in walk(e):
            if isinstance(n, Differential) and isinstance(n.arg, Symbol):
                out.setdefault(n.arg.key, None)
    return out


def _differential_variables(lhs: Expr, rhs: Expr, ctx: Context) -> list[str]:
    """Symbols that a bare ``dS`` marks as variables, so that a definition of S must not replace them.

    A side that is only ``df`` names the function being differentiated: its definition is used (and
    without one, the claim cannot be checked). A ``dz`` inside a side (``... tr(M) dz``)
    is the differential of a variable, whatever z may mean elsewhere in the document.
    """
    subjects = {side.arg.key: side for side in (lhs, rhs)
                if isinstance(side, Differential) and isinstance(side.arg, Symbol)}
    out = []
    for key in _bare_differentials([lhs, rhs]):
        if key not in subjects:
            out.append(key)
            continue
        if key in ctx.definitions:
            continue
        other = rhs if subjects[key] is lhs else lhs
        if key not in free_keys([other]):
            raise Unsupported(Reason.UNDEFINED, f"`{key}` is not defined in the document", subjects[key].loc)
        out.append(key)
    return out


def _variables(lhs: Expr, rhs: Expr, variables: Iterable[str] | None) -> frozenset[str] | None:
    """Which symbols vary under ``d``; None when the claim holds no differential."""
    if not any(isinstance(n, Differential) for e in (lhs, rhs) for n in walk(e)):
        return None
    bare = _bare_differentials([lhs, rhs])
    if bare:
        return frozenset(bare)
    if variables is not None:
        return frozenset(variables)
    return frozenset(free_keys([lhs, rhs]))


def _equality_probe(lhs: Expr, rhs: Expr, layout: Layout, variables: frozenset[str] | None,
                    transposable: bool) -> Probe:
    lhs_zero, rhs_zero = _is_zero(lhs), _is_zero(rhs)

    def probe(inst: Instance, reading: Readings, sampler: Sampler) -> dict[tuple[str, str], tuple[str, float]]:
        directions = None
        if variables is not None:
            directions = {k: sampler.directions(k, inst.shapes[k]) for k in variables if k in inst.values}
        def value_of(e: Expr, stats: EvalStats | None = None) -> Array:
            return evaluate(e, inst.values, reading, leaf_shapes=inst.leaf_shapes, directions=directions,
                            layout=layout, stats=stats)

        left, right = value_of(lhs), value_of(rhs)
        left, right = np.real(left), np.real(right)
        if not (np.all(np.isfinite(left)) and np.all(np.isfinite(right))):
            raise DomainError("not finite here")
        largest = max((float(np.abs(v).max(initial=0.0)) for v in inst.values.values()), default=0.0)
        floor = ABSOLUTE * (1.0 + largest)
        if lhs_zero and left.shape == (1, 1):
            left = np.zeros_like(right)
        if rhs_zero and right.shape == (1, 1):
            right = np.zeros_like(left)

        def slow() -> float:
            sl, sr = EvalStats(), EvalStats()
            value_of(lhs, sl)
            value_of(rhs, sr)
            return float((sl.magnitude + sr.magnitude + sl.tangent + sr.tangent) * np.sqrt(right.size))

        out: dict[tuple[str, str], tuple[str, float]] = {}
        candidates = [("as", left)] + ([("T", left.T)] if transposable else [])
        for orientation, side in candidates:
            if orientation == "T" and out[("", "as")][0] == "pass":
                out[("", "T")] = ("skipped", 0.0)
                continue
            if side.shape != right.shape:
                out[("", orientation)] = ("fail", float("inf"))
                continue
            err = np.atleast_1d(_norms(side - right))
            fast = np.atleast_1d(_norms(side) + _norms(right)) + floor
            out[("", orientation)] = _classify(err, fast, slow)
        return out
    return probe


__all__ = [
    "DIRECTIONS", "EqualityCheck", "FAIL", "GradientCheck", "Instance", "PASS", "Unsupported",
    "check_differential", "check_equality", "check_gradient", "evaluate_at", "reading_options",
    "sample_instances", "true_gradient",
]
