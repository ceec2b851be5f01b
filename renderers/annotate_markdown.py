"""Annotated Markdown: the source, untouched, with a verdict callout after each checked display.

Display math gets a callout after the top-level block that holds it (never inside a list
item or blockquote, which an unindented line would break): GitHub alerts (``> [!NOTE]``
verified, ``> [!WARNING]`` unsupported or a warning, ``> [!CAUTION]`` wrong; style
``github``, the default) or MkDocs-Material admonitions (``!!! success``, ``!!! question``,
``!!! warning``, ``!!! failure``; style ``mkdocs``). Inline math gets a footnote marker
``[^mathlint-N]`` right after its closing delimiter, with the footnotes at the end.

Nothing of the original is changed: the output is the original with whole lines inserted
(each callout, with a blank line added before and after it where the text has none), the
markers inserted after inline math, and the footnotes appended; in the file's own newline style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..checker.findings import FileReport
from ..parsers.span import LineIndex
from .markdown_blocks import line_after_block, top_level_blocks
from .notes import Note, NoteGroup, Part, Tone, join_parts, note_groups

Style = Literal["github", "mkdocs"]
STYLES: tuple[str, ...] = ("github", "mkdocs")
ALIASES = {"gfm": "github", "github": "github", "mkdocs": "mkdocs", "material": "mkdocs",
           "admonition": "mkdocs"}

GITHUB_ALERTS = {Tone.OK: "NOTE", Tone.INFO: "NOTE", Tone.UNSUPPORTED: "WARNING",
                 Tone.WARNING: "WARNING", Tone.ERROR: "CAUTION"}
ADMONITIONS = {Tone.OK: "success", Tone.INFO: "info", Tone.UNSUPPORTED: "question",
               Tone.WARNING: "warning", Tone.ERROR: "failure"}
MARKER = "[^mathlint-{n}]"


@dataclass(frozen=True, slots=True)
class Insertion:
    """Text inserted at ``offset`` of the normalised source (nothing is ever removed)."""

    offset: int
    text: str


def annotate_markdown(report: FileReport, *, style: str = "github", **_options: object) -> str:
    """The report's Markdown source with verdict callouts and footnotes inserted.

    :param style: ``github`` (alerts, default) or ``mkdocs`` (Material admonitions); aliases
        ``gfm``, ``material``, ``admonition``. An unknown style raises `ValueError`.
    Returns the text in the file's own newline style; an unreadable report (no text) gives ''.
    """
    if report.text is None:
        return ""
    text = report.text
    inserted = apply_insertions(text, plan_insertions(report, style=style))
    return inserted if report.newline == "\n" else inserted.replace("\n", report.newline)


def plan_insertions(report: FileReport, *, style: str = "github") -> tuple[Insertion, ...]:
    """Where each callout, marker and footnote goes (offsets into ``report.text``), in order."""
    chosen = ALIASES.get(style)
    if chosen is None:
        raise ValueError(f"unknown annotation style {style!r}; choose from {', '.join(STYLES)}")
    text = report.text or ""
    lines = LineIndex(text, report.path)
    blocks = top_level_blocks(text)
    callouts: dict[int, list[NoteGroup]] = {}
    markers: list[Insertion] = []
    footnotes: list[str] = []
    for group in note_groups(report):
        if not group.display and group.anchor.end > group.anchor.start:
            n = len(footnotes) + 1
            markers.append(Insertion(group.anchor.end, MARKER.format(n=n)))
            footnotes.append(f"{MARKER.format(n=n)}: {_footnote_text(group)}")
            continue
        first = group.anchor.line - 1
        last = lines.position(max(group.anchor.start, group.anchor.end - 1))[0] - 1
        callouts.setdefault(line_after_block(blocks, first, last), []).append(group)
    out = list(markers)
    for line_index, groups in callouts.items():
        body = _callout(groups, chosen)
        offset = len(text) if line_index >= lines.line_count else lines.line_start(line_index + 1)
        # A blank line before the callout and one after it, unless the text has them already.
        if offset == 0:
            lead = ""
        elif text[offset - 1] != "\n":
            lead = "\n\n"
        else:
            lead = "" if _blank_line_at(text, text.rfind("\n", 0, offset - 1) + 1) else "\n"
        trail = "" if _blank_line_at(text, offset) else "\n"
        out.append(Insertion(offset, lead + "".join(line + "\n" for line in body) + trail))
    if footnotes:
        lead = "\n" if text.endswith("\n") or not text else "\n\n"
        out.append(Insertion(len(text), lead + "".join(line + "\n" for line in footnotes)))
    out.sort(key=lambda ins: ins.offset)
    return tuple(out)


def _blank_line_at(text: str, offset: int) -> bool:
    """Whether the line starting at ``offset`` is blank (the end of the text counts as blank)."""
    end = text.find("\n", offset)
    return not text[offset:(len(text) if end == -1 else end)].strip()


def apply_insertions(text: str, insertions: tuple[Insertion, ...] | list[Insertion]) -> str:
    """``text`` with each insertion put in at its offset (equal offsets keep their order)."""
    pieces: list[str] = []
    cursor = 0
    for ins in sorted(insertions, key=lambda i: i.offset):
        pieces.append(text[cursor:ins.offset])
        pieces.append(ins.text)
        cursor = ins.offset
    pieces.append(text[cursor:])
    return "".join(pieces)


# --- markup ------------------------------------------------------------------------------

def _callout(groups: list[NoteGroup], style: str) -> list[str]:
    tone = max(group.tone for group in groups)
    body: list[str] = []
    for group in groups:
        if len(groups) > 1:
            body += ([""] if body else []) + [f"*{group.title}*"]
        for note in group.notes:
            body += ([""] if body else []) + _note_lines(note)
    if style == "github":
        return [f"> [!{GITHUB_ALERTS[tone]}]"] + [f"> {line}" if line else ">" for line in body]
    notes = [note for group in groups for note in group.notes]
    return [f'!!! {ADMONITIONS[tone]} "mathlint: {_headline(notes)}"'] + [f"    {line}" if line else ""
                                                                         for line in body]


def _headline(notes: list[Note]) -> str:
    labels: list[str] = []
    for note in notes:
        if note.label not in labels:
            labels.append(note.label)
    return ", ".join(labels).replace('"', "'")


def _sentence(note: Note) -> str:
    """``✗ **Link 2: wrong** — message [code] — wrong term 2: $X$``."""
    head = f"{note.prefix}: " if note.prefix else ""
    text = f"{note.symbol} **{head}{note.label}**"
    items = [join_parts(item, _inline) for item in note.items]
    return " — ".join([text, *(item for item in items if item)])


def _note_lines(note: Note) -> list[str]:
    lines = [_sentence(note)]
    if note.expected:
        lines += ["", f"{note.expected_label}:", "", "$$", _math_line(note.expected), "$$"]
    return lines


def _footnote_text(group: NoteGroup) -> str:
    texts = []
    for note in group.notes:
        text = _sentence(note)
        if note.expected:
            text += f" — {note.expected_label.lower()} {_inline(Part('math', note.expected))}"
        texts.append(text)
    return " ".join(texts)


def _inline(part: Part) -> str:
    value = " ".join(part.value.split())
    if part.kind == "math":
        if "$" in value or "`" in value:
            return f"``{value}``"
        return f"${value}$"
    return _escape_text(value)


def _escape_text(text: str) -> str:
    """Keep prose from being read as HTML or as a footnote/link reference."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("[^", "[\\^")


def _math_line(latex: str) -> str:
    return " ".join(latex.replace("$$", "$ $").split())
