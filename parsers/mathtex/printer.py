"""`Expr` → LaTeX in the document's own notation (`to_latex`) and → plain Unicode (`to_text`).

`to_latex` writes what `parser` reads back: ``parse_math(to_latex(e))`` gives ``e`` again (up
to ``loc``/``note``) for the trees the parser produces; parentheses appear only where the
grammar needs them. With a `NotationStyle` every node follows it (bold command, transpose
mark, trace spelling and brackets, ``X^{-T}``); without one, each node's own ``note`` (how it
was written) is used, else the defaults.

>>> from ..expr import Symbol, Transpose, Mul
>>> X = Symbol("X", "matrix", bold=True)
>>> to_latex(Mul((Transpose(X), X)), NotationStyle(bold="mathbf", transpose="^\\\\top"))
'\\\\mathbf{X}^\\\\top\\\\mathbf{X}'
>>> to_text(Mul((Transpose(X), X)))
'XᵀX'
"""

from __future__ import annotations

import re

from ..expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Dots, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, MatrixLiteral, Mul, Norm, NotationStyle, Number, Ones, Power, Query,
    Sum, Symbol, Trace, Transpose, Zero, walk,
)
from . import notation as N
from .grammar import UNPARSED

__all__ = ["to_latex", "to_text"]

_ATOM, _POSTFIX, _PREFIX, _MUL, _ELEM, _ADD = 6, 5, 4, 3, 2, 1
_ENDS_WORD = re.compile(r"(?:\\[A-Za-z]+|[A-Za-z])$")


def to_latex(expr: Expr, style: NotationStyle | None = None) -> str:
    """LaTeX for ``expr`` in ``style`` (or in each node's own notation when ``style`` is None)."""
    return _Latex(style).p(expr)


def _prec(e: Expr) -> int:
    if isinstance(e, Add):
        return _ADD
    if isinstance(e, (Hadamard, Kron)) or (isinstance(e, Div) and e.note in ("\\oslash", "./")):
        return _ELEM
    if isinstance(e, Mul):
        # "-2X" needs parentheses wherever a leading sign cannot stand (after \sum_i, \odot...)
        return _ADD if isinstance(e.args[0], Number) and e.args[0].value < 0 else _MUL
    if isinstance(e, Number):
        return _ADD if e.value < 0 else _ATOM
    if isinstance(e, (Sum, Differential)) or (isinstance(e, Derivative) and (e.kind == "nabla" or e.expr is None)):
        return _PREFIX
    if isinstance(e, (Transpose, Inverse, Power)):
        return _POSTFIX
    return _ATOM


def _consumes_rest(e: Expr) -> bool:
    """Printed as an operator that takes the rest of a product (``\\sum_i``, ``\\nabla_X``)."""
    return isinstance(e, Sum) or (isinstance(e, Derivative) and (e.kind == "nabla" or e.expr is None))


def _join(parts: list[str]) -> str:
    out = parts[0]
    for s in parts[1:]:
        if not s:
            continue
        if (s[0].isalpha() and _ENDS_WORD.search(out)) or s[0] in "([" or (s[0].isdigit() and out[-1:].isdigit()):
            out += " " + s
        else:
            out += s
    return out


