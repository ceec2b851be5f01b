"""The CLI's plumbing: arguments, exit codes, output streams, --fix/--diff, cache, parallel order.

The checker is replaced by `fakes.fake_check` (see there); test_cli_pipeline.py runs the real one.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mathlint import __version__, runner
from mathlint.cli import ExitCode, main

from . import fakes


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (its own root) as the working directory, with the fake checker."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'notes'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "check_one", fakes.fake_check)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("MATHLINT_CACHE_DIR", raising=False)
    fakes.CALLS.clear()
    return tmp_path


def note(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# --- exit codes ---------------------------------------------------------------------------

def test_clean_file_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "ok.md", "all fine\n")
    code, out, err = run(capsys, "check", "ok.md")
    assert code == ExitCode.OK == 0
    assert out.strip().splitlines()[-1].startswith("1 file, 0 claims")


def test_error_finding_exits_1_and_prints_location(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "bad.md", "line one\nsee WRONG here\n")
    code, out, err = run(capsys, "check", "bad.md")
    assert code == ExitCode.FINDINGS == 1
    assert "bad.md:2:5: error[wrong-derivative] WRONG is wrong" in out
    assert err == ""


def test_warning_only_exits_0_unless_fail_on_warning(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "w.md", "LAYOUT\n")
    assert run(capsys, "check", "w.md")[0] == 0
    assert run(capsys, "check", "--fail-on", "warning", "w.md")[0] == 1
    note(project, "e.md", "WRONG\n")
    assert run(capsys, "check", "--fail-on", "never", "e.md")[0] == 0


def test_empty_file_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "empty.md", "")
    assert run(capsys, "check", "empty.md")[0] == 0


def test_missing_file_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "nope.md")
    assert code == ExitCode.USAGE == 2
    assert "nope.md:1:1: error[unreadable-file]" in out


def test_binary_file_exits_2_without_traceback(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "blob.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, out, err = run(capsys, "check", "--format", "json", "blob.md")
    assert code == 2
    assert json.loads(out)["files"][0]["findings"][0]["code"] == "unreadable-file"
    assert "cannot read blob.md" in err


def test_unreadable_beats_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "bad.md", "WRONG\n")
    assert run(capsys, "check", "bad.md", "missing.md")[0] == 2


def test_checker_crash_is_reported_not_raised(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "a.md", "CRASH\n")
    note(project, "b.md", "WRONG\n")
    code, out, err = run(capsys, "check", "a.md", "b.md")
    assert code == 2
    assert "b.md:1:1: error[wrong-derivative]" in out
    assert "internal error while checking a.md: RuntimeError: checker bug" in err
    assert main(["check", "--verbose", "a.md"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "raise RuntimeError" in err  # the traceback on request


# --- usage errors -------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    ([], "usage: mathlint"),
    (["check"], "no PATH given"),
    (["check", "--select", "wrong-derivative,bogus", "x.md"], "unknown rule code 'bogus'"),
    (["check", "--ignore", "nope", "x.md"], "unknown rule code 'nope'"),
    (["check", "--format", "yaml", "x.md"], "invalid choice"),
    (["check", "--layout", "sideways", "x.md"], "invalid choice"),
    (["check", "--timeout", "-1", "x.md"], "must be positive"),
    (["check", "--timeout", "soon", "x.md"], "not a number"),
    (["check", "--jobs", "x", "x.md"], "not a whole number"),
    (["check", "--bogus-flag", "x.md"], "unrecognized arguments"),
    (["check", "--fix-layout", "x.md"], "--fix-layout needs --fix or --diff"),
    (["check", "--config", "missing.toml", "x.md"], "no such configuration file"),
    (["derive", "tr(X)"], "--wrt"),
    (["derive", "tr(X)", "--wrt", "X", "--shape", "X"], "expected NAME=rows,cols"),
])
def test_usage_errors_exit_2(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert out == ""


def test_broken_pyproject_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.mathlint\nlayout=", encoding="utf-8")
    note(project, "a.md", "x\n")
    code, out, err = run(capsys, "check", "a.md")
    assert code == 2 and "pyproject.toml: invalid TOML" in err


def test_unknown_code_in_pyproject_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.mathlint]\nselect = ['wrong-derivativ']\n", encoding="utf-8")
    note(project, "a.md", "x\n")
    code, out, err = run(capsys, "check", "a.md")
    assert code == 2 and "'wrong-derivativ'" in err and "select" in err


def test_version_and_help(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"mathlint {__version__}"
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "--fix-layout" in out


# --- configuration and output -------------------------------------------------------------

def test_check_word_is_optional(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "bad.md", "WRONG\n")
    assert run(capsys, "bad.md")[0] == 1
    assert run(capsys, "--format", "json", "bad.md")[0] == 1


def test_pyproject_ignore_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.mathlint]\nfail-on = 'never'\n", encoding="utf-8")
    note(project, "bad.md", "WRONG\n")
    assert run(capsys, "check", "bad.md")[0] == 0
    assert run(capsys, "check", "--fail-on", "error", "bad.md")[0] == 1  # the flag wins


def test_json_output_is_clean_json_on_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "a.md", "WRONG\n")
    note(project, "b.md", "fine\n")
    code, out, err = run(capsys, "check", "--format", "json", ".")
    data = json.loads(out)
    assert data["version"] == 1
    assert [f["path"] for f in data["files"]] == ["a.md", "b.md"]
    assert data["summary"]["errors"] == 1
    assert err == ""


def test_color_only_when_asked_or_on_a_terminal(project: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    note(project, "bad.md", "WRONG\n")
    assert "\x1b[" not in run(capsys, "check", "bad.md")[1]  # captured stdout is not a TTY
    assert "\x1b[" in run(capsys, "check", "--color", "always", "bad.md")[1]
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run(capsys, "check", "bad.md")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(capsys, "check", "bad.md")[1]
    assert "\x1b[" not in run(capsys, "check", "--format", "json", "--color", "always", "bad.md")[1]


def test_no_files_found(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "empty").mkdir()
    code, out, err = run(capsys, "check", "empty")
    assert code == 0 and "no Markdown, LaTeX or reST files found" in err


def test_rules_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mathlint.checker.rules import RULES

    code, out, _ = run(capsys, "rules")
    assert code == 0 and len(out.splitlines()) == len(RULES)
    assert any(line.startswith("wrong-derivative") and "error" in line for line in out.splitlines())
    data = json.loads(run(capsys, "rules", "--format", "json")[1])
    assert {r["code"] for r in data} == set(RULES)
    table = run(capsys, "rules", "--format", "markdown")[1]
    assert "| `layout-mismatch` | warning |" in table


# --- --fix and --diff ----------------------------------------------------------------------

def test_diff_prints_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = note(project, "bad.md", "a\nWRONG and LAYOUT\n")
    code, out, err = run(capsys, "check", "--diff", "bad.md")
    assert code == 1
    assert "--- a/bad.md\n+++ b/bad.md\n" in out
    assert "-WRONG and LAYOUT\n+RIGHT and LAYOUT\n" in out
    assert "would fix: 1 edit in 1 file" in err
    assert path.read_text() == "a\nWRONG and LAYOUT\n"
    out = run(capsys, "check", "--diff", "--fix-layout", "bad.md")[1]
    assert "+RIGHT and TRANSPOSED\n" in out


def test_diff_with_nothing_to_fix_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "ok.md", "fine\n")
    code, out, err = run(capsys, "check", "--diff", "ok.md")
    assert (code, out) == (0, "")


def test_fix_writes_atomically_keeping_mode_and_newlines(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = note(project, "bad.md", "a\r\nWRONG\r\nLAYOUT\r\n")
    os.chmod(path, 0o640)
    code, out, err = run(capsys, "check", "--fix", "bad.md")
    assert path.read_bytes() == b"a\r\nRIGHT\r\nLAYOUT\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "fixed: 1 edit in 1 file" in err
    assert code == 0  # only the (unfixed) layout warning is left
    assert "error[" not in out and "warning[layout-mismatch]" in out
    assert [p.name for p in project.iterdir() if p.name.startswith(".bad")] == []
    run(capsys, "check", "--fix", "--fix-layout", "bad.md")
    assert path.read_bytes() == b"a\r\nRIGHT\r\nTRANSPOSED\r\n"


def test_fix_follows_symlinks(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = note(project, "real.md", "WRONG\n")
    (project / "link.md").symlink_to(target)
    run(capsys, "check", "--fix", "link.md")
    assert (project / "link.md").is_symlink()
    assert target.read_text() == "RIGHT\n"


def test_check_never_writes_without_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = note(project, "bad.md", "WRONG\n")
    before = path.stat().st_mtime_ns
    run(capsys, "check", "--no-cache", "bad.md")
    assert path.read_text() == "WRONG\n" and path.stat().st_mtime_ns == before


# --- cache and parallel runs --------------------------------------------------------------

def test_unchanged_files_are_replayed_from_the_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "a.md", "WRONG\n")
    note(project, "b.md", "fine\n")
    first = run(capsys, "check", "--format", "json", ".")
    assert fakes.CALLS == ["a.md", "b.md"]
    assert (project / ".mathlint_cache" / "CACHEDIR.TAG").exists()
    fakes.CALLS.clear()
    second = run(capsys, "check", "--format", "json", ".")
    assert fakes.CALLS == [] and second == first
    note(project, "b.md", "fine, edited\n")
    run(capsys, "check", ".")
    assert fakes.CALLS == ["b.md"]
    fakes.CALLS.clear()
    run(capsys, "check", "--no-cache", ".")
    assert fakes.CALLS == ["a.md", "b.md"]
    fakes.CALLS.clear()
    run(capsys, "check", "--layout", "numerator", ".")  # other options: other entries
    assert fakes.CALLS == ["a.md", "b.md"]


def test_corrupt_cache_never_breaks_a_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "a.md", "WRONG\n")
    expected = run(capsys, "check", "a.md")
    for entry in (project / ".mathlint_cache").rglob("*.json"):
        entry.write_bytes(b"\xff\xfe not json")
    assert run(capsys, "check", "a.md") == expected
    assert run(capsys, "check", "a.md") == expected


def test_unwritable_cache_never_breaks_a_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note(project, "a.md", "WRONG\n")
    (project / "blocked").write_text("not a folder")
    code, out, err = run(capsys, "check", "--cache-dir", "blocked", "--verbose", "a.md")
    assert code == 1 and "a.md:1:1: error[wrong-derivative]" in out
    assert "cache disabled" in err


def test_parallel_run_keeps_input_order(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"n{i:02d}.md" for i in range(12)]
    for i, name in enumerate(names):
        note(project, name, "WRONG\n" * (i % 3) + "x\n")
    serial = run(capsys, "check", "--no-cache", "-j", "1", "--format", "json", ".")
    parallel = run(capsys, "check", "--no-cache", "-j", "2", "--format", "json", ".")
    assert parallel == serial
    assert [f["path"] for f in json.loads(parallel[1])["files"]] == names


def test_worker_count() -> None:
    from mathlint.config import Config

    assert runner.worker_count(Config(jobs=1), 100) == 1
    assert runner.worker_count(Config(jobs=0), runner.PARALLEL_MIN_FILES - 1) == 1
    assert runner.worker_count(Config(jobs=4), 3) == 3
    assert runner.worker_count(Config(jobs=0), 100) == runner.available_cores()
