"""Bad input gets a clear diagnostic, never a traceback (issue 2 §8), through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mathlint", "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("name, body", [
    ("braces.tex", "\\begin{document}\n$\\frac{\\partial \\operatorname{tr}(X}{\\partial X} = {{A^T$\n\\end{document}\n"),
    ("macros.md", "$$\\frac{\\partial \\weird{X}}{\\partial X} = \\unknownmacro{A}^{\\zzz}$$\n"),
    ("unclosed.md", "Start $$\\frac{\\partial f}{\\partial X} = A\n\nand never closed, $x = \n"),
    ("envs.tex", "\\begin{align}\n a &= b \\\\\n\\end{equation}\n\\begin{bmatrix} 1 & \n"),
    ("dollars.md", "Costs $5 and $10; `$code$` and \\$ escaped, $ lone, $$ also lone\n"),
    ("nul.rst", ".. math::\n\n   \\frac{\\partial}{\\partial x}\n\n:math:`\\left(` and :math:`}`\n"),
])
def test_malformed_math_is_a_diagnostic_not_a_traceback(tmp_path: Path, name: str, body: str) -> None:
    (tmp_path / name).write_text(body, encoding="utf-8")
    proc = run("--format", "json", name, cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr  # parse problems are info findings / unsupported claims
    data = json.loads(proc.stdout)
    claims = data["files"][0]["claims"]
    assert all(c["status"] != "wrong" for c in claims)


@pytest.mark.parametrize("name, data, word", [
    ("latin1.md", "caf\u00e9 $x^T$".encode("latin-1"), "utf-8"),
    ("binary.tex", b"\x00\x01\x02PNG\x00" * 100, "binary"),
])
def test_undecodable_files_exit_2_with_a_diagnostic(tmp_path: Path, name: str, data: bytes, word: str) -> None:
    (tmp_path / name).write_bytes(data)
    proc = run(name, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "unreadable-file" in proc.stdout and word in proc.stdout.lower()


def test_empty_files_are_fine(tmp_path: Path) -> None:
    for name in ("a.md", "b.tex", "c.rst"):
        (tmp_path / name).write_bytes(b"")
    proc = run(".", cwd=tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_ten_megabyte_file(tmp_path: Path) -> None:
    prose = "Matrix calculus notes with prose, `code`, a price of $5, *emphasis* and a [link](x.md).\n\n"
    claim = "An identity $\\operatorname{tr}(\\mathbf{A}\\mathbf{B}) = \\operatorname{tr}(\\mathbf{B}\\mathbf{A})$.\n\n"
    block = prose * 20 + claim
    body = block * (10_000_000 // len(block) + 1)
    (tmp_path / "huge.md").write_text(body, encoding="utf-8")
    proc = run("--format", "json", "--timeout", "2", "huge.md", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout)["summary"]
    assert summary["wrong"] == 0 and summary["claims"] > 4_000


def test_too_large_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_bytes(b"a" * (21 * 1024 * 1024))
    proc = run("big.md", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "unreadable-file" in proc.stdout
