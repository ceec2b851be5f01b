"""THE registry of rule codes: every finding mathlint can emit is declared here once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    """Stable kebab-case code (never reused once retired)."""
    severity: Severity
    """Default severity (configurable per run)."""
    summary: str
    """One line: what the rule checks (README table, SARIF shortDescription)."""
    template: str
    """Message template filled from a finding's ``args`` with `str.format`."""
    help: str
    """Longer help: why it matters and how to fix it (SARIF fullDescription/help)."""


WRONG_DERIVATIVE = Rule(
    "wrong-derivative", Severity.ERROR,
    "A stated derivative differs from the true derivative.",
    "{message}",
    "The claimed gradient was compared with the true one at random instances (complex-step "
    "directional derivatives) and differs. `expected` carries the correct right-hand side.",
)
WRONG_EQUALITY = Rule(
    "wrong-equality", Severity.ERROR,
    "An equality between matrix or scalar expressions does not hold.",
    "{message}",
    "Both sides were evaluated at random instances of every symbol and differ.",
)
WRONG_DIFFERENTIAL = Rule(
    "wrong-differential", Severity.ERROR,
    "A stated differential differs from the true differential.",
    "{message}",
    "d(expr) was compared with its directional derivative along random directions dX.",
)
LAYOUT_MISMATCH = Rule(
    "layout-mismatch", Severity.WARNING,
    "A derivative is the transpose of the right answer under the layout in force.",
    "{message}",
    "Denominator layout (gradient has the shape of X) is the default; declare numerator "
    "layout in prose, with `<!-- mathlint: layout=numerator -->` / `% mathlint: layout=numerator`, "
    "or with --layout.",
)
SHAPE_MISMATCH = Rule(
    "shape-mismatch", Severity.ERROR,
    "Shapes do not conform (product, sum, trace, gradient or declaration).",
    "{message}",
    "Shapes come from declarations such as `X \\in \\mathbb{R}^{m\\times n}` or are inferred.",
)
PARSE_ERROR = Rule(
    "parse-error", Severity.INFO,
    "A math span could not be read; its claims are unsupported.",
    "{message}",
    "mathlint reads a subset of LaTeX math; unreadable spans are reported, never judged.",
)
UNREADABLE_FILE = Rule(
    "unreadable-file", Severity.ERROR,
    "A file could not be read (missing, binary, not decodable, too large).",
    "{message}",
    "Text files in UTF-8 (with or without BOM) or Latin-1 fallback are read.",
)
DERIVED = Rule(
    "derived", Severity.INFO,
    "The derived answer to a claim whose right-hand side is `?` or empty.",
    "{message}",
    "mathlint derived the gradient in closed form and verified it numerically.",
)
ENTRY_NAME = Rule(
    "entry-name", Severity.ERROR,
    "An entry of a displayed matrix is named after a different matrix.",
    "{message}",
    "Entries of a displayed matrix B are written b_{ij}, B_{ij}, (B)_{ij} or [B]_{ij}.",
)
ENTRY_INDEX = Rule(
    "entry-index", Severity.WARNING,
    "An entry's indices do not match its row/column in a displayed matrix.",
    "{message}",
    "Row index follows the row, column index the column; last indices match the declared shape.",
)
INDEX_MISMATCH = Rule(
    "index-mismatch", Severity.ERROR,
    "A free index appears on one side of an index-notation equality only.",
    "{message}",
    "Free (unsummed) indices must be the same on both sides of an equality.",
)
INDEX_SCOPE = Rule(
    "index-scope", Severity.INFO,
    "An inner sum re-binds an index also used outside it (legal, possibly confusing).",
    "{message}",
    "Inner sums scope their bound index like a local variable.",
)

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        WRONG_DERIVATIVE, WRONG_EQUALITY, WRONG_DIFFERENTIAL, LAYOUT_MISMATCH, SHAPE_MISMATCH,
        PARSE_ERROR, UNREADABLE_FILE, DERIVED, ENTRY_NAME, ENTRY_INDEX, INDEX_MISMATCH,
        INDEX_SCOPE,
    )
}
