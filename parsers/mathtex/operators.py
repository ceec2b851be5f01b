"""Functions, operators and brackets: tr/det/diag/log..., \\sqrt, ( ), [ ], |x|, \\|x\\|, \\langle a, b\\rangle."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from ..expr import (
    Abs, Det, Diag, Div, Expr, Func, Inverse, MatrixLiteral, Mul, Norm, Number, Power, Symbol,
    Trace, Transpose,
)
from . import notation as N
from .cursor import ABS_CLOSE, NORM_CLOSE, Cursor, compact, unexpected
from .lexer import Tok

_CLOSERS = {
    "(": frozenset({")", "]"}), "[": frozenset({"]", ")"}), "\\{": frozenset({"\\}", "\\rbrace"}),
    "\\lbrace": frozenset({"\\}", "\\rbrace"}), "\\lbrack": frozenset({"\\rbrack", "]"}),
    "\\lparen": frozenset({"\\rparen", ")"}), "\\langle": frozenset({"\\rangle"}),
}


class OperatorMixin(Cursor):
    """Grammar rules for operator words and bracketed groups (mixed into `grammar.ExprParser`)."""

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
                raise self.fail(unexpected(t), t)
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
        if close is None or close.text not in ABS_CLOSE:
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
            if close is None or close.text not in NORM_CLOSE:
                raise self.fail("unclosed \\|", t)
            self.i += 1
            end = close.end
        return Norm(inner, None, loc=(t.start, end), note="||" if double else t.text)
