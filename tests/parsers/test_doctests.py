"""Doctests of the extract modules, run over the installed package (not the source folders)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "mathlint.parsers.source",
    "mathlint.parsers.directives",
    "mathlint.parsers.macros",
    "mathlint.parsers.mathbody",
    "mathlint.parsers.markdown_spans",
    "mathlint.parsers.latex_spans",
    "mathlint.parsers.rst_spans",
    "mathlint.parsers.context",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
