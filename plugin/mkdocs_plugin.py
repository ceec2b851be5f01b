"""MkDocs plugin ``mathlint``: check each page's claims, log findings as warnings, annotate pages.

``mkdocs.yml``::

    plugins:
      - search
      - mathlint:
          layout: denominator     # optional; default: what each page declares
          fail_on: error          # error | warning | never: what becomes a MkDocs warning
          annotate: true          # verdict callouts on the built pages
          select: []              # rule codes (default: all)
          ignore: [parse-error]

Findings at or above ``fail_on`` are logged as warnings (so ``mkdocs build --strict``
fails), the others at info level. Positions are read from the page's *source file*: the
Markdown MkDocs hands a plugin has its front matter stripped, which would shift every line.
Pages without math are recognised by a byte scan and cost nothing more. ``[tool.mathlint]``
of the project's pyproject.toml is read first, as for the CLI; the verdict cache is shared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config as MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from .config import FAIL_ON_CHOICES, LAYOUT_CHOICES, Config, load_config
from .discover import is_checkable
from .errors import MathlintError

log = get_plugin_logger(__name__)

MATH_MARKERS: tuple[bytes, ...] = (b"$", b"\\(", b"\\[", b"\\begin", b"```math", b"~~~math")
"""A page holding none of these has no math for mathlint to read: skipped without parsing."""

ANNOTATION_EXTENSIONS: tuple[str, ...] = ("admonition", "footnotes")
"""Markdown extensions the ``mkdocs``-style callouts and inline-math footnotes render with."""


def may_hold_math(data: bytes) -> bool:
    """Cheap pre-check: could these bytes contain math delimiters at all?"""
    return any(marker in data for marker in MATH_MARKERS)


class MathlintPluginConfig(MkDocsConfig):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    layout = c.Optional(c.Choice(LAYOUT_CHOICES))
    fail_on = c.Choice(FAIL_ON_CHOICES, default="error")
    annotate = c.Type(bool, default=True)
    select = c.ListOfItems(c.Type(str), default=[])
    ignore = c.ListOfItems(c.Type(str), default=[])
    timeout = c.Optional(c.Type((int, float)))
    cache = c.Type(bool, default=True)


class MathlintPlugin(BasePlugin[MathlintPluginConfig]):  # type: ignore[no-untyped-call]
    """Checks every page's math as it is built (a thin adapter over `mathlint.api`)."""

    def __init__(self) -> None:
        self.settings: Config | None = None
        self.counts = {"pages": 0, "claims": 0, "failing": 0}

    def on_config(self, config: Any) -> Any:
        # reset: `mkdocs serve` rebuilds with the same plugin instance
        self.counts = {"pages": 0, "claims": 0, "failing": 0}
        if not self.config.enabled:
            return config
        overrides: dict[str, Any] = {
            "layout": self.config.layout,
            "fail_on": self.config.fail_on,
            "timeout": self.config.timeout,
            "select": self.config.select or None,
            "ignore": self.config.ignore or None,
            "no_cache": None if self.config.cache else True,
        }
        try:
            from .config import parse_codes

            for key in ("select", "ignore"):
                if overrides[key]:
                    overrides[key] = parse_codes(overrides[key], f"plugins.mathlint.{key}")
            anchor = config.config_file_path or config.docs_dir
            self.settings = load_config([anchor], overrides)
        except MathlintError as exc:
            raise PluginError(f"mathlint: {exc}") from None
        if self.config.annotate:
            for name in ANNOTATION_EXTENSIONS:
                if name not in config.markdown_extensions:
                    config.markdown_extensions.append(name)
        return config

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        if self.settings is None:
            return markdown
        source = page.file.abs_src_path
        if not source or not is_checkable(source):
            return markdown
        try:
            data = Path(source).read_bytes()
        except OSError:
            return markdown  # MkDocs itself reports unreadable pages
        if not may_hold_math(data):
            return markdown
        report = self._check(source)
        if report is None:
            return markdown
        shown = page.file.src_uri
        self.counts["pages"] += 1
        self.counts["claims"] += len(report.claims)
        from .renderers.summary import visible_findings

        for finding in visible_findings(report):
            span = finding.span
            text = f"{shown}:{span.line}:{span.col}: {finding.level.value}[{finding.code}] {finding.message}"
            if self.settings.fails(finding.level):
                self.counts["failing"] += 1
                log.warning(text)
            elif finding.level.value == "info":
                log.debug(text)
            else:
                log.info(text)
        if self.config.annotate and report.claims:
            return self._annotated(report, markdown)
        return markdown

    def on_post_build(self, config: Any) -> None:
        if self.settings is not None and self.counts["pages"]:
            log.info(
                "%d claims checked on %d pages; findings at or above fail_on=%s: %d",
                self.counts["claims"], self.counts["pages"], self.settings.fail_on, self.counts["failing"],
            )

    def _check(self, source: str) -> Any:
        from .runner import check_files

        assert self.settings is not None
        run = check_files([source], self.settings)
        for crash in run.crashes:
            log.error("internal error while checking %s: %s", crash.path, crash.error)
        return run.reports[0] if run.reports else None

    @staticmethod
    def _annotated(report: Any, markdown: str) -> str:
        """The page with callouts, if the page is still what its file says; else as given."""
        from mkdocs.utils.meta import get_data

        from .renderers.annotate_markdown import annotate_markdown

        original, _ = get_data(report.text or "")
        if original != markdown:  # another plugin rewrote the page: do not undo its work
            return markdown
        annotated = annotate_markdown(report, style="mkdocs").replace("\r\n", "\n").replace("\r", "\n")
        body, _ = get_data(annotated)
        return body
