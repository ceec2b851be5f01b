"""Displayed matrices: ``bmatrix``, ``pmatrix``, ``matrix``, ``vmatrix``, ``array``... → `MatrixLiteral`."""

from __future__ import annotations

import re

from ..expr import Expr, MatrixLiteral, Zero
from . import notation as N
from .cursor import Cursor, Fail, placeholder
from .lexer import Tok


class MatrixMixin(Cursor):
    """The grammar rule for matrix environments (mixed into `grammar.ExprParser`)."""

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


def _skip_row_spacing(toks: list[Tok], k: int, end: int) -> int:
    """``\\\\[2pt]``: skip the optional spacing after a row break."""
    if k < end and toks[k].text == "[" and not toks[k].gap:
        j = k + 1
        while j < end and j < k + 6 and toks[j].text != "]":
            j += 1
        if j < end and toks[j].text == "]" and re.fullmatch(r"-?[0-9.]*(pt|em|ex|mm|cm|in|mu|px|bp)", "".join(t.text for t in toks[k + 1 : j])):
            return j + 1
    return k
