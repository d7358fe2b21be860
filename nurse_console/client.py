"""A typed async client of the console's JSON API (``/api/v1/console``) and of its
WebSocket of pushes, for the terminal console; and of the wallboard and its controls
for a supervisor in the terminal.

It speaks only HTTP: call control stays on the server, so the terminal and the web
view continue the same call. Every error answer becomes one :class:`ConsoleApiError`
carrying the server's ``error_id``, ``message`` and ``details``; a lost connection is
``error_id="unreachable"``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Self

import aiohttp

from nurse_console.ports import Codes

PREFIX = "/api/v1/console"
View = dict[str, Any]
"""The console view as the server sends it: ``nurse``, ``work`` (or None), ``unsigned``,
``bulletins`` (those she has not acknowledged)."""
SESSION_ENDED = 4401


class ConsoleApiError(Exception):
    """The service refused a request, or could not be reached."""

    def __init__(self, error_id: str, message: str, details: dict[str, Any] | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.message = message
        self.details = details or {}
        self.status = status


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait before each reconnect: doubling from ``first`` up to ``most``."""

    first: float = 0.5
    most: float = 10.0

    def delays(self) -> AsyncIterator[float]:
        return _doubling(self.first, self.most)


async def _doubling(first: float, most: float) -> AsyncIterator[float]:
    delay = first
    while True:
        yield delay
        delay = min(most, delay * 2)


