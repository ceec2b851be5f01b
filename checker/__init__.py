"""`Document` → `FileReport`: recognise claims, verify them, lint notation, report findings.

The stages live in `mathlint.checker.pipeline` (a short, named list); this package entry stays
import-light, because `mathlint.checker.options` and the rule registry are needed by every
command (and the pre-commit path) long before — or without — any claim being checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..parsers.document import Document
    from .findings import FileReport
    from .options import CheckOptions

__all__ = ["check_document"]


def check_document(doc: "Document", options: "CheckOptions | None" = None) -> "FileReport":
    """Check every claim of ``doc``. Never raises on document content (unless ``options.strict``)."""
    if not doc.math and not doc.problems:
        from .findings import FileReport

        # nothing to check: the pre-commit path for prose-only files loads no checker at all
        return FileReport(path=doc.path, text=doc.text, newline=doc.newline, encoding=doc.encoding, bom=doc.bom)
    from .pipeline import check_document as run

    return run(doc, options)
