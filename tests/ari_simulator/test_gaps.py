"""The simulator README lists exactly the ARI operations it does not implement, and each
answers as Asterisk does for an unloaded ARI module."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ari_simulator import AriSimulator

from .helpers import Ari

ROOT = Path(__file__).resolve().parents[2]
API_DOCS = ROOT / "tests" / "fixtures" / "ari" / "api-docs"
README = ROOT / "ari_simulator" / "README.md"


def operations() -> list[tuple[str, str]]:
    found = []
    for doc in sorted(API_DOCS.glob("*.json")):
        for api in json.loads(doc.read_text()).get("apis", []):
            path = api["path"].replace("/api-docs", "").replace(".{format}", "")
            found += [(op["httpMethod"], path) for op in api.get("operations", [])]
    return found


def sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x1", path)


def unimplemented(sim: AriSimulator) -> set[tuple[str, str]]:
    gaps = set()
    for method, path in operations():
        handler = None
        for pattern, methods in sim.router.routes:
            if pattern.match(sample(path)):
                handler = methods.get(method)
                break
        if handler is None or handler.__name__ == "not_implemented":
            gaps.add((method, path))
    gaps.discard(("GET", "/events"))  # the WebSocket, served beside the router
    return gaps


def listed() -> set[tuple[str, str]]:
    return {(m, p) for m, p in re.findall(r"^\| `(\w+) (\S+)` \|", README.read_text(),
                                                re.MULTILINE)}


def test_readme_lists_every_unimplemented_operation_and_nothing_else(sim: AriSimulator) -> None:
    assert len(operations()) > 100
    assert listed() == unimplemented(sim)


async def test_every_unimplemented_operation_answers_as_an_unloaded_module(ari: Ari) -> None:
    wrong = []
    for method, path in sorted(listed()):
        answer = await ari.call(method, sample(path))
        if answer != (404, {"message": "Resource not found"}):
            wrong.append((method, path, answer))
    assert not wrong
