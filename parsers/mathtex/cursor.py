"""The parser's state and plumbing (`Cursor`), `Fail`, and the helpers every grammar module shares."""

from __future__ import annotations

import re
from fractions import Fraction

from ..expr import Apply, Div, Expr, Mul, Number, Symbol
from . import notation as N
from .lexer import Tok

UNPARSED = "\\unparsed"
"""`Apply` placeholder name for a side or matrix entry that did not parse (its note says why)."""
SPACE_RE = re.compile(r"\\[,;:! ]|\s+")
_COMPACT_RE = re.compile(r"\s*([{}^_])\s*")
BARS = frozenset({"|", "\\vert", "\\lvert", "\\rvert", "\\|", "\\Vert", "\\lVert", "\\rVert"})
ABS_OPEN = frozenset({"|", "\\vert", "\\lvert"})
ABS_CLOSE = frozenset({"|", "\\vert", "\\rvert"})
NORM_OPEN = frozenset({"\\|", "\\Vert", "\\lVert"})
NORM_CLOSE = frozenset({"\\|", "\\Vert", "\\rVert"})
# Tokens that cannot begin a factor: a product ends before them.
STOP = frozenset(
    {"+", "-", ")", "]", "}", "&", ",", ";", ":", "\\\\", "^", "_", "'", "!", ".", "/", "=", "<", ">",
     "\\rangle", "\\rvert", "\\rVert", "\\}", "\\rbrace", "\\rbrack", "\\right", "\\pm", "\\mp"}
) | N.CLOSE_BRACKETS | frozenset(N.RELATIONS) | frozenset(N.ELEMENTWISE_OPERATORS) | frozenset(N.PRODUCT_OPERATORS)
UPPER_GREEK = frozenset(g for g in N.GREEK if g[0].isupper())
# Macros that can follow ``d`` as the thing differentiated (``d\\mathbf{X}``, ``d\\operatorname{tr}``).
OPERAND_MACROS = (
    frozenset(N.BOLD_COMMANDS) | frozenset(N.LETTER_FONTS) | N.DECORATIONS | frozenset(N.WORD_MACROS)
    | frozenset({"\\left", "\\lvert", "\\lVert", "\\|", "\\langle", "\\sigma", "\\T"})
    | frozenset(N.REAL_SPACES)
)


class Fail(Exception):
    """An unreadable construct: ``message`` and local ``loc``."""

    def __init__(self, message: str, loc: tuple[int, int]) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


def compact(text: str) -> str:
    """``" ^{ \\mathsf T } "`` → ``"^{\\mathsf T}"``: whitespace dropped except between words."""
    text = " ".join(text.split())
    return _COMPACT_RE.sub(r"\1", text)


def match_groups(toks: list[Tok]) -> tuple[list[int], list[int]]:
    """Index of the partner of each ``{``/``}`` and ``\\begin``/``\\end`` (or -1), and unmatched indexes."""
    match = [-1] * len(toks)
    stack: list[int] = []
    bad: list[int] = []
    for k, t in enumerate(toks):
        x = t.text
        if x == "{":
            stack.append(k)
        elif x == "}" or (x[0] == "\\" and len(x) > 5 and (x[:5] == "\\end{" or x[:7] == "\\begin{")):
            if x[1:2] == "b":
                stack.append(k)
                continue
            if not stack:
                bad.append(k)
                continue
            j = stack.pop()
            opener = toks[j].text
            if (x == "}") != (opener == "{") or (x != "}" and opener[7:] != x[5:]):
                bad.append(k)
                stack.append(j)
                continue
            match[j] = k
            match[k] = j
    bad.extend(stack)
    return match, bad


def is_unparsed(expr: Expr | None) -> bool:
    """True for the placeholder standing where a side or an entry did not parse."""
    return isinstance(expr, Apply) and isinstance(expr.func, Symbol) and expr.func.name == UNPARSED


def placeholder(message: str, loc: tuple[int, int]) -> Apply:
    return Apply(Symbol(UNPARSED, loc=loc), (), loc=loc, note=message)


def negate(e: Expr, loc: tuple[int, int] | None) -> Expr:
    """``-e`` in canonical form: ``-2X`` is ``Mul((Number(-2), X))``, ``-X`` is ``Mul((Number(-1), X))``.

    >>> negate(Mul((Number(Fraction(2)), Symbol("X"))), None).args[0]
    Number(value=Fraction(-2, 1))
    >>> [type(a).__name__ for a in negate(Symbol("X"), None).args]
    ['Number', 'Symbol']
    """
    if isinstance(e, Number):
        return Number(-e.value, loc=loc, note=e.note)
    if isinstance(e, Mul):
        first = e.args[0]
        if isinstance(first, Number):
            return Mul((Number(-first.value, loc=first.loc),) + e.args[1:], loc=loc, note=e.note)
        return Mul((Number(Fraction(-1), loc=_sign_loc(loc)),) + e.args, loc=loc, note=e.note)
    return Mul((Number(Fraction(-1), loc=_sign_loc(loc)), e), loc=loc)


def _sign_loc(loc: tuple[int, int] | None) -> tuple[int, int] | None:
    """The -1 of a negation stands where its minus sign is."""
    return None if loc is None else (loc[0], min(loc[0] + 1, loc[1]))


