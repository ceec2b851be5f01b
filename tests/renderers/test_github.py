"""GitHub workflow commands: one per finding, severities mapped, data and properties escaped."""

from __future__ import annotations

from dataclasses import replace

from mathlint.checker.findings import FileReport
from mathlint.renderers.github import escape_data, escape_property, format_annotation, render_github

from .conftest import build_markdown_report, unreadable_report


def test_escaping_rules() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_data("a:b,c") == "a:b,c"  # the message keeps : and ,
    assert escape_property("dir,x/a:b.md") == "dir%2Cx/a%3Ab.md"
    assert escape_property("%\n") == "%25%0A"
    # % first, so an escape is never escaped twice
    assert escape_data("%0A") == "%250A"


def test_one_command_per_visible_finding(md_report: FileReport) -> None:
    lines = render_github(md_report).splitlines()
    assert len(lines) == len([f for f in md_report.findings if "SUPPRESSED" not in f.message])
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    first = lines[0]
    assert first.startswith(
        "::error file=docs/notes.md,line=10,col=92,endLine=10,endColumn=116,"
        "title=mathlint wrong-derivative::∂f/∂X is BA"
    )
    assert first.endswith("%0AExpected: \\mathbf{B}\\mathbf{A}")
    assert any(line.startswith("::warning ") and "layout-mismatch" in line for line in lines)
    assert any(line.startswith("::notice ") and "parse-error" in line for line in lines)


def test_message_and_path_escaping_in_a_command(md_report: FileReport) -> None:
    finding = replace(md_report.findings[0], args={"message": "50% wrong:\nsee, here"})
    line = format_annotation("my,dir/a:b.md", finding)
    head, _, message = line.partition("::")[2].partition("::")
    assert "file=my%2Cdir/a%3Ab.md," in head
    assert message.startswith("50%25 wrong:%0Asee, here")
    assert "\n" not in line


def test_unreadable_and_clean() -> None:
    assert render_github(unreadable_report()) == (
        "::error file=docs/binary.md,line=1,col=1,endLine=1,endColumn=1,"
        "title=mathlint unreadable-file::binary file (NUL bytes): not read\n")
    assert render_github(()) == ""
    assert render_github(build_markdown_report(path="docs\\win.md")).startswith("::error file=docs/win.md,")
