"""The one call every adapter uses: read → parse → check → `FileReport`.

Environment problems (missing file, binary, undecodable, too large) become an
``unreadable-file`` finding on a report with ``readable=False``; nothing here raises on a
document's content.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .checker import check_document
from .checker.findings import FileReport, Finding
from .checker.options import CheckOptions
from .checker.rules import UNREADABLE_FILE
from .parsers import SourceFormat, format_for_path, parse_document
from .parsers.span import Span

if TYPE_CHECKING:
    from .config import Config


def _options(config: "Config | CheckOptions | None") -> CheckOptions:
    if config is None:
        return CheckOptions()
    if isinstance(config, CheckOptions):
        return config
    return config.check_options()


def check_text(text: str, path: str = "<text>", config: "Config | CheckOptions | None" = None,
               fmt: SourceFormat | None = None) -> FileReport:
    """Check already-decoded ``text`` as if it were the file ``path`` (its suffix picks the format)."""
    from .parsers.source import normalise_newlines

    normalised, newline = normalise_newlines(text)
    doc = parse_document(path, normalised, fmt)
    doc = _with_source_info(doc, newline, "utf-8", False)
    return check_document(doc, _options(config))


def check_bytes(data: bytes, path: str, config: "Config | CheckOptions | None" = None,
                fmt: SourceFormat | None = None) -> FileReport:
    """Decode ``data`` and check it; an undecodable or binary file gives an unreadable report."""
    from .parsers.source import UnreadableError, decode

    try:
        decoded = decode(data, path)
    except UnreadableError as exc:
        return unreadable_report(path, str(exc))
    doc = parse_document(path, decoded.text, fmt)
    doc = _with_source_info(doc, decoded.newline, decoded.encoding, decoded.bom)
    return check_document(doc, _options(config))


def check_path(path: str | Path, config: "Config | CheckOptions | None" = None) -> FileReport:
    """Read and check one file. Never raises for a bad file: see `unreadable_report`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return unreadable_report(name, f"cannot read {name}: {exc.strerror or exc}")
    return check_bytes(data, name, config, format_for_path(name))


def check_paths(paths: Iterable[str | Path], config: "Config | CheckOptions | None" = None) -> list[FileReport]:
    """Check several files in the given order (discovery and parallelism live in the CLI)."""
    return [check_path(p, config) for p in paths]


def unreadable_report(path: str, message: str) -> FileReport:
    span = Span(path, 0, 0, 1, 1, 1, 1)
    finding = Finding(UNREADABLE_FILE, span, {"message": message})
    return FileReport(path=path, findings=(finding,), readable=False)


def _with_source_info(doc, newline: str, encoding: str, bom: bool):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(doc, newline=newline, encoding=encoding, bom=bom)
