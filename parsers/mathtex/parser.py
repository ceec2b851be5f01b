"""One math span → `Statement`s: rows, clauses, relations and sides (expressions via `grammar`).

The layers, outermost first:

1. **Rows**: the span splits at top-level ``\\\\`` (also ``\\\\\\\\`` written in Markdown,
   ``\\cr``, ``\\newline``); ``aligned``/``align``/``split``/``gathered``/``eqnarray``... at the
   top are unwrapped first, as is an ``array`` whose cells hold relations (used for alignment).
   Top-level ``&`` is alignment and ignored (``&=&`` too).
2. **Clauses**: a row splits at top-level ``,``, ``;``, ``:``, ``\\quad``, ``\\qquad`` and
   ``\\text{...}`` prose (``A = B, \\quad C = D``). The prose goes to `Statement.text` of the
   clause after it (or the last one). ``x, y \\in S`` becomes one ``\\in`` statement per name.
   Trailing ``.`` is dropped.
3. **Relations**: ``=``, ``\\approx``, ``\\in``, ``\\leq``, ``:=``, ``\\stackrel{?}{=}``... at the
   clause's top level split it into sides; a clause starting with a relation has
   ``sides[0] is None``; an empty later side or ``?`` is `Query`.
4. **Sides** are parsed by `grammar.ExprParser`. A side that does not parse becomes a
   placeholder (`grammar.is_unparsed`) and a `ParseProblem`; its statement is still returned,
   so the other links of a chain can be checked.

Never raises: an internal error becomes one `ParseProblem` covering the span.
"""

from __future__ import annotations

import re

from ..expr import Expr, NotationStyle, ParseProblem, Query, Statement
from . import MathParse
from . import notation as N
from .grammar import ExprParser, Fail, is_unparsed, match_groups, placeholder
from .lexer import DEPTH, Tok, find_close_brace, lex

__all__ = ["parse_statements", "is_unparsed"]

_ROW_BREAKS = frozenset({"\\\\", "\\cr", "\\newline"})
_SEPARATORS = frozenset({",", ";", ":"})
_ROW_WRAPPERS = {"\\boxed": 0, "\\fbox": 0, "\\textcolor": 1, "\\colorbox": 1, "\\framebox": 0}
_BINARY = frozenset({"+", "-", "\\times", "\\cdot", "\\odot", "\\otimes", "\\oslash", "\\circ", "\\pm", "\\mp"})
_DIM_RE = re.compile(r"-?[0-9.]*(pt|em|ex|mm|cm|in|mu|px|bp)")


def parse_statements(latex: str, macros: tuple[tuple[str, int, str], ...] = ()) -> MathParse:
    """Parse the LaTeX of one math span into statements (see the module docstring).

    :param latex: the math inside its delimiters; every `loc` is an offset into it.
    :param macros: user macros ``(name, nargs, body)`` still to expand (usually the extractor
        has expanded them already).

    >>> parse = parse_statements(r"\\frac{\\partial f}{\\partial X} = \\mathbf{BCX}^T = ?")
    >>> statement = parse.statements[0]
    >>> statement.relations, [type(side).__name__ for side in statement.sides]
    (('=', '='), ['Derivative', 'Mul', 'Query'])
    >>> statement.side_locs
    ((0, 29), (32, 46), (49, 50))
    """
    try:
        return _SpanParser(latex, lex(latex, macros), bool(macros)).run()
    except RecursionError:
        return MathParse((), (ParseProblem("math nested too deeply", (0, len(latex))),), NotationStyle())
    except Exception as exc:  # a bug: never sink the document (tests assert this never happens)
        message = f"internal parser error: {type(exc).__name__}: {exc}"
        return MathParse((), (ParseProblem(message, (0, len(latex))),), NotationStyle())


class _Clause:
    __slots__ = ("toks", "text", "sep")

    def __init__(self, sep: str) -> None:
        self.toks: list[Tok] = []
        self.text: list[str] = []
        self.sep = sep


