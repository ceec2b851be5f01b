"""The checking pipeline: `Document` → `FileReport`.

The stages, in order (each a function below):
1. `parse_spans`      — every math span → statements (mathtex)
2. `collect_facts`    — definitions, shapes, assumptions, layout, notation style
3. `recognise_claims` — links of chains → claims, displays, queries
4. `judge_claims`     — oracle verdicts (time-bounded), expected answers for wrong ones
5. `lint_notation`    — displayed matrices (entry-name / entry-index)
6. `answer_queries`   — ``= ?`` right-hand sides → `derived` info findings
7. `filter_findings`  — suppression directives, --select / --ignore
"""

from __future__ import annotations

import dataclasses
import os

from ..parsers.document import Document, MathSpan
from ..parsers.expr import Derivative, Loc, ParseProblem, walk
from ..parsers.mathtex import parse_math
from ..parsers.span import Span
from .claims import Claim, ClaimKind
from .context_build import DocumentFacts, build_facts
from .findings import ClaimResult, FileReport, Finding, Fix, Edit
from .options import CheckOptions, Layout
from .recognise import ParsedSpan, Recognised, recognise_claims, suppressed_codes
from .rules import (
    DERIVED, LAYOUT_MISMATCH, PARSE_ERROR, SHAPE_MISMATCH, WRONG_DERIVATIVE,
    WRONG_DIFFERENTIAL, WRONG_EQUALITY, Rule,
)
from .verdicts import Reason, Status, Verdict

__all__ = ["check_document"]


def check_document(doc: Document, options: CheckOptions | None = None) -> FileReport:
    """Check every claim of ``doc``. Never raises on document content (unless ``options.strict``)."""
    options = options or CheckOptions()
    parsed = parse_spans(doc)
    facts = collect_facts(doc, parsed)
    recognised = recognise_claims(doc, parsed, facts, options.layout)
    results, findings = judge_claims(doc, recognised, facts, parsed, options)
    findings += parse_findings(doc, parsed)
    display_results, display_findings = lint_notation(doc, recognised, facts, options)
    results += display_results
    findings += display_findings
    findings += answer_queries(doc, recognised, facts, options)
    kept_results, kept = filter_findings(doc, results, findings, options)
    kept.sort(key=lambda f: (f.span.start, f.span.end, f.code))
    return FileReport(path=doc.path, claims=tuple(kept_results), findings=tuple(kept), text=doc.text,
                      newline=doc.newline, encoding=doc.encoding, bom=doc.bom)


# --- 1. parse ---------------------------------------------------------------------------

def parse_spans(doc: Document) -> list[ParsedSpan]:
    return [ParsedSpan(math, parse_math(math.latex, doc.macros)) for math in doc.math]


# --- 2. facts ---------------------------------------------------------------------------

def collect_facts(doc: Document, parsed: list[ParsedSpan]) -> DocumentFacts:
    statements = [
        (ps.math.index, stmt, ps.math.source_offset(stmt.loc[0]))
        for ps in parsed for stmt in ps.parse.statements
    ]
    try:
        from ..parsers.context import prose_facts

        prose = prose_facts(doc)
    except ImportError:  # pragma: no cover - only while the prose reader is absent
        prose = ()
    return build_facts(doc, statements, prose, [ps.parse.style for ps in parsed if ps.parse.statements])


def unread_part(claim: Claim, problems: tuple[ParseProblem, ...], doc_text: str = "") -> str | None:
    """Why part of ``claim`` could not be read, or None when both its sides parsed.

    The math parser keeps what it could read of a chain and marks the rest (a placeholder
    where a side failed), so one unreadable side costs only the links that touch it.
    """
    from ..parsers.mathtex.cursor import is_unparsed

    for side in (claim.lhs_written or claim.lhs, claim.rhs_written or claim.rhs):
        for node in walk(side):
            if is_unparsed(node):
                return node.note or "part of this math could not be read"
    if claim.math is None:
        return None
    span = claim.math.span
    if _holds_diagram(claim.math, doc_text):
        # rows and cells around a blanked tikzpicture no longer line up with what was meant
        return "a diagram (tikzpicture) inside the equation: its rows and cells cannot be read reliably"
    sides = [claim.rhs_written]
    if span.start <= claim.lhs_span.start <= span.end:  # not a side carried over from the display before
        sides.append(claim.lhs_written)
    locs = [e.loc for e in sides if e is not None and e.loc is not None]
    for problem in problems:
        if any(_overlaps(loc, problem.loc) for loc in locs):
            return problem.message
    return None


