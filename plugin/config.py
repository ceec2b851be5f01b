"""The frozen run `Config`: defaults, then ``[tool.mathlint]`` of the nearest pyproject.toml, then flags.

Precedence, lowest first: the defaults below; ``[tool.mathlint]`` of the project's
``pyproject.toml``; the environment (``MATHLINT_CACHE_DIR``); command-line flags (or the
options of an adapter: MkDocs, Sphinx). ``select`` given later replaces what came before;
``ignore`` given later *adds* to it. Inline directives (``<!-- mathlint: layout=numerator -->``)
are read per document by the checker and are not part of `Config`.

The *project root* is the first folder, walking up from the checked paths, that holds a
``pyproject.toml``, ``.git`` or ``.hg`` (as black finds it); its ``pyproject.toml``, if any,
is the configuration, and the verdict cache lives in ``<root>/.mathlint_cache`` unless told
otherwise.

Example ``pyproject.toml``::

    [tool.mathlint]
    layout = "numerator"          # or "denominator" (default: the document decides)
    timeout = 5                   # seconds per claim
    select = ["wrong-derivative", "layout-mismatch"]   # default: every rule
    ignore = ["parse-error"]
    fail-on = "error"             # "error" | "warning" | "never"
    exclude = ["drafts/*"]        # fnmatch patterns, relative to the project root
    cache-dir = ".mathlint_cache" # relative to the project root
    cache = true
    jobs = 0                      # 0: one process per core when there are many files
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, Sequence

from .checker.options import CheckOptions, Layout
from .checker.rules import RULES, Severity
from .errors import ConfigError, UsageError

FailOn = Literal["error", "warning", "never"]
ColorMode = Literal["auto", "always", "never"]

FAIL_ON_CHOICES: tuple[str, ...] = ("error", "warning", "never")
COLOR_CHOICES: tuple[str, ...] = ("auto", "always", "never")
LAYOUT_CHOICES: tuple[str, ...] = tuple(layout.value for layout in Layout)
CACHE_DIR_NAME = ".mathlint_cache"
ROOT_MARKERS: tuple[str, ...] = ("pyproject.toml", ".git", ".hg")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything one run is told: what to check, how, and how to report it."""

    layout: Layout | None = None
    """Layout forced on every document; None lets each document decide (default denominator)."""
    timeout: float = 5.0
    """Seconds per claim before it is `unsupported` (reason: timeout)."""
    select: frozenset[str] | None = None
    """Rule codes to report; None means every rule."""
    ignore: frozenset[str] = frozenset()
    """Rule codes never reported (wins over ``select``)."""
    format: str = "text"
    """Output format name (a key of ``renderers.RENDERERS``)."""
    color: ColorMode = "auto"
    """``auto``: colour only on a terminal and when ``NO_COLOR`` is unset."""
    explain: bool = False
    """Attach derivation steps to findings (``--explain``)."""
    cache_dir: str | None = None
    """Absolute cache folder; None means ``<root>/.mathlint_cache``."""
    no_cache: bool = False
    """Neither read nor write the cache."""
    jobs: int = 0
    """Worker processes; 0 picks one per available core when there are many files, 1 is serial."""
    fail_on: FailOn = "error"
    """Lowest severity that makes the run fail (exit 1, MkDocs/Sphinx warning)."""
    exclude: tuple[str, ...] = ()
    """fnmatch patterns (posix, relative to ``root``, or a bare folder/file name) not to discover."""
    verbose: bool = False
    root: str | None = field(default=None, compare=False)
    """The project root the configuration and default cache belong to."""
    source: str | None = field(default=None, compare=False)
    """The configuration file that was read, if any."""

    def check_options(self) -> CheckOptions:
        """The part of the configuration the checker sees."""
        path = self.cache_path()
        claim_cache = None
        if path is not None:
            from .cache import ClaimVerdictCache

            claim_cache = ClaimVerdictCache(path)
        return CheckOptions(
            layout=self.layout,
            timeout=self.timeout,
            select=self.select,
            ignore=self.ignore,
            explain=self.explain,
            claim_cache=claim_cache,
        )

    def cache_path(self) -> Path | None:
        """The cache folder to use, or None when caching is off."""
        if self.no_cache:
            return None
        if self.cache_dir:
            return Path(self.cache_dir)
        return Path(self.root or os.getcwd()) / CACHE_DIR_NAME

    def fails(self, severity: Severity | str) -> bool:
        """Whether a finding of ``severity`` makes the run fail under ``fail_on``."""
        level = Severity(severity)
        if self.fail_on == "never" or level is Severity.INFO:
            return False
        return self.fail_on == "warning" or level is Severity.ERROR


# --- rule codes -----------------------------------------------------------------------------

def parse_codes(value: str | Iterable[str], where: str = "--select/--ignore") -> frozenset[str]:
    """Rule codes from ``"a,b"`` or ``["a", "b"]``, each checked against the registry.

    Raises `UsageError` naming ``where`` and the unknown code (STYLE §4: an unknown code is
    a usage error, never silently ignored).
    """
    items: list[str] = []
    for chunk in [value] if isinstance(value, str) else list(value):
        if not isinstance(chunk, str):
            raise UsageError(f"{where}: rule codes must be strings, got {chunk!r}")
        items.extend(part.strip() for part in chunk.split(","))
    codes = frozenset(item for item in items if item)
    unknown = sorted(codes - RULES.keys())
    if unknown:
        known = ", ".join(sorted(RULES))
        raise UsageError(f"{where}: unknown rule code {unknown[0]!r} (known: {known})")
    return codes


