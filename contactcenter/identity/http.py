"""Web login, session cookies, bearer tokens and role checks for aiohttp.

Every request gets ``request["principal"]`` (a :class:`Principal` or None),
resolved from ``Authorization: Bearer <token>`` or the session cookie. Every
route under ``/api/v1`` except the public ones answers 401 without a
principal, so a handler that forgot :func:`require_roles` is still protected.
The login and logout forms carry a CSRF token (:mod:`contactcenter.identity.csrf`);
failed logins are slowed per address and per account
(:mod:`contactcenter.identity.limiter`).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from aiohttp import web

from contactcenter.identity import csrf
from contactcenter.identity.errors import (
    InvalidCredentials,
    RoleRequired,
    TooManyAttempts,
    Unauthenticated,
)
from contactcenter.identity.limiter import MAX_USERNAME_LENGTH, LoginLimiter
from contactcenter.identity.model import PASSWORD_MAX_LENGTH, Principal, Role
from contactcenter.identity.service import IdentityService
from contactcenter.web.errors import ApiError, error_middleware, http_error
from contactcenter.web.json_input import parse_json, read_body_bytes
from contactcenter.web.openapi import documented, obj
from shared_kernel.errors import ErrorKind

SESSION_COOKIE = "rgv_session"
# aiohttp ≥ 3.13 has typed request keys; older versions take the plain string.
PRINCIPAL_KEY: Any = (web.RequestKey("principal", Principal)
                      if hasattr(web, "RequestKey") else "principal")
PUBLIC_API_PATHS = frozenset({"/api/v1/health", "/api/v1/openapi.json"})

H = TypeVar("H", bound=Callable[..., Any])
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SERVICE = web.AppKey("identity_service", IdentityService)
_CONFIG = web.AppKey("identity_config", dict)


def principal(request: web.Request) -> Principal:
    """The request's principal; raises :class:`Unauthenticated` (401) when there is none."""
    who: Principal | None = request.get(PRINCIPAL_KEY)
    if who is None:
        raise Unauthenticated("not logged in")
    return who


def require_roles(*roles: Role) -> Callable[[H], H]:
    """Allow the handler (a function or a method of a routes class) only for principals
    holding any of ``roles`` (401 / 403 otherwise)."""
    def decorate(handler: H) -> H:
        @functools.wraps(handler)
        async def guarded(*args: Any) -> web.StreamResponse:  # (request) or (self, request)
            request: web.Request = args[-1]
            who = request.get(PRINCIPAL_KEY)
            if who is None:
                raise Unauthenticated()
            if not who.has_role(*roles):
                raise RoleRequired([r.value for r in roles])
            return await handler(*args)
        return guarded  # type: ignore[return-value]
    return decorate


def login_required_page(handler: Handler) -> Handler:
    """For HTML pages: without a principal, redirect (303) to ``/login?next=<this page>``."""
    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if request.get(PRINCIPAL_KEY) is None:
            return _see_other(f"/login?{urlencode({'next': request.path_qs})}")
        return await handler(request)
    return guarded


def setup_identity(app: web.Application, service: IdentityService, *, session_hours: float,
                   cookie_secure: bool) -> None:
    """Install the principal middleware and the login, logout and whoami routes (and the
    service's one error middleware, if the application has none yet: the refusals here
    are raised as errors and answered there)."""
    if error_middleware not in app.middlewares:
        app.middlewares.insert(0, error_middleware)
    app[_SERVICE] = service
    app[_CONFIG] = {"session_hours": session_hours, "cookie_secure": cookie_secure,
                    "limiter": LoginLimiter(service.clock, service.login_throttle)}
    app.middlewares.append(_principal_middleware)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/api/v1/auth/whoami", whoami)


async def _resolve(request: web.Request) -> Principal | None:
    service = request.app[_SERVICE]
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return await service.principal_for_token(auth[7:].strip())
    if request.cookies.get(SESSION_COOKIE):
        return await service.principal_for_session(request.cookies[SESSION_COOKIE])
    return None


