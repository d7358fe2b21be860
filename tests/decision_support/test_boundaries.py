"""The decision-support context stays a bounded context with a pure model."""

from __future__ import annotations

import ast
from pathlib import Path

import decision_support

PACKAGE = Path(decision_support.__file__).parent


def imported_modules(path: Path, *, full: bool = False) -> set[str]:
    """Top-level packages ``path`` imports (the whole dotted names with ``full``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name if full else alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module if full else node.module.split(".")[0])
    return names


def test_no_module_imports_the_composition_root_or_the_ui() -> None:
    for path in PACKAGE.glob("*.py"):
        assert not imported_modules(path) & {"contactcenter", "nurse_console"}, path.name


def test_the_model_uses_the_standard_library_only() -> None:
    allowed = {"__future__", "collections", "dataclasses", "datetime", "enum", "functools"}
    # The model's patient facts (age, sex) live in their own pure module.
    for name in ("model.py", "patient.py"):
        own = {m for m in imported_modules(PACKAGE / name, full=True)
               if m.startswith("decision_support")}
        assert own <= {"decision_support.patient"}, name
        assert imported_modules(PACKAGE / name) - {"decision_support"} <= allowed, name
