"""The standalone HTML report: one self-contained file, math as MathML, no network at view time.

Per run: a summary table (one row per file), status filters (a few lines of inline JS), and
per file every claim with a verdict badge, its math, the findings about it, the expected
result for wrong claims, the wrong terms, and the ``--explain`` steps. A Content-Security-
Policy allows nothing but the page's own inline style and its one script (by hash), so
the report cannot fetch anything; document text only ever reaches it HTML-escaped or as
MathML that `renderers.mathml` has checked.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable

from ..checker.findings import ClaimResult, FileReport, Finding
from ..checker.verdicts import Status
from .mathml import math_html
from .notes import SEVERITY_TONES, SYMBOLS, Part, Tone, join_parts, message_parts
from .summary import (
    Summary, as_reports, findings_by_claim, ordered_claims, plural, sorted_reports, summarise, summarise_file,
)
from .text import summary_line

STATUSES = (Status.VERIFIED, Status.WRONG, Status.UNSUPPORTED)
BADGES = {Status.VERIFIED: "✓ verified", Status.WRONG: "✗ wrong", Status.UNSUPPORTED: "? unsupported"}

CSS = """
:root { --ok: #1a7f37; --bad: #c62828; --warn: #b26a00; --info: #1f5fa8; --grey: #6b6b6b;
        --line: #d8dde3; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; }
header, main { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; font-size: 1.1em; }
code, .loc { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; }
code.tex { background: var(--bg); padding: .1rem .3rem; border-radius: 3px; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .2rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--bg); }
tr.total td { font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: .75rem 0; align-items: center; }
.filters label { cursor: pointer; user-select: none; }
ol.claims { list-style: none; padding: 0; margin: 0; }
li.claim { border: 1px solid var(--line); border-left-width: 5px; border-radius: 6px;
           padding: .5rem .75rem; margin: .6rem 0; }
