"""Name the wrong term of a sum: match claimed terms to derived terms numerically.

A long right-hand side such as ``AC^TX^TB^T + A^TXCB + ...`` is usually wrong in one term. Each
claimed term is compared, at the oracle's random instances, with each term of the derived answer
(and with its transpose, which points at a layout slip); matched terms are right, and each
unmatched claimed term is paired with the unmatched derived term that most resembles it, so the
message can say "term 1 `\\mathbf{A}\\mathbf{C}^T...` should be `\\mathbf{A}^T\\mathbf{C}^T...`;
terms 2–4 are right".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..parsers.expr import Add, Expr, Inverse, Mul, Number, Power, Symbol, Transpose, walk
from .derive import DEFAULT_SEED, shape_view
from .simplify import expand_terms
from .verdicts import TermMatch

if TYPE_CHECKING:
    from .claims import Context
    from .options import Layout

MAX_TERMS = 12
"""Sums longer than this are not matched term by term (the message stays whole)."""


@dataclass(frozen=True, slots=True)
class _Pairing:
    claimed: int
    expected: int | None
    ok: bool


def split_terms(expr: Expr) -> tuple[Expr, ...]:
    """The top-level terms of a sum, signs kept (``A - B`` → ``A``, ``-B``); else ``(expr,)``."""
    if isinstance(expr, Add):
        out: list[Expr] = []
        for arg in expr.args:
            out.extend(split_terms(arg))
        return tuple(out)
    return (expr,)


def match_terms(claimed: Expr, expected: Expr, ctx: "Context", *, source: str | None = None,
                layout: "Layout | None" = None, seed: int = DEFAULT_SEED,
                equal: Callable[[Expr, Expr], bool] | None = None) -> tuple[TermMatch, ...]:
    """Compare the terms of ``claimed`` with those of ``expected`` (the verified derived answer).

    Returns one `TermMatch` per claimed term (1-based ``index``; ``latex`` as the author wrote
    it when ``source`` — the math span's LaTeX that the ``loc``s index (or the right-hand side's
    text starting where it starts) — is given, else printed in ``ctx.style``; ``expected_latex`` for a wrong
    term), followed by one `TermMatch` with ``index=0`` and empty ``latex`` per derived term
    that no claimed term accounts for (a missing term). Returns ``()`` when there is nothing to
    say term by term (a single term on both sides, or more than `MAX_TERMS` terms).

    :param equal: numeric equality of two expressions (default: `oracle.check_equality`).
    """
    c_terms = split_terms(claimed)
    if len(c_terms) > MAX_TERMS:
        return ()
    eq = equal or _oracle_equal(ctx, seed)
    view = shape_view((claimed, expected), ctx, same_shape=True)
    candidates = [split_terms(expected)]
    expanded = tuple(expand_terms(expected, view))
    if expanded != candidates[0]:
        candidates.append(expanded)
    if len(c_terms) == 1 and all(len(e) == 1 for e in candidates):
        return ()
    best: tuple[int, tuple[Expr, ...], list[_Pairing]] | None = None
    for e_terms in candidates:
        if len(e_terms) > MAX_TERMS:
            continue
        pairing = _pair(c_terms, e_terms, eq)
        score = sum(p.ok for p in pairing) * 2 - abs(len(e_terms) - len(c_terms))
        if best is None or score > best[0]:
            best = (score, e_terms, pairing)
    if best is None:
        return ()
    _, e_terms, pairing = best
    out: list[TermMatch] = []
    used = set()
    for p in pairing:
        term = c_terms[p.claimed]
        latex = _source_latex(term, claimed, source) or _print(term, ctx)
        expected_latex = None
        if not p.ok and p.expected is not None:
            expected_latex = _print(e_terms[p.expected], ctx)
        if p.expected is not None:
            used.add(p.expected)
        out.append(TermMatch(p.claimed + 1, latex, p.ok, expected_latex))
    for j, e in enumerate(e_terms):
        if j not in used:
            out.append(TermMatch(0, "", False, _print(e, ctx)))
    return tuple(out)


def _pair(c_terms: tuple[Expr, ...], e_terms: tuple[Expr, ...],
          eq: Callable[[Expr, Expr], bool]) -> list[_Pairing]:
    """Match equal terms (bipartite, augmenting paths), then pair the rest by resemblance."""
    n, m = len(c_terms), len(e_terms)
    equal = [[eq(c, e) for e in e_terms] for c in c_terms]
    match_e: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in range(m):
            if equal[i][j] and j not in seen:
                seen.add(j)
                if j not in match_e or augment(match_e[j], seen):
                    match_e[j] = i
                    return True
        return False

    for i in range(n):
        augment(i, set())
    match_c = {i: j for j, i in match_e.items()}
    free_e = [j for j in range(m) if j not in match_e]
    wrong = [i for i in range(n) if i not in match_c]
    suggestion: dict[int, int] = {}
    # A transposed term is the strongest hint, then the closest in symbols read in order.
    for i in wrong:
        for j in free_e:
            if j not in suggestion.values() and eq(c_terms[i], Transpose(e_terms[j])):
                suggestion[i] = j
                break
    for i in wrong:
        if i in suggestion:
            continue
        options = [j for j in free_e if j not in suggestion.values()]
        if options:
            suggestion[i] = min(options, key=lambda j: _distance(c_terms[i], e_terms[j]))
    out = []
    for i in range(n):
        if i in match_c:
            out.append(_Pairing(i, match_c[i], True))
        else:
            out.append(_Pairing(i, suggestion.get(i), False))
    return out


def _letters(expr: Expr) -> list[str]:
    out = []
    for node in walk(expr):
        if isinstance(node, Symbol):
            out.append(node.key)
        elif isinstance(node, Transpose):
            out.append("ᵀ")
        elif isinstance(node, Number) and node.value < 0:
            out.append("-")
    return out


def _distance(a: Expr, b: Expr) -> int:
    """Edit distance between the symbol sequences of two terms (transposes and signs count)."""
    x, y = _letters(a), _letters(b)
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        cur = [i] + [0] * len(y)
        for j, cy in enumerate(y, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy))
        prev = cur
    return prev[-1]


def _oracle_equal(ctx: "Context", seed: int) -> Callable[[Expr, Expr], bool]:
    from .oracle import Unsupported, check_equality

    def equal(a: Expr, b: Expr) -> bool:
        try:
            return bool(check_equality(a, b, ctx, seed).ok)
        except Unsupported:
            return False
        except Exception:  # noqa: BLE001 - a shape error means "not this term"
            return False

    return equal


def _source_latex(term: Expr, whole: Expr, source: str | None) -> str | None:
    """The term's LaTeX as written: ``source`` (the side's LaTeX) sliced by the term's ``loc``.

    Locs are offsets into the whole math span; where ``source`` starts is found by lining up
    the symbols of ``whole`` with the text. A slice that starts inside ``\\mathbf{`` or ends
    before its ``}`` is widened to whole commands.
    """
    if source is None or term.loc is None:
        return None
    base = _base_offset(whole, source)
    if base is None:
        return None
    start, end = term.loc[0] - base, term.loc[1] - base
    if not (0 <= start < end <= len(source)):
        return None
    while True:  # widen over an enclosing \mathbf{ / \boldsymbol{ / \bm{ ...
        m = _OPENER.search(source, 0, start)
        if m is None:
            break
        start = m.start()
    depth = source.count("{", start, end) - source.count("}", start, end)
    while depth > 0 and end < len(source):
        if source[end] == "}":
            depth -= 1
        elif source[end] == "{":
            depth += 1
        end += 1
    if end < len(source) and source[end] in "^_'":  # a transpose mark right after a bold letter
        m = _SCRIPT.match(source, end)
        if m is not None and term.loc[1] - base <= end and _ends_with_script(term):
            end = m.end()
    text = source[start:end].strip()
    if text.startswith("+"):
        text = text[1:].strip()
    if text.count("{") != text.count("}"):
        return None  # cut inside a command: print it instead
    return text or None


_OPENER = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|mathit|vec)\{\s*$")
_SCRIPT = re.compile(r"(?:\^\{[^{}]*\}|\^\\?[A-Za-z0-9]+|'|_\{[^{}]*\}|_[A-Za-z0-9])+")


def _ends_with_script(term: Expr) -> bool:
    last = term
    while isinstance(last, Mul) and last.args:
        last = last.args[-1]
    return isinstance(last, (Transpose, Inverse, Power))


def _base_offset(whole: Expr, source: str) -> int | None:
    """Where ``source`` starts, in the local offsets the nodes' ``loc`` use."""
    if whole.loc is None:
        return None
    leaves = [n for n in walk(whole) if isinstance(n, Symbol) and n.loc is not None]

    def fits(base: int) -> bool:
        return all(n.loc is not None and source[n.loc[0] - base:n.loc[1] - base] in (n.name, n.key) for n in leaves)

    # the whole math span's LaTeX (base 0), else text starting at (or a little before) the side
    for base in [0] + [whole.loc[0] - shift for shift in range(0, min(whole.loc[0], 64) + 1)]:
        if base >= 0 and fits(base):
            return base
    return None


