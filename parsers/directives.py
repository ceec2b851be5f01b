"""Inline ``mathlint`` comments → `Directive` values (the grammar lives here, once).

The extractors find comments through their own parsers (Markdown ``html_block`` /
``html_inline`` tokens, LaTeX ``%`` comments outside verbatim, reST ``..`` comments) and
hand the comment's text here. Grammar of the text after the ``mathlint`` marker::

    <!-- mathlint: ignore -->                       action "ignore", value None
    <!-- mathlint: ignore=wrong-derivative,layout-mismatch -->
    <!-- mathlint: layout=numerator -->
    % mathlint: disable=shape-mismatch
    % mathlint: assume=A symmetric; layout=denominator
    .. mathlint: otimes=hadamard
    <!-- mathlint-disable wrong-derivative -->      markdownlint style: action "disable"

- Clauses are separated by ``;``. In a clause, items are separated by whitespace; an item
  is ``key`` or ``key=value``. Keys are lower-cased; values keep their case.
- For the free-text keys (`FREE_TEXT_KEYS`: ``assume``, ``shape``) the value is the rest of
  the clause, spaces included (``assume=A symmetric positive definite``).
- ``mathlint-KEY args`` (no colon) means ``KEY=args`` with the args joined by ``,``.
- Anything that is not a mathlint comment gives no directive; an empty ``mathlint:`` gives
  none either. Values are not validated here: the checker knows which actions exist and
  reports unknown ones.
"""

from __future__ import annotations

import re

from .document import Directive
from .span import LineIndex

__all__ = ["FREE_TEXT_KEYS", "parse_directive_text", "directives_in_comment"]

FREE_TEXT_KEYS = frozenset({"assume", "shape"})
"""Keys whose value runs to the end of the clause (it may contain spaces)."""

_MARKER = re.compile(r"\s*mathlint\s*(?::|-(?=[A-Za-z]))", re.IGNORECASE)
_ITEM = re.compile(r"([A-Za-z][\w.-]*)(?:\s*=\s*(\S*))?")


def parse_directive_text(text: str) -> tuple[tuple[str, str | None], ...]:
    """``(action, value)`` pairs from the text of one comment (without comment delimiters).

    >>> parse_directive_text(" mathlint: ignore=wrong-derivative ")
    (('ignore', 'wrong-derivative'),)
    >>> parse_directive_text("mathlint: assume=A symmetric; layout=numerator")
    (('assume', 'A symmetric'), ('layout', 'numerator'))
    >>> parse_directive_text("mathlint-disable wrong-equality layout-mismatch")
    (('disable', 'wrong-equality,layout-mismatch'),)
    >>> parse_directive_text("just a comment")
    ()
    """
    marker = _MARKER.match(text)
    if not marker:
        return ()
    rest = text[marker.end():].strip()
    if marker.group(0).rstrip().endswith("-"):
        key, _, args = rest.partition(" ")
        values = ",".join(a for a in re.split(r"[\s,]+", args.strip()) if a)
        return ((key.lower(), values or None),) if key else ()
    out: list[tuple[str, str | None]] = []
    for clause in rest.split(";"):
        _parse_clause(clause.strip(), out)
    return tuple(out)


def _parse_clause(clause: str, out: list[tuple[str, str | None]]) -> None:
    pos = 0
    while pos < len(clause):
        if clause[pos].isspace() or clause[pos] == ",":
            pos += 1
            continue
        item = _ITEM.match(clause, pos)
        if not item:  # stray punctuation: skip the word
            nxt = re.search(r"\s", clause[pos:])
            pos = len(clause) if nxt is None else pos + nxt.end()
            continue
        key = item.group(1).lower()
        if item.group(2) is not None and key in FREE_TEXT_KEYS:
            value: str | None = clause[clause.index("=", pos) + 1:].strip()
            out.append((key, value or None))
            return
        value = item.group(2)
        out.append((key, value if value else None))
        pos = item.end()


def directives_in_comment(text: str, start: int, end: int, lines: LineIndex) -> list[Directive]:
    """The directives of one comment whose text is ``text`` and whose source range is ``[start, end)``."""
    return [Directive(lines.span(start, end), action, value) for action, value in parse_directive_text(text)]
