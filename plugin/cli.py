"""The ``mathlint`` command: argparse, subcommands, named exit codes; renderers write the output.

``mathlint check PATH...`` (also plain ``mathlint PATH...``), ``derive``, ``annotate``,
``report``, ``rules``, ``--version``. Exit status: 0 nothing at or above ``fail-on``
(default: no error-severity finding), 1 at least one, 2 a usage or configuration error, a
file that could not be read, or an internal error. Findings go to stdout; diagnostics, the
progress bar and ``--verbose`` notes go to stderr. No traceback reaches the user unless
``--verbose`` (or ``MATHLINT_DEBUG=1``) asks for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from enum import IntEnum
from typing import Any, Callable, NoReturn, Sequence, TextIO

from . import __version__
from .config import COLOR_CHOICES, FAIL_ON_CHOICES, LAYOUT_CHOICES, Config, load_config, merge, parse_codes
from .errors import ConfigError, MathlintError, UsageError
from .renderers.summary import plural, visible_findings


class ExitCode(IntEnum):
    OK = 0
    """No finding at or above ``fail-on``."""
    FINDINGS = 1
    """At least one finding at or above ``fail-on`` (default: an error)."""
    USAGE = 2
    """Bad command line or configuration, unreadable file, or internal error."""
    INTERRUPTED = 130


COMMANDS = ("check", "derive", "annotate", "report", "rules")
DEFAULT_FORMATS = ("text", "json", "sarif", "github")
MACHINE_FORMATS = frozenset({"json", "sarif", "github"})


def output_formats() -> tuple[str, ...]:
    """``--format`` choices: the renderer registry's names (STYLE §2)."""
    try:
        from .renderers import RENDERERS
    except ImportError:  # pragma: no cover - only while renderers/ is being written
        return DEFAULT_FORMATS
    names = tuple(RENDERERS)
    return names or DEFAULT_FORMATS


# --- argument parsing ---------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse that raises `UsageError` instead of exiting, so `main` owns every exit."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text!r}")
    return value


def _config_options() -> _Parser:
    """Flags every checking command shares (they override ``[tool.mathlint]``)."""
    shared = _Parser(add_help=False)
    group = shared.add_argument_group("checking")
    group.add_argument("--layout", choices=LAYOUT_CHOICES,
                       help="force the derivative layout (default: what each document declares, else denominator)")
    group.add_argument("--select", action="append", metavar="CODES",
                       help="report only these rule codes (comma-separated; replaces the configured list)")
    group.add_argument("--ignore", action="append", metavar="CODES",
                       help="never report these rule codes (comma-separated; adds to the configured list)")
    group.add_argument("--timeout", type=_positive_float, metavar="SECONDS",
                       help="time bound per claim (default 5)")
    group.add_argument("--exclude", action="append", metavar="PATTERN",
                       help="skip files/folders matching this fnmatch pattern (adds to the configured list)")
    group.add_argument("--config", metavar="FILE",
                       help="read settings from this TOML file instead of the nearest pyproject.toml")
    group.add_argument("--no-cache", action="store_true", default=None, help="neither read nor write the cache")
    group.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: <project root>/.mathlint_cache)")
    group.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                       help="worker processes (default 0: one per core when there are many files; 1: serial)")
    group.add_argument("-v", "--verbose", action="store_true", default=None,
                       help="list every claim, and print configuration, cache and timing notes on stderr")
    return shared


