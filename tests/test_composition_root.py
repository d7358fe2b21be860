"""One composition root: only ``contactcenter/bootstrap.py`` builds database engines and the
contexts' services (``contactcenter/db.py`` opens its own engine only to migrate)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contactcenter", "ari", "ari_simulator", "shared_kernel", "queues",
            "decision_support", "referral_catalog", "journal", "nurse_console", "sms", "video")
BUILT_ONLY_AT_THE_ROOT = frozenset({
    "create_engine", "IdentityService", "JournalService", "CatalogService",
    "GuidelineService", "QueueService", "CallLog", "CallFlow", "AriClient", "RosterStore",
})
ROOT_MODULES = {"contactcenter/bootstrap.py"}
MIGRATING = {"contactcenter/db.py": {"create_engine"}}


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name in BUILT_ONLY_AT_THE_ROOT:
                names.add(name)
    return names


def test_only_the_composition_root_builds_engines_and_services() -> None:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ROOT_MODULES:
                continue
            built = _calls(path) - MIGRATING.get(rel, set())
            if built:
                found[rel] = sorted(built)
    assert not found, f"built outside contactcenter/bootstrap.py: {found}"


def test_the_check_sees_the_root_build() -> None:
    # The root itself builds them: a check that saw nothing would pass vacuously.
    assert {"create_engine", "QueueService", "CallFlow"} <= _calls(ROOT / "contactcenter/bootstrap.py")
