"""The HTML report in a real headless Chromium: loads with no console message, math renders, filters work.

Skipped when no Chromium is installed (Debian: ``apt-get install chromium fonts-lmodern``).
The screenshot is kept as a test artifact in ``tests/artifacts/`` (gitignored): open it to see
the rendered math.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mathlint.renderers.html_report import render_html

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
# The flags that keep Chromium from reaching for the network or a desktop (ECOSYSTEM §7).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)"),
]


def load_fixtures() -> ModuleType:
    """The renderer tests' hand-built reports (tests/renderers/fixtures.py), loaded by path."""
    path = ROOT / "tests" / "renderers" / "fixtures.py"
    spec = importlib.util.spec_from_file_location("mathlint_render_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return module


def report_page() -> str:
    f = load_fixtures()
    return render_html((f.build_markdown_report(), f.build_latex_report(), f.unreadable_report()))


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )


def console_lines(stderr: str) -> list[str]:
    """Console messages (console.log/error, uncaught exceptions, CSP violations) Chromium logged."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_loads_without_console_messages_and_renders_mathml(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report_page(), encoding="utf-8")
    result = chromium(tmp_path, page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_lines(result.stderr) == []
    dom = result.stdout
    assert re.search(r'<html lang="en" data-ready="1">', dom), "the report's script did not run (CSP hash?)"
    assert dom.count("<math") >= 21 and "<mtable>" in dom
    assert 'class="tex"' not in dom


def test_filters_hide_and_show_claims(tmp_path: Path) -> None:
    html = report_page()
    # the probe is ours, not the page's: drop the CSP that (rightly) blocks it
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    html = html.replace("<head>", "<head><script>window.__errors = []; window.addEventListener('error', "
                                   "function (e) { window.__errors.push(e.message); });</script>", 1)
    probe = """<script>
(function () {
  function visible() { return document.querySelectorAll("li.claim:not([hidden])").length; }
  var out = [visible()];
  var verified = document.querySelector('input[data-filter="verified"]');
  verified.checked = false; verified.dispatchEvent(new Event("change"));
  out.push(visible(), document.querySelectorAll('li.claim[data-status="verified"][hidden]').length);
  ["wrong", "unsupported"].forEach(function (s) {
    var box = document.querySelector('input[data-filter="' + s + '"]');
    box.checked = false; box.dispatchEvent(new Event("change"));
  });
  out.push(visible(), document.querySelectorAll(".none-shown:not([hidden])").length);
  verified.checked = true; verified.dispatchEvent(new Event("change"));
  out.push(visible(), window.__errors.length);
  document.body.setAttribute("data-probe", out.join(","));
})();
</script></body>"""
    html = html.replace("</body>", probe, 1)
    page = tmp_path / "probe.html"
    page.write_text(html, encoding="utf-8")
    result = chromium(tmp_path, page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r'data-probe="([\d,]+)"', result.stdout)
    assert match, result.stdout[-2000:]
    # all 21 shown; verified off → 13 shown, 8 hidden; all off → 0 shown and 2 files say so; verified on → 8
    assert match.group(1) == "21,13,8,0,2,8,0"
    assert console_lines(result.stderr) == []


def test_screenshot_shows_rendered_math(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = ARTIFACTS / "report.html"
    page.write_text(report_page(), encoding="utf-8")
    png = ARTIFACTS / "report.png"
    png.unlink(missing_ok=True)
    result = chromium(tmp_path, page, "--window-size=1000,1400", f"--screenshot={png}")
    assert result.returncode == 0, result.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30000
