"""Tokens of one statement side → `Expr` (recursive descent; what it cannot read raises `Fail`).

Precedence, loosest first: ``+``/``-`` → elementwise ``\\odot \\circ \\otimes \\oslash`` →
product (juxtaposition, ``\\cdot``, ``\\times``, ``/``) → postfix (``^``, ``_``, ``'``) → primary.
Readings chosen here (each is tested in tests/parsers/mathtex/):

- A bold run is a product and a script after it binds to its last letter:
  ``\\mathbf{BCX}^T`` = B·C·Xᵀ; bold around an expression bolds every letter (``\\mathbf{X-WH}``).
- A bracketless trace takes the juxtaposed product that follows, up to the next ``+``/``-``/
  relation (``\\operatorname{tr} AXB`` = tr(AXB)); other bracketless functions (``\\log``,
  ``\\det``, ``\\exp``, ``\\operatorname{diag}``) take one factor (``\\log\\det X`` = log(det X)).
- Operators written before their operand (``\\frac{\\partial}{\\partial X}``, ``\\nabla_X``,
  ``\\partial_X``, ``\\sum_i``) take the rest of the product.
- ``d`` is a differential when it is not glued to a letter before it and is followed, with no
  space, by a letter, a bold/Greek symbol, ``(`` or an operator word (``dX``, ``d\\mathbf{X}``,
  ``d(XY)``, ``d\\operatorname{tr}(X)``, ``dx``), or, after a space, by a capital, a bold symbol,
  ``(`` or an operator (``d A``); otherwise ``d`` is a letter (``\\mathbb{R}^{d}``, ``d \\times d``).
  ``\\mathrm{d}``/``\\text{d}``/``\\mathop{d}`` always are; ``\\delta`` follows the rule of ``d``.
- ``|X|`` is `Abs` (the checker decides det vs abs); ``J`` is the all-ones matrix unless
  subscripted; ``I``/``I_n`` is the identity; ``f``, ``g``, ``h``... right before ``(`` apply.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

from ..expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Dots, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, MatrixLiteral, Mul, Norm, Number, Ones, Power, Query, Sum, Symbol,
    Trace, Transpose, Zero,
)
from . import notation as N
from .lexer import Tok

UNPARSED = "\\unparsed"
"""`Apply` placeholder name for a side or matrix entry that did not parse (its note says why)."""

_SPACE_RE = re.compile(r"\\[,;:! ]|\s+")
_COMPACT_RE = re.compile(r"\s*([{}^_])\s*")
_BARS = frozenset({"|", "\\vert", "\\lvert", "\\rvert", "\\|", "\\Vert", "\\lVert", "\\rVert"})
_ABS_OPEN = frozenset({"|", "\\vert", "\\lvert"})
_ABS_CLOSE = frozenset({"|", "\\vert", "\\rvert"})
_NORM_OPEN = frozenset({"\\|", "\\Vert", "\\lVert"})
_NORM_CLOSE = frozenset({"\\|", "\\Vert", "\\rVert"})
_STOP = frozenset(
    {"+", "-", ")", "]", "}", "&", ",", ";", ":", "\\\\", "^", "_", "'", "!", ".", "/", "=", "<", ">",
     "\\rangle", "\\rvert", "\\rVert", "\\}", "\\rbrace", "\\rbrack", "\\right", "\\pm", "\\mp"}
) | N.CLOSE_BRACKETS | frozenset(N.RELATIONS) | frozenset(N.ELEMENTWISE_OPERATORS) | frozenset(N.PRODUCT_OPERATORS)
_UPPER_GREEK = frozenset(g for g in N.GREEK if g[0].isupper())
_OPERAND_MACROS = (
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


class ExprParser:
    """Recursive descent over ``toks[i:end]``; ``latex`` is the span text (for raw subscripts)."""

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

    # --- plumbing -------------------------------------------------------------------

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
                raise self.fail(_unexpected(t), t)
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

    # --- levels ---------------------------------------------------------------------

    def parse_expr(self) -> Expr:
        t = self.peek()
        first_start = None
        sign = 0
        if t is not None and (t.text == "-" or t.text == "+"):
            sign = -1 if t.text == "-" else 1
            first_start = t.start
            self.i += 1
        term = self.parse_elementwise()
        if sign < 0:
            term = negate(term, (first_start, term.loc[1]))  # type: ignore[index,arg-type]
        t = self.peek()
        if t is None or (t.text != "+" and t.text != "-"):
            return term
        terms = [term]
        while t is not None and (t.text == "+" or t.text == "-"):
            self.i += 1
            minus = t.text == "-"
            nxt = self.peek()
            while nxt is not None and (nxt.text == "-" or nxt.text == "+"):  # a + -b
                minus ^= nxt.text == "-"
                self.i += 1
                nxt = self.peek()
            if nxt is None or not self.can_start(nxt):
                raise self.fail(f"expected a term after {t.text}", nxt or t)
            term = self.parse_elementwise()
            if minus:
                term = negate(term, (t.start, term.loc[1]))  # type: ignore[index]
            terms.append(term)
            t = self.peek()
        start = first_start if first_start is not None else terms[0].loc[0]  # type: ignore[index]
        return Add(tuple(terms), loc=(start, terms[-1].loc[1]))  # type: ignore[index]

    def parse_elementwise(self) -> Expr:
        left = self.parse_product()
        t = self.peek()
        if t is None or t.text not in N.ELEMENTWISE_OPERATORS:
            return left
        kind = ""
        args: list[Expr] = [left]
        note = ""
        while t is not None and t.text in N.ELEMENTWISE_OPERATORS:
            mark = N.ELEMENTWISE_OPERATORS[t.text]
            self.i += 1
            nxt = self.peek()
            if nxt is None or not self.can_start(nxt):
                raise self.fail(f"expected an operand after {t.text}", nxt or t)
            right = self.parse_product()
            new_kind = "div" if mark in ("\\oslash", "./") else ("kron" if mark == "\\otimes" else "frob" if mark == ":" else "had")
            if kind and (new_kind != kind or kind == "div"):
                args = [self._elementwise(kind, args, note)]
            if not kind or new_kind != kind or kind == "div":
                kind, note = new_kind, mark
                if len(args) > 1:
                    args = [self._elementwise(kind, args, note)]
            args.append(right)
            t = self.peek()
        return self._elementwise(kind, args, note)

    @staticmethod
    def _elementwise(kind: str, args: list[Expr], note: str) -> Expr:
        if len(args) == 1:
            return args[0]
        loc = (args[0].loc[0], args[-1].loc[1])  # type: ignore[index]
        if kind == "div":
            return Div(args[0], args[1], loc=loc, note=note)
        if kind == "frob":  # A : B = tr(AᵀB), the Frobenius product
            if len(args) != 2:
                raise Fail("a chain of : products is not supported", loc)
            left = args[0]
            return Trace(Mul((Transpose(left, loc=left.loc, note=":"), args[1]), loc=loc), loc=loc, note=":")
        if kind == "kron":
            return Kron(tuple(args), loc=loc, note=note)
        return Hadamard(tuple(args), loc=loc, note=note)

    def starts_factor(self, t: Tok) -> bool:
        x = t.text
        if x in _STOP:
            return False
        if x in _BARS:
            # inside |...| a bar closes; elsewhere it opens
            return self.bars == 0 or x in ("\\lvert", "\\lVert")
        if x.startswith("\\end{"):
            return False
        return True

    def can_start(self, t: Tok) -> bool:
        """Can ``t`` begin an operand where one is required (a bar there always opens)?"""
        return self.starts_factor(t) or t.text in _BARS

    def parse_product(self) -> Expr:
        factors: list[Expr] = []
        note = None
        toks = self.toks
        while self.i < self.end:
            t = toks[self.i]
            x = t.text
            if x in N.PRODUCT_OPERATORS:
                if not factors:
                    if x == "\\cdot":  # (\cdot)^T, \|\cdot\|_F: a placeholder argument
                        self.i += 1
                        factors.append(Symbol("\\cdot", loc=(t.start, t.end), note="placeholder"))
                        continue
                    raise self.fail(f"{x} without a left operand", t)
                self.i += 1
                note = note or N.PRODUCT_OPERATORS[x]
                nxt = self.peek()
                if x in ("\\cdot", "\\times") and _is_vector(factors[-1]) and nxt is not None and self.starts_factor(nxt):
                    f = self.parse_factor_expr()
                    if _is_vector(f):
                        if x == "\\times":
                            raise Fail("the cross product of vectors is not supported", (factors[-1].loc[0], f.loc[1]))  # type: ignore[index]
                        # x \cdot y between vectors is their dot product xᵀy
                        prev = factors.pop()
                        factors.append(Transpose(prev, loc=prev.loc, note="\\cdot"))
                    factors.append(f)
                    continue
                if nxt is not None and nxt.text == "-":
                    self.i += 1
                    f = self.parse_factor_expr()
                    factors.append(negate(f, (nxt.start, f.loc[1])))  # type: ignore[index]
                    continue
                if nxt is None or not self.can_start(nxt):
                    raise self.fail(f"expected an operand after {x}", nxt or t)
                self._add_factor(factors, self.parse_factor())
                continue
            if x == "/":
                if not factors:
                    raise self.fail("/ without a numerator", t)
                self.i += 1
                nxt = self.peek()
                if nxt is None or not self.can_start(nxt):
                    raise self.fail("expected a denominator after /", nxt or t)
                den = self.parse_factor_expr()
                num = factors[0] if len(factors) == 1 else Mul(tuple(factors), loc=(factors[0].loc[0], factors[-1].loc[1]), note=note)  # type: ignore[index]
                factors = [_divide(num, den, "/")]
                note = None
                continue
            if x in N.CLAUSE_SPACES:
                self.i += 1
                continue
            if x == "{" and factors and self.match[self.i] == self.i + 1:
                # "\mathbf{A M B}{ }^{T}" (converted PDFs): the script belongs to the factor before
                self.i += 2
                factors[-1] = self.parse_postfix(factors[-1], None)
                continue
            if x == "\\@text":
                self.text.append(t.note or "")
                self.i += 1
                continue
            if not self.starts_factor(t) and (factors or x not in _BARS):
                break
            self._add_factor(factors, self.parse_factor())
        if not factors:
            bad = self.peek()
            raise self.fail(_unexpected(bad) if bad is not None else "expected an expression", bad)
        if len(factors) == 1:
            return factors[0]
        return Mul(tuple(factors), loc=(factors[0].loc[0], factors[-1].loc[1]), note=note)  # type: ignore[index]

    @staticmethod
    def _add_factor(factors: list[Expr], f: Expr | list[Expr]) -> None:
        if isinstance(f, list):
            factors.extend(f)
        else:
            factors.append(f)

    def parse_factor_expr(self) -> Expr:
        f = self.parse_factor()
        if isinstance(f, list):
            return Mul(tuple(f), loc=(f[0].loc[0], f[-1].loc[1]))  # type: ignore[index]
        return f

    def parse_factor(self) -> Expr | list[Expr]:
        """A primary with its scripts (a bold run comes back as a list: scripts bind to its last)."""
        prim = self.parse_primary()
        grouped = self.grouped
        self.grouped = None
        if isinstance(prim, list):
            prim[-1] = self.parse_postfix(prim[-1], None)
            return prim
        return self.parse_postfix(prim, grouped)

    # --- postfix --------------------------------------------------------------------

    def parse_postfix(self, base: Expr, grouped: str | None) -> Expr:
        toks = self.toks
        sub: tuple[int, int, bool] | None = None
        sup: tuple[int, int, bool, int] | None = None
        while self.i < self.end:
            t = toks[self.i]
            x = t.text
            if x == "_" and sub is None:
                sub = self.script()
            elif x == "^" and sup is None:
                start = t.start
                a, b, braced = self.script()
                sup = (a, b, braced, start)
            elif x == "'" or x == "^" or x == "_":
                base = self._apply_scripts(base, grouped, sub, sup)
                sub = sup = None
                grouped = None
                if x == "'":
                    self.i += 1
                    base = self._prime(base, t)
                elif x == "_":
                    raise self.fail("double subscript", t)
            else:
                break
        if sub is not None or sup is not None:
            base = self._apply_scripts(base, grouped, sub, sup)
            grouped = None
        # f(x), g_i(x), f'(x), \mathcal{L}(\theta): application
        nxt = self.peek()
        if nxt is not None and nxt.text in ("(", "[") and isinstance(base, Symbol) and (not nxt.gap or (len(base.name) > 1 and base.name.isalpha())) and _is_function_name(base, nxt.text):
            base = self._apply(base)
            return self.parse_postfix(base, None)
        return base

    def _prime(self, base: Expr, t: Tok) -> Expr:
        nxt = self.peek()
        if isinstance(base, Symbol) and nxt is not None and nxt.text == "(" and not nxt.gap and (
            base.name in N.FUNCTION_LETTERS or base.name in ("\\sigma", "\\phi") or base.name.endswith("'")
        ):
            return Symbol(base.name + "'", base.kind, base.subscript, base.bold, loc=(base.loc[0], t.end), note=base.note)  # type: ignore[index]
        self.votes.append(("transpose", "'"))
        return Transpose(base, loc=(base.loc[0], t.end), note="'")  # type: ignore[index]

    def _apply(self, func: Symbol) -> Expr:
        open_tok = self.toks[self.i]
        args, close_end = self.bracket_items(open_tok)
        if func.name == "\\sigma":
            if len(args) != 1:
                raise self.fail("\\sigma takes one argument", open_tok)
            return Func("sigma", args[0], loc=(func.loc[0], close_end), note="\\sigma")  # type: ignore[index]
        return Apply(func, tuple(args), loc=(func.loc[0], close_end))  # type: ignore[index]

    def _apply_scripts(self, base: Expr, grouped: str | None, sub: tuple[int, int, bool] | None,
                       sup: tuple[int, int, bool, int] | None) -> Expr:
        if sub is not None:
            base = self._subscript(base, grouped, sub[0], sub[1], sub[2])
        if sup is not None:
            base = self._superscript(base, *sup)
        return base

    def _subscript(self, base: Expr, grouped: str | None, a: int, b: int, braced: bool) -> Expr:
        end = self.toks[b].end if braced else self.toks[b - 1].end
        loc = (base.loc[0], end)  # type: ignore[index]
        if a >= b:
            raise self.fail("empty subscript", self.toks[a - 1])
        raw = _SPACE_RE.sub("", self.raw(a, b))
        if grouped is None:
            if isinstance(base, Symbol) and base.subscript is None:
                return Symbol(base.name, base.kind, raw, base.bold, loc=loc, note=base.note)
            if isinstance(base, Ones):
                return Ones(base.kind, loc=loc, note=raw)
            if isinstance(base, (Identity, Zero)):
                return type(base)(loc=loc, note=raw)
            if isinstance(base, Norm) and base.sub is None:
                return Norm(base.arg, _norm_sub(raw), loc=loc, note=base.note)
            if isinstance(base, Number) and base.value == 1:
                return Ones("vector", loc=loc, note=raw)
        return Entry(base, self.indices(a, b), loc=loc)

    def indices(self, a: int, b: int) -> tuple[Expr, ...]:
        """``{ij}``, ``{i,j}``, ``{i j}``, ``{1m}``, ``{2,1}``, ``{i+1, j}`` → index expressions."""
        toks = self.toks
        commas = [k for k in range(a, b) if toks[k].text == "," and self._depth0(a, k)]
        if commas:
            out = []
            start = a
            for c in commas + [b]:
                out.append(self.parse_range(start, c, "index"))
                start = c + 1
            return tuple(out)
        out2: list[Expr] = []
        for k in range(a, b):
            t = toks[k]
            x = t.text
            if len(x) == 1 and x.isalpha():
                out2.append(Symbol(x, loc=(t.start, t.end)))
            elif x.isascii() and x.isdigit():
                for d, ch in enumerate(x):
                    out2.append(Number(Fraction(int(ch)), loc=(t.start + d, t.start + d + 1)))
            elif x[0] == "\\" and x[1:] in N.GREEK:
                out2.append(Symbol(x, loc=(t.start, t.end)))
            else:
                return (self.parse_range(a, b, "index"),)
        return tuple(out2)

    def _depth0(self, a: int, k: int) -> bool:
        depth = 0
        for j in range(a, k):
            x = self.toks[j].text
            if x in ("{", "(", "[") or x.startswith("\\begin{"):
                depth += 1
            elif x in ("}", ")", "]") or x.startswith("\\end{"):
                depth -= 1
        return depth == 0

    def _superscript(self, base: Expr, a: int, b: int, braced: bool, start: int) -> Expr:
        toks = self.toks
        end = toks[b].end if braced and b < len(toks) else toks[b - 1].end
        loc = (base.loc[0], end)  # type: ignore[index]
        if a >= b:
            raise self.fail("empty superscript", toks[a - 1])
        body = compact(self.raw(a, b))
        note = compact(self.latex[start:end])  # "^{\\top}", "^T", "'", or Unicode "ᵀ"
        if _is_transpose(toks, a, b, body):
            self.votes.append(("transpose", note))
            return Transpose(base, loc=loc, note=note)
        first = toks[a].text
        if first == "-" and b - a >= 2:
            rest = compact(self.raw(a + 1, b))
            if b - a == 2 and toks[a + 1].text == "1":
                return Inverse(base, loc=loc, note=note)
            if _is_transpose(toks, a + 1, b, rest):
                self.votes.append(("inverse_transpose", note))
                return Inverse(Transpose(base, loc=loc, note="^" + rest), loc=loc, note=note)
        if body in ("\\dagger", "+", "\\ddagger"):
            raise self.fail("pseudo-inverse is not supported", toks[a])
        if body in ("\\circ", "\\odot") or first in ("\\circ", "\\odot"):
            raise self.fail("elementwise (Hadamard) power is not supported", toks[a])
        if isinstance(base, Symbol) and (body in ("*", "\\ast", "\\star", "\\prime\\prime") or (first == "(" and toks[b - 1].text == ")")):
            # x^*, x^{(k)}: a decorated name, not a power
            return Symbol(f"{base.name}^{{{body}}}", base.kind, base.subscript, base.bold, loc=loc, note=base.note)
        exponent = self.parse_range(a, b, "superscript")
        return Power(base, exponent, loc=loc)

    # --- primaries ------------------------------------------------------------------

    def parse_primary(self) -> Expr | list[Expr]:
        t = self.peek()
        while t is not None and (t.text == "\\@text" or t.text in N.CLAUSE_SPACES):
            if t.text == "\\@text":
                self.text.append(t.note or "")
            self.i += 1
            t = self.peek()
        if t is None:
            raise self.fail("expected an expression")
        if t.word is not None:
            return self.parse_word(t)
        x = t.text
        c = x[0]
        if c == "\\" and len(x) > 1:
            handler = _MACRO_HANDLERS.get(x)
            if handler is not None:
                return handler(self, t)
            name = x[1:]
            if name in N.GREEK:
                return self.parse_greek(t)
            if x in N.BOLD_COMMANDS:
                return self.parse_bold(t)
            if x in N.DOTS:
                self.i += 1
                return Dots(N.DOTS[x], loc=(t.start, t.end))  # type: ignore[arg-type]
            if x in N.LETTER_FONTS:
                return self.parse_letter_font(t)
            if x in N.DECORATIONS:
                return self.parse_decoration(t)
            if x in N.UNWRAP_MACROS:
                return self.parse_unwrap(t)
            if x in N.UPRIGHT_COMMANDS or x in N.TEXT_COMMANDS:
                return self.parse_unwrap(t)
            if x in N.REAL_SPACES:
                self.i += 1
                return Symbol(N.REAL_SPACES[x], loc=(t.start, t.end), note=x)
            if x in N.OTHER_SYMBOLS:
                self.i += 1
                return Symbol(x, loc=(t.start, t.end))
            if x.startswith("\\begin{"):
                return self.parse_environment(t)
            if x in N.OPEN_BRACKETS:
                return self.parse_group(t)
            if x in N.TRANSPOSE_MACROS:
                self.i += 1
                a, b, after = self.arg_range(self.i)
                arg = self.parse_range(a, b)
                self.i = after
                return Transpose(arg, loc=(t.start, self.toks[after - 1].end), note=x)
            if x in N.UNSUPPORTED_MACROS or x in N.SUM_MACROS:
                raise self.fail(f"{x} is not supported", t)
            if x in N.RELATIONS:
                raise self.fail(f"unexpected relation {x}", t)
            raise self.fail(f"unknown macro {x}", t)
        if len(x) == 1 and x.isalpha():
            return self.parse_letter(t)
        if "0" <= c <= "9":
            self.i += 1
            if self.bold is not None and x in ("0", "1"):
                return Zero(loc=(t.start, t.end), note=self.bold) if x == "0" else Ones("vector", loc=(t.start, t.end), note=None)
            return Number(Fraction(x), loc=(t.start, t.end))
        if x in N.OPEN_BRACKETS:
            return self.parse_group(t)
        if x == "{":
            close = self.match[self.i]
            if close < 0 or close >= self.end:
                raise self.fail("unbalanced braces", t)
            e = self.parse_range(self.i + 1, close, "group")
            self.i = close + 1
            return e
        if x in _NORM_OPEN or (x == "|" and self._double_bar()):
            return self.parse_norm(t)
        if x in _ABS_OPEN:
            return self.parse_abs(t)
        if x == "?":
            self.i += 1
            return Query(loc=(t.start, t.end))
        raise self.fail(_unexpected(t), t)

    def parse_letter(self, t: Tok) -> Expr | list[Expr]:
        x = t.text
        loc = (t.start, t.end)
        nxt = self.toks[self.i + 1] if self.i + 1 < self.end else None
        if self.bold is not None:
            self.i += 1
            if x == "I":
                return Identity(loc=loc, note=self.bold)
            if x == "J" and not (nxt is not None and nxt.text == "_"):
                return Ones("matrix", loc=loc, note=self.bold)  # \mathbf{J}
            kind = "vector" if (x.islower() or self.bold == "vec") else "matrix"
            self.votes.append(("bold", self.bold))
            return Symbol(x, kind, None, True, loc=loc, note=self.bold)  # type: ignore[arg-type]
        if x == "d" and nxt is not None and self._differential_follows(t, nxt):
            return self.parse_differential(t, "d")
        self.i += 1
        if x == "I":
            return Identity(loc=loc)
        if x == "J" and not (nxt is not None and nxt.text == "_"):
            return Ones("matrix", loc=loc, note="J")  # a plain J (may be a Jacobian's name: see note)
        if x == "e" and nxt is not None and nxt.text == "^":
            return self.parse_exp_power(t)
        return Symbol(x, loc=loc)

    def _differential_follows(self, t: Tok, nxt: Tok, after_macro: bool = False) -> bool:
        """The rule for ``d`` (module docstring); after ``\\delta`` the space TeX needs is no gap."""
        if self.i > 0 and not t.gap:
            prev = self.toks[self.i - 1].text
            if len(prev) == 1 and prev.isalpha():
                return False  # "ad": a letter run, not a differential
        x = nxt.text
        gap = nxt.gap and not (after_macro and nxt.space and not _spacing_between(self.latex, t.end, nxt.start))
        if nxt.word is not None:
            return nxt.word not in ("T", "e") or not gap
        if len(x) == 1:
            if x.isalpha():
                return x.isupper() or not gap
            return x == "("
        if x in _OPERAND_MACROS:
            return True
        if x[0] == "\\" and x[1:] in N.GREEK:
            return x[1:] in _UPPER_GREEK or not gap
        return False

    def parse_differential(self, t: Tok, spelling: str) -> Expr | list[Expr]:
        self.i += 1
        got = self.parse_factor()
        rest: list[Expr] = []
        if isinstance(got, list):
            arg, rest = got[0], got[1:]
        else:
            arg = got
        note = None if spelling == "d" else spelling
        diff = Differential(arg, loc=(t.start, arg.loc[1]), note=note)  # type: ignore[index]
        # df/dx, \partial f / \partial X
        if not rest and self.i + 1 < self.end and self.toks[self.i].text == "/":
            op = self.toks[self.i + 1]
            if _diff_op_kind(op, self.bold) == ("partial" if spelling == "\\partial" else "d"):
                self.i += 2
                wrt = self.parse_factor_expr()
                kind = "partial" if spelling == "\\partial" else "d"
                return Derivative(arg, wrt, kind, loc=(t.start, wrt.loc[1]), note=spelling)  # type: ignore[arg-type,index]
        if rest:
            return [diff, *rest]
        return diff

    def parse_exp_power(self, t: Tok) -> Expr:
        """``e^{x}`` → exp(x) (``e^T`` stays a transposed ``e``)."""
        a, b, braced = self.script()
        if _is_transpose(self.toks, a, b, compact(self.raw(a, b))):
            return Transpose(Symbol("e", loc=(t.start, t.end)), loc=(t.start, self.toks[self.i - 1].end), note="^" + compact(self.raw(a, b)))
        arg = self.parse_range(a, b, "exponent")
        return Func("exp", arg, loc=(t.start, self.toks[self.i - 1].end), note="e^")

    def parse_greek(self, t: Tok) -> Expr | list[Expr]:
        x = t.text
        loc = (t.start, t.end)
        nxt = self.toks[self.i + 1] if self.i + 1 < self.end else None
        if x == "\\delta" and self.bold is None and nxt is not None and nxt.text not in ("_", "^") and self._differential_follows(t, nxt, after_macro=True):
            return self.parse_differential(t, "\\delta")
        self.i += 1
        if self.bold is not None:
            kind = "matrix" if x[1].isupper() else "vector"
            self.votes.append(("bold", self.bold))
            return Symbol(x, kind, None, True, loc=loc, note=self.bold)  # type: ignore[arg-type]
        return Symbol(x, loc=loc)

    def parse_bold(self, t: Tok) -> Expr | list[Expr]:
        cmd = N.BOLD_COMMANDS[t.text]
        a, b, after = self.arg_range(self.i + 1)
        saved = self.bold
        self.bold = cmd
        try:
            e = self.parse_range(a, b, "bold argument")
        finally:
            self.bold = saved
        self.i = after
        if isinstance(e, Mul):
            return list(e.args)  # a bold run: \mathbf{AXB}; scripts after it bind to its last factor
        return _relocated(e, (t.start, self.toks[after - 1].end))

    def parse_letter_font(self, t: Tok) -> Expr:
        font = N.LETTER_FONTS[t.text]
        a, b, after = self.arg_range(self.i + 1)
        letters = "".join(self.toks[k].text for k in range(a, b))
        self.i = after
        loc = (t.start, self.toks[after - 1].end)
        if font == "\\mathbb":
            if letters == "1":
                return Ones("vector", loc=loc, note="mathbb")
            if letters == "I":
                return Identity(loc=loc, note="mathbb")
            if letters == "0":
                return Zero(loc=loc, note="mathbb")
        if not letters.isalnum():
            raise self.fail(f"unsupported {t.text} argument", t)
        return Symbol(f"{font}{{{letters}}}", loc=loc)

    def parse_decoration(self, t: Tok) -> Expr:
        a, b, after = self.arg_range(self.i + 1)
        inner = self.parse_range(a, b, "accent argument")
        self.i = after
        loc = (t.start, self.toks[after - 1].end)
        if isinstance(inner, list):  # pragma: no cover - parse_range returns Expr
            raise self.fail("unsupported accent", t)
        if isinstance(inner, Symbol):
            return Symbol(f"{t.text}{{{inner.name}}}", inner.kind, inner.subscript, inner.bold, loc=loc, note=inner.note)
        if isinstance(inner, Ones) and t.text in ("\\vec", "\\bar"):
            return inner
        raise self.fail(f"{t.text} over an expression is not supported", t)

    def parse_unwrap(self, t: Tok) -> Expr:
        """``\\boxed{X}``, ``\\textcolor{c}{X}``, ``\\underbrace{X}_{...}``, ``\\mathrm{X+Y}`` → X."""
        skip = N.UNWRAP_MACROS.get(t.text, 0)
        k = self.i + 1
        if k < self.end and self.toks[k].text == "*":
            k += 1
        for _ in range(skip):
            k = self.arg_range(k)[2]
        a, b, after = self.arg_range(k)
        self.i = after
        e = self.parse_range(a, b, f"{t.text} argument")
        if t.text in ("\\underbrace", "\\overbrace"):
            nxt = self.peek()
            if nxt is not None and nxt.text in ("_", "^"):
                self.script()  # the annotation under/over the brace
        return e

    def parse_word(self, t: Tok) -> Expr | list[Expr]:
        w = t.word
        assert w is not None
        loc = (t.start, t.end)
        if w == "tr":
            return self.parse_operator(t, "tr")
        if w in N.FUNCTIONS:
            if w == "sqrt" and t.text == "\\sqrt":
                return self.parse_sqrt(t)
            return self.parse_operator(t, w)
        if w in ("det", "diag", "inv"):
            return self.parse_operator(t, w)
        if w == "d":
            nxt = self.toks[self.i + 1] if self.i + 1 < self.end else None
            if nxt is not None and self.starts_factor(nxt) and nxt.text not in ("_", "^"):
                return self.parse_differential(t, t.note or "d")
            self.i += 1
            return Symbol("d", loc=loc, note=t.note)
        if w == "e":
            self.i += 1
            nxt = self.peek()
            if nxt is not None and nxt.text == "^":
                return self.parse_exp_power(t)
            return Symbol("e", loc=loc, note=t.note)
        if w in N.UNSUPPORTED_WORDS:
            raise self.fail(f"{t.note or w} is not supported", t)
        self.i += 1
        if w.isascii() and w.isdigit():
            return Number(Fraction(w), loc=loc)
        if len(w) == 1:
            return Symbol(w, loc=loc, note=t.note)
        return Symbol(w, loc=loc, note=t.note)  # an operator name: \operatorname{vec}, softmax

    def parse_sqrt(self, t: Tok) -> Expr:
        self.i += 1
        root = None
        nxt = self.peek()
        if nxt is not None and nxt.text == "[":
            close = next((k for k in range(self.i, self.end) if self.toks[k].text == "]"), -1)
            if close < 0:
                raise self.fail("unclosed \\sqrt[", nxt)
            root = self.parse_range(self.i + 1, close, "root")
            self.i = close + 1
        a, b, after = self.arg_range(self.i)
        arg = self.parse_range(a, b, "\\sqrt argument")
        self.i = after
        loc = (t.start, self.toks[after - 1].end)
        if root is None:
            return Func("sqrt", arg, loc=loc, note="\\sqrt")
        if isinstance(root, Number) and root.value != 0:
            return Power(arg, Number(1 / root.value, loc=root.loc), loc=loc, note="\\sqrt")
        return Power(arg, Div(Number(Fraction(1), loc=root.loc), root, loc=root.loc), loc=loc, note="\\sqrt")

    def parse_operator(self, t: Tok, key: str) -> Expr:
        """tr / det / diag / inv / log / exp...: bracketed argument, or bracketless (see module doc)."""
        self.i += 1
        spelling = t.note or t.text
        elementwise: bool | None = None
        power: tuple[int, int, bool, int] | None = None
        nxt = self.peek()
        if nxt is not None and nxt.text == "^":
            start = nxt.start
            a, b, braced = self.script()
            body = compact(self.raw(a, b))
            if body in ("\\circ", "\\odot"):
                elementwise = True
            else:
                power = (a, b, braced, start)  # \sin^2 x: applied to the result
            nxt = self.peek()
        if nxt is not None and nxt.text == "_":
            raise self.fail(f"subscripted {spelling} is not supported", nxt)
        if nxt is not None and nxt.text == "." and self.i + 1 < self.end and self.toks[self.i + 1].text == "(":
            elementwise = True  # Julia broadcast: \exp.(x)
            self.i += 1
            nxt = self.peek()
        if nxt is None or not self.can_start(nxt):
            raise self.fail(f"{spelling} without an argument", t)
        bracket = ""
        if nxt.text in N.OPEN_BRACKETS and nxt.text != "\\langle":
            bracket = N.OPEN_BRACKETS[nxt.text]
            items, close_end = self.bracket_items(nxt)
            arg = items[0] if len(items) == 1 else MatrixLiteral((tuple(items),), "list", loc=(nxt.start, close_end), note=bracket)
        elif key == "tr":
            arg = self.parse_product()
        else:
            arg = self.parse_factor_expr()
        loc = (t.start, self.toks[self.i - 1].end)
        node: Expr
        if key == "tr":
            node = Trace(arg, loc=loc, note=spelling + ("(" if bracket in ("(", "{") else "[" if bracket == "[" else ""))
            self.votes.append(("trace", node.note))  # type: ignore[arg-type]
        elif key == "det":
            node = Det(arg, loc=loc, note=spelling)
        elif key == "diag":
            node = Diag(arg, loc=loc, note=spelling)
        elif key == "inv":
            node = Inverse(arg, loc=loc, note=spelling)
        else:
            node = Func(N.FUNCTIONS[key], arg, elementwise, loc=loc, note=spelling)
        if power is not None:
            node = self._superscript(node, *power)
            node = replace(node, loc=loc)
        return node

    def bracket_items(self, open_tok: Tok) -> tuple[list[Expr], int]:
        """Comma-separated expressions inside the bracket at ``self.i``; returns them and the close end."""
        closers = _CLOSERS[open_tok.text]
        self.i += 1
        items: list[Expr] = []
        column: list[Expr] = []
        saved_bars = self.bars
        self.bars = 0
        try:
            while True:
                t = self.peek()
                if t is None:
                    raise self.fail(f"unclosed {open_tok.text}", open_tok)
                if t.text in closers and not items:
                    raise self.fail(f"empty {open_tok.text}{t.text}", t)
                items.append(self.parse_expr())
                t = self.peek()
                if t is None:
                    raise self.fail(f"unclosed {open_tok.text}", open_tok)
                if (t.text == "," or (t.text == ";" and open_tok.text == "(")) and not column:
                    self.i += 1  # f(x; \mu, \Sigma): a semicolon separates arguments too
                    continue
                if t.text == ";" and open_tok.text in ("[", "\\lbrack") and len(items) == len(column) + 1:
                    column.append(items[-1])
                    self.i += 1
                    continue
                if t.text in closers:
                    self.i += 1
                    if column:  # [a; b; c]: a column
                        rows = tuple((x,) for x in items)
                        return [MatrixLiteral(rows, "list", loc=(open_tok.start, t.end), note=";")], t.end
                    return items, t.end
                raise self.fail(_unexpected(t), t)
        finally:
            self.bars = saved_bars

    def parse_group(self, t: Tok) -> Expr:
        opener = N.OPEN_BRACKETS.get(t.text, t.text)
        items, close_end = self.bracket_items(t)
        if len(items) == 1:
            self.grouped = opener
            return items[0]
        self.grouped = opener
        return MatrixLiteral((tuple(items),), "list", loc=(t.start, close_end), note=opener)

    def parse_angle(self, t: Tok) -> Expr:
        """``\\langle A, B \\rangle`` → tr(AᵀB) (the Frobenius / dot inner product)."""
        items, close_end = self.bracket_items(t)
        if len(items) != 2:
            raise self.fail("\\langle...\\rangle with one argument is not supported", t)
        a, b = items
        loc = (t.start, close_end)
        inner = Mul((Transpose(a, loc=a.loc, note="^T"), b), loc=loc)
        return Trace(inner, loc=loc, note="\\langle")

    def _double_bar(self) -> bool:
        k = self.i
        return k + 1 < self.end and self.toks[k + 1].text == "|" and not self.toks[k + 1].gap and self.bars == 0

    def parse_abs(self, t: Tok) -> Expr:
        self.i += 1
        self.bars += 1
        try:
            inner = self.parse_expr()
        finally:
            self.bars -= 1
        close = self.peek()
        if close is None or close.text not in _ABS_CLOSE:
            raise self.fail("unclosed |", t)
        self.i += 1
        return Abs(inner, loc=(t.start, close.end), note=t.text)

    def parse_norm(self, t: Tok) -> Expr:
        double = t.text == "|"
        self.i += 2 if double else 1
        self.bars += 1
        try:
            inner = self.parse_expr()
        finally:
            self.bars -= 1
        close = self.peek()
        if double:
            if close is None or close.text != "|" or self.i + 1 >= self.end or self.toks[self.i + 1].text != "|":
                raise self.fail("unclosed ||", t)
            self.i += 2
            end = self.toks[self.i - 1].end
        else:
            if close is None or close.text not in _NORM_CLOSE:
                raise self.fail("unclosed \\|", t)
            self.i += 1
            end = close.end
        return Norm(inner, None, loc=(t.start, end), note="||" if double else t.text)

    def parse_frac(self, t: Tok) -> Expr:
        a1, b1, after1 = self.arg_range(self.i + 1)
        a2, b2, after2 = self.arg_range(after1)
        self.i = after2
        loc = (t.start, self.toks[after2 - 1].end)
        deriv = self._fraction_derivative(a1, b1, a2, b2, loc)
        if deriv is not None:
            return deriv
        num = self.parse_range(a1, b1, "numerator")
        den = self.parse_range(a2, b2, "denominator")
        return _divide(num, den, "\\frac", loc)

    def _fraction_derivative(self, a1: int, b1: int, a2: int, b2: int, loc: tuple[int, int]) -> Expr | None:
        if a1 >= b1 or a2 >= b2:
            return None
        kind = _diff_op_kind(self.toks[a1], self.bold)
        if kind is None:
            return None
        spelling = _op_spelling(self.toks[a1])
        k, order = self._diff_order(a1 + 1, b1)
        # the denominator: (op var)+, possibly wrapped in \mathop{...}
        if self.toks[a2].text == "\\mathop" and a2 + 1 < b2 and self.toks[a2 + 1].text == "{" and self.match[a2 + 1] == b2 - 1:
            a2, b2 = a2 + 2, b2 - 1
        wrts: list[Expr] = []
        j = a2
        si, se = self.i, self.end
        try:
            while j < b2:
                if _diff_op_kind(self.toks[j], None) != kind:
                    return None
                j += 1
                if j >= b2:
                    return None
                self.i, self.end = j, b2
                try:
                    var = self.parse_factor_expr()
                except Fail:
                    return None
                j = self.i
                wrts.append(var)
        finally:
            self.i, self.end = si, se
        if k >= b1:
            expr: Expr | None = None
            nxt = self.peek()
            if nxt is not None and self.starts_factor(nxt):
                expr = self.parse_product()  # operator form: applies to the rest of the product
                loc = (loc[0], expr.loc[1])  # type: ignore[index]
        else:
            expr = self.parse_range(k, b1, "derivative numerator")
        if order == 2 and len(wrts) == 1 and isinstance(wrts[0], Power) and wrts[0].exponent == Number(Fraction(2)):
            wrts = [wrts[0].base, wrts[0].base]
        if len(wrts) != order and not (order == 1 and len(wrts) == 1):
            if len(wrts) > 1 and order == 1:
                raise Fail("mixed partial derivative without an order", loc)
        kind_l = "partial" if kind == "partial" else "d"
        if len(wrts) == 1:
            return Derivative(expr, wrts[0], kind_l, loc=loc, note=spelling)  # type: ignore[arg-type]
        if len(wrts) == 2:
            inner = Derivative(expr, wrts[1], kind_l, loc=loc, note=spelling)  # type: ignore[arg-type]
            return Derivative(inner, wrts[0], kind_l, loc=loc, note=f"{spelling}^2")  # type: ignore[arg-type]
        raise Fail("derivatives of order above 2 are not supported", loc)

    def _diff_order(self, k: int, b: int) -> tuple[int, int]:
        toks = self.toks
        if k < b and toks[k].text == "^":
            a2, b2, after = self.arg_range(k + 1)
            body = "".join(toks[j].text for j in range(a2, b2))
            if body.isascii() and body.isdigit():
                return after, int(body)
        return k, 1

    def parse_partial(self, t: Tok) -> Expr | list[Expr]:
        nxt = self.toks[self.i + 1] if self.i + 1 < self.end else None
        if nxt is not None and nxt.text == "_":
            self.i += 1
            a, b, _braced = self.script()
            wrt = self.parse_range(a, b, "\\partial subscript")
            return self._operator_derivative(t, wrt, "partial")
        if nxt is None or not self.can_start(nxt):
            raise self.fail("\\partial without an operand", t)
        return self.parse_differential(t, "\\partial")

    def parse_nabla(self, t: Tok) -> Expr:
        self.i += 1
        wrt: Expr | None = None
        nxt = self.peek()
        if nxt is not None and nxt.text == "_":
            a, b, _braced = self.script()
            wrt = self.parse_range(a, b, "\\nabla subscript")
            nxt = self.peek()
        if nxt is not None and nxt.text == "^":
            raise self.fail("\\nabla^2 (Hessian/Laplacian) is not supported", nxt)
        if wrt is not None:
            return self._operator_derivative(t, wrt, "nabla", consumed=True)
        if nxt is None or not self.starts_factor(nxt):
            return Symbol("\\nabla", loc=(t.start, t.end))
        operand = self.parse_product()
        loc = (t.start, operand.loc[1])  # type: ignore[index]
        if isinstance(operand, Apply) and len(operand.args) == 1 and isinstance(operand.args[0], Symbol):
            return Derivative(operand, operand.args[0], "nabla", loc=loc, note="implicit")
        return Apply(Symbol("\\nabla", loc=(t.start, t.end)), (operand,), loc=loc)

    def _operator_derivative(self, t: Tok, wrt: Expr, kind: str, consumed: bool = False) -> Expr:
        nxt = self.peek()
        expr: Expr | None = None
        end = self.toks[self.i - 1].end
        if nxt is not None and self.starts_factor(nxt):
            expr = self.parse_product()
            end = expr.loc[1]  # type: ignore[index]
        return Derivative(expr, wrt, kind, loc=(t.start, end), note=t.text)  # type: ignore[arg-type]

    def parse_sum(self, t: Tok) -> Expr:
        self.i += 1
        sub = sup = None
        while True:
            nxt = self.peek()
            if nxt is not None and nxt.text == "_" and sub is None:
                sub = self.script()
            elif nxt is not None and nxt.text == "^" and sup is None:
                sup = self.script()
            else:
                break
        if sub is None:
            raise self.fail("\\sum without an index", t)
        names, lower, note = self._sum_indices(sub[0], sub[1])
        upper = self.parse_range(sup[0], sup[1], "upper limit") if sup is not None else None
        nxt = self.peek()
        if nxt is None or not self.can_start(nxt):
            raise self.fail("\\sum without a body", t)
        body = self.parse_product()
        loc = (t.start, body.loc[1])  # type: ignore[index]
        for name in reversed(names):
            body = Sum(body, name, lower, upper, loc=loc, note=note)
        return body

    def _sum_indices(self, a: int, b: int) -> tuple[list[str], Expr | None, str | None]:
        toks = self.toks
        eq = next((k for k in range(a, b) if toks[k].text == "="), -1)
        idx_end = eq if eq >= 0 else b
        lower = self.parse_range(eq + 1, b, "lower limit") if eq >= 0 else None
        names: list[str] = []
        for k in range(a, idx_end):
            x = toks[k].text
            if x == ",":
                continue
            if (len(x) == 1 and x.isalpha()) or (x[0] == "\\" and x[1:] in N.GREEK):
                names.append(x)
            else:
                # \sum_{i \in S}, \sum_{i<j}: the first letter is the index, the condition is kept as a note
                first = next((toks[j].text for j in range(a, b) if len(toks[j].text) == 1 and toks[j].text.isalpha()), None)
                if first is None:
                    raise self.fail("cannot read the summation index", toks[k])
                return [first], None, compact(self.raw(a, b))
        if not names:
            raise self.fail("cannot read the summation index", toks[a] if a < len(toks) else None)
        return names, lower, None

    def parse_environment(self, t: Tok) -> Expr:
        env = t.text[7:-1]
        close = self.match[self.i]
        if close < 0 or close >= self.end:
            raise self.fail(f"unclosed \\begin{{{env}}}", t)
        if env not in N.MATRIX_ENVIRONMENTS:
            raise self.fail(f"environment {env} is not supported here", t)
        k = self.i + 1
        for _ in range(N.ENVIRONMENT_ARGS.get(env, 0)):
            if k < close and self.toks[k].text == "{":
                k = self.match[k] + 1
        if env.endswith("*") and k < close and self.toks[k].text == "[":
            while k < close and self.toks[k].text != "]":
                k += 1
            k += 1
        rows: list[list[tuple[int, int]]] = []
        cells: list[tuple[int, int]] = []
        start = k
        toks = self.toks
        while k < close:
            x = toks[k].text
            if x == "{" or x.startswith("\\begin{"):
                k = max(self.match[k], k) + 1
                continue
            if x == "&":
                cells.append((start, k))
                start = k + 1
            elif x == "\\\\" or x == "\\cr":
                cells.append((start, k))
                rows.append(cells)
                cells = []
                start = k + 1
                k = _skip_row_spacing(toks, k + 1, close) - 1
                start = k + 1
            k += 1
        if start < close or cells:
            cells.append((start, close))
            rows.append(cells)
        self.i = close + 1
        out_rows: list[tuple[Expr, ...]] = []
        for row in rows:
            if len(row) == 1 and row[0][0] >= row[0][1] and (out_rows or len(rows) > 1):
                continue  # "\\\\" in Markdown: an empty row
            entries: list[Expr] = []
            for a, b in row:
                if a >= b:
                    p = toks[a - 1].end if a > 0 else t.end
                    entries.append(Zero(loc=(p, p), note="blank"))  # a blank cell of a display
                    continue
                try:
                    entries.append(self.parse_range(a, b, "matrix entry"))
                except Fail as f:
                    self.problems.append((f.message, f.loc))
                    entries.append(placeholder(f.message, self.loc(a, b)))
            out_rows.append(tuple(entries))
        return MatrixLiteral(tuple(out_rows), env, loc=(t.start, toks[close].end))

    def parse_query(self, t: Tok) -> Expr:
        self.i += 1
        return Query(loc=(t.start, t.end))


_CLOSERS = {
    "(": frozenset({")", "]"}), "[": frozenset({"]", ")"}), "\\{": frozenset({"\\}", "\\rbrace"}),
    "\\lbrace": frozenset({"\\}", "\\rbrace"}), "\\lbrack": frozenset({"\\rbrack", "]"}),
    "\\lparen": frozenset({"\\rparen", ")"}), "\\langle": frozenset({"\\rangle"}),
}


def _skip_row_spacing(toks: list[Tok], k: int, end: int) -> int:
    """``\\\\[2pt]``: skip the optional spacing after a row break."""
    if k < end and toks[k].text == "[" and not toks[k].gap:
        j = k + 1
        while j < end and j < k + 6 and toks[j].text != "]":
            j += 1
        if j < end and toks[j].text == "]" and re.fullmatch(r"-?[0-9.]*(pt|em|ex|mm|cm|in|mu|px|bp)", "".join(t.text for t in toks[k + 1 : j])):
            return j + 1
    return k


def _spacing_between(latex: str, a: int, b: int) -> bool:
    """True when something other than plain whitespace (``\\,``) sits in ``latex[a:b]``."""
    return bool(latex[a:b].strip())


def _unexpected(t: Tok | None) -> str:
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


def _divide(num: Expr, den: Expr, note: str, loc: tuple[int, int] | None = None) -> Expr:
    if loc is None:
        loc = (num.loc[0], den.loc[1])  # type: ignore[index]
    if isinstance(num, Number) and isinstance(den, Number) and den.value != 0:
        return Number(num.value / den.value, loc=loc, note=note)
    return Div(num, den, loc=loc, note=note)


def _diff_op_kind(t: Tok, bold: str | None) -> str | None:
    x = t.text
    if x == "\\partial":
        return "partial"
    if t.word == "d":
        return "d"
    if x == "d" and bold is None:
        return "d"
    return None


def _op_spelling(t: Tok) -> str:
    if t.word == "d":
        return t.note or "d"
    return t.text


def _is_transpose(toks: list[Tok], a: int, b: int, body: str) -> bool:
    if b - a == 1:
        t = toks[a]
        if t.word in ("T",) or (t.word == "H" and t.note is not None):
            return True
        return t.text in N.TRANSPOSE_MARKS or t.text in N.TRANSPOSE_MACROS
    return body in N.TRANSPOSE_MARKS


def _is_function_name(base: Symbol, bracket: str) -> bool:
    name = base.name
    if bracket == "[":
        return name in ("\\mathbb{E}", "E") or name.startswith("\\mathbb{E")
    if base.bold:
        return name in ("f", "g", "h")
    return (
        name in N.FUNCTION_LETTERS
        or name.endswith("'")
        or name.startswith(("\\mathcal{", "\\mathscr{", "\\mathbb{E"))
        or (len(name) > 1 and name.isalpha())
        or name == "\\sigma"
    )


def _norm_sub(raw: str) -> str:
    raw = raw.strip("{}")
    m = re.fullmatch(r"\\(?:mathrm|text|textrm|mathsf|operatorname|rm)\s*\{?\s*([A-Za-z0-9*]+)\s*\}?", raw)
    if m:
        return m.group(1)
    return raw


def _is_vector(e: Expr) -> bool:
    return isinstance(e, Symbol) and e.kind == "vector"


def _relocated(e: Expr, loc: tuple[int, int]) -> Expr:
    """``e`` with the location of the whole command that wrote it (``\\mathbf{X}``, not ``X``)."""
    if type(e) is Symbol:
        return Symbol(e.name, e.kind, e.subscript, e.bold, loc=loc, note=e.note)
    return replace(e, loc=loc)


_MACRO_HANDLERS = {
    "\\|": ExprParser.parse_norm,
    "\\Vert": ExprParser.parse_norm,
    "\\lVert": ExprParser.parse_norm,
    "\\vert": ExprParser.parse_abs,
    "\\lvert": ExprParser.parse_abs,
    "\\frac": ExprParser.parse_frac,
    "\\dfrac": ExprParser.parse_frac,
    "\\tfrac": ExprParser.parse_frac,
    "\\cfrac": ExprParser.parse_frac,
    "\\partial": ExprParser.parse_partial,
    "\\nabla": ExprParser.parse_nabla,
    "\\sum": ExprParser.parse_sum,
    "\\langle": ExprParser.parse_angle,
    "\\sigma": ExprParser.parse_greek,
}
