"""mathlint: verify the matrix-calculus claims in Markdown, LaTeX and reStructuredText notes."""

from __future__ import annotations

__version__ = "0.1.0"