class _SpanParser:
    def __init__(self, latex: str, toks: list[Tok], expanded: bool = False) -> None:
        self.latex = latex
        self.expanded = expanded
        """User macros were expanded: token offsets may repeat (all point at the call)."""
        self.toks = toks
        self.problems: list[ParseProblem] = []
        self.statements: list[Statement] = []
        self.votes: list[tuple[str, str]] = []

    def run(self) -> MathParse:
        match, bad = match_groups(self.toks)
        if bad:
            for k in bad[:3]:
                t = self.toks[k]
                what = "unbalanced braces" if t.text in ("{", "}") else f"unmatched {t.text}"
                self.problems.append(ParseProblem(what, (t.start, t.end)))
            return MathParse((), tuple(self.problems), NotationStyle())
        for r, row in enumerate(self._rows(match)):
            if row:
                self._row(r, row)
        return MathParse(tuple(self.statements), tuple(self.problems), N.style_from_votes(self.votes))

    # --- rows -----------------------------------------------------------------------

    def _rows(self, match: list[int]) -> list[list[Tok]]:
        toks = self.toks
        rows: list[list[Tok]] = [[]]
        lead_amp: dict[int, int] = {}  # rows that start with "&": how many (their column)
        skip_ends: set[int] = set()
        k = 0
        n = len(toks)
        while k < n:
            t = toks[k]
            x = t.text
            if k in skip_ends:
                k += 1
                continue
            if x.startswith("\\begin{"):
                env = x[7:-1]
                close = match[k]
                if env in N.ALIGN_ENVIRONMENTS or (env == "array" and self._aligns(k, close, match)):
                    skip_ends.add(close)
                    k += 1
                    for _ in range(N.ENVIRONMENT_ARGS.get(env, 0)):
                        if k < n and toks[k].text == "{":
                            k = match[k] + 1
                    continue
                rows[-1].extend(toks[k : close + 1])
                k = close + 1
                continue
            if x == "{":
                rows[-1].extend(toks[k : match[k] + 1])
                k = match[k] + 1
                continue
            if x in _ROW_WRAPPERS and k + 1 < n:
                # \boxed{A = B}, \textcolor{red}{A = B}: the relation inside is the row's
                j = k + 1
                for _ in range(_ROW_WRAPPERS[x]):
                    j = match[j] + 1 if j < n and toks[j].text == "{" else j + 1
                if j < n and toks[j].text == "{":
                    rows[-1].extend(toks[j + 1 : match[j]])
                    k = match[j] + 1
                    continue
            if x in _ROW_BREAKS:
                rows.append([])
                k = _skip_dimension(toks, k + 1)
                continue
            if x != "&" or any(tok.text != "&" for tok in rows[-1]):
                rows[-1].append(t)  # an inner "&" may end a cell (see `_cell_break`)
            else:
                lead_amp[len(rows) - 1] = lead_amp.get(len(rows) - 1, 0) + 1
            k += 1
        return _merge_continued(rows, lead_amp)

    def _aligns(self, k: int, close: int, match: list[int]) -> bool:
        """An ``array`` whose cells hold relations lays out equations, not a matrix."""
        j = k + 1
        while j < close:
            x = self.toks[j].text
            if x == "{" or x.startswith("\\begin{"):
                j = match[j] + 1
                continue
            if x in N.RELATIONS:
                return True
            j += 1
        return False

    # --- clauses --------------------------------------------------------------------

    def _row(self, r: int, row: list[Tok]) -> None:
        row = _unbrace(row)
        clauses = [_Clause("")]
        depth = 0
        n = len(row)
        for k, t in enumerate(row):
            x = t.text
            if x == "&" and depth == 0:  # a cell of an aligned row (inner ones belong to matrices)
                if _cell_break(row, k, clauses[-1].toks):
                    clauses.append(_Clause("&"))
                continue
            step = DEPTH.get(x)
            if step is not None:
                depth = max(0, depth + step)
            elif x in N.CLAUSE_SPACES:
                if depth == 0:
                    clauses.append(_Clause(x))
                elif k + 1 < n:
                    row[k + 1].gap = True
                continue
            elif depth == 0:
                if x == "\\@text":
                    clauses.append(_Clause("text"))
                    clauses[-1].text.append(t.note or "")
                    continue
                if (x in _SEPARATORS and not _keeps_colon(row, k)) or x == "\\colon":
                    clauses.append(_Clause(x))
                    continue
            clauses[-1].toks.append(t)
        # prose after the last clause belongs to it
        if len(clauses) > 1 and not clauses[-1].toks and clauses[-1].text:
            last = next((c for c in reversed(clauses[:-1]) if c.toks), None)
            if last is not None:
                last.text.extend(clauses[-1].text)
        pending: list[tuple[Expr, tuple[int, int], list[str]]] = []
        for c in clauses:
            toks = _strip_trailing(c.toks)
            if not toks or all(t.text in _BINARY for t in toks) and len(clauses) > 1 and \
                    any(d.sep == "&" for d in clauses):
                continue  # a cell holding only an operator labels a table row (+ & ... = ...)
            st = self._clause(r, toks, c.text)
            if st is None:
                continue
            if not st.relations and len(st.sides) == 1 and st.sides[0] is not None and not is_unparsed(st.sides[0]):
                nxt_sep = self._next_sep(clauses, c)
                if nxt_sep == ",":
                    pending.append((st.sides[0], st.side_locs[0] or st.loc, list(c.text)))  # maybe "x, y \in S"
                    continue
            if pending:
                self._flush_pending(pending, st, c.sep)
                pending = []
            self.statements.append(st)
        for expr, loc, text in pending:
            self.statements.append(Statement((expr,), (), (loc,), loc, " ".join(text), r))

    @staticmethod
    def _next_sep(clauses: list[_Clause], c: _Clause) -> str:
        k = clauses.index(c)
        for nxt in clauses[k + 1 :]:
            if nxt.toks:
                return nxt.sep
        return ""

    def _flush_pending(self, pending: list[tuple[Expr, tuple[int, int], list[str]]], st: Statement, sep: str) -> None:
        """``x, y \\in S``: each listed name gets its own ``\\in`` statement; others stay bare."""
        if sep == "," and st.relations and st.relations[0] == "\\in" and st.sides[0] is not None:
            for expr, loc, text in pending:
                self.statements.append(
                    Statement((expr,) + st.sides[1:], st.relations, (loc,) + st.side_locs[1:],
                              (loc[0], st.loc[1]), " ".join(text) or st.text, st.row)
                )
            return
        for expr, loc, text in pending:
            self.statements.append(Statement((expr,), (), (loc,), loc, " ".join(text), st.row))

    # --- relations and sides ----------------------------------------------------------

    def _clause(self, r: int, toks: list[Tok], text: list[str]) -> Statement | None:
        cuts: list[tuple[int, int, str]] = []  # (first token of relation, index after, canonical)
        depth = 0
        k = 0
        n = len(toks)
        while k < n:
            t = toks[k]
            x = t.text
            step = DEPTH.get(x)
            if step is not None:
                depth = max(0, depth + step)
            elif depth == 0:
                got = _relation_at(toks, k)
                if got is not None:
                    after, name = got
                    cuts.append((k, after, name))
                    k = after
                    continue
            k += 1
        parser = ExprParser(toks, self.latex)
        sides: list[Expr | None] = []
        locs: list[tuple[int, int] | None] = []
        start = 0
        bounds = [(c[0], c[1]) for c in cuts] + [(n, n)]
        for idx, (a, after) in enumerate(bounds):
            if a == start:
                if idx == 0 and cuts:
                    sides.append(None)
                    locs.append(None)
                else:
                    p = toks[a - 1].end if a > 0 else 0
                    sides.append(Query(loc=(p, p)))
                    locs.append((p, p))
            else:
                loc = _extent(toks, start, a) if self.expanded else (toks[start].start, toks[a - 1].end)
                sides.append(self._side(parser, start, a, loc))
                locs.append(loc)
            start = after
        for message, loc in parser.problems:
            self.problems.append(ParseProblem(message, loc))
        self.votes.extend(parser.votes)
        text_all = [s for s in text + parser.text if s]
        loc = _extent(toks, 0, n) if self.expanded else (toks[0].start, toks[-1].end)
        return Statement(tuple(sides), tuple(c[2] for c in cuts), tuple(locs), loc, " ".join(text_all), r)

    def _side(self, parser: ExprParser, a: int, b: int, loc: tuple[int, int]) -> Expr:
        try:
            return parser.parse_range(a, b, "side")
        except Fail as f:
            self.problems.append(ParseProblem(f.message, f.loc))
            return placeholder(f.message, loc)


