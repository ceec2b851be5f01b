"""Paths and folders → the Markdown, LaTeX and reST files to check, in a stable order.

Folders are walked (symlinked folders are not followed) and yield ``*.md``, ``*.markdown``,
``*.tex`` and ``*.rst`` files sorted by path, skipping hidden entries, version-control and
tool folders (``.git``, ``node_modules``, MkDocs' ``site``, Sphinx's ``_build``...) and
virtual environments (any folder holding ``pyvenv.cfg``). A file named explicitly is kept
even when it is hidden (pre-commit passes exactly the staged files), unless its suffix is
not one mathlint reads — it is then listed in `Discovery.skipped`. A path that does not
exist is kept too: the checker reports it as an ``unreadable-file`` finding (exit 2).
``exclude`` patterns apply to explicit files as well, so pre-commit honours them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePath
from typing import Iterable, Sequence

from .parsers import SUFFIXES

SKIP_DIRS: frozenset[str] = frozenset({
    "node_modules", "site", "_build", "venv", "__pycache__", "site-packages",
})
"""Folder names never entered while walking (hidden folders are skipped too)."""


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[str, ...]
    """Files to check, in the order to report them (arguments in order, each folder sorted)."""
    skipped: tuple[str, ...] = ()
    """Explicitly named files that mathlint does not read (unknown suffix)."""


def is_checkable(path: str | os.PathLike[str]) -> bool:
    """Whether mathlint reads files with this name (by suffix, case-insensitive)."""
    return PurePath(path).suffix.lower() in SUFFIXES


def _excluded(path: Path, root: Path | None, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    candidates = [path.name]
    if root is not None:
        try:
            candidates.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            pass
    return any(fnmatch(candidate, pattern) for pattern in patterns for candidate in candidates)


def _skip_folder(folder: Path, root: Path | None, patterns: Sequence[str]) -> bool:
    name = folder.name
    return (
        name.startswith(".")
        or name in SKIP_DIRS
        or (folder / "pyvenv.cfg").exists()
        or _excluded(folder, root, patterns)
    )


def _walk(top: Path, root: Path | None, patterns: Sequence[str]) -> list[str]:
    found: list[tuple[tuple[str, ...], str]] = []
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames if not _skip_folder(here / d, root, patterns))
        for name in filenames:
            path = here / name
            if name.startswith(".") or not is_checkable(name) or _excluded(path, root, patterns):
                continue
            relative = path.relative_to(top)
            found.append((relative.parts, os.path.normpath(path)))
    return [shown for _, shown in sorted(found)]


def discover(
    paths: Iterable[str | os.PathLike[str]],
    exclude: Sequence[str] = (),
    root: str | os.PathLike[str] | None = None,
) -> Discovery:
    """The files to check for ``paths`` (files or folders), without duplicates.

    :param exclude: fnmatch patterns matched against each entry's name and its posix path
        relative to ``root``.
    :param root: the project root the patterns are relative to.
    """
    root_path = Path(root).resolve() if root is not None else None
    files: list[str] = []
    skipped: list[str] = []
    seen: set[str] = set()

    def add(shown: str) -> None:
        key = os.path.normcase(os.path.abspath(shown))
        if key not in seen:
            seen.add(key)
            files.append(shown)

    for given in paths:
        shown = os.fspath(given)
        path = Path(shown)
        if path.is_dir():
            for found in _walk(path, root_path, exclude):
                add(found)
        elif _excluded(path, root_path, exclude):
            continue
        elif path.exists() and not is_checkable(path):
            skipped.append(shown)
        else:
            add(shown)
    return Discovery(tuple(files), tuple(skipped))
