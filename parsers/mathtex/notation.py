"""Spelling tables for LaTeX math (data only, plus the one function that reads a style off trees).

Every way real notes write the same thing lives here: transpose marks, trace/diag/det
spellings, bold commands, spacing and sizing macros, relations, function names, Greek
letters and the Unicode characters that stand for LaTeX macros. The lexer and parser read
these tables; the printer reads them backwards.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from ..expr import Expr, Inverse, NotationStyle, Symbol, Trace, Transpose, walk

# --- bold and fonts ---------------------------------------------------------------------

BOLD_COMMANDS: dict[str, str] = {
    "\\mathbf": "mathbf",
    "\\boldsymbol": "boldsymbol",
    "\\bm": "bm",
    "\\mathbold": "mathbf",
    "\\pmb": "boldsymbol",
    "\\symbf": "mathbf",
    "\\mathbfit": "mathbf",
    "\\bold": "mathbf",
    "\\vec": "vec",
}
"""Commands that make a symbol bold → the style name recorded in `Symbol.note`."""

UPRIGHT_COMMANDS = frozenset(
    {"\\mathrm", "\\operatorname", "\\mathsf", "\\mathit", "\\mathup", "\\mathnormal", "\\textsf"}
)
"""Font commands whose argument is math in another face (a name: ``\\mathrm{tr}``, ``\\mathsf{T}``)."""

TEXT_COMMANDS = frozenset(
    {"\\text", "\\textrm", "\\mbox", "\\textit", "\\textbf", "\\texttt", "\\textup", "\\textnormal", "\\hbox",
     "\\intertext", "\\shortintertext"}
)
"""Commands whose argument is prose unless it is an operator word (``\\text{tr}``, ``\\text{T}``)."""

SWITCH_FONTS = {"\\rm": "\\mathrm", "\\bf": "\\mathbf", "\\it": "\\mathit", "\\sf": "\\mathsf", "\\boldmath": "\\mathbf"}
"""Old-style font switches: ``{\\rm tr}``, ``{\\bf x}``, ``^{\\rm T}``."""

LETTER_FONTS = {
    "\\mathcal": "\\mathcal",
    "\\mathscr": "\\mathscr",
    "\\mathfrak": "\\mathfrak",
    "\\mathbb": "\\mathbb",
    "\\mathds": "\\mathbb",
    "\\Bbb": "\\mathbb",
}
"""Letter fonts that make a different symbol: ``\\mathcal{L}``, ``\\mathbb{R}``."""

DECORATIONS = frozenset(
    {
        "\\hat", "\\tilde", "\\bar", "\\overline", "\\widehat", "\\widetilde", "\\dot", "\\ddot",
        "\\check", "\\breve", "\\acute", "\\grave", "\\mathring", "\\underline", "\\overrightarrow",
    }
)
"""Accents that name a new symbol (``\\hat{x}``, ``\\bar{\\mathbf{w}}``)."""

REAL_SPACES = {"\\R": "\\mathbb{R}", "\\Rbb": "\\mathbb{R}", "\\reals": "\\mathbb{R}", "\\RR": "\\mathbb{R}",
               "\\Reals": "\\mathbb{R}", "\\C": "\\mathbb{C}", "\\N": "\\mathbb{N}", "\\Z": "\\mathbb{Z}"}
"""Conventional undefined shorthands for number sets."""

# --- noise ------------------------------------------------------------------------------

SPACING_MACROS = frozenset(
    {
        "\\,", "\\;", "\\:", "\\>", "\\ ", "\\\n", "\\\t", "~", "\\enspace", "\\thinspace",
        "\\medspace", "\\thickspace", "\\space", "\\hfill", "\\hfil", "\\enskip", "\\quad", "\\qquad",
    }
)
"""Positive spaces: dropped, but they separate words (``A\\,dB`` is A times dB)."""

CLAUSE_SPACES = frozenset({"\\quad", "\\qquad"})
"""Spaces that separate clauses at the top level of a row (``A = B, \\quad C = D``)."""

NEGATIVE_SPACES = frozenset({"\\!", "\\negthinspace", "\\negmedspace", "\\negthickspace"})
"""Dropped and do not separate (PDF conversions write ``\\mathrm{t\\!r}``)."""

SIZING_MACROS = frozenset(
    {
        "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl",
        "\\biggr", "\\Biggl", "\\Biggr", "\\bigm", "\\Bigm", "\\biggm", "\\Biggm", "\\middle",
    }
)

DROPPED_MACROS = frozenset(
    {
        "\\displaystyle", "\\textstyle", "\\scriptstyle", "\\scriptscriptstyle", "\\limits",
        "\\nolimits", "\\nonumber", "\\notag", "\\allowbreak", "\\hline", "\\mathstrut", "\\strut",
        "\\nobreak", "\\relax", "\\protect", "\\centering", "\\noindent", "\\tiny", "\\small",
        "\\normalsize", "\\large", "\\Large", "\\footnotesize", "\\scriptsize", "\\em", "\\cancel",
        "\\bcancel", "\\xcancel", "\\mathclap", "\\mathllap", "\\mathrlap", "\\smash",
    }
) | SIZING_MACROS
"""Macros with no mathematical content (their argument, if any, is kept)."""

DROPPED_WITH_ARGS: dict[str, int] = {
    "\\label": 1, "\\tag": 1, "\\color": 1, "\\hspace": 1, "\\vspace": 1, "\\phantom": 1,
    "\\hphantom": 1, "\\vphantom": 1, "\\eqref": 1, "\\ref": 1, "\\kern": 0, "\\mkern": 0,
    "\\blue": 0, "\\red": 0, "\\green": 0,
}
"""Macros dropped together with their (brace) arguments: ``\\label{eq}``, ``\\color{red}``."""

UNWRAP_MACROS: dict[str, int] = {
    "\\boxed": 0, "\\textcolor": 1, "\\colorbox": 1, "\\fbox": 0, "\\framebox": 0,
    "\\underbrace": 0, "\\overbrace": 0, "\\mathop": 0, "\\ensuremath": 0, "\\mathchoice": 0,
    "\\underset": 1, "\\cancelto": 1, "\\mathbin": 0, "\\mathrel": 0, "\\mathord": 0,
}
"""Wrappers kept by their last argument; the number is how many arguments come before it."""

# --- relations --------------------------------------------------------------------------

RELATIONS: dict[str, str] = {
    "=": "=", "<": "<", ">": ">",
    "\\approx": "\\approx", "\\equiv": "\\equiv", "\\in": "\\in", "\\notin": "\\notin",
    "\\ni": "\\ni", "\\to": "\\to", "\\rightarrow": "\\to", "\\longrightarrow": "\\to",
    "\\mapsto": "\\mapsto", "\\longmapsto": "\\mapsto", "\\Rightarrow": "\\Rightarrow",
    "\\Longrightarrow": "\\Rightarrow", "\\implies": "\\Rightarrow", "\\Leftarrow": "\\Leftarrow",
    "\\impliedby": "\\Leftarrow", "\\iff": "\\Leftrightarrow", "\\Leftrightarrow": "\\Leftrightarrow",
    "\\Longleftrightarrow": "\\Leftrightarrow", "\\leftrightarrow": "\\Leftrightarrow",
    "\\leq": "\\leq", "\\le": "\\leq", "\\leqslant": "\\leq", "\\geq": "\\geq", "\\ge": "\\geq",
    "\\geqslant": "\\geq", "\\neq": "\\neq", "\\ne": "\\neq", "\\propto": "\\propto",
    "\\triangleq": "\\triangleq", "\\coloneqq": ":=", "\\coloneq": ":=", "\\defeq": ":=",
    "\\eqqcolon": "=:", "\\doteq": "\\doteq", "\\sim": "\\sim", "\\simeq": "\\simeq",
    "\\cong": "\\cong", "\\succeq": "\\succeq", "\\preceq": "\\preceq", "\\succ": "\\succ",
    "\\prec": "\\prec", "\\subset": "\\subset", "\\subseteq": "\\subseteq", "\\supset": "\\supset",
    "\\supseteq": "\\supseteq", "\\ll": "\\ll", "\\gg": "\\gg", "\\perp": "\\perp",
    "\\leftarrow": "\\leftarrow", "\\gets": "\\leftarrow", "\\longleftarrow": "\\leftarrow",
    "\\lesssim": "\\lesssim", "\\gtrsim": "\\gtrsim", "\\asymp": "\\asymp",
}
"""Relation spelling → canonical name (what `Statement.relations` holds)."""

DEFINITION_MARKS = frozenset({"def", "\\text{def}", "\\mathrm{def}", "\\Delta", "\\triangle", "\\text{def.}"})
"""``\\overset{def}{=}`` and friends read as ``:=``."""

# --- operators and functions ------------------------------------------------------------

WORDS: dict[str, str] = {
    "tr": "tr", "Tr": "tr", "trace": "tr", "Trace": "tr", "TR": "tr",
    "diag": "diag", "Diag": "diag", "det": "det", "Det": "det",
    "log": "log", "ln": "log", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan",
    "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "sigmoid": "sigma", "sqrt": "sqrt",
    "inv": "inv", "vec": "vec", "rank": "rank", "softmax": "softmax",
    "max": "max", "min": "min", "argmax": "argmax", "argmin": "argmin", "sup": "sup",
    "inf": "inf", "lim": "lim", "arg": "arg", "sgn": "sgn", "sign": "sgn", "adj": "adj",
    "etr": "etr", "vech": "vech", "Re": "Re", "Im": "Im", "d": "d", "e": "e", "T": "T",
}
"""Operator words however spelled (``\\operatorname{tr}``, ``\\mathrm{Tr}``, ``tr``, ``\\tr``) → key."""

RUN_WORDS = (
    "softmax", "sigmoid", "argmax", "argmin", "trace", "Trace", "tanh", "sinh", "cosh", "diag",
    "Diag", "sqrt", "rank", "det", "log", "exp", "sin", "cos", "tan", "inv", "vec", "max",
    "min", "sup", "lim", "tr", "Tr", "ln",
)
"""Words recognised in a run of plain letters (``tr(AXB)``, ``diag(x)``), longest first."""

WORD_MACROS: dict[str, str] = {
    "\\tr": "tr", "\\Tr": "tr", "\\trace": "tr", "\\Trace": "tr", "\\diag": "diag", "\\Diag": "diag",
    "\\det": "det", "\\log": "log", "\\ln": "log", "\\exp": "exp", "\\sin": "sin", "\\cos": "cos",
    "\\tan": "tan", "\\tanh": "tanh", "\\sinh": "sinh", "\\cosh": "cosh", "\\sqrt": "sqrt",
    "\\max": "max", "\\min": "min", "\\arg": "arg", "\\argmax": "argmax", "\\argmin": "argmin",
    "\\sup": "sup", "\\inf": "inf", "\\lim": "lim", "\\liminf": "lim", "\\limsup": "lim",
    "\\rank": "rank", "\\dd": "d", "\\Re": "Re", "\\Im": "Im", "\\sgn": "sgn",
    "\\softmax": "softmax", "\\sigmoid": "sigma", "\\inv": "inv", "\\adj": "adj", "\\etr": "etr",
    "\\vech": "vech",
}
"""Macros that are operator words (conventional ones too, used undefined: ``\\tr``, ``\\diag``)."""

FUNCTIONS: dict[str, str] = {
    "log": "log", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh",
    "sinh": "sinh", "cosh": "cosh", "sigma": "sigma", "sqrt": "sqrt",
}
"""Operator key → `Func.name`."""

UNSUPPORTED_WORDS = frozenset({"max", "min", "argmax", "argmin", "sup", "inf", "lim", "arg", "Re", "Im", "sgn"})
"""Operators with no node: a claim using them is unsupported (reason: parse)."""

UNSUPPORTED_MACROS = frozenset(
    {
        "\\int", "\\iint", "\\oint", "\\prod", "\\coprod", "\\bigcup", "\\bigcap", "\\pm", "\\mp",
        "\\forall", "\\exists", "\\wedge", "\\vee", "\\land", "\\lor", "\\neg", "\\lnot", "\\setminus",
        "\\cup", "\\cap", "\\binom", "\\choose", "\\over", "\\mid", "\\colon", "\\dagger", "\\star",
        "\\ast", "\\bigcirc", "\\lfloor", "\\rfloor", "\\lceil", "\\rceil", "\\substack",
    }
)
"""Known LaTeX with no node here (a clear message instead of "unknown macro")."""

SUM_MACROS = frozenset({"\\sum", "\\displaysum"})

# --- transposes, inverses ---------------------------------------------------------------

TRANSPOSE_MARKS = frozenset(
    {
        "T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathsf T", "\\mathrm{T}", "\\mathrm T",
        "\\text{T}", "\\textrm{T}", "\\rm T", "\\prime", "\\T", "\\tran", "\\transpose", "\\mathbf{T}",
        "\\textsf{T}", "\\operatorname{T}", "\\mathit{T}", "\\sf T", "\\mathtt{T}", "\\texttt{T}",
        "\\mathrm{\\scriptscriptstyle T}", "\\scriptscriptstyle T", "\\scriptscriptstyle\\top", "H",
        "\\mathsf{H}", "\\mathrm{H}", "\\textsf{T}",
    }
)
"""Superscript contents (brace-less, whitespace-compacted) that mean transpose. ``H`` (conjugate
transpose) is a transpose for the real matrices the oracle samples; its note keeps ``^H``."""

TRANSPOSE_MACROS = frozenset({"\\T", "\\tran", "\\transpose", "\\trans"})
"""Conventional transpose macros used undefined: ``\\mathbf{A}^\\T`` and ``\\T{A}``."""

UNICODE_SYMBOLS: dict[str, str] = {
    "−": "-", "–": "-", "×": "\\times", "·": "\\cdot", "⋅": "\\cdot", "⊙": "\\odot", "∘": "\\circ",
    "⊗": "\\otimes", "⊘": "\\oslash", "∂": "\\partial", "∇": "\\nabla", "≈": "\\approx",
    "≤": "\\leq", "≥": "\\geq", "≠": "\\neq", "∈": "\\in", "→": "\\to", "⇒": "\\Rightarrow",
    "⟹": "\\Rightarrow", "∑": "\\sum", "‖": "\\|", "⊤": "\\top", "⊺": "\\intercal",
    "∞": "\\infty", "…": "\\ldots", "⋯": "\\cdots", "⋮": "\\vdots", "⋱": "\\ddots", "≡": "\\equiv",
    "∝": "\\propto", "≜": "\\triangleq", "≔": "\\coloneqq", "ℓ": "\\ell", "⟨": "\\langle",
    "⟩": "\\rangle", "\u2009": "\\,", "\u00a0": "~",
}
"""Unicode characters that stand for LaTeX (notes pasted from rendered pages)."""

UNICODE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "ᵀ": ("^", "T"), "⁻¹": ("^", "{", "-", "1", "}"), "⁻ᵀ": ("^", "{", "-", "T", "}"),
    "²": ("^", "2"), "³": ("^", "3"), "′": ("'",),
}

GREEK = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda
    Xi Pi Sigma Upsilon Phi Psi Omega upmu ell imath jmath hbar aleph""".split()
)

