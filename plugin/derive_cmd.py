"""``mathlint derive 'tr(A X B X^T)' --wrt X``: a gradient from scratch, printed as LaTeX or text.

The expression may be the LaTeX the document parser reads, or what people type in a terminal:
``tr(A X B)``, ``A^T``, ``A'``, ``inv(X)``, ``det(X)``, ``log``, ``exp``, ``diag(x)``, ``.*``
(Hadamard), ``./`` (elementwise division), ``*`` (product), ``1/2``, ``||x||``, ``norm(X)``.
Terminal forms are translated to LaTeX by a small tokenizer (never evaluated) and then parsed
by `parse_math`; a parse error is reported with its position and exit status 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from .checker.options import Layout

if TYPE_CHECKING:
    from .checker.claims import Context
    from .parsers.expr import Expr, NotationStyle

EXIT_OK = 0
EXIT_UNSUPPORTED = 1
"""Parsed, but no verified closed form could be derived (the reason is printed)."""
EXIT_USAGE = 2

FUNCTIONS = {
    "tr": "\\operatorname{tr}", "Tr": "\\operatorname{tr}", "trace": "\\operatorname{tr}",
    "det": "\\det", "log": "\\log", "ln": "\\log", "exp": "\\exp", "sin": "\\sin", "cos": "\\cos",
    "tanh": "\\tanh", "diag": "\\operatorname{diag}", "logdet": "\\log\\det",
}
GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "kappa", "lambda", "mu", "nu",
    "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Sigma", "Lambda", "Omega", "Gamma",
    "Delta", "Theta", "Phi", "Psi",
})

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<norm>\|\|)
  | (?P<hadamard>\.\*)
  | (?P<ediv>\./)
  | (?P<epow>\.\^)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9]*(?:_\{?[A-Za-z0-9]+\}?)?)
  | (?P<prime>')
  | (?P<caret>\^)
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<op>[-+*/=,|])
""", re.VERBOSE)


class TranslateError(ValueError):
    """Terminal input that cannot be read; ``offset`` is where (0-based)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    offset: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise TranslateError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup or ""
        if kind != "space":
            out.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    return out


def _matching(toks: list[_Tok], i: int) -> int:
    """Index of the bracket closing ``toks[i]``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == "open":
            depth += 1
        elif toks[j].kind == "close":
            depth -= 1
            if depth == 0:
                return j
    raise TranslateError("unbalanced brackets", toks[i].offset)


def _operand_end(toks: list[_Tok], i: int) -> int:
    """End (exclusive) of the operand starting at ``toks[i]``: a name, a number or a group."""
    if i >= len(toks):
        raise TranslateError("missing operand at the end", toks[-1].offset if toks else 0)
    if toks[i].kind == "open":
        return _matching(toks, i) + 1
    if toks[i].kind == "op" and toks[i].text == "-":
        return _operand_end(toks, i + 1)
    return i + 1


def translate(text: str) -> str:
    """Terminal math → LaTeX (text with a backslash is LaTeX already and is returned as is).

    >>> print(translate("tr(A X B X')"))
    \\operatorname{tr} (A X B X^T)
    >>> print(translate("1/2 * norm(A*x - b)^2"))
    \\frac{1}{2} \\|A x - b\\|^2
    """
    if "\\" in text:
        return text
    return _emit(_tokens(text), text)


