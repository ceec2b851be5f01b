"""Annotated Markdown: only insertions, in the file's newline style, never inside a list item or quote."""

from __future__ import annotations

import difflib
import re

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from mathlint.checker.claims import ClaimKind
from mathlint.checker.findings import FileReport
from mathlint.checker.verdicts import Status, Verdict
from mathlint.renderers.annotate_markdown import annotate_markdown, plan_insertions

from .conftest import MARKDOWN, Builder, build_markdown_report

MARKER = re.compile(r"\[\^mathlint-\d+\](?!:)")
CALLOUT_LINE = re.compile(r"^(> .*|>|!!! \w+ \"mathlint: .*\"|    .*|\[\^mathlint-\d+\]: .*|)$")


def inserted_lines(original: str, annotated: str) -> list[str]:
    """Lines of ``annotated`` that are not in ``original``; fails unless it is original + insertions."""
    a = original.split("\n")
    b = MARKER.sub("", annotated).split("\n")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    added: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        assert op in ("equal", "insert"), (op, a[i1:i2], b[j1:j2])
        if op == "insert":
            added.extend(b[j1:j2])
    return added


@pytest.mark.parametrize("style", ["github", "mkdocs"])
def test_only_insertions(md_report: FileReport, style: str) -> None:
    out = annotate_markdown(md_report, style=style)
    added = inserted_lines(MARKDOWN, out)
    assert added and all(CALLOUT_LINE.match(line) for line in added), added
    # the math and prose are untouched: removing markers and inserted lines gives the original back
    kept = [line for line in MARKER.sub("", out).split("\n")]
    assert len(kept) - len(added) == len(MARKDOWN.split("\n"))


@pytest.mark.parametrize("style", ["github", "mkdocs"])
def test_crlf_file_keeps_its_newlines(style: str) -> None:
    original = MARKDOWN.replace("\n", "\r\n")
    report = build_markdown_report(MARKDOWN, newline="\r\n")
    out = annotate_markdown(report, style=style)
    assert "\n" not in out.replace("\r\n", "")
    assert out.count("\r\n") > original.count("\r\n")
    normalised = out.replace("\r\n", "\n")
    inserted_lines(MARKDOWN, normalised)
    # strip the insertions the renderer planned: the exact original bytes come back
    assert strip_planned(report, style, out, "\r\n") == original


def strip_planned(report: FileReport, style: str, out: str, newline: str) -> str:
    text = out.replace(newline, "\n")
    for ins in sorted(plan_insertions(report, style=style), key=lambda i: i.offset, reverse=True):
        shift = sum(len(i.text) for i in plan_insertions(report, style=style) if i.offset < ins.offset)
        at = ins.offset + shift
        # insertions at the same offset are contiguous and in plan order
        same = [i for i in plan_insertions(report, style=style) if i.offset == ins.offset]
        at += sum(len(i.text) for i in same[:same.index(ins)])
        assert text[at:at + len(ins.text)] == ins.text
        text = text[:at] + text[at + len(ins.text):]
    return text.replace("\n", newline)


def test_callouts_by_verdict(md_report: FileReport) -> None:
    out = annotate_markdown(md_report)
    assert "> [!NOTE]\n> ✓ **verified** — denominator layout\n" in out
    assert "> [!CAUTION]\n> ✗ **wrong** — ∂f/∂X is BA" in out
    assert "> $$\n> \\mathbf{B}\\mathbf{A}\n> $$\n" in out  # expected RHS as display math
    assert "wrong term 2: $\\mathbf{X}$" in out  # the wrong term is named
    assert "> [!WARNING]\n> ? **unsupported** — reason: not-supported" in out
    assert "SUPPRESSED" not in out
    mk = annotate_markdown(md_report, style="mkdocs")
    assert '!!! success "mathlint: verified"\n    ✓ **verified**' in mk
    assert '!!! failure "mathlint: wrong"' in mk
    assert '!!! question "mathlint: unsupported"' in mk


