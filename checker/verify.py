"""Claim → `Verdict`: ask the numeric oracle, and derive the expected answer when wrong.

The oracle is the arbiter; derivation only explains. numpy (oracle) is imported here lazily
on the first claim, sympy (derivation) only when a derived answer is needed.
"""

from __future__ import annotations

from ..parsers.expr import Apply, Derivative, Expr, Mul, Power, Symbol, walk
from .claims import Claim, ClaimKind, Context
from .options import CheckOptions, Layout
from .verdicts import Reason, Status, TermMatch, Verdict


def undefined_function(expr: Expr, variables: frozenset[str] = frozenset()) -> str | None:
    """The name of a function the document never defines (``\\partial f`` with no ``f = ...``)."""
    for node in walk(expr):
        if isinstance(node, Derivative) and node.expr is not None:
            inner = node.expr
            if isinstance(inner, Symbol) and inner.key not in variables:
                return inner.key
            if isinstance(inner, Apply):
                return getattr(inner.func, "key", "f")
        if isinstance(node, Apply):
            return getattr(node.func, "key", "a function")
    return None


DECORATIONS = ("\\hat{", "\\tilde{", "\\bar{", "\\check{", "\\breve{", "\\dot{", "\\ddot{", "\\overline{")


def unreadable_notation(claim: Claim) -> str | None:
    """Why a claim uses notation whose meaning mathlint cannot pin down, or None."""
    from ..parsers.expr import MatrixLiteral

    symbols: dict[str, Symbol] = {}
    for side in (claim.lhs, claim.rhs):
        for node in walk(side):
            if isinstance(node, MatrixLiteral) and node is not side:
                return "a displayed (block) matrix inside an expression"
            if isinstance(node, Symbol):
                symbols[node.key] = node
    if _imaginary_unit(claim):
        return "`i` outside a subscript (the imaginary unit?): complex identities are not checked"
    for key, sym in symbols.items():
        base = _decorated_base(sym.name)
        if base is not None and any(other.name == base for other in symbols.values()):
            return f"`{sym.name}` next to `{base}` (conjugate, adjugate, estimate...?) is notation mathlint does not read"
    return None


def _at_integer_exponents(claim: Claim, options: CheckOptions) -> Verdict | None:
    """The claim judged with its exponent symbols set to 2 and to 3: verified when it holds at
    both, wrong when it fails at both (a counterexample), else None."""
    import dataclasses

    from ..parsers.expr import Sum
    from .rewrite import substitute_number

    sides = [e for e in (claim.lhs, claim.rhs) if e is not None]
    bound = {n.index for side in sides for n in walk(side) if isinstance(n, Sum)}
    exponents = [n.exponent for side in sides for n in walk(side) if isinstance(n, Power)]
    if not all(_affine(e) for e in exponents):
        return None  # J^{ij} (a single-entry matrix), X^{mn}: not an integer power
    names = sorted({m.key for e in exponents for m in walk(e) if isinstance(m, Symbol) and m.key not in bound})
    if not names or len(names) > 2:
        return None
    verdicts = []
    for value in (2, 3):
        def at(e: Expr) -> Expr:
            for name in names:
                e = substitute_number(e, name, value)
            return e

        instance = dataclasses.replace(claim, lhs=at(claim.lhs), rhs=at(claim.rhs), plain=None,
                                       function=None if claim.function is None else at(claim.function))
        verdicts.append(_judge(instance, claim.context, options))
    reading = f"with {', '.join(names)} = 2 and 3 (an integer exponent)"
    if all(v.status is Status.VERIFIED for v in verdicts):
        return Verdict(Status.VERIFIED, reading=reading)
    if all(v.status is Status.WRONG for v in verdicts):
        return dataclasses.replace(verdicts[-1], reading=reading,
                                   layout_mismatch=all(v.layout_mismatch for v in verdicts))
    return None


def _affine(exponent: Expr) -> bool:
    """``k``, ``k-1``, ``n-1-r``, ``2``: an integer-valued exponent; not ``ij`` or ``1/2``."""
    from ..parsers.expr import Add, Number

    if isinstance(exponent, Number):
        return exponent.value.denominator == 1
    if isinstance(exponent, Symbol):
        return exponent.subscript is None and len(exponent.name) == 1
    if isinstance(exponent, Add):
        return all(_affine(a) for a in exponent.args)
    if isinstance(exponent, Mul) and len(exponent.args) == 2 and isinstance(exponent.args[0], Number):
        return _affine(exponent.args[0]) and _affine(exponent.args[1])
    return False


