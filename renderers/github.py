"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

Escaping follows the runner's rules (ECOSYSTEM §6): the message escapes ``%``, ``\\r`` and
``\\n``; property values (``file``, ``title``) also escape ``:`` and ``,``. ``col``/``endColumn``
are 1-based with the end just past the last character, as our `Span`; GitHub ignores the
columns of an annotation that spans several lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..checker.findings import FileReport, Finding
from ..checker.rules import Severity
from .summary import as_reports, sorted_reports, visible_findings

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message.

    >>> escape_data("50% of\\nit")
    '50%25 of%0Ait'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value (``file=``, ``title=``).

    >>> escape_property("a,b:c")
    'a%2Cb%3Ac'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_annotation(path: str, finding: Finding) -> str:
    """One finding as a workflow command."""
    span = finding.span
    props = [
        f"file={escape_property(path)}",
        f"line={span.line}",
        f"col={span.col}",
        f"endLine={max(span.end_line, span.line)}",
        f"endColumn={span.end_col}",
        f"title={escape_property(f'mathlint {finding.code}')}",
    ]
    message = finding.message
    if finding.expected and finding.expected not in message:
        message = f"{message}\nExpected: {finding.expected}"
    return f"::{COMMANDS[finding.level]} {','.join(props)}::{escape_data(message)}"


def render_github(reports: FileReport | Iterable[FileReport], **_options: object) -> str:
    """Render a run as workflow commands, one line per visible finding (empty when clean).

    Paths are used as given (GitHub resolves them against the workspace, so pass paths
    relative to the repository root). Keyword options meant for other renderers are ignored.
    """
    lines = [
        format_annotation(report.path.replace("\\", "/"), finding)
        for report in sorted_reports(as_reports(reports))
        for finding in visible_findings(report)
    ]
    return "".join(line + "\n" for line in lines)
