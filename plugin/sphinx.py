"""Sphinx extension ``mathlint.sphinx``: check each document's claims as it is read.

``conf.py``::

    extensions = ["mathlint.sphinx"]          # with "myst_parser" for Markdown pages
    mathlint_layout = None                     # "numerator" | "denominator" | None (pages decide)
    mathlint_fail_on = "error"                 # "error" | "warning" | "never"
    mathlint_annotate = True                   # verdict boxes next to the equations in HTML
    mathlint_select = []                       # rule codes (default: all)
    mathlint_ignore = []

Works on reStructuredText (``:math:``, ``.. math::``) and MyST Markdown (``$...$``,
``$$...$$``, amsmath): the document's *source file* is checked by the same library call as
the CLI (so lines are exact and prose context counts), then each finding at or above
``mathlint_fail_on`` becomes a Sphinx warning at ``(docname, line)`` with type
``mathlint`` and subtype the rule code — ``sphinx-build -W`` fails on it and
``suppress_warnings = ["mathlint.layout-mismatch"]`` silences one rule. Findings below the
threshold are logged at info level. Annotations are stock docutils nodes (an ``admonition``
titled "mathlint" with class ``error``/``warning``/``note`` after display math, an ``inline``
after inline math), so every builder renders them without custom visitors.

Parallel safety, honestly: the handler only reads the source file, writes into the
document's own doctree and keeps per-document counts in the environment, merged by
``env-merge-info`` and purged by ``env-purge-doc`` — so reading is parallel-safe; nothing
happens at write time. Sphinx re-reads only changed documents: an incremental build does
not repeat the warnings of unchanged ones (use ``-E`` or a fresh build directory in CI).
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from docutils import nodes
from sphinx.errors import ConfigError as SphinxConfigError
from sphinx.util import logging

from . import __version__
from .config import FAIL_ON_CHOICES, LAYOUT_CHOICES, Config, load_config, parse_codes
from .discover import is_checkable
from .errors import MathlintError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .checker.findings import FileReport, Finding

logger = logging.getLogger(__name__)

_SETTINGS: "weakref.WeakKeyDictionary[Any, Config]" = weakref.WeakKeyDictionary()
_SPACE = re.compile(r"\s+")
_ENV_WRAPPER = re.compile(r"^\\begin\{[^}]*\}|\\end\{[^}]*\}$")
_CLASS = {"error": "error", "warning": "warning", "info": "note"}


def _settings(app: "Sphinx") -> Config:
    """The mathlint `Config` for this build (pyproject of the project + ``mathlint_*`` values)."""
    found = _SETTINGS.get(app)
    if found is not None:
        return found
    cfg = app.config
    if cfg.mathlint_layout not in (None, *LAYOUT_CHOICES):
        raise SphinxConfigError(f"mathlint_layout must be one of {LAYOUT_CHOICES} or None, "
                                f"not {cfg.mathlint_layout!r}")
    if cfg.mathlint_fail_on not in FAIL_ON_CHOICES:
        raise SphinxConfigError(f"mathlint_fail_on must be one of {FAIL_ON_CHOICES}, not {cfg.mathlint_fail_on!r}")
    try:
        overrides: dict[str, Any] = {
            "layout": cfg.mathlint_layout,
            "fail_on": cfg.mathlint_fail_on,
            "select": parse_codes(cfg.mathlint_select, "mathlint_select") if cfg.mathlint_select else None,
            "ignore": parse_codes(cfg.mathlint_ignore, "mathlint_ignore") if cfg.mathlint_ignore else None,
        }
        settings = load_config([app.confdir], overrides)
    except MathlintError as exc:
        raise SphinxConfigError(f"mathlint: {exc}") from None
    _SETTINGS[app] = settings
    return settings


def _on_config_inited(app: "Sphinx", config: Any) -> None:
    if config.mathlint_enabled:
        _settings(app)  # fail early on a bad value, before any document is read


def _math_nodes(doctree: nodes.Node) -> list[nodes.Element]:
    return list(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))


def check_doctree(app: "Sphinx", doctree: nodes.document) -> None:
    """``doctree-read``: check the document's source, log findings, annotate its math nodes."""
    if not app.config.mathlint_enabled:
        return
    math = _math_nodes(doctree)
    if not math:
        return  # no math: nothing to read, nothing imported
    env = app.env
    docname = env.docname
    source = Path(env.doc2path(docname))
    if not is_checkable(source):
        return
    settings = _settings(app)
    from .renderers.summary import visible_findings
    from .runner import check_files

    run = check_files([str(source)], settings)
    for crash in run.crashes:
        logger.warning("mathlint: internal error: %s", crash.error, location=docname,
                       type="mathlint", subtype="internal")
    if not run.reports:
        return
    report = run.reports[0]
    shown = visible_findings(report)
    failing = 0
    for finding in shown:
        message = f"{finding.level.value}[{finding.code}] {finding.message}"
        where = (docname, finding.span.line)
        if settings.fails(finding.level):
            failing += 1
            logger.warning(message, location=where, type="mathlint", subtype=finding.code)
        else:
            logger.info(message, location=where)
    counts = env.__dict__.setdefault("mathlint_counts", {})
    counts[docname] = (len(report.claims), failing)
    if app.config.mathlint_annotate and shown:
        annotate(doctree, math, report, shown, docname)