def _cell_break(row: list[Tok], k: int, current: list[Tok]) -> bool:
    """Whether the ``&`` at ``row[k]`` ends one equation and starts another.

    ``a &= b`` and eqnarray's ``a &=& b`` are one equation laid out in cells; but a table row
    ``+ & \\frac{..}{..} = I & \\frac{..}{..} = I``, two equations side by side
    (``a &= b & c &= d``) and a remark after empty cells (``= 2x &&& (\\text{...})``) are not.
    The ``&`` breaks when what came before is a whole equation (a relation with something after
    it) and the next cell does not start with a relation, or when what came before has no
    relation and the next cell holds a relation of its own.
    """
    nxt: list[Tok] = []
    depth = 0
    for t in row[k + 1:]:
        if t.text == "&" and depth == 0:
            break
        step = DEPTH.get(t.text)
        if step is not None:
            depth = max(0, depth + step)
        nxt.append(t)
    starts_with_relation = bool(nxt) and nxt[0].text in N.RELATIONS
    before = [i for i, t in enumerate(current) if t.text in N.RELATIONS]
    if before:
        if not nxt:  # empty cells: a remark follows only when no relation does (``&= [diagram]``)
            rest = [t for t in row[k + 1:] if t.text != "&"]
            return not _has_relation(rest)
        return before[-1] < len(current) - 1 and not starts_with_relation
    return _has_relation(nxt) and not starts_with_relation


