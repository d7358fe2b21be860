"""The wallboard over HTTP and its WebSocket: figures per queue, nurses with their phase,
region scope per role, no callers' numbers, and a push only when the board changed."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.support.system import eventually
from tests.web.conftest import WebSystem

NUMBER = "+46812345670"


def _row(board: dict, queue_id: str) -> dict:
    return next(q for q in board["queues"] if q["id"] == queue_id)


async def _board(web_system: WebSystem, http: aiohttp.ClientSession) -> dict:
    async with http.get(f"{web_system.base_url}/api/v1/wallboard") as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def test_a_waiting_call_and_a_caller_who_gave_up_show_in_the_regions_row(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.sim.add_caller(number=NUMBER, patience=None, talk=None)
    gone = await system.sim.add_caller(number="+46812345671", patience=40, talk=None)
    await eventually(lambda: (r := system.call_for_channel(gone.channel_id))
                     and r.state.value == "abandoned", what="the second caller gave up")
    await system.services.queues.flush()
    await web_system.login(http, "handledare")
    board = await _board(web_system, http)
    row = _row(board, "01")
    assert row["kind"] == "region" and row["name"] == "Region Stockholm"
    assert row["waiting"] == 1 and row["longest_wait_seconds"] is not None
    assert (row["today"]["offered"], row["today"]["abandoned"]) == (2, 1)
    assert row["interval"]["offered"] == 2
    assert {"service_level", "service_level_2"} <= set(row["today"])
    assert set(row["levels"]) >= {"waiting", "service_level", "service_level_2"}
    assert [c["region"] for c in board["waiting_calls"]] == ["01"]
    assert NUMBER not in str(board)  # the board shows figures, never numbers


async def test_a_nurse_on_a_call_shows_her_console_phase_and_a_paused_nurse_her_reason(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", username="sjukskoterska")
    await system.add_nurse("ssk-01-2", "01")
    await system.services.queues.set_nurse_state("ssk-01-2", "paused", reason="MOTE")
    caller = await system.sim.add_caller(number=NUMBER, patience=None, talk=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="answered")
    nurse = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with nurse:
        await web_system.login(nurse, "sjukskoterska")
        async with nurse.get(f"{web_system.base_url}/api/v1/console") as resp:
            assert resp.status == 200  # her console opens the call work (phase Öppna)
        async with nurse.post(f"{web_system.base_url}/api/v1/console/phase",
                              json={"phase": "lyssna"}) as resp:
            assert resp.status == 200, await resp.text()
    await web_system.login(http, "handledare")
    nurses = {n["nurse_id"]: n for n in (await _board(web_system, http))["nurses"]}
    assert nurses["ssk-01-1"]["state"] == "on_call"
    assert nurses["ssk-01-1"]["phase"]["phase"] == "lyssna"
    assert nurses["ssk-01-1"]["phase"]["phase_name"] == "Lyssna"
    assert nurses["ssk-01-2"]["pause_reason"] == "Möte"
    assert nurses["ssk-01-2"]["phase"] is None


async def test_each_viewer_sees_only_their_regions_and_a_staffing_system_no_calls(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-03-1", "03", ready=False)
    await system.add_nurse("ssk-01-1", "01", ready=False)
    await system.sim.add_caller(number=NUMBER, patience=None, talk=None)
    await eventually(lambda: system.services.queues.waiting_count() == 1, what="waiting")
    await web_system.login(http, "handledare")
    board = await _board(web_system, http)
    assert [n["nurse_id"] for n in board["nurses"]] == ["ssk-01-1"]
    assert {q["id"] for q in board["queues"] if q["kind"] == "region"} == {"01"}
    assert board["viewer"] == {"national": False, "supervisor": True, "regions": ["01"]}
    staffing = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with staffing:
        await web_system.login(staffing, "bemanning")
        board = await _board(web_system, staffing)
    assert {n["nurse_id"] for n in board["nurses"]} == {"ssk-01-1", "ssk-03-1"}
    assert _row(board, "01")["waiting"] == 1
    assert board["waiting_calls"] == []
    assert NUMBER not in str(board)


@pytest.mark.parametrize("username", ["sjukskoterska", "redaktor", "granskare"])
async def test_roles_without_a_wallboard_are_refused(
    web_system: WebSystem, http: aiohttp.ClientSession, username: str,
) -> None:
    await web_system.login(http, username)
    async with http.get(f"{web_system.base_url}/api/v1/wallboard") as resp:
        assert resp.status == 403
        assert (await resp.json())["error_id"]


async def test_the_feed_pushes_when_the_board_changed_and_not_for_a_change_elsewhere(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await web_system.login(http, "handledare")
    async with http.ws_connect(f"{web_system.base_url}/api/v1/wallboard/live") as ws:
        first = await ws.receive_json(timeout=10)
        assert first["type"] == "wallboard" and first["nurses"] == []
        system.services.bus.changed()  # something changed that the board does not show
        await asyncio.sleep(1.0)  # room for a needless push to arrive first, were there one
        await system.add_nurse("ssk-01-1", "01", ready=False)
        pushed = await ws.receive_json(timeout=10)
        # The next message already holds the new nurse: the unrelated change sent nothing.
        assert [n["nurse_id"] for n in pushed["nurses"]] == ["ssk-01-1"]
