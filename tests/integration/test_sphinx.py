"""The real sphinx-build: an rST page and a MyST Markdown page, with and without -W."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

CONF = """project = "notes"
extensions = ["myst_parser", "mathlint.sphinx"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_allow_space = False
myst_dmath_allow_digits = False
mathlint_fail_on = "error"
"""

INDEX_RST = """Notes
=====

.. toctree::

   calculus

A wrong derivative in reStructuredText:

.. math::

   \\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}

A right one inline: :math:`\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{B}^T`.
"""

CALCULUS_MD = """# Calculus in MyST

A right claim:

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{B}^T$$

A wrong one:

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}^T\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}$$

Inline, in the other layout: $\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X})}{\\partial \\mathbf{X}} = \\mathbf{A}$ as said.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    # the project's pyproject.toml is read by the extension too
    (tmp_path / "pyproject.toml").write_text("[tool.mathlint]\ntimeout = 120\n", encoding="utf-8")
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.rst").write_text(INDEX_RST, encoding="utf-8")
    (source / "calculus.md").write_text(CALCULUS_MD, encoding="utf-8")
    return tmp_path


def sphinx_build(project: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-E", *flags, str(project / "src"), str(project / "out")],
        capture_output=True, text=True, timeout=300,
    )


def test_warnings_fail_a_W_build_with_locations(project: Path) -> None:
    done = sphinx_build(project, "-W", "-q")
    log = done.stderr
    assert done.returncode == 1, done.stdout + log
    assert "index.rst:12: WARNING: error[wrong-derivative]" in log
    assert "calculus.md:9: WARNING: error[wrong-derivative]" in log
    assert "[mathlint.wrong-derivative]" in log
    assert log.count("WARNING") == 2
    assert "Traceback" not in log


def test_build_without_W_succeeds_and_annotates(project: Path) -> None:
    done = sphinx_build(project, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    index = (project / "out" / "index.html").read_text(encoding="utf-8")
    calculus = (project / "out" / "calculus.html").read_text(encoding="utf-8")
    for page in (index, calculus):
        assert "mathlint-error" in page
        assert "wrong-derivative" in page
    # the note sits right after the wrong equation, not after the right one
    right, wrong = calculus.index("\\mathbf{A}^T\\mathbf{B}^T"), calculus.index("\\mathbf{X}^T\\mathbf{B}")
    assert right < calculus.index("mathlint-error") and wrong < calculus.index("mathlint-error")
    # a layout mismatch (a warning, below fail_on=error) is annotated inline, right after its math
    inline = calculus.index('<span class="mathlint mathlint-warning">')
    assert calculus.rindex("= \\mathbf{A}\\)</span>", 0, inline) == inline - len("= \\mathbf{A}\\)</span>")


def test_suppress_warnings_and_fail_on(project: Path) -> None:
    conf = project / "src" / "conf.py"
    conf.write_text(CONF + 'suppress_warnings = ["mathlint.wrong-derivative"]\n', encoding="utf-8")
    assert sphinx_build(project, "-W", "-q").returncode == 0
    conf.write_text(CONF.replace('"error"', '"never"'), encoding="utf-8")
    assert sphinx_build(project, "-W", "-q").returncode == 0
    conf.write_text(CONF.replace('"error"', '"warning"'), encoding="utf-8")
    done = sphinx_build(project, "-q")
    assert "calculus.md:11: WARNING: warning[layout-mismatch]" in done.stderr
    assert "[mathlint.layout-mismatch]" in done.stderr


def test_parallel_build(project: Path) -> None:
    done = sphinx_build(project, "-q", "-j", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "calculus.md:9: WARNING: error[wrong-derivative]" in done.stderr


def test_bad_config_value(project: Path) -> None:
    conf = project / "src" / "conf.py"
    conf.write_text(CONF + 'mathlint_select = ["no-such-rule"]\n', encoding="utf-8")
    done = sphinx_build(project, "-q")
    assert done.returncode != 0
    # Sphinx 9 prints every error with its own report (a traceback included); the message leads
    assert "Configuration error!" in done.stderr
    assert "mathlint_select: unknown rule code 'no-such-rule'" in done.stderr
