"""User macros: read ``\\newcommand``/``\\def``/``\\DeclareMathOperator`` and expand them, keeping offsets.

Expansion is textual and TeX-like (arguments are substituted without extra braces), bounded
(`MAX_EXPANSIONS` per span, `MAX_LENGTH` characters) so ``\\def\\a{\\a\\a}`` cannot hang,
and keeps an offset map: characters that come from an argument keep their own source
offsets; characters of a macro body map onto the characters of the macro's name at the call
site (body character ``k`` → name character ``min(k, len(name) - 1)``), so a span over the
whole expansion covers the call.

Delimited-parameter macros (``\\def\\foo#1.{..}``) are recognised and skipped, not expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

__all__ = [
    "MAX_EXPANSIONS", "MAX_LENGTH", "Macro", "DEFINERS", "read_group", "read_definition",
    "find_definitions", "expand", "macro_table",
]

MAX_EXPANSIONS = 2000
"""Macro calls expanded per math span at most (guards against recursive definitions)."""
MAX_LENGTH = 200_000
"""A span whose expansion grows past this many characters is left partly unexpanded."""

DEFINERS = frozenset({
    "\\newcommand", "\\renewcommand", "\\providecommand", "\\def", "\\gdef", "\\edef",
    "\\xdef", "\\DeclareMathOperator", "\\let", "\\DeclareRobustCommand",
})
"""Control words that start a macro definition."""

_CONTROL = re.compile(r"\\(?:[A-Za-z@]+|.)", re.DOTALL)
_DEFINER_RE = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|[gex]?def|DeclareMathOperator|let)(?![A-Za-z@])")
_PARAMS = re.compile(r"(?:#[1-9])*")


@dataclass(frozen=True, slots=True)
class Macro:
    """One user macro: ``\\newcommand{\\norm}[2][2]{\\|#2\\|_{#1}}`` → name, 2 args, default ``2``."""

    name: str
    """With its backslash: ``\\tr``."""
    nargs: int
    body: str
    default: str | None = None
    """Default of an optional first argument (``[..]``), or None when there is none."""


def _skip_space(text: str, pos: int) -> int:
    """Skip spaces, tabs, newlines and ``%`` comments."""
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in " \t\n\r":
            pos += 1
        elif ch == "%":
            nl = text.find("\n", pos)
            pos = n if nl == -1 else nl + 1
        else:
            break
    return pos


def read_group(text: str, pos: int, open_: str = "{", close: str = "}") -> int:
    """End offset (just past the closing brace) of the group opening at ``text[pos]``, or -1.

    Backslash escapes (``\\{``, ``\\}``) do not count. For ``[..]`` groups, brackets inside
    ``{..}`` do not count either.

    >>> read_group("{a{b}c}d", 0)
    7
    >>> read_group("{a", 0)
    -1
    """
    if pos >= len(text) or text[pos] != open_:
        return -1
    depth = 0
    brace = 0
    i = pos
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if open_ != "{" and ch == "{":
            brace += 1
        elif open_ != "{" and ch == "}":
            brace = max(0, brace - 1)
        elif brace == 0 and ch == open_:
            depth += 1
        elif brace == 0 and ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _read_name(text: str, pos: int) -> tuple[str | None, int]:
    """The macro name at ``pos`` (``\\foo`` or ``{\\foo}``) and the offset after it."""
    pos = _skip_space(text, pos)
    if pos < len(text) and text[pos] == "{":
        end = read_group(text, pos)
        if end == -1:
            return None, len(text)
        inner = text[pos + 1:end - 1].strip()
        match = _CONTROL.fullmatch(inner)
        return (inner if match else None), end
    match = _CONTROL.match(text, pos)
    if not match:
        return None, pos
    return match.group(0), match.end()


def read_definition(text: str, pos: int) -> tuple[Macro | None, int]:
    """Read the definition starting at ``text[pos]`` (a backslash of a `DEFINERS` word).

    Returns the macro (None when it is malformed or not expandable) and the offset just
    past the definition, so a scanner can skip it either way.

    >>> read_definition(r"\\newcommand{\\tr}{\\operatorname{tr}} x", 0)
    (Macro(name='\\\\tr', nargs=0, body='\\\\operatorname{tr}', default=None), 35)
    """
    match = _CONTROL.match(text, pos)
    if not match:
        return None, pos + 1
    definer, pos = match.group(0), match.end()
    if definer in ("\\newcommand", "\\renewcommand", "\\providecommand", "\\DeclareRobustCommand"):
        return _read_newcommand(text, pos)
    if definer in ("\\def", "\\gdef", "\\edef", "\\xdef"):
        return _read_def(text, pos)
    if definer == "\\DeclareMathOperator":
        return _read_operator(text, pos)
    if definer == "\\let":
        name, pos = _read_name(text, pos)
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == "=":
            pos = _skip_space(text, pos + 1)
        target = _CONTROL.match(text, pos)
        if name is None or target is None:
            return None, pos
        return Macro(name, 0, target.group(0)), target.end()
    return None, pos


def _read_newcommand(text: str, pos: int) -> tuple[Macro | None, int]:
    """``\\newcommand*{\\name}[n][default]{body}`` read by pylatexenc, which knows the
    argument specification of the LaTeX definers (``*{[[{``); ``pos`` is just past the definer."""
    node, end = _definer_node(text, pos)
    if node is None:
        return None, end
    _star, name_arg, count_arg, default_arg, body_arg = (list(node.nodeargd.argnlist) + [None] * 5)[:5]
    name = _arg_name(name_arg)
    body = _group_body(body_arg)
    nargs = 0
    if count_arg is not None:
        count = _group_body(count_arg, "[", "]")
        nargs = int(count) if count is not None and count.strip().isdigit() and int(count) <= 9 else -1
    default = _group_body(default_arg, "[", "]") if default_arg is not None else None
    if name is None or body is None or nargs < 0:
        return None, end
    return Macro(name, nargs, body, default), end


def _read_operator(text: str, pos: int) -> tuple[Macro | None, int]:
    """``\\DeclareMathOperator*{\\name}{text}``, read by pylatexenc (argspec ``*{{``)."""
    node, end = _definer_node(text, pos)
    if node is None:
        return None, end
    star, name_arg, body_arg = (list(node.nodeargd.argnlist) + [None] * 3)[:3]
    name, body = _arg_name(name_arg), _group_body(body_arg)
    if name is None or body is None:
        return None, end
    operator = "\\operatorname*" if star is not None else "\\operatorname"
    return Macro(name, 0, f"{operator}{{{body}}}"), end


def _definer_node(text: str, pos: int):  # type: ignore[no-untyped-def]
    """The pylatexenc macro node of the definer that ends at ``pos`` and where it ends."""
    from pylatexenc.latexwalker import LatexMacroNode, LatexWalker, LatexWalkerError

    start = text.rfind("\\", 0, pos)
    try:
        walker = LatexWalker(text, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes(pos=start, read_max_nodes=1)
    except (LatexWalkerError, IndexError, ValueError, RecursionError):
        return None, pos + 1
    node = nodes[0] if nodes else None
    if not isinstance(node, LatexMacroNode) or node.nodeargd is None:
        return None, pos + 1
    return node, node.pos + node.len


def _arg_name(arg) -> str | None:  # type: ignore[no-untyped-def]
    """``{\\tr}`` or ``\\tr`` → ``\\tr``."""
    if arg is None:
        return None
    inner = _group_body(arg)
    name = (inner if inner is not None else arg.latex_verbatim()).strip()
    return name if _CONTROL.fullmatch(name) else None


def _group_body(arg, open_: str = "{", close: str = "}") -> str | None:  # type: ignore[no-untyped-def]
    """The text inside a closed group argument; None when missing or left unclosed."""
    if arg is None:
        return None
    verbatim: str = arg.latex_verbatim()
    if verbatim.startswith(open_):
        if not verbatim.endswith(close) or len(verbatim) < 2:
            return None
        return verbatim[1:-1]
    return verbatim.strip()  # an unbraced single token (\newcommand\x\alpha)


def _read_def(text: str, pos: int) -> tuple[Macro | None, int]:
    name, pos = _read_name(text, pos)
    brace = text.find("{", pos)
    if brace == -1:
        return None, pos
    params = text[pos:brace].strip()
    end = read_group(text, brace)
    if end == -1:
        return None, brace + 1
    body = text[brace + 1:end - 1]
    plain = _PARAMS.fullmatch(params.replace(" ", ""))
    if name is None or plain is None:
        return None, end  # delimited parameters: skip, do not expand
    return Macro(name, len(params.replace(" ", "")) // 2, body), end


def find_definitions(text: str) -> list[tuple[int, int, Macro | None]]:
    """Every definition in ``text`` as ``(start, end, macro)`` (no comment awareness: for math bodies)."""
    out: list[tuple[int, int, Macro | None]] = []
    pos = 0
    while True:
        match = _DEFINER_RE.search(text, pos)
        if not match:
            return out
        start = match.start()
        if start > 0 and _odd_backslashes_before(text, start):
            pos = match.end()
            continue
        macro, end = read_definition(text, start)
        out.append((start, max(end, match.end()), macro))
        pos = max(end, match.end())


def _odd_backslashes_before(text: str, pos: int) -> bool:
    count = 0
    while pos > 0 and text[pos - 1] == "\\":
        count += 1
        pos -= 1
    return count % 2 == 1


def _read_argument(text: str, pos: int) -> tuple[int, int, int]:
    """``(start, end, next)`` of one undelimited argument at ``pos`` (braces stripped)."""
    pos = _skip_space(text, pos)
    if pos >= len(text):
        return pos, pos, pos
    if text[pos] == "{":
        end = read_group(text, pos)
        if end == -1:
            return pos + 1, len(text), len(text)
        return pos + 1, end - 1, end
    match = _CONTROL.match(text, pos)
    if match:
        return pos, match.end(), match.end()
    return pos, pos + 1, pos + 1


def expand(latex: str, offsets: Sequence[int], macros: Mapping[str, Macro]) -> tuple[str, list[int]]:
    """Expand user ``macros`` in ``latex``; ``offsets[i]`` is the source offset of ``latex[i]``.

    Returns the expanded text and its offset map (same length). Never raises.

    >>> m = {"\\\\T": Macro("\\\\T", 1, "#1^{\\\\top}")}
    >>> expand("\\\\T{A}B", [10, 11, 12, 13, 14, 15], m)
    ('A^{\\\\top}B', [13, 11, 11, 11, 11, 11, 11, 11, 15])
    """
    offs = list(offsets)
    if not macros or "\\" not in latex:
        return latex, offs
    text = latex
    count = 0
    pos = 0
    while count < MAX_EXPANSIONS and len(text) <= MAX_LENGTH:
        match = _CONTROL.search(text, pos)
        if not match:
            break
        macro = macros.get(match.group(0))
        if macro is None:
            pos = match.end()
            continue
        start, after = match.start(), match.end()
        args: list[tuple[str, list[int]]] = []
        wanted = macro.nargs
        if macro.default is not None and wanted > 0:
            probe = _skip_space(text, after)
            if probe < len(text) and text[probe] == "[":
                end = read_group(text, probe, "[", "]")
                end = len(text) if end == -1 else end
                args.append((text[probe + 1:end - 1], offs[probe + 1:end - 1]))
                after = end
            else:
                args.append((macro.default, [offs[start]] * len(macro.default)))
            wanted -= 1
        for _ in range(max(wanted, 0)):
            arg_start, arg_end, after = _read_argument(text, after)
            args.append((text[arg_start:arg_end], offs[arg_start:arg_end]))
        name_offsets = offs[start:match.end()]
        rep, rep_offs = _substitute(macro.body, args, name_offsets)
        if rep[:1].isalpha() and start > 0 and text[start - 1].isalpha():
            rep, rep_offs = " " + rep, [name_offsets[0], *rep_offs]
        text = text[:start] + rep + text[after:]
        offs = offs[:start] + rep_offs + offs[after:]
        pos = start
        count += 1
    return text, offs


def _substitute(body: str, args: list[tuple[str, list[int]]], name_offsets: list[int]) -> tuple[str, list[int]]:
    chars: list[str] = []
    offs: list[int] = []
    last = len(name_offsets) - 1
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "#" and i + 1 < n:
            nxt = body[i + 1]
            if nxt.isdigit() and 1 <= int(nxt) <= len(args):
                arg_text, arg_offs = args[int(nxt) - 1]
                chars.append(arg_text)
                offs.extend(arg_offs)
                i += 2
                continue
            if nxt == "#":
                chars.append("#")
                offs.append(name_offsets[min(i, last)])
                i += 2
                continue
        chars.append(ch)
        offs.append(name_offsets[min(i, last)])
        i += 1
    return "".join(chars), offs


def macro_table(macros: Mapping[str, Macro]) -> tuple[tuple[str, int, str], ...]:
    """`Document.macros` form: ``(name, nargs, body)`` sorted by name."""
    return tuple(sorted((m.name, m.nargs, m.body) for m in macros.values()))
