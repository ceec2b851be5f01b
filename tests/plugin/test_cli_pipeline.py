"""The CLI over the real pipeline: verdicts, exit codes, start-up cost, cache hits, subcommands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mathlint.cli import main

HEAVY = ("sympy", "numpy", "mkdocs", "sphinx")

WRONG_NOTE = """# Trace derivatives

The gradient of a linear trace:

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}$$
"""

RIGHT_NOTE = """# Trace derivatives

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{B}^T$$
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # a generous claim budget: a loaded test machine must not turn claims into timeouts
    (tmp_path / "pyproject.toml").write_text("[tool.mathlint]\ntimeout = 120\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MATHLINT_CACHE_DIR", raising=False)
    return tmp_path


def modules_after(args: list[str], cwd: Path) -> tuple[int, list[str]]:
    """Run ``mathlint ARGS`` in a fresh interpreter; return its exit code and heavy modules loaded."""
    probe = (
        "import sys, json\n"
        "from mathlint.cli import main\n"
        f"code = main({args!r})\n"
        f"sys.stderr.write(json.dumps([code, sorted(m for m in {HEAVY!r} if m in sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=120)
    code, loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return code, loaded


def test_no_math_file_imports_nothing_heavy(project: Path) -> None:
    (project / "plain.md").write_text("# Plain\n\nNo math here, only $5 prices.\n", encoding="utf-8")
    assert modules_after(["check", "--no-cache", "plain.md"], project) == (0, [])
    assert modules_after(["check", "plain.md"], project) == (0, [])  # writes the cache
    assert modules_after(["check", "plain.md"], project) == (0, [])  # replays it


def test_unchanged_math_file_is_replayed_without_numpy(project: Path) -> None:
    (project / "right.md").write_text(RIGHT_NOTE, encoding="utf-8")
    code, _ = modules_after(["check", "right.md"], project)
    assert code == 0
    assert modules_after(["check", "right.md"], project) == (0, [])


def test_wrong_claim_exits_1_at_its_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "wrong.md").write_text(WRONG_NOTE, encoding="utf-8")
    (project / "right.md").write_text(RIGHT_NOTE, encoding="utf-8")
    assert main(["check", "--format", "json", "wrong.md", "right.md"]) == 1
    data = json.loads(capsys.readouterr().out)
    files = {f["path"]: f for f in data["files"]}
    wrong, right = files["wrong.md"], files["right.md"]
    assert [(f["code"], f["line"]) for f in wrong["findings"]] == [("wrong-derivative", 5)]
    assert [c["status"] for c in right["claims"]] == ["verified"]
    assert main(["check", "right.md"]) == 0


def test_real_fix_rewrites_the_right_hand_side(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "wrong.md"
    path.write_text(WRONG_NOTE, encoding="utf-8")
    assert main(["check", "--diff", "wrong.md"]) == 1
    assert "-$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}$$" in capsys.readouterr().out
    assert main(["check", "--fix", "wrong.md"]) == 0
    assert main(["check", "wrong.md"]) == 0


def test_ignore_from_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mathlint]\ntimeout = 120\nignore = ['wrong-derivative']\n", encoding="utf-8")
    (project / "wrong.md").write_text(WRONG_NOTE, encoding="utf-8")
    assert main(["check", "wrong.md"]) == 0


def test_annotate_and_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "wrong.md").write_text(WRONG_NOTE, encoding="utf-8")
    assert main(["annotate", "wrong.md", "-o", "annotated.md", "--style", "mkdocs"]) == 0
    annotated = (project / "annotated.md").read_text(encoding="utf-8")
    assert annotated.startswith(WRONG_NOTE.splitlines()[0]) and "!!!" in annotated
    assert main(["report", "wrong.md", "-o", "report.html"]) == 0
    assert "<html" in (project / "report.html").read_text(encoding="utf-8").lower()
    assert main(["annotate", "missing.md"]) == 2
    (project / "x.rst").write_text("text\n", encoding="utf-8")
    assert main(["annotate", "x.rst"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_derive_command(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mathlint.derive_cmd")
    code = main(["derive", "tr(A X B X^T)", "--wrt", "X", "--format", "text"])
    out = capsys.readouterr().out
    assert code == 0 and out.strip()
