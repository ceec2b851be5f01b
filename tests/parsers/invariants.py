"""Invariants every extracted `Document` must satisfy (shared by property and corpus tests)."""

from __future__ import annotations

from mathlint.parsers.context import prose_facts
from mathlint.parsers.document import Document


def check_invariants(doc: Document) -> None:
    n = len(doc.text)
    for i, m in enumerate(doc.math):
        assert m.index == i
        assert 0 <= m.span.start <= m.span.end <= n
        assert len(m.offsets) == len(m.latex)
        assert all(0 <= o <= n for o in m.offsets)
        assert m.latex.strip()
        if not doc.macros:
            for c, o in zip(m.latex, m.offsets):
                assert c.isspace() or doc.text[o] == c
        line, col = doc.lines.position(m.span.start)
        assert (line, col) == (m.span.line, m.span.col)
    for p in doc.prose:
        assert p.span.end - p.span.start == len(p.text)
        source = doc.text[p.span.start:p.span.end]
        assert all(c == s or c == " " for c, s in zip(p.text, source))
    for d in doc.directives:
        assert 0 <= d.span.start <= d.span.end <= n
    starts = [m.span.start for m in doc.math]
    assert starts == sorted(starts)
    prose_facts(doc)
