r"""What the prose declares: layout, assumptions, shapes, readings, stationarity, refutations.

`prose_facts(doc)` reads every `ProseBlock` one sentence at a time. Inline math in the
sentence is first *masked* (each character of a ``$..$`` becomes `MATH`), so phrase patterns
can say "a math object" without looking inside it, and a ``.`` inside math never ends a
sentence. The phrases are data — `LAYOUT_PHRASES`, `ADJECTIVES`, `STATIONARY_PHRASES`,
`REFUTE_PHRASES`... — and each kind of fact has one small reader in `READERS`, applied in
order; adding a wording is adding a table row.

A `Fact` is a hint with a position, never a verdict: the checker (``context_build``)
decides what wins when facts disagree. ``subject`` is the LaTeX of the symbol as the
extractor delivered it (user macros expanded), e.g. ``\mathbf{A}``; ``value`` is one of
the strings documented on `Fact`. For ``layout`` facts ``subject`` says how it was said:
``declared`` ("we use numerator layout") or ``mentioned`` ("is called the denominator
layout"); a negated layout ("not the numerator layout") and bare mentions in a sentence
comparing both layouts give no fact. Prefer ``declared`` facts when both kinds exist.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Iterator, Literal

from .document import Document, MathSpan, ProseBlock
from .span import Span

__all__ = ["Fact", "FactKind", "MATH", "prose_facts", "READERS"]

FactKind = Literal["layout", "assume", "shape", "elementwise", "otimes", "norm2", "stationary", "refute"]

MATH = "\ue000"
"""The masking character standing for one character of inline math."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the prose says, and where (the sentence's `Span`).

    kind → value: ``layout`` → ``numerator``/``denominator``; ``assume`` → ``symmetric``,
    ``spd``, ``diagonal``, ``orthogonal``, ``invertible``, ``positive``; ``shape`` → ``"m,n"``
    (a vector of length n is ``"n,1"``, a row vector ``"1,n"``, a scalar ``"1,1"``);
    ``elementwise`` → ``true``/``false`` (subject: ``log``, ``exp``, ``sin``... or ``""`` for
    functions in general); ``otimes`` → ``kron``/``hadamard``; ``norm2`` → ``frobenius``;
    ``stationary`` and ``refute`` → ``true``.
    """

    span: Span
    kind: FactKind
    subject: str
    value: str


@dataclass(frozen=True, slots=True)
class _Sentence:
    masked: str
    raw: str
    start: int
    """Source offset of ``masked[0]``."""
    math: tuple[tuple[int, int, MathSpan], ...]
    """Inline math inside the sentence: local ``(start, end)`` and the span."""
    doc: Document
    math_starts: tuple[int, ...] = ()

    def span(self) -> Span:
        return self.doc.lines.span(self.start, self.start + len(self.masked.rstrip()))

    def math_in(self, a: int, b: int) -> list[MathSpan]:
        """The math objects overlapping ``[a, b)`` (bisect: sentences may hold thousands)."""
        k = bisect_right(self.math_starts, a) - 1
        out = []
        for x, y, m in self.math[max(k, 0):]:
            if x >= b:
                break
            if y > a:
                out.append(m)
        return out


def _compile(pattern: str) -> re.Pattern[str]:
    """Phrase template → regex: ``{S}`` a list of math objects (the subject), ``{D}`` one math object."""
    # possessive runs that never start inside a math object: no quadratic backtracking
    subject = f"(?P<s>(?<!{MATH}){MATH}++(?:\\s*(?:,|and|&|or)\\s*{MATH}++)*+)"
    return re.compile(pattern.replace("{S}", subject).replace("{D}", f"(?P<d>(?<!{MATH}){MATH}++)")
                      .replace(" ", r"[\s~]+"), re.IGNORECASE)


# --- phrase tables -------------------------------------------------------------------------

LAYOUT_PHRASES: tuple[tuple[str, str], ...] = (
    (r"numerator[\s~-]+layout", "numerator"),
    (r"numerator[\s~-]+(?:convention|notation|formulation)", "numerator"),
    (r"jacobian[\s~-]+(?:formulation|convention|layout|notation)", "numerator"),
    (r"denominator[\s~-]+layout", "denominator"),
    (r"denominator[\s~-]+(?:convention|notation|formulation)", "denominator"),
    (r"hessian[\s~-]+(?:formulation|convention|layout)", "denominator"),
    (r"gradient[\s~-]+layout", "denominator"),
    (r"分子布局", "numerator"),
    (r"分母布局", "denominator"),
)
_LAYOUT = [(re.compile(p, re.IGNORECASE), v) for p, v in LAYOUT_PHRASES]
_DECLARE = re.compile(
    r"\b(?:we(?:'ll| will| shall| can| should| may| always)?\s+(?:use|adopt|follow|work\s+in|stick\s+to|choose|assume)|"
    r"(?:this|these|the\s+present)\s+(?:note|notes|document|post|article|book|chapter|section|tutorial|paper)s?\s+(?:uses?|adopts?|follows?)|"
    r"throughout|is\s+used\s+(?:here|throughout)|in\s+this\s+(?:note|document|post|article|book|chapter|section)|"
    r"convention\s+used|our\s+convention)\b|(?:我们|本文|这里|此处|本书)(?:将|会)?(?:使用|采用|用)|采用的是|以上即为",
    re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|instead\s+of|rather\s+than|unlike)\b(?:\W+\w+){0,3}\W*$|(?:不是|而非|而不是)\s*$", re.IGNORECASE)

ADJECTIVES: tuple[tuple[str, str], ...] = (
    (r"symmetric(?:,?\s+and)?[\s~-]+positive[\s~-]+definite", "spd"),
    (r"s\.?p\.?d\.?(?![a-z])", "spd"),
    (r"positive[\s~-]+definite", "spd"),
    (r"positive[\s~-]+semi-?definite|p\.?s\.?d\.?(?![a-z])", "symmetric"),
    (r"symmetric|self-adjoint|hermitian", "symmetric"),
    (r"invertible|non-?singular", "invertible"),
    (r"orthogonal|orthonormal|unitary", "orthogonal"),
    (r"diagonal", "diagonal"),
    (r"(?:strictly\s+)?positive(?![\s~-]+(?:semi-?)?definite)", "positive"),
)
ADJECTIVES_ZH: tuple[tuple[str, str], ...] = (
    ("对称正定", "spd"), ("正定", "spd"), ("半正定", "symmetric"), ("对称", "symmetric"),
    ("可逆", "invertible"), ("非奇异", "invertible"), ("正交", "orthogonal"), ("对角", "diagonal"),
)
_ADJ = "|".join(f"(?:{p})" for p, _ in ADJECTIVES)
_ADJ_ZH = "|".join(p for p, _ in ADJECTIVES_ZH)
_ADJ_LIST = f"(?P<adjs>(?:{_ADJ})(?:\\s*(?:,|and|,\\s*and)\\s*(?:{_ADJ}))*)"
ASSUME_PATTERNS = (
    _compile(r"{S}\s+(?:is|are|be|being|was|were)\s+(?:assumed\s+(?:to\s+be\s+)?|both\s+|all\s+|always\s+)?"
             r"(?:an?\s+|the\s+)?(?:(?:real|square|given|constant|fixed|n×n)\s+)*" + _ADJ_LIST),
    _compile(_ADJ_LIST + r"\s+(?:(?:real|square|constant|fixed)\s+)*(?:matrix|matrices|matrix\s+of\s+size|vector|vectors)?\s*{S}"),
    _compile(r"{S}\s*(?:是|为)\s*(?:一个|一)?\s*(?P<adjs>(?:" + _ADJ_ZH + r")+)"),
    _compile(r"(?P<adjs>(?:" + _ADJ_ZH + r")+)(?:矩阵|阵)\s*{S}"),
)
_ADJ_ITEMS = [(re.compile(p, re.IGNORECASE), v) for p, v in ADJECTIVES + ADJECTIVES_ZH]

SHAPE_PATTERNS = (
    _compile(r"{S}\s+(?:is|be|are|denotes?|represents?)\s+(?:an?\s+|the\s+)?{D}\s*(?P<noun>(?:-?\s*dimensional\s+)?(?:real\s+)?(?:column\s+|row\s+)?(?:matrix|matrices|vector|vectors))?"),
    _compile(r"{S}\s+(?:is|be|are|denotes?|represents?)\s+(?:an?\s+|the\s+)?(?P<t>\w+\s*(?:×|x|by)\s*\w+)\s+(?:real\s+)?(?:matrix|matrices)"),
    _compile(r"{S}\s+(?:is|be|are)\s+(?:an?\s+)?(?P<scalar>scalar)s?\b"),
    _compile(r"{D}\s+(?P<noun>(?:real\s+)?(?:column\s+|row\s+)?(?:matrix|vector))\s+{S}"),
)
_SHAPE_HINT = re.compile(r"matri|vector|scalar|dimensional|\bby\b|×|\bx\b|\bis\b", re.IGNORECASE)
_ADJ_HINT = re.compile(
    r"symmetric|definite|s\.?p\.?d|p\.?s\.?d|invertible|singular|orthogonal|orthonormal|unitary|diagonal|"
    r"positive|hermitian|self-adjoint|对称|正定|可逆|奇异|正交|对角", re.IGNORECASE)
"""Cheap tests that let a sentence skip the costlier pattern tables."""
_IN_SPACE = re.compile(
    r"^(?P<s>.+?)\s*\\in\s*(?:\\mathbb\s*\{?\s*[RC]\s*\}?|\\Bbb\s*\{?[RC]\}?|\\R(?:bb)?(?![A-Za-z])|\\reals?(?![A-Za-z])|\\real(?![A-Za-z])|\\mathbf\s*\{?R\}?|R)"
    r"\s*\^\s*(?P<d>\{[^{}]*\}|[A-Za-z0-9])", re.DOTALL)
_DIMS = re.compile(r"^\s*\{?\s*(?P<m>[A-Za-z0-9_{}\\]+?)\s*(?:\\times|\\by|×|x|\*|,)\s*(?P<n>[A-Za-z0-9_{}\\]+?)\s*\}?\s*$")
_DIM1 = re.compile(r"^\s*\{?\s*(?P<n>[A-Za-z0-9]+)\s*\}?\s*$")

_ELEMENTWISE = re.compile(r"element[\s-]?wise|entry[\s-]?wise|component[\s-]?wise|point[\s-]?wise|逐元素|按元素|element\s+by\s+element", re.IGNORECASE)
_OPERATOR_WORDS = re.compile(r"(?:element[\s-]?wise|entry[\s-]?wise|hadamard)\s+(?:product|multiplication|division|quotient)", re.IGNORECASE)
_APPLY = re.compile(r"\b(?:appl(?:y|ied|ies|ication)|operat(?:ion|es?|ing)|function|taken|computed|acts?|evaluated|exponential|logarithm)\b|作用", re.IGNORECASE)
_FUNCTIONS = re.compile(r"\\?\b(log|ln|exp|sin|cos|tanh|sigma|sqrt|sigmoid|softplus)\b|(logarithm|exponential)", re.IGNORECASE)
_MATRIX_FUNCTION = re.compile(r"matrix[\s~-]+(logarithm|exponential|log|exp|sine|cosine)s?\b", re.IGNORECASE)
_NOT_BEFORE = re.compile(r"\b(?:not|never|n't)\b(?:\W+\w+){0,4}\W*$", re.IGNORECASE)
_FUNCTION_NAMES = {"ln": "log", "logarithm": "log", "exponential": "exp", "sigmoid": "sigma", "sine": "sin",
                   "cosine": "cos", "function": ""}

_OTIMES = re.compile(r"\\otimes|⊗")
_HADAMARD_WORDS = re.compile(r"element[\s-]?wise|entry[\s-]?wise|hadamard|逐元素|按元素", re.IGNORECASE)
_KRON_WORDS = re.compile(r"kronecker|tensor\s+product", re.IGNORECASE)

_FROBENIUS = re.compile(r"frobenius", re.IGNORECASE)
_TWO_NORM = re.compile(r"(?:\\\||\\lVert|\\Vert|\|\||‖)[^$]*?(?:\\\||\\rVert|\\Vert|\|\||‖)\s*_\s*\{?\s*2|2-norm|\bl_?2[\s-]+norm|ℓ_?2", re.IGNORECASE)
_SUM_OF_SQUARES = re.compile(r"sum\s+of\s+(?:the\s+)?squares?\s+of\s+(?:all\s+)?(?:the\s+)?(?:its\s+)?(?:entries|elements)", re.IGNORECASE)

STATIONARY_PHRASES: tuple[str, ...] = (
    r"\bset(?:s|ting)?\b[^.;]{0,60}?\b(?:equal\s+)?to\s+(?:zero|0|\ue000+)(?![\w.])",
    r"\bequat(?:e|es|ing)\b[^.;]{0,60}?\bto\s+(?:zero|0)\b",
    r"\bstationary\s+(?:point|condition|point\s+condition)s?\b",
    r"\bfirst[\s-]+order\s+(?:optimality\s+)?conditions?\b",
    r"\bvanish(?:es|ing)?\b[^.;]{0,20}?\b(?:gradient|derivative)|\b(?:gradient|derivative)s?\b[^.;]{0,30}?\bvanish",
    r"令[^。]{0,40}?(?:为零|为\s*0|等于零|等于\s*0|=\s*0)",
)
_STATIONARY = re.compile("|".join(f"(?:{p})" for p in STATIONARY_PHRASES), re.IGNORECASE)

REFUTE_PHRASES: tuple[str, ...] = (
    r"\b(?:this|that|which|it|the\s+(?:above|previous|last))\s+(?:\w+\s+){0,2}(?:is|was|would\s+be)\s+(?:\w+\s+)?(?:wrong|incorrect|false|not\s+(?:correct|right|true|valid))\b",
    r"\bguess(?:ed)?\b[^.;]{0,50}?\b(?:wrong|incorrect|not\s+(?:correct|right|quite\s+right))\b",
    r"\b(?:wrong|incorrect)\s+(?:answer|result|guess|derivation|formula|expression|identity)\b",
    r"\bnaive(?:ly)?\b[^.;]{0,40}?\b(?:guess|expect|think|might|would)\b",
    r"\bcommon\s+(?:mistake|error|pitfall)\b",
    r"\b(?:does|do|did|would)\s*(?:not|n't)\s+(?:quite\s+)?(?:work|hold|match|make\s+sense)\b",  # d2l: "it does not quite work"
    r"\bdimensions?\s+(?:do|does)\s*(?:not|n't)\s+match\b",
    r"(?:这|此|上式|上面)[^。]{0,10}(?:是错误的|是错的|不对|不正确)",
)
_REFUTE = re.compile("|".join(f"(?:{p})" for p in REFUTE_PHRASES), re.IGNORECASE)

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)|(?<=[。！？；])|\n[ \t]*\n")


# --- readers -------------------------------------------------------------------------------

_SYMBOLISH = re.compile(
    r"^(?:\\(?:mathbf|boldsymbol|bm|mathrm|mathit|mathsf|mathcal|mathbb|vec|hat|bar|tilde)\s*\{?\s*)?"
    r"\\?[A-Za-z]+\s*\}?(?:\s*_\s*(?:\{[^{}]*\}|\w))?(?:\s*\^\s*(?:\{[^{}]*\}|\w))?$")
"""What a subject may look like: a (possibly bold, sub- or superscripted) symbol, not an expression."""


def _subject_texts(maths: list[MathSpan]) -> list[str]:
    """The symbols a list of math objects names (``$A$ and $B$``, ``$A, B$``, ``$A \\in ..$``)."""
    out: list[str] = []
    for m in maths:
        latex = m.latex
        cut = re.search(r"\\in(?![A-Za-z])|=|\\succ|\\prec|\\sim|<|>", latex)
        if cut:
            latex = latex[:cut.start()]
        for part in _split_top_level(latex):
            part = " ".join(part.split())
            if part and _SYMBOLISH.match(part):
                out.append(part)
    return out


def _split_top_level(latex: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in latex:
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _read_layout(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    """``declared`` or ``mentioned`` layouts; a negated one ("not the numerator layout") and
    bare mentions in a sentence that names both layouts (a comparison) give nothing."""
    found: list[tuple[str, str]] = []
    for pattern, value in _LAYOUT:
        for match in pattern.finditer(s.masked):
            if _NEGATED.search(s.masked[:match.start()][-40:]):
                continue
            declared = _DECLARE.search(s.masked, max(0, match.start() - 60), match.end() + 40)
            found.append(("declared" if declared else "mentioned", value))
    both = len({value for _, value in found}) > 1
    for how, value in found:
        if how == "declared" or not both:
            yield "layout", how, value


def _read_assume(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    if not s.math or not _ADJ_HINT.search(s.masked):
        return
    for pattern in ASSUME_PATTERNS:
        for match in pattern.finditer(s.masked):
            subjects = _subject_texts(s.math_in(*match.span("s")))
            adjs = match.group("adjs")
            values = []
            pos = 0
            while pos < len(adjs):
                for item, value in _ADJ_ITEMS:
                    hit = item.match(adjs, pos)
                    if hit and hit.end() > pos:
                        values.append(value)
                        pos = hit.end()
                        break
                else:
                    pos += 1
            for subject in subjects:
                for value in dict.fromkeys(values):
                    yield "assume", subject, value


def _dims_of(latex: str, noun: str) -> str | None:
    latex = latex.strip()
    two = _DIMS.match(latex)
    if two:
        return f"{_clean_dim(two.group('m'))},{_clean_dim(two.group('n'))}"
    one = _DIM1.match(latex)
    if one and "vector" in noun:
        return f"1,{one.group('n')}" if "row" in noun else f"{one.group('n')},1"
    return None


def _clean_dim(dim: str) -> str:
    return dim.replace("{", "").replace("}", "").strip()


def _read_shape(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    if not s.math:
        return
    for pattern in SHAPE_PATTERNS if _SHAPE_HINT.search(s.masked) else ():
        for match in pattern.finditer(s.masked):
            subjects = _subject_texts(s.math_in(*match.span("s")))
            groups = match.groupdict()
            value = None
            if groups.get("scalar"):
                value = "1,1"
            elif groups.get("t"):
                value = _dims_of(groups["t"].replace("by", "x"), "matrix")
            elif groups.get("d"):
                dims = s.math_in(*match.span("d"))
                noun = (groups.get("noun") or "").lower()
                if dims and (noun or re.search(r"\\times|×", dims[0].latex)):
                    value = _dims_of(dims[0].latex, noun)
            if value:
                for subject in subjects:
                    yield "shape", subject, value
    for _, _, m in s.math:
        if "\\in" not in m.latex:
            continue
        hit = _IN_SPACE.match(m.latex.strip())
        if not hit:
            continue
        inner = hit.group("d")
        inner = inner[1:-1] if inner.startswith("{") else inner
        value = _dims_of(inner, "vector")
        if value:
            for subject in _split_top_level(hit.group("s")):
                subject = " ".join(subject.split())
                if subject and _SYMBOLISH.match(subject):
                    yield "shape", subject, value


def _read_elementwise(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    text = s.masked
    math_text = " ".join(m.latex for _, _, m in s.math)
    for match in _ELEMENTWISE.finditer(text):
        if _OPERATOR_WORDS.match(text, match.start()):
            continue
        names = [(f.group(1) or f.group(2)).lower() for f in _FUNCTIONS.finditer(text + " " + math_text)]
        if not names and not _APPLY.search(text):
            continue
        value = "false" if _NOT_BEFORE.search(text[:match.start()][-40:]) else "true"
        for name in dict.fromkeys(names) or [""]:
            yield "elementwise", _FUNCTION_NAMES.get(name, name), value
    for match in _MATRIX_FUNCTION.finditer(text):
        name = match.group(1).lower()
        yield "elementwise", _FUNCTION_NAMES.get(name, name), "false"


def _read_otimes(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    if not _OTIMES.search(s.raw) and not any("\\otimes" in m.latex for _, _, m in s.math):
        return
    if _HADAMARD_WORDS.search(s.masked):
        yield "otimes", "\\otimes", "hadamard"
    elif _KRON_WORDS.search(s.masked):
        yield "otimes", "\\otimes", "kron"


def _read_norm2(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    text = s.raw
    if (_FROBENIUS.search(text) or _SUM_OF_SQUARES.search(text)) and _TWO_NORM.search(text):
        yield "norm2", "", "frobenius"


def _read_stationary(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    if _STATIONARY.search(s.masked):
        yield "stationary", "", "true"


def _read_refute(s: _Sentence) -> Iterator[tuple[str, str, str]]:
    if _REFUTE.search(s.masked):
        yield "refute", "", "true"


READERS: tuple[Callable[[_Sentence], Iterator[tuple[str, str, str]]], ...] = (
    _read_layout, _read_assume, _read_shape, _read_elementwise, _read_otimes, _read_norm2,
    _read_stationary, _read_refute,
)
"""One reader per kind of fact, applied to each sentence in this order."""


# --- driver --------------------------------------------------------------------------------

def _sentences(block: ProseBlock, inline: list[MathSpan], doc: Document) -> Iterator[_Sentence]:
    base = block.span.start
    chars = list(block.text)
    regions: list[tuple[int, int, MathSpan]] = []
    for m in inline:
        a, b = m.span.start - base, m.span.end - base
        if 0 <= a < b <= len(chars):
            regions.append((a, b, m))
            for k in range(a, b):
                chars[k] = MATH
    masked = "".join(chars)
    pos = 0
    for match in [*_SENTENCE_END.finditer(masked), None]:
        end = len(masked) if match is None else match.start()
        if masked[pos:end].strip():
            inside = tuple((a - pos, b - pos, m) for a, b, m in regions if a >= pos and b <= end)
            yield _Sentence(masked[pos:end], block.text[pos:end], base + pos, inside, doc,
                            tuple(a for a, _, _ in inside))
        if match is not None:
            pos = match.end()


def prose_facts(doc: Document) -> tuple[Fact, ...]:
    """Every fact the prose of ``doc`` states, in document order. Never raises on content.

    >>> from mathlint.parsers.markdown_spans import extract_markdown
    >>> doc = extract_markdown("n.md", "We use numerator layout, where $A$ is symmetric.\\n")
    >>> [(f.kind, f.subject, f.value) for f in prose_facts(doc)]
    [('layout', 'declared', 'numerator'), ('assume', 'A', 'symmetric')]
    """
    inline = sorted(doc.math, key=lambda m: m.span.start)  # display math in a paragraph is masked too
    starts = [m.span.start for m in inline]
    facts: dict[tuple[int, str, str, str], Fact] = {}

    for block in doc.prose:
        lo = bisect_left(starts, block.span.start)
        hi = bisect_right(starts, block.span.end)
        inside = [m for m in inline[lo:hi] if m.span.end <= block.span.end]
        for sentence in _sentences(block, inside, doc):
            for reader in READERS:
                for kind, subject, value in reader(sentence):
                    key = (sentence.start, kind, subject, value)
                    if key not in facts:
                        facts[key] = Fact(sentence.span(), kind, subject, value)  # type: ignore[arg-type]
    return tuple(sorted(facts.values(), key=lambda f: f.span.start))
