"""The guideline routes through aiohttp's test server: roles, errors as JSON, sample notice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.web.errors import error_middleware
from contactcenter.web.json_input import read_json_object
from decision_support.http import routes
from decision_support.service import GuidelineService
from tests.decision_support.service_support import (
    AUDITOR,
    EDITOR,
    EDITOR_2,
    NURSE,
    SUPERVISOR,
    next_version_of,
)

ACTORS = {a.username: a for a in (EDITOR, EDITOR_2, NURSE, SUPERVISOR, AUDITOR)}
API = "/api/v1/guidelines"
NOTICE = "Exempelinnehåll – ej godkänt för kliniskt bruk"


def actor_of(request: web.Request):  # type: ignore[no-untyped-def]
    # stands in for the composition root's principal-to-actor function
    return ACTORS.get(request.headers.get("X-Test-User", ""))


@pytest.fixture
async def client(service: GuidelineService) -> AsyncIterator[TestClient]:
    # the composition root's parser and error middleware answer bad bodies
    app = web.Application(middlewares=[error_middleware])
    app.add_routes(routes(service, actor_of, read_json=read_json_object))
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        yield c


def as_(name: str) -> dict[str, str]:
    return {"X-Test-User": name}


async def test_a_nurse_searches_and_reads_a_guideline_with_the_sample_notice(client):
    found = await client.get(f"{API}/search", params={"q": "ont i bröstet", "limit": "3"},
                             headers=as_("nils"))
    body = await found.json()
    assert found.status == 200 and body["sample_notice"] == NOTICE
    assert body["hits"][0]["id"] == "brostsmarta"
    assert set(body["hits"][0]) == {"id", "title", "version", "score", "why"}
    read = await client.get(f"{API}/feber-barn", headers=as_("nils"))
    body = await read.json()
    assert body["guideline"]["version"] == "1.0" and body["sample_notice"] == NOTICE


async def test_search_needs_a_query_and_a_numeric_age(client):
    missing = await client.get(f"{API}/search", headers=as_("nils"))
    assert missing.status == 400
    body = await missing.json()
    assert set(body) == {"error_id", "message", "details"} and "q" in body["message"]
    bad_age = await client.get(f"{API}/search", params={"q": "feber", "age": "två"},
                               headers=as_("nils"))
    assert bad_age.status == 400 and "age" in (await bad_age.json())["message"]
    child = await client.get(f"{API}/search", params={"q": "feber", "age": "2"},
                             headers=as_("nils"))
    assert (await child.json())["hits"][0]["id"] == "feber-barn"


async def test_no_actor_is_401_and_a_wrong_role_is_403(client):
    assert (await client.get(f"{API}/feber-barn")).status == 401
    denied = await client.get(f"{API}/feber-barn", headers=as_("alma"))
    assert denied.status == 403 and (await denied.json())["error_id"] == "forbidden"
    draft = await client.post(f"{API}/drafts", headers=as_("nils"),
                              json={"content": next_version_of("feber-barn")})
    assert draft.status == 403
    assert (await client.get(f"{API}/deviations", headers=as_("nils"))).status == 403


async def test_an_unknown_guideline_is_404(client):
    missing = await client.get(f"{API}/finns-inte", headers=as_("nils"))
    assert missing.status == 404 and (await missing.json())["error_id"] == "unknown_guideline"


async def test_a_region_sees_its_overlay(client, service: GuidelineService):
    region, overlays = next(iter(service.library.overlays.items()))
    gid = next(iter(overlays))
    body = await (await client.get(f"{API}/{gid}", params={"region": region},
                                   headers=as_("nils"))).json()
    assert body["guideline"]["region"] == region and body["guideline"]["regional_notes"]


async def test_assessment_answers_urgency_and_names_a_criterion_that_does_not_apply(client):
    ok = await client.post(f"{API}/feber-barn/assessment", headers=as_("nils"), json={
        "criteria": ["omg-1"], "age": {"years": 2}, "at": "2026-12-07T12:00:00+01:00"})
    body = await ok.json()
    assert ok.status == 200 and body["assessment"]["urgency"]["code"] == "OMGAENDE"
    assert body["assessment"]["care_types"] == ["BARNAKUT"] and body["sample_notice"]
    wrong = await client.post(f"{API}/feber-spadbarn/assessment", headers=as_("nils"), json={
        "criteria": [], "age": {"days": 20}})
    assert wrong.status == 400
    unknown = await client.post(f"{API}/feber-barn/assessment", headers=as_("nils"), json={
        "criteria": ["nope"], "age_years": 30})
    assert unknown.status == 400 and (await unknown.json())["details"] == {"criteria": ["nope"]}


async def test_a_criterion_outside_its_age_range_is_named(client, service: GuidelineService):
    g = next(g for g in service.library.guidelines
             if any(c.ages.min_days or c.ages.max_days for c in g.criteria))
    c = next(c for c in g.criteria if c.ages.min_days or c.ages.max_days)
    days = (c.ages.max_days + 400) if c.ages.max_days else 0
    response = await client.post(f"{API}/{g.id}/assessment", headers=as_("nils"), json={
        "criteria": [c.id], "age": {"days": days}})
    body = await response.json()
    assert response.status == 400 and body["error_id"] == "criterion_not_applicable"
    assert c.id in body["details"]["criteria"]


async def test_the_whole_editorial_workflow_over_http(client):
    created = await client.post(f"{API}/drafts", headers=as_("erik"),
                                json={"content": next_version_of("feber-barn")})
    assert created.status == 201
    draft = await created.json()
    assert draft["status"] == "draft" and draft["sample_notice"] == NOTICE
    url = f"{API}/drafts/{draft['draft_id']}"
    doc = next_version_of("feber-barn")
    doc["summary"] = "Ny sammanfattning."
    assert (await client.put(url, headers=as_("erik"), json={"content": doc})).status == 200
    assert (await client.post(f"{url}/submit", headers=as_("erik"))).status == 200
    own = await client.post(f"{url}/approve", headers=as_("erik"))
    assert own.status == 403
    back = await client.post(f"{url}/reject", headers=as_("eva"), json={"comment": "Tydligare"})
    assert (await back.json())["status"] == "draft"
    await client.post(f"{url}/submit", headers=as_("erik"))
    approved = await client.post(f"{url}/approve", headers=as_("sara"), json={"comment": "OK"})
    assert (await approved.json())["approved_by"] == "sara"
    published = await client.post(f"{url}/publish", headers=as_("erik"))
    assert (await published.json())["status"] == "published"
    current = await (await client.get(f"{API}/feber-barn", headers=as_("nils"))).json()
    assert current["guideline"]["version"] == "1.1"
    versions = await (await client.get(f"{API}/feber-barn/versions",
                                       headers=as_("nils"))).json()
    assert [v["version"] for v in versions["versions"]] == ["1.0", "1.1"]
    diff = await (await client.get(f"{API}/feber-barn/diff", params={"from": "1.0", "to": "1.1"},
                                   headers=as_("nils"))).json()
    assert diff["diff"]["criteria"]["AMBULANS"]["added"][0]["id"] == "amb-ny"
    assert diff["diff"]["lines"]
    changes = await (await client.get(f"{API}/changes", params={"since": "2026-12-01"},
                                      headers=as_("nils"))).json()
    assert [(c["old_version"], c["new_version"]) for c in changes["changes"]] == [("1.0", "1.1")]


async def test_invalid_draft_content_lists_every_problem_by_field(client):
    doc = next_version_of("feber-barn")
    doc["levels"][0]["care_types"] = ["HELIKOPTER"]
    del doc["safety_net"]
    response = await client.post(f"{API}/drafts", headers=as_("erik"), json={"content": doc})
    body = await response.json()
    assert response.status == 400 and body["error_id"] == "invalid_content"
    fields = {p["field"] for p in body["details"]["problems"]}
    assert {"levels[0].care_types[0]", "safety_net"} <= fields


async def test_publishing_a_draft_that_is_not_approved_is_a_conflict(client):
    draft = await (await client.post(f"{API}/drafts", headers=as_("erik"),
                                     json={"content": next_version_of("feber-barn")})).json()
    response = await client.post(f"{API}/drafts/{draft['draft_id']}/publish", headers=as_("sara"))
    assert response.status == 409 and (await response.json())["error_id"] == "workflow_conflict"


async def test_decisions_with_deviations_are_counted_for_content_editors(client):
    decision = {"guideline_id": "feber-barn", "criteria": ["dygn-1"], "age": {"years": 4},
                "urgency": "INOM_NAGRA_DAGAR", "care_type": "VARDCENTRAL"}
    refused = await client.post(f"{API}/decisions", headers=as_("nils"), json=decision)
    assert refused.status == 400 and (await refused.json())["error_id"] == "invalid_deviation"
    decision["deviation"] = {"reason_code": "DISTANCE", "text": "Lång resväg, åker i morgon"}
    stored = await client.post(f"{API}/decisions", headers=as_("nils"), json=decision)
    assert stored.status == 201 and (await stored.json())["deviates"] is True
    counts = await (await client.get(f"{API}/deviations", headers=as_("erik"))).json()
    assert counts["deviations"] == [{
        "guideline_id": "feber-barn", "guideline_version": "1.0", "decisions": 1,
        "deviations": 1, "rate": 1.0, "by_reason": {"DISTANCE": 1}}]


async def test_nurses_do_not_see_versions_that_are_not_published(client):
    await client.post(f"{API}/drafts", headers=as_("erik"),
                      json={"content": next_version_of("feber-barn")})
    hidden = await client.get(f"{API}/feber-barn", params={"version": "1.1"}, headers=as_("nils"))
    assert hidden.status == 404 and (await hidden.json())["error_id"] == "unknown_version"
    shown = await client.get(f"{API}/feber-barn", params={"version": "1.1"}, headers=as_("sara"))
    assert (await shown.json())["guideline"]["status"] == "draft"
    nurse_list = await (await client.get(f"{API}/feber-barn/versions", headers=as_("nils"))).json()
    editor_list = await (await client.get(f"{API}/feber-barn/versions",
                                          headers=as_("erik"))).json()
    assert [v["version"] for v in nurse_list["versions"]] == ["1.0"]
    assert [v["version"] for v in editor_list["versions"]] == ["1.0", "1.1"]
