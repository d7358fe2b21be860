"""Login, cookies, bearer tokens and role checks through the aiohttp test server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.identity.http import principal, require_roles, setup_identity
from contactcenter.identity.model import Role
from contactcenter.identity.service import IdentityService
from tests.identity.conftest import FakeClock

PASSWORD = "korrekt häst batteri"


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@require_roles(Role.SUPERVISOR)
async def supervisors_only(request: web.Request) -> web.Response:
    return web.json_response({"hello": principal(request).username})


async def forgot_the_decorator(request: web.Request) -> web.Response:
    return web.json_response({"leak": True})


@pytest.fixture
async def client(identity: IdentityService) -> AsyncIterator[TestClient]:
    await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["01"])
    await identity.create_user("sara", "Sara", PASSWORD, ["supervisor"], ["01"])
    app = web.Application()
    setup_identity(app, identity, session_hours=8, cookie_secure=False)
    app.router.add_get("/api/v1/health", health)
    app.router.add_get("/api/v1/supervision", supervisors_only)
    app.router.add_get("/api/v1/forgotten", forgot_the_decorator)
    app.router.add_get("/", health)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        yield c


async def login_json(client: TestClient, username: str, password: str = PASSWORD):
    return await client.post("/login", json={"username": username, "password": password})


async def form_token(client: TestClient) -> str:
    """The CSRF token of the login form, as a browser showing the page has it."""
    page = await (await client.get("/login")).text()
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


async def post_login_form(client: TestClient, **fields: str):
    """Fill in and send the login form as a browser would (token included)."""
    return await client.post("/login", data={"csrf_token": await form_token(client), **fields},
                             allow_redirects=False)


async def test_the_login_page_is_a_form_in_swedish_and_english(client: TestClient):
    response = await client.get("/login?next=/live")
    text = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    assert 'name="username"' in text and 'type="password"' in text
    assert "Lösenord" in text and "Password" in text
    assert 'value="/live"' in text


async def test_a_json_login_returns_the_principal_and_sets_an_httponly_cookie(
        client: TestClient):
    response = await login_json(client, "anna")
    assert response.status == 200
    body = await response.json()
    assert body["username"] == "anna" and body["roles"] == ["nurse"] and body["auth"] == "session"
    cookie = response.headers["Set-Cookie"]
    assert "rgv_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    whoami = await client.get("/api/v1/auth/whoami")
    assert (await whoami.json())["username"] == "anna"


async def test_a_form_login_redirects_to_next(client: TestClient):
    response = await post_login_form(client, username="anna", password=PASSWORD, next="/live")
    assert response.status == 303 and response.headers["Location"] == "/live"
    assert (await client.get("/api/v1/auth/whoami")).status == 200


async def test_a_form_login_never_redirects_to_another_site(client: TestClient):
    response = await post_login_form(client, username="anna", password=PASSWORD,
                                     next="//evil.example/")
    assert response.headers["Location"] == "/"


async def test_a_failed_json_login_does_not_say_whether_the_user_exists(client: TestClient):
    wrong_password = await login_json(client, "anna", "fel lösenord")
    no_such_user = await login_json(client, "nobody", "fel lösenord")
    assert wrong_password.status == no_such_user.status == 401
    assert await wrong_password.json() == await no_such_user.json() == {
        "error_id": "invalid_credentials", "message": "wrong username or password",
        "details": {}}
    assert "Set-Cookie" not in wrong_password.headers


async def test_a_failed_form_login_shows_the_form_again_with_a_message(client: TestClient):
    response = await post_login_form(client, username="anna", password="fel")
    text = await response.text()
    assert response.status == 401
    assert "Fel användarnamn eller lösenord" in text and 'value="anna"' in text


async def test_a_bearer_token_authenticates_api_requests(client: TestClient,
                                                         identity: IdentityService):
    token = await identity.create_token("sara", "wfm")
    response = await client.get("/api/v1/supervision",
                                headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200 and await response.json() == {"hello": "sara"}
    whoami = await client.get("/api/v1/auth/whoami", headers={"Authorization": f"Bearer {token}"})
    assert (await whoami.json())["auth"] == "token"


async def test_an_unauthenticated_request_gets_a_401_error_body(client: TestClient):
    response = await client.get("/api/v1/supervision")
    assert response.status == 401
    body = await response.json()
    assert body["error_id"] == "unauthenticated" and body["details"] == {}
    bad_token = await client.get("/api/v1/supervision",
                                 headers={"Authorization": "Bearer rgv_wrong"})
    assert bad_token.status == 401


async def test_a_principal_without_the_role_gets_a_403_naming_the_required_roles(
        client: TestClient):
    await login_json(client, "anna")
    response = await client.get("/api/v1/supervision")
    assert response.status == 403
    body = await response.json()
    assert body["error_id"] == "forbidden"
    assert body["details"] == {"required_roles": ["supervisor"]}


async def test_api_routes_without_a_role_check_still_require_a_login(client: TestClient):
    assert (await client.get("/api/v1/forgotten")).status == 401
    assert (await client.get("/api/v1/no-such-route")).status == 401
    await login_json(client, "anna")
    assert (await client.get("/api/v1/forgotten")).status == 200


async def test_health_and_pages_outside_the_api_are_public(client: TestClient):
    assert (await client.get("/api/v1/health")).status == 200
    assert (await client.get("/")).status == 200


async def test_logout_ends_the_session(client: TestClient):
    await login_json(client, "anna")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["rgv_session"].value
    response = await client.post("/logout")
    assert response.status == 200 and await response.json() == {"status": "logged_out"}
    assert (await client.get("/api/v1/auth/whoami")).status == 401
    replayed = await client.get("/api/v1/auth/whoami", cookies={"rgv_session": cookie})
    assert replayed.status == 401


async def test_a_form_logout_goes_back_to_the_login_page(client: TestClient):
    await login_json(client, "anna")
    response = await client.post("/logout", data={"csrf_token": await form_token(client)},
                                 allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"


async def test_an_expired_session_is_no_longer_accepted(client: TestClient, clock: FakeClock):
    await login_json(client, "anna")
    clock.advance(hours=8, seconds=1)
    assert (await client.get("/api/v1/auth/whoami")).status == 401


async def test_a_successful_login_resets_the_failure_count(client: TestClient):
    for _ in range(4):
        assert (await login_json(client, "anna", "fel")).status == 401
    assert (await login_json(client, "anna")).status == 200
    for _ in range(4):
        assert (await login_json(client, "anna", "fel")).status == 401
    assert (await login_json(client, "anna")).status == 200


async def test_a_json_login_without_a_password_is_a_400(client: TestClient):
    response = await client.post("/login", json={"username": "anna"})
    assert response.status == 400
    assert (await response.json())["error_id"] == "invalid_body"


async def test_secure_cookies_are_sent_when_configured(identity: IdentityService):
    await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["01"])
    app = web.Application()
    setup_identity(app, identity, session_hours=1, cookie_secure=True)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        response = await login_json(c, "anna")
        assert "Secure" in response.headers["Set-Cookie"]


async def test_a_page_marked_login_required_redirects_to_the_login_form(
        identity: IdentityService):
    from contactcenter.identity.http import login_required_page

    await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["01"])

    @login_required_page
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="live page")

    app = web.Application()
    setup_identity(app, identity, session_hours=1, cookie_secure=False)
    app.router.add_get("/live", page)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        response = await c.get("/live?x=1", allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == "/login?next=%2Flive%3Fx%3D1"
        await login_json(c, "anna")
        assert await (await c.get("/live")).text() == "live page"


@pytest.mark.parametrize("send", ["urlencoded", "multipart", "json"])
async def test_a_login_body_over_the_limit_is_a_413_with_the_error_body(client: TestClient,
                                                                        send: str):
    from aiohttp import FormData

    big = "x" * (1024**2 + 10)
    if send == "json":
        response = await client.post("/login", data=f'{{"username": "{big}"}}',
                                     headers={"Content-Type": "application/json"})
    elif send == "urlencoded":
        response = await client.post("/login", data={"username": big, "password": "p"})
    else:
        form = FormData()
        form.add_field("username", big)
        form.add_field("password", "p", content_type="text/plain", filename="p.txt")
        response = await client.post("/login", data=form)
    assert response.status == 413
    body = await response.json()
    assert body["error_id"] == "body_too_large" and set(body) == {"error_id", "message",
                                                                  "details"}
