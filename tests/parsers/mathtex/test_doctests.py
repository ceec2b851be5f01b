"""Doctests of the math parser modules, run over the installed package."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "mathlint.parsers.mathtex.lexer",
    "mathlint.parsers.mathtex.cursor",
    "mathlint.parsers.mathtex.grammar",
    "mathlint.parsers.mathtex.operators",
    "mathlint.parsers.mathtex.calculus",
    "mathlint.parsers.mathtex.matrices",
    "mathlint.parsers.mathtex.parser",
    "mathlint.parsers.mathtex.notation",
    "mathlint.parsers.mathtex.printer",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
