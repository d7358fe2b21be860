"""The referral catalog is a bounded context: no composition root, no UI, pure model."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "referral_catalog"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_imports_the_composition_root_or_the_ui() -> None:
    for path in PACKAGE.glob("*.py"):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert not roots & {"contactcenter", "nurse_console"}, path.name


def test_the_model_imports_only_the_standard_library_and_its_own_errors() -> None:
    allowed = {"__future__", "re", "dataclasses", "datetime", "enum", "referral_catalog.errors"}
    assert imported_modules(PACKAGE / "model.py") <= allowed
