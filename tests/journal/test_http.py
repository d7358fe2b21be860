"""The journal's routes through aiohttp's test server: roles, errors as JSON, streaming."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.web.errors import error_middleware
from contactcenter.web.json_input import read_json_object
from journal.http import PSEUDONYM_KEY_HEADER, routes
from journal.model import to_plain
from journal.ports import Actor
from journal.service import JournalService
from tests.journal.conftest import ADMIN_01, ANNA, AUDITOR, BERIT, CARL, complete_content

ACTORS = {a.user_id: a for a in (ANNA, BERIT, CARL, AUDITOR, ADMIN_01)}


def actor_of(request: web.Request) -> Actor:
    # stands in for the composition root's principal-to-actor function
    return ACTORS[request.headers["X-Test-User"]]


@pytest.fixture
async def client(service: JournalService) -> AsyncIterator[TestClient]:
    # the composition root's parser and error middleware answer bad bodies
    app = web.Application(middlewares=[error_middleware])
    app.add_routes(routes(service, actor_of, read_json=read_json_object))
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        yield c


def as_(user: Actor) -> dict[str, str]:
    return {"X-Test-User": user.user_id}


async def test_a_nurse_creates_saves_signs_and_reads_her_entry(client: TestClient):
    created = await client.post("/api/v1/journal/entries", headers=as_(ANNA),
                                json={"call_id": "call-1", "region": "01"})
    assert created.status == 201
    entry = await created.json()
    saved = await client.put(f"/api/v1/journal/entries/{entry['entry_id']}", headers=as_(ANNA),
                             json={"content": to_plain(complete_content()), "revision": 1})
    assert saved.status == 200 and (await saved.json())["revision"] == 2
    signed = await client.post(f"/api/v1/journal/entries/{entry['entry_id']}/sign",
                               headers=as_(ANNA), json={"revision": 2})
    assert (await signed.json())["status"] == "signed"
    read = await client.get(f"/api/v1/journal/entries/{entry['entry_id']}", headers=as_(ANNA))
    body = await read.json()
    assert body["access"] == {"basis": "own_call", "emergency": False}
    mine = await (await client.get("/api/v1/journal/entries/mine", headers=as_(ANNA))).json()
    assert [e["entry_id"] for e in mine["entries"]] == [entry["entry_id"]]


async def test_errors_come_back_as_json_with_stable_ids(client: TestClient):
    entry = await (await client.post("/api/v1/journal/entries", headers=as_(ANNA),
                                     json={"call_id": "c", "region": "01"})).json()
    stale = await client.put(f"/api/v1/journal/entries/{entry['entry_id']}", headers=as_(ANNA),
                             json={"content": {}, "revision": 7})
    assert stale.status == 409 and (await stale.json())["error_id"] == "stale_revision"
    no_reason = await client.get(f"/api/v1/journal/entries/{entry['entry_id']}",
                                 headers=as_(BERIT))
    body = await no_reason.json()
    assert no_reason.status == 403 and body["error_id"] == "reason_required"
    assert set(body) == {"error_id", "message", "details"}
    missing = await client.get("/api/v1/journal/entries/nope", headers=as_(ANNA))
    assert missing.status == 404
    bad = await client.post("/api/v1/journal/entries", headers=as_(ANNA), data="{")
    assert bad.status == 400 and (await bad.json())["error_id"] == "invalid_json"


async def test_other_nurses_read_with_a_reason_and_others_with_emergency_access(
        client: TestClient):
    entry = await (await client.post("/api/v1/journal/entries", headers=as_(ANNA),
                                     json={"call_id": "c", "region": "01"})).json()
    url = f"/api/v1/journal/entries/{entry['entry_id']}"
    ok = await client.get(url, headers=as_(BERIT), params={"reason": "Ringer igen"})
    assert ok.status == 200
    emergency = await client.get(url, headers=as_(CARL),
                                 params={"reason": "Medvetslös", "emergency": "1"})
    assert (await emergency.json())["access"] == {"basis": "emergency", "emergency": True}


async def test_an_amendment_is_posted_to_a_signed_entry(client: TestClient):
    entry = await (await client.post("/api/v1/journal/entries", headers=as_(ANNA), json={
        "call_id": "c", "region": "01", "content": to_plain(complete_content())})).json()
    await client.post(f"/api/v1/journal/entries/{entry['entry_id']}/sign", headers=as_(ANNA),
                      json={"revision": 1})
    content = to_plain(complete_content())
    content["amendment_reason"] = "Tillägg efter återuppringning"
    response = await client.post(f"/api/v1/journal/entries/{entry['entry_id']}/amendments",
                                 headers=as_(ANNA), json={"content": content})
    assert response.status == 201 and (await response.json())["amends"] == entry["entry_id"]


async def test_auditors_page_through_the_access_log_and_nurses_may_not(client: TestClient):
    await client.post("/api/v1/journal/entries", headers=as_(ANNA),
                      json={"call_id": "c", "region": "01"})
    denied = await client.get("/api/v1/journal/access-log", headers=as_(ANNA))
    assert denied.status == 403
    page = await (await client.get("/api/v1/journal/access-log", headers=as_(AUDITOR),
                                   params={"limit": "1"})).json()
    assert page["records"][0]["action"] == "create"
    nxt = await (await client.get("/api/v1/journal/access-log", headers=as_(AUDITOR), params={
        "after_id": str(page["next_after_id"])})).json()
    # Anna's refused query, then the auditor's own first query: log queries are logged too
    assert [(r["actor_id"], r["action"], r["outcome"]) for r in nxt["records"]] == [
        ("n-anna", "log_query", "denied"), ("a-greta", "log_query", "allowed")]


async def test_exports_stream_in_each_format_for_region_admins(client: TestClient):
    entry = await (await client.post("/api/v1/journal/entries", headers=as_(ANNA), json={
        "call_id": "c", "region": "01", "content": to_plain(complete_content())})).json()
    await client.post(f"/api/v1/journal/entries/{entry['entry_id']}/sign", headers=as_(ANNA),
                      json={"revision": 1})
    for fmt, ctype in (("jsonl", "application/x-ndjson"), ("csv", "text/csv"),
                       ("fhir", "application/fhir+ndjson")):
        response = await client.get("/api/v1/journal/export", headers=as_(ADMIN_01),
                                    params={"format": fmt, "region": "01"})
        assert response.status == 200 and response.content_type == ctype
        assert response.headers.get("Transfer-Encoding") == "chunked"  # streamed
        assert entry["entry_id"] in await response.text()
    pseudo = await client.get("/api/v1/journal/export", params={
        "region": "01", "pseudonymise": "1"}, headers={
        **as_(ADMIN_01), PSEUDONYM_KEY_HEADER: "a-key-of-sixteen-bytes-or-more"})
    assert "191212121212" not in await pseudo.text()
    no_key = await client.get("/api/v1/journal/export", headers=as_(ADMIN_01),
                              params={"region": "01", "pseudonymise": "1"})
    assert no_key.status == 400
    nurse = await client.get("/api/v1/journal/export", headers=as_(ANNA),
                             params={"region": "01"})
    assert nurse.status == 403
    patient = await client.post("/api/v1/journal/patient-export", headers=as_(ADMIN_01),
                                json={"kind": "personnummer", "number": "19121212-1212"})
    views = [json.loads(x) for x in (await patient.text()).splitlines()]
    assert [v["entry_id"] for v in views] == [entry["entry_id"]]
    assert "hypotheses" not in views[0]["content"]["notes"]