class _Latex:
    def __init__(self, style: NotationStyle | None) -> None:
        self.style = style

    def p(self, e: Expr) -> str:
        method = getattr(self, "p_" + type(e).__name__, None)
        if method is None:
            raise NotImplementedError(f"cannot print {type(e).__name__}")
        return method(e)  # type: ignore[no-any-return]

    def wrap(self, e: Expr, below: int) -> str:
        """``e`` printed, in parentheses when its precedence is below ``below``."""
        s = self.p(e)
        if _prec(e) < below:
            return f"\\left({s}\\right)" if _tall(s) else f"({s})"
        return s

    # --- leaves -----------------------------------------------------------------------

    def bold_cmd(self, note: str | None, name: str) -> str:
        if self.style is not None and self.style.bold:
            cmd = self.style.bold
        elif note in ("mathbf", "boldsymbol", "bm", "vec"):
            cmd = note
        else:
            cmd = "mathbf"
        if cmd == "mathbf" and name.startswith("\\"):
            cmd = "boldsymbol"  # \mathbf does not bold Greek letters
        return cmd

    def p_Symbol(self, e: Symbol) -> str:
        name = e.name
        if name == UNPARSED:
            return "?"
        if name in ("\\cdot", "\\nabla"):
            return "{" + name + "}"  # a bare placeholder (\|\cdot\|) or operator: braces keep it alone
        sup = ""
        if "^{" in name and not name.startswith("\\"):
            name, sup = name.split("^", 1)
            sup = "^" + sup
        elif name.startswith("\\") and "^{" in name and name.index("^{") > name.find("}"):
            name, sup = name.split("^", 1)
            sup = "^" + sup
        prime = ""
        while name.endswith("'"):
            name, prime = name[:-1], prime + "'"
        core = name
        if len(name) > 1 and name.isalpha():
            core = f"\\operatorname{{{name}}}"
        if e.bold:
            m = re.fullmatch(r"(\\[A-Za-z]+)\{(.*)\}", name)
            if m and m.group(1) in N.DECORATIONS:
                inner = m.group(2)
                core = f"{m.group(1)}{{\\{self.bold_cmd(e.note, inner)}{{{inner}}}}}"
            else:
                core = f"\\{self.bold_cmd(e.note, name)}{{{core}}}"
        if e.subscript is not None:
            core += f"_{{{e.subscript}}}"
        return core + sup + prime

    def p_Number(self, e: Number) -> str:
        v = e.value
        sign = "-" if v < 0 else ""
        v = abs(v)
        if v.denominator == 1:
            return f"{sign}{v.numerator}"
        return f"{sign}\\frac{{{v.numerator}}}{{{v.denominator}}}"

    def p_Identity(self, e: Identity) -> str:
        if e.note == "mathbb":
            return "\\mathbb{I}"
        return f"\\{self.bold_cmd(e.note, 'I')}{{I}}" if self._bold_doc(e.note) else "I"

    def p_Ones(self, e: Ones) -> str:
        if e.kind == "matrix":
            return f"\\{self.bold_cmd(e.note, 'J')}{{J}}" if self._bold_doc(e.note) else "J"
        if e.note == "mathbb":
            return "\\mathbb{1}"
        return f"\\{self.bold_cmd(e.note, '1')}{{1}}"

    def p_Zero(self, e: Zero) -> str:
        return f"\\{self.bold_cmd(e.note, '0')}{{0}}"

    def _bold_doc(self, note: str | None) -> bool:
        if self.style is not None:
            return self.style.bold is not None
        return note in ("mathbf", "boldsymbol", "bm")

    def p_Query(self, e: Query) -> str:
        return "?"

    def p_Dots(self, e: Dots) -> str:
        return "\\" + e.kind

    # --- algebra ----------------------------------------------------------------------

    def p_Add(self, e: Add) -> str:
        out = self.wrap(e.args[0], _ADD + 1) if isinstance(e.args[0], Add) else self.p(e.args[0])
        for term in e.args[1:]:
            neg = _negated(term)
            if neg is not None:
                out += " - " + self.wrap(neg, _ADD + 1)
            else:
                out += " + " + self.wrap(term, _ADD + 1)
        return out

    def p_Mul(self, e: Mul) -> str:
        args = list(e.args)
        parts: list[str] = []
        lead = ""
        if isinstance(args[0], Number) and len(args) > 1:
            v = args[0].value
            if v == -1:
                lead = "-"
                args = args[1:]
            elif v < 0:
                lead = "-" + self.p(Number(-v))
                args = args[1:]
        last = len(args) - 1
        for k, f in enumerate(args):
            if isinstance(f, Number) and (k > 0 or lead):
                s = self.wrap(f, _ATOM)
                parts.append(s if not parts else "\\cdot " + s)
                continue
            if isinstance(f, (Mul, Add)) or _prec(f) < _MUL or (_consumes_rest(f) and k < last):
                s = f"({self.p(f)})"
            else:
                s = self.p(f)
            if parts and _needs_cdot(args[k - 1]):
                s = "\\cdot " + s
            parts.append(s)
        body = _join(parts) if parts else ""
        if lead and lead != "-" and body:
            return _join([lead, body])
        return lead + body

    def p_Div(self, e: Div) -> str:
        if e.note in ("\\oslash", "./"):
            return f"{self.wrap(e.num, _ELEM + 1)} \\oslash {self.wrap(e.den, _ELEM + 1)}"
        return f"\\frac{{{self.p(e.num)}}}{{{self.p(e.den)}}}"

    def _elementwise(self, args: tuple[Expr, ...], op: str) -> str:
        return f" {op} ".join(self.wrap(a, _ELEM + 1) if _prec(a) != _ELEM else f"({self.p(a)})" for a in args)

    def p_Hadamard(self, e: Hadamard) -> str:
        op = e.note if (self.style is None and e.note in ("\\circ", "\\odot")) else "\\odot"
        return self._elementwise(e.args, op)

    def p_Kron(self, e: Kron) -> str:
        return self._elementwise(e.args, "\\otimes")

    def base(self, e: Expr) -> str:
        """``e`` as the base of a script: atoms as they are, anything else in parentheses."""
        if isinstance(e, Symbol) and ("^{" in e.name or e.name.endswith("'")):
            return "{" + self.p(e) + "}"
        if isinstance(e, Symbol) and e.name == "e" and not e.bold:
            return "{e}"
        return self.wrap(e, _ATOM)

    def p_Power(self, e: Power) -> str:
        return f"{self.base(e.base)}^{{{self.p(e.exponent)}}}"

    def transpose_mark(self, note: str | None) -> str:
        if self.style is not None and _is_postfix_mark(self.style.transpose):
            return self.style.transpose
        if note and (note.startswith("^") or note in ("'", "ᵀ")):
            return note
        return NotationStyle().transpose

    def p_Transpose(self, e: Transpose) -> str:
        return self.base(e.arg) + self.transpose_mark(e.note)

    def p_Inverse(self, e: Inverse) -> str:
        if isinstance(e.arg, Transpose):
            if self.style is not None:
                mark = self.style.inverse_transpose
            elif e.note and e.note.startswith("^") and e.note not in ("^{-1}", "^-1"):
                mark = e.note
            else:
                mark = NotationStyle().inverse_transpose
            return self.base(e.arg.arg) + mark
        return self.base(e.arg) + "^{-1}"

    # --- functions --------------------------------------------------------------------

    def p_Trace(self, e: Trace) -> str:
        if self.style is not None and N.TRACE_SPELLING.fullmatch(self.style.trace):
            spelling, brackets = self.style.trace, self.style.brackets
        else:
            spelling, brackets = N.split_trace_note(e.note or "")
            if not N.TRACE_SPELLING.fullmatch(spelling):
                spelling = NotationStyle().trace
            brackets = brackets or NotationStyle().brackets
        open_, close = (brackets[0], brackets[1]) if len(brackets) == 2 else ("(", ")")
        return f"{spelling}{open_}{self.p(e.arg)}{close}"

    def _call(self, spelling: str, arg: Expr) -> str:
        return f"{spelling}({self.p(arg)})"

    def p_Det(self, e: Det) -> str:
        spelling = e.note if e.note in ("\\det", "det", "\\operatorname{det}", "\\mathrm{det}") else "\\det"
        return self._call(spelling, e.arg)

    def p_Diag(self, e: Diag) -> str:
        ok = ("\\diag", "diag", "\\operatorname{diag}", "\\mathrm{diag}", "\\text{diag}", "\\operatorname{Diag}")
        spelling = e.note if e.note in ok else "\\operatorname{diag}"
        return self._call(spelling, e.arg)

    def p_Func(self, e: Func) -> str:
        name = e.name
        if name == "sqrt" and not e.elementwise:
            return f"\\sqrt{{{self.p(e.arg)}}}"
        if name == "exp" and e.note == "e^" and not e.elementwise:
            return f"e^{{{self.p(e.arg)}}}"
        if name == "sigma":
            spelling = "\\sigma" if not e.elementwise else "\\operatorname{sigmoid}^{\\circ}"
            return f"{spelling}({self.p(e.arg)})"
        spelling = f"\\{name}"
        if e.note and e.note.startswith("\\") and N.WORD_MACROS.get(e.note) == name and name in N.FUNCTIONS:
            spelling = e.note  # \ln
        if name not in ("log", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh"):
            spelling = f"\\operatorname{{{name}}}"
        if e.elementwise:
            spelling += "^{\\circ}"
        return f"{spelling}({self.p(e.arg)})"

    def p_Abs(self, e: Abs) -> str:
        inner = self.p(e.arg)
        if _has_bars(e.arg):
            return f"\\lvert {inner}\\rvert"
        return f"|{inner}|"

    def p_Norm(self, e: Norm) -> str:
        inner = self.p(e.arg)
        if _has_bars(e.arg):
            s = f"\\lVert {inner}\\rVert"
        elif e.note in ("\\lVert", "\\Vert"):
            s = f"\\lVert {inner}\\rVert" if e.note == "\\lVert" else f"\\Vert {inner}\\Vert"
        else:
            s = f"\\|{inner}\\|"
        if e.sub is not None:
            s += f"_{{{e.sub}}}"
        return s

    def p_Apply(self, e: Apply) -> str:
        if isinstance(e.func, Symbol) and e.func.name == UNPARSED:
            return "?"
        if isinstance(e.func, Symbol) and e.func.name == "\\nabla" and len(e.args) == 1:
            arg = e.args[0]  # \nabla applied to an operand with no variable written
            return "\\nabla " + (self.p(arg) if _prec(arg) >= _MUL else f"({self.p(arg)})")
        func = self.p(e.func)
        if not isinstance(e.func, Symbol):
            func = f"({func})"
        return f"{func}({', '.join(self.p(a) for a in e.args)})"

    # --- calculus -----------------------------------------------------------------------

    def _op(self, e: Derivative) -> str:
        if e.kind == "partial":
            return "\\partial"
        note = (e.note or "").split("^")[0]
        return note if note in ("\\mathrm{d}", "\\text{d}", "\\operatorname{d}", "\\mathop{d}") else "d"

    def p_Derivative(self, e: Derivative) -> str:
        wrt = self.p(e.wrt) if _prec(e.wrt) >= _POSTFIX else f"({self.p(e.wrt)})"
        if e.kind == "nabla":
            head = f"\\nabla_{{{self.p(e.wrt)}}} "
            if e.note == "implicit" and isinstance(e.expr, Apply):
                head = "\\nabla "
            if e.expr is None:
                return head.rstrip()
            body = self.p(e.expr) if _prec(e.expr) >= _MUL else f"({self.p(e.expr)})"
            return head + body
        op = self._op(e)
        den = f"{op} {wrt}"
        if e.expr is None:
            return f"\\frac{{{op}}}{{{den}}}"
        return f"\\frac{{{op} {self.p(e.expr)}}}{{{den}}}"

    def p_Differential(self, e: Differential) -> str:
        op = e.note if e.note in ("\\partial", "\\delta", "\\mathrm{d}", "\\text{d}") else "d"
        a = e.arg
        simple = isinstance(a, (Symbol, Trace, Func, Det, Diag, Apply, Identity, Ones, Norm))
        if isinstance(a, (Transpose, Inverse, Power)) and isinstance(_script_base(a), Symbol):
            simple = True
        if isinstance(a, Symbol) and (a.name in ("e", "d", "\\delta", "\\partial") or "^{" in a.name
                                      or a.name.endswith("'")):
            simple = False  # d\delta\alpha would read back as d(d(alpha)): parenthesise operator letters
        if isinstance(a, Func) and a.note == "e^":
            simple = False
        if isinstance(a, (Trace, Func, Det, Diag, Norm)) and op == "d":
            return "d" + self.p(a) if not self.p(a)[0].isalpha() else "d\\," + self.p(a)
        arg = self.p(a) if simple else f"({self.p(a)})"
        if op == "d":
            if arg[0].isalpha() or arg[0] in "\\(":
                return "d" + arg
            return f"d({self.p(a)})"
        return _join([op, arg])

    # --- index notation and displays ------------------------------------------------

    def p_Entry(self, e: Entry) -> str:
        return f"[{self.p(e.base)}]_{{{_indices(self, e.indices)}}}"

    def p_Sum(self, e: Sum) -> str:
        if e.note:
            head = f"\\sum_{{{e.note}}}"
        elif e.lower is not None:
            head = f"\\sum_{{{e.index}={self.p(e.lower)}}}"
        else:
            head = f"\\sum_{{{e.index}}}"
        if e.upper is not None:
            head += f"^{{{self.p(e.upper)}}}"
        body = self.p(e.body) if _prec(e.body) >= _MUL else f"({self.p(e.body)})"
        return f"{head} {body}"

    def p_MatrixLiteral(self, e: MatrixLiteral) -> str:
        if e.env == "list":
            if len(e.rows) > 1:  # [a; b; c]
                return "[" + "; ".join(", ".join(self.p(x) for x in row) for row in e.rows) + "]"
            open_, close = ("[", "]") if e.note == "[" else ("(", ")")
            return open_ + ", ".join(self.p(x) for x in (e.rows[0] if e.rows else ())) + close
        rows = " \\\\ ".join(" & ".join(self.p(x) for x in row) for row in e.rows)
        env = e.env if e.env in N.MATRIX_ENVIRONMENTS else "bmatrix"
        if env == "array":
            cols = max((len(r) for r in e.rows), default=1)
            return f"\\begin{{array}}{{{'c' * cols}}} {rows} \\end{{array}}"
        return f"\\begin{{{env}}} {rows} \\end{{{env}}}"


def _is_postfix_mark(mark: str) -> bool:
    return mark.startswith("^") or mark in ("'", "ᵀ")


def _script_base(e: Expr) -> Expr:
    while isinstance(e, (Transpose, Inverse, Power)):
        e = e.arg if not isinstance(e, Power) else e.base
    return e


def _needs_cdot(prev: Expr) -> bool:
    """``d`` and ``\\delta`` before a factor would read as a differential."""
    return isinstance(prev, Symbol) and not prev.bold and prev.subscript is None and prev.name in ("d", "\\delta", "\\partial", "e")


def _negated(term: Expr) -> Expr | None:
    if isinstance(term, Number) and term.value < 0:
        return Number(-term.value)
    if isinstance(term, Mul) and isinstance(term.args[0], Number) and term.args[0].value < 0:
        v = -term.args[0].value
        rest = term.args[1:]
        if v == 1:
            return rest[0] if len(rest) == 1 else Mul(rest)
        return Mul((Number(v),) + rest)
    return None


def _has_bars(e: Expr) -> bool:
    return any(isinstance(n, (Abs, Norm)) for n in walk(e))


def _tall(s: str) -> bool:
    return "\\frac" in s or "\\sum" in s or "\\begin" in s


def _indices(printer: "_Latex | _Text", indices: tuple[Expr, ...]) -> str:
    parts = [printer.p(i) for i in indices]
    if all(len(s) == 1 for s in parts):
        return "".join(parts)
    return ",".join(parts)


# --- plain text ---------------------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789-+=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789-+=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₋₊₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_GREEK_TEXT = {v: k for k, v in N.UNICODE_GREEK.items()}


def to_text(expr: Expr) -> str:
    """Plain Unicode for ``expr``: ``Aᵀ``, ``X⁻¹``, ``X⁻ᵀ``, ``tr(AXB)``, ``A ⊙ B``, ``‖x‖₂²``."""
    return _Text().p(expr)


def _script(text: str, table: dict[int, int], fallback: str) -> str:
    out = text.translate(table)
    if all(ord(c) in table.values() for c in out):
        return out
    return f"{fallback}({text})" if len(text) > 1 else f"{fallback}{text}"


class _Text:
    def p(self, e: Expr) -> str:
        method = getattr(self, "p_" + type(e).__name__, None)
        if method is None:
            raise NotImplementedError(f"cannot print {type(e).__name__}")
        return method(e)  # type: ignore[no-any-return]

    def wrap(self, e: Expr, below: int) -> str:
        s = self.p(e)
        return f"({s})" if _prec(e) < below else s

    def name(self, name: str) -> str:
        if name.startswith("\\"):
            bare = name[1:]
            if bare in _GREEK_TEXT:
                return _GREEK_TEXT[bare]
            m = re.fullmatch(r"\\math(?:bb|cal|scr|frak)\{(.*)\}", name)
            if m:
                return {"R": "ℝ", "E": "𝔼", "C": "ℂ", "N": "ℕ", "Z": "ℤ"}.get(m.group(1), m.group(1)) if "mathbb" in name else m.group(1)
            m = re.fullmatch(r"\\[a-z]+\{(.*)\}", name)
            if m:
                return self.name(m.group(1))
            return {"\\infty": "∞", "\\ell": "ℓ", "\\cdot": "·", "\\nabla": "∇"}.get(name, bare)
        return name

    def p_Symbol(self, e: Symbol) -> str:
        if e.name == UNPARSED:
            return "?"
        out = self.name(e.name.split("^", 1)[0]) + ("^" + e.name.split("^", 1)[1] if "^" in e.name else "")
        if e.subscript is not None:
            out += _script(e.subscript.strip("{}"), _SUBSCRIPT, "_")
        return out

    def p_Number(self, e: Number) -> str:
        v = e.value
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"

    def p_Identity(self, e: Identity) -> str:
        return "I"

    def p_Ones(self, e: Ones) -> str:
        return "J" if e.kind == "matrix" else "𝟏"

    def p_Zero(self, e: Zero) -> str:
        return "0"

    def p_Query(self, e: Query) -> str:
        return "?"

    def p_Dots(self, e: Dots) -> str:
        return {"cdots": "⋯", "ldots": "…", "vdots": "⋮", "ddots": "⋱"}[e.kind]

    def p_Add(self, e: Add) -> str:
        out = self.wrap(e.args[0], _ADD + 1)
        for term in e.args[1:]:
            neg = _negated(term)
            out += (" − " + self.wrap(neg, _ADD + 1)) if neg is not None else (" + " + self.wrap(term, _ADD + 1))
        return out

    def p_Mul(self, e: Mul) -> str:
        args = list(e.args)
        lead = ""
        if isinstance(args[0], Number) and len(args) > 1 and args[0].value < 0:
            v = -args[0].value
            lead = "−" if v == 1 else "−" + self.p(Number(v))
            args = args[1:]
        parts: list[str] = []
        for k, f in enumerate(args):
            s = self.p(f)
            if isinstance(f, Number) and f.value.denominator != 1:
                s = f"({s})"
            elif isinstance(f, (Mul, Add)) or _prec(f) < _MUL or (_consumes_rest(f) and k < len(args) - 1):
                s = f"({s})"
            if parts and (parts[-1][-1:].isdigit() and s[:1].isdigit() or len(s) > 1 and s[0].isalpha() and parts[-1][-1:].isalpha() and isinstance(f, Symbol) and len(f.name) > 1):
                s = "·" + s
            parts.append(s)
        return lead + "".join(parts)

    def p_Div(self, e: Div) -> str:
        if e.note in ("\\oslash", "./"):
            return f"{self.wrap(e.num, _ELEM + 1)} ⊘ {self.wrap(e.den, _ELEM + 1)}"
        return f"{self.wrap(e.num, _ATOM)}/{self.wrap(e.den, _ATOM)}"

    def p_Hadamard(self, e: Hadamard) -> str:
        return " ⊙ ".join(self.wrap(a, _ELEM + 1) for a in e.args)

    def p_Kron(self, e: Kron) -> str:
        return " ⊗ ".join(self.wrap(a, _ELEM + 1) for a in e.args)

    def p_Power(self, e: Power) -> str:
        exp = self.p(e.exponent)
        sup = exp.translate(_SUPERSCRIPT)
        if not all(ord(c) in _SUPERSCRIPT.values() for c in sup):
            sup = f"^({exp})"
        return self.wrap(e.base, _ATOM) + sup

    def p_Transpose(self, e: Transpose) -> str:
        return self.wrap(e.arg, _ATOM) + "ᵀ"

    def p_Inverse(self, e: Inverse) -> str:
        if isinstance(e.arg, Transpose):
            return self.wrap(e.arg.arg, _ATOM) + "⁻ᵀ"
        return self.wrap(e.arg, _ATOM) + "⁻¹"

    def p_Trace(self, e: Trace) -> str:
        return f"tr({self.p(e.arg)})"

    def p_Det(self, e: Det) -> str:
        return f"det({self.p(e.arg)})"

    def p_Diag(self, e: Diag) -> str:
        return f"diag({self.p(e.arg)})"

    def p_Func(self, e: Func) -> str:
        name = {"sqrt": "√", "sigma": "σ"}.get(e.name, e.name)
        return f"{name}({self.p(e.arg)})"

    def p_Abs(self, e: Abs) -> str:
        return f"|{self.p(e.arg)}|"

    def p_Norm(self, e: Norm) -> str:
        sub = _script(e.sub, _SUBSCRIPT, "_") if e.sub else ""
        if e.sub == "F":
            sub = "_F"
        return f"‖{self.p(e.arg)}‖{sub}"

    def p_Apply(self, e: Apply) -> str:
        if isinstance(e.func, Symbol) and e.func.name == UNPARSED:
            return "?"
        return f"{self.p(e.func)}({', '.join(self.p(a) for a in e.args)})"

    def p_Derivative(self, e: Derivative) -> str:
        wrt = self.wrap(e.wrt, _POSTFIX)
        if e.kind == "nabla":
            head = "∇" if e.note == "implicit" else f"∇_{wrt}"
            return head if e.expr is None else f"{head} {self.wrap(e.expr, _MUL)}"
        op = "∂" if e.kind == "partial" else "d"
        if e.expr is None:
            return f"{op}/{op}{wrt}"
        return f"{op}{self.wrap(e.expr, _ATOM)}/{op}{wrt}"

    def p_Differential(self, e: Differential) -> str:
        op = {"\\partial": "∂", "\\delta": "δ"}.get(e.note or "", "d")
        arg = self.p(e.arg)
        return op + (arg if isinstance(e.arg, Symbol) else f"({arg})")

    def p_Entry(self, e: Entry) -> str:
        return f"[{self.p(e.base)}]_{_indices(self, e.indices)}"

    def p_Sum(self, e: Sum) -> str:
        head = f"Σ_{e.index}"
        if e.lower is not None:
            head = f"Σ_{{{e.index}={self.p(e.lower)}}}"
        if e.upper is not None:
            head += f"^{self.p(e.upper)}"
        return f"{head} {self.wrap(e.body, _MUL)}"

    def p_MatrixLiteral(self, e: MatrixLiteral) -> str:
        if e.env == "list":
            return "(" + ", ".join(self.p(x) for x in (e.rows[0] if e.rows else ())) + ")"
        return "[" + "; ".join(" ".join(self.p(x) for x in row) for row in e.rows) + "]"

