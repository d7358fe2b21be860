"""CSRF tokens for the HTML forms (login, logout): a double-submit cookie.

The page that shows a form puts a random token both in an ``HttpOnly``,
``SameSite=Strict`` cookie and in a hidden ``csrf_token`` field; the POST must
bring both, equal. Another site can make a browser post a form, but it can
neither read nor set this site's cookie, so it cannot know the value. This
is on top of the Origin check of :mod:`contactcenter.web.security`, which
catches the requests that are not forms.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from aiohttp import web

CSRF_COOKIE = "rgv_csrf"
CSRF_FIELD = "csrf_token"
_TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _cookie_token(request: web.Request) -> str | None:
    value = request.cookies.get(CSRF_COOKIE, "")
    return value if len(value) == _TOKEN_LENGTH and value.isascii() else None


def form_token(request: web.Request) -> tuple[str, bool]:
    """The token to put in a form, and whether it is new (then :func:`remember` it)."""
    existing = _cookie_token(request)
    return (existing, False) if existing else (secrets.token_urlsafe(32), True)


def remember(response: web.StreamResponse, token: str, *, secure: bool) -> None:
    """Set the cookie that goes with a new form token."""
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Strict", path="/",
                        secure=secure)


def form_is_genuine(request: web.Request, form: Mapping[str, object]) -> bool:
    """Whether the form's ``csrf_token`` equals the cookie's (compared in constant time)."""
    cookie, field = _cookie_token(request), form.get(CSRF_FIELD)
    return cookie is not None and isinstance(field, str) and \
        hmac.compare_digest(cookie.encode(), field.encode("utf-8", "replace"))


def is_form(request: web.Request) -> bool:
    """Whether the body is one a plain HTML form can send (and so needs the token)."""
    return request.content_type in ("application/x-www-form-urlencoded",
                                    "multipart/form-data", "text/plain")