def _holds_diagram(math: MathSpan, text: str) -> bool:
    return "\\begin{tikzpicture}" in text[math.span.start:math.span.end]


def _overlaps(a: Loc, b: Loc) -> bool:
    return a[0] <= b[0] < max(a[1], a[0] + 1) or b[0] <= a[0] < max(b[1], b[0] + 1)


# --- 4. judge ---------------------------------------------------------------------------

def judge_claims(doc: Document, recognised: Recognised, facts: DocumentFacts, parsed: list[ParsedSpan],
                 options: CheckOptions) -> tuple[list[ClaimResult], list[Finding]]:
    results: list[ClaimResult] = []
    findings: list[Finding] = []
    problems = {ps.math.index: ps.parse.problems for ps in parsed}
    if recognised.claims and options.claim_cache is None:
        from . import oracle  # noqa: F401 - numpy loads here, outside the first claim's budget
    for claim in recognised.claims:
        unread = unread_part(claim, problems.get(claim.math.index, ()) if claim.math is not None else (), doc.text)
        if unread is not None:
            verdict = Verdict.unsupported(Reason.PARSE, unread)
        else:
            verdict = judge_one(claim, options)
        if verdict.reason is Reason.SHAPE and _all_shapes_declared(claim):
            verdict = Verdict(Status.WRONG, detail=verdict.detail, shape_mismatch=True)
        verdict = _respect_refutation(doc, claim, verdict, facts)
        index = len(results)
        results.append(ClaimResult(claim, verdict))
        findings.extend(claim_findings(doc, index, claim, verdict))
    return results, findings


def judge_one(claim: Claim, options: CheckOptions) -> Verdict:
    """One claim's verdict within its time budget; an internal error is `unsupported`.

    The budget counts checking, not importing: numpy is loaded before the first claim and
    sympy before the first derivation, outside any claim's time. A cached verdict (same
    mathematics, same context, same options) is reused as it is.
    """
    cache = options.claim_cache
    if cache is not None:
        cached = cache.get(claim, options)
        if cached is not None:
            return cached
    from .verify import verify_claim, with_expected

    verdict = _budgeted(lambda: verify_claim(claim, options), options, None)
    if verdict.status is Status.WRONG and options.derive:
        from . import derive  # noqa: F401 - loads sympy outside the claim's budget

        verdict = _budgeted(lambda: with_expected(claim, verdict, options), options, verdict)
    elif verdict.status is Status.VERIFIED and options.explain and claim.kind is ClaimKind.DERIVATIVE:
        verdict = _budgeted(lambda: _with_explanation(claim, verdict, options), options, verdict)
    if cache is not None and verdict.reason not in (Reason.TIMEOUT, Reason.INTERNAL):
        cache.put(claim, options, verdict)
    return verdict


def _budgeted(work, options: CheckOptions, fallback: Verdict | None) -> Verdict:  # type: ignore[no-untyped-def]
    """``work()`` within the claim budget; on timeout the ``fallback`` (or `unsupported`)."""
    from .budget import Timeout, run_with_budget

    try:
        return run_with_budget(work, options.timeout)  # type: ignore[no-any-return]
    except Timeout:
        return fallback or Verdict.unsupported(Reason.TIMEOUT, f"no verdict within {options.timeout:g} s")
    except RecursionError:
        return fallback or Verdict.unsupported(Reason.NOT_SUPPORTED, "expression too deeply nested")
    except Exception as exc:  # noqa: BLE001 - one claim must not sink the file (STYLE §5)
        if options.strict or os.environ.get("MATHLINT_STRICT") == "1":
            raise
        return fallback or Verdict.unsupported(Reason.INTERNAL, f"{type(exc).__name__}: {exc}")


def _with_explanation(claim: Claim, verdict: Verdict, options: CheckOptions) -> Verdict:
    from .verify import _explain

    steps = _explain(claim, options)
    return dataclasses.replace(verdict, explanation=steps) if steps else verdict


REFUTATION_REACH = 400
"""Characters after a claim's math within which "this guess is wrong" refers to it."""


def _respect_refutation(doc: Document, claim: Claim, verdict: Verdict, facts: DocumentFacts) -> Verdict:
    """A wrong claim that the text itself refutes right after ("but this guess is wrong")
    is a deliberate wrong guess: context, never a finding."""
    if verdict.status is not Status.WRONG or claim.math is None:
        return verdict
    end = claim.math.span.end
    next_display = min((m.span.start for m in doc.math if m.display and m.span.start >= end), default=len(doc.text))
    for offset in facts.refute_offsets:
        if end <= offset <= min(end + REFUTATION_REACH, next_display):
            return Verdict.unsupported(Reason.REFUTED, "the text refutes this claim itself")
    return verdict


