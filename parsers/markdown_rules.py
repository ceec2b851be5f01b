"""The markdown-it parser mathlint reads Markdown with: plugins, custom rules, position recording.

- commonmark + table, texmath brackets (``\\(..\\)``, ``\\[..\\]``), dollarmath
  (``allow_space=False, allow_digits=False, double_inline=True``: prices are not math),
  amsmath environments;
- two inline rules of our own: ``\\[..\\]`` and ``$$..$$`` opening a line *inside* a
  paragraph (display math written right after a text line would otherwise vanish);
- wrappers that record positions on the tokens (see `markdown_spans`), a guard that keeps a
  ``$`` span running into a code span from being math, and `_Closers`, which keeps the math
  block rules linear on files full of unclosed openers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

__all__ = ["escaped", "make_parser"]

_INLINE_RULES = frozenset({"math_inline", "backticks", "html_inline", "math_inline_bracket", "math_display_dollars"})
"""Inline rules whose tokens get their ``start``/``end`` recorded."""
_CONTAINER_RULES = frozenset({"blockquote", "list", "reference"})
"""Block rules whose tokens are not leaves (their nested leaves record their own lines)."""


def _record_inline(fn: Callable[..., bool], guard: bool) -> Callable[["StateInline", bool], bool]:
    def rule(state: "StateInline", silent: bool) -> bool:
        start = state.pos
        if guard:
            # a "$" span that runs into a code span is a price or a code sample, not math
            if not fn(state, True):
                return False
            span = state.src[start:state.pos]
            state.pos = start
            if "`" in span:
                return False
        n = len(state.tokens)
        ok = fn(state, silent)
        if ok and not silent:
            for tok in state.tokens[n:]:
                if "start" not in tok.meta:
                    tok.meta["start"] = start
                    tok.meta["end"] = state.pos
        return ok
    return rule


class _Closers:
    """Where display math can close, computed once per source (keeps failing scans linear).

    dollarmath, texmath and amsmath scan to the end of the block for a closer that is not
    there, once per opening line: a file of unclosed ``$$`` lines made that quadratic
    (35 s for 200 KB). A bisect over these tables answers "is there a closer at all?" first.
    """

    _DOLLAR_LINE = re.compile(r"\$\$[ \t]*(?:\([^)$\n]+?\)[ \t]*)?$")

    def __init__(self, src: str) -> None:
        self.src = src
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", src))
        self.line_starts = starts
        lines = src.split("\n")
        self.dollar_lines = [i for i, line in enumerate(lines) if "$$" in line and self._DOLLAR_LINE.search(line.rstrip())]
        self.bracket_closers = [m.start() for m in re.finditer(r"\\\]", src)]
        self.env_closers: dict[str, list[int]] = {}
        for m in re.finditer(r"\\end\{([A-Za-z]+\*?)\}", src):
            self.env_closers.setdefault(m.group(1), []).append(m.start())

    def may_close(self, state: Any, start_line: int, end_line: int) -> bool:
        begin = state.bMarks[start_line] + state.tShift[start_line]
        src = self.src
        limit = state.eMarks[end_line - 1] if end_line - 1 < len(state.eMarks) else len(src)
        if src.startswith("$$", begin):
            line_end = state.eMarks[start_line]
            if "$$" in src[begin + 2:line_end]:
                return True
            k = bisect_right(self.dollar_lines, start_line)
            return k < len(self.dollar_lines) and self.dollar_lines[k] < end_line
        if src.startswith("\\[", begin):
            k = bisect_right(self.bracket_closers, begin)
            return k < len(self.bracket_closers) and self.bracket_closers[k] < limit
        if src.startswith("\\begin{", begin):
            env = re.match(r"\\begin\{([A-Za-z]+\*?)\}", src[begin:begin + 40])
            if env is None:
                return False
            closers = self.env_closers.get(env.group(1), [])
            k = bisect_right(closers, begin)
            return k < len(closers) and closers[k] < limit
        return True


_MATH_BLOCK_RULES = frozenset({"math_block", "math_block_eqno", "amsmath"})


def _guard_block(fn: Callable[..., bool]) -> Callable[..., bool]:
    def rule(state: Any, startLine: int, endLine: int, silent: bool) -> bool:
        closers = state.env.get("mathlint_closers")
        if closers is None or closers.src is not state.src:
            closers = state.env["mathlint_closers"] = _Closers(state.src)
        if not closers.may_close(state, startLine, endLine):
            return False
        return fn(state, startLine, endLine, silent)
    return rule


def _record_block(fn: Callable[..., bool]) -> Callable[..., bool]:
    def rule(state: Any, startLine: int, endLine: int, silent: bool) -> bool:
        n = len(state.tokens)
        ok = fn(state, startLine, endLine, silent)
        if ok and not silent:
            last = min(max(state.line, startLine + 1), len(state.bMarks))
            regions = tuple((state.bMarks[l], state.eMarks[l]) for l in range(startLine, last))
            for tok in state.tokens[n:]:
                if "lines" not in tok.meta:
                    tok.meta["lines"] = (startLine, regions)
        return ok
    return rule


def _find_inline(state: "StateInline", needle: str, start: int) -> int:
    """``state.src.find(needle, start)``, remembering misses so repeated openers stay linear."""
    memo = state.env.setdefault("mathlint_misses", {})
    key = (needle, id(state.src), len(state.src))
    if start >= memo.get(key, len(state.src) + 1):
        return -1
    found = state.src.find(needle, start)
    if found == -1:
        memo[key] = min(start, memo.get(key, start))
    return found


def _bracket_display_inline(state: "StateInline", silent: bool) -> bool:
    r"""``\[..\]`` inside a paragraph (markdown-it would read ``\[`` as an escaped ``[``)."""
    src, pos = state.src, state.pos
    if not src.startswith("\\[", pos):
        return False
    back = pos
    while back > 0 and src[back - 1] == "\\":
        back -= 1
    if (pos - back) % 2:
        return False
    close = _find_inline(state, "\\]", pos + 2)
    if close == -1 or not src[pos + 2:close].strip():
        return False
    if not silent:
        token = state.push("math_inline_bracket", "math", 0)
        token.content = src[pos + 2:close]
        token.markup = "\\["
    state.pos = close + 2
    return True


def escaped(src: str, pos: int) -> bool:
    """Whether ``src[pos]`` is escaped by an odd run of backslashes."""
    back = pos
    while back > 0 and src[back - 1] == "\\":
        back -= 1
    return (pos - back) % 2 == 1


def _display_dollars_inline(state: "StateInline", silent: bool) -> bool:
    """``$$`` opening a line inside a paragraph (display math written right after a text line).

    dollarmath's block rule cannot interrupt a paragraph and its inline rule (with
    ``allow_space=False``) rejects the newline after ``$$``, so without this rule the math of
    "consider\n$$\nf(x)\n$$" would silently vanish.
    """
    src, pos = state.src, state.pos
    if not src.startswith("$$", pos) or escaped(src, pos):
        return False
    line_start = src.rfind("\n", 0, pos) + 1
    if src[line_start:pos].strip():
        return False  # kramdown-style inline $$x$$: dollarmath's rule reads it
    close = pos + 2
    while True:
        close = _find_inline(state, "$$", close)
        if close == -1:
            return False
        if not escaped(src, close):
            break
        close += 1
    if not src[pos + 2:close].strip():
        return False
    if not silent:
        token = state.push("math_inline_double", "math", 0)
        token.content = src[pos + 2:close]
        token.markup = "$$"
    state.pos = close + 2
    return True


@lru_cache(maxsize=1)
def make_parser() -> "MarkdownIt":
    """The configured markdown-it parser (commonmark + table + math plugins, positions recorded)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.texmath import texmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(texmath_plugin, delimiters="brackets")
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.use(amsmath_plugin)
    md.inline.ruler.before("escape", "math_inline_bracket", _bracket_display_inline)
    md.inline.ruler.before("math_inline", "math_display_dollars", _display_dollars_inline)
    for r in md.inline.ruler.__rules__:
        if r.name in _INLINE_RULES:
            r.fn = _record_inline(r.fn, guard=r.name in ("math_inline", "math_display_dollars"))
    for block_rule in md.block.ruler.__rules__:
        if block_rule.name in _MATH_BLOCK_RULES:
            block_rule.fn = _guard_block(block_rule.fn)
        if block_rule.name not in _CONTAINER_RULES:
            block_rule.fn = _record_block(block_rule.fn)
    md.inline.ruler.__compile__()
    md.block.ruler.__compile__()
    return md