def _imaginary_unit(claim: Claim) -> bool:
    """A plain ``i`` used as a value — not an index (``x_i``, ``[M]_{i}``, a sum over i)."""
    from ..parsers.expr import Entry

    def values(e: Expr) -> bool:
        if isinstance(e, Symbol):
            return e.name == "i" and e.subscript is None and not e.bold
        if isinstance(e, Entry):
            return values(e.base)
        return any(values(c) for c in e.children())

    return (values(claim.lhs) or values(claim.rhs)) and not _binds(claim, "i")


def _binds(claim: Claim, index: str) -> bool:
    from ..parsers.expr import Sum

    return any(isinstance(n, Sum) and n.index == index for side in (claim.lhs, claim.rhs) for n in walk(side))


def _symbolic_matrix_power(claim: Claim) -> bool:
    """``X^k``, ``(-1)^k``, ``i^k``: powers that mean what they say for integer k only."""
    from fractions import Fraction

    from ..parsers.expr import Number

    def integer_only(base: Expr) -> bool:
        if _matrix_like(base):
            return True
        inner = base.args[-1] if isinstance(base, Mul) and len(base.args) == 2 and base.args[0] == Number(Fraction(-1)) else base
        return (isinstance(inner, Number) and inner.value < 0) or (isinstance(base, Mul) and inner is not base) or (
            isinstance(inner, Symbol) and inner.name == "i")

    return any(isinstance(n, Power) and integer_only(n.base) and any(isinstance(m, Symbol) for m in walk(n.exponent))
               for side in (claim.lhs, claim.rhs) for n in walk(side))


def _matrix_like(expr: Expr) -> bool:
    return any(isinstance(n, Symbol) and (n.kind == "matrix" or _is_matrix_name(n.key)) for n in walk(expr))


def _decorated_base(name: str) -> str | None:
    for prefix in DECORATIONS:
        if name.startswith(prefix) and name.endswith("}"):
            return name[len(prefix):-1]
    if "^{" in name:
        return name.split("^{", 1)[0]
    return None


def verify_claim(claim: Claim, options: CheckOptions) -> Verdict:
    """Decide one claim (no time bound here: the caller wraps it in the budget).

    The claim as read is judged first; anything short of verified then gets a second look
    under the other plausible readings (`_second_look`), and a failing equality that reads
    as a condition is not called wrong (`_is_condition`).
    """
    why = unreadable_notation(claim)
    if why:
        return Verdict.unsupported(Reason.NOT_SUPPORTED, why)
    verdict = _judge(claim, claim.context, options)
    if verdict.status is Status.VERIFIED:
        return verdict
    verdict = _second_look(claim, verdict, options)
    if verdict.status is not Status.VERIFIED and _symbolic_matrix_power(claim):
        # X^k means an integer k: judge the claim at k = 2 and k = 3 (sums over r < k written out)
        verdict = _at_integer_exponents(claim, options) or Verdict.unsupported(
            Reason.NOT_SUPPORTED, "a matrix power with a symbolic exponent")
    if verdict.status is Status.WRONG and "intermediate" in claim.hints:
        return Verdict.unsupported(Reason.NOT_SUPPORTED, "a chain rule through an intermediate variable the "
                                   "document defines: its partial derivatives hold other variables fixed, "
                                   "which substituting the definition cannot express")
    if verdict.status is Status.WRONG and claim.kind is ClaimKind.EQUALITY and _is_condition(claim):
        return Verdict.unsupported(Reason.CONDITION, "read as a condition on its matrices (a constant side, "
                                   "a single matrix, or an if/then statement), not as an identity")
    return verdict


def _judge(claim: Claim, ctx: Context, options: CheckOptions) -> Verdict:
    """One reading of one claim → verified / wrong / unsupported."""
    from . import oracle

    try:
        if claim.kind is ClaimKind.DERIVATIVE:
            return _verify_derivative(claim, ctx, options, oracle)
        missing = undefined_function(claim.lhs) or undefined_function(claim.rhs)
        if missing and claim.kind is not ClaimKind.INDEX:
            return Verdict.unsupported(Reason.UNDEFINED, f"`{missing}` is not defined in the document")
        if claim.kind is ClaimKind.DIFFERENTIAL:
            return _equality_verdict(oracle.check_differential(claim.lhs, claim.rhs, ctx, options.seed))
        if claim.kind is ClaimKind.INDEX:
            from . import index_notation

            return _equality_verdict(index_notation.check_index_equality(claim.lhs, claim.rhs, ctx, options.seed,
                                                                         layout=claim.layout))
        return _equality_verdict(oracle.check_equality(claim.lhs, claim.rhs, ctx, options.seed, layout=claim.layout))
    except oracle.Unsupported as exc:
        return Verdict.unsupported(exc.reason, exc.detail)