def claim_findings(doc: Document, index: int, claim: Claim, verdict: Verdict) -> list[Finding]:
    notes: list[Finding] = []
    if claim.kind is ClaimKind.INDEX:
        from .index_notation import index_findings
        from .rules import INDEX_MISMATCH

        notes = [dataclasses.replace(f, claim_index=index) for f in index_findings(
            claim.lhs_written or claim.lhs, claim.rhs_written or claim.rhs, claim.context,
            verdict.status is Status.WRONG, claim.lhs_span, claim.rhs_span)]
        if any(f.rule is INDEX_MISMATCH for f in notes):
            return notes  # the index mismatch is the one finding of this wrong claim
    return notes + _verdict_findings(doc, index, claim, verdict)


def _verdict_findings(doc: Document, index: int, claim: Claim, verdict: Verdict) -> list[Finding]:
    if verdict.status is not Status.WRONG:
        return []
    if verdict.shape_mismatch:
        return [Finding(SHAPE_MISMATCH, claim.rhs_span, {"message": verdict.detail or "shapes do not conform"},
                        claim_index=index)]
    rule, message = _wrong_message(claim, verdict)
    if verdict.holds_if and rule is not LAYOUT_MISMATCH and "," not in verdict.holds_if:
        # only a single-matrix hint helps ("A symmetric"); "A, B, C, D symmetric" is noise
        message += f" (it would hold for {verdict.holds_if}: if that is meant, say so in the text)"
    span = _finding_span(doc, claim, verdict)
    fix = None
    if verdict.expected_latex:
        fix = _term_fix(doc, claim, verdict, span) or Fix(
            (Edit(claim.rhs_span, verdict.expected_latex),),
            description=f"replace the right-hand side with {verdict.expected_latex}",
            layout_only=rule is LAYOUT_MISMATCH)
    return [Finding(rule, span, {"message": message}, expected=verdict.expected_latex, fix=fix, claim_index=index)]


def _term_fix(doc: Document, claim: Claim, verdict: Verdict, span: Span) -> Fix | None:
    """When one term of a long sum is wrong, the fix replaces that term only, so the author's
    line breaks and alignment survive. Only when the source text of the term reads back as
    exactly that term, and no sign sits at its edge."""
    wrong = [t for t in verdict.terms if not t.ok]
    if span == claim.rhs_span or len(wrong) != 1 or not wrong[0].expected_latex or claim.rhs_written is None:
        return None
    from .terms import split_terms

    written = split_terms(claim.rhs_written)[wrong[0].index - 1]
    source = doc.text[span.start:span.end]
    replacement = wrong[0].expected_latex
    if source.lstrip().startswith(("-", "+")) or replacement.startswith("-"):
        return None
    parsed = parse_math(source)
    sides = parsed.statements[0].sides if len(parsed.statements) == 1 and not parsed.problems else ()
    if len(sides) != 1 or sides[0] != written:
        return None
    return Fix((Edit(span, replacement),), description=f"replace term {wrong[0].index} with {replacement}")


def _finding_span(doc: Document, claim: Claim, verdict: Verdict) -> Span:
    """The wrong term when exactly one term of a sum is wrong, else the right-hand side."""
    wrong = [t for t in verdict.terms if not t.ok]
    if len(wrong) != 1 or wrong[0].index < 1 or claim.math is None or claim.rhs_written is None:
        return claim.rhs_span
    from .terms import split_terms

    terms = split_terms(claim.rhs_written)
    if len(terms) < 2 or wrong[0].index > len(terms):
        return claim.rhs_span
    loc = terms[wrong[0].index - 1].loc
    if loc is None:
        return claim.rhs_span
    span = claim.math.source_span(loc[0], loc[1], doc.lines)
    return span if claim.rhs_span.start <= span.start <= claim.rhs_span.end else claim.rhs_span