def build_parser() -> argparse.ArgumentParser:
    shared = _config_options()
    parser = _Parser(
        prog="mathlint",
        description="Verify matrix-calculus claims in Markdown, LaTeX and reStructuredText notes.",
        epilog="`mathlint PATH...` is short for `mathlint check PATH...`.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"mathlint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", parents=[shared], help="check files and folders (the default command)",
                                description="Check every claim in the given files and folders.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files, or folders to search for *.md, *.markdown, *.tex, *.rst")
    check.add_argument("--format", choices=output_formats(), help="output format (default: text)")
    check.add_argument("--explain", action="store_true", default=None, help="show derivation steps for wrong claims")
    check.add_argument("--fail-on", choices=FAIL_ON_CHOICES, help="lowest severity that gives exit status 1 (default: error)")
    check.add_argument("--color", choices=COLOR_CHOICES,
                       help="colour text output (default auto: on a terminal, unless NO_COLOR is set)")
    fixing = check.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true", help="rewrite wrong right-hand sides with the derived answer")
    fixing.add_argument("--fix-layout", action="store_true", help="with --fix/--diff: also transpose layout mismatches")
    fixing.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them")

    derive = commands.add_parser("derive", help="derive a gradient in closed form",
                                 description="Derive ∂f/∂X for a LaTeX expression f, verified numerically.")
    derive.add_argument("expression", help="the scalar function, in LaTeX: 'tr(A X B X^T)'")
    derive.add_argument("--wrt", required=True, metavar="X", help="the variable to differentiate by")
    derive.add_argument("--layout", choices=LAYOUT_CHOICES, default="denominator")
    derive.add_argument("--shape", action="append", default=[], metavar="X=m,n",
                        help="declare a symbol's shape (repeatable): X=m,n or x=n,1")
    derive.add_argument("--explain", action="store_true", help="show the derivation steps")
    derive.add_argument("--format", choices=("latex", "text"), default="latex")

    annotate = commands.add_parser("annotate", parents=[shared], help="write a copy of a note with verdicts marked",
                                   description="Write FILE with every claim's verdict and finding marked beside it.")
    annotate.add_argument("file", metavar="FILE")
    annotate.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    annotate.add_argument("--style", choices=("github", "mkdocs"), default="github",
                          help="Markdown callout style (default: github alerts)")

    report = commands.add_parser("report", parents=[shared], help="write a standalone HTML report",
                                 description="Check PATHs and write one standalone HTML report.")
    report.add_argument("paths", nargs="+", metavar="PATH")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")

    rules = commands.add_parser("rules", help="list the rule codes", description="List every rule code.")
    rules.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    """``mathlint PATH...`` → ``mathlint check PATH...`` (a file named like a command needs ``check``)."""
    if argv and argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "-V", "--version"):
        return ["check", *argv]
    return argv


# --- configuration from flags ------------------------------------------------------------

def config_from_args(args: argparse.Namespace, paths: Sequence[str]) -> Config:
    """`load_config` for ``paths`` with the flags laid over it (unknown codes → `UsageError`)."""
    def codes(values: list[str] | None, flag: str) -> frozenset[str] | None:
        return parse_codes(values, flag) if values else None

    overrides: dict[str, Any] = {
        "layout": args.layout,
        "select": codes(args.select, "--select"),
        "ignore": codes(args.ignore, "--ignore"),
        "timeout": args.timeout,
        "jobs": args.jobs,
        "verbose": args.verbose,
        "no_cache": args.no_cache,
        "cache_dir": os.path.abspath(args.cache_dir) if args.cache_dir else None,
        "format": getattr(args, "format", None),
        "explain": getattr(args, "explain", None),
        "fail_on": getattr(args, "fail_on", None),
        "color": getattr(args, "color", None),
    }
    config = load_config(paths, overrides, args.config)
    if args.exclude:
        config = merge(config, {"exclude": config.exclude + tuple(args.exclude)})
    return config


def use_color(mode: str, stream: TextIO) -> bool:
    """Colour decision: ``always``/``never`` as told; ``auto`` on a terminal unless NO_COLOR is set."""
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


# --- commands ---------------------------------------------------------------------------

def _note(message: str) -> None:
    print(f"mathlint: {message}", file=sys.stderr)


def _checked(files: Sequence[str], config: Config, *, show_progress: bool) -> Any:
    from .progress import ProgressBar
    from .runner import check_files

    with ProgressBar(len(files), sys.stderr, enabled=show_progress) as bar:
        return check_files(files, config, bar)


def _report_crashes(run: Any, verbose: bool) -> None:
    for crash in run.crashes:
        _note(f"internal error while checking {crash.path}: {crash.error}")
        if verbose:
            sys.stderr.write(crash.traceback)
    if run.crashes and not verbose:
        _note("this is a bug in mathlint; rerun with --verbose for the traceback and please report it")


