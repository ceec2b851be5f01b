"""Annotated LaTeX: the source, untouched, with a coloured verdict box after each checked display.

The output defines its own macros (``\\mathlintnote{colour}{text}`` — a framed, tinted box —
and ``\\mathlintmark{colour}{n}`` — a superscript marker for inline math) and needs nothing
beyond ``xcolor`` from a standard TeX distribution. With a ``\\begin{document}`` the
definitions go just before it (after the user's packages, so a user's
``\\usepackage[table]{xcolor}`` cannot clash with ours); a fragment without one (a chapter that
is ``\\input``) gets colourless definitions at its top. Boxes go after the line that ends the
display, moved past any group the display sits in; an inline claim gets a marker after its
closing delimiter and its box at the end of its paragraph. Nothing of the original changes.
"""

from __future__ import annotations

import re

from ..checker.findings import FileReport
from ..parsers.span import LineIndex
from .annotate_markdown import Insertion, apply_insertions
from .notes import Note, NoteGroup, Part, Tone, join_parts, note_groups

COLOURS = {Tone.OK: "mathlintok", Tone.INFO: "mathlintinfo", Tone.UNSUPPORTED: "mathlintunsupported",
           Tone.WARNING: "mathlintwarn", Tone.ERROR: "mathlintbad"}

_BOX = (r"\par\smallskip\noindent{BOX}{\parbox{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}"
        r"{\small\sffamily\raggedright #2}}\par\smallskip")
PREAMBLE = "\n".join([
    "% Added by mathlint annotate: verdict notes (xcolor, \\mathlintnote, \\mathlintmark).",
    r"\usepackage{xcolor}",
    r"\definecolor{mathlintok}{rgb}{0.10,0.45,0.15}",
    r"\definecolor{mathlintinfo}{rgb}{0.10,0.30,0.60}",
    r"\definecolor{mathlintunsupported}{rgb}{0.45,0.45,0.45}",
    r"\definecolor{mathlintwarn}{rgb}{0.75,0.45,0.00}",
    r"\definecolor{mathlintbad}{rgb}{0.75,0.10,0.10}",
    r"\providecommand{\operatorname}[1]{\mathop{\mathrm{#1}}}",
    r"\providecommand{\boldsymbol}[1]{\mathbf{#1}}",
    r"\providecommand{\bm}[1]{\mathbf{#1}}",
    r"\providecommand{\lVert}{\|}",
    r"\providecommand{\rVert}{\|}",
    r"\providecommand{\intercal}{\top}",
    r"\DeclareRobustCommand{\mathlintnote}[2]{" + _BOX.replace("{BOX}", r"\fcolorbox{#1}{#1!6}") + "}",
    r"\DeclareRobustCommand{\mathlintmark}[2]{\textsuperscript{\textcolor{#1}{\sffamily[#2]}}}",
    "% End of mathlint additions.",
]) + "\n"
FRAGMENT_PREAMBLE = "\n".join([
    "% Added by mathlint annotate: verdict notes (\\mathlintnote, \\mathlintmark).",
    r"\DeclareRobustCommand{\mathlintnote}[2]{" + _BOX.replace("{BOX}", r"\fbox") + "}",
    r"\DeclareRobustCommand{\mathlintmark}[2]{\textsuperscript{\sffamily[#2]}}",
    "% End of mathlint additions.",
]) + "\n"

_BEGIN_DOCUMENT = re.compile(r"\\begin\s*\{document\}")
_END_DOCUMENT = re.compile(r"\\end\s*\{document\}")
_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
CELL_ENVIRONMENTS = frozenset({
    "tabular", "tabular*", "tabularx", "tabulary", "longtable", "array", "tikzpicture", "picture",
    "verbatim", "Verbatim", "lstlisting", "minted", "comment",
})
"""Environments a ``\\par`` box cannot go into (cells, pictures, verbatim): notes go after them."""
_BLOCK_START = re.compile(
    r"\s*\\(begin|end|item|\[|par\b|(sub)*section|chapter|paragraph|noindent|bigskip|medskip)")


def annotate_latex(report: FileReport, **_options: object) -> str:
    """The report's LaTeX source with the mathlint preamble and verdict boxes inserted.

    Returns the text in the file's own newline style; an unreadable report (no text) gives ''.
    Keyword options (``style`` of the Markdown annotator...) are accepted and ignored.
    """
    if report.text is None:
        return ""
    inserted = apply_insertions(report.text, plan_insertions(report))
    return inserted if report.newline == "\n" else inserted.replace("\n", report.newline)