def _print(expr: Expr, ctx: "Context") -> str:
    from ..parsers.mathtex.printer import to_latex

    return to_latex(expr, ctx.style)


def describe_terms(matches: tuple[TermMatch, ...]) -> str:
    """One sentence for a message: which terms are wrong, what they should be, which are right.

    >>> describe_terms((TermMatch(1, "AC^T", False, "A^TC^T"), TermMatch(2, "B", True),
    ...                 TermMatch(3, "C", True), TermMatch(4, "D", True)))
    'term 1 `AC^T` should be `A^TC^T`; terms 2–4 are right'
    """
    parts: list[str] = []
    right = [m.index for m in matches if m.ok and m.index > 0]
    for m in matches:
        if m.index > 0 and not m.ok:
            if m.expected_latex:
                parts.append(f"term {m.index} `{m.latex}` should be `{m.expected_latex}`")
            else:
                parts.append(f"term {m.index} `{m.latex}` should not be there")
    missing = [m.expected_latex for m in matches if m.index == 0 and m.expected_latex]
    for latex in missing:
        parts.append(f"a term `{latex}` is missing")
    if right and parts:
        noun = "term" if len(right) == 1 else "terms"
        verb = "is" if len(right) == 1 else "are"
        parts.append(f"{noun} {_ranges(right)} {verb} right")
    return "; ".join(parts)


def _ranges(indices: list[int]) -> str:
    """``[2, 3, 4]`` → ``2–4``; ``[2, 4]`` → ``2 and 4``; ``[1, 3, 4, 5]`` → ``1 and 3–5``."""
    runs: list[str] = []
    groups: list[list[int]] = []
    for i in indices:
        if groups and i == groups[-1][-1] + 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    for g in groups:
        if len(g) >= 3:
            runs.append(f"{g[0]}–{g[-1]}")
        else:
            runs.extend(str(i) for i in g)
    if len(runs) == 1:
        return runs[0]
    return ", ".join(runs[:-1]) + " and " + runs[-1]


__all__ = ["MAX_TERMS", "describe_terms", "match_terms", "split_terms"]
