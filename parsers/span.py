"""Positions in a source file: the `Span` value and the `LineIndex` that builds it.

This is the only module that counts lines and columns. Offsets are 0-based code-point
indices into the decoded, newline-normalised text; lines and columns are 1-based, and
the end column is just past the last character (as SARIF's ``endColumn``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open range ``[start, end)`` of one file, with its 1-based line/column ends."""

    file: str
    start: int
    """0-based code-point offset of the first character."""
    end: int
    """0-based code-point offset just past the last character."""
    line: int
    col: int
    end_line: int
    end_col: int
    """1-based column just past the last character (SARIF ``endColumn``)."""


class LineIndex:
    """Maps offsets of one text to 1-based (line, column) pairs by bisecting line starts.

    >>> idx = LineIndex("ab\\ncd", "f.md")
    >>> idx.span(3, 5)
    Span(file='f.md', start=3, end=5, line=2, col=1, end_line=2, end_col=3)
    """

    __slots__ = ("text", "file", "_starts")

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._starts[line - 1]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based ``(line, col)`` of ``offset`` (clamped into the text)."""
        offset = max(0, min(offset, len(self.text)))
        line_index = bisect_right(self._starts, offset) - 1
        return line_index + 1, offset - self._starts[line_index] + 1

    def span(self, start: int, end: int) -> Span:
        """The `Span` of ``[start, end)``; ``end`` is clamped to be at least ``start``."""
        end = max(start, end)
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(self.file, start, end, line, col, end_line, end_col)
