"""The house limits on size: no module over 400 lines, no function or method over 60.

Walks every package of the project (migrations excluded) and lists every
offender at once, so one run shows all there is to split. Small modules named
after what they hold, and small functions, are what a newcomer can read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PACKAGES = ("contactcenter", "ari", "ari_simulator", "shared_kernel", "queues",
            "decision_support", "referral_catalog", "journal", "nurse_console", "sms", "video",
            "bench")

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MODULE = "<module>"

def _modules() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def _functions(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """(qualified name, lines from ``def`` to its last line) of every function and method."""
    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                yield name, (child.end_lineno or child.lineno) - child.lineno + 1
                yield from walk(child, f"{name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)
    return walk(tree, "")


def _offenders() -> list[tuple[str, str, int]]:
    found = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append((rel, MODULE, lines))
        for name, length in _functions(ast.parse(source, filename=rel)):
            if length > MAX_FUNCTION_LINES:
                found.append((rel, name, length))
    return found


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    offenders = _offenders()
    assert not offenders, "split these (module: lines; function: lines):\n" + "\n".join(
        f"  {path} {name}: {lines}" for path, name, lines in offenders)


def test_the_walk_finds_the_project_code() -> None:
    # A wrong root or package list would pass the size test vacuously.
    paths = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert "queues/engine.py" in paths and "ari/client.py" in paths
    assert not any("/migrations/" in p for p in paths)
