"""The real pre-commit: `try-repo` this repository's hook on a wrong note and on a right one.

pre-commit installs a hook from a git repository at a commit, so the working tree (not the
last commit: uncommitted work is what is under test) is copied to a temporary repository
and committed there. The hook's virtualenv is built once per module (~30-60 s: numpy,
sympy) under a private PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

pytest.importorskip("pre_commit")
if shutil.which("git") is None:  # pragma: no cover - git is part of the machine image
    pytest.skip("git is not installed", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
NOT_COPIED = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mathlint_cache",
              "build", "dist", "artifacts", ".mypy_cache", ".ruff_cache"}

WRONG = """# Linear trace

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}$$
"""
RIGHT = """# Linear trace

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{B}^T$$
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=mathlint", "-c", "user.email=mathlint@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in NOT_COPIED or n.endswith(".egg-info")}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this working tree: what `repo:` would point at."""
    repo = tmp_path_factory.mktemp("hook") / "mathlint"
    shutil.copytree(REPO, repo, ignore=_ignore, symlinks=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot for the pre-commit test")
    return repo


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environ = dict(os.environ)
    environ["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environ.get("PATH", "")])
    for name in ("NO_COLOR", "FORCE_COLOR", "MATHLINT_CACHE_DIR", "PRE_COMMIT_ALLOW_NO_CONFIG"):
        environ.pop(name, None)
    return environ


def notes_repo(root: Path, text: str) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    (root / "notes.md").write_text(text, encoding="utf-8")
    (root / "README.txt").write_text("not checked\n", encoding="utf-8")
    # a loaded test machine must not turn claims into timeouts
    (root / "pyproject.toml").write_text("[tool.mathlint]\ntimeout = 120\n", encoding="utf-8")
    git(root, "add", "-A")
    return root


def try_repo(hook: Path, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook), "mathlint", "--color", "never"],
        cwd=work, env=env, capture_output=True, text=True, timeout=900,
    )


def test_wrong_note_blocks_with_the_finding(hook_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    work = notes_repo(tmp_path / "wrong", WRONG)
    done = try_repo(hook_repo, work, env)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Failed" in output and "- exit code: 1" in output
    assert "notes.md:3:" in output and "error[wrong-derivative]" in output
    assert "Traceback" not in output


def test_right_note_passes(hook_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    work = notes_repo(tmp_path / "right", RIGHT)
    done = try_repo(hook_repo, work, env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output


def test_commit_is_blocked_by_an_installed_hook(hook_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    """The way users meet it: `.pre-commit-config.yaml` + `pre-commit install` + `git commit`."""
    work = notes_repo(tmp_path / "commit", WRONG)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: mathlint\n", encoding="utf-8")
    git(work, "add", "-A")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=work, env=env, check=True,
                   capture_output=True, timeout=120)
    blocked = subprocess.run(["git", "-c", "user.name=m", "-c", "user.email=m@example.invalid",
                              "commit", "-m", "notes"], cwd=work, env=env, capture_output=True,
                             text=True, timeout=900)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "error[wrong-derivative]" in blocked.stdout + blocked.stderr
    (work / "notes.md").write_text(RIGHT, encoding="utf-8")
    git(work, "add", "-A")
    passed = subprocess.run(["git", "-c", "user.name=m", "-c", "user.email=m@example.invalid",
                             "commit", "-m", "notes"], cwd=work, env=env, capture_output=True,
                            text=True, timeout=900)
    assert passed.returncode == 0, passed.stdout + passed.stderr
