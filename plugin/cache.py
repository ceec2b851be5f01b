"""The cache: whole-file reports (`ReportCache`) and per-claim verdicts (`VerdictCache`).

Location: ``<project root>/.mathlint_cache`` (like ``.pytest_cache``/``.ruff_cache``; the
root is where ``pyproject.toml``/``.git`` is, see `mathlint.config`), or ``cache-dir`` in
``[tool.mathlint]``, or ``$MATHLINT_CACHE_DIR``, or ``--cache-dir``; ``--no-cache`` turns it
off. The folder holds a ``CACHEDIR.TAG`` and a ``.gitignore`` of ``*`` so it is never
committed or backed up. Layout: ``<dir>/<mathlint version>/<namespace>/<k[:2]>/<k[2:]>.json``,
one JSON file per key, written to a temporary file and renamed into place, so parallel
processes (pre-commit splits the file list) never see half an entry.

Every key mixes in the mathlint version *and* a fingerprint of the installed source files
(sizes and mtimes), so an edited checker never serves stale verdicts. A corrupt entry is
a miss (and is overwritten); a cache folder that cannot be created or written turns the
cache off for the rest of the run. The cache never makes a run fail.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import fields, replace
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .checker.findings import FileReport
from .checker.options import CheckOptions
from .serialize import decode, encode

_NOT_CACHED_REASONS = frozenset({"timeout", "internal"})
"""Verdicts that depend on the machine's load or on a bug: never replayed from the cache."""

