"""What an annotation says about a piece of math, before any markup: tone, label, text and math parts.

The Markdown, LaTeX and HTML annotators all turn the same `Note`s into their own markup, so
a verdict reads the same everywhere. A `NoteGroup` gathers the notes of one math span (one
note per claim link, in order, plus the findings that are not about a claim).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from collections.abc import Callable
from typing import Literal

from ..checker.claims import ClaimKind
from ..checker.findings import ClaimResult, FileReport, Finding
from ..checker.rules import Severity
from ..checker.verdicts import Status
from ..parsers.span import Span
from .summary import findings_by_claim, ordered_claims


class Tone(IntEnum):
    """How a note should look; a group takes its worst member's tone."""

    OK = 0
    INFO = 1
    UNSUPPORTED = 2
    WARNING = 3
    ERROR = 4


SEVERITY_TONES = {Severity.INFO: Tone.INFO, Severity.WARNING: Tone.WARNING, Severity.ERROR: Tone.ERROR}
SYMBOLS = {Tone.OK: "✓", Tone.INFO: "ℹ", Tone.UNSUPPORTED: "?", Tone.WARNING: "⚠", Tone.ERROR: "✗"}


@dataclass(frozen=True, slots=True)
class Part:
    """A run of note content: plain ``text`` or inline ``math`` (LaTeX from the document/checker)."""

    kind: Literal["text", "math"]
    value: str


Item = tuple[Part, ...]
"""One statement of a note (``wrong term 2: $X$ should be $Y$``): parts read with spaces between."""


@dataclass(frozen=True, slots=True)
class Note:
    tone: Tone
    label: str
    """Short verdict word(s): ``verified``, ``wrong``, ``layout mismatch``, ``unsupported``, a rule code."""
    symbol: str
    """✓ ✗ ⚠ ? ℹ — what the label is (the tone may be raised by a finding about it)."""
    items: tuple[Item, ...] = ()
    expected: str | None = None
    """LaTeX shown as display math after the items (the expected right-hand side)."""
    prefix: str = ""
    """``Link 2`` when a span holds several claim links."""
    steps: tuple[str, ...] = ()
    """``--explain`` steps (LaTeX), when the verdict has them."""
    expected_label: str = "Expected"
    """``Derived`` when ``expected`` answers a ``= ?`` rather than corrects a claim."""


@dataclass(frozen=True, slots=True)
class NoteGroup:
    """The notes of one math span (or of one finding that belongs to no claim)."""

    anchor: Span
    """Where the math is: the whole construct with its delimiters when known."""
    display: bool
    notes: tuple[Note, ...]
    tag: str | None = None
    """The equation's number as written (``\\tag{2}`` → ``2``), when it has one."""

    @property
    def tone(self) -> Tone:
        return max((note.tone for note in self.notes), default=Tone.OK)

    @property
    def title(self) -> str:
        """``Equation (2), line 10`` / ``Line 16``: names the math when several share one note."""
        return f"Equation ({self.tag}), line {self.anchor.line}" if self.tag else f"Line {self.anchor.line}"


def note_groups(report: FileReport) -> tuple[NoteGroup, ...]:
    """One group per annotated math span, in source order; suppressed claims get none."""
    by_claim = findings_by_claim(report)
    Entry = tuple[Span, bool, str | None, list[tuple[int, ClaimResult]]]
    groups: dict[object, Entry] = {}
    for index, result in ordered_claims(report):
        if result.suppressed:
            continue
        math = result.claim.math
        if math is not None:
            key: object = ("math", math.span.start, math.span.end)
            entry: Entry = (math.span, math.display, math.tag, [])
        else:
            key = ("claim", result.claim.span.start)
            entry = (result.claim.span, True, None, [])
        groups.setdefault(key, entry)[3].append((index, result))
    out: list[NoteGroup] = []
    for anchor, display, tag, members in groups.values():
        several = len(members) > 1
        notes = tuple(
            claim_note(result, by_claim.get(index, ()), prefix=f"Link {n}" if several else "")
            for n, (index, result) in enumerate(members, 1)
        )
        out.append(NoteGroup(anchor, display, notes, tag))
    for finding in by_claim.get(None, ()):
        out.append(NoteGroup(finding.span, True, (finding_note(finding),)))
    out.sort(key=lambda g: (g.anchor.start, g.anchor.end))
    return tuple(out)