def test_inline_math_gets_footnotes(md_report: FileReport) -> None:
    out = annotate_markdown(md_report)
    assert r"\mathbf{A}^T\mathbf{B}^T$[^mathlint-1] for any" in out
    assert r"\mathbf{a}\mathbf{b}^T$[^mathlint-2]." in out
    assert r"\operatorname{tr}(\mathbf{B}\mathbf{A})$[^mathlint-3] | yes |" in out
    tail = out[out.index("\n[^mathlint-1]: "):]
    assert tail.count("\n[^mathlint-") == 3
    assert "[^mathlint-2]: ⚠ **layout mismatch**" in tail
    assert out.endswith("\n")


def test_unknown_style() -> None:
    with pytest.raises(ValueError):
        annotate_markdown(build_markdown_report(), style="fancy")


NESTED = """Intro.

> Quote with display:
>
> $$
> a = b
> $$
> still quoted
lazy continuation

- item
  - nested, $$x = y$$ shown inline
    more of the nested item

1. numbered

   $$
   u = v
   $$

   continued paragraph of item 1
2. second item

After."""


def nested_report() -> FileReport:
    b = Builder("n.md", NESTED)
    ok = Verdict(Status.VERIFIED)
    m = b.math("$$\n", "\n> $$", display=True)
    b.claim(m, "a", "b", ClaimKind.EQUALITY, ok)
    m = b.math("$$", "$$", after=NESTED.index("nested,"), display=True)
    b.claim(m, "x", "y", ClaimKind.EQUALITY, ok)
    m = b.math("$$\n", "\n   $$", after=NESTED.index("1. numbered"), display=True)
    b.claim(m, "u", "v", ClaimKind.EQUALITY, Verdict(Status.WRONG, expected_latex="w"))
    return b.report()


def structure(text: str) -> list[tuple[str, int]]:
    md = MarkdownIt("commonmark").use(dollarmath_plugin)
    return [(t.type, t.level) for t in md.parse(text) if t.type.endswith("_open") or t.type.startswith("math")]


@pytest.mark.parametrize("style", ["github", "mkdocs"])
def test_never_breaks_a_list_item_or_quote(style: str) -> None:
    report = nested_report()
    out = annotate_markdown(report, style=style)
    inserted_lines(NESTED, out)
    lines = out.split("\n")
    first_callout = next(i for i, l in enumerate(lines) if l.startswith(("> [!", "!!! ")))
    assert lines[first_callout - 2] == "lazy continuation"
    # the list and its nested list are whole; the callouts come after them, before "After."
    before_after = lines[:lines.index("After.")]
    assert sum(1 for l in before_after if l.startswith(("> [!", "!!! "))) == 3
    assert lines.index("2. second item") < max(i for i, l in enumerate(lines) if l.startswith(("> [!", "!!! ")))
    # the original blocks keep their structure: remove the callouts and compare token streams
    original = structure(NESTED)
    annotated = structure(out)
    callout_tokens = [t for t in annotated if t not in original]
    assert all(level == 0 for _, level in callout_tokens), callout_tokens
    kept = [t for t in annotated if t in original]
    assert [t for t in original if t in kept] == original


def test_text_without_final_newline() -> None:
    text = "Only $$a = b$$"
    b = Builder("x.md", text)
    m = b.math("$$", "$$")
    b.claim(m, "a", "b", ClaimKind.EQUALITY, Verdict(Status.VERIFIED))
    out = annotate_markdown(b.report())
    assert out.startswith(text + "\n\n> [!NOTE]\n")
    b = Builder("y.md", "Inline $a = b$")
    m = b.math("$", "$", display=False)
    b.claim(m, "a", "b", ClaimKind.EQUALITY, Verdict(Status.VERIFIED))
    assert annotate_markdown(b.report()) == "Inline $a = b$[^mathlint-1]\n\n[^mathlint-1]: ✓ **verified**\n"


def test_no_claims_no_change() -> None:
    b = Builder("z.md", "Nothing\r\nhere\n")
    assert annotate_markdown(b.report()) == "Nothing\r\nhere\n"
