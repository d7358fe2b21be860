"""The strict harness catches a simulator that is wrong in any value, misses an event or
sends one too many (deliberately broken simulators), and the simulator passes it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ari_simulator import AriSimulator, SteppedClock, routing

from .replay import load
from .strict import StrictReplayer

pytestmark = pytest.mark.timeout(120)

Mutate = Callable[[dict[str, Any]], list[dict[str, Any]]]


def broken(mutate: Mutate) -> AriSimulator:
    """A simulator whose every event passes through ``mutate`` (which returns what to send)."""
    sim = AriSimulator(username="cc", password="cc", clock=SteppedClock())
    bus = sim.bus
    emit, emit_to = bus.emit, bus.emit_to

    def emit_broken(body: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        for out in mutate(body):
            emit(out, *args, **kwargs)

    def emit_to_broken(app_name: str, body: dict[str, Any]) -> None:
        for out in mutate(body):
            emit_to(app_name, out)

    bus.emit, bus.emit_to = emit_broken, emit_to_broken  # type: ignore[method-assign]
    return sim


async def problems(name: str, sim: AriSimulator | None = None) -> list[str]:
    replay = StrictReplayer(load(name), sim)
    await replay.run()
    return replay.problems


def cause_99(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(body, cause=99) if "cause" in body else body]


def digit_9(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(body, digit="9") if "digit" in body else body]


def args_wrong(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(body, args=["WRONG"]) if body["type"] == "StasisStart" else body]


def one_missing(kind: str) -> Mutate:
    dropped: list[bool] = []

    def mutate(body: dict[str, Any]) -> list[dict[str, Any]]:
        if body["type"] == kind and not dropped:
            dropped.append(True)
            return []
        return [body]
    return mutate


def one_extra(kind: str) -> Mutate:
    added: list[bool] = []

    def mutate(body: dict[str, Any]) -> list[dict[str, Any]]:
        if body["type"] == kind and not added:
            added.append(True)
            return [body, dict(body)]
        return [body]
    return mutate


BREAKAGES: dict[str, tuple[str, Mutate, str]] = {
    "every hangup cause 99": ("01-inbound-ivr-dtmf.jsonl", cause_99, "cause"),
    "every DTMF digit 9": ("01-inbound-ivr-dtmf.jsonl", digit_9, "digit"),
    "every StasisStart args WRONG": ("01-inbound-ivr-dtmf.jsonl", args_wrong, "args"),
    "a missing event": ("01-inbound-ivr-dtmf.jsonl", one_missing("ChannelDtmfReceived"),
                        "missing ChannelDtmfReceived"),
    "an extra event": ("02-holding-bridge-moh-announce.jsonl", one_extra("PlaybackStarted"),
                       "extra PlaybackStarted"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
async def test_a_broken_simulator_is_caught(breakage: str) -> None:
    name, mutate, telltale = BREAKAGES[breakage]
    baseline = set(await problems(name))
    found = set(await problems(name, broken(mutate))) - baseline
    assert any(telltale in p for p in found), (breakage, sorted(found)[:10])


async def test_a_simulator_with_every_404_message_changed_is_caught(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = "05-rest-errors.jsonl"
    baseline = set(await problems(name))
    real = routing.error_response

    def changed(status: int, message: str, key: str = "message") -> Any:
        return real(status, message + " (changed)" if status == 404 else message, key)

    monkeypatch.setattr(routing, "error_response", changed)
    found = set(await problems(name)) - baseline
    assert sum("(changed)" in p and " 404 " in p for p in found) >= 3, sorted(found)[:10]
