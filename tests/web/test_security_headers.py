"""The security headers on the running service: pages, API, static files and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace

import aiohttp
import pytest

from contactcenter.bootstrap import start_web
from tests.support.system import System
from tests.web.conftest import WebSystem


def assert_security_headers(headers: Mapping[str, str]) -> None:
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin")


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/openapi.json", "/login",
                                  "/static/live.js", "/static/live.css", "/api/v1/calls",
                                  "/api/v1/no-such-route", "/no-such-page", "/"])
async def test_every_response_carries_the_security_headers(
        web_system: WebSystem, http: aiohttp.ClientSession, path: str) -> None:
    async with http.get(f"{web_system.base_url}{path}", allow_redirects=False) as resp:
        assert_security_headers(resp.headers)
        assert "Strict-Transport-Security" not in resp.headers, "plain HTTP: no HSTS"


@pytest.mark.parametrize("path", ["/api/v1/calls", "/api/v1/agents", "/api/v1/auth/whoami",
                                  "/api/v1/health", "/", "/login"])
async def test_patient_data_and_logged_in_pages_are_never_cached(
        web_system: WebSystem, http: aiohttp.ClientSession, path: str) -> None:
    await web_system.login(http, "handledare")
    async with http.get(f"{web_system.base_url}{path}") as resp:
        assert resp.status == 200
        assert resp.headers["Cache-Control"] == "no-store"


async def test_an_api_error_is_not_cached_either(
        web_system: WebSystem, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{web_system.base_url}/api/v1/calls") as resp:
        assert resp.status == 401 and resp.headers["Cache-Control"] == "no-store"


@pytest.fixture
async def secure_base_url(system: System) -> AsyncIterator[str]:
    settings = replace(system.settings,
                       http=replace(system.settings.http, cookie_secure=True))
    runner, port = await start_web(replace(system.services, settings=settings), "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_hsts_is_sent_when_cookies_are_secure(secure_base_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for path in ("/api/v1/health", "/login", "/static/live.js"):
            async with session.get(f"{secure_base_url}{path}") as resp:
                assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
                assert_security_headers(resp.headers)
