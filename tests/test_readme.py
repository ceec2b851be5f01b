"""The README's rule table is the registry (STYLE §4: everything user-facing comes from RULES)."""

from __future__ import annotations

import re
from pathlib import Path

from mathlint.checker.rules import RULES

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| `(?P<code>[a-z-]+)` \| (?P<severity>error|warning|info) \| (?P<summary>.+) \|$")


def test_rule_table_matches_registry() -> None:
    rows = [ROW.match(line) for line in README.read_text(encoding="utf-8").splitlines()]
    table = {m["code"]: (m["severity"], m["summary"]) for m in rows if m}
    assert table == {code: (rule.severity.value, rule.summary) for code, rule in RULES.items()}


def test_readme_names_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "mathlint check sample_docs/" in text
    assert 'pip install -e ".[test]" && .venv/bin/python -m pytest' in text