UNICODE_GREEK: dict[str, str] = dict(
    zip(
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩϕϵϑ",
        """alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau
        upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega phi
        epsilon theta""".split(),
    )
)

OTHER_SYMBOLS = frozenset({"\\infty", "\\emptyset", "\\varnothing", "\\ell", "\\hbar", "\\imath", "\\jmath", "\\aleph"})

FUNCTION_LETTERS = frozenset(
    {"f", "g", "h", "p", "q", "u", "y", "E", "F", "G", "J", "L", "\\ell", "\\phi", "\\varphi", "\\psi", "\\Phi"}
)
"""Letters read as a function when written right before ``(``: ``f(x)``, ``g(X, Y)``, ``\\ell(w)``."""

DOTS: dict[str, str] = {
    "\\cdots": "cdots", "\\ldots": "ldots", "\\dots": "ldots", "\\dotsb": "cdots", "\\dotsc": "ldots",
    "\\dotsm": "cdots", "\\dotsi": "cdots", "\\vdots": "vdots", "\\ddots": "ddots", "\\iddots": "ddots",
}

PRODUCT_OPERATORS: dict[str, str] = {"\\cdot": "\\cdot", "\\times": "\\times", "*": "*"}
ELEMENTWISE_OPERATORS: dict[str, str] = {
    "\\odot": "\\odot", "\\circ": "\\circ", ".*": ".*", "\\otimes": "\\otimes", "\\oslash": "\\oslash",
    "./": "./", "\\boxdot": "\\odot", "\\dotstar": "\\odot", ":": ":",
}

