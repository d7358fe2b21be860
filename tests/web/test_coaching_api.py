"""Call coaching through the API on the ARI simulator as a real server: a supervisor listens
to a nurse's call (a snoop channel on her leg, bridged with the coach's phone), whispers
(a new snoop channel that whispers to her), barges (the coach in the call's bridge), and
the end of the call ends it all; every step is in the listen log; refusals per role and
region."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from contactcenter.bootstrap import start_web
from contactcenter.identity.model import Role
from tests.support.system import System, eventually, running_system
from tests.web.conftest import HOST, WebSystem

COACH_PHONE = "PJSIP/coach-handledare"
NURSE = "ssk-01-1"
OWN_PASSWORD = "handledning-1"


@pytest.fixture
async def coaching(tmp_path: Path) -> AsyncIterator[WebSystem]:
    """The service with coach phones for ``handledare`` (01) and ``handledare03`` (03), a
    nurse of region 01 whose phone talks until hung up, and the demo users."""
    endpoints = (f"handledare={COACH_PHONE}", "handledare03=PJSIP/coach-03")
    async with running_system(tmp_path, **{"coaching.endpoints": endpoints}) as system:
        identity = system.services.identity
        await identity.ensure_demo_users()
        await identity.create_user("handledare03", "Hanna Handledare", OWN_PASSWORD,
                                   [Role.SUPERVISOR], ["03"])
        await system.sim.add_phone(COACH_PHONE, answer_delay=0.05, talk=None)
        await system.sim.add_phone("PJSIP/coach-03", answer_delay=0.05, talk=None)
        await system.add_nurse(NURSE, "01", talk=None, username="sjukskoterska")
        runner, port = await start_web(system.services, HOST, 0)
        web_system = WebSystem(system, f"http://{HOST}:{port}", runner)
        try:
            yield web_system
        finally:
            await web_system.stop_listening()


async def _connected_call(system: System) -> tuple[str, Any]:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    return record.call_id, caller


async def _session(base: str, username: str) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    session.headers["Origin"] = base
    password = OWN_PASSWORD if username in ("handledare03", "handledare2") else "demo"
    async with session.post(f"{base}/login", json={"username": username,
                                                   "password": password}) as resp:
        assert resp.status == 200, await resp.text()
    return session


def _bridge_of(system: System, channel_id: str) -> str | None:
    channel = system.sim.channels.get(channel_id)
    return None if channel is None or channel.gone else channel.bridge_id


def _snoops(system: System, target: str) -> list[Any]:
    return [c for c in system.sim.channels.values()
            if c.snoop_target == target and not c.gone]


async def test_a_supervisor_listens_whispers_barges_and_the_call_end_ends_it(
    coaching: WebSystem,
) -> None:
    system, base = coaching.system, coaching.base_url
    call_id, caller = await _connected_call(system)
    nurse_leg = system.services.flow.calls[call_id].nurse_channel_id
    call_bridge = f"call-{call_id}"
    async with await _session(base, "handledare") as coach:
        async with coach.post(f"{base}/api/v1/coaching", json={
                "call_id": call_id, "mode": "listen", "why": "introduktion av ny kollega"}
                ) as resp:
            assert resp.status == 201, await resp.text()
            session = (await resp.json())["session"]
        sid = session["session_id"]
        leg = f"coach-{sid}"
        # Listen: a snoop channel on the nurse's leg that only spies, bridged with the coach.
        await eventually(lambda: _bridge_of(system, leg) == leg, what="the coach joined")
        (snoop,) = _snoops(system, nurse_leg)
        assert (snoop.snoop_spy, snoop.snoop_whisper) == ("both", "none")
        assert set(system.sim.bridges[leg].channel_ids) == {snoop.id, leg}
        assert system.sim.channels[leg].endpoint == COACH_PHONE

        async with coach.post(f"{base}/api/v1/coaching/{sid}/mode",
                              json={"mode": "whisper"}) as resp:
            assert resp.status == 200, await resp.text()
        # Whisper: a new snoop channel that whispers to the nurse; the old one is gone.
        await eventually(lambda: len(_snoops(system, nurse_leg)) == 1
                         and _snoops(system, nurse_leg)[0].id != snoop.id, what="new snoop")
        (whisper,) = _snoops(system, nurse_leg)
        assert (whisper.snoop_spy, whisper.snoop_whisper) == ("both", "out")
        assert set(system.sim.bridges[leg].channel_ids) == {whisper.id, leg}

        async with coach.post(f"{base}/api/v1/coaching/{sid}/mode",
                              json={"mode": "barge"}) as resp:
            assert resp.status == 200, await resp.text()
        # Barge: the coach in the call's bridge with caller and nurse; no snoop left.
        await eventually(lambda: _bridge_of(system, leg) == call_bridge, what="barged in")
        assert set(system.sim.bridges[call_bridge].channel_ids) == \
            {caller.channel_id, nurse_leg, leg}
        await eventually(lambda: not _snoops(system, nurse_leg), what="snoop hung up")

        system.sim.caller(caller.caller_id).hang_up()
        await eventually(lambda: leg not in system.sim.channels
                         or system.sim.channels[leg].gone, what="the coach's leg ended")
        await eventually(lambda: leg not in system.sim.bridges, what="coach bridge gone")
        async with coach.get(f"{base}/api/v1/coaching") as resp:
            assert (await resp.json())["sessions"] == []

    async with await _session(base, "granskare") as auditor:
        async def rows() -> list[dict[str, Any]]:
            async with auditor.get(f"{base}/api/v1/coaching/log",
                                   params={"call_id": call_id}) as resp:
                assert resp.status == 200, await resp.text()
                return list((await resp.json())["log"])
        log = await _rows_when(rows, 4)
    assert [(r["action"], r["mode"]) for r in reversed(log)] == [
        ("started", "listen"), ("mode_changed", "whisper"), ("mode_changed", "barge"),
        ("ended", "barge")]
    assert {r["coach_username"] for r in log} == {"handledare"}
    assert {r["why"] for r in log} == {"introduktion av ny kollega"}
    assert log[0]["reason"] == "call_ended"
    async with await _session(base, "handledare03") as other, \
            other.get(f"{base}/api/v1/coaching/log", params={"call_id": call_id}) as resp:
        assert resp.status == 200
        assert (await resp.json())["log"] == []  # another region's nurse's call


async def _rows_when(read: Any, count: int) -> list[dict[str, Any]]:
    """The log once it has ``count`` rows (the end is written just after the legs are gone)."""
    for _ in range(200):
        rows: list[dict[str, Any]] = await read()
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.05)
    pytest.fail(f"the log never had {count} rows")


async def test_coaching_is_refused_by_role_region_why_and_state(coaching: WebSystem) -> None:
    system, base = coaching.system, coaching.base_url
    call_id, _caller = await _connected_call(system)
    waiting = await system.sim.add_caller(number="+46812345679", patience=None)
    await system.services.identity.create_user("handledare2", "Utan Telefon", OWN_PASSWORD,
                                               [Role.SUPERVISOR], ["01"])
    waiting_call = await eventually(lambda: (r := system.call_for_channel(waiting.channel_id))
                                    and r.call_id, what="a second call")
    body = {"call_id": call_id, "mode": "listen", "why": "kvalitet"}
    expected = [("handledare03", body, 404, "call_not_found"),
                ("sjukskoterska", body, 403, "forbidden"),
                ("granskare", body, 403, "forbidden"),
                ("handledare", {**body, "why": "  "}, 400, "why_required"),
                ("handledare", {**body, "mode": "spy"}, 400, "invalid_mode"),
                ("handledare", {**body, "call_id": "nope"}, 404, "call_not_found"),
                ("handledare2", body, 409, "no_coach_phone")]
    for username, sent, status, error_id in expected:
        async with await _session(base, username) as who, \
                who.post(f"{base}/api/v1/coaching", json=sent) as resp:
            answer = await resp.json()
            assert (resp.status, answer["error_id"]) == (status, error_id), \
                (username, sent, answer)
    async with await _session(base, "handledare") as coach:
        async with coach.post(f"{base}/api/v1/coaching",
                              json={**body, "call_id": waiting_call}) as resp:
            assert resp.status == 409, await resp.text()
        async with coach.get(f"{base}/api/v1/coaching/log") as resp:
            assert (await resp.json())["log"] == []  # nothing was started


async def test_ending_a_barge_leaves_the_caller_and_the_nurse_talking(
    coaching: WebSystem,
) -> None:
    system, base = coaching.system, coaching.base_url
    call_id, caller = await _connected_call(system)
    nurse_leg = system.services.flow.calls[call_id].nurse_channel_id
    async with await _session(base, "handledare") as coach:
        async with coach.post(f"{base}/api/v1/coaching", json={
                "call_id": call_id, "mode": "barge", "why": "svårt samtal"}) as resp:
            assert resp.status == 201, await resp.text()
            sid = (await resp.json())["session"]["session_id"]
        leg = f"coach-{sid}"
        await eventually(lambda: _bridge_of(system, leg) == f"call-{call_id}", what="barged")
        async with coach.delete(f"{base}/api/v1/coaching/{sid}") as resp:
            assert resp.status == 204, await resp.text()
        await eventually(lambda: _bridge_of(system, leg) is None, what="the coach gone")
    await asyncio.sleep(0.5)
    assert set(system.sim.bridges[f"call-{call_id}"].channel_ids) == \
        {caller.channel_id, nurse_leg}
    assert system.services.flow.calls[call_id].connected
