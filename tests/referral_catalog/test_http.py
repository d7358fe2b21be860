"""The catalog API through the aiohttp test server, with a stub ``actor_of`` (SQLite)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.db import create_engine, upgrade
from contactcenter.web.errors import error_middleware
from contactcenter.web.json_input import read_json_object
from referral_catalog.exporting import export_csv, unit_to_record
from referral_catalog.http import routes
from referral_catalog.ports import Actor
from referral_catalog.service import CatalogService
from tests.referral_catalog.helpers import unit
from tests.referral_catalog.test_service import FakeClock

ACTORS = {
    "admin01": Actor("admin01", {"region_admin"}, {"01"}),
    "admin03": Actor("admin03", {"region_admin"}, {"03"}),
    "nurse": Actor("nurse", {"nurse"}, {"*"}),
    "auditor": Actor("auditor", {"auditor"}, {"*"}),
}
U = "/api/v1/catalog/units"


def actor_of(request: web.Request) -> Actor | None:
    return ACTORS.get(request.headers.get("X-Test-User", ""))


@pytest.fixture
async def api(sqlite_url: str) -> AsyncIterator[TestClient]:
    await upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    service = CatalogService(engine, FakeClock())
    await service.start()
    await service.create(ACTORS["admin01"], unit("H1"))
    # the composition root's parser and error middleware answer bad bodies
    app = web.Application(middlewares=[error_middleware])
    app.add_routes(routes(service, actor_of, read_json=read_json_object))
    async with TestClient(TestServer(app)) as client:
        yield client
    await engine.dispose()


def as_(user: str) -> dict[str, str]:
    return {"X-Test-User": user}


async def test_a_nurse_searches_with_filters_and_gets_hits_with_times_and_why(api):
    r = await api.get(
        U,
        params=[
            ("care_type", "vårdcentral"),
            ("care_type", "BVC"),
            ("at", "2026-12-07T10:00:00+01:00"),
            ("open_now", "true"),
            ("municipality", "0180"),
            ("age", "40"),
        ],
        headers=as_("nurse"),
    )
    assert r.status == 200
    (hit,) = (await r.json())["hits"]
    assert hit["hsa_id"] == unit("H1").hsa_id and hit["care_types"] == ["VARDCENTRAL"]
    assert hit["open"] is True and hit["closes_at"] == "2026-12-07T17:00:00+01:00"
    assert hit["distance_km"] == 0.0 and hit["why"]


async def test_without_a_login_the_api_answers_401_with_the_error_shape(api):
    r = await api.get(U)
    assert r.status == 401
    assert set(await r.json()) == {"error_id", "message", "details"}


async def test_a_role_without_catalog_access_gets_403(api):
    r = await api.get(U, headers=as_("auditor"))
    assert r.status == 403 and (await r.json())["error_id"] == "forbidden"
    r = await api.post(U, json=unit_to_record(unit("H2")), headers=as_("nurse"))
    assert r.status == 403


async def test_a_region_admin_creates_updates_retires_and_reads_the_history(api):
    r = await api.post(U, json=unit_to_record(unit("H2")), headers=as_("admin01"))
    assert r.status == 201 and (await r.json())["version"] == 1
    record = unit_to_record(unit("H2")) | {"name": "Nytt namn"}
    r = await api.put(f"{U}/{unit('H2').hsa_id}", json=record, headers=as_("admin01"))
    assert r.status == 200 and (await r.json())["unit"]["name"] == "Nytt namn"
    r = await api.post(f"{U}/{unit('H2').hsa_id}/retire", headers=as_("admin01"))
    assert (await r.json())["unit"]["status"] == "inactive"
    r = await api.get(f"{U}/{unit('H2').hsa_id}/history", headers=as_("nurse"))
    history = (await r.json())["history"]
    assert [h["action"] for h in history] == ["created", "updated", "retired"]
    assert history[1]["changes"]["name"]["new"] == "Nytt namn"
    assert history[0]["at"].endswith("+00:00")


async def test_an_admin_of_another_region_gets_403_naming_the_region(api):
    r = await api.post(f"{U}/{unit('H1').hsa_id}/retire", headers=as_("admin03"))
    assert r.status == 403 and (await r.json())["details"]["region"] == "01"


async def test_a_bad_body_gets_400_naming_field_and_problem(api):
    r = await api.post(
        U, json=unit_to_record(unit("H3")) | {"opening_hours": "whenever"}, headers=as_("admin01")
    )
    body = await r.json()
    assert r.status == 400 and body["details"]["field"] == "opening_hours"
    assert body["details"]["problem"]
    r = await api.post(U, data="{not json", headers=as_("admin01"))
    assert r.status == 400 and (await r.json())["details"]["field"] == "body"
    r = await api.get(U, params={"age": "old"}, headers=as_("nurse"))
    assert r.status == 400 and (await r.json())["details"]["field"] == "age"


async def test_an_unknown_unit_gets_404(api):
    for method, path in [
        ("GET", f"{U}/SE2321000016-X9"),
        ("GET", f"{U}/SE2321000016-X9/history"),
        ("POST", f"{U}/SE2321000016-X9/retire"),
    ]:
        r = await api.request(method, path, headers=as_("admin01"))
        assert r.status == 404 and (await r.json())["error_id"] == "unit_not_found"


async def test_an_import_with_bad_rows_gets_400_with_every_row_error_and_stores_nothing(api):
    rows = [unit("C1"), unit("C2"), unit("C3")]
    text = export_csv(rows).replace("Mo-Fr 08:00-17:00; PH off", "nonsense", 2)
    r = await api.post(
        "/api/v1/catalog/import", params={"format": "csv"}, data=text, headers=as_("admin01")
    )
    body = await r.json()
    assert r.status == 400 and body["error_id"] == "import_rejected"
    assert [(e["row"], e["field"]) for e in body["details"]["errors"]] == [
        (1, "opening_hours"),
        (2, "opening_hours"),
    ]
    r = await api.get(f"{U}/{unit('C3').hsa_id}", headers=as_("nurse"))
    assert r.status == 404


async def test_an_import_then_export_round_trips(api):
    text = export_csv([unit("C1"), unit("C2")])
    r = await api.post("/api/v1/catalog/import?format=csv", data=text, headers=as_("admin01"))
    assert (await r.json())["total"] == 2
    r = await api.get(
        "/api/v1/catalog/export", params={"format": "json", "region": "01"}, headers=as_("nurse")
    )
    ids = [u["hsa_id"] for u in json.loads(await r.text())["units"]]
    assert ids == sorted(u.hsa_id for u in (unit("H1"), unit("C1"), unit("C2")))
    r = await api.get("/api/v1/catalog/export?format=fhir", headers=as_("nurse"))
    assert r.content_type == "application/fhir+json"
    assert len((await r.json())["entry"]) == 9


async def test_an_import_with_a_field_over_the_csv_limit_is_a_400_naming_the_row(api):
    text = export_csv([unit("C1", internal_notes="x" * 200_000), unit("C2")])
    r = await api.post("/api/v1/catalog/import?format=csv", data=text, headers=as_("admin01"))
    body = await r.json()
    assert r.status == 400 and body["error_id"] == "import_rejected"
    assert [(e["row"], e["field"]) for e in body["details"]["errors"]] == [(1, "record")]


async def test_an_import_that_is_not_utf8_names_the_line_and_byte(api):
    csv_text = export_csv([unit("C1"), unit("C2", name="Vårdcentral")])
    first_bad = next(n for n, line in enumerate(csv_text.splitlines(), 1) if not line.isascii())
    text = csv_text.encode("latin-1")
    r = await api.post("/api/v1/catalog/import?format=csv", data=text,
                       headers={**as_("admin01"), "Content-Type": "text/csv"})
    body = await r.json()
    assert r.status == 400 and body["details"]["field"] == "body"
    assert f"line {first_bad}," in body["message"] and "not valid UTF-8" in body["message"]


async def test_a_unit_with_a_javascript_link_is_refused_through_the_api(api):
    record = unit_to_record(unit("H2")) | {"web_url": "javascript:alert(document.cookie)"}
    r = await api.post(U, json=record, headers=as_("admin01"))
    body = await r.json()
    assert r.status == 400 and body["details"]["field"] == "web_url"
    # A NUL never gets past the service's JSON parser; other control characters reach the
    # unit's own validation, which names the field.
    r = await api.put(f"{U}/{unit('H1').hsa_id}", json=unit_to_record(unit("H1")) | {
        "name": "Vård\u0007central"}, headers=as_("admin01"))
    assert r.status == 400 and (await r.json())["details"]["field"] == "name"
    r = await api.put(f"{U}/{unit('H1').hsa_id}", json=unit_to_record(unit("H1")) | {
        "name": "Vård\u0000central"}, headers=as_("admin01"))
    assert r.status == 400 and (await r.json())["error_id"] == "invalid_json"
