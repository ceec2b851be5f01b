"""The canonical sum of products behind `simplify`: `Expr` → `Term`s → `Expr`, one register per node.

A `Term` is ``coeff · Π scalarᵉ · F₁ F₂ …``: a Fraction, scalar atoms with exponents (they
commute), and ordered matrix factors whose transposes sit on leaves and inverses only
(``Inverse(Transpose(M))`` is ``M^{-T}``). `_terms(expr, t)` gives the terms of ``expr`` (or of
its transpose when ``t``), pushing transposes in as it goes; `_build_terms` turns terms back
into an `Expr` the printer writes as a person would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import singledispatch

from ..parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, Mul, Norm, Number, Ones, Power, Sum, Symbol, Trace, Transpose, Zero,
)
from .shape_view import ShapeView

# --- the canonical sum of products --------------------------------------------------------

Scalars = tuple[tuple[Expr, Fraction], ...]


@dataclass(frozen=True, slots=True)
class Term:
    """``coeff · Π scalar^exp · factor₁ factor₂ …`` — one term of a canonical sum."""

    coeff: Fraction
    scalars: Scalars = ()
    """Scalar atoms with their exponents, sorted by `_key`."""
    factors: tuple[Expr, ...] = ()
    """Ordered matrix factors (canonical atoms: transposes only on leaves and inverses)."""


ONE = Term(Fraction(1))


def _key(expr: Expr) -> str:
    """Sort key: differentials last, then symbol names in reading order (``A`` before ``B``)."""
    from ..parsers.expr import walk

    nodes = list(walk(expr))
    names = ",".join(n.key for n in nodes if isinstance(n, Symbol))
    last = "1" if any(isinstance(n, Differential) for n in nodes) else "0"  # dX last: tr(G dX)
    return last + names + "\x00" + repr(expr)


def _merge_scalars(a: Scalars, b: Scalars, scale: Fraction = Fraction(1)) -> Scalars:
    out: dict[Expr, Fraction] = dict(a)
    for atom, exp in b:
        out[atom] = out.get(atom, Fraction(0)) + exp * scale
    return tuple(sorted(((k, v) for k, v in out.items() if v != 0), key=lambda kv: _key(kv[0])))


def _times(a: Term, b: Term) -> Term:
    return Term(a.coeff * b.coeff, _merge_scalars(a.scalars, b.scalars),
                _tidy_factors(a.factors + b.factors))


def _scale(term: Term, coeff: Fraction) -> Term:
    return Term(term.coeff * coeff, term.scalars, term.factors)


def _scalar_term(atom: Expr, exp: Fraction = Fraction(1)) -> Term:
    return Term(Fraction(1), ((atom, exp),))


def _tidy_factors(factors: tuple[Expr, ...]) -> tuple[Expr, ...]:
    """Drop identities, cancel ``M M⁻¹``, and turn ``𝟏𝟏ᵀ`` into ``J``."""
    out: list[Expr] = []
    for f in factors:
        if isinstance(f, Identity) and (out or len(factors) > 1):
            continue
        if out and _cancels(out[-1], f):
            out.pop()
            continue
        if out and isinstance(out[-1], Ones) and out[-1].kind == "vector" and _is_ones_row(f):
            out[-1] = Ones(kind="matrix")
            continue
        out.append(f)
    if not out and factors:
        return (Identity(),)
    return tuple(out)


def _is_ones_row(expr: Expr) -> bool:
    return isinstance(expr, Transpose) and isinstance(expr.arg, Ones) and expr.arg.kind == "vector"


def _cancels(a: Expr, b: Expr) -> bool:
    if isinstance(b, Inverse) and b.arg == a:
        return True
    if isinstance(a, Inverse) and a.arg == b:
        return True
    if isinstance(a, Transpose) and isinstance(b, Transpose):
        return _cancels(b.arg, a.arg)
    return False


def _collect(terms: list[Term]) -> list[Term]:
    """Add the coefficients of terms with the same scalars and factors; drop zeros."""
    sums: dict[tuple[Scalars, tuple[Expr, ...]], Fraction] = {}
    for t in terms:
        k = (t.scalars, t.factors)
        sums[k] = sums.get(k, Fraction(0)) + t.coeff
    return [Term(c, s, f) for (s, f), c in sums.items() if c != 0]


# --- Expr → canonical terms (one register per node) --------------------------------------

@dataclass(frozen=True, slots=True)
class _Ctx:
    view: ShapeView
    expand: bool = False
    """Multiply products of sums out (``(A + B)x → Ax + Bx``), for term matching."""


def _terms(expr: Expr, t: bool, ctx: _Ctx) -> list[Term]:
    scalar = ctx.view.is_scalar(expr)
    out = _node_terms(expr, t and not scalar, ctx)
    if scalar:
        return [_scalarise(term, ctx) for term in out]
    if t and isinstance(expr, (Hadamard, Div, Func)):
        out = _outer_transpose(expr, out, ctx)
    return out


def _outer_transpose(expr: Expr, inside: list[Term], ctx: _Ctx) -> list[Term]:
    """``(V ⊘ (AXB))ᵀ`` rather than ``Vᵀ ⊘ (BᵀXᵀAᵀ)``: an entrywise atom keeps its transpose
    outside when pushing it in would add transposes."""
    if len(inside) != 1 or len(inside[0].factors) != 1:
        return inside
    plain = _node_terms(expr, False, ctx)
    if len(plain) != 1 or len(plain[0].factors) != 1:
        return inside
    atom = plain[0].factors[0]
    if _transposes(atom) + 1 < _transposes(inside[0].factors[0]):
        return [Term(plain[0].coeff, plain[0].scalars, (Transpose(atom),))]
    return inside


def _scalarise(term: Term, ctx: _Ctx) -> Term:
    """A term of a 1×1 expression whose factors form a product (``aᵀXb``): make it one scalar atom."""
    if not term.factors:
        return term
    plain = _product(term.factors)
    flipped = _build_terms(_node_terms(plain, True, ctx), ctx)
    atom = flipped if _transposes(flipped) < _transposes(plain) else plain
    return Term(term.coeff, _merge_scalars(term.scalars, ((atom, Fraction(1)),)))


def _transposes(expr: Expr) -> int:
    from ..parsers.expr import walk

    return sum(isinstance(n, Transpose) for n in walk(expr))


@singledispatch
def _node_terms(expr: Expr, t: bool, ctx: _Ctx) -> list[Term]:
    """Unknown nodes are opaque atoms (kept as written)."""
    return [Term(Fraction(1), (), (Transpose(expr) if t else expr,))]


@_node_terms.register
def _(expr: Number, t: bool, ctx: _Ctx) -> list[Term]:
    return [] if expr.value == 0 else [Term(Fraction(expr.value))]


@_node_terms.register
def _(expr: Zero, t: bool, ctx: _Ctx) -> list[Term]:
    return []


@_node_terms.register
def _(expr: Identity, t: bool, ctx: _Ctx) -> list[Term]:
    return [Term(Fraction(1), (), (Identity(),))]


@_node_terms.register
def _(expr: Ones, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr):  # a 1×1 block of ones is the number 1
        return [ONE]
    if expr.kind == "matrix":
        return [Term(Fraction(1), (), (Ones(kind="matrix"),))]
    return [Term(Fraction(1), (), (Transpose(Ones()) if t else Ones(),))]


@_node_terms.register
def _(expr: Symbol, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr):
        return [_scalar_term(expr)]
    if t and expr.key not in ctx.view.symmetric:
        return [Term(Fraction(1), (), (Transpose(expr),))]
    return [Term(Fraction(1), (), (expr,))]


@_node_terms.register
def _(expr: Differential, t: bool, ctx: _Ctx) -> list[Term]:
    inner = expr.arg if isinstance(expr.arg, Symbol) else _build_terms(_terms(expr.arg, False, ctx), ctx)
    atom: Expr = Differential(inner)
    if ctx.view.is_scalar(expr.arg):
        return [_scalar_term(atom)]
    return [Term(Fraction(1), (), (Transpose(atom) if t else atom,))]


@_node_terms.register
def _(expr: Transpose, t: bool, ctx: _Ctx) -> list[Term]:
    return _terms(expr.arg, not t, ctx)


@_node_terms.register
def _(expr: Add, t: bool, ctx: _Ctx) -> list[Term]:
    out: list[Term] = []
    for arg in expr.args:
        out.extend(_terms(arg, t, ctx))
    return _collect(out)


@_node_terms.register
def _(expr: Mul, t: bool, ctx: _Ctx) -> list[Term]:
    args = list(reversed(expr.args)) if t else list(expr.args)
    if ctx.expand:
        terms = [ONE]
        for arg in args:
            parts = _terms(arg, t, ctx)
            if len(parts) > 1 and ctx.view.is_scalar(arg):
                parts = [_as_factor(arg, t, ctx)]
            terms = [_times(a, p) for a in terms for p in parts]
        return _collect([x for x in terms if x.coeff != 0])
    acc = ONE
    for arg in args:
        acc = _times(acc, _as_factor(arg, t, ctx))
        if acc.coeff == 0:
            return []
    return [acc]


def _as_factor(arg: Expr, t: bool, ctx: _Ctx) -> Term:
    """One factor of a product as a single term: a sum becomes a parenthesised atom."""
    parts = _terms(arg, t, ctx)
    if not parts:
        return Term(Fraction(0))
    if len(parts) == 1:
        return parts[0]
    common, inner = _pull_common(parts)
    atom = _build_terms(inner, ctx)
    if ctx.view.is_scalar(arg):
        return _times(common, _scalar_term(atom))
    # (X - WH)ᵀ rather than Xᵀ - HᵀWᵀ: keep the transpose outside when that reads simpler
    flip_common, flip_inner = _pull_common(_terms(arg, not t, ctx))
    flipped = _build_terms(flip_inner, ctx)
    if _transposes(flipped) + 1 < _transposes(atom):
        return _times(flip_common, Term(Fraction(1), (), (Transpose(flipped),)))
    return _times(common, Term(Fraction(1), (), (atom,)))


def _pull_common(parts: list[Term]) -> tuple[Term, list[Term]]:
    """Pull a coefficient and scalars shared by every term out of a sum (``2A + 2B = 2(A + B)``)."""
    shared = set(parts[0].scalars)
    for p in parts[1:]:
        shared &= set(p.scalars)
    scalars = tuple(sorted(shared, key=lambda kv: _key(kv[0])))
    magnitudes = {abs(p.coeff) for p in parts}
    coeff = magnitudes.pop() if len(magnitudes) == 1 else Fraction(1)
    if all(p.coeff < 0 for p in parts):
        coeff = -coeff
    if coeff == 1 and not scalars:
        return ONE, parts
    inverse = tuple((a, -e) for a, e in scalars)
    inner = [Term(p.coeff / coeff, _merge_scalars(p.scalars, inverse), p.factors) for p in parts]
    return Term(coeff, scalars), inner


@_node_terms.register
def _(expr: Inverse, t: bool, ctx: _Ctx) -> list[Term]:
    parts = _terms(expr.arg, False, ctx)
    if not parts:
        raise ZeroDivisionError("inverse of zero")
    if len(parts) > 1:
        return [Term(Fraction(1), (), (_transpose_inverse(Inverse(_build_terms(parts, ctx)), t, ctx),))]
    term = parts[0]
    inv_scalars = tuple((a, -e) for a, e in term.scalars)
    if not term.factors:
        return [Term(1 / term.coeff, inv_scalars)]
    # (ABC)⁻¹ stays one atom, as textbooks write (AXB)⁻¹; single factors invert in place.
    outer = Term(1 / term.coeff, inv_scalars)
    factors = term.factors
    if len(factors) == 1:
        only = factors[0]
        if isinstance(only, Identity):
            return [_times(outer, Term(Fraction(1), (), (only,)))]
        if isinstance(only, Inverse):  # (M⁻¹)⁻¹ = M
            return [_times(outer, p) for p in _terms(only.arg, t, ctx)]
        atom: Expr = Inverse(only)  # Inverse(Transpose(Y)) is X^{-T}, as the parser reads it
    else:
        atom = Inverse(_product(factors))
    return [_times(outer, Term(Fraction(1), (), (_transpose_inverse(atom, t, ctx),)))]


def _transpose_inverse(atom: Expr, t: bool, ctx: _Ctx) -> Expr:
    """``M⁻¹`` or ``M^{-T}`` (``Inverse(Transpose(M))``, as the parser reads ``^{-T}``) as one
    atom; a symmetric ``M`` keeps no transpose."""
    if isinstance(atom, Inverse) and isinstance(atom.arg, Transpose) and _is_symmetric(atom.arg.arg, ctx):
        atom = Inverse(atom.arg.arg)
    if not t or not isinstance(atom, Inverse):
        return atom
    if isinstance(atom.arg, Transpose):
        return Inverse(atom.arg.arg)
    if _is_symmetric(atom.arg, ctx):
        return atom
    return Inverse(Transpose(atom.arg))


def _is_symmetric(expr: Expr, ctx: _Ctx) -> bool:
    plain = _build_terms(_terms(expr, False, ctx), ctx)
    flipped = _build_terms(_terms(expr, True, ctx), ctx)
    return plain == flipped


@_node_terms.register
def _(expr: Power, t: bool, ctx: _Ctx) -> list[Term]:
    exponent = expr.exponent
    if not isinstance(exponent, Number):
        base = _build_terms(_terms(expr.base, False, ctx), ctx)
        exp_e = _build_terms(_terms(exponent, False, ctx), ctx)
        return [_scalar_term(Power(base, exp_e))]
    p = Fraction(exponent.value)
    if ctx.view.is_scalar(expr.base):
        parts = _terms(expr.base, False, ctx)
        if not parts:
            return [] if p > 0 else [_scalar_term(Power(Number(Fraction(0)), exponent))]
        if len(parts) == 1 and p.denominator == 1:
            term = parts[0]
            scalars = tuple((a, e * p) for a, e in term.scalars)
            return [Term(term.coeff ** int(p), scalars)]
        if len(parts) == 1 and parts[0].coeff == 1 and len(parts[0].scalars) == 1:
            # (a^e)^p = a^(ep) only for one atom; (x²)^(1/2) = |x| is not distributed.
            atom, e = parts[0].scalars[0]
            if e == 1:
                return [_scalar_term(atom, p)]
        return [_scalar_term(_build_terms(parts, ctx), p)]
    if p.denominator != 1:
        base = _build_terms(_terms(expr.base, t, ctx), ctx)
        return [Term(Fraction(1), (), (Power(base, exponent),))]
    n = int(p)
    if n == 0:
        return [Term(Fraction(1), (), (Identity(),))]
    base_term = _as_factor(Inverse(expr.base) if n < 0 else expr.base, t, ctx)
    acc = ONE
    for _ in range(abs(n)):
        acc = _times(acc, base_term)
    return [acc]


@_node_terms.register
def _(expr: Trace, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr.arg):
        return _terms(expr.arg, False, ctx)
    out = []
    for term in _terms(expr.arg, False, ctx):
        plain = _product(term.factors) if term.factors else Identity()
        flipped = _build_terms(_node_terms(plain, True, ctx), ctx)
        inner = flipped if _transposes(flipped) < _transposes(plain) else plain
        out.append(Term(term.coeff, _merge_scalars(term.scalars, ((Trace(inner), Fraction(1)),))))
    return _collect(out)


def _oriented(expr: Expr, ctx: _Ctx) -> Expr:
    """``expr`` or its transpose, whichever has fewer transposes (for det, norms, diag)."""
    plain = _build_terms(_terms(expr, False, ctx), ctx)
    flipped = _build_terms(_terms(expr, True, ctx), ctx)
    return flipped if _transposes(flipped) < _transposes(plain) else plain


@_node_terms.register
def _(expr: Det, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr.arg):
        return _terms(expr.arg, False, ctx)
    inner = _oriented(expr.arg, ctx)
    if isinstance(inner, Inverse):
        return [_scalar_term(Det(_oriented(inner.arg, ctx)), Fraction(-1))]
    return [_scalar_term(Det(inner))]


@_node_terms.register
def _(expr: Abs, t: bool, ctx: _Ctx) -> list[Term]:
    parts = _terms(expr.arg, False, ctx)
    if len(parts) == 1 and not parts[0].factors and not parts[0].scalars:
        return [Term(abs(parts[0].coeff))]
    return [_scalar_term(Abs(_oriented(expr.arg, ctx) if not ctx.view.is_scalar(expr.arg)
                             else _build_terms(parts, ctx)))]


@_node_terms.register
def _(expr: Norm, t: bool, ctx: _Ctx) -> list[Term]:
    parts = _terms(expr.arg, False, ctx)
    if not parts:
        return []
    coeff = Fraction(1)
    if len(parts) == 1:
        coeff = abs(parts[0].coeff)
        parts = [_scale(parts[0], 1 / parts[0].coeff)]
    inner = _build_terms(parts, ctx)
    if expr.sub in ("F", "2", None):
        flipped_parts = _terms(expr.arg, True, ctx)
        if len(flipped_parts) == 1:
            flipped_parts = [_scale(flipped_parts[0], 1 / flipped_parts[0].coeff)]
        flipped = _build_terms(flipped_parts, ctx)
        if _transposes(flipped) < _transposes(inner):
            inner = flipped
    return [Term(coeff, ((Norm(inner, expr.sub, note=expr.note), Fraction(1)),))]


@_node_terms.register
def _(expr: Func, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr.arg):
        inner = _build_terms(_terms(expr.arg, False, ctx), ctx)
        return [_scalar_term(replace(expr, arg=inner))]
    inner = _build_terms(_terms(expr.arg, t, ctx), ctx)
    return [Term(Fraction(1), (), (replace(expr, arg=inner),))]


@_node_terms.register
def _(expr: Hadamard, t: bool, ctx: _Ctx) -> list[Term]:
    acc = ONE
    atoms: list[Expr] = []
    dens: list[Expr] = []
    ones: Expr = Ones(kind="matrix")
    for arg in expr.args:
        if ctx.view.is_scalar(arg):
            acc = _times(acc, _as_factor(arg, False, ctx))
            continue
        part = _as_factor(arg, t, ctx)
        acc = _times(acc, Term(part.coeff, part.scalars))
        atom = _product(part.factors) if part.factors else Number(Fraction(1))
        for piece in (atom.args if isinstance(atom, Hadamard) else (atom,)):
            if isinstance(piece, Div) and not ctx.view.is_scalar(piece.den):
                dens.append(piece.den)
                piece = piece.num
            if isinstance(piece, Hadamard):
                atoms.extend(piece.args)
            elif isinstance(piece, Ones):  # J ⊙ M = M, 𝟏 ⊙ v = v
                ones = piece
            else:
                atoms.append(piece)
    if acc.coeff == 0:
        return []
    atom = _hadamard(atoms) if atoms else ones
    if dens:
        atom = Div(atom, _hadamard(dens))
    return [_times(acc, Term(Fraction(1), (), (atom,)))]


def _hadamard(atoms: list[Expr]) -> Expr:
    atoms = sorted(atoms, key=_key)
    return atoms[0] if len(atoms) == 1 else Hadamard(tuple(atoms))


@_node_terms.register
def _(expr: Div, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr.den):
        den = _terms(expr.den, False, ctx)
        if not den:
            raise ZeroDivisionError("division by zero")
        if len(den) == 1:
            d = den[0]
            inv = Term(1 / d.coeff, tuple((a, -e) for a, e in d.scalars))
        else:
            inv = _scalar_term(_build_terms(den, ctx), Fraction(-1))
        return _collect([_times(n, inv) for n in _terms(expr.num, t, ctx)])
    # elementwise division: coefficients of the numerator come out, the rest stays a ⊘ atom
    num_parts = _terms(expr.num, t, ctx)
    if not num_parts:
        return []
    outer = ONE
    if len(num_parts) == 1:
        outer = Term(num_parts[0].coeff, num_parts[0].scalars)
        num: Expr = _product(num_parts[0].factors) if num_parts[0].factors else Ones(kind="matrix")
    else:
        outer, inner = _pull_common(num_parts)
        num = _build_terms(inner, ctx)
    den_expr = _build_terms(_terms(expr.den, t, ctx), ctx)
    if isinstance(num, Hadamard) or isinstance(num, Div):
        return [_times(outer, _terms(Hadamard((num, Div(Ones(kind="matrix"), den_expr))), False, ctx)[0])]
    return [_times(outer, Term(Fraction(1), (), (Div(num, den_expr),)))]


@_node_terms.register
def _(expr: Diag, t: bool, ctx: _Ctx) -> list[Term]:
    arg_vector = ctx.view.is_vector(expr.arg) or (
        isinstance(expr.arg, Symbol) and expr.arg.kind == "vector")
    if not arg_vector:
        outer = _diag_of_outer(expr.arg, t, ctx)
        if outer is not None:  # diag(a bᵀ) = a ⊙ b
            return outer
    inner = _oriented(expr.arg, ctx)
    if arg_vector:
        return [Term(Fraction(1), (), (Diag(inner, note=expr.note),))]
    atom: Expr = Diag(inner, note=expr.note)
    return [Term(Fraction(1), (), (Transpose(atom) if t else atom,))]


def _diag_of_outer(arg: Expr, t: bool, ctx: _Ctx) -> list[Term] | None:
    parts = _terms(arg, False, ctx)
    if len(parts) != 1 or len(parts[0].factors) != 2:
        return None
    u, v = parts[0].factors
    if not (isinstance(v, Transpose) and ctx.view.dims(u)[1] == 1 and ctx.view.dims(v.arg)[1] == 1):
        return None
    if ctx.view.is_scalar(u) or ctx.view.is_scalar(v.arg):
        return None
    head = Term(parts[0].coeff, parts[0].scalars)
    return [_times(head, p) for p in _terms(Hadamard((u, v.arg)), t, ctx)]


@_node_terms.register
def _(expr: Kron, t: bool, ctx: _Ctx) -> list[Term]:
    args = tuple(_build_terms(_terms(a, t, ctx), ctx) for a in expr.args)
    return [Term(Fraction(1), (), (Kron(args),))]


@_node_terms.register(Entry)
@_node_terms.register(Derivative)
@_node_terms.register(Apply)
@_node_terms.register(Sum)
def _(expr: Expr, t: bool, ctx: _Ctx) -> list[Term]:
    if ctx.view.is_scalar(expr):
        return [_scalar_term(expr)]
    return [Term(Fraction(1), (), (Transpose(expr) if t else expr,))]


# --- canonical terms → Expr ----------------------------------------------------------------

def _product(factors: tuple[Expr, ...] | list[Expr]) -> Expr:
    """Factors as one Expr, adjacent repeats as powers (``X X`` → ``X²``)."""
    grouped = _grouped(factors)
    return grouped[0] if len(grouped) == 1 else Mul(tuple(grouped))


def _grouped(factors: tuple[Expr, ...] | list[Expr]) -> list[Expr]:
    grouped: list[Expr] = []
    i = 0
    factors = list(factors)
    while i < len(factors):
        j = i
        while j + 1 < len(factors) and factors[j + 1] == factors[i] and _powerable(factors[i]):
            j += 1
        count = j - i + 1
        grouped.append(factors[i] if count == 1 else Power(factors[i], Number(Fraction(count))))
        i = j + 1
    return grouped


def _powerable(expr: Expr) -> bool:
    return isinstance(expr, (Symbol, Inverse, Add)) or (
        isinstance(expr, Transpose) and isinstance(expr.arg, (Symbol, Inverse)))


def _scalar_power(atom: Expr, exp: Fraction) -> Expr:
    if exp == 1:
        return atom
    return Power(atom, Number(exp))


def _build_term(term: Term, with_sign: bool = True) -> Expr:
    """One term as an Expr: ``-2 tr(X) A X`` is ``Mul(-2, tr(X), A, X)``; ``x/‖x‖`` a `Div`."""
    coeff = term.coeff if with_sign else abs(term.coeff)
    pos = [_scalar_power(a, e) for a, e in term.scalars if e > 0]
    neg = [_scalar_power(a, -e) for a, e in term.scalars if e < 0]
    body = pos + _grouped(term.factors)
    if neg:
        num_parts: list[Expr] = ([Number(Fraction(abs(coeff.numerator)))] if abs(coeff.numerator) != 1 or not body else []) + body
        den_parts: list[Expr] = ([Number(Fraction(coeff.denominator))] if coeff.denominator != 1 else []) + neg
        out: Expr = Div(_mul_of(num_parts), _mul_of(den_parts))
        return Mul((Number(Fraction(-1)), out)) if coeff < 0 else out
    if not body:
        return Number(coeff)
    if coeff == 1:
        return _mul_of(body)
    return _mul_of([Number(coeff)] + body)


def _mul_of(parts: list[Expr]) -> Expr:
    """A product of parts; a part that is itself a product (a scalar ``aᵀXb``) stays grouped."""
    return parts[0] if len(parts) == 1 else Mul(tuple(parts))


def _order(terms: list[Term]) -> list[Term]:
    """Positive terms first; otherwise as derived, except that variants of one product (the same
    symbols) read with the fewest transposes first, then alphabetically (``AXB + AᵀXBᵀ``)."""
    from ..parsers.expr import walk

    def names(t: Term) -> list[str]:
        return [n.key for f in t.factors for n in walk(f) if isinstance(n, Symbol)]

    groups: dict[tuple[str, ...], int] = {}
    keys = []
    for t in terms:
        seq = names(t)
        group = groups.setdefault(tuple(sorted(seq)), len(groups))
        keys.append((t.coeff < 0, group, sum(_transposes(f) for f in t.factors), seq))
    order = sorted(range(len(terms)), key=lambda i: keys[i])
    return [terms[i] for i in order]


def _build_terms(terms: list[Term], ctx: _Ctx | None = None) -> Expr:
    terms = _order(terms)
    if not terms:
        return Zero()
    built = [_build_term(t) for t in terms]
    return built[0] if len(built) == 1 else Add(tuple(built))
