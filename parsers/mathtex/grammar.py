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
from typing import Callable

from ..expr import (
    Add, Apply, Div, Dots, Entry, Expr, Func, Hadamard, Identity, Inverse, Kron, Mul, Norm, Number,
    Ones, Power, Query, Symbol, Trace, Transpose, Zero,
)
from . import notation as N
from .calculus import CalculusMixin
from .cursor import (
    ABS_OPEN, BARS, NORM_OPEN, SPACE_RE, STOP, UNPARSED, Fail, compact, divide, is_transpose, is_unparsed,
    match_groups, negate, placeholder, unexpected,
)
from .lexer import Tok
from .matrices import MatrixMixin
from .operators import OperatorMixin

__all__ = ["ExprParser", "Fail", "UNPARSED", "compact", "is_unparsed", "match_groups", "negate", "placeholder"]


class ExprParser(CalculusMixin, OperatorMixin, MatrixMixin):
    """Recursive descent over ``toks[i:end]``; ``latex`` is the span text (for raw subscripts).

    The levels, scripts and symbols are here; functions and brackets in `operators`, fractions,
    derivatives, differentials and sums in `calculus`, displayed matrices in `matrices`.
    """

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
        if x in STOP:
            return False
        if x in BARS:
            # inside |...| a bar closes; elsewhere it opens
            return self.bars == 0 or x in ("\\lvert", "\\lVert")
        if x.startswith("\\end{"):
            return False
        return True

    def can_start(self, t: Tok) -> bool:
        """Can ``t`` begin an operand where one is required (a bar there always opens)?"""
        return self.starts_factor(t) or t.text in BARS

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
                factors = [divide(num, den, "/")]
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
            if not self.starts_factor(t) and (factors or x not in BARS):
                break
            self._add_factor(factors, self.parse_factor())
        if not factors:
            bad = self.peek()
            raise self.fail(unexpected(bad) if bad is not None else "expected an expression", bad)
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
        ) and (not base.bold or base.name in ("f", "g", "h")):  # bold \mathbf{G}'(...) is Gᵀ(...)
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
        if sub is not None and sup is not None and sup[0] < sub[0]:
            # X^\top_{ij}: written after the transpose, the subscript indexes it: (Xᵀ)_{ij}
            base = self._superscript(base, *sup)
            return self._subscript(base, None, sub[0], sub[1], sub[2])
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
        raw = SPACE_RE.sub("", self.raw(a, b))
        if isinstance(base, Trace) and base.note == "\\langle" and _norm_sub(raw) in ("F", "Frob"):
            return replace(base, loc=loc)  # \langle A, B\rangle_F: the Frobenius inner product, no index
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
        if is_transpose(toks, a, b, body):
            self.votes.append(("transpose", note))
            return Transpose(base, loc=loc, note=note)
        first = toks[a].text
        if first == "-" and b - a >= 2:
            rest = compact(self.raw(a + 1, b))
            if b - a == 2 and toks[a + 1].text == "1":
                return Inverse(base, loc=loc, note=note)
            if is_transpose(toks, a + 1, b, rest):
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
        if x in NORM_OPEN or (x == "|" and self._double_bar()):
            return self.parse_norm(t)
        if x in ABS_OPEN:
            return self.parse_abs(t)
        if x == "?":
            self.i += 1
            return Query(loc=(t.start, t.end))
        raise self.fail(unexpected(t), t)

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
        # a plain J is the all-ones matrix (or a Jacobian's name: see note); J(\theta), J(X) is the
        # cost function of machine-learning notes
        if x == "J" and not (nxt is not None and (nxt.text == "_" or (nxt.text == "(" and not nxt.gap))):
            return Ones("matrix", loc=loc, note="J")
        if x == "e" and nxt is not None and nxt.text == "^":
            return self.parse_exp_power(t)
        return Symbol(x, loc=loc)

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


_MACRO_HANDLERS: dict[str, Callable[[ExprParser, Tok], Expr | list[Expr]]] = {
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