_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# mathlint cache (https://bford.info/cachedir/)\n"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of mathlint's own source files (path, size, mtime): changes when the code does."""
    folders: set[str] = set()
    for package in ("mathlint", "mathlint.parsers", "mathlint.checker", "mathlint.renderers"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            folders.update(spec.submodule_search_locations)
    digest = hashlib.sha256(__version__.encode())
    for folder in sorted(folders):
        for current, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    path = os.path.join(current, name)
                    try:
                        st = os.stat(path)
                    except OSError:
                        continue
                    digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def hash_key(*parts: str | bytes) -> str:
    """A cache key: sha256 over the code fingerprint and ``parts`` (unambiguously separated)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def value_fingerprint(*values: Any) -> str:
    """A canonical text of core values for cache keys (``compare=False`` fields left out).

    Two values that are ``==`` give the same text, across processes (sets are sorted), so
    ``VerdictCache.key(claim.latex, value_fingerprint(claim.context, claim.layout))`` keys a
    claim by its mathematics and context, not by where it sits in the file.
    """
    return json.dumps(encode(values, compared_only=True), sort_keys=True, separators=(",", ":"))


def options_fingerprint(options: CheckOptions) -> str:
    """A canonical text of the `CheckOptions` fields that change results (compare=False ones do not)."""
    canonical: dict[str, Any] = {}
    for f in fields(options):
        if not f.compare:
            continue
        value = getattr(options, f.name)
        if isinstance(value, (set, frozenset)):
            value = sorted(value)
        elif isinstance(value, Enum):
            value = value.value
        elif not isinstance(value, (type(None), bool, int, float, str)):
            value = repr(value)
        canonical[f.name] = value
    return json.dumps(canonical, sort_keys=True)


class Store:
    """JSON values by hex key under ``<directory>/<version>/<namespace>``; never raises."""

    def __init__(self, directory: str | os.PathLike[str] | None, namespace: str) -> None:
        self.base = Path(directory) if directory is not None else None
        self.folder = self.base / __version__ / namespace if self.base is not None else None
        self.enabled = self.folder is not None
        self.hits = 0
        self.misses = 0
        self.problem: str | None = None
        """Why the cache was turned off during the run (for ``--verbose``)."""

    def _entry(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}.json"

    def read(self, key: str) -> Any | None:
        """The JSON stored under ``key``, or None (missing, corrupt, unreadable, disabled)."""
        if not self.enabled:
            return None
        entry = self._entry(key)
        try:
            with open(entry, "rb") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError):
            self.misses += 1
            self._discard(entry)
            return None
        self.hits += 1
        return data

    def write(self, key: str, data: Any) -> bool:
        """Store ``data`` (JSON-able) under ``key``; False (and the cache off) when that fails."""
        if not self.enabled:
            return False
        import tempfile

        entry = self._entry(key)
        try:
            self._prepare()
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, separators=(",", ":"))
                os.replace(temp, entry)
            except BaseException:
                self._discard(Path(temp))
                raise
        except (OSError, ValueError, TypeError) as exc:
            self.enabled = False
            self.problem = f"cache disabled: cannot write {entry.parent}: {exc}"
            return False
        return True

    def _prepare(self) -> None:
        assert self.base is not None
        if (self.base / "CACHEDIR.TAG").exists():
            return
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / ".gitignore").write_text("# created by mathlint\n*\n", encoding="utf-8")
        (self.base / "CACHEDIR.TAG").write_text(_TAG, encoding="utf-8")

    @staticmethod
    def _discard(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass


class VerdictCache:
    """Per-claim results for the checker: any core value (e.g. a `Verdict`) by string key.

    Build keys with `VerdictCache.key` from everything the result depends on — the claim's
    LaTeX, its context, the layout and options — the version and code fingerprint are
    mixed in for you.
    """

    def __init__(self, directory: str | os.PathLike[str] | None) -> None:
        self.store = Store(directory, "verdicts")

    @staticmethod
    def key(*parts: str) -> str:
        return hash_key("verdict", *parts)

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None (miss, corrupt entry, cache off)."""
        data = self.store.read(key)
        if data is None:
            return None
        try:
            return decode(data)
        except ValueError:
            return None

    def put(self, key: str, value: Any) -> None:
        """Remember ``value``; values that cannot be encoded are silently not cached."""
        try:
            data = encode(value)
        except TypeError:
            return
        self.store.write(key, data)


class ClaimVerdictCache:
    """`VerdictCache` in the shape the checker asks for (`checker.options.ClaimCache`): a claim
    is keyed by its LaTeX, its mathematics and context (positions left out) and the options."""

    def __init__(self, directory: str | os.PathLike[str] | None) -> None:
        self.cache = VerdictCache(directory)

    def _key(self, claim: Any, options: CheckOptions) -> str:
        plain = claim.plain or ()
        facts = value_fingerprint(claim.kind, claim.lhs, claim.rhs, claim.function, claim.variable, claim.layout,
                                  claim.context, sorted(claim.hints), *plain)
        return VerdictCache.key(claim.latex, facts, options_fingerprint(options))

    def get(self, claim: Any, options: CheckOptions) -> Any | None:
        try:
            return self.cache.get(self._key(claim, options))
        except (TypeError, ValueError):
            return None

    def put(self, claim: Any, options: CheckOptions, verdict: Any) -> None:
        try:
            self.cache.put(self._key(claim, options), verdict)
        except (TypeError, ValueError):
            return


class ReportCache:
    """Whole-file reports keyed by (path, file bytes, options, version, code fingerprint).

    A hit skips parsing and checking entirely — no numpy, no sympy — which is what makes a
    pre-commit run over unchanged files nearly free. The stored report has no ``text``; the
    caller passes the decoded text back in (`get`'s ``text`` argument).
    """

    def __init__(self, directory: str | os.PathLike[str] | None, options: CheckOptions) -> None:
        self.store = Store(directory, "reports")
        self._options = options_fingerprint(options)

    def key(self, path: str, data: bytes) -> str:
        """The key of ``path`` holding ``data`` (computed once, when the file is read)."""
        return hash_key("report", path, self._options, data)

    def get(self, key: str, path: str, text: str | None = None) -> FileReport | None:
        """The cached report for ``key`` (of ``path``), with ``text`` put back, or None."""
        raw = self.store.read(key)
        if raw is None:
            return None
        try:
            report = decode(raw)
        except ValueError:
            return None
        if not isinstance(report, FileReport) or report.path != path:
            return None
        return replace(report, text=text) if text is not None else report

    def put(self, key: str, report: FileReport) -> bool:
        """Cache ``report`` unless it is not worth replaying (unreadable, timeouts, internal errors)."""
        if not report.readable:
            return False
        for result in report.claims:
            reason = getattr(result.verdict, "reason", None)
            if reason is not None and getattr(reason, "value", reason) in _NOT_CACHED_REASONS:
                return False
        try:
            data = encode(replace(report, text=None))
        except TypeError:
            return False
        return self.store.write(key, data)