li.claim.status-verified { border-left-color: var(--ok); }
li.claim.status-wrong { border-left-color: var(--bad); }
li.claim.status-wrong.layout { border-left-color: var(--warn); }
li.claim.status-unsupported { border-left-color: var(--grey); }
.claim-head { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; }
.badge { font-weight: 600; font-size: .85rem; padding: .05rem .5rem; border-radius: 1rem; color: #fff; }
.badge.verified { background: var(--ok); }
.badge.wrong { background: var(--bad); }
.badge.layout { background: var(--warn); }
.badge.unsupported { background: var(--grey); }
.kind, .loc { color: var(--grey); }
.suppressed { font-style: italic; color: var(--grey); }
.math { overflow-x: auto; padding: .25rem 0; }
.expected { background: #fdf3f2; border-radius: 4px; padding: .25rem .5rem; margin: .25rem 0; }
.expected > .label, .terms > .label { font-size: .85rem; font-weight: 600; color: var(--bad); }
.expected.derived { background: #eef6ee; } .expected.derived > .label { color: var(--ok); }
ul.findings { margin: .25rem 0; padding-left: 1.25rem; }
li.sev-error { color: var(--bad); } li.sev-warning { color: var(--warn); } li.sev-info { color: var(--info); }
details.explain summary { cursor: pointer; color: var(--info); }
.empty { color: var(--grey); font-style: italic; }
"""

SCRIPT = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  function apply() {
    var show = {};
    boxes.forEach(function (box) { show[box.getAttribute("data-filter")] = box.checked; });
    document.querySelectorAll("li.claim").forEach(function (item) {
      item.hidden = !show[item.getAttribute("data-status")];
    });
    document.querySelectorAll("section.file").forEach(function (section) {
      var shown = section.querySelectorAll("li.claim:not([hidden])").length;
      var note = section.querySelector(".none-shown");
      if (note) { note.hidden = shown > 0 || section.querySelectorAll("li.claim").length === 0; }
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
  document.documentElement.setAttribute("data-ready", "1");
})();
"""


def render_html(reports: FileReport | Iterable[FileReport], *, title: str = "mathlint report",
                **_options: object) -> str:
    """Render a run as one self-contained HTML page (UTF-8 text).

    Keyword options meant for other renderers are accepted and ignored.
    """
    runs = sorted_reports(as_reports(reports))
    total = summarise(runs)
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src 'sha256-{script_hash}'")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="summary-line">{html.escape(summary_line(total))}</p>',
        _summary_table(runs, total),
        _filters(total),
        "</header>",
        "<main>",
    ]
    for n, report in enumerate(runs, 1):
        parts.append(_file_section(report, n))
    parts += ["</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _summary_table(runs: tuple[FileReport, ...], total: Summary) -> str:
    head = "".join(f"<th>{name}</th>" for name in
                   ("file", "claims", "verified", "wrong", "unsupported", "errors", "warnings"))
    rows = [f'<table class="files"><thead><tr>{head}</tr></thead><tbody>']
    for n, report in enumerate(runs, 1):
        rows.append(_summary_row(f'<a href="#file-{n}">{html.escape(report.path)}</a>', summarise_file(report)))
    if len(runs) != 1:
        rows.append(_summary_row("total", total, css="total"))
    rows.append("</tbody></table>")
    return "".join(rows)


def _summary_row(label: str, s: Summary, css: str = "") -> str:
    cells = "".join(f"<td>{v}</td>" for v in (s.claims, s.verified, s.wrong, s.unsupported, s.errors, s.warnings))
    attr = f' class="{css}"' if css else ""
    return f"<tr{attr}><td>{label}</td>{cells}</tr>"


def _filters(total: Summary) -> str:
    counts = {Status.VERIFIED: total.verified, Status.WRONG: total.wrong, Status.UNSUPPORTED: total.unsupported}
    boxes = "".join(
        f'<label><input type="checkbox" data-filter="{s.value}" checked> '
        f'<span class="badge {s.value}">{BADGES[s]}</span> ({counts[s]})</label>'
        for s in STATUSES
    )
    return f'<div class="filters" role="group" aria-label="Show claims by status"><b>Show:</b>{boxes}</div>'


def _file_section(report: FileReport, n: int) -> str:
    by_claim = findings_by_claim(report)
    out = [f'<section class="file" id="file-{n}">', f"<h2>{html.escape(report.path)}</h2>",
           f'<p class="summary-line">{html.escape(_file_line(summarise_file(report)))}</p>']
    if not report.readable:
        out.append('<p class="empty">This file could not be read.</p>')
    claims = ordered_claims(report)
    if claims:
        out.append('<ol class="claims">')
        out.extend(_claim_item(report.path, result, by_claim.get(index, [])) for index, result in claims)
        out.append("</ol>")
        out.append('<p class="empty none-shown" hidden>No claim of the selected statuses.</p>')
    elif report.readable:
        out.append('<p class="empty">No claims found.</p>')
    others = by_claim.get(None, [])
    if others:
        out.append("<h3>Other findings</h3>")
        out.append(_findings_list(report.path, others, with_location=True))
    out.append("</section>")
    return "\n".join(out)


def _file_line(s: Summary) -> str:
    """``16 claims: 5 verified, 9 wrong, 2 unsupported; 8 errors, 2 warnings``."""
    return summary_line(s).split(", ", 1)[1]


def _claim_item(path: str, result: ClaimResult, findings: list[Finding]) -> str:
    claim, verdict = result.claim, result.verdict
    status = verdict.status
    layout = status is Status.WRONG and verdict.layout_mismatch
    css = f"claim status-{status.value}" + (" layout" if layout else "")
    badge_css = "badge layout" if layout else f"badge {status.value}"
    badge = "✗ layout mismatch" if layout else BADGES[status]
    kind = claim.kind.value
    if claim.kind.value in ("derivative", "differential"):
        kind += f" · {claim.layout.value} layout"
    if verdict.reason is not None:
        kind += f" · reason: {verdict.reason.value}"
    if verdict.reading:
        kind += f" · reading: {verdict.reading}"
    display = claim.math.display if claim.math is not None else True
    out = [
        f'<li class="{css}" data-status="{status.value}">',
        '<div class="claim-head">',
        f'<span class="{badge_css}">{html.escape(badge)}</span>',
        f'<span class="loc">{html.escape(path)}:{claim.span.line}:{claim.span.col}</span>',
        f'<span class="kind">{html.escape(kind)}</span>',
    ]
    if result.suppressed:
        out.append('<span class="suppressed">suppressed</span>')
    out.append("</div>")
    out.append(f'<div class="math" title="{html.escape(claim.latex)}">{math_html(claim.latex, display=display)}</div>')
    if findings:
        out.append(_findings_list(path, findings, with_location=False))
    if status is Status.UNSUPPORTED and verdict.detail:
        out.append(f'<p class="detail">{html.escape(verdict.detail)}</p>')
    wrong_terms = [t for t in verdict.terms if not t.ok]
    if wrong_terms:
        items = "".join(
            f"<li>term {t.index}: {math_html(t.latex)}"
            + (f" should be {math_html(t.expected_latex)}" if t.expected_latex else "") + "</li>"
            for t in wrong_terms
        )
        out.append(f'<div class="terms"><span class="label">Wrong terms</span><ul>{items}</ul></div>')
    expected = verdict.expected_latex or next((f.expected for f in findings if f.expected), None)
    if expected:
        label, css_extra = ("Derived", " derived") if status is Status.VERIFIED else ("Expected", "")
        out.append(f'<div class="expected{css_extra}"><span class="label">{label}</span>'
                   f'{math_html(expected, display=True)}</div>')
    if verdict.explanation:
        steps = "".join(f"<li>{math_html(step, display=True)}</li>" for step in verdict.explanation)
        out.append(f'<details class="explain"><summary>Explanation ({plural(len(verdict.explanation), "step")})'
                   f"</summary><ol>{steps}</ol></details>")
    out.append("</li>")
    return "\n".join(out)


def _findings_list(path: str, findings: list[Finding], *, with_location: bool) -> str:
    items = []
    for f in findings:
        where = f'<span class="loc">{html.escape(path)}:{f.span.line}:{f.span.col}</span> ' if with_location else ""
        symbol = SYMBOLS[SEVERITY_TONES.get(f.level, Tone.INFO)]
        label = "Derived" if f.code == "derived" else "Expected"
        expected = f" {label}: {math_html(f.expected)}" if (with_location and f.expected) else ""
        message = join_parts(message_parts(f.message), _part_html)
        items.append(f'<li class="sev-{f.level.value}">{where}{symbol} <code>{html.escape(f.code)}</code> '
                     f"{message}{expected}</li>")
    return f'<ul class="findings">{"".join(items)}</ul>'


def _part_html(part: Part) -> str:
    return math_html(part.value) if part.kind == "math" else html.escape(part.value)
