"""Claim → `Verdict`: ask the numeric oracle, and derive the expected answer when wrong.

The oracle is the arbiter; derivation only explains. numpy (oracle) is imported here lazily
on the first claim, sympy (derivation) only when a derived answer is needed.
"""

from __future__ import annotations

from ..parsers.expr import Apply, Derivative, Expr, Symbol, walk
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
    for key, sym in symbols.items():
        base = _decorated_base(sym.name)
        if base is not None and any(other.name == base for other in symbols.values()):
            return f"`{sym.name}` next to `{base}` (conjugate, adjugate, estimate...?) is notation mathlint does not read"
    return None


def _decorated_base(name: str) -> str | None:
    for prefix in DECORATIONS:
        if name.startswith(prefix) and name.endswith("}"):
            return name[len(prefix):-1]
    if "^{" in name:
        return name.split("^{", 1)[0]
    return None


def verify_claim(claim: Claim, options: CheckOptions) -> Verdict:
    """Decide one claim (no time bound here: the caller wraps it in the budget)."""
    from . import oracle

    why = unreadable_notation(claim)
    if why:
        return Verdict.unsupported(Reason.NOT_SUPPORTED, why)
    try:
        if claim.kind is ClaimKind.DERIVATIVE:
            return _verify_derivative(claim, options, oracle)
        if claim.kind is ClaimKind.DIFFERENTIAL:
            check = oracle.check_differential(claim.lhs, claim.rhs, claim.context, options.seed)
            return _equality_verdict(check)
        if claim.kind is ClaimKind.INDEX:
            from . import index_notation

            check = index_notation.check_index_equality(claim.lhs, claim.rhs, claim.context, options.seed)
            return _equality_verdict(check)
        missing = undefined_function(claim.lhs) or undefined_function(claim.rhs)
        if missing:
            return Verdict.unsupported(Reason.UNDEFINED, f"`{missing}` is not defined in the document")
        check = _check_equality(oracle, claim, options)
        verdict = _equality_verdict(check)
        if verdict.status is Status.WRONG and _is_condition(claim):
            return Verdict.unsupported(Reason.CONDITION, "read as a condition on its matrices (a constant side, "
                                       "a single matrix, or an if/then statement), not as an identity")
        if verdict.status is Status.WRONG:
            return _second_look(claim, verdict, options, oracle)
        return verdict
    except oracle.Unsupported as exc:
        return Verdict.unsupported(exc.reason, exc.detail)


def _is_condition(claim: Claim) -> bool:
    """An equality that fails but states a property rather than an identity.

    ``Q^TQ = I``, ``\\cos\\theta = -1`` (a side without symbols), ``\\hat L^{-1} = \\hat L^T`` or
    ``A^TA = AA^T`` (one matrix only: a true identity in one matrix would have passed, so a
    failing one says what the matrix is), ``\\text{If } ... \\text{ then } ...``.
    """
    from .recognise import free_symbols

    left, right = free_symbols(claim.lhs), free_symbols(claim.rhs)
    if not left or not right or "conditional" in claim.hints:
        return True
    return len(left | right) == 1 and "derivation" not in claim.hints


def _second_look(claim: Claim, verdict: Verdict, options: CheckOptions, oracle) -> Verdict:  # type: ignore[no-untyped-def]
    """Before calling a claim wrong, try the other plausible readings: other defined names
    held constant (the one-occurrence-at-a-time trick), and the assumption the words around
    it state ("if A is symmetric"). A claim that holds under one of them is not wrong."""
    import dataclasses

    if claim.plain is not None:
        lhs, rhs, function = claim.plain
        plain = dataclasses.replace(claim, lhs=lhs, rhs=rhs, function=function, plain=None)
        try:
            if claim.kind is ClaimKind.DERIVATIVE and function is not None:
                check = oracle.check_gradient(function, claim.variable, rhs, claim.context, claim.layout, options.seed)
            else:
                check = oracle.check_equality(lhs, rhs, claim.context, options.seed, layout=claim.layout)
        except oracle.Unsupported:
            check = None
        if check is not None and check.ok:
            return Verdict(Status.VERIFIED, reading="with the other defined names held constant", detail=check.detail)
    if "symmetric" not in claim.hints:
        return verdict

    from .recognise import free_symbols

    assumed = dict(claim.context.assumptions)
    candidates = sorted(s for s in free_symbols(claim.lhs) | free_symbols(claim.rhs) if _is_matrix_name(s))
    for key in candidates:
        assumed[key] = frozenset(assumed.get(key, frozenset()) | {"symmetric"})
    ctx = dataclasses.replace(claim.context, assumptions=assumed)
    try:
        if claim.kind is ClaimKind.DERIVATIVE:
            check = oracle.check_gradient(claim.function, claim.variable, claim.rhs, ctx, claim.layout, options.seed)
        else:
            check = oracle.check_equality(claim.lhs, claim.rhs, ctx, options.seed, layout=claim.layout)
    except oracle.Unsupported:
        return verdict
    if check.ok:
        return Verdict(Status.VERIFIED, reading=f"assuming {', '.join(candidates)} symmetric, as the text says",
                       detail=check.detail)
    return verdict


