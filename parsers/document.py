"""The parsed document: math spans, prose blocks, directives and declared macros."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .span import LineIndex, Span


class SourceFormat(str, Enum):
    MARKDOWN = "markdown"
    LATEX = "latex"
    RST = "rst"


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One piece of math as written, with the source offset of every character of it.

    ``latex`` is the math *inside* its delimiters (after user macros are expanded);
    ``offsets[i]`` is the source offset of ``latex[i]`` (macro expansion and blockquote
    prefixes break contiguity, so positions must go through `source_span`).
    """

    span: Span
    """Span of the whole construct including its delimiters."""
    latex: str
    offsets: tuple[int, ...]
    display: bool
    environment: str | None = None
    """``equation``, ``align*``, ``$$``, ``$``, ``\\[``, ``math`` (fence), ``math`` (rst directive)..."""
    tag: str | None = None
    """Equation number as written: ``\\tag{9}`` → ``9``, ``(9)`` after ``$$`` → ``9``."""
    label: str | None = None
    index: int = 0
    """Position of this span in `Document.math` (document order)."""

    def source_offset(self, local: int) -> int:
        """Source offset of local index ``local`` (``len(latex)`` maps just past the last char)."""
        if not self.offsets:
            return self.span.start
        if local >= len(self.offsets):
            return self.offsets[-1] + 1
        return self.offsets[max(local, 0)]

    def source_span(self, local_start: int, local_end: int, lines: LineIndex) -> Span:
        """The source `Span` of ``latex[local_start:local_end]``."""
        start = self.source_offset(local_start)
        if local_end <= local_start:
            return lines.span(start, start)
        end = self.source_offset(local_end - 1) + 1
        return lines.span(start, end)


@dataclass(frozen=True, slots=True)
class ProseBlock:
    """Text between math (a paragraph, a list item, a table cell), with inline math kept as ``$...$``."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Directive:
    """An inline instruction: ``<!-- mathlint: ignore=wrong-derivative -->`` / ``% mathlint: layout=numerator``.

    ``action`` is ``ignore``, ``layout``, ``assume``...; ``value`` is what follows ``=`` (or
    ``None``). A directive applies to the next math block (``ignore``) or to the rest of the
    file (``layout``, ``disable``); `line` says where it was written.
    """

    span: Span
    action: str
    value: str | None


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem found while reading the document (unbalanced ``$``, malformed LaTeX)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Document:
    """Everything the checker needs to know about one file, in document order."""

    path: str
    format: SourceFormat
    text: str
    """Decoded, newline-normalised text (offsets in every Span point into it)."""
    lines: LineIndex = field(compare=False, repr=False)
    math: tuple[MathSpan, ...] = ()
    prose: tuple[ProseBlock, ...] = ()
    directives: tuple[Directive, ...] = ()
    macros: tuple[tuple[str, int, str], ...] = ()
    """User macros as ``(name, nargs, body)``, e.g. ``("\\tr", 0, "\\operatorname{tr}")``."""
    problems: tuple[Problem, ...] = ()
    newline: str = "\n"
    """The file's own newline style (restored by ``--fix``)."""
    encoding: str = "utf-8"
    bom: bool = False
