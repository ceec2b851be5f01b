r"""reStructuredText → math spans, prose blocks and directives (a line scanner; no docutils).

Recognised, with exact positions:
- ``:math:`..``` roles (and ```..`:math:``), anywhere in running text: paragraphs, lists,
  ``csv-table`` / ``list-table`` bodies, grid and simple table cells, directive arguments;
  with ``.. default-role:: math``, plain ```..``` too;
- ``.. math::`` directives: the argument (``.. math:: a = b``) and the indented body, where
  blank lines separate equations (each becomes its own span, as docutils typesets them);
  ``:label:`` is recorded on the first equation; ``:nowrap:`` bodies are unwrapped like any
  ``\begin{align}``;
- ``.. mathlint: ...`` comments as directives.

Skipped (never math): comments, literal blocks after ``::``, ``code-block``/``code``/
``sourcecode``/``literalinclude``/``raw``/doctest-like directives, inline literals ````..````.
Indentation is compared with tabs expanded to 8 columns, as docutils does.
"""

from __future__ import annotations

import re

from .directives import directives_in_comment
from .document import Directive, Document, MathSpan, ProseBlock, SourceFormat
from .mathbody import blank_text, build_math_span
from .span import LineIndex

__all__ = ["CODE_DIRECTIVES", "extract_rst"]

CODE_DIRECTIVES = frozenset({
    "code-block", "code", "sourcecode", "literalinclude", "raw", "highlight", "doctest",
    "testcode", "testoutput", "ipython", "jupyter-execute", "jupyter-kernel", "parsed-literal",
    "graphviz", "digraph", "mermaid", "plot", "only", "include", "csv-table-file",
})
"""Directives whose body is not reStructuredText (or not text at all)."""

_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?P<name>[A-Za-z0-9][\w:+.-]*?)::(?P<arg>.*)$")
_EXPLICIT = re.compile(r"^(\s*)\.\.(?:\s|$)")
_NOT_COMMENT = re.compile(r"^\s*\.\.\s+(?:_|\||\[)")
_OPTION = re.compile(r"^\s*:([\w-]+):(.*)$")
_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.!$%&(),/;?@\[\\\]{|}])\1{2,}\s*$")
_INLINE_LITERAL = re.compile(r"``(?:[^\n]|\n(?![ \t]*\n))+?``")
_ROLE = re.compile(r":math:`(?P<body>(?:[^`\n]|\n(?![ \t]*\n))+?)`|`(?P<suffix>(?:[^`\n]|\n(?![ \t]*\n))+?)`:math:")
_DEFAULT_ROLE = re.compile(r"(?<![\w`:])`(?P<body>[^`\n]+?)`(?![\w`:_])")


def _indent(line: str) -> int:
    expanded = line.expandtabs(8)
    return len(expanded) - len(expanded.lstrip())


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line) + 1

    def block_end(self, start: int, indent: int) -> int:
        """First line after the block of lines (from ``start``) indented more than ``indent``."""
        j = start
        n = len(self.lines)
        while j < n and (not self.lines[j].strip() or _indent(self.lines[j]) > indent):
            j += 1
        while j > start and not self.lines[j - 1].strip():
            j -= 1
        return j

    def range_of(self, first: int, last: int) -> tuple[int, int]:
        """Source range of lines ``[first, last)``."""
        if last <= first:
            return self.starts[first], self.starts[first]
        return self.starts[first], self.starts[last - 1] + len(self.lines[last - 1])


def _math_directive(src: _Lines, i: int, end: int, arg_start: int, out: list[tuple[int, int, str, list[int]]]) -> str | None:
    """Equations of one ``.. math::`` block (lines ``i..end``); returns its ``:label:``."""
    text = src.text
    arg = text[arg_start:src.starts[i] + len(src.lines[i])]
    if arg.strip():
        lead = len(arg) - len(arg.lstrip())
        a = arg_start + lead
        b = arg_start + len(arg.rstrip())
        out.append((a, b, text[a:b], list(range(a, b))))
    label = None
    j = i + 1
    while j < end and src.lines[j].strip() and _OPTION.match(src.lines[j]):
        option = _OPTION.match(src.lines[j])
        if option and option.group(1) == "label":
            label = option.group(2).strip() or None
        j += 1
    group: list[int] = []
    for k in range(j, end + 1):
        if k < end and src.lines[k].strip():
            group.append(k)
            continue
        if group:
            parts: list[str] = []
            offs: list[int] = []
            for g in group:
                line = src.lines[g]
                lead = len(line) - len(line.lstrip())
                if parts:
                    parts.append("\n")
                    offs.append(src.starts[g] - 1)
                parts.append(line[lead:])
                offs.extend(range(src.starts[g] + lead, src.starts[g] + len(line)))
            body = "".join(parts).rstrip()
            offs = offs[:len(body)]
            out.append((offs[0], offs[-1] + 1, body, offs))
            group = []
    return label