OPEN_BRACKETS: dict[str, str] = {"(": "(", "[": "[", "\\{": "{", "\\lbrace": "{", "\\lbrack": "[", "\\lparen": "("}
CLOSE_BRACKETS = frozenset({")", "]", "\\}", "\\rbrace", "\\rbrack", "\\rparen"})

ALIGN_ENVIRONMENTS = frozenset(
    {
        "aligned", "align", "align*", "alignat", "alignat*", "alignedat", "gather", "gather*",
        "gathered", "split", "multline", "multline*", "eqnarray", "eqnarray*", "flalign",
        "flalign*", "equation", "equation*", "displaymath", "math", "subequations", "dmath",
        "dmath*", "darray",
    }
)
"""Environments whose body is rows of statements (unwrapped at the top of a span)."""

ENVIRONMENT_ARGS: dict[str, int] = {"alignat": 1, "alignat*": 1, "alignedat": 1, "array": 1, "darray": 1}
"""Environments taking brace arguments after ``\\begin{...}`` (column specs, counts)."""

MATRIX_ENVIRONMENTS = frozenset(
    {"bmatrix", "pmatrix", "matrix", "vmatrix", "Bmatrix", "Vmatrix", "smallmatrix", "array",
     "bmatrix*", "pmatrix*", "matrix*", "psmallmatrix", "bsmallmatrix"}
)


