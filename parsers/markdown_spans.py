"""Markdown → math spans, prose blocks and directives (markdown-it-py + mdit-py-plugins).

markdown-it gives block tokens a line map only, and inline tokens none, so positions are
computed here, once, from what the rules themselves saw (`markdown_rules` records it):

- each token pushed by a leaf *block* rule carries ``meta["lines"]``: the source range
  ``(bMarks[l], eMarks[l])`` of each of its lines as markdown-it saw them *inside their
  containers* (after a blockquote's ``>``), so no prefix is ever guessed;
- math, code-span and inline-HTML tokens carry ``meta["start"]``/``meta["end"]``: their
  offsets in the inline content;
- `_InlineMap` maps an inline-content offset back to the source: each content line is a
  suffix of its line range (markdown-it only strips indentation and containers).

markdown-it's own normalisation (``\\r\\n`` → ``\\n``, NUL → U+FFFD) is length-preserving on
text whose newlines are already ``\\n``, so its ``bMarks`` are offsets into `Document.text`.

Prose blocks (paragraphs, headings, table cells) keep the source text with everything that
is not inline content (``> `` markers, list indentation) blanked, so ``prose.text[i]`` is the
character at source offset ``prose.span.start + i``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from .directives import directives_in_comment
from .markdown_rules import escaped, make_parser
from .document import Directive, Document, MathSpan, Problem, ProseBlock, SourceFormat
from .macros import Macro, find_definitions, macro_table
from .mathbody import TOP_LEVEL_ENVS, blank_ranges, build_math_span
from .span import LineIndex

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["extract_markdown"]

_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)", re.DOTALL)
_OPENER = re.compile(r"(?m)^[ \t]*(\$\$|\\begin\{([A-Za-z]+\*?)\})")
_LABEL_AFTER = re.compile(r"[ \t]*(?:\(([^()\n]{1,40})\)|\\tag\*?\{([^{}\n]{1,40})\})[ \t]*(?:\n|\Z)")
"""An equation number written after the closing ``$$``: ``(9)`` or ``\\tag{9}``."""
_HTML_SKIP = re.compile(r"<(pre|code|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HTML_MATH = re.compile(
    r"(?<!\\)\$\$(?P<dd>.+?)(?<!\\)\$\$"
    r"|\\\[(?P<bb>.+?)\\\]"
    r"|\\\((?P<pp>.+?)\\\)"
    r"|(?<![\\$\d])\$(?P<d>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?![\d$])",
    re.DOTALL,
)


# --- positions ---------------------------------------------------------------------------

class _InlineMap:
    """Inline-content offset → source offset, one line at a time."""

    __slots__ = ("content", "_content_starts", "_source_starts", "_line_ends")

    def __init__(self, content: str, src: str, regions: tuple[tuple[int, int], ...]) -> None:
        self.content = content
        self._content_starts: list[int] = []
        self._source_starts: list[int] = []
        self._line_ends: list[int] = []
        offset = 0
        for i, line in enumerate(content.split("\n")):
            b, e = regions[min(i, len(regions) - 1)] if regions else (0, 0)
            self._content_starts.append(offset)
            self._source_starts.append(_locate_line(src, b, e, line))
            self._line_ends.append(e)
            offset += len(line) + 1

    def source(self, offset: int) -> int:
        i = max(bisect_right(self._content_starts, offset) - 1, 0)
        col = offset - self._content_starts[i]
        return max(0, min(self._source_starts[i] + col, self._line_ends[i]))

    def offsets(self, start: int, end: int) -> list[int]:
        """`source` of every offset in ``range(start, end)``, one line segment at a time."""
        out: list[int] = []
        o = start
        starts = self._content_starts
        while o < end:
            i = max(bisect_right(starts, o) - 1, 0)
            newline_at = starts[i + 1] - 1 if i + 1 < len(starts) else len(self.content)
            stop = min(end, newline_at)
            base = self._source_starts[i] - starts[i]
            cap = self._line_ends[i]
            if base + stop - 1 <= cap and base + o >= 0:
                out.extend(range(base + o, base + stop))
            else:
                out.extend(max(0, min(base + k, cap)) for k in range(o, stop))
            if stop < end:
                out.append(cap)  # the newline itself
                stop += 1
            o = max(stop, o + 1)
        return out

    def pieces(self, src: str) -> tuple[int, int, str]:
        """``(start, end, text)``: the source range of the content with non-content blanked."""
        if not self.content:
            return 0, 0, ""
        start = self.source(0)
        end = max(self.source(len(self.content) - 1) + 1, start)
        parts: list[str] = []
        pos = start
        lines = self.content.split("\n")
        for i, line in enumerate(lines):
            a = max(self._source_starts[i], pos)
            b = min(self._source_starts[i] + len(line), end)
            if a > pos:
                parts.append(_blank(src[pos:a]))
            if b > a:
                parts.append(src[a:b])
                pos = b
            else:
                pos = max(pos, a)
        if end > pos:
            parts.append(_blank(src[pos:end]))
        return start, end, "".join(parts)


def _blank(text: str) -> str:
    """Spaces for every character but newlines."""
    return re.sub(r"[^\n]", " ", text) if text.strip() else text


def _locate_line(src: str, b: int, e: int, line: str) -> int:
    """Source offset where content ``line`` starts inside the line range ``[b, e)``."""
    region = src[b:e]
    if not line:
        return e
    stripped = line.rstrip()
    region_r = region.rstrip()
    if stripped and region_r.endswith(stripped):
        return b + len(region_r) - len(stripped)
    core = line.strip()
    found = region.find(core) if core else -1
    if found >= 0:
        return max(b, b + found - (len(line) - len(line.lstrip())))
    return b


def _cell_regions(tok: "Token", src: str, cursors: dict[int, int]) -> tuple[tuple[int, int], ...] | None:
    """The source range of one table cell's content (found left to right along its row)."""
    base, regions = tok.meta.get("lines", (0, ()))
    if not tok.map or not regions:
        return None
    row = tok.map[0] - base
    if not 0 <= row < len(regions):
        return None
    b, e = regions[row]
    cursor = max(cursors.get(tok.map[0], b), b)
    content = tok.content
    found = src.find(content, cursor, e) if content else -1
    if found == -1:
        cell_end = src.find("|", cursor + 1, e)
        found = cursor if cell_end == -1 else cell_end
        cursors[tok.map[0]] = found + 1
        return ((found, found),)
    cursors[tok.map[0]] = found + len(content)
    return ((found, found + len(content)),)