def _emit(toks: list[_Tok], text: str) -> str:
    out: list[str] = []
    i = 0
    norm_open = False
    while i < len(toks):
        tok = toks[i]
        kind, word = tok.kind, tok.text
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if kind == "name" and word == "inv" and nxt is not None and nxt.kind == "open":
            end = _matching(toks, i + 1)
            out.append("\\left(" + _emit(toks[i + 2:end], text) + "\\right)^{-1}")
            i = end + 1
            continue
        if kind == "name" and word in ("sqrt", "norm", "sum") and nxt is not None and nxt.kind == "open":
            end = _matching(toks, i + 1)
            inner = _emit(toks[i + 2:end], text)
            if word == "sqrt":
                out.append(f"\\sqrt{{{inner}}}")
            elif word == "norm":
                out.append(f"\\|{inner}\\|")
            else:  # sum of all entries: 1ᵀ M 1
                out.append(f"\\mathbf{{1}}^T ({inner}) \\mathbf{{1}}")
            i = end + 1
            continue
        if kind == "name" and len(word) > 1 and word not in FUNCTIONS and word not in GREEK \
                and nxt is not None and nxt.kind == "open" and "_" not in word \
                and not re.fullmatch(r"[A-Za-z]\d+", word):
            raise TranslateError(f"unknown function {word!r}", tok.offset)
        if kind == "name" and word in FUNCTIONS:
            out.append(FUNCTIONS[word])
        elif kind == "name" and word in ("ones", "one"):
            out.append("\\mathbf{1}")
        elif kind == "name" and word in GREEK:
            out.append("\\" + word)
        elif kind == "name":
            out.append(_name(word))
        elif kind == "number":
            if nxt is not None and nxt.kind == "op" and nxt.text == "/" and i + 2 < len(toks) \
                    and toks[i + 2].kind == "number":
                out.append(f"\\frac{{{word}}}{{{toks[i + 2].text}}}")
                i += 3
                continue
            out.append(word)
        elif kind == "norm":
            out.append("\\|")
            norm_open = not norm_open
        elif kind == "hadamard":
            out.append("\\odot")
        elif kind == "ediv":
            out.append("\\oslash")
        elif kind == "prime":
            out.append("^T")
        elif kind in ("caret", "epow"):
            end = _operand_end(toks, i + 1)
            exponent = toks[i + 1:end]
            body = "".join(t.text for t in exponent)
            if exponent and exponent[0].kind == "open" and exponent[0].text == "(":
                body = "".join(t.text for t in exponent[1:-1])
            if kind == "epow":
                raise TranslateError("elementwise powers (.^) are not supported; use .* ", tok.offset)
            body = body.replace(" ", "")
            out.append("^" + body if len(body) == 1 else "^{" + body + "}")
            i = end
            continue
        elif kind == "op" and word == "*":
            pass  # a product is juxtaposition
        elif kind == "op" and word == "|":
            out.append("|")
        else:
            out.append(word)
        i += 1
    if norm_open:
        raise TranslateError("unclosed ||", len(text))
    return " ".join(out).replace("( ", "(").replace(" )", ")").replace(" ^", "^").replace(" _", "_")


def _name(word: str) -> str:
    """``A``, ``X1`` → ``X_{1}``, ``W_2`` kept; multi-letter names become ``\\mathrm{..}``."""
    if "_" in word:
        return word
    m = re.fullmatch(r"([A-Za-z])(\d+)", word)
    if m:
        return f"{m.group(1)}_{{{m.group(2)}}}"
    if len(word) == 1:
        return word
    return " ".join(word)  # 'AX' typed together reads as a product of single letters


# --- the command ----------------------------------------------------------------------------

def run_derive(text: str, wrt: str, layout: Layout | str = "denominator",
               shapes: Mapping[str, tuple[object, ...]] | None = None, explain: bool = False,
               fmt: str = "latex") -> tuple[int, str]:
    """Derive ``∂(text)/∂(wrt)``; returns ``(exit status, output)``.

    :param text: the scalar function (LaTeX or terminal forms); ``f = ...`` is accepted.
    :param wrt: ``X`` or ``\\mathbf{X}``.
    :param shapes: ``{"X": ("m", "n"), "x": ("n",)}`` (one dim means a column vector).
    :param fmt: ``"latex"`` or ``"text"`` (plain Unicode).
    Exit 0 with the result; 2 (usage) for input that does not parse; 1 when no verified
    closed form could be derived (the reason is in the output).
    """
    from .checker.claims import Context
    from .parsers.expr import NotationStyle

    try:
        lay = layout if isinstance(layout, Layout) else Layout(str(layout))
    except ValueError:
        return EXIT_USAGE, f"error: unknown layout {layout!r} (numerator or denominator)"
    if fmt not in ("latex", "text"):
        return EXIT_USAGE, f"error: unknown format {fmt!r} (latex or text)"
    parsed = _parse_one(text, "expression")
    if isinstance(parsed, str):
        return EXIT_USAGE, parsed
    f, style = parsed
    target = _parse_one(wrt, "--wrt")
    if isinstance(target, str):
        return EXIT_USAGE, target
    try:
        declared = _shapes(shapes or {})
    except ValueError as exc:
        return EXIT_USAGE, f"error: {exc}"
    f = _typed(f, declared)
    variable = _variable(_typed(target[0], declared), f)
    if isinstance(variable, str):
        return EXIT_USAGE, variable
    ctx = Context(shapes=declared, style=style if style is not None else NotationStyle())
    return _derive(f, variable, ctx, lay, explain, fmt)


