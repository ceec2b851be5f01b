"""The worked examples in the renderers' docstrings run as doctests (over the installed modules)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mathlint.renderers as package

MODULES = sorted(f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