# --- extraction --------------------------------------------------------------------------

class _Collector:
    """Mutable state of one extraction: raw math bodies, prose, directives."""

    def __init__(self, text: str, lines: LineIndex) -> None:
        self.text = text
        self.lines = lines
        self.raw: list[dict[str, Any]] = []
        self.prose: list[ProseBlock] = []
        self.directives: list[Directive] = []
        self.problems: list[Problem] = []
        self.claimed: set[int] = set()
        """Source offsets of ``$$`` already used as closers outside markdown-it's view."""

    def add_math(self, start: int, end: int, body: str, offsets: list[int], display: bool,
                 environment: str, tag: str | None = None, unwrap: bool = True) -> None:
        self.raw.append(dict(start=start, end=end, body=body, body_offsets=offsets, display=display,
                             environment=environment, tag=tag, unwrap=unwrap))

    def add_comment(self, comment: str, start: int, end: int) -> None:
        self.directives.extend(directives_in_comment(comment, start, end, self.lines))


def _joined(src: str, regions: tuple[tuple[int, int], ...]) -> tuple[str, list[int]]:
    """The text of some line ranges joined by newlines, and each character's source offset."""
    parts: list[str] = []
    offs: list[int] = []
    for i, (b, e) in enumerate(regions):
        if i:
            parts.append("\n")
            offs.append(regions[i - 1][1])
        parts.append(src[b:e])
        offs.extend(range(b, e))
    return "".join(parts), offs