async def current_principal(request: web.Request) -> Principal | None:
    """The request's principal as its session or token stands now, ``None`` when it no
    longer holds (for long-lived responses such as the live WebSocket: a logout,
    deactivation or password change ends them, a change of roles or regions applies)."""
    return await _resolve(request)


@web.middleware
async def _principal_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    who = await _resolve(request)
    request[PRINCIPAL_KEY] = who
    path = request.path.rstrip("/") or "/"
    if who is None and (path == "/api/v1" or path.startswith("/api/v1/")) \
            and path not in PUBLIC_API_PATHS:
        raise Unauthenticated()
    return await handler(request)


@documented(summary="The authenticated user, their roles and regions",
            ok=obj(["username", "roles"], username={"type": "string"},
                   roles={"type": "array", "items": {"type": "string"}},
                   regions={"type": "array", "items": {"type": "string"}}))
async def whoami(request: web.Request) -> web.Response:
    """``GET /api/v1/auth/whoami``: the caller's identity, roles and regions."""
    return web.json_response(principal(request).as_dict())


@documented(summary="The login page (HTML)", public=True, roles="none (public)",
            query={"next": {"type": "string"}}, ok={"type": "string"}, ok_media=["text/html"])
async def login_form(request: web.Request) -> web.Response:
    """``GET /login``: the login page."""
    return _form_page(request, request.query.get("next", "/"), None, status=200)


_LOGIN_BODY = obj(["username", "password"], username={"type": "string"},
                  password={"type": "string"})


@documented(summary="Log in: a session cookie for a username and password (JSON or form)",
            public=True, roles="none (public)", errors=[401, 403, 429], html_errors=True,
            redirects="a form's login succeeded: on to the next page",
            body=_LOGIN_BODY, body_media={
                "application/json": {"schema": _LOGIN_BODY},
                "application/x-www-form-urlencoded": {"schema": {
                    **_LOGIN_BODY, "properties": {**_LOGIN_BODY["properties"],
                                                  "next": {"type": "string"}}}}},
            ok=obj(["username", "roles"], username={"type": "string"}))
async def login(request: web.Request) -> web.StreamResponse:
    """``POST /login`` with a form or JSON ``{username, password}``."""
    is_json = request.content_type == "application/json"
    body = await _login_body(request, is_json)
    next_url = "/" if is_json else _safe_next(str(body.get("next", "/")))
    if not is_json and not csrf.form_is_genuine(request, body):
        return _form_page(request, next_url, "Sidan hade gått ut; logga in igen. / The page "
                          "had expired; please log in again.", status=403)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        if is_json:
            raise ApiError("invalid_body", "username and password are required",
                           {"required": ["username", "password"]})
        return _form_page(request, next_url, "Ange användarnamn och lösenord. / Enter "
                          "username and password.", status=400)
    config = request.app[_CONFIG]
    limiter: LoginLimiter = config["limiter"]
    # Over-long usernames are invalid: never a key, counted against the address only.
    named = username if len(username) <= MAX_USERNAME_LENGTH else None
    attempt = await limiter.begin(named, request.remote)
    if attempt.retry_after is not None:
        if is_json:
            raise TooManyAttempts(attempt.retry_after)
        response = _form_page(request, next_url, "För många misslyckade försök. Försök igen "
                              "senare. / Too many failed attempts; try again later.",
                              status=429)
        response.headers["Retry-After"] = str(attempt.retry_after)
        return response
    who = None
    if named is not None and len(password) <= PASSWORD_MAX_LENGTH:
        who = await request.app[_SERVICE].authenticate(username, password)
    if who is None:
        if is_json:
            raise InvalidCredentials()
        return _form_page(request, next_url, "Fel användarnamn eller lösenord. / Wrong "
                          "username or password.", status=401, username=named or "")
    await limiter.succeeded(attempt)
    token = await request.app[_SERVICE].create_session(who.user_id, config["session_hours"])
    response = web.json_response(who.as_dict()) if is_json else _see_other(next_url)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax", path="/",
                        secure=config["cookie_secure"],
                        max_age=int(config["session_hours"] * 3600))
    return response


