"""Another site's page cannot use a nurse's or supervisor's session: state changes and the
live WebSocket with the session cookie must come from this site, bodies must be JSON, and
the HTML forms carry a CSRF token."""

from __future__ import annotations

import re

import aiohttp
import pytest

from referral_catalog.exporting import export_csv
from tests.referral_catalog.helpers import unit
from tests.web.conftest import WebSystem

EVIL = "https://evil.example"
CRISIS = '{"region": "01", "on": true, "why": "test"}'
CRISIS_JSON = {"region": "01", "on": True, "why": "övning"}


async def logged_in(web_system: WebSystem, username: str = "handledare"
                    ) -> aiohttp.ClientSession:
    """A session logged in by JSON that sends no Origin of its own."""
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.post(f"{web_system.base_url}/login",
                            json={"username": username, "password": "demo"}) as resp:
        assert resp.status == 200, await resp.text()
    return session


async def test_a_cross_site_text_plain_post_with_a_session_cookie_is_refused(
        web_system: WebSystem) -> None:
    async with await logged_in(web_system) as session, session.post(
            f"{web_system.base_url}/api/v1/supervisor/crisis", data=CRISIS,
            headers={"Origin": EVIL, "Content-Type": "text/plain"}) as resp:
        body = await resp.json()
    assert resp.status == 403
    assert body["error_id"] == "cross_site_request" and body["details"] == {"origin": EVIL}


async def test_a_cross_site_form_post_does_not_change_a_nurses_state(
        web_system: WebSystem) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", ready=False)
    async with await logged_in(web_system) as session, session.post(
            f"{web_system.base_url}/api/v1/agents/ssk-01-1/state", data={"state": "ready"},
            headers={"Origin": EVIL}) as resp:
        assert resp.status == 403
        assert (await resp.json())["error_id"] == "cross_site_request"
    assert system.nurse_state("ssk-01-1") == "logged_out"


@pytest.mark.parametrize("headers", [{}, {"Referer": f"{EVIL}/page"}, {"Origin": "null"}])
async def test_a_cookie_post_without_this_sites_origin_or_referer_is_refused(
        web_system: WebSystem, headers: dict[str, str]) -> None:
    async with await logged_in(web_system) as session, session.post(
            f"{web_system.base_url}/api/v1/supervisor/crisis", json=CRISIS_JSON,
            headers=headers) as resp:
        assert resp.status == 403
        assert (await resp.json())["error_id"] == "cross_site_request"


@pytest.mark.parametrize("header", ["Origin", "Referer"])
async def test_a_same_site_json_post_with_the_session_cookie_is_accepted(
        web_system: WebSystem, header: str) -> None:
    value = web_system.base_url + ("/" if header == "Referer" else "")
    async with await logged_in(web_system) as session, session.post(
            f"{web_system.base_url}/api/v1/supervisor/crisis", json=CRISIS_JSON,
            headers={header: value}) as resp:
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["applied"] == "set_crisis"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
async def test_an_api_body_that_is_not_json_is_refused_even_from_this_site(
        web_system: WebSystem, content_type: str) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", ready=False)
    async with await logged_in(web_system) as session, session.post(
            f"{web_system.base_url}/api/v1/agents/ssk-01-1/state", data='{"state": "ready"}',
            headers={"Origin": web_system.base_url, "Content-Type": content_type}) as resp:
        body = await resp.json()
    assert resp.status == 415
    assert body["error_id"] == "unsupported_media_type" and body["details"]["accepted"] == [
        "application/json"]
    assert system.nurse_state("ssk-01-1") == "logged_out"


async def test_a_bearer_token_needs_no_origin(web_system: WebSystem) -> None:
    token = await web_system.system.services.identity.create_token("handledare", "script")
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Origin": EVIL}):
            async with session.post(f"{web_system.base_url}/api/v1/supervisor/crisis",
                                    json=CRISIS_JSON,
                                    headers={"Authorization": f"Bearer {token}", **headers}
                                    ) as resp:
                assert resp.status == 200, await resp.text()


@pytest.mark.parametrize("headers", [{"Origin": EVIL}, {}])
async def test_the_live_websocket_refuses_a_foreign_or_missing_origin(
        web_system: WebSystem, headers: dict[str, str]) -> None:
    async with await logged_in(web_system) as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with session.ws_connect(f"{web_system.base_url}/api/v1/live",
                                          headers=headers):
                pass
        assert refused.value.status == 403
        async with session.ws_connect(f"{web_system.base_url}/api/v1/live",
                                      headers={"Origin": web_system.base_url}) as ws:
            assert (await ws.receive_json(timeout=10))["type"] == "snapshot"


async def test_a_login_form_from_another_site_is_refused(web_system: WebSystem) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{web_system.base_url}/login", headers={"Origin": EVIL},
                                data={"username": "handledare", "password": "demo"},
                                allow_redirects=False) as resp:
            assert resp.status == 403
        async with session.post(f"{web_system.base_url}/login",
                                headers={"Origin": web_system.base_url},
                                data={"username": "handledare", "password": "demo"},
                                allow_redirects=False) as resp:
            assert resp.status == 403, "same site, but the form's CSRF token is missing"
            assert "rgv_session" not in resp.cookies


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


async def test_the_login_and_logout_forms_work_with_their_csrf_token_only(
        web_system: WebSystem) -> None:
    base, own = web_system.base_url, {"Origin": web_system.base_url}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(f"{base}/login") as resp:
            login_token = _token(await resp.text())
        async with browser.post(f"{base}/login", headers=own, allow_redirects=False, data={
                "username": "handledare", "password": "demo", "next": "/",
                "csrf_token": login_token}) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/"
        async with browser.get(f"{base}/") as resp:
            logout_token = _token(await resp.text())
        async with browser.post(f"{base}/logout", headers=own, data={"csrf_token": "x" * 43},
                                allow_redirects=False) as resp:
            assert resp.status == 403
        async with browser.get(f"{base}/api/v1/auth/whoami") as resp:
            assert resp.status == 200, "a refused logout leaves the session"
        async with browser.post(f"{base}/logout", headers=own, allow_redirects=False,
                                data={"csrf_token": logout_token}) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/login"
        async with browser.get(f"{base}/api/v1/auth/whoami") as resp:
            assert resp.status == 401


@pytest.mark.parametrize("body", [b"csrf_token=x", b"\xff=1"])
async def test_a_logout_form_that_cannot_be_read_is_a_400_and_keeps_the_session(
        web_system: WebSystem, body: bytes) -> None:
    base = web_system.base_url
    async with await logged_in(web_system) as session:
        for content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            if content_type.startswith("application") and body.isascii():
                continue  # a readable form: the CSRF check answers (403), tested above
            async with session.post(f"{base}/logout", data=body, headers={
                    "Origin": base, "Content-Type": content_type}) as resp:
                assert resp.status == 400, (content_type, await resp.text())
                assert (await resp.json())["error_id"] == "invalid_body"
        async with session.get(f"{base}/api/v1/auth/whoami") as resp:
            assert resp.status == 200


@pytest.mark.parametrize(("content_type", "status"), [("text/csv", 200), ("text/plain", 415)])
async def test_the_catalog_import_still_takes_csv_but_nothing_else(
        web_system: WebSystem, http: aiohttp.ClientSession, content_type: str,
        status: int) -> None:
    await web_system.login(http, "regionadmin")
    async with http.post(f"{web_system.base_url}/api/v1/catalog/import?format=csv",
                         data=export_csv([unit("C1")]),
                         headers={"Content-Type": content_type}) as resp:
        assert resp.status == status, await resp.text()