# --- project root and pyproject.toml ---------------------------------------------------------

def find_project_root(paths: Sequence[str | os.PathLike[str]] = (), cwd: str | None = None) -> Path:
    """The first folder at or above the common parent of ``paths`` holding a root marker.

    Falls back to the common parent itself (or the working directory) when none does.
    """
    base = Path(cwd or os.getcwd())
    start = base
    if paths:
        absolute = [os.path.abspath(os.path.join(base, os.fspath(p))) for p in paths]
        try:
            start = Path(os.path.commonpath(absolute))
        except ValueError:  # different drives
            start = base
        if not start.is_dir():
            start = start.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def read_tool_table(path: Path) -> dict[str, Any]:
    """``[tool.mathlint]`` of a TOML file (a file without that table gives ``{}``).

    A file named anything but ``pyproject.toml`` may also hold the keys at top level
    (``--config mathlint.toml``). Raises `ConfigError` for an unreadable or invalid file.
    """
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc.__class__.__name__}: {exc}", str(path)) from None
    tool = data.get("tool")
    table = tool.get("mathlint") if isinstance(tool, dict) else None
    if table is None and path.name != "pyproject.toml":
        table = {k: v for k, v in data.items() if k != "tool"}
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError("[tool.mathlint] must be a table", str(path))
    return table


def _one_of(value: Any, choices: Sequence[str], key: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def _timeout(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"must be a positive number of seconds, got {value!r}")
    return float(value)


def _jobs(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"must be a whole number >= 0, got {value!r}")
    return value


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of strings, got {value!r}")
    return tuple(value)


def _string(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"must be a non-empty string, got {value!r}")
    return value


def _codes(value: Any, key: str) -> frozenset[str]:
    if not isinstance(value, (str, list)):
        raise ValueError(f"must be a list of rule codes, got {value!r}")
    try:
        return parse_codes(value, key)
    except UsageError as exc:
        raise ValueError(exc.message.removeprefix(f"{key}: ")) from None


_FILE_KEYS: dict[str, Any] = {
    "layout": lambda v, k: Layout(_one_of(v, LAYOUT_CHOICES, k)),
    "timeout": _timeout,
    "select": _codes,
    "ignore": _codes,
    "format": _string,
    "color": lambda v, k: _one_of(v, COLOR_CHOICES, k),
    "explain": _boolean,
    "cache_dir": _string,
    "cache": _boolean,
    "jobs": _jobs,
    "fail_on": lambda v, k: _one_of(v, FAIL_ON_CHOICES, k),
    "exclude": _strings,
}
"""Every key ``[tool.mathlint]`` accepts (``-`` and ``_`` are interchangeable) → validator."""


def values_from_table(table: Mapping[str, Any], path: str | None = None) -> dict[str, Any]:
    """Validated `Config` field values from a ``[tool.mathlint]`` table.

    Unknown keys and bad values raise `ConfigError` (exit status 2): a typo in a setting
    must not silently check with the defaults.
    """
    out: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        validate = _FILE_KEYS.get(key)
        if validate is None:
            known = ", ".join(sorted(k.replace("_", "-") for k in _FILE_KEYS))
            raise ConfigError(f"unknown setting (known: {known})", path, raw_key)
        try:
            result = validate(value, raw_key)
        except ValueError as exc:
            raise ConfigError(str(exc), path, raw_key) from None
        if key == "cache":
            out["no_cache"] = not result
        elif key == "cache_dir" and path is not None:
            out["cache_dir"] = str((Path(path).parent / result).resolve())
        else:
            out[key] = result
    return out


def merge(config: Config, values: Mapping[str, Any]) -> Config:
    """``config`` with ``values`` laid over it; ``ignore`` is added to, everything else replaced.

    ``None`` values mean "not given" and are skipped.
    """
    given = {k: v for k, v in values.items() if v is not None}
    if "ignore" in given:
        given["ignore"] = config.ignore | frozenset(given["ignore"])
    if "select" in given:
        given["select"] = frozenset(given["select"])
    if isinstance(given.get("layout"), str):
        given["layout"] = Layout(given["layout"])
    return replace(config, **given)


def load_config(
    paths: Sequence[str | os.PathLike[str]] = (),
    overrides: Mapping[str, Any] | None = None,
    config_file: str | os.PathLike[str] | None = None,
    cwd: str | None = None,
) -> Config:
    """Build the `Config` for checking ``paths``: defaults < pyproject < environment < overrides.

    :param paths: the paths to be checked; their common parent decides the project root.
    :param overrides: `Config` field values from flags (``None`` = not given).
    :param config_file: read this TOML file instead of looking for ``pyproject.toml``.
    :raises ConfigError: broken or invalid configuration file (exit status 2).
    """
    source: Path | None
    if config_file is not None:
        explicit = Path(cwd or os.getcwd(), config_file).resolve()
        if not explicit.is_file():
            raise ConfigError("no such configuration file", str(config_file))
        source, root = explicit, explicit.parent
    else:
        root = find_project_root(paths, cwd)
        candidate = root / "pyproject.toml"
        source = candidate if candidate.is_file() else None
    config = Config(root=str(root), source=str(source) if source else None)
    if source is not None:
        config = merge(config, values_from_table(read_tool_table(source), str(source)))
    env_cache = os.environ.get("MATHLINT_CACHE_DIR")
    if env_cache:
        config = merge(config, {"cache_dir": str(Path(env_cache).resolve())})
    return merge(config, overrides or {})