TRACE_SPELLING = re.compile(
    r"\\(?:operatorname|mathrm|text|textrm|mathsf)\{(?:tr|Tr|trace|Trace)\}|\\(?:tr|Tr|trace|Trace)|tr|Tr|trace|Trace"
)
"""What a trace may be printed as (a `NotationStyle.trace` or a `Trace.note` without its bracket)."""

# --- styles -----------------------------------------------------------------------------

def style_of(exprs: Iterable[Expr]) -> NotationStyle:
    """The dominant notation of ``exprs``, read off node notes (defaults where nothing is written).

    >>> from ..expr import Symbol, Transpose
    >>> style_of([Transpose(Symbol("X", bold=True, note="mathbf"), note="^\\\\top")]).transpose
    '^\\\\top'
    """
    votes: list[tuple[str, str]] = []
    for root in exprs:
        for node in walk(root):
            note = node.note
            if note is None:
                continue
            if isinstance(node, Symbol):
                if node.bold:
                    votes.append(("bold", note))
            elif isinstance(node, Transpose):
                votes.append(("transpose", note))
            elif isinstance(node, Trace):
                votes.append(("trace", note))
            elif isinstance(node, Inverse) and isinstance(node.arg, Transpose):
                votes.append(("inverse_transpose", note))
    return style_from_votes(votes)