def _block_math(tok: "Token", col: _Collector) -> None:
    _, regions = tok.meta.get("lines", (0, ()))
    if not regions:
        return
    src = col.text
    text, offs = _joined(src, regions)
    if tok.type == "amsmath":
        env = tok.meta.get("environment", "") + tok.meta.get("numbered", "")
        open_at = text.find("\\begin")
        close_at = text.rfind("\\end")
        if open_at == -1 or close_at == -1:
            return
        close_end = text.find("}", close_at) + 1 or len(text)
        if env in TOP_LEVEL_ENVS:
            body_start = text.find("}", open_at) + 1
            col.add_math(offs[open_at], offs[close_end - 1] + 1, text[body_start:close_at],
                         offs[body_start:close_at], True, env)
        else:  # a top-level bmatrix/pmatrix...: the matrix is the content
            col.add_math(offs[open_at], offs[close_end - 1] + 1, text[open_at:close_end],
                         offs[open_at:close_end], True, env, unwrap=False)
        return
    if tok.type == "fence":
        if len(regions) < 2:
            return
        closed = len(regions) > 2 and src[regions[-1][0]:regions[-1][1]].strip()[:3] in ("```", "~~~")
        inner = regions[1:-1] if closed else regions[1:]
        body, body_offs = _joined(src, inner) if inner else ("", [])
        start = regions[0][0] + (len(src[regions[0][0]:regions[0][1]]) - len(src[regions[0][0]:regions[0][1]].lstrip()))
        end_region = regions[-1]
        end = end_region[0] + len(src[end_region[0]:end_region[1]].rstrip())
        col.add_math(start, end, body, body_offs, True, "math")
        return
    opener, closer = ("\\[", "\\]") if tok.markup == "\\[" else ("$$", "$$")
    open_at = text.find(opener)
    close_at = text.rfind(closer)
    if open_at == -1 or close_at <= open_at:
        return
    if opener == "$$" and close_at - 2 > open_at + 2 and text[close_at - 2:close_at] == "$$" \
            and not text[close_at + 2:].strip():
        # "$$$$" on one line (Mathpix output): this display closes and the next one opens
        _reopened_display(offs[close_at], col)
        close_at -= 2
        text = text[:close_at + 2]
    tag = None
    label = _LABEL_AFTER.match(text, close_at + 2)
    if label:
        tag = (label.group(1) or label.group(2)).strip()
    end = offs[len(text.rstrip()) - 1] + 1
    col.add_math(offs[open_at], end, text[open_at + 2:close_at], offs[open_at + 2:close_at], True,
                 opener, tag=tag)


def _reopened_display(opener: int, col: _Collector) -> None:
    """The display opened by the second half of a ``$$$$`` line, closed by the next ``$$``."""
    src = col.text
    close = src.find("$$", opener + 2)
    while close != -1 and escaped(src, close):
        close = src.find("$$", close + 1)
    if close == -1 or not src[opener + 2:close].strip() or "\n\n" in src[opener:close]:
        return
    col.claimed.add(close)
    col.add_math(opener, close + 2, src[opener + 2:close], list(range(opener + 2, close)), True, "$$")


def _html_block(tok: "Token", col: _Collector) -> None:
    _, regions = tok.meta.get("lines", (0, ()))
    if not regions:
        return
    text, offs = _joined(col.text, regions)
    chars = list(text)
    for match in _COMMENT.finditer(text):
        col.add_comment(match.group(1), offs[match.start()], offs[match.end() - 1] + 1)
        blank_ranges(chars, [match.span()])
    masked = "".join(chars)
    for match in _HTML_SKIP.finditer(masked):
        blank_ranges(chars, [match.span()])
    _scan_math_text("".join(chars), text, offs, col)


def _scan_math_text(masked: str, text: str, offs: list[int], col: _Collector) -> None:
    """Math delimited inside raw HTML (``<center>$$..$$</center>``), which MathJax would typeset."""
    for match in _HTML_MATH.finditer(masked):
        for group, env, display in (("dd", "$$", True), ("bb", "\\[", True), ("pp", "\\(", False), ("d", "$", False)):
            if match.group(group) is not None:
                a, b = match.span(group)
                col.add_math(offs[match.start()], offs[match.end() - 1] + 1, text[a:b], offs[a:b], display, env)
                break


def _inline(tok: "Token", col: _Collector, cursors: dict[int, int], in_cell: bool) -> None:
    src = col.text
    base, regions = tok.meta.get("lines", (0, ()))
    content = tok.content
    if in_cell:
        cell = _cell_regions(tok, src, cursors)
        if cell is None:
            return
        regions = cell
    elif tok.map and regions:
        first = max(tok.map[0] - base, 0)
        regions = regions[first:]
    if not regions:
        return
    imap = _InlineMap(content, src, regions)
    start, end, text = imap.pieces(src)
    if text.strip():
        col.prose.append(ProseBlock(col.lines.span(start, end), text))
    children = tok.children or []
    math_ranges: list[tuple[int, int]] = []
    for i, child in enumerate(children):
        meta = child.meta
        if "start" not in meta:
            continue
        a, b = meta["start"], meta["end"]
        if child.type in ("math_inline", "math_inline_double", "math_inline_bracket"):
            opener = child.markup
            closer = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}.get(opener, opener)
            body_a, body_b = a + len(opener), b - len(closer)
            display = opener == "\\["
            tag = None
            end_local = b
            if opener == "$$":
                before = content[:a].rsplit("\n", 1)[-1]
                after = content[b:].split("\n", 1)[0]
                label = _LABEL_AFTER.match(content, b)
                display = not before.strip() and (not after.strip() or label is not None)
                if display and label:
                    tag = (label.group(1) or label.group(2)).strip()
                    end_local = label.end(label.lastindex or 1) + 1  # include the number
            math_ranges.append((a, b))
            col.add_math(imap.source(a), imap.source(end_local - 1) + 1, content[body_a:body_b],
                         imap.offsets(body_a, body_b), display, opener, tag=tag)
        elif child.type == "code_inline" and a > 0 and content[a - 1:a] == "$" and content[b:b + 1] == "$":
            # GitLab math: $`...`$ (display when the delimiters stand alone on their lines)
            tick = len(child.markup)
            before = content[:a - 1].rsplit("\n", 1)[-1]
            after = content[b + 1:].split("\n", 1)[0]
            display = content[a + tick:a + tick + 1] == "\n" and not before.strip() and not after.strip()
            col.add_math(imap.source(a - 1), imap.source(b) + 1, content[a + tick:b - tick],
                         imap.offsets(a + tick, b - tick), display, "$$" if display else "$")
        elif child.type == "html_inline":
            match = _COMMENT.fullmatch(child.content.strip())
            if match:
                col.add_comment(match.group(1), imap.source(a), imap.source(b - 1) + 1)
    if not in_cell:
        _unclosed_openers(content, math_ranges, imap, col)


