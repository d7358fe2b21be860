"""The journal through the running service: the nurse who answered documents and signs."""

from __future__ import annotations

import aiohttp

from journal.model import to_plain
from tests.journal.conftest import complete_content
from tests.support.system import eventually
from tests.web.conftest import WebSystem


async def _answered_call(web_system: WebSystem, nurse_id: str = "ssk-01-1",
                         username: str | None = "sjukskoterska",
                         number: str = "+46812345678") -> str:
    """A call from ``number`` answered by the nurse ``nurse_id`` (linked to ``username``)."""
    system = web_system.system
    region = nurse_id.split("-")[1]
    await system.add_nurse(nurse_id, region, username=username)
    caller = await system.sim.add_caller(number=number, talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    assert record.nurse_id == nurse_id
    await system.services.queues.set_nurse_state(nurse_id, "paused", reason="dokumentation")
    await system.services.call_log.flush()
    return record.call_id


async def _abandoned_call(web_system: WebSystem) -> str:
    system = web_system.system
    caller = await system.sim.add_caller(number="+46812345679", patience=6.0)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "abandoned" and r, what="abandoned call")
    await system.services.call_log.flush()
    return record.call_id


async def _session(web_system: WebSystem, username: str,
                   password: str = "demo") -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    await web_system.login(session, username, password)
    return session


async def _access_log(web_system: WebSystem, **params: str) -> list[dict]:
    async with await _session(web_system, "granskare") as auditor, auditor.get(
            f"{web_system.base_url}/api/v1/journal/access-log", params=params) as resp:
        assert resp.status == 200
        return list((await resp.json())["records"])


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