def _is_matrix_name(key: str) -> bool:
    """Capital letters (``A``, ``\\Sigma``) name matrices by convention."""
    name = key[1:] if key.startswith("\\") else key
    return name[:1].isupper()


def _check_equality(oracle, claim: Claim, options: CheckOptions):  # type: ignore[no-untyped-def]
    try:
        return oracle.check_equality(claim.lhs, claim.rhs, claim.context, options.seed, layout=claim.layout)
    except TypeError:
        return oracle.check_equality(claim.lhs, claim.rhs, claim.context, options.seed)


def _equality_verdict(check) -> Verdict:  # type: ignore[no-untyped-def]
    if check.ok:
        return Verdict(Status.VERIFIED, reading=getattr(check, "reading", None), detail=getattr(check, "detail", ""))
    return Verdict(Status.WRONG, detail=getattr(check, "detail", ""))


def _verify_derivative(claim: Claim, options: CheckOptions, oracle) -> Verdict:  # type: ignore[no-untyped-def]
    assert claim.function is not None and claim.variable is not None
    wrt_key = getattr(claim.variable, "key", None)
    if isinstance(claim.function, Symbol) and claim.function.key != wrt_key:
        return Verdict.unsupported(Reason.UNDEFINED, f"`{claim.function.key}` is not defined in the document")
    missing = undefined_function(claim.function) or undefined_function(claim.rhs)
    if missing:
        return Verdict.unsupported(Reason.UNDEFINED, f"`{missing}` is not defined in the document")
    check = oracle.check_gradient(claim.function, claim.variable, claim.rhs, claim.context, claim.layout, options.seed)
    if check.ok:
        return Verdict(Status.VERIFIED, reading=check.reading, detail=check.detail)
    verdict = Verdict(Status.WRONG, layout_mismatch=bool(check.transpose_ok), detail=check.detail)
    return _second_look(claim, verdict, options, oracle)


def with_expected(claim: Claim, verdict: Verdict, options: CheckOptions) -> Verdict:
    """Add the derived right-hand side (and the term-by-term comparison) to a wrong derivative.

    Any failure to derive leaves the verdict as it is: a wrong claim stays wrong, the
    explanation is simply missing.
    """
    if claim.kind is not ClaimKind.DERIVATIVE or claim.function is None or claim.variable is None:
        return verdict
    derivation = derive_for(claim.function, claim.variable, claim.context, claim.layout, options)
    if derivation is None:
        return verdict
    terms: tuple[TermMatch, ...] = ()
    try:
        from .terms import match_terms

        source = None
        if claim.math is not None and claim.rhs.loc is not None:
            source = claim.math.latex[claim.rhs.loc[0]:]
        terms = tuple(match_terms(claim.rhs, derivation.expr, claim.context, source=source, layout=claim.layout,
                                  seed=options.seed))
    except Exception:  # noqa: BLE001 - term naming is an explanation, never the verdict
        if options.strict:
            raise
    import dataclasses

    return dataclasses.replace(verdict, expected=derivation.expr, expected_latex=derivation.latex, terms=terms,
                               explanation=tuple(getattr(derivation, "steps", ())) if options.explain else verdict.explanation)


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
