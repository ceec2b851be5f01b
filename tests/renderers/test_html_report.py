"""The HTML report: self-contained, MathML math, badges, expected results, steps, filters, escaping."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from html.parser import HTMLParser

from mathlint.checker.findings import FileReport
from mathlint.renderers.html_report import SCRIPT, render_html
from mathlint.renderers.mathml import is_safe_mathml, math_html, prepare, to_mathml

from .conftest import build_latex_report, build_markdown_report, unreadable_report


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def run_page() -> str:
    return render_html((build_markdown_report(), build_latex_report(), unreadable_report()))


def test_self_contained_no_network() -> None:
    page = run_page()
    tags = parse(page).tags
    for tag, attrs in tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), (tag, attrs)
    assert not any(tag == "link" and attrs.get("rel") == "stylesheet" for tag, attrs in tags)
    csp = next(attrs["content"] for tag, attrs in tags if attrs.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert page.count("<script>") == 1 and f"<script>{SCRIPT}</script>" in page


def test_claims_math_badges_and_filters() -> None:
    page = run_page()
    items = re.findall(r'<li class="claim status-(\w+)[^"]*" data-status="(\w+)"', page)
    assert len(items) == 21 and all(a == b for a, b in items)
    assert page.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">') >= 21
    assert 'class="tex"' not in page  # every fixture formula converted
    for status, count in (("verified", 8), ("wrong", 10), ("unsupported", 3)):
        assert f'data-filter="{status}" checked>' in page
        assert re.search(rf'data-filter="{status}" checked> <span class="badge {status}">[^<]+</span> \({count}\)', page)
    assert "✗ layout mismatch" in page and "✓ verified" in page and "? unsupported" in page
    assert page.count('<span class="suppressed">suppressed</span>') == 1
    assert "SUPPRESSED FINDING" not in page


def test_expected_terms_and_explanations() -> None:
    page = run_page()
    assert page.count('<div class="expected"><span class="label">Expected</span>') >= 6
    assert '<div class="expected derived"><span class="label">Derived</span>' in page
    assert '<div class="terms"><span class="label">Wrong terms</span>' in page
    assert "<summary>Explanation (2 steps)</summary>" in page
    assert "<summary>Explanation (1 step)</summary>" in page


def test_summary_table_per_file() -> None:
    page = run_page()
    rows = re.findall(r'<tr><td><a href="#file-(\d)">([^<]+)</a></td>((?:<td>\d+</td>){6})</tr>', page)
    assert [(n, p) for n, p, _ in rows] == [("1", "docs/binary.md"), ("2", "docs/notes.md"), ("3", "docs/notes.tex")]
    assert rows[1][2] == "<td>16</td><td>5</td><td>9</td><td>2</td><td>8</td><td>2</td>"
    assert '<tr class="total"><td>total</td><td>21</td><td>8</td><td>10</td><td>3</td><td>10</td><td>2</td></tr>' in page
    assert "This file could not be read." in page


def test_hostile_document_text_is_escaped() -> None:
    report = build_markdown_report()
    hostile = replace(report.findings[0], args={"message": "<script>alert(1)</script> & <b>"})
    claims = list(report.claims)
    claims[0] = replace(claims[0], claim=replace(claims[0].claim, latex=r"\text{<img src=x onerror=alert(1)>} = 1"))
    page = render_html(replace(report, findings=(hostile, *report.findings[1:]), claims=tuple(claims)))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert "<img" not in page
    assert '<code class="tex">\\text{&lt;img src=x onerror=alert(1)&gt;} = 1</code>' in page
    assert 'title="\\text{&lt;img src=x onerror=alert(1)&gt;} = 1"' in page


def test_mathml_guards() -> None:
    assert prepare(r"\tr(X^\T) + \Tr(Y) + \diag(x) + \bm{A} + \Theta") == (
        r"\operatorname{tr}(X^\top) + \operatorname{Tr}(Y) + \operatorname{diag}(x) + \boldsymbol{A} + \Theta")
    assert prepare(r"\begin{bmatrix} a & b \end{bmatrix}^{-1} &= c \\ d") == (
        r"{\begin{bmatrix} a & b \end{bmatrix}}^{-1}  = c   d")
    assert to_mathml(r"\unknownmacro{x}") is None  # would render as a literal \unknownmacro
    for broken in (r"\frac{1}{", "}{", r"\begin{bmatrix", "^^", r"\left(", ""):
        math_html(broken)  # never raises
    assert math_html(r"\unknownmacro{x} < y") == r'<code class="tex">\unknownmacro{x} &lt; y</code>'
    mml = to_mathml(r"{\begin{bmatrix} a \end{bmatrix}}^{-1}", display=True)
    assert mml is not None and "<mtable>" in mml
    assert is_safe_mathml('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>')
    assert not is_safe_mathml('<math xmlns="http://www.w3.org/1998/Math/MathML"><mtext><b>x</b></mtext></math>')
    assert not is_safe_mathml('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi onclick="x()">x</mi></math>')
    assert not is_safe_mathml("<math><mi>&</mi></math>")


def test_empty_run() -> None:
    page = render_html(())
    assert "0 files, 0 claims" in page and page.endswith("</html>\n")


def test_one_report(md_report: FileReport) -> None:
    page = render_html(md_report, title="My <notes>")
    assert "<title>My &lt;notes&gt;</title>" in page
    assert '<tr class="total">' not in page
