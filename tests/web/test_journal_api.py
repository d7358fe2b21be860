"""The journal through the running service: the nurse who answered documents and signs."""

from __future__ import annotations

import aiohttp

from journal.model import to_plain
from tests.journal.conftest import complete_content
from tests.support.system import eventually
from tests.web.conftest import WebSystem


async def _answered_call(web_system: WebSystem) -> str:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", username="sjukskoterska")
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    await system.services.call_log.flush()
    return record.call_id


async def test_the_nurse_who_answered_writes_and_signs_the_entry_and_it_is_access_logged(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _answered_call(web_system)
    base = f"{web_system.base_url}/api/v1/journal"
    await web_system.login(http, "sjukskoterska")
    async with http.post(f"{base}/entries", json={
            "call_id": call_id, "region": "01",
            "content": to_plain(complete_content())}) as resp:
        draft = await resp.json()
        assert resp.status == 201, draft
    async with http.post(f"{base}/entries/{draft['entry_id']}/sign",
                         json={"revision": draft["revision"]}) as resp:
        signed = await resp.json()
        assert resp.status == 200, signed
    assert signed["status"] == "signed"
    async with http.put(f"{base}/entries/{draft['entry_id']}",
                        json={"content": {}, "revision": signed["revision"]}) as resp:
        refused = await resp.json()
    assert resp.status in (409, 400) and refused["error_id"]

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as auditor:
        await web_system.login(auditor, "granskare")
        async with auditor.get(f"{base}/access-log", params={"entry_id": draft["entry_id"]}) as r:
            records = (await r.json())["records"]
    actions = [rec["action"] for rec in records]
    assert "sign" in actions and any(a in actions for a in ("create", "write"))
    assert {rec["actor_username"] for rec in records} >= {"sjukskoterska"}


async def test_a_nurse_who_did_not_handle_the_call_is_refused_and_the_refusal_is_logged(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _answered_call(web_system)
    base = f"{web_system.base_url}/api/v1/journal"
    identity = web_system.system.services.identity
    await identity.create_user("annan", "Annan Sjuksköterska", "lösenord-123", ["nurse"], ["14"])
    await web_system.login(http, "sjukskoterska")
    async with http.post(f"{base}/entries", json={"call_id": call_id, "region": "01"}) as resp:
        entry_id = (await resp.json())["entry_id"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        await web_system.login(other, "annan", "lösenord-123")
        async with other.get(f"{base}/entries/{entry_id}") as resp:
            body = await resp.json()
    assert resp.status == 403 and body["error_id"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as auditor:
        await web_system.login(auditor, "granskare")
        async with auditor.get(f"{base}/access-log", params={"entry_id": entry_id}) as r:
            records = (await r.json())["records"]
    assert any(rec["outcome"] == "denied" and rec["actor_username"] == "annan"
               for rec in records)


async def test_the_openapi_document_lists_the_journal_routes(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    async with http.get(f"{web_system.base_url}/api/v1/openapi.json") as resp:
        paths = (await resp.json())["paths"]
    assert "post" in paths["/api/v1/journal/entries"]
    assert "get" in paths["/api/v1/journal/entries/{entry_id}"]
    assert "get" in paths["/api/v1/journal/export"]
