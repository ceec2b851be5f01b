"""The math of the real-world corpus (``../shared/corpus/real``): parsing never fails unexpectedly.

Math is harvested with a crude regex (``$$...$$``, ``$...$``, ``\\[...\\]``, ``\\begin{align}``...),
independent of the extractors, so this test judges the math parser alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mathlint.parsers.mathtex import parse_math

from .invariants import check_parse

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "real"
FILES = sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".md", ".tex", ".rst")) if CORPUS.is_dir() else []
_MATH = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{(?:equation|align|gather)\*?\}(.+?)\\end\{(?:equation|align|gather)\*?\}|\$([^$\n]+?)\$",
    re.S,
)


def harvest(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _MATH.finditer(text)]


@pytest.mark.skipif(not FILES, reason="corpus not present")
@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}"[:60] for p in FILES])
def test_corpus_math_parses_without_exception(path: Path) -> None:
    for latex in harvest(path.read_text(encoding="utf-8", errors="replace")):
        check_parse(latex, parse_math(latex))


@pytest.mark.skipif(not FILES, reason="corpus not present")
def test_most_corpus_math_parses_cleanly() -> None:
    spans = [m for p in FILES for m in harvest(p.read_text(encoding="utf-8", errors="replace"))]
    clean = sum(1 for m in spans if not parse_math(m).problems)
    # ~86% when this test was written; the rest are user macros the extractor expands,
    # pseudo-inverses, max/argmin, integrals, TikZ and fragments the crude regex cuts.
    assert clean / len(spans) > 0.8, clean / len(spans)
