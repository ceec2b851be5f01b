"""Exceptions for the edges only: bad command lines and bad configuration (STYLE §5).

Problems with a *document* are values (findings, `unsupported` verdicts), never these.
Each exception carries fields, not just prose, so an adapter can report it its own way.
"""

from __future__ import annotations


class MathlintError(Exception):
    """Base of mathlint's edge exceptions; ``message`` is what the user reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(MathlintError):
    """A command line (or adapter option) that cannot be honoured: exit status 2."""


class ConfigError(MathlintError):
    """A configuration file that cannot be read or holds a bad value: exit status 2.

    ``path`` names the file (``None`` for values passed programmatically); ``key`` the
    offending setting when one is to blame.
    """

    def __init__(self, message: str, path: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.key = key

    def __str__(self) -> str:
        where = self.path or ""
        if self.key:
            where = f"{where} [tool.mathlint] {self.key}" if where else self.key
        return f"{where}: {self.message}" if where else self.message
