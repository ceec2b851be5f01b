"""``--fix`` and ``--diff``: apply a report's edits to its text, and show the change as a unified diff.

Edits carry `Span`s into the decoded, newline-normalised text (`FileReport.text`). They are
applied back to front there, then the file's own newline style is restored; `encode_text`
gives the bytes in the file's own encoding, with its BOM. The CLI writes them atomically.
Edits of suppressed claims are never applied; layout-only fixes only when asked.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

from ..checker.findings import Edit, FileReport
from .summary import visible_findings


@dataclass(frozen=True, slots=True)
class FixResult:
    """The fixed text of one file and which edits went in."""

    text: str
    """New text in the file's own newline style (no BOM character)."""
    applied: tuple[Edit, ...]
    skipped: tuple[Edit, ...]
    """Edits left out because they overlap an earlier one (or fall outside the text)."""

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def collect_edits(report: FileReport, *, fix_layout: bool = False) -> tuple[Edit, ...]:
    """The edits of every visible finding's fix, in source order.

    Findings of suppressed claims are not visible, so their fixes are never applied;
    ``layout_only`` fixes (``layout-mismatch``) are included only with ``fix_layout``.
    """
    edits: list[Edit] = []
    for finding in visible_findings(report):
        fix = finding.fix
        if fix is None or (fix.layout_only and not fix_layout):
            continue
        edits.extend(fix.edits)
    return tuple(sorted(edits, key=lambda e: (e.span.start, e.span.end)))


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, tuple[Edit, ...], tuple[Edit, ...]]:
    """Apply non-overlapping edits to ``text`` (offsets as in `Span`), back to front.

    Returns ``(new_text, applied, skipped)``. An edit that overlaps one before it (in source
    order), or that falls outside the text, is skipped; two insertions at the same offset
    both go in, in the order given. Identical duplicate edits are applied once.

    >>> from mathlint.parsers.span import LineIndex
    >>> idx = LineIndex("a = b + c", "f.md")
    >>> apply_edits("a = b + c", [Edit(idx.span(4, 5), "B"), Edit(idx.span(8, 9), "C")])[0]
    'a = B + C'
    """
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].span.start, pair[1].span.end, pair[0]))
    applied: list[Edit] = []
    skipped: list[Edit] = []
    last_end = -1
    for _, edit in ordered:
        start, end = edit.span.start, edit.span.end
        if start < 0 or end < start or end > len(text):
            skipped.append(edit)
        elif applied and edit == applied[-1]:
            continue
        elif start < last_end:
            skipped.append(edit)
        else:
            applied.append(edit)
            last_end = end
    pieces: list[str] = []
    cursor = len(text)
    for edit in reversed(applied):
        pieces.append(text[edit.span.end:cursor])
        pieces.append(edit.replacement)
        cursor = edit.span.start
    pieces.append(text[:cursor])
    return "".join(reversed(pieces)), tuple(applied), tuple(skipped)


def restore_newlines(text: str, newline: str) -> str:
    """Turn the normalised ``\\n`` of ``text`` back into ``newline`` (``\\r\\n``, ``\\r``)."""
    if newline == "\n":
        return text
    return text.replace("\r\n", "\n").replace("\n", newline)


def fix_report(report: FileReport, *, fix_layout: bool = False) -> FixResult:
    """Apply the report's fixes to its text; the result is in the file's own newline style.

    A report without text (unreadable file) yields an empty, unchanged result.
    """
    if report.text is None:
        return FixResult("", (), ())
    new, applied, skipped = apply_edits(report.text, collect_edits(report, fix_layout=fix_layout))
    return FixResult(restore_newlines(new, report.newline), applied, skipped)


def render_fixed(report: FileReport, *, fix_layout: bool = False) -> str:
    """The fixed text of one file in its own newline style (what ``--fix`` writes, before encoding)."""
    return fix_report(report, fix_layout=fix_layout).text


_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def encode_text(text: str, encoding: str = "utf-8", bom: bool = False) -> bytes:
    """Encode ``text`` as the file was: its encoding, and its byte-order mark when it had one.

    Raises `UnicodeEncodeError` when ``text`` holds a character the encoding lacks (a Latin-1
    file given a non-Latin-1 replacement): the caller must not write the file then.

    >>> encode_text("x", "utf-8", bom=True)
    b'\\xef\\xbb\\xbfx'
    """
    name = codecs.lookup(encoding).name
    if name == "utf-8-sig":
        name, bom = "utf-8", True
    data = text.encode(name)
    if bom and name in _BOMS and not data.startswith(_BOMS[name]):
        return _BOMS[name] + data
    return data


def unified_diff(old: str, new: str, path: str, *, context: int = 3) -> str:
    """A unified diff of ``old`` → ``new`` with ``a/path`` / ``b/path`` headers ('' when equal).

    Lines are split on ``\\n`` only (kept with their ``\\r`` in CRLF files), and a last line
    without a newline is marked ``\\ No newline at end of file`` as ``diff`` does.
    """
    if old == new:
        return ""
    out: list[str] = []
    for line in difflib.unified_diff(_lines(old), _lines(new), f"a/{path}", f"b/{path}", n=context):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> Sequence[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