async def _login_body(request: web.Request, is_json: bool) -> dict[str, Any]:
    """The login's JSON object or form fields; one that cannot be read is refused (400 or
    413 with the error body)."""
    if not is_json:
        return await _login_form(request)
    body = parse_json(await read_body_bytes(request))
    if not isinstance(body, dict):
        raise ApiError("invalid_body", "expected a JSON object {username, password}")
    return body


async def _login_form(request: web.Request) -> dict[str, str]:
    """The login form's fields; bytes that are not UTF-8 (or a NUL, which no column can
    hold) are a 400 with the error body, not a server error."""
    try:
        if request.content_type == "multipart/form-data":
            fields = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        else:
            text = (await read_body_bytes(request)).decode("utf-8")
            fields = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except web.HTTPRequestEntityTooLarge as exc:
        if exc.content_type == "application/json":
            raise  # already the error body (read_body_bytes')
        raise http_error(web.HTTPRequestEntityTooLarge, "body_too_large",
                         "the login form is too large", max_size=request.client_max_size,
                         actual_size=request.content_length or 0) from None
    except ValueError:  # UnicodeDecodeError, or a malformed multipart body
        raise ApiError("invalid_body", "the login form is not UTF-8 text") from None
    if any("\x00" in value for value in fields.values()):
        raise ApiError("invalid_body", "the login form holds a NUL character")
    return fields


@documented(summary="Log out: end the session", public=True, roles="anyone with a session",
            errors=[403], redirects="a form logged out: on to the login page",
            ok=obj(["status"], status={"type": "string"}))
async def logout(request: web.Request) -> web.StreamResponse:
    """``POST /logout``: end the session; forms are sent back to the login page."""
    if csrf.is_form(request):
        form = await _login_form(request)  # one that cannot be read: 400 or 413
        if not csrf.form_is_genuine(request, form):
            raise ApiError("cross_site_request", "the form's CSRF token is missing or wrong",
                           kind=ErrorKind.FORBIDDEN)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await request.app[_SERVICE].end_session(token)
    wants_html = request.content_type in ("application/x-www-form-urlencoded",
                                          "multipart/form-data") \
        or "text/html" in request.headers.get("Accept", "")
    response: web.StreamResponse
    response = _see_other("/login") if wants_html else web.json_response(
        {"status": "logged_out"})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _safe_next(value: str) -> str:
    r"""Only same-site paths, so the login page cannot be used as an open redirect.

    Browsers drop tabs and line breaks anywhere in a URL and read ``\`` as ``/``, so
    ``/<tab>/evil.example`` is ``//evil.example``: any control character, backslash or
    leading ``//`` — also percent-encoded — makes the target ``/``. What is let through is
    percent-encoded to plain ASCII, so nothing but a path reaches the Location header.
    """
    decoded = value
    for _ in range(3):  # %2509 → %09 → tab
        decoded = unquote(decoded)
    for text in (value, decoded):
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\\\u2028\u2029" for c in text):
            return "/"
        if not text.startswith("/") or text.startswith("//"):
            return "/"
    if urlsplit(value).netloc or urlsplit(decoded).netloc:
        return "/"
    return quote(value, safe="/?&=#%:@!$'()*+,;~")


def _form_page(request: web.Request, next_url: str, message: str | None, *, status: int,
               username: str = "") -> web.Response:
    token, new = csrf.form_token(request)
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    page = _LOGIN_PAGE.format(error=error, next=html.escape(_safe_next(next_url), quote=True),
                              username=html.escape(username, quote=True),
                              csrf_field=csrf.CSRF_FIELD, csrf=html.escape(token, quote=True))
    response = web.Response(text=page, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store"})
    if new:
        csrf.remember(response, token, secure=request.app[_CONFIG]["cookie_secure"])
    return response


_LOGIN_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logga in – Rådgivning</title>
<link rel="stylesheet" href="/static/login.css">
</head>
<body><main>
<h1>Logga in <small lang="en">/ Log in</small></h1>
{error}
<form method="post" action="/login">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="{csrf_field}" value="{csrf}">
<label for="username">Användarnamn / Username</label>
<input id="username" name="username" autocomplete="username" value="{username}" required autofocus>
<label for="password">Lösenord / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Logga in / Log in</button>
</form>
</main></body></html>
"""
