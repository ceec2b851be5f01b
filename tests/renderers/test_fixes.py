"""--fix: edits applied back to front in the file's own newline style and encoding; --diff."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mathlint.checker.findings import Edit, FileReport
from mathlint.parsers.span import LineIndex
from mathlint.renderers.fixes import apply_edits, collect_edits, encode_text, fix_report, unified_diff

from .conftest import LATEX, MARKDOWN, build_markdown_report


def edit(text: str, start: int, end: int, new: str) -> Edit:
    return Edit(LineIndex(text, "f").span(start, end), new)


def test_apply_back_to_front_any_order() -> None:
    text = "a = b + c + d"
    edits = [edit(text, 12, 13, "DD"), edit(text, 4, 5, "B"), edit(text, 8, 9, "")]
    new, applied, skipped = apply_edits(text, edits)
    assert new == "a = B +  + DD"
    assert len(applied) == 3 and not skipped


def test_overlapping_and_out_of_range_edits_are_skipped() -> None:
    text = "0123456789"
    first, overlapping, outside = edit(text, 2, 5, "x"), edit(text, 4, 6, "y"), Edit(
        LineIndex(text, "f").span(8, 8).__class__("f", 8, 99, 1, 9, 1, 100), "z")
    new, applied, skipped = apply_edits(text, [overlapping, first, outside])
    assert new == "01x56789"
    assert applied == (first,) and set(skipped) == {overlapping, outside}


def test_insertions_and_adjacent_edits() -> None:
    text = "ab"
    new, applied, _ = apply_edits(text, [edit(text, 1, 1, "X"), edit(text, 1, 2, "Y"), edit(text, 0, 1, "Z")])
    assert new == "ZXY" and len(applied) == 3
    assert apply_edits(text, [edit(text, 0, 1, "Q"), edit(text, 0, 1, "Q")])[0] == "Qb"  # duplicate once


def test_fix_report_replaces_wrong_rhs_only(md_report: FileReport) -> None:
    result = fix_report(md_report)
    assert result.changed and len(result.applied) == 2  # two wrong derivatives; not layout, not suppressed
    new = result.text
    assert r"{\partial \mathbf{X}} = \mathbf{B}\mathbf{A} \tag{2}" in new  # \tag kept
    assert r"\mathbf{H}^T + \mathbf{X}" not in new
    assert r"= \mathbf{0}" in new  # suppressed claim untouched
    assert r"= \mathbf{a}\mathbf{b}^T$." in new  # layout fix only with fix_layout
    assert r"= \mathbf{b}\mathbf{a}^T$." in fix_report(md_report, fix_layout=True).text
    assert len(collect_edits(md_report, fix_layout=True)) == 3


def test_fix_keeps_crlf_and_bom() -> None:
    report = replace(build_markdown_report(MARKDOWN, newline="\r\n"), bom=True)
    new = fix_report(report).text
    assert "\n" not in new.replace("\r\n", "")
    assert new.count("\r\n") == MARKDOWN.count("\n")
    data = encode_text(new, report.encoding, report.bom)
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    assert b"\\mathbf{B}\\mathbf{A} \\tag{2}\r\n" in data


def test_encode_text() -> None:
    assert encode_text("é", "latin-1") == b"\xe9"
    assert encode_text("x", "utf-8-sig") == b"\xef\xbb\xbfx"
    assert encode_text("x", "utf-16-le", bom=True) == b"\xff\xfex\x00"
    with pytest.raises(UnicodeEncodeError):
        encode_text("∂", "latin-1")


def test_nothing_to_fix_changes_nothing(md_report: FileReport) -> None:
    # what a second --fix run sees once the checker agrees: no fixable findings, same bytes back
    clean = replace(md_report, findings=tuple(f for f in md_report.findings if f.fix is None))
    assert fix_report(clean).text == MARKDOWN and not fix_report(clean).changed
    crlf = replace(clean, newline="\r\n")
    assert fix_report(crlf).text == MARKDOWN.replace("\n", "\r\n")


def test_unreadable_report_is_left_alone() -> None:
    from .conftest import unreadable_report

    assert fix_report(unreadable_report()).text == "" and not fix_report(unreadable_report()).changed


def test_unified_diff(tex_report: FileReport) -> None:
    new = fix_report(tex_report).text
    diff = unified_diff(LATEX, new, "docs/notes.tex")
    assert diff.startswith("--- a/docs/notes.tex\n+++ b/docs/notes.tex\n@@ ")
    assert "-  &= D A\n+  &= D^T A^T\n" in diff
    assert unified_diff(LATEX, LATEX, "x") == ""


def test_unified_diff_without_final_newline() -> None:
    diff = unified_diff("a\nb", "a\nc", "f.md")
    assert diff.endswith("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")
    assert unified_diff("a\r\nb\r\n", "a\r\nc\r\n", "f.md").endswith(" a\r\n-b\r\n+c\r\n")