def _all_shapes_declared(claim: Claim) -> bool:
    """Report a shape contradiction only when the document declared every shape involved:
    inferred shapes (is a plain ``x`` a scalar or a vector?) are guesses, and a guess must
    never become an error."""
    from .recognise import free_symbols

    if claim.kind not in (ClaimKind.DERIVATIVE, ClaimKind.EQUALITY) or claim.hints & {"conditional", "square"}:
        return False
    symbols = free_symbols(claim.lhs) | free_symbols(claim.rhs)
    ctx = claim.context
    if not symbols or any(ctx.assumptions.get(s) for s in symbols):
        return False
    if all(s in ctx.recent_shapes for s in symbols):
        return True
    # ∂f/∂X with X declared and every other symbol a matrix by typography (bold or capital):
    # conformability then fixes their shapes, and a contradiction is the claim's, not a guess
    wrt = getattr(claim.variable, "key", None)
    if claim.kind is not ClaimKind.DERIVATIVE or wrt not in ctx.recent_shapes:
        return False
    kinds = _symbol_kinds(claim)
    return all(s in ctx.recent_shapes or kinds.get(s) == "matrix" for s in symbols)


def _symbol_kinds(claim: Claim) -> dict[str, str]:
    from ..parsers.expr import Symbol, walk

    return {n.key: n.kind for side in (claim.lhs, claim.rhs) for n in walk(side) if isinstance(n, Symbol)}


def _wrong_message(claim: Claim, verdict: Verdict) -> tuple[Rule, str]:
    expected = f"; expected `{verdict.expected_latex}`" if verdict.expected_latex else ""
    if claim.kind is ClaimKind.DERIVATIVE:
        wrt = _latex_of(claim.variable)
        if verdict.layout_mismatch:
            other = "numerator" if claim.layout is Layout.DENOMINATOR else "denominator"
            return LAYOUT_MISMATCH, (
                f"`{claim.rhs_latex}` is the transpose of the derivative with respect to `{wrt}` under "
                f"{claim.layout.value} layout (it is right in {other} layout){expected}"
            )
        terms = _describe_terms(verdict)
        if terms:
            return WRONG_DERIVATIVE, f"wrong derivative with respect to `{wrt}` ({claim.layout.value} layout): {terms}"
        return WRONG_DERIVATIVE, (
            f"wrong derivative with respect to `{wrt}` ({claim.layout.value} layout): `{_short(claim.rhs_latex)}` "
            f"does not match the true gradient at random instances{expected}"
        )
    if claim.kind is ClaimKind.DIFFERENTIAL:
        return WRONG_DIFFERENTIAL, f"wrong differential: `{_short(claim.latex)}` fails along random directions{expected}"
    return WRONG_EQUALITY, f"`{_short(claim.latex)}` does not hold at random instances{expected}"