def claim_note(result: ClaimResult, findings: tuple[Finding, ...] | list[Finding], prefix: str = "") -> Note:
    """The note of one claim and the findings about it."""
    claim, verdict = result.claim, result.verdict
    items: list[Item] = [(*message_parts(f.message), Part("text", f"[{f.code}]")) for f in findings]
    expected: str | None = None
    if verdict.status is Status.VERIFIED:
        label, symbol, tone = "verified", "✓", Tone.OK
        if claim.kind in (ClaimKind.DERIVATIVE, ClaimKind.DIFFERENTIAL):
            items.append((Part("text", f"{claim.layout.value} layout"),))
        if verdict.reading:
            items.append((Part("text", f"reading: {verdict.reading}"),))
    elif verdict.status is Status.WRONG:
        if verdict.layout_mismatch:
            label, symbol, tone = "layout mismatch", "⚠", Tone.WARNING
        else:
            label, symbol, tone = "wrong", "✗", Tone.ERROR
        for term in verdict.terms:
            if term.ok:
                continue
            item = [Part("text", f"wrong term {term.index}:"), Part("math", term.latex)]
            if term.expected_latex:
                item += [Part("text", "should be"), Part("math", term.expected_latex)]
            items.append(tuple(item))
        expected = verdict.expected_latex
    else:
        label, symbol, tone = "unsupported", "?", Tone.UNSUPPORTED
        if verdict.reason is not None:
            items.append((Part("text", f"reason: {verdict.reason.value}"),))
        if verdict.detail:
            items.append((Part("text", verdict.detail),))
    # A wrong claim looks as severe as its findings say (severities are configurable);
    # with no finding to go by, wrong is an error and a layout mismatch a warning.
    if findings:
        finding_tones = [SEVERITY_TONES[f.level] for f in findings]
        tone = max(finding_tones) if verdict.status is Status.WRONG else max(tone, *finding_tones)
        expected = expected or next((f.expected for f in findings if f.expected), None)
    derived = verdict.status is Status.VERIFIED or any(f.code == "derived" for f in findings)
    return Note(tone, label, symbol, _dedupe(items), expected, prefix, verdict.explanation,
                "Derived" if derived else "Expected")


def finding_note(finding: Finding) -> Note:
    """The note of a finding that is about no claim (a parse error, a shape declaration...)."""
    tone = SEVERITY_TONES[finding.level]
    return Note(tone, finding.code, SYMBOLS[tone], (message_parts(finding.message),), finding.expected,
                expected_label="Derived" if finding.code == "derived" else "Expected")


def join_parts(item: Item, render: Callable[[Part], str]) -> str:
    """Render each part and join them with spaces, but none before closing punctuation."""
    out = ""
    for part in item:
        if not part.value.strip():
            continue
        piece = render(part)
        glue = "" if not out or (part.kind == "text" and part.value[0] in ",.;:)!?") else " "
        out += glue + piece
    return out


def message_parts(message: str) -> Item:
    """A finding message as parts: the checker quotes LaTeX in backticks (```\\mathbf{A}```).

    >>> [(p.kind, p.value) for p in message_parts("expected `A^T`, not `A`")]
    [('text', 'expected'), ('math', 'A^T'), ('text', ', not'), ('math', 'A')]
    """
    pieces = message.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no quoting to trust
        return (Part("text", message),)
    parts = [Part("math" if i % 2 else "text", piece.strip()) for i, piece in enumerate(pieces)]
    return tuple(part for part in parts if part.value)


def _dedupe(items: list[Item]) -> tuple[Item, ...]:
    out: list[Item] = []
    for item in items:
        if item not in out:
            out.append(item)
    return tuple(out)