def plan_insertions(report: FileReport) -> tuple[Insertion, ...]:
    """The preamble, markers and boxes to insert (offsets into ``report.text``), in order."""
    text = report.text or ""
    scan = _Scan(text)
    lines = LineIndex(text, report.path)
    begin = scan.find(_BEGIN_DOCUMENT)
    end_document = scan.find(_END_DOCUMENT)
    body_start = 0 if begin is None else begin
    out: list[Insertion] = []
    boxes: dict[int, list[str]] = {}
    mark = 0
    for group in note_groups(report):
        if group.anchor.start < body_start:
            continue  # math in the preamble (a macro body) cannot carry a box
        if not group.display and group.anchor.end > group.anchor.start:
            mark += 1
            colour = COLOURS[group.tone]
            out.append(Insertion(group.anchor.end, f"\\mathlintmark{{{colour}}}{{{mark}}}"))
            offset = scan.safe_point(scan.paragraph_end(group.anchor.end, end_document), end_document)
            boxes.setdefault(offset, []).append(_box(group, f"[{mark}]"))
        else:
            last_line = lines.position(max(group.anchor.start, group.anchor.end - 1))[0]
            offset = len(text) if last_line >= lines.line_count else lines.line_start(last_line + 1)
            boxes.setdefault(scan.safe_point(offset, end_document), []).append(_box(group, ""))
    for offset, texts in boxes.items():
        lead = "" if offset == 0 or text[offset - 1] == "\n" else "\n"
        out.append(Insertion(offset, lead + "".join(t + "\n" for t in texts)))
    if out or begin is not None:
        if begin is not None:
            start = lines.line_start(lines.position(begin)[0])
            at, lead = (start, "") if not text[start:begin].strip() else (begin, "\n")
            out.append(Insertion(at, lead + PREAMBLE))
        else:
            out.append(Insertion(0, FRAGMENT_PREAMBLE))
    out.sort(key=lambda ins: ins.offset)
    return tuple(out)


# --- source scanning --------------------------------------------------------------------

class _Scan:
    """Comment- and brace-aware facts about a LaTeX source (one pass, then lookups)."""

    def __init__(self, text: str) -> None:
        self.text = text
        depth = 0
        self.depth = [0] * (len(text) + 1)
        """Brace depth before each offset (comments and ``\\{`` ignored)."""
        self.comment = [False] * (len(text) + 1)
        i, n = 0, len(text)
        while i < n:
            self.depth[i] = depth
            ch = text[i]
            if ch == "\\" and i + 1 < n:
                self.depth[i + 1] = depth
                i += 2
                continue
            if ch == "%":
                while i < n and text[i] != "\n":
                    self.depth[i] = depth
                    self.comment[i] = True
                    i += 1
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth = max(0, depth - 1)
            i += 1
        self.depth[n] = depth
        self.environments = [
            (m.start(), m.group(1), m.group(2).strip(), m.end())
            for m in _ENVIRONMENT.finditer(text) if not self.comment[m.start()]
        ]
        """``(offset, "begin"|"end", name, end_offset)`` of each environment delimiter outside comments."""

    def open_environments(self, offset: int) -> list[tuple[str, int]]:
        """``(name, begin_offset)`` of the environments open at ``offset``, outermost first."""
        stack: list[tuple[str, int]] = []
        for at, kind, name, _ in self.environments:
            if at >= offset:
                break
            if kind == "begin":
                stack.append((name, at))
            elif stack and stack[-1][0] == name:
                stack.pop()
        return stack

    def end_of_environment(self, name: str, begin: int) -> int | None:
        """Offset just past the ``\\end{name}`` matching the ``\\begin{name}`` at ``begin``."""
        depth = 0
        for at, kind, other, end in self.environments:
            if at < begin or other != name:
                continue
            depth += 1 if kind == "begin" else -1
            if depth == 0:
                return end
        return None

    def safe_point(self, offset: int, limit: int | None) -> int:
        """A line start at or after ``offset`` where a box can go: no group open, no table cell."""
        text = self.text
        while True:
            offset = self.outside_groups(offset, limit)
            cells = [(name, at) for name, at in self.open_environments(offset) if name in CELL_ENVIRONMENTS]
            if not cells:
                return offset
            end = self.end_of_environment(*cells[0])
            if end is None:
                return offset
            newline = text.find("\n", end)
            offset = len(text) if newline == -1 else newline + 1
            if limit is not None and offset > limit:
                return limit

    def find(self, pattern: re.Pattern[str]) -> int | None:
        """Offset of the first match of ``pattern`` outside comments."""
        for match in pattern.finditer(self.text):
            if not self.comment[match.start()]:
                return match.start()
        return None

    def outside_groups(self, offset: int, limit: int | None) -> int:
        """The first line start at or after ``offset`` where no ``{`` group is open (at most ``limit``)."""
        text = self.text
        while offset < len(text) and self.depth[offset] > 0 and (limit is None or offset < limit):
            newline = text.find("\n", offset)
            offset = len(text) if newline == -1 else newline + 1
        return limit if limit is not None and offset > limit else offset

    def paragraph_end(self, offset: int, limit: int | None) -> int:
        """Start of the line that ends the paragraph holding ``offset`` (outside groups, at most ``limit``).

        A paragraph ends at a blank line, or before a line that starts a block: ``\\begin``,
        ``\\end``, ``\\item``, ``\\[``, ``\\par``, a sectioning command.
        """
        text = self.text
        pos = offset
        while True:
            newline = text.find("\n", pos)
            if newline == -1:
                return len(text) if limit is None else min(len(text), limit)
            pos = newline + 1
            if limit is not None and pos > limit:
                return limit
            line_end = text.find("\n", pos)
            line = text[pos:] if line_end == -1 else text[pos:line_end]
            if self.depth[pos] == 0 and (not line.strip() or _BLOCK_START.match(line)):
                return pos