def _merge_continued(rows: list[list[Tok]], lead_amp: dict[int, int]) -> list[list[Tok]]:
    """A row that continues the row before is merged into it: checking the first row alone would
    judge a truncated right-hand side (``= 1 + \\det A \\\\ & + \\operatorname{tr} A``).

    A row continues the one before when it starts with ``+``/``-``/``\\times``... and either
    starts with ``&`` or holds no relation (``-x &= y`` is an equation of its own), or when the
    row before ends with such an operator or with a relation. A continuation that starts in
    column c (after c ``&``) joins column c of the row before, not whatever cells follow it
    (``= a & [diagram] \\\\ &+ b``). Merged rows are left empty so row numbers stay those of the
    source."""
    for r, row in enumerate(rows):
        while row and row[-1].text == "&":  # a trailing cell separator ends nothing
            row.pop()
    last = -1
    for r, row in enumerate(rows):
        if not row:
            continue
        if last >= 0:
            prev = rows[last]
            starts_binary = row[0].text in _BINARY and (r in lead_amp or not _has_relation(row))
            if starts_binary or prev[-1].text in _BINARY or (
                prev[-1].text in N.RELATIONS and row[0].text not in N.RELATIONS
            ):
                at = _column_end(prev, lead_amp.get(r, 0)) if starts_binary else len(prev)
                prev[at:at] = row
                rows[r] = []
                continue
        last = r
    return rows


def _column_end(row: list[Tok], column: int) -> int:
    """Index of the ``&`` that ends cell ``column`` of ``row`` (depth 0), else the row's end."""
    if column <= 0:
        return len(row)
    seen = 0
    depth = 0
    for i, t in enumerate(row):
        step = DEPTH.get(t.text)
        if step is not None:
            depth = max(0, depth + step)
        elif t.text == "&" and depth == 0:
            seen += 1
            if seen == column + 1:
                return i
    return len(row)