def _short(latex: str, limit: int = 90) -> str:
    flat = " ".join(latex.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe_terms(verdict: Verdict) -> str:
    if not verdict.terms or len(verdict.terms) < 2:
        return ""
    try:
        from .terms import describe_terms

        text = describe_terms(verdict.terms)
    except Exception:  # noqa: BLE001 - wording only
        return ""
    return text


def _latex_of(expr: object) -> str:
    if expr is None:
        return "?"
    try:
        from ..parsers.mathtex.printer import to_latex

        return to_latex(expr)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - wording only
        return getattr(expr, "key", "the variable")


# --- parse problems -----------------------------------------------------------------------

def parse_findings(doc: Document, parsed: list[ParsedSpan]) -> list[Finding]:
    out: list[Finding] = []
    for ps in parsed:
        if not ps.parse.problems or not _looks_like_claim(ps.math.latex):
            continue
        problem = ps.parse.problems[0]
        start, end = problem.loc
        span = ps.math.source_span(start, max(end, start + 1), doc.lines) if ps.math.latex else ps.math.span
        out.append(Finding(PARSE_ERROR, span, {"message": f"could not read this math: {problem.message}"}))
    for reading_problem in doc.problems:
        out.append(Finding(PARSE_ERROR, reading_problem.span, {"message": reading_problem.message}))
    return out


def _looks_like_claim(latex: str) -> bool:
    return "=" in latex and any(m in latex for m in ("\\partial", "\\nabla", "\\frac{d", "tr", "Tr", "^T", "\\top"))


# --- 5. notation --------------------------------------------------------------------------

def lint_notation(doc: Document, recognised: Recognised, facts: DocumentFacts,
                  options: CheckOptions) -> tuple[list[ClaimResult], list[Finding]]:
    """Displayed matrices: each display with named entries is a claim, its slips findings."""
    results: list[ClaimResult] = []
    out: list[Finding] = []
    if not recognised.displays:
        return results, out
    from .displays import display_link, display_result

    for link in recognised.displays:
        found = display_link(link.lhs.expr, link.rhs.expr)
        if found is None:
            continue
        name, literal = found
        ctx = facts.context_at(link.offset)
        layout = facts.layout_at(link.offset, options.layout)
        math = link.math

        def locate(loc: Loc, math: MathSpan = math) -> Span:
            return math.source_span(loc[0], loc[1], doc.lines)

        try:
            result = display_result(name, literal, ctx, layout, locate)
        except Exception:  # noqa: BLE001 - a lint must not sink the file
            if options.strict:
                raise
            continue
        if result.checked:
            claim = Claim(kind=ClaimKind.DISPLAY, lhs=link.lhs.expr, rhs=link.rhs.expr,
                          span=Span(link.lhs.span.file, link.lhs.span.start, link.rhs.span.end, link.lhs.span.line,
                                    link.lhs.span.col, link.rhs.span.end_line, link.rhs.span.end_col),
                          lhs_span=link.lhs.span, rhs_span=link.rhs.span,
                          latex=f"{link.lhs.latex} = {link.rhs.latex}", layout=layout, context=ctx, math=link.math,
                          rhs_latex=link.rhs.latex)
            results.append(ClaimResult(claim, result.verdict()))
        out.extend(result.findings)
    return results, out


# --- 6. queries ---------------------------------------------------------------------------

def answer_queries(doc: Document, recognised: Recognised, facts: DocumentFacts, options: CheckOptions) -> list[Finding]:
    """``\\frac{\\partial f}{\\partial X} = ?``: a `derived` finding with the verified answer."""
    out: list[Finding] = []
    if not options.derive:
        return out
    from ..parsers.expr import Query
    from .context_build import substitute

    for link in recognised.queries:
        lhs = link.lhs.expr
        if not isinstance(lhs, Derivative) or lhs.expr is None:
            continue
        ctx = facts.context_at(link.offset)
        layout = facts.layout_at(link.offset, options.layout)
        wrt_key = getattr(lhs.wrt, "key", "")
        function = substitute(lhs.expr, dict(ctx.definitions), frozenset({wrt_key}))
        question = Claim(kind=ClaimKind.DERIVATIVE, lhs=lhs, rhs=Query(), span=link.rhs.span, lhs_span=link.lhs.span,
                         rhs_span=link.rhs.span, latex=f"{link.lhs.latex} = ?", layout=layout,
                         context=dataclasses.replace(ctx, definitions={}), function=function, variable=lhs.wrt)
        answer = _answer(question, options)
        if answer is None:
            continue
        message = f"derived ({layout.value} layout): `{answer}`"
        fix = Fix((Edit(link.rhs.span, answer),), description="fill in the derived answer")
        out.append(Finding(DERIVED, link.rhs.span, {"message": message}, expected=answer, fix=fix))
    return out


def _answer(question: Claim, options: CheckOptions) -> str | None:
    """The derived right-hand side of a ``= ?`` (through the claim cache: no sympy when known)."""
    cache = options.claim_cache
    if cache is not None:
        cached = cache.get(question, options)
        if cached is not None:
            return cached.expected_latex
    from .verify import derive_for

    assert question.function is not None and question.variable is not None
    derivation = derive_for(question.function, question.variable, question.context, question.layout, options)
    verdict = (Verdict(Status.VERIFIED, expected=derivation.expr, expected_latex=derivation.latex)
               if derivation is not None else Verdict.unsupported(Reason.DERIVATION, "no verified closed form"))
    if cache is not None:
        cache.put(question, options, verdict)
    return verdict.expected_latex


# --- 7. filter ----------------------------------------------------------------------------

def filter_findings(doc: Document, results: list[ClaimResult], findings: list[Finding],
                    options: CheckOptions) -> tuple[list[ClaimResult], list[Finding]]:
    suppressed_by_span: dict[int, frozenset[str] | None] = {}
    for math in doc.math:
        suppressed_by_span[math.index] = suppressed_codes(math, doc.directives, doc)

    def suppressed(finding: Finding) -> bool:
        math = _math_at(doc, finding.span)
        if math is None:
            return False
        codes = suppressed_by_span.get(math.index)
        return codes is not None and (not codes or finding.code in codes)

    kept_results = []
    for result in results:
        claim_math = result.claim.math
        codes = suppressed_by_span.get(claim_math.index) if claim_math is not None else None
        if codes is not None and not codes:
            result = dataclasses.replace(result, suppressed=True)
        kept_results.append(result)
    kept = []
    for finding in findings:
        if suppressed(finding):
            continue
        if options.select is not None and finding.code not in options.select:
            continue
        if finding.code in options.ignore:
            continue
        kept.append(finding)
    return kept_results, kept


def _math_at(doc: Document, span: Span) -> MathSpan | None:
    for math in doc.math:
        if math.span.start <= span.start <= math.span.end:
            return math
    return None


