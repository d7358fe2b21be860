"""Supervisor controls take effect at once and are recorded; statistics come from events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp

from tests.support.system import eventually
from tests.web.conftest import WebSystem


async def test_a_supervisor_raises_a_waiting_calls_priority_and_it_is_answered_first(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    first = await system.sim.add_caller(number="+46812345670", patience=None, talk=None)
    second = await system.sim.add_caller(number="+46812345671", patience=None, talk=None)
    await eventually(lambda: system.services.queues.waiting_count() == 2, what="two waiting")
    second_call = system.call_for_channel(second.channel_id).call_id
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/supervisor/calls/{second_call}/priority",
                         json={"priority": -1, "why": "återuppringd vårdgivare"}) as resp:
        assert resp.status == 200, await resp.text()
    assert system.services.queues.position(second_call) == 1
    await system.add_nurse("ssk-01-1", "01")
    record = await eventually(lambda: (r := system.call_for_channel(second.channel_id))
                              and r.state.value == "connected" and r, what="second answered")
    assert record.nurse_id == "ssk-01-1"
    assert system.call_for_channel(first.channel_id).state.value == "queued"


async def test_a_supervisor_forces_a_pause_with_reason_and_who_is_recorded(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01")
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/supervisor/agents/ssk-01-1/force-pause",
                         json={"reason": "utbildning", "why": "planerad utbildning"}) as resp:
        assert resp.status == 200, await resp.text()
    agent = system.services.queues.engine.nurse("ssk-01-1")
    assert agent.state.value == "paused"
    assert "handledare" in (agent.pause_reason or "")


async def test_controls_without_a_reason_or_outside_the_region_are_refused(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-14-1", "14")
    await web_system.login(http, "handledare")  # supervisor of region 01
    base = f"{web_system.base_url}/api/v1/supervisor"
    async with http.post(f"{base}/agents/ssk-14-1/force-logout", json={"why": "x"}) as resp:
        assert resp.status == 404  # another region's nurse is not revealed
    async with http.post(f"{base}/crisis", json={"region": "01", "on": True}) as resp:
        assert resp.status == 400 and (await resp.json())["error_id"] == "invalid_why"
    async with http.post(f"{base}/crisis", json={"region": None, "on": True,
                                                 "why": "x"}) as resp:
        assert resp.status == 403  # national crisis mode needs a national supervisor
    async with http.post(f"{base}/redirects", json={
            "id": "r1", "from_region": "01", "to_region": "03", "start": "igår",
            "end": "2026-12-02T12:00:00+00:00", "why": "möte"}) as resp:
        assert resp.status == 400 and (await resp.json())["details"]["field"] == "start"
    assert system.nurse_state("ssk-14-1") == "ready"


async def test_a_redirect_lets_another_regions_nurse_take_the_call(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    caller = await system.sim.add_caller(number="+46812345678", patience=None, talk=None)
    await eventually(lambda: system.services.queues.waiting_count() == 1, what="waiting")
    await system.add_nurse("ssk-14-1", "14")  # not a partner of region 01
    assert system.call_for_channel(caller.channel_id).state.value == "queued"
    now = datetime.now(UTC)
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/supervisor/redirects", json={
            "id": "apt", "from_region": "01", "to_region": "14",
            "start": (now - timedelta(minutes=1)).isoformat(),
            "end": (now + timedelta(hours=1)).isoformat(), "why": "arbetsplatsträff"}) as resp:
        assert resp.status == 200, await resp.text()
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="answered by 14")
    assert record.nurse_id == "ssk-14-1"


async def test_staffing_statistics_count_answered_and_abandoned_calls_per_interval(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    token = await system.services.identity.create_token("bemanning", "wfm")
    await system.add_nurse("ssk-01-1", "01")
    answered = await system.sim.add_caller(number="+46812345678", talk=0.3)
    await eventually(lambda: (r := system.call_for_channel(answered.channel_id))
                     and r.state.value == "ended", what="answered and ended")
    await system.services.queues.set_nurse_state("ssk-01-1", "paused", reason="lunch")
    gone = await system.sim.add_caller(number="+46812345679", patience=6.0)
    await eventually(lambda: (r := system.call_for_channel(gone.channel_id))
                     and r.state.value == "abandoned", what="abandoned")
    await system.services.queues.flush()
    async with http.get(f"{web_system.base_url}/api/v1/statistics/intervals",
                        headers={"Authorization": f"Bearer {token}"}) as resp:
        body = await resp.json()
        assert resp.status == 200, body
    rows = [r for r in body["intervals"] if r["queue"] == "01"]
    assert sum(r["offered"] for r in rows) == 2
    assert sum(r["answered"] for r in rows) == 1
    assert sum(r["abandoned"] for r in rows) == 1
    async with http.get(f"{web_system.base_url}/api/v1/statistics/intervals",
                        params={"since": "2026-01-01T00:00:00+00:00",
                                "until": "2026-06-01T00:00:00+00:00"},
                        headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 400  # more than 31 days


async def test_the_catalog_search_answers_through_the_service(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.login(http, "sjukskoterska")
    async with http.get(f"{web_system.base_url}/api/v1/catalog/units",
                        params={"region": "01"}) as resp:
        body = await resp.json()
    assert resp.status == 200, body
    await web_system.login(http, "redaktor")
    async with http.post(f"{web_system.base_url}/api/v1/catalog/units", json={}) as resp:
        assert resp.status == 403
