"""The progress bar: drawn only when enabled, on its stream, and erased at the end."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from mathlint.progress import ProgressBar


def test_bar_draws_and_erases() -> None:
    stream = io.StringIO()
    with ProgressBar(3, stream) as bar:
        for name in ("a.md", "b.md", "c.md"):
            bar.advance(name)
    text = stream.getvalue()
    assert text.startswith("\r\x1b[K[")
    assert "3/3 c.md" in text
    assert text.endswith("\r\x1b[K")


def test_disabled_or_single_file_bar_writes_nothing() -> None:
    stream = io.StringIO()
    with ProgressBar(10, stream, enabled=False) as bar:
        bar.advance("a.md")
    with ProgressBar(1, stream) as bar:
        bar.advance("a.md")
    assert stream.getvalue() == ""


def _run_with_tty_stderr(args: list[str], cwd: Path) -> tuple[str, str]:
    """Run mathlint with stderr on a pseudo-terminal and stdout on a pipe."""
    main_fd, child_fd = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    with subprocess.Popen([sys.executable, "-m", "mathlint", *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=child_fd, env=env) as proc:
        os.close(child_fd)
        out = proc.stdout.read().decode() if proc.stdout else ""
        proc.wait(timeout=120)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    return out, b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_bar_only_on_a_terminal_and_never_for_json(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    for i in range(3):
        (tmp_path / f"n{i}.md").write_text("no math\n", encoding="utf-8")
    out, err = _run_with_tty_stderr(["check", "--no-cache", "."], tmp_path)
    assert "3/3" in err and "\x1b[K" in err
    assert "\r" not in out and out.strip().endswith("0 warnings")
    out, err = _run_with_tty_stderr(["check", "--no-cache", "--format", "json", "."], tmp_path)
    assert err == "" and out.startswith("{")
    done = subprocess.run([sys.executable, "-m", "mathlint", "check", "--no-cache", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.stderr == ""  # not a terminal: no bar
