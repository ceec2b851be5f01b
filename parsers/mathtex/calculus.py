"""Fractions, derivatives (∂f/∂X, ∇_X f, df/dx), differentials (dX, d(XY), \\delta A) and Σ-sums."""

from __future__ import annotations

from fractions import Fraction

from ..expr import Apply, Derivative, Differential, Expr, Func, Number, Power, Sum, Symbol, Transpose
from . import notation as N
from .cursor import OPERAND_MACROS, UPPER_GREEK, Cursor, Fail, compact, divide, is_transpose
from .lexer import Tok


class CalculusMixin(Cursor):
    """Grammar rules for calculus and index sums (mixed into `grammar.ExprParser`)."""

    def _differential_follows(self, t: Tok, nxt: Tok, after_macro: bool = False) -> bool:
        """The rule for ``d`` (`grammar` module docstring); after ``\\delta`` the space TeX needs is no gap."""
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
        if x in OPERAND_MACROS:
            return True
        if x[0] == "\\" and x[1:] in N.GREEK:
            return x[1:] in UPPER_GREEK or not gap
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
        if is_transpose(self.toks, a, b, compact(self.raw(a, b))):
            return Transpose(Symbol("e", loc=(t.start, t.end)), loc=(t.start, self.toks[self.i - 1].end), note="^" + compact(self.raw(a, b)))
        arg = self.parse_range(a, b, "exponent")
        return Func("exp", arg, loc=(t.start, self.toks[self.i - 1].end), note="e^")

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
        return divide(num, den, "\\frac", loc)

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
            return self._operator_derivative(t, wrt, "nabla")
        if nxt is None or not self.starts_factor(nxt):
            return Symbol("\\nabla", loc=(t.start, t.end))
        operand = self.parse_product()
        loc = (t.start, operand.loc[1])  # type: ignore[index]
        if isinstance(operand, Apply) and len(operand.args) == 1 and isinstance(operand.args[0], Symbol):
            return Derivative(operand, operand.args[0], "nabla", loc=loc, note="implicit")
        return Apply(Symbol("\\nabla", loc=(t.start, t.end)), (operand,), loc=loc)

    def _operator_derivative(self, t: Tok, wrt: Expr, kind: str) -> Expr:
        """``\\nabla_X f``, ``\\partial_X f``: the operator applies to the rest of the product."""
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


def _spacing_between(latex: str, a: int, b: int) -> bool:
    """True when something other than plain whitespace (``\\,``) sits in ``latex[a:b]``."""
    return bool(latex[a:b].strip())


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