def style_from_votes(votes: Iterable[tuple[str, str]]) -> NotationStyle:
    """The dominant notation among ``(kind, note)`` votes (kinds: bold, transpose, trace, inverse_transpose)."""
    bold: Counter[str] = Counter()
    transpose: Counter[str] = Counter()
    trace: Counter[str] = Counter()
    brackets: Counter[str] = Counter()
    inverse_t: Counter[str] = Counter()
    for kind, note in votes:
        if kind == "bold":
            if note in ("mathbf", "boldsymbol", "bm"):
                bold[note] += 1
        elif kind == "transpose":
            if note.startswith("^") or note in ("'", "ᵀ"):
                transpose[note] += 1
        elif kind == "trace":
            spelling, bracket = split_trace_note(note)
            if TRACE_SPELLING.fullmatch(spelling):  # not \langle A, B\rangle
                trace[spelling] += 1
                if bracket:
                    brackets[bracket] += 1
        elif kind == "inverse_transpose" and note.startswith("^"):
            inverse_t[note] += 1
    defaults = NotationStyle()
    return NotationStyle(
        bold=_top(bold, defaults.bold),
        transpose=_top(transpose, defaults.transpose) or defaults.transpose,
        trace=_top(trace, defaults.trace) or defaults.trace,
        brackets=_top(brackets, defaults.brackets) or defaults.brackets,
        inverse_transpose=_top(inverse_t, _inverse_for(_top(transpose, None))) or defaults.inverse_transpose,
    )


def split_trace_note(note: str) -> tuple[str, str]:
    """``"\\operatorname{tr}("`` → (``\\operatorname{tr}``, ``()``); a bracketless trace gives ``""``."""
    if note.endswith("("):
        return note[:-1], "()"
    if note.endswith("["):
        return note[:-1], "[]"
    return note, ""


def _inverse_for(transpose: str | None) -> str | None:
    if transpose is None:
        return None
    if "top" in transpose:
        return "^{-\\top}"
    if "mathsf" in transpose:
        return "^{-\\mathsf{T}}"
    return "^{-T}"


def _top(counter: Counter[str], default: str | None) -> str | None:
    if not counter:
        return default
    return counter.most_common(1)[0][0]