def _unclosed_openers(content: str, math_ranges: list[tuple[int, int]], imap: _InlineMap, col: _Collector) -> None:
    """A paragraph line that opens display math nobody closed (the math would silently vanish)."""
    starts = [x for x, _ in math_ranges]  # in document order already
    for match in _OPENER.finditer(content):
        a = match.start(1)
        env = match.group(2)
        k = bisect_right(starts, a) - 1
        inside = k >= 0 and math_ranges[k][0] <= a < math_ranges[k][1]
        if inside or imap.source(a) in col.claimed or (
                env is not None and env not in TOP_LEVEL_ENVS):
            continue
        if env is None:
            message = "unclosed $$: no closing $$ before the paragraph ends"
        else:
            message = f"unclosed \\begin{{{env}}}: no \\end{{{env}}} before the paragraph ends"
        start = imap.source(a)
        col.problems.append(Problem(col.lines.span(start, imap.source(match.end(1) - 1) + 1), message))


def _finish(path: str, text: str, lines: LineIndex, col: _Collector) -> Document:
    raw = sorted(col.raw, key=lambda item: item["start"])
    macros: dict[str, Macro] = {}
    for item in raw:
        body: str = item["body"]
        if "\\" not in body:
            continue
        found = find_definitions(body)
        if found:
            chars = list(body)
            for a, b, macro in found:
                if macro is not None:
                    macros[macro.name] = macro
                blank_ranges(chars, [(a, b)])
            item["body"] = "".join(chars)
    math: list[MathSpan] = []
    for item in raw:
        span = build_math_span(lines, index=len(math), macros=macros, markdown=True, **item)
        if span is not None:
            math.append(span)
    return Document(
        path=path, format=SourceFormat.MARKDOWN, text=text, lines=lines, math=tuple(math),
        prose=tuple(sorted(col.prose, key=lambda p: p.span.start)),
        directives=tuple(sorted(col.directives, key=lambda d: d.span.start)),
        macros=macro_table(macros), problems=tuple(col.problems),
    )


def extract_markdown(path: str, text: str) -> Document:
    """Math spans, prose and directives of a Markdown text. Never raises on content.

    ``text`` should already be newline-normalised (`source.decode`); any ``\\r`` left is
    normalised here and the result's `Document.text` is what the spans point into.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = LineIndex(text, path)
    col = _Collector(text, lines)
    parse_text = text
    front = _FRONT_MATTER.match(text)
    if front:  # YAML/TOML front matter: blank it (same length) so markdown-it sees blank lines
        parse_text = re.sub(r"[^\n]", " ", front.group(0)) + text[front.end():]
    tokens = make_parser().parse(parse_text)
    cursors: dict[int, int] = {}
    previous = ""
    for tok in tokens:
        kind = tok.type
        if kind == "inline":
            _inline(tok, col, cursors, previous in ("th_open", "td_open"))
        elif kind in ("math_block", "math_block_label", "math_block_eqno", "amsmath"):
            _block_math(tok, col)
        elif kind == "fence" and tok.info.strip().lower() in ("math", "latex-math", "{math}"):
            _block_math(tok, col)
        elif kind == "html_block":
            _html_block(tok, col)
        previous = kind
    return _finish(path, text, lines, col)
