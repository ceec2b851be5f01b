"""Check many files: replay unchanged ones from the report cache, check the rest in parallel.

The output order is always the order of the input files, however the work was scheduled.
Each file is checked by `mathlint.api.check_path` (the one call every adapter uses); a bug
that escapes it for one file becomes a `Crash` for that file instead of ending the run.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from .cache import ReportCache
from .checker.findings import FileReport
from .config import Config
from .progress import ProgressBar

if TYPE_CHECKING:
    from concurrent.futures import Future

PARALLEL_MIN_FILES = 8
"""Below this many files to check, worker start-up (numpy import per process) is not worth it."""


@dataclass(frozen=True, slots=True)
class Crash:
    """An unexpected exception while checking one file (a mathlint bug, never the document's fault)."""

    path: str
    error: str
    """``ExceptionType: message``."""
    traceback: str


@dataclass(frozen=True, slots=True)
class RunResult:
    reports: tuple[FileReport, ...]
    """One report per input file that did not crash, in input order."""
    crashes: tuple[Crash, ...] = ()
    cache_hits: int = 0
    cache_problem: str | None = None
    """Why the cache was switched off during the run, if it was."""


def check_one(path: str, data: bytes | None, config: Config) -> FileReport:
    """Check one file through the public API (imported here: it pulls in the checker).

    ``data`` is the file's content when the caller has read it already (None: read it, or
    report why it cannot be read).
    """
    from . import api

    if data is None:
        return api.check_path(path, config)
    return api.check_bytes(data, path, config)


def _guarded(path: str, data: bytes | None, config: Config) -> FileReport | Crash:
    try:
        return check_one(path, data, config)
    except Exception as exc:  # noqa: BLE001 - the boundary: one file's bug must not sink the run
        return Crash(path, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _decoded_text(data: bytes, path: str) -> str | None:
    """The text the checker will see for ``data``, or None when it is unreadable."""
    from .parsers.source import UnreadableError, decode

    try:
        text: str = decode(data, path).text
        return text
    except UnreadableError:
        return None


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None  # check_path reports why


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(config: Config, pending: int) -> int:
    """How many processes to check ``pending`` files with (1 means in this process)."""
    if config.jobs == 1 or pending < 2:
        return 1
    if config.jobs == 0 and pending < PARALLEL_MIN_FILES:
        return 1
    wanted = config.jobs or available_cores()
    return max(1, min(wanted, pending))


def check_files(
    files: Sequence[str], config: Config, progress: ProgressBar | None = None
) -> RunResult:
    """Reports for ``files`` (in order): cached ones replayed, the others checked.

    :param progress: advanced once per file, whether replayed or checked.
    """
    cache = ReportCache(config.cache_path(), config.check_options())
    results: list[FileReport | Crash | None] = [None] * len(files)
    contents: dict[int, bytes | None] = {}
    keys: dict[int, str] = {}
    hits = 0
    for index, path in enumerate(files):
        data = contents[index] = _read(path)
        text = _decoded_text(data, path) if data is not None and cache.store.enabled else None
        if text is not None:
            keys[index] = cache.key(path, data)  # type: ignore[arg-type]
            hit = cache.get(keys[index], path, text)
            if hit is not None:
                results[index] = hit
                hits += 1
                del contents[index]
                if progress:
                    progress.advance(path)

    def finish(index: int, outcome: FileReport | Crash) -> None:
        results[index] = outcome
        contents.pop(index, None)
        if isinstance(outcome, FileReport) and index in keys:
            cache.put(keys[index], outcome)
        if progress:
            progress.advance(files[index])

    pending = sorted(contents)
    workers = worker_count(config, len(pending))
    if workers > 1:
        pending = _run_parallel(files, contents, config, workers, finish)
    for index in pending:
        finish(index, _guarded(files[index], contents[index], config))

    reports = tuple(r for r in results if isinstance(r, FileReport))
    crashes = tuple(r for r in results if isinstance(r, Crash))
    return RunResult(reports, crashes, hits, cache.store.problem)


def _run_parallel(
    files: Sequence[str],
    contents: dict[int, bytes | None],
    config: Config,
    workers: int,
    finish: Callable[[int, FileReport | Crash], None],
) -> list[int]:
    """Check the files of ``contents`` across processes; returns the indices still to do.

    Indices are left over only when the pool broke (a worker was killed) or could not start.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only for many files
    from concurrent.futures.process import BrokenProcessPool

    left = set(contents)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures: dict[Future[FileReport | Crash], int] = {
                pool.submit(_guarded, files[i], data, config): i for i, data in contents.items()
            }
            try:
                for future in as_completed(futures):
                    index = futures[future]
                    outcome = future.result()
                    left.discard(index)
                    finish(index, outcome)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    except BrokenProcessPool:
        pass  # a worker died (killed, out of memory): finish in this process
    except OSError:
        pass  # no processes to be had (sandbox, limits): finish in this process
    return sorted(left)

