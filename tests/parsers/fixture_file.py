"""Fixture files in markdown-it-py's format: title, ``.``, input, ``.``, expected, ``.``.

Expected outputs are compared exactly. ``MATHLINT_UPDATE_FIXTURES=1`` rewrites them from
the current output (review the diff before keeping it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from mathlint.parsers.document import Document

UPDATE = os.environ.get("MATHLINT_UPDATE_FIXTURES") == "1"


def read_fixtures(path: Path) -> list[tuple[str, str, str]]:
    """``(title, input, expected)`` triples."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        i += 2  # title, "."
        parts: list[list[str]] = [[], []]
        for part in parts:
            while i < len(lines) and lines[i] != ".":
                part.append(lines[i])
                i += 1
            i += 1
        out.append((title, "\n".join(parts[0]) + "\n", "\n".join(parts[1])))
    return out


def write_fixtures(path: Path, cases: list[tuple[str, str, str]]) -> None:
    chunks = [f"{title}\n.\n{source}.\n{expected}\n.\n" for title, source, expected in cases]
    path.write_text("\n".join(chunks), encoding="utf-8")


def render_math(doc: Document) -> str:
    """One line per math span: ``line:col-end_line:end_col env display|inline [tag=][label=] 'latex'``."""
    rows = []
    for m in doc.math:
        s = m.span
        extra = "".join(f" {k}={v}" for k, v in (("tag", m.tag), ("label", m.label)) if v is not None)
        latex = " ".join(m.latex.split())
        rows.append(f"{s.line}:{s.col}-{s.end_line}:{s.end_col} {m.environment} "
                    f"{'display' if m.display else 'inline'}{extra} {latex!r}")
    return "\n".join(rows) if rows else "(no math)"


def check_fixture_file(path: Path, extract: Callable[[str, str], Document]) -> list[tuple[str, str, str]]:
    """``(title, expected, got)`` for each case; rewrites the file when updating."""
    cases = read_fixtures(path)
    results = []
    new_cases = []
    for title, source, expected in cases:
        got = render_math(extract("fixture", source))
        results.append((title, expected, got))
        new_cases.append((title, source, got))
    if UPDATE:
        write_fixtures(path, new_cases)
    return results
