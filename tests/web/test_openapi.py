"""The OpenAPI document describes every operation the service has, as the routes do."""

from __future__ import annotations

import aiohttp

from contactcenter.web.app import create_app
from contactcenter.web.openapi import api_routes, description_of
from tests.web.conftest import WebSystem

ERROR_REF = {"$ref": "#/components/schemas/Error"}


async def test_every_route_of_the_service_carries_its_own_description(
    web_system: WebSystem,
) -> None:
    app = create_app(web_system.system.services)
    routes = api_routes(app)
    assert len(routes) >= 45
    undescribed = [f"{method.upper()} {path}" for method, path, handler in routes
                   if description_of(handler) is None]
    assert undescribed == []


async def test_every_operation_lists_its_parameters_body_security_and_error_answers(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    async with http.get(f"{web_system.base_url}/api/v1/openapi.json") as resp:
        doc = await resp.json()
    operations = [(path, method, op) for path, item in doc["paths"].items()
                  for method, op in item.items()]
    assert len(operations) >= 45
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op["summary"] and "undescribed" not in op["summary"], where
        named = {p["name"] for p in op["parameters"] if p["in"] == "path"}
        assert named == {part[1:-1].split(":")[0] for part in path.split("/")
                         if part.startswith("{")}, where
        assert all("type" in p["schema"] or "enum" in p["schema"] for p in op["parameters"]), \
            where
        responses = op["responses"]
        assert {"400", "405"} <= set(responses), where
        assert responses["405"]["headers"]["Allow"], where
        if op["security"]:
            assert {"401", "403"} <= set(responses), where
        if method in ("post", "put", "delete") and "requestBody" in op:
            assert {"413", "415"} <= set(responses), where
            content = op["requestBody"]["content"]
            assert all("type" in media["schema"] for media in content.values()), where
        if method != "get":
            assert "503" in responses, where
        for status, answer in responses.items():
            if (path, status) == ("/api/v1/health", "503"):
                continue  # health answers its own report, naming the failing parts
            if int(status) >= 400:
                assert answer["content"]["application/json"]["schema"] == ERROR_REF, where


async def test_a_405_keeps_its_allow_header_and_has_the_error_body(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.login(http, "handledare")
    async with http.patch(f"{web_system.base_url}/api/v1/calls") as resp:
        body = await resp.json()
    assert resp.status == 405
    assert "GET" in resp.headers["Allow"]
    assert set(body) == {"error_id", "message", "details"}
    assert body["error_id"] == "method_not_allowed"
