"""The per-claim verdict cache: an edited file whose claims did not change loads neither numpy nor sympy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mathlint.api import check_text
from mathlint.cache import ClaimVerdictCache
from mathlint.checker.options import CheckOptions

SAMPLE = Path(__file__).resolve().parents[2] / "sample_docs" / "trace_derivatives.md"
PROBE = (
    "import sys, runpy\n"
    "sys.argv = ['mathlint', 'check', 'n.md']\n"
    "try:\n    runpy.run_module('mathlint', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print('LOADED', sorted(m for m in ('numpy', 'sympy') if m in sys.modules))\n"
)


def run_probe(folder: Path) -> tuple[str, str]:
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=folder, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    body, _, loaded = proc.stdout.rpartition("LOADED")
    return body, loaded.strip()


def test_edited_file_with_unchanged_claims_is_answered_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.mathlint]\n", encoding="utf-8")
    note = tmp_path / "n.md"
    note.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    cold, loaded = run_probe(tmp_path)
    assert "numpy" in loaded
    note.write_text(note.read_text(encoding="utf-8") + "\nA new paragraph of prose.\n", encoding="utf-8")
    warm, loaded = run_probe(tmp_path)
    assert loaded == "[]"
    assert warm == cold  # same findings, same summary


def test_cache_keys_ignore_position_but_not_mathematics(tmp_path: Path) -> None:
    cache = ClaimVerdictCache(tmp_path)
    options = CheckOptions(claim_cache=cache)
    claim = r"$$\frac{\partial \operatorname{tr}(\mathbf{A}\mathbf{X})}{\partial \mathbf{X}} = \mathbf{A}^T$$"
    first = check_text(claim, "a.md", options)
    moved = check_text("Some prose first.\n\n" + claim, "a.md", options)
    assert cache.get(moved.claims[0].claim, options) == first.claims[0].verdict
    other = check_text(claim.replace(r"\mathbf{A}^T", r"\mathbf{A}"), "a.md", options)
    assert cache.get(other.claims[0].claim, options) is not None  # stored by the run above
    assert other.claims[0].verdict != first.claims[0].verdict
