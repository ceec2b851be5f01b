"""bytes → `Document`: extraction of math spans, prose and directives from Markdown, LaTeX, reST."""

from __future__ import annotations

from .document import Document, SourceFormat

__all__ = ["Document", "SourceFormat", "parse_document", "format_for_path"]

SUFFIXES: dict[str, SourceFormat] = {
    ".md": SourceFormat.MARKDOWN,
    ".markdown": SourceFormat.MARKDOWN,
    ".tex": SourceFormat.LATEX,
    ".rst": SourceFormat.RST,
}


def format_for_path(path: str) -> SourceFormat | None:
    """The source format a file name implies, or None when mathlint does not read it."""
    from pathlib import PurePath

    return SUFFIXES.get(PurePath(path).suffix.lower())


def parse_document(path: str, text: str, fmt: SourceFormat | None = None) -> Document:
    """Extract math spans, prose and directives from already-decoded ``text``.

    Never raises on document content: problems become `Document.problems`.
    """
    fmt = fmt or format_for_path(path) or SourceFormat.MARKDOWN
    if fmt is SourceFormat.LATEX:
        from .latex_spans import extract_latex

        return extract_latex(path, text)
    if fmt is SourceFormat.RST:
        from .rst_spans import extract_rst

        return extract_rst(path, text)
    from .markdown_spans import extract_markdown

    return extract_markdown(path, text)
