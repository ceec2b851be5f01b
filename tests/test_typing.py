"""`mypy --strict` on the installed package (STYLE §9), over a tree that mirrors the package layout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_package_is_strictly_typed(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    package = tmp_path / "mathlint"
    shutil.copytree(ROOT / "plugin", package)
    for folder in ("parsers", "checker", "renderers"):
        shutil.copytree(ROOT / folder, package / folder)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "-p", "mathlint"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:]