def _derive(f: "Expr", variable: "Expr", ctx: "Context", layout: Layout, explain: bool,
            fmt: str) -> tuple[int, str]:
    from .checker.derive import derive_gradient
    from .checker.oracle import Unsupported
    from .checker.shapes import ShapeError

    try:
        if explain:
            from .checker.explain import explain_steps, format_steps

            steps = explain_steps(f, variable, ctx, layout)
            return EXIT_OK, "\n".join(format_steps(steps, ctx, fmt))
        derivation = derive_gradient(f, variable, ctx, layout)
    except Unsupported as exc:
        if exc.reason.value == "shape":
            return EXIT_USAGE, f"error: shapes do not conform: {exc.detail}"
        return EXIT_UNSUPPORTED, f"cannot derive ({exc.reason.value}): {exc.detail}"
    except ShapeError as exc:
        return EXIT_USAGE, f"error: shapes do not conform: {exc.message}"
    return EXIT_OK, derivation.latex if fmt == "latex" else derivation.text


def _parse_one(text: str, what: str) -> "tuple[Expr, NotationStyle] | str":
    """``(expr, style)`` of the last side of the one statement in ``text``, or an error message."""
    from .parsers.mathtex import parse_math

    if not text.strip():
        return f"error: the {what} is empty"
    try:
        latex = translate(text)
    except TranslateError as exc:
        return _caret(f"cannot read the {what}: {exc.message}", text, exc.offset)
    parsed = parse_math(latex)
    if parsed.problems:
        problem = parsed.problems[0]
        return _caret(f"cannot parse the {what}: {problem.message}", latex, problem.loc[0])
    sides = [s for st in parsed.statements for s in st.sides if s is not None]
    if not sides:
        return f"error: the {what} has no expression"
    return sides[-1], parsed.style


def _caret(message: str, text: str, offset: int) -> str:
    offset = max(0, min(offset, len(text)))
    return f"error: {message}\n  {text}\n  {' ' * offset}^"


def _variable(expr: "Expr", f: "Expr") -> "Expr | str":
    """The symbol to differentiate by, matched by name against the symbols of ``f``."""
    from .parsers.expr import Symbol, walk

    if not isinstance(expr, Symbol):
        return "error: --wrt must be a single symbol such as X or \\mathbf{X}"
    for node in walk(f):
        if isinstance(node, Symbol) and node.key == expr.key:
            return node
    return expr  # f does not depend on it: the gradient is 0


def _typed(expr: "Expr", declared: Mapping[str, tuple[object, object]]) -> "Expr":
    """Plain letters typed in a terminal read by case: ``A`` a matrix, ``x`` a column vector,
    ``\\lambda`` a scalar — unless ``--shape`` says otherwise."""
    import dataclasses

    from .parsers.expr import Expr, Symbol, SymbolKind, map_children

    def kind(sym: Symbol) -> "SymbolKind":
        shape = declared.get(sym.key)
        if shape is not None:
            return "scalar" if tuple(shape) == (1, 1) else "vector" if shape[1] == 1 else "matrix"
        bare = sym.name.lstrip("\\")
        if sym.name.startswith("\\") and bare[:1].islower():
            return "scalar"
        return "matrix" if bare[:1].isupper() else "vector"

    def walk(e: Expr) -> Expr:
        if isinstance(e, Symbol):
            return dataclasses.replace(e, kind=kind(e)) if e.kind == "unknown" else e
        return map_children(e, walk)

    return walk(expr)


def _shapes(shapes: Mapping[str, tuple[object, ...]]) -> dict[str, tuple[object, object]]:
    out: dict[str, tuple[object, object]] = {}
    for name, dims in shapes.items():
        key = _shape_key(name)
        if len(dims) == 1:
            out[key] = (dims[0], 1)
        elif len(dims) == 2:
            out[key] = (dims[0], dims[1])
        else:
            raise ValueError(f"--shape {name}: give one or two sizes")
    return out


def _shape_key(name: str) -> str:
    """``X`` or ``\\mathbf{X}`` or ``X_1`` → the symbol key used by the checker."""
    from .parsers.expr import Symbol
    from .parsers.mathtex import parse_math

    parsed = parse_math(translate(name.strip()))
    sides = [s for st in parsed.statements for s in st.sides if s is not None]
    if len(sides) == 1 and isinstance(sides[0], Symbol):
        return sides[0].key
    return name.strip()
