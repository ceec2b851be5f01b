"""A one-line progress bar on stderr for runs over many files (no dependency).

Drawn only when the caller enables it — the CLI does so when stderr is a terminal and the
output is the plain text format (never for json/sarif/github, whose consumers read stdout
and may capture stderr). It is transient: `close` erases it, leaving no trace in a log.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

_REDRAW_SECONDS = 0.08


class ProgressBar:
    """``[#####.....] 12/200 docs/notes.md`` redrawn in place, at most ~12 times a second."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = enabled and total > 1
        self._last = 0.0
        self._drawn = False

    def advance(self, label: str = "") -> None:
        """Count one more finished item (named ``label``) and redraw if it is time to."""
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < _REDRAW_SECONDS and self.done < self.total:
            return
        self._last = now
        width = shutil.get_terminal_size((80, 24)).columns
        cells = 20
        filled = cells * self.done // max(self.total, 1)
        line = f"[{'#' * filled}{'.' * (cells - filled)}] {self.done}/{self.total} {label}"
        try:
            self.stream.write("\r\x1b[K" + line[: max(width - 1, 10)])
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False
            return
        self._drawn = True

    def close(self) -> None:
        """Erase the bar (if one was drawn)."""
        if self._drawn:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self._drawn = False
        self.enabled = False

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