def extract_rst(path: str, text: str) -> Document:
    """Math spans, prose and directives of a reStructuredText text. Never raises on content."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = LineIndex(text, path)
    src = _Lines(text)
    skips: list[tuple[int, int]] = []
    blocks: list[tuple[int, int, str, list[int], str | None]] = []
    directives: list[Directive] = []
    default_math = False
    n = len(src.lines)
    i = 0
    literal_next = False
    literal_indent = 0
    while i < n:
        line = src.lines[i]
        if not line.strip():
            i += 1
            continue
        indent = _indent(line)
        if literal_next:
            literal_next = False
            if indent > literal_indent:
                end = src.block_end(i, literal_indent)
                skips.append(src.range_of(i, end))
                i = end
                continue
        directive = _DIRECTIVE.match(line)
        if directive:
            name = directive.group("name").lower()
            end = src.block_end(i + 1, indent)
            if name == "math":
                found: list[tuple[int, int, str, list[int]]] = []
                label = _math_directive(src, i, end, src.starts[i] + directive.start("arg"), found)
                for k, (a, b, body, offs) in enumerate(found):
                    blocks.append((a, b, body, offs, label if k == 0 else None))
                skips.append(src.range_of(i, end))
                i = end
                continue
            if name in CODE_DIRECTIVES:
                skips.append(src.range_of(i, end))
                i = end
                continue
            if name == "default-role":
                default_math = directive.group("arg").strip() == "math"
            skips.append((src.starts[i], src.starts[i] + directive.start("arg")))
            i += 1
            continue
        explicit = _EXPLICIT.match(line)
        if explicit and not _NOT_COMMENT.match(line):
            end = src.block_end(i + 1, indent)
            a, b = src.range_of(i, end)
            comment = text[src.starts[i] + explicit.end():b]
            if comment.lstrip().lower().startswith("mathlint"):
                directives.extend(directives_in_comment(comment, src.starts[i] + len(explicit.group(1)), b, lines))
            skips.append((a, b))
            i = end
            continue
        if _ADORNMENT.match(line):
            skips.append(src.range_of(i, i + 1))
        elif line.rstrip().endswith("::"):
            literal_next, literal_indent = True, indent
            stripped = line.rstrip()
            # "Text::" shows one colon; a lone "::" shows nothing: either way, no math
            skips.append((src.starts[i] + len(stripped) - 1, src.starts[i] + len(stripped)))
        i += 1

    masked = blank_text(text, skips)
    scan_text = blank_text(masked, [m.span() for m in _INLINE_LITERAL.finditer(masked)])
    for match in _ROLE.finditer(scan_text):
        group = "body" if match.group("body") is not None else "suffix"
        a, b = match.span(group)
        blocks.append((match.start(), match.end(), text[a:b], list(range(a, b)), None))
    if default_math:
        for match in _DEFAULT_ROLE.finditer(_ROLE.sub(lambda m: " " * len(m.group(0)), scan_text)):
            a, b = match.span("body")
            blocks.append((match.start(), match.end(), text[a:b], list(range(a, b)), None))

    math: list[MathSpan] = []
    for a, b, body, offs, label in sorted(blocks, key=lambda item: item[0]):
        is_role = text.startswith(":math:", a) or text.startswith("`", a)
        span = build_math_span(lines, start=a, end=b, body=body, body_offsets=offs, display=not is_role,
                               environment="math", index=len(math))
        if span is not None:
            if label is not None and span.label is None:
                span = MathSpan(span.span, span.latex, span.offsets, span.display, span.environment,
                                span.tag, label, span.index)
            math.append(span)
    prose = _prose(masked, lines)
    return Document(
        path=path, format=SourceFormat.RST, text=text, lines=lines, math=tuple(math), prose=tuple(prose),
        directives=tuple(sorted(directives, key=lambda d: d.span.start)),
    )


def _prose(masked: str, lines: LineIndex) -> list[ProseBlock]:
    out: list[ProseBlock] = []
    pos = 0
    for match in [*re.finditer(r"\n[ \t]*\n", masked), None]:
        end = len(masked) if match is None else match.start()
        piece = masked[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            out.append(ProseBlock(lines.span(pos + lead, pos + trail), piece[lead:trail]))
        if match is not None:
            pos = match.end()
    return out
