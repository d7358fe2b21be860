"""Cross-site request refusal, content types and security headers for the web application.

A browser sends the session cookie with every request to this site, also when
another site makes it send one. So a state change (POST, PUT, PATCH, DELETE)
or a WebSocket upgrade that rides on the session cookie must come from this
service's own pages: its ``Origin`` (or, without one, its ``Referer``) must be
the service's origin or one of ``[http] allowed_origins``; with neither, it is
refused too (every current browser sends ``Origin`` on these requests).
Requests with ``Authorization: Bearer`` carry no ambient credential and are
not checked. A request with a foreign ``Origin`` is refused whatever it
carries, unless it has a bearer token: it can only be a page of another site.

The API takes bodies as ``application/json`` only (the catalog import also
CSV), which a cross-site form cannot send without the browser asking first.
The HTML forms carry a CSRF token besides (:mod:`contactcenter.identity.csrf`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from contactcenter.identity.http import PRINCIPAL_KEY, SESSION_COOKIE
from contactcenter.web.errors import error_response

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = "application/json"
#: API routes that take a body other than JSON (path → accepted content types).
OTHER_BODIES: dict[str, frozenset[str]] = {
    "/api/v1/catalog/import": frozenset({JSON, "text/csv"}),
}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HSTS = "max-age=31536000"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def setup_security(app: web.Application, *, cookie_secure: bool,
                   allowed_origins: Collection[str] = ()) -> None:
    """Install the cross-site and content-type checks and the security headers.

    Install after :func:`contactcenter.identity.http.setup_identity`, so that the checks
    run before any handler and the headers go on every response (errors and static files
    included)."""
    extra = frozenset(o.rstrip("/").lower() for o in allowed_origins)

    @web.middleware
    async def check_request(request: web.Request, handler: Handler) -> web.StreamResponse:
        refusal = _cross_site(request, extra, cookie_secure) or _wrong_content_type(request)
        return refusal or await handler(request)

    app.middlewares.insert(0, check_request)

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer would null Origin
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if cookie_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith("/api/") or request.get(PRINCIPAL_KEY) is not None \
                or request.path == "/login":
            headers["Cache-Control"] = "no-store"  # patient data stays out of caches

    app.on_response_prepare.append(add_headers)


def _cross_site(request: web.Request, extra: frozenset[str],
                cookie_secure: bool) -> web.Response | None:
    upgrade = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
    if request.method not in UNSAFE_METHODS and not upgrade:
        return None
    if request.headers.get(hdrs.AUTHORIZATION, "")[:7].lower() == "bearer ":
        return None
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is None and hdrs.REFERER in request.headers:
        parts = urlsplit(request.headers[hdrs.REFERER])
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"
    if origin is None:
        if SESSION_COOKIE not in request.cookies:
            return None  # a script or command-line client: nothing ambient to abuse
        return _refuse("a request with the session cookie must come from this site's pages "
                       "(no Origin or Referer header)", None)
    own = {f"{request.scheme}://{request.host}".lower()}
    if cookie_secure:  # behind a TLS-terminating proxy the request itself is plain HTTP
        own.add(f"https://{request.host}".lower())
    if origin.rstrip("/").lower() in own | extra:
        return None
    return _refuse("this request came from another site's page", origin)


def _refuse(message: str, origin: str | None) -> web.Response:
    return error_response(403, "cross_site_request", message, {"origin": origin})


def _wrong_content_type(request: web.Request) -> web.Response | None:
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/") \
            or not request.body_exists:
        return None
    accepted = OTHER_BODIES.get(request.path.rstrip("/"), frozenset({JSON}))
    if request.content_type in accepted:
        return None
    return error_response(415, "unsupported_media_type",
                          f"send the request body as {' or '.join(sorted(accepted))}",
                          {"content_type": request.content_type,
                           "accepted": sorted(accepted)})
