"""The demo's nurse phones: the sjukskoterska login's phone rings until she answers it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from contactcenter.demo import run_demo
from contactcenter.demo_phone import SimulatedPhones
from contactcenter.settings import load_settings
from tests.support.system import eventually

HER = "ssk-01-1"
HER_PHONE = "PJSIP/nurse-01-1"


@pytest.fixture
async def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[dict[str, Any]]:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(overrides={
        "database.url": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
        "demo.speed": 20.0,
        "callflow.wrapup_seconds": 0.3,
        "callflow.dtmf_timeout_seconds": 0.5,
    })
    state: dict[str, Any] = {}
    ready = asyncio.Event()
    task = asyncio.get_running_loop().create_task(
        run_demo(settings, port=0, callers=False, ready=ready, state=state))
    async with asyncio.timeout(60):
        await ready.wait()
    try:
        yield state
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_the_demo_nurse_login_starts_logged_out_with_a_phone_answered_by_hand(
        demo: dict[str, Any]) -> None:
    queues, sim = demo["services"].queues, demo["simulator"]
    assert queues.nurse_info(HER)["username"] == "sjukskoterska"
    assert queues.nurse_state(HER) == "logged_out"
    assert sim.phone(HER_PHONE).behaviour == "manual"
    others = [n for n in queues.roster.all() if n["nurse_id"] != HER]
    assert others and all(queues.nurse_state(n["nurse_id"]) == "ready" for n in others)
    assert all(sim.phone(n["endpoint"]).behaviour == "answer" for n in others)


async def test_a_caller_offered_to_the_demo_nurse_is_connected_when_she_answers_her_phone(
        demo: dict[str, Any]) -> None:
    services, sim = demo["services"], demo["simulator"]
    phones = demo["phones"]
    assert isinstance(phones, SimulatedPhones)
    queues = services.queues
    for nurse in queues.roster.all():
        if nurse["nurse_id"] != HER:
            await queues.set_nurse_state(nurse["nurse_id"], "paused")
    await queues.set_nurse_state(HER, "ready")
    assert not phones.ringing(HER_PHONE)
    assert await phones.answer(HER_PHONE) is False
    assert await phones.answer("PJSIP/no-such-phone") is False

    caller = await sim.add_caller(number="+46701112233", municipality="0180", patience=None)
    await eventually(lambda: phones.ringing(HER_PHONE), timeout=20, what="her phone ringing")
    await asyncio.sleep(0.3)  # six simulated seconds: an answering phone would have picked up
    assert phones.ringing(HER_PHONE) and queues.nurse_state(HER) == "offered"

    assert await phones.answer(HER_PHONE) is True
    await eventually(lambda: sim.caller(caller.caller_id).status == "bridged", timeout=20,
                     what="the caller talking with her")
    assert queues.nurse_state(HER) == "on_call"

    assert await phones.hang_up(HER_PHONE) is True
    await eventually(lambda: sim.caller(caller.caller_id).status == "hung_up", timeout=20,
                     what="the call ended")
    assert await phones.hang_up(HER_PHONE) is False


class _DemoSupervisor:
    """The demo's ``handledare`` as the coaching service sees whoever asks."""

    username, display_name = "handledare", "Demo handledare"
    regions = frozenset({"01"})

    def has_role(self, *roles: Any) -> bool:
        return "supervisor" in roles

    def can_access_region(self, code: str) -> bool:
        return code == "01"


async def test_the_demo_supervisor_listens_in_on_a_simulated_coach_phone_that_answers(
        demo: dict[str, Any]) -> None:
    services, sim = demo["services"], demo["simulator"]
    assert sim.phone("PJSIP/coach-handledare").behaviour == "answer"
    queues = services.queues
    for nurse in queues.roster.all():
        if nurse["nurse_id"] != HER:
            await queues.set_nurse_state(nurse["nurse_id"], "paused")
    await queues.set_nurse_state(HER, "ready")
    caller = await sim.add_caller(number="+46701112234", municipality="0180", patience=None)
    await eventually(lambda: demo["phones"].ringing(HER_PHONE), timeout=20, what="ringing")
    assert await demo["phones"].answer(HER_PHONE) is True
    await eventually(lambda: sim.caller(caller.caller_id).status == "bridged", timeout=20,
                     what="the caller talking with her")
    call_id = next(c for c in services.flow.calls.values() if c.nurse_id == HER).call_id
    session = await services.coaching.start(_DemoSupervisor(), call_id, "listen", "demo")
    leg = f"coach-{session.session_id}"
    await eventually(lambda: leg in sim.channels and sim.channels[leg].bridge_id == leg,
                     timeout=20, what="the coach phone answered and joined")
    assert services.coaching.coach_on(call_id) == {"name": "Demo handledare",
                                                   "mode": "listen"}
