"""``mathlint check --fix`` / ``--diff``: apply the reports' fix edits, write files atomically or show diffs.

The edits themselves are applied by `mathlint.renderers.fixes` (pure: text in, text out);
this module owns the side effects: a file is rewritten through a temporary file in the same
folder and `os.replace`, keeping its permission bits, its encoding, BOM and newline style —
so an interrupted run never leaves a half-written note.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .checker.findings import FileReport
from .renderers.fixes import encode_text, fix_report, restore_newlines, unified_diff


@dataclass(frozen=True, slots=True)
class FixOutcome:
    path: str
    edits: int
    """How many edits went in (or would, with ``--diff``)."""
    diff: str = ""
    error: str | None = None
    """Why the file was left alone (cannot encode the replacement, cannot write)."""


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` all at once, keeping its permission bits.

    A symlink is followed: its target is rewritten and the link stays a link.
    Raises `OSError` when the folder is not writable (the original is then untouched).
    """
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".mathlint")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def apply_fixes(
    reports: Sequence[FileReport], *, fix_layout: bool = False, write: bool = True
) -> list[FixOutcome]:
    """Fix every report that has applicable edits; one outcome per file that would change.

    :param write: False computes the unified diffs only (``--diff``).
    """
    outcomes: list[FixOutcome] = []
    for report in reports:
        if not report.readable or report.text is None:
            continue
        result = fix_report(report, fix_layout=fix_layout)
        if not result.changed:
            continue
        old = restore_newlines(report.text, report.newline)
        if not write:
            outcomes.append(FixOutcome(report.path, len(result.applied),
                                       unified_diff(old, result.text, report.path)))
            continue
        try:
            data = encode_text(result.text, report.encoding, report.bom)
        except (UnicodeEncodeError, LookupError) as exc:
            outcomes.append(FixOutcome(report.path, 0, error=f"cannot encode the fix as {report.encoding}: {exc}"))
            continue
        try:
            write_atomic(report.path, data)
        except OSError as exc:
            outcomes.append(FixOutcome(report.path, 0, error=f"cannot write: {exc.strerror or exc}"))
            continue
        outcomes.append(FixOutcome(report.path, len(result.applied)))
    return outcomes