def _unbrace(row: list[Tok]) -> list[Tok]:
    """``{\\frac{\\partial u}{\\partial x} = A}``: a brace group around a whole row is no group."""
    while len(row) >= 2 and row[0].text == "{" and row[-1].text == "}":
        depth = 0
        for k, t in enumerate(row):
            depth += t.text == "{"
            depth -= t.text == "}"
            if depth == 0:
                break
        if k != len(row) - 1:
            break
        row = row[1:-1]
    return row


def _extent(toks: list[Tok], a: int, b: int) -> tuple[int, int]:
    """Offsets covering ``toks[a:b]`` (tokens of an expanded macro all point at its call)."""
    start, end = toks[a].start, toks[b - 1].end
    if start > end or any(t.start < start or t.end > end for t in toks[a:b]):
        start = min(t.start for t in toks[a:b])
        end = max(t.end for t in toks[a:b])
    return start, end


def _has_relation(row: list[Tok]) -> bool:
    depth = 0
    for t in row:
        step = DEPTH.get(t.text)
        if step is not None:
            depth += step
        elif depth == 0 and t.text in N.RELATIONS:
            return True
    return False


def _keeps_colon(row: list[Tok], k: int) -> bool:
    """``:=`` and ``=:`` are relations and ``A : B`` (Frobenius product) is an operator; a colon
    separates clauses only before a map (``f: \\mathbb{R}^n \\to \\mathbb{R}``)."""
    if row[k].text != ":":
        return False
    if (k + 1 < len(row) and row[k + 1].text == "=") or (k > 0 and row[k - 1].text == "="):
        return True
    return not any(N.RELATIONS.get(t.text) in ("\\to", "\\mapsto") for t in row[k + 1 :])


def _relation_at(toks: list[Tok], k: int) -> tuple[int, str] | None:
    """The relation starting at ``toks[k]``: (index after it, canonical name), or None."""
    x = toks[k].text
    n = len(toks)
    if x == ":" and k + 1 < n and toks[k + 1].text == "=":
        return k + 2, ":="
    if x == "=" and k + 1 < n and toks[k + 1].text == ":":
        return k + 2, "=:"
    if x in ("\\stackrel", "\\overset", "\\underset") and k + 1 < n:
        first = _group(toks, k + 1)
        if first is None:
            return None
        second = _group(toks, first[2])
        if second is None or second[1] - second[0] != 1:
            return None
        rel = N.RELATIONS.get(toks[second[0]].text)
        if rel is None:
            return None
        mark = "".join((t.note or "") if t.text in ("\\@word", "\\@text") else t.text for t in toks[first[0] : first[1]])
        if rel == "=" and (mark in N.DEFINITION_MARKS or "def" in mark):
            rel = ":="
        return second[2], rel
    rel = N.RELATIONS.get(x)
    if rel is None:
        return None
    return k + 1, rel


def _group(toks: list[Tok], k: int) -> tuple[int, int, int] | None:
    """The brace group (or single token) at ``k``: (first inner, end, after)."""
    if k >= len(toks):
        return None
    if toks[k].text != "{":
        return k, k + 1, k + 1
    close = find_close_brace(toks, k)
    return None if close is None else (k + 1, close, close + 1)


def _strip_trailing(toks: list[Tok]) -> list[Tok]:
    end = len(toks)
    while end > 0 and toks[end - 1].text in (".", ",", ";"):
        end -= 1
    return toks[:end] if end != len(toks) else toks


def _skip_dimension(toks: list[Tok], k: int) -> int:
    """``\\\\[2pt]``: skip the optional vertical space after a row break."""
    if k < len(toks) and toks[k].text == "[":
        j = k + 1
        while j < len(toks) and j < k + 6 and toks[j].text != "]":
            j += 1
        if j < len(toks) and toks[j].text == "]" and _DIM_RE.fullmatch("".join(t.text for t in toks[k + 1 : j])):
            return j + 1
    return k