class ConsoleClient:
    """The console API as one logged-in nurse (a session cookie after :meth:`login`, or
    a bearer ``token``)."""

    def __init__(self, base_url: str, *, token: str | None = None,
                 backoff: Backoff = Backoff()) -> None:
        self.base_url = base_url.rstrip("/")
        self._backoff = backoff
        headers = {"Origin": self.base_url}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # unsafe: keep cookies of a service addressed by IP (127.0.0.1)
        self._session = aiohttp.ClientSession(
            headers=headers, cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._session.close()

    # -- requests ----------------------------------------------------------------------

    async def _request(self, method: str, path: str, *, body: dict[str, Any] | None = None,
                       params: dict[str, str] | None = None, prefix: str = PREFIX) -> Any:
        url = self.base_url + prefix + path
        try:
            async with self._session.request(method, url, json=body, params=params) as resp:
                data = await resp.json(content_type=None) if resp.content_length != 0 else {}
                if resp.status >= 400:
                    data = data if isinstance(data, dict) else {}
                    raise ConsoleApiError(data.get("error_id", f"http_{resp.status}"),
                                          data.get("message", resp.reason or "error"),
                                          data.get("details"), resp.status)
                return data
        except aiohttp.ClientError as exc:
            raise ConsoleApiError("unreachable", str(exc) or "no connection") from exc
        except ValueError as exc:  # not JSON
            raise ConsoleApiError("bad_answer", "the service did not answer JSON") from exc

    async def login(self, username: str, password: str) -> None:
        """Log in with a password; the session cookie is kept for every later call."""
        await self._request("POST", "/login", body={"username": username,
                                                    "password": password}, prefix="")

    async def view(self) -> View:
        return await self._request("GET", "")  # type: ignore[no-any-return]

    async def codes(self) -> Codes:
        data = await self._request("GET", "/codes")
        return Codes(**{k: v for k, v in data.items() if k in Codes.__dataclass_fields__})

    async def set_state(self, state: str, reason: str | None = None) -> View:
        """``ready``, ``paused`` (with a configured reason) or ``logged_out``."""
        return await self._request("POST", "/state",  # type: ignore[no-any-return]
                                   body={"state": state, "reason": reason})

    async def answer(self) -> View:
        return await self._request("POST", "/answer")  # type: ignore[no-any-return]

    async def hangup(self) -> View:
        return await self._request("POST", "/hangup")  # type: ignore[no-any-return]

    async def resume(self, call_id: str) -> View:
        return await self._request("POST", "/resume",  # type: ignore[no-any-return]
                                   body={"call_id": call_id})

    async def phase(self, phase: str) -> View:
        return await self._request("POST", "/phase",  # type: ignore[no-any-return]
                                   body={"phase": phase})

    async def search(self, query: str, age: float | None = None) -> list[dict[str, Any]]:
        """Guideline hits (``guideline_id``, ``title``, ``version``, ``why``)."""
        params = {"q": query} if age is None else {"q": query, "age": str(age)}
        data = await self._request("GET", "/search", params=params)
        return list(data["hits"])

    async def open_guideline(self, guideline_id: str) -> dict[str, Any]:
        """The guideline with its levels and criteria, recorded as read on the call."""
        return await self._request(  # type: ignore[no-any-return]
            "POST", f"/guidelines/{guideline_id}")

    async def criteria(self, guideline_id: str, ticked: list[str]) -> View:
        return await self._request("POST", "/criteria",  # type: ignore[no-any-return]
                                   body={"guideline_id": guideline_id, "ticked": ticked})

    async def decision(self, *, urgency: str | None = None, care_type: str | None = None,
                       deviation_reason: str | None = None, deviation_text: str = "") -> View:
        return await self._request("POST", "/decision", body={  # type: ignore[no-any-return]
            "urgency": urgency, "care_type": care_type,
            "deviation_reason": deviation_reason, "deviation_text": deviation_text})

    async def referrals(self) -> list[dict[str, Any]]:
        """Suggested units (``hsa_id``, ``name``, ``why``) for the call."""
        return list((await self._request("GET", "/referrals"))["units"])

    async def referral(self, hsa_id: str | None = None, *, self_care: bool = False) -> View:
        return await self._request("POST", "/referral",  # type: ignore[no-any-return]
                                   body={"hsa_id": hsa_id, "self_care": self_care})

    async def save_draft(self, draft_revision: int, fields: dict[str, Any], *,
                         safety_net_given: bool | None = None) -> View:
        """Autosave; a stale ``draft_revision`` raises ``error_id="draft_conflict"`` with
        the stored draft and its revision in ``details``."""
        body: dict[str, Any] = {"draft_revision": draft_revision, "fields": fields}
        if safety_net_given is not None:
            body["safety_net_given"] = safety_net_given
        return await self._request("PUT", "/draft", body=body)  # type: ignore[no-any-return]

    async def contact_reason(self, code: str | None) -> View:
        return await self._request("POST", "/contact-reason",  # type: ignore[no-any-return]
                                   body={"code": code})

    async def acknowledge_bulletin(self, bulletin_id: str) -> list[dict[str, Any]]:
        """The nurse has read the bulletin ("Jag har läst"); her bulletins still unread."""
        data = await self._request("POST", f"/bulletins/{bulletin_id}/acknowledge", body={})
        return list(data["bulletins"])

    async def sign(self) -> View:
        """Sign; ``error_id="cannot_sign"`` lists what is missing in ``details.missing``."""
        return await self._request("POST", "/sign")  # type: ignore[no-any-return]

    # -- pushes ------------------------------------------------------------------------

    async def pushes(self, connected: Callable[[bool], None] | None = None
                     ) -> AsyncIterator[View]:
        """Every view the server pushes, for ever: after a lost connection it connects
        again with backoff (the first message after a reconnect is the whole view). Ends
        with ``error_id="session_ended"`` when the login is gone. ``connected`` is told
        ``True`` each time the connection is up and ``False`` each time it is lost."""
        async for data in self._socket(PREFIX + "/events", "console", connected):
            yield data

    # -- the supervisor's wallboard ----------------------------------------------------

    async def whoami(self) -> dict[str, Any]:
        """Who is logged in: ``username``, ``display_name``, ``roles``, ``regions``."""
        return await self._request("GET", "/api/v1/auth/whoami",  # type: ignore[no-any-return]
                                   prefix="")

    async def wallboard(self) -> dict[str, Any]:
        """The wallboard for the user's regions (queues, modes, nurses, the ledger)."""
        return await self._request("GET", "/api/v1/wallboard",  # type: ignore[no-any-return]
                                   prefix="")

    async def wallboard_pushes(self, connected: Callable[[bool], None] | None = None
                               ) -> AsyncIterator[dict[str, Any]]:
        """The wallboard at once, then whenever it changed; reconnects as :meth:`pushes`."""
        async for data in self._socket("/api/v1/wallboard/live", "wallboard", connected):
            yield data

    async def set_mode(self, mode: str, open: bool | None, why: str) -> dict[str, Any]:
        """Force a collaboration mode open or closed, or (``None``) back to its schedule."""
        return await self._request(  # type: ignore[no-any-return]
            "POST", f"/api/v1/supervisor/modes/{mode}", body={"open": open, "why": why},
            prefix="")

    async def crisis(self, on: bool, why: str, region: str | None = None) -> dict[str, Any]:
        """Crisis mode on or off for ``region`` (``None``: the whole country)."""
        return await self._request(  # type: ignore[no-any-return]
            "POST", "/api/v1/supervisor/crisis", body={"on": on, "why": why, "region": region},
            prefix="")

    async def _socket(self, path: str, kind: str, connected: Callable[[bool], None] | None
                      ) -> AsyncIterator[dict[str, Any]]:
        delays = self._backoff.delays()
        tell = connected or (lambda _: None)
        while True:
            try:
                async with self._session.ws_connect(self.base_url + path) as ws:
                    delays = self._backoff.delays()  # connected: start the backoff over
                    tell(True)
                    async for msg in ws:
                        if msg.type is aiohttp.WSMsgType.TEXT:
                            data = msg.json()
                            if data.get("type") == kind:
                                yield data
                    if ws.close_code == SESSION_ENDED:
                        raise ConsoleApiError("session_ended", "the login has ended")
            except aiohttp.WSServerHandshakeError as exc:
                if exc.status in (401, 403):
                    raise ConsoleApiError("unauthenticated", "log in again",
                                          status=exc.status) from exc
            except (aiohttp.ClientError, ConnectionError):
                pass
            tell(False)
            await asyncio.sleep(await anext(delays))