def _discover(paths: Sequence[str], config: Config) -> list[str]:
    from .discover import discover

    found = discover(paths, config.exclude, config.root)
    if config.verbose:
        for path in found.skipped:
            _note(f"skipped {path}: not a Markdown, LaTeX or reST file")
    return list(found.files)


def _render(reports: Sequence[Any], config: Config) -> str:
    """The run in ``config.format`` (colour only for text on a terminal)."""
    from .renderers import RENDERERS

    color = config.format == "text" and use_color(config.color, sys.stdout)
    out: str = RENDERERS[config.format](reports, color=color, verbose=config.verbose, explain=config.explain)
    return out


def _exit_status(reports: Sequence[Any], config: Config, crashed: bool) -> ExitCode:
    if crashed or any(not r.readable for r in reports):
        return ExitCode.USAGE
    for report in reports:
        if any(config.fails(f.level) for f in visible_findings(report)):
            return ExitCode.FINDINGS
    return ExitCode.OK


def run_check(args: argparse.Namespace) -> int:
    if not args.paths:
        raise UsageError("no PATH given (try `mathlint check .`)")
    if args.fix_layout and not (args.fix or args.diff):
        raise UsageError("--fix-layout needs --fix or --diff")
    started = time.perf_counter()
    config = config_from_args(args, args.paths)
    formats = output_formats()
    if config.format not in formats:
        raise ConfigError(f"unknown format {config.format!r} (known: {', '.join(formats)})", config.source, "format")
    files = _discover(args.paths, config)
    if not files:
        _note("no Markdown, LaTeX or reST files found")
    machine = config.format in MACHINE_FORMATS
    show_progress = not machine and not args.diff and _isatty(sys.stderr)
    run = _checked(files, config, show_progress=show_progress)
    _report_crashes(run, config.verbose)
    reports = list(run.reports)

    if args.diff or args.fix:
        return _run_fix(args, reports, config, crashed=bool(run.crashes))

    if machine:
        for report in reports:
            if not report.readable:
                _note(f"cannot read {report.path}: {report.findings[0].message if report.findings else ''}")
    _write_stdout(_render(reports, config))
    if config.verbose:
        cache = config.cache_path()
        _note(f"config: {config.source or 'defaults'}; root: {config.root}; "
              f"cache: {cache or 'off'} ({run.cache_hits} of {len(files)} files replayed)")
        if run.cache_problem:
            _note(run.cache_problem)
        _note(f"{plural(len(files), 'file')} in {time.perf_counter() - started:.3f} s")
    return _exit_status(reports, config, bool(run.crashes))


def _run_fix(args: argparse.Namespace, reports: list[Any], config: Config, crashed: bool) -> int:
    from .fix_cmd import apply_fixes

    outcomes = apply_fixes(reports, fix_layout=args.fix_layout, write=not args.diff)
    failed = [o for o in outcomes if o.error]
    for outcome in failed:
        _note(f"{outcome.path}: not fixed: {outcome.error}")
    done = [o for o in outcomes if not o.error]
    edits = sum(o.edits for o in done)
    if args.diff:
        _write_stdout("".join(o.diff for o in done))
        _note(f"would fix: {plural(edits, 'edit')} in {plural(len(done), 'file')}")
        return ExitCode.USAGE if crashed or failed else (ExitCode.FINDINGS if done else ExitCode.OK)
    changed = {o.path for o in done}
    if changed:  # re-check what was rewritten: the output tells the truth about the new files
        rerun = _checked([r.path for r in reports if r.path in changed], config, show_progress=False)
        fresh = {r.path: r for r in rerun.reports}
        reports = [fresh.get(r.path, r) for r in reports]
    _write_stdout(_render(reports, config))
    _note(f"fixed: {plural(edits, 'edit')} in {plural(len(done), 'file')}")
    status = _exit_status(reports, config, crashed)
    return ExitCode.USAGE if failed else status