def _is_condition(claim: Claim) -> bool:
    """An equality that fails but states a property rather than an identity.

    ``Q^TQ = I``, ``\\cos\\theta = -1`` (a side without symbols), ``\\hat L^{-1} = \\hat L^T`` or
    ``A^TA = AA^T``, ``Q^k = ... Q`` standing alone (one matrix, with scalars: a true identity in
    one matrix would have passed, so a failing one says what the matrix is),
    ``\\text{If } ... \\text{ then } ...``.
    """
    from .recognise import free_symbols

    left, right = free_symbols(claim.lhs), free_symbols(claim.rhs)
    if not left or not right or "conditional" in claim.hints:
        return True
    matrices = {k for k in (left | right) - _exponent_only_symbols(claim) if _is_matrix_name(k)}
    return len(matrices) <= 1 and "derivation" not in claim.hints


def _exponent_only_symbols(claim: Claim) -> set[str]:
    """Symbols that stand only in exponents (the k of ``Q^k``): integers, not quantities."""
    in_exponents = {m.key for side in (claim.lhs, claim.rhs) for n in walk(side) if isinstance(n, Power)
                    for m in walk(n.exponent) if isinstance(m, Symbol)}
    elsewhere: set[str] = set()

    def visit(e: Expr) -> None:
        if isinstance(e, Power):
            visit(e.base)
            return
        if isinstance(e, Symbol):
            elsewhere.add(e.key)
        for child in e.children():
            visit(child)

    visit(claim.lhs)
    visit(claim.rhs)
    return in_exponents - elsewhere


def _second_look(claim: Claim, verdict: Verdict, options: CheckOptions) -> Verdict:
    """Before calling a claim wrong (or giving up on it), try the other plausible readings:
    other defined names held constant (the one-occurrence-at-a-time trick), and the
    assumption the words around it state ("if A is symmetric", a covariance). A claim that
    holds under one of them is verified, and the reading is named."""
    import dataclasses

    readings: list[tuple[Claim, Context, str]] = []
    if claim.plain is not None:
        lhs, rhs, function = claim.plain
        plain = dataclasses.replace(claim, lhs=lhs, rhs=rhs, function=function, plain=None)
        readings.append((plain, claim.context, "with the other defined names held constant"))
    if verdict.reason is Reason.SHAPE and claim.context.shapes:
        # declared shapes from another passage may not be meant here (X was m×n there,
        # square here): a claim that holds with shapes inferred from itself is not wrong
        readings.append((claim, dataclasses.replace(claim.context, shapes={}, recent_shapes=frozenset()),
                         "with shapes inferred from the claim itself"))
    named = {h.partition(":")[2] for h in claim.hints if h.startswith("symmetric:")}
    wrt = getattr(claim.variable, "key", None)
    if named and verdict.holds_if and verdict.holds_if.removesuffix(" symmetric").strip() == wrt:
        # a passage about symmetric matrices, and the claim holds for a symmetric variable: the
        # structured derivative (d/dX for symmetric X), not a symmetry spread to other matrices
        named |= {wrt}
    if named or "covariance" in claim.hints:
        ctx, names = _assume_symmetric(claim, named | ({"\\Sigma"} if "covariance" in claim.hints else set()))
        if names:
            reading = f"assuming {', '.join(names)} symmetric, as the text around it says"
            readings.append((claim, ctx, reading))
            if claim.plain is not None:
                readings.append((readings[0][0], ctx, reading + ", other defined names held constant"))
    for candidate, ctx, reading in readings:
        second = _judge(candidate, ctx, options)
        if second.status is Status.VERIFIED:
            return dataclasses.replace(second, reading=reading)
    return verdict


def _assume_symmetric(claim: Claim, keys: set[str]) -> tuple[Context, list[str]]:
    """The claim's context with the named matrices symmetric (a covariance Σ is)."""
    import dataclasses

    from .recognise import free_symbols

    assumed = dict(claim.context.assumptions)
    names = sorted(s for s in free_symbols(claim.lhs) | free_symbols(claim.rhs) if s in keys)
    for key in names:
        assumed[key] = frozenset(assumed.get(key, frozenset()) | {"symmetric"})
    return dataclasses.replace(claim.context, assumptions=assumed), names


def _is_matrix_name(key: str) -> bool:
    """Capital letters (``A``, ``\\Sigma``) name matrices by convention."""
    name = key[1:] if key.startswith("\\") else key
    return name[:1].isupper()


def _equality_verdict(check) -> Verdict:  # type: ignore[no-untyped-def]
    if check.ok:
        return Verdict(Status.VERIFIED, reading=getattr(check, "reading", None), detail=getattr(check, "detail", ""))
    return Verdict(Status.WRONG, detail=getattr(check, "detail", ""), holds_if=getattr(check, "holds_if", None))


