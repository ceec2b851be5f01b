"""The real MkDocs 1.x: build a small site with one right page and one wrong page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

pytest.importorskip("mkdocs")
pytest.importorskip("pymdownx")

MKDOCS_YML = """site_name: Notes
theme:
  name: mkdocs
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
plugins:
  - mathlint:
      fail_on: error
nav:
  - index.md
  - wrong.md
  - plain.md
"""

RIGHT_PAGE = """---
title: Right
---
# A right claim

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}^T\\mathbf{B}^T$$
"""

# front matter shifts the claim to line 9 of the file (line 5 of what MkDocs hands plugins)
WRONG_PAGE = """---
title: Wrong
author: someone
---
# A wrong claim

Differentiate the linear trace:

$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}} = \\mathbf{A}\\mathbf{B}$$

Prose after it.
"""

PYPROJECT = "[tool.mathlint]\ntimeout = 120  # a loaded test machine must not turn claims into timeouts\n"

PLAIN_PAGE = "# No math\n\nPrices like $5 are not math.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(RIGHT_PAGE, encoding="utf-8")
    (tmp_path / "docs" / "wrong.md").write_text(WRONG_PAGE, encoding="utf-8")
    (tmp_path / "docs" / "plain.md").write_text(PLAIN_PAGE, encoding="utf-8")
    return tmp_path


def build(site: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *flags], cwd=site,
                          capture_output=True, text=True, timeout=300)


def test_strict_build_fails_naming_page_and_line(site: Path) -> None:
    done = build(site, "--strict")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "WARNING -  mathlint: wrong.md:9:" in output
    assert "error[wrong-derivative]" in output
    assert "index.md" not in output.split("mathlint:", 1)[-1].split("\n", 1)[0]
    assert "Aborted with 1 warnings in strict mode" in output
    assert "Traceback" not in output


def test_build_succeeds_and_pages_carry_the_annotation(site: Path) -> None:
    done = build(site)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "wrong.md:9:" in output
    wrong = (site / "site" / "wrong" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition failure"' in wrong
    assert "Prose after it." in wrong and "title: Wrong" not in wrong  # front matter still stripped
    right = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition failure"' not in right
    plain = (site / "site" / "plain" / "index.html").read_text(encoding="utf-8")
    assert "admonition" not in plain


def test_fail_on_never_keeps_strict_builds_green(site: Path) -> None:
    (site / "mkdocs.yml").write_text(MKDOCS_YML.replace("fail_on: error", "fail_on: never"), encoding="utf-8")
    done = build(site, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr


def test_bad_option_is_a_config_error(site: Path) -> None:
    (site / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("fail_on: error", "fail_on: error\n      select: [no-such-rule]"), encoding="utf-8")
    done = build(site)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "no-such-rule" in output and "Traceback" not in output