def run_derive(args: argparse.Namespace) -> int:
    shapes: dict[str, tuple[int | str, ...]] = {}
    for item in args.shape:
        name, sep, dims = item.partition("=")
        parts = tuple(d.strip() for d in dims.split(","))
        if not sep or not name.strip() or not all(parts) or len(parts) > 2:
            raise UsageError(f"--shape {item!r}: expected NAME=rows,cols (e.g. X=m,n)")
        shapes[name.strip()] = tuple(int(d) if d.isdigit() else d for d in parts)
    from .checker.options import Layout
    from .derive_cmd import run_derive as derive

    code, output = derive(args.expression, args.wrt, Layout(args.layout), shapes, args.explain, args.format)
    if output:
        stream = sys.stdout if code == 0 else sys.stderr
        stream.write(output if output.endswith("\n") else output + "\n")
    return int(code)


def run_annotate(args: argparse.Namespace) -> int:
    from .parsers import SourceFormat, format_for_path

    config = config_from_args(args, [args.file])
    fmt = format_for_path(args.file)
    if fmt not in (SourceFormat.MARKDOWN, SourceFormat.LATEX):
        raise UsageError(f"{args.file}: annotate reads Markdown (.md, .markdown) and LaTeX (.tex) files")
    run = _checked([args.file], config, show_progress=False)
    _report_crashes(run, config.verbose)
    if run.crashes:
        return ExitCode.USAGE
    report = run.reports[0]
    if not report.readable:
        _note(f"cannot read {args.file}: {report.findings[0].message if report.findings else ''}")
        return ExitCode.USAGE
    from .renderers import annotate

    text = annotate(report, style=args.style)
    if args.output:
        _write_file(args.output, text)
    else:
        _write_stdout(text)
    return ExitCode.OK


def run_report(args: argparse.Namespace) -> int:
    config = config_from_args(args, args.paths)
    files = _discover(args.paths, config)
    run = _checked(files, config, show_progress=_isatty(sys.stderr))
    _report_crashes(run, config.verbose)
    from .renderers import render_html

    _write_file(args.output, render_html(list(run.reports)))
    _note(f"wrote {args.output}")
    return ExitCode.USAGE if run.crashes or any(not r.readable for r in run.reports) else ExitCode.OK


def run_rules(args: argparse.Namespace) -> int:
    from .checker.rules import RULES

    rules = sorted(RULES.values(), key=lambda r: r.code)
    if args.format == "json":
        import json

        data = [{"code": r.code, "severity": r.severity.value, "summary": r.summary, "help": r.help} for r in rules]
        _write_stdout(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        lines = ["| code | severity | what it reports |", "|---|---|---|"]
        lines += [f"| `{r.code}` | {r.severity.value} | {r.summary} |" for r in rules]
        _write_stdout("\n".join(lines) + "\n")
    else:
        width = max(len(r.code) for r in rules)
        _write_stdout("".join(f"{r.code:<{width}}  {r.severity.value:<7}  {r.summary}\n" for r in rules))
    return ExitCode.OK


# --- output -----------------------------------------------------------------------------

def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _write_stdout(text: str) -> None:
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()


def _write_file(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


# --- entry point ------------------------------------------------------------------------

_RUNNERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": run_check,
    "derive": run_derive,
    "annotate": run_annotate,
    "report": run_report,
    "rules": run_rules,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = bool(os.environ.get("MATHLINT_DEBUG")) or "-v" in argv or "--verbose" in argv
    parser = build_parser()
    try:
        if not argv:
            parser.print_help(sys.stderr)
            return ExitCode.USAGE
        args = parser.parse_args(_with_default_command(argv))
        return int(_RUNNERS[args.command](args))
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    except MathlintError as exc:
        _note(f"error: {exc}")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        _note("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `mathlint check . | head`: stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return ExitCode.FINDINGS
    except Exception as exc:  # noqa: BLE001 - the boundary: a bug, never a traceback by default
        _note(f"internal error: {type(exc).__name__}: {exc}")
        if debug:
            import traceback

            traceback.print_exc()
        else:
            _note("this is a bug in mathlint; rerun with --verbose for the traceback and please report it")
        return ExitCode.USAGE
