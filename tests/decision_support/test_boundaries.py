"""The decision-support context stays a bounded context with a pure model."""

from __future__ import annotations

import ast
from pathlib import Path

import decision_support

PACKAGE = Path(decision_support.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_imports_the_composition_root_or_the_ui() -> None:
    for path in PACKAGE.glob("*.py"):
        assert not imported_modules(path) & {"contactcenter", "nurse_console"}, path.name


def test_the_model_uses_the_standard_library_only() -> None:
    allowed = {"__future__", "collections", "dataclasses", "datetime", "enum", "functools"}
    assert imported_modules(PACKAGE / "model.py") <= allowed