# --- annotations ------------------------------------------------------------------------

def _flat(tex: str) -> str:
    return _SPACE.sub("", _ENV_WRAPPER.sub("", tex.strip()))


def _node_line(node: nodes.Node) -> int:
    current: nodes.Node | None = node
    while current is not None:
        if getattr(current, "line", None):
            return int(current.line)
        current = current.parent
    return 0


def _target(finding: "Finding", report: "FileReport", math: list[nodes.Element],
            flats: list[str], lines: list[int]) -> nodes.Element | None:
    """The math node a finding is about: same LaTeX (nearest by line), else the last one above it."""
    line = finding.span.line
    latex = None
    if finding.claim_index is not None and 0 <= finding.claim_index < len(report.claims):
        span_math = report.claims[finding.claim_index].claim.math
        latex = span_math.latex if span_math is not None else None
    if latex:
        wanted = _flat(latex)
        same = [i for i, flat in enumerate(flats) if wanted and (flat == wanted or wanted in flat)]
        if same:
            return math[min(same, key=lambda i: abs(lines[i] - line))]
    above = [i for i, node_line in enumerate(lines) if 0 < node_line <= line]
    return math[max(above, key=lambda i: (lines[i], i))] if above else None


def _note_children(findings: Iterable["Finding"], inline: bool) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for finding in findings:
        text = f"{finding.level.value}[{finding.code}]: {finding.message}"
        if inline:
            out.append(nodes.Text(f" ⟵ mathlint {text}"))
            if finding.expected:
                out += [nodes.Text("; expected "), nodes.math(finding.expected, finding.expected)]
            continue
        out.append(nodes.paragraph(text, text))
        if finding.expected:
            out.append(nodes.paragraph("Expected:", "Expected:"))
            # the attributes Sphinx's math visitors read (sphinx.ext.mathjax html_visit_displaymath)
            out.append(nodes.math_block(finding.expected, finding.expected, nowrap=False, number=None,
                                        label=None, docname=None))
    return out


def annotate(doctree: nodes.document, math: list[nodes.Element], report: "FileReport",
             findings: Iterable["Finding"], docname: str) -> None:
    """Insert each finding's note right after the math node it is about."""
    flats = [_flat(node.astext()) for node in math]
    lines = [_node_line(node) for node in math]
    grouped: dict[int, list["Finding"]] = {}
    for finding in findings:
        node = _target(finding, report, math, flats, lines)
        if node is not None:
            grouped.setdefault(id(node), []).append(finding)
    for node in math:
        found = grouped.get(id(node))
        if not found or node.parent is None:
            continue
        worst = min(found, key=lambda f: ("error", "warning", "info").index(f.level.value)).level.value
        classes = ["mathlint", f"mathlint-{worst}"]
        if isinstance(node, nodes.math_block):
            # a generic admonition with the severity as class: styled like `.. error::` by themes
            box = nodes.admonition("", nodes.title("mathlint", "mathlint"),
                                   *_note_children(found, inline=False), classes=[*classes, _CLASS[worst]])
            _fill_docname(box, docname)
            node.parent.insert(node.parent.index(node) + 1, box)
        else:
            note = nodes.inline("", "", *_note_children(found, inline=True), classes=classes)
            node.parent.insert(node.parent.index(node) + 1, note)


def _fill_docname(box: nodes.Element, docname: str) -> None:
    for block in box.findall(nodes.math_block):
        block["docname"] = docname


# --- environment bookkeeping (parallel reads) --------------------------------------------

def _purge(app: "Sphinx", env: "BuildEnvironment", docname: str) -> None:
    env.__dict__.get("mathlint_counts", {}).pop(docname, None)


def _merge(app: "Sphinx", env: "BuildEnvironment", docnames: Iterable[str], other: "BuildEnvironment") -> None:
    theirs = other.__dict__.get("mathlint_counts", {})
    mine = env.__dict__.setdefault("mathlint_counts", {})
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def _summary(app: "Sphinx", exception: BaseException | None) -> None:
    counts = app.env.__dict__.get("mathlint_counts", {}) if app.env is not None else {}
    if exception is None and counts:
        claims = sum(c for c, _ in counts.values())
        failing = sum(f for _, f in counts.values())
        logger.info("mathlint: %d claims checked in %d documents with math; findings at or above "
                    "mathlint_fail_on: %d", claims, len(counts), failing)


def setup(app: "Sphinx") -> dict[str, Any]:
    app.add_config_value("mathlint_enabled", True, "env", types=frozenset({bool}))
    app.add_config_value("mathlint_layout", None, "env", types=frozenset({str, type(None)}))
    app.add_config_value("mathlint_fail_on", "error", "env", types=frozenset({str}))
    app.add_config_value("mathlint_annotate", True, "env", types=frozenset({bool}))
    app.add_config_value("mathlint_select", [], "env", types=frozenset({list, tuple}))
    app.add_config_value("mathlint_ignore", [], "env", types=frozenset({list, tuple}))
    app.connect("config-inited", _on_config_inited)
    app.connect("doctree-read", check_doctree)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _summary)
    return {"version": __version__, "env_version": 1,
            "parallel_read_safe": True, "parallel_write_safe": True}
