"""LaTeX → MathML for the HTML report, with latex2mathml's failure modes guarded (ECOSYSTEM §7).

latex2mathml raises on malformed TeX, renders an unknown macro silently as ``<mi>\\name</mi>``,
garbles ``\\begin{bmatrix}…\\end{bmatrix}^{-1}`` (an ``msup`` with four children), and passes
``\\text{<b>…}`` through unescaped. So: conventional undefined macros (``\\tr``, ``\\T``…) are
spelled out first, environments before ``^``/``_`` are braced, and the output must parse as
XML made only of MathML elements with harmless attributes — otherwise the LaTeX is shown as
escaped ``<code class="tex">``. latex2mathml is imported lazily; without it every formula
falls back to code.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
ELEMENTS = frozenset("""
math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom mfenced
menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr
mtd mlabeledtr semantics annotation maligngroup malignmark maction
""".split())

_CONVENTIONAL = (
    (re.compile(r"\\tr(?![A-Za-z])"), r"\\operatorname{tr}"),
    (re.compile(r"\\Tr(?![A-Za-z])"), r"\\operatorname{Tr}"),
    (re.compile(r"\\diag(?![A-Za-z])"), r"\\operatorname{diag}"),
    (re.compile(r"\\T(?![A-Za-z])"), r"\\top"),
    (re.compile(r"\\bm(?![A-Za-z])"), r"\\boldsymbol"),
    (re.compile(r"\\(?:nonumber|notag)(?![A-Za-z])"), ""),
    (re.compile(r"\\(?:Big|big|Bigg|bigg)[lr](?![A-Za-z])"), r"\\big"),
)
_ENV_THEN_SCRIPT = re.compile(r"(\\begin\{(\w+\*?)\}.*?\\end\{\2\})(?=\s*[\^_])", re.DOTALL)


def prepare(latex: str) -> str:
    """Rewrite ``latex`` into what latex2mathml reads well (see the module docstring).

    >>> prepare(r"\\tr(X^\\T) &= 1 \\\\")
    '\\\\operatorname{tr}(X^\\\\top)  = 1  '
    """
    out = latex
    for pattern, replacement in _CONVENTIONAL:
        out = pattern.sub(replacement, out)
    out = _ENV_THEN_SCRIPT.sub(r"{\1}", out)
    return _strip_alignment(out)


def _strip_alignment(latex: str) -> str:
    """Drop top-level ``&`` and turn top-level ``\\\\`` into a space (outside environments)."""
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(latex):
        if latex.startswith("\\begin{", i):
            depth += 1
        elif latex.startswith("\\end{", i):
            depth = max(0, depth - 1)
        ch = latex[i]
        if ch == "\\" and i + 1 < len(latex):
            pair = latex[i:i + 2]
            out.append(" " if (pair == "\\\\" and depth == 0) else pair)
            i += 2
            continue
        out.append(" " if (ch == "&" and depth == 0) else ch)
        i += 1
    return "".join(out)


def to_mathml(latex: str, display: bool = False) -> str | None:
    """MathML for ``latex``, or None when it cannot be converted safely."""
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return None
    try:
        mml = convert(prepare(latex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many types on malformed TeX
        return None
    if "<mi>\\" in mml or not is_safe_mathml(mml):
        return None
    return mml


def is_safe_mathml(mml: str) -> bool:
    """Whether ``mml`` is well-formed XML of MathML elements only, with no script-ish attributes."""
    try:
        root = ET.fromstring(mml)
    except ET.ParseError:
        return False
    for node in root.iter():
        tag = node.tag
        if not isinstance(tag, str) or not tag.startswith(MATHML_NS) or tag[len(MATHML_NS):] not in ELEMENTS:
            return False
        for name in node.attrib:
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or local in ("href", "src", "style"):
                return False
    return True


def math_html(latex: str, display: bool = False) -> str:
    """HTML for a formula: MathML when safe, else the escaped LaTeX as ``<code class="tex">``."""
    mml = to_mathml(latex, display)
    if mml is None:
        return f'<code class="tex">{html.escape(latex)}</code>'
    return mml