def unexpected(t: Tok | None) -> str:
    if t is None:
        return "unexpected end of math"
    x = t.text
    if x == "\\@text":
        return "unexpected text"
    if x == "\\@word":
        return f"unexpected {t.note}"
    if x.startswith("\\end{"):
        return f"unexpected {x}"
    return f"unexpected {x!s}"


def divide(num: Expr, den: Expr, note: str, loc: tuple[int, int] | None = None) -> Expr:
    if loc is None:
        loc = (num.loc[0], den.loc[1])  # type: ignore[index]
    if isinstance(num, Number) and isinstance(den, Number) and den.value != 0:
        return Number(num.value / den.value, loc=loc, note=note)
    return Div(num, den, loc=loc, note=note)


def is_transpose(toks: list[Tok], a: int, b: int, body: str) -> bool:
    if b - a == 1:
        t = toks[a]
        if t.word in ("T",) or (t.word == "H" and t.note is not None):
            return True
        return t.text in N.TRANSPOSE_MARKS or t.text in N.TRANSPOSE_MACROS
    return body in N.TRANSPOSE_MARKS


class Cursor:
    """Parser state over ``toks[i:end]`` and the plumbing every grammar rule uses."""

    def __init__(self, toks: list[Tok], latex: str) -> None:
        self.toks = toks
        self.latex = latex
        self.match, _ = match_groups(toks)
        self.i = 0
        self.end = len(toks)
        self.bold: str | None = None
        self.bars = 0
        self.grouped: str | None = None
        self.text: list[str] = []
        self.problems: list[tuple[str, tuple[int, int]]] = []
        """Soft problems (an unreadable matrix entry) that do not sink the whole side."""
        self.votes: list[tuple[str, str]] = []
        """Notation seen while parsing (``("transpose", "^\\top")``...), for `notation.style_from_votes`."""

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < self.end else None

    def fail(self, message: str, tok: Tok | None = None) -> Fail:
        if tok is None:
            tok = self.peek()
        if tok is None:
            last = self.toks[self.end - 1].end if self.end > 0 and self.toks else 0
            return Fail(message, (last, last))
        return Fail(message, (tok.start, tok.end))

    def loc(self, a: int, b: int) -> tuple[int, int]:
        """Local offsets of tokens ``a..b-1``."""
        if b <= a:
            p = self.toks[a - 1].end if 0 < a <= len(self.toks) else (self.toks[a].start if a < len(self.toks) else 0)
            return (p, p)
        return (self.toks[a].start, self.toks[b - 1].end)

    def parse_range(self, a: int, b: int, what: str = "expression") -> Expr:
        """Parse all of ``toks[a:b]`` as one expression (raises `Fail`)."""
        si, se, sb = self.i, self.end, self.bars
        self.i, self.end, self.bars = a, b, 0
        try:
            if a >= b:
                raise self.fail(f"empty {what}", self.toks[a] if a < len(self.toks) else None)
            e = self.parse_expr()
            if self.i < b:
                t = self.toks[self.i]
                raise self.fail(unexpected(t), t)
            return e
        finally:
            self.i, self.end, self.bars = si, se, sb

    def arg_range(self, k: int) -> tuple[int, int, int]:
        """The macro argument at ``k``: (first token, end, index after); braces stripped."""
        if k >= self.end:
            raise self.fail("missing argument")
        t = self.toks[k]
        if t.text == "{":
            close = self.match[k]
            if close < 0 or close >= self.end:
                raise self.fail("unbalanced braces", t)
            return k + 1, close, close + 1
        if t.text in ("}", "&", "\\\\"):
            raise self.fail("missing argument", t)
        end = k + 1
        # a one-token argument that is itself a command with an argument: ^\mathsf T, _\mathbf x
        if t.text in N.BOLD_COMMANDS or t.text in N.LETTER_FONTS or t.text in N.DECORATIONS:
            end = self.arg_range(k + 1)[2]
        return k, end, end

    def raw(self, a: int, b: int) -> str:
        if b <= a:
            return ""
        return self.latex[self.toks[a].start : self.toks[b - 1].end]

    def script(self) -> tuple[int, int, bool]:
        """After ``^``/``_`` at ``self.i``: the argument range and whether it was braced."""
        k = self.i + 1
        if k < self.end and self.toks[k].text == "(":  # X^(-1), as typed in a terminal
            depth = 0
            for j in range(k, self.end):
                depth += (self.toks[j].text == "(") - (self.toks[j].text == ")")
                if depth == 0:
                    self.i = j + 1
                    return k + 1, j, True
        braced = k < self.end and self.toks[k].text == "{"
        a, b, after = self.arg_range(k)
        self.i = after
        return a, b, braced

    # --- hooks: implemented by ExprParser and its mixins ------------------------------

    def parse_expr(self) -> Expr:
        raise NotImplementedError

    def parse_product(self) -> Expr:
        raise NotImplementedError

    def parse_factor(self) -> Expr | list[Expr]:
        raise NotImplementedError

    def parse_factor_expr(self) -> Expr:
        raise NotImplementedError

    def starts_factor(self, t: Tok) -> bool:
        raise NotImplementedError

    def can_start(self, t: Tok) -> bool:
        raise NotImplementedError

    def _superscript(self, base: Expr, a: int, b: int, braced: bool, start: int) -> Expr:
        raise NotImplementedError

    def parse_differential(self, t: Tok, spelling: str) -> Expr | list[Expr]:
        raise NotImplementedError

    def parse_exp_power(self, t: Tok) -> Expr:
        raise NotImplementedError