async def test_a_nurse_cannot_open_a_draft_for_another_regions_call_nor_read_its_entry_as_own(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    """The attack: a region 01 nurse opens a draft for a region 03 call (accepted, as the
    body said region 01 and the nurse who answered has no login) and then reads, amends
    and signs the entry a region 03 nurse wrote for that call as her own call."""
    base = f"{web_system.base_url}/api/v1/journal"
    await web_system.system.services.identity.create_user(
        "dora", "Dora Uppsala", "lösenord-123", ["nurse"], ["03"])
    call_id = await _answered_call(web_system, "ssk-03-1", None, number="+46181234567")
    documented = {"call_id": call_id, "region": "03", "emergency": True,
                  "reason": "Sköterskan som svarade saknar inloggning"}
    async with await _session(web_system, "dora", "lösenord-123") as dora:
        async with dora.post(f"{base}/entries", json={
                **documented, "content": to_plain(complete_content())}) as resp:
            theirs = await resp.json()
            assert resp.status == 201, theirs
        async with dora.post(f"{base}/entries/{theirs['entry_id']}/sign",
                             json={"revision": theirs["revision"]}) as resp:
            assert resp.status == 200
        async with dora.post(f"{base}/entries", json=documented) as resp:
            draft = await resp.json()
    assert (theirs["region"], theirs["care_provider"]) == ("03", "2321000024")

    await web_system.login(http, "sjukskoterska")
    for body in ({"call_id": call_id, "region": "01"}, {"call_id": call_id, "region": "03"},
                 {"call_id": call_id}):
        async with http.post(f"{base}/entries", json=body) as resp:
            refused = await resp.json()
            assert resp.status == 403 and refused["error_id"] == "access_denied", refused
    async with http.post(f"{base}/entries", json={  # her own entry of the call, flagged,
            "call_id": call_id, "emergency": True, "reason": "Samma patient"}) as resp:
        assert resp.status == 201  # does not make the call hers
    async with http.get(f"{base}/entries/{theirs['entry_id']}") as resp:
        assert resp.status == 403
    async with http.get(f"{base}/entries/{theirs['entry_id']}",
                        params={"reason": "vill se"}) as resp:
        assert resp.status == 403  # another care provider: emergency access only
    amendment = to_plain(complete_content())
    amendment["amendment_reason"] = "Rättelse"
    async with http.post(f"{base}/entries/{theirs['entry_id']}/amendments",
                         json={"content": amendment}) as resp:
        assert resp.status == 403
    async with http.put(f"{base}/entries/{draft['entry_id']}",
                        json={"content": {}, "revision": draft["revision"]}) as resp:
        assert resp.status == 403
    async with http.post(f"{base}/entries/{draft['entry_id']}/sign",
                         json={"revision": draft["revision"]}) as resp:
        assert resp.status == 403

    creates = [r for r in await _access_log(web_system, action="create")
               if r["actor_username"] == "sjukskoterska"]
    assert [(r["outcome"], r["basis"], r["region"]) for r in creates] == [
        ("denied", None, "03")] * 3 + [("allowed", "emergency", "03")]
    reads = await _access_log(web_system, entry_id=theirs["entry_id"], action="read")
    assert [(r["actor_username"], r["outcome"], r["basis"]) for r in reads] == [
        ("sjukskoterska", "denied", None)] * 2


async def test_emergency_access_opens_a_draft_for_any_call_with_a_reason_and_is_logged(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    base = f"{web_system.base_url}/api/v1/journal"
    call_id = await _answered_call(web_system, "ssk-03-1", None, number="+46181234567")
    await web_system.login(http, "sjukskoterska")
    async with http.post(f"{base}/entries", json={"call_id": call_id,
                                                  "emergency": True}) as resp:
        no_reason = await resp.json()
    assert resp.status == 403 and no_reason["error_id"] == "reason_required"
    async with http.post(f"{base}/entries", json={
            "call_id": call_id, "emergency": True, "reason": "Kollegan nåddes inte"}) as resp:
        entry = await resp.json()
        assert resp.status == 201, entry
    assert (entry["region"], entry["care_provider"]) == ("03", "2321000024")
    async with http.post(f"{base}/entries", json={
            "call_id": call_id, "region": "01", "emergency": True, "reason": "x"}) as resp:
        mismatch = await resp.json()
    assert resp.status == 409 and mismatch["error_id"] == "region_mismatch"
    records = await _access_log(web_system, action="create")
    assert [(r["outcome"], r["basis"], r["emergency"]) for r in records] == [
        ("denied", None, False), ("allowed", "emergency", True), ("denied", None, False)]
    assert records[1]["reason"] == "Kollegan nåddes inte"
    flagged = await _access_log(web_system, emergency="1")
    assert [r["entry_id"] for r in flagged] == [entry["entry_id"]]


async def test_abandoned_unknown_and_calls_answered_by_a_nurse_without_login_are_refused(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    base = f"{web_system.base_url}/api/v1/journal"
    abandoned = await _abandoned_call(web_system)
    no_login = await _answered_call(web_system, "ssk-01-9", None)
    await web_system.login(http, "sjukskoterska")
    problems = {}
    for call_id in (abandoned, no_login, "no-such-call"):
        async with http.post(f"{base}/entries", json={"call_id": call_id,
                                                      "region": "01"}) as resp:
            body = await resp.json()
            assert resp.status == 403 and body["error_id"] == "access_denied", body
            problems[call_id] = body["message"]
    assert "nobody answered" in problems[abandoned]
    assert "did not take part" in problems[no_login]
    assert "no such call" in problems["no-such-call"]
    records = await _access_log(web_system, action="create")
    assert [(r["query"]["call_id"], r["outcome"]) for r in records] == [
        (abandoned, "denied"), (no_login, "denied"), ("no-such-call", "denied")]


async def test_create_draft_fields_of_the_wrong_type_are_a_400(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    base = f"{web_system.base_url}/api/v1/journal"
    await web_system.login(http, "sjukskoterska")
    for fields in ({"call_id": 17}, {"call_id": ["x"]}, {"call_id": ""}, {"region": 1},
                   {"emergency": "yes"}, {"emergency": True, "reason": {"x": 1}},
                   {"content": [1]}, {"content": "text"}, {"call_id": "c" * 65}):
        body = {"call_id": "c", "region": "01", **fields}
        async with http.post(f"{base}/entries", json=body) as resp:
            error = await resp.json()
            assert resp.status == 400 and error["error_id"] == "invalid_entry", (body, error)
            assert set(error) == {"error_id", "message", "details"}


async def test_demo_entries_are_read_by_care_provider_with_a_reason_only_in_the_own_region(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    from sqlalchemy import select

    from contactcenter.demo import ensure_demo_journal
    from journal.sql import journal_entries as t

    services = web_system.system.services
    assert await ensure_demo_journal(services, ["01", "03"], count=20) == 20
    async with services.engine.connect() as conn:
        first = {r.region: r.entry_id for r in await conn.execute(
            select(t.c.region, t.c.entry_id).order_by(t.c.id.desc()))}
    own, other = first["01"], first["03"]
    base = f"{web_system.base_url}/api/v1/journal"
    await web_system.login(http, "sjukskoterska")
    async with http.get(f"{base}/entries/{own}") as resp:
        assert resp.status == 403 and (await resp.json())["error_id"] == "reason_required"
    async with http.get(f"{base}/entries/{own}",
                        params={"reason": "Patienten ringer igen"}) as resp:
        read = await resp.json()
        assert resp.status == 200, read
    assert read["access"] == {"basis": "care_provider", "emergency": False}
    async with http.get(f"{base}/entries/{other}",
                        params={"reason": "Patienten ringer igen"}) as resp:
        assert resp.status == 403 and (await resp.json())["error_id"] == "access_denied"
