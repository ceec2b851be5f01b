"""One math body → `MathSpan`: tags, labels, comments, cosmetic wrappers, macros, environments.

Every extractor (Markdown, LaTeX, reST) locates a body and its source offsets, then calls
`build_math_span`, which in order: undoes Markdown escaping (``\\_`` → ``_``, four
backslashes → two), blanks ``%`` comments, expands user macros, blanks ``\\tag``/``\\label``/
``\\nonumber``/``\\notag`` (recording the first tag and label), cosmetic wrappers
(``\\boxed``, ``\\color``, ``\\textcolor{c}``...) and ``tikzpicture`` bodies, and unwraps a body
that is one ``\\begin{align}..\\end{align}`` (or ``aligned``...). Removed text is *blanked*
(spaces, newlines kept) so ``latex[i]`` still maps to ``offsets[i]``; only the unescaping
and macro expansion change the length, and they carry the offset map along.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from .document import MathSpan
from .macros import Macro, expand, read_group
from .span import LineIndex

__all__ = ["TOP_LEVEL_ENVS", "INNER_ENVS", "build_math_span", "blank_ranges", "blank_text"]

TOP_LEVEL_ENVS = frozenset(
    name + star
    for name in ("equation", "align", "gather", "multline", "eqnarray", "flalign", "alignat",
                 "displaymath", "math", "dmath", "dgroup", "IEEEeqnarray", "xalignat", "xxalignat")
    for star in ("", "*")
)
"""Environments that are math by themselves (in LaTeX source, and amsmath blocks in Markdown)."""
INNER_ENVS = frozenset({"aligned", "gathered", "split", "alignedat", "multlined"})
"""Environments unwrapped when they make up a whole ``$$``/``\\[`` body."""

_ENV_ARGS = {"alignat": 1, "alignat*": 1, "xalignat": 1, "xalignat*": 1, "xxalignat": 1,
             "IEEEeqnarray": 1, "IEEEeqnarray*": 1, "alignedat": 1}
_WHOLE_ENV = re.compile(r"\s*\\begin\s*\{([A-Za-z]+\*?)\}")
_STRIP_CMDS = re.compile(r"\\(tag\*?|label|nonumber|notag|boxed|color|textcolor|colorbox|fcolorbox|"
                         r"begin\s*\{tikzpicture\}|begin\s*\{tikzcd\})(?![A-Za-z])")
_COSMETIC_ARGS = {"color": 1, "textcolor": 1, "colorbox": 1, "fcolorbox": 2}


def blank_ranges(chars: list[str], ranges: Sequence[tuple[int, int]]) -> None:
    """Replace ``chars[a:b]`` by spaces for each range, keeping newlines."""
    for a, b in ranges:
        for i in range(max(a, 0), min(b, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "


_BACKSLASH_RUN = re.compile(r"\\+")


_NOT_NEWLINE = re.compile(r"[^\n]")


def blank_text(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """``text`` with every range replaced by spaces (newlines kept); same length, no char list.

    >>> blank_text("ab%c d", [(2, 4)])
    'ab   d'
    """
    if not ranges:
        return text
    parts: list[str] = []
    pos = 0
    for a, b in sorted(ranges):
        a, b = max(a, pos), min(b, len(text))
        if b <= a:
            continue
        parts.append(text[pos:a])
        parts.append(_NOT_NEWLINE.sub(" ", text[a:b]))
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _unescape_markdown(text: str, offs: list[int]) -> tuple[str, list[int]]:
    """``\\_`` → ``_`` and a run of exactly four backslashes → two (kramdown/GFM escaping in math)."""
    drops: list[int] = []  # indices of characters to delete
    for run in _BACKSLASH_RUN.finditer(text):
        a, b = run.span()
        if b - a == 4:
            drops.extend((a + 1, a + 3))
        elif (b - a) % 2 == 1 and text.startswith("_", b):
            drops.append(a)
    if not drops:
        return text, offs
    keep_text: list[str] = []
    keep_offs: list[int] = []
    pos = 0
    for i in drops:
        keep_text.append(text[pos:i])
        keep_offs.extend(offs[pos:i])
        pos = i + 1
    keep_text.append(text[pos:])
    keep_offs.extend(offs[pos:])
    return "".join(keep_text), keep_offs


def _blank_comments(chars: list[str]) -> None:
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "%":
            while i < n and chars[i] != "\n":
                chars[i] = " "
                i += 1
            continue
        i += 1


def _strip_commands(text: str, chars: list[str]) -> tuple[str | None, str | None]:
    """Blank ``\\tag{..}``, ``\\label{..}``, ``\\nonumber``, cosmetic wrappers; return (tag, label)."""
    tag: str | None = None
    label: str | None = None
    for match in _STRIP_CMDS.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == "\\":
            continue
        name = match.group(1)
        start, pos = match.start(), match.end()
        if name.startswith("begin"):
            env = "tikzcd" if "tikzcd" in name else "tikzpicture"
            close = text.find(f"\\end{{{env}}}", pos)
            end = len(text) if close == -1 else close + len(env) + 6
            blank_ranges(chars, [(start, end)])
            continue
        if name in ("nonumber", "notag", "boxed"):
            blank_ranges(chars, [(start, pos)])
            continue
        groups = 1 if name in ("tag", "tag*", "label") else _COSMETIC_ARGS[name]
        probe = pos
        contents: list[str] = []
        for _ in range(groups):
            while probe < len(text) and text[probe] in " \t\n":
                probe += 1
            if name in ("color", "textcolor", "colorbox", "fcolorbox") and text.startswith("[", probe):
                end = read_group(text, probe, "[", "]")
                probe = probe + 1 if end == -1 else end
            end = read_group(text, probe)
            if end == -1:
                break
            contents.append(text[probe + 1:end - 1])
            probe = end
        blank_ranges(chars, [(start, probe)])
        if contents and name.startswith("tag") and tag is None:
            tag = contents[0].strip()
        elif contents and name == "label" and label is None:
            label = contents[0].strip()
    return tag, label


def _unwrap_environment(text: str, chars: list[str], environment: str | None,
                        allowed: frozenset[str]) -> str | None:
    """If the whole body is ``\\begin{env}..\\end{env}`` with env in ``allowed``, blank the wrapper."""
    match = _WHOLE_ENV.match(text)
    if not match or match.group(1) not in allowed:
        return environment
    env = match.group(1)
    closing = f"\\end{{{env}}}"
    end = text.rstrip().rfind(closing)
    if end == -1 or text[end + len(closing):].strip() or text.count("\\begin{" + env + "}") != 1:
        return environment
    head_end = match.end()
    for _ in range(_ENV_ARGS.get(env, 0)):
        probe = head_end
        while probe < len(text) and text[probe] in " \t":
            probe += 1
        group_end = read_group(text, probe)
        if group_end == -1:
            break
        head_end = group_end
    if env in INNER_ENVS:  # \begin{aligned}[t]
        probe = head_end
        if text.startswith("[", probe):
            group_end = read_group(text, probe, "[", "]")
            head_end = head_end if group_end == -1 else group_end
    blank_ranges(chars, [(match.start(), head_end), (end, end + len(closing))])
    return env


def build_math_span(
    lines: LineIndex,
    *,
    start: int,
    end: int,
    body: str,
    body_offsets: Sequence[int],
    display: bool,
    environment: str | None,
    index: int,
    macros: Mapping[str, Macro] = {},
    markdown: bool = False,
    tag: str | None = None,
    unwrap: bool = True,
) -> MathSpan | None:
    """The `MathSpan` of one body, or None when nothing but whitespace is left.

    :param start: source offset of the opening delimiter (``$``, ``\\begin``...)
    :param end: source offset just past the closing delimiter (or label)
    :param body: the text between the delimiters, container prefixes already removed
    :param body_offsets: source offset of each character of ``body``
    :param environment: ``$``, ``$$``, ``\\[``, ``\\(``, ``math``, or an environment name
    :param markdown: undo Markdown escaping inside math (``\\_``, ``\\\\\\\\``)
    :param tag: a tag found outside the body (``$$..$$ (9)``); ``\\tag{..}`` inside wins
    :param unwrap: a body that is one ``\\begin{align}..\\end{align}`` (or aligned, gathered...)
        gets that environment's name and its wrapper blanked
    """
    offs = list(body_offsets)
    if len(offs) != len(body):  # defensive: never let a bad map through
        offs = (offs + [end] * len(body))[:len(body)]
    text = body
    if markdown:
        text, offs = _unescape_markdown(text, offs)
    if "%" in text:
        chars = list(text)
        _blank_comments(chars)
        text = "".join(chars)
    if macros:  # before the blanking below: a macro may expand to \label, \textcolor...
        text, offs = expand(text, offs, macros)
    chars = list(text)
    found_tag, label = _strip_commands(text, chars)
    text = "".join(chars)
    if unwrap and environment in ("$$", "\\[", "$", "math", "equation", "equation*", "displaymath"):
        allowed = TOP_LEVEL_ENVS | INNER_ENVS if environment in ("$$", "\\[", "math") else INNER_ENVS
        environment = _unwrap_environment(text, chars, environment, allowed)
        text = "".join(chars)
    if not text.strip():
        return None
    return MathSpan(
        span=lines.span(start, end),
        latex=text,
        offsets=tuple(offs),
        display=display,
        environment=environment,
        tag=found_tag if found_tag is not None else tag,
        label=label,
        index=index,
    )
