"""Imports flow one way: plugin → renderers → checker → parsers (STYLE §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# folder → the packages (by import name) it may import from
LAYERS = {
    "parsers": {"parsers"},
    "checker": {"checker", "parsers"},
    "renderers": {"renderers", "checker", "parsers"},
    "plugin": {"plugin", "renderers", "checker", "parsers"},
}
PACKAGE_OF = {"plugin": "mathlint", "parsers": "mathlint.parsers", "checker": "mathlint.checker",
              "renderers": "mathlint.renderers"}


def layer_of(module: str) -> str | None:
    """``mathlint.checker.oracle`` → ``checker``; ``mathlint.cli`` → ``plugin``; others → None."""
    parts = module.split(".")
    if parts[0] != "mathlint":
        return None
    if len(parts) > 1 and parts[1] in ("parsers", "checker", "renderers"):
        return parts[1]
    return "plugin"


def imported_layers(path: Path, folder: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = [*PACKAGE_OF[folder].split("."), *path.relative_to(ROOT / folder).parts[:-1]]
    out: set[str] = set()
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                modules = [".".join([*base, node.module] if node.module else base)]
            else:
                modules = [node.module or ""]
        elif isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        for module in modules:
            layer = layer_of(module)
            if layer is not None:
                out.add(layer)
    return out


@pytest.mark.parametrize("folder", sorted(LAYERS))
def test_imports_flow_one_way(folder: str) -> None:
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for layer in imported_layers(path, folder) - LAYERS[folder]:
            bad.append(f"{path.relative_to(ROOT)} imports from {layer}")
    assert not bad, "\n".join(bad)


def test_sympy_only_in_bridge() -> None:
    offenders = []
    for folder in LAYERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "sympy_bridge.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                if any(n == "sympy" or n.startswith("sympy.") for n in names):
                    offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