# --- markup -----------------------------------------------------------------------------

def _box(group: NoteGroup, marker: str) -> str:
    lead = f"{_text(marker)} " if marker else ""
    body = r" \par ".join(_note(note) for note in group.notes)
    return f"\\mathlintnote{{{COLOURS[group.tone]}}}{{{lead}{body}}}"


def _note(note: Note) -> str:
    head = f"{_text(note.prefix)}: " if note.prefix else ""
    out = f"\\textbf{{mathlint: {head}{_text(note.label)}.}}"
    items = [join_parts(item, _part) for item in note.items]
    items = [item for item in items if item]
    if items:
        out += " " + "; ".join(items) + "."
    if note.expected:
        out += f" {note.expected_label}: " + _display(note.expected)
    return out


def _part(part: Part) -> str:
    if part.kind == "math":
        return f"${part.value}$" if math_is_safe(part.value) else f"\\texttt{{{_text(part.value)}}}"
    return _text(part.value)


def _display(latex: str) -> str:
    if math_is_safe(latex):
        return f"\\[ {' '.join(latex.split())} \\]"
    return f"\\texttt{{{_text(latex)}}}"


def math_is_safe(latex: str) -> bool:
    """Whether ``latex`` can go into math mode inside a macro argument without breaking the file.

    >>> math_is_safe(r"\\mathbf{A}^T")
    True
    >>> math_is_safe("x % y"), math_is_safe("{"), math_is_safe("a & b")
    (False, False, False)
    """
    if not latex.strip() or any(c in latex for c in "$%#&") or "\\\\" in latex or "\n\n" in latex:
        return False
    if re.search(r"\\(begin|end)\s*\{document\}|\\par\b|\\verb", latex):
        return False
    depth = 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
        i += 1
    return depth == 0


_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_UNICODE = {
    "ᵀ": r"\textsuperscript{T}", "⁻": r"\textsuperscript{-}", "¹": r"\textsuperscript{1}",
    "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}", "⊙": r"$\odot$", "⊘": r"$\oslash$",
    "⊗": r"$\otimes$", "∂": r"$\partial$", "‖": r"$\|$", "×": r"$\times$", "·": r"$\cdot$",
    "−": "-", "≠": r"$\neq$", "→": r"$\to$", "∑": r"$\sum$", "≈": r"$\approx$", "∈": r"$\in$",
    "—": "---", "–": "--", "…": r"\dots{}", "‘": "`", "’": "'", "“": "``", "”": "''",
    "✓": "ok", "✗": "x", "⚠": "!", "ℹ": "i", "\u00a0": "~",
}
_GREEK = "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ"
_GREEK_NAMES = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
                "sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi "
                "Omega").split()
_UNICODE.update({g: f"$\\{name}$" for g, name in zip(_GREEK, _GREEK_NAMES, strict=True)})


def _text(text: str) -> str:
    """Escape prose for LaTeX; characters pdfLaTeX cannot set become ASCII stand-ins."""
    out: list[str] = []
    for ch in " ".join(text.split()):
        if ch in _SPECIALS:
            out.append(_SPECIALS[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_UNICODE.get(ch, "?"))
    return "".join(out)