def _verify_derivative(claim: Claim, ctx: Context, options: CheckOptions, oracle) -> Verdict:  # type: ignore[no-untyped-def]
    assert claim.function is not None and claim.variable is not None
    wrt_key = getattr(claim.variable, "key", None)
    if isinstance(claim.function, Symbol) and claim.function.key != wrt_key:
        return Verdict.unsupported(Reason.UNDEFINED, f"`{claim.function.key}` is not defined in the document")
    missing = undefined_function(claim.function) or undefined_function(claim.rhs)
    if missing:
        return Verdict.unsupported(Reason.UNDEFINED, f"`{missing}` is not defined in the document")
    check = oracle.check_gradient(claim.function, claim.variable, claim.rhs, ctx, claim.layout, options.seed)
    if check.ok:
        return Verdict(Status.VERIFIED, reading=check.reading, detail=check.detail)
    return Verdict(Status.WRONG, layout_mismatch=bool(check.transpose_ok), detail=check.detail,
                   holds_if=getattr(check, "holds_if", None))


def with_expected(claim: Claim, verdict: Verdict, options: CheckOptions) -> Verdict:
    """Add the derived right-hand side (and, for sums, the term-by-term comparison).

    Derivatives get the derived gradient; differentials ``d(expr)`` the derived differential;
    equalities the closed form of their left side. Any failure to derive leaves the verdict as
    it is: a wrong claim stays wrong, only the explanation is missing.
    """
    import dataclasses

    derivation = None
    if claim.kind is ClaimKind.DERIVATIVE and claim.function is not None and claim.variable is not None:
        derivation = derive_for(claim.function, claim.variable, claim.context, claim.layout, options)
    elif claim.kind is ClaimKind.DIFFERENTIAL:
        derivation = _derive_other(claim, options, differential=True)
    elif claim.kind is ClaimKind.EQUALITY:
        derivation = _derive_other(claim, options, differential=False)
    if derivation is None:
        return verdict
    terms: tuple[TermMatch, ...] = ()
    if claim.kind is ClaimKind.DERIVATIVE:
        try:
            from .terms import match_terms

            source = claim.math.latex if claim.math is not None else None
            written = claim.rhs_written if claim.rhs_written is not None else claim.rhs
            terms = tuple(match_terms(written if written == claim.rhs else claim.rhs, derivation.expr, claim.context,
                                      source=source if written == claim.rhs else None, layout=claim.layout,
                                      seed=options.seed))
        except Exception:  # noqa: BLE001 - term naming is an explanation, never the verdict
            if options.strict:
                raise
    explanation = verdict.explanation
    if options.explain and claim.kind is ClaimKind.DERIVATIVE and claim.function is not None and claim.variable is not None:
        explanation = _explain(claim, options) or explanation
    return dataclasses.replace(verdict, expected=derivation.expr, expected_latex=derivation.latex, terms=terms,
                               explanation=explanation)


def _derive_other(claim: Claim, options: CheckOptions, differential: bool):  # type: ignore[no-untyped-def]
    """The derived differential of ``d(expr)``, or the closed form of an equality's left side."""
    from ..parsers.expr import Differential

    try:
        from .derive import derive_closed_form, derive_differential
        from .oracle import Unsupported

        try:
            if differential:
                if not isinstance(claim.lhs, Differential):
                    return None
                wrt = tuple(n.arg for side in (claim.lhs, claim.rhs) for n in walk(side)
                            if isinstance(n, Differential) and isinstance(n.arg, Symbol))
                return derive_differential(claim.lhs.arg, claim.context, wrt or None, seed=options.seed)
            if not any(isinstance(n, Derivative) for n in walk(claim.lhs)):
                return None  # a plain identity: the claimed right side is the author's own form
            return derive_closed_form(claim.lhs, claim.context, claim.layout, seed=options.seed)
        except Unsupported:
            return None
    except Exception:  # noqa: BLE001 - see with_expected
        if options.strict:
            raise
        return None


def _explain(claim: Claim, options: CheckOptions) -> tuple[str, ...]:
    try:
        from .explain import explain_gradient

        assert claim.function is not None and claim.variable is not None
        return tuple(explain_gradient(claim.function, claim.variable, claim.context, claim.layout))
    except Exception:  # noqa: BLE001 - an explanation is optional
        if options.strict:
            raise
        return ()


def derive_for(function: Expr, variable: Expr, ctx: Context, layout: Layout, options: CheckOptions):  # type: ignore[no-untyped-def]
    """The verified derivation of ∂function/∂variable, or None when it cannot be had."""
    try:
        from .derive import derive_gradient
        from .oracle import Unsupported

        try:
            return derive_gradient(function, variable, ctx, layout)
        except Unsupported:
            return None
    except Exception:  # noqa: BLE001 - see docstring
        if options.strict:
            raise
        return None
