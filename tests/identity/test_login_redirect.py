"""Where the login form sends the browser afterwards: this site only, and a clean header."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.identity.http import setup_identity
from contactcenter.identity.service import IdentityService
from tests.identity.test_http import PASSWORD, form_token


@pytest.fixture
async def client(identity: IdentityService) -> AsyncIterator[TestClient]:
    await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["01"])
    app = web.Application()
    setup_identity(app, identity, session_hours=8, cookie_secure=False)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        yield c


async def post_raw_form(client: TestClient, encoded_next: str) -> web.Response:
    """The login form with ``next`` exactly as given, already percent-encoded."""
    body = (f"username=anna&password={PASSWORD.replace(' ', '+')}"
            f"&csrf_token={await form_token(client)}&next={encoded_next}")
    return await client.post("/login", data=body.encode(), allow_redirects=False, headers={
        "Content-Type": "application/x-www-form-urlencoded"})


@pytest.mark.parametrize("encoded_next", [
    "/%09/evil.example",          # a tab: browsers drop it, leaving //evil.example
    "/%0A/evil.example",          # line feed
    "/%0D/evil.example",          # carriage return
    "%09//evil.example",          # leading control character
    "//evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",           # /\evil.example: a backslash counts as a slash
    "%5C%5Cevil.example",
    "/%255Cevil.example",         # double-encoded backslash
    "/%2509/evil.example",        # double-encoded tab
    "/%252F/evil.example",        # double-encoded slash
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/%E2%80%A8/evil.example",    # a Unicode line separator
])
async def test_a_form_login_never_redirects_off_site(client: TestClient, encoded_next: str):
    response = await post_raw_form(client, encoded_next)
    assert response.status == 303
    assert response.headers["Location"] == "/"


async def test_a_nul_in_next_refuses_the_form_without_a_redirect_or_session(
        client: TestClient):
    response = await post_raw_form(client, "/%00/evil.example")  # no column can hold a NUL
    assert response.status == 400 and "Location" not in response.headers
    assert "Set-Cookie" not in response.headers or "rgv_session" not in response.headers.get(
        "Set-Cookie", "")


@pytest.mark.parametrize(("encoded_next", "location"), [
    ("/live", "/live"),
    ("/live%3Fregion%3D01", "/live?region=01"),
    ("/s%C3%B6k", "/s%C3%B6k"),
])
async def test_a_form_login_still_goes_to_a_page_of_this_site(client: TestClient,
                                                              encoded_next: str, location: str):
    response = await post_raw_form(client, encoded_next)
    assert response.status == 303 and response.headers["Location"] == location


async def test_a_line_break_in_next_gives_a_clean_redirect_and_a_working_session(
        client: TestClient):
    response = await post_raw_form(client, "/live%0D%0ASet-Cookie:%20x=y")
    assert response.status == 303 and response.headers["Location"] == "/"
    assert "x=y" not in response.headers.getall("Set-Cookie", [])
    assert (await client.get("/api/v1/auth/whoami")).status == 200


async def test_the_login_page_does_not_offer_an_off_site_next(client: TestClient):
    page = await (await client.get("/login", params={"next": "/\t/evil.example"})).text()
    assert 'name="next" value="/"' in page
