"""The Asterisk server, its Stasis applications and its endpoints: ``/asterisk``,
``/applications``, ``/endpoints``.
"""

from __future__ import annotations

import builtins
from typing import Any

from ari.models import Application, AsteriskInfo, AsteriskPing, Endpoint
from ari.resources.base import Resource, many, one, query, seg

# -- /asterisk ---------------------------------------------------------------------------------


class Asterisk(Resource):
    __slots__ = ()

    async def info(self, only: str | builtins.list[str] | None = None) -> AsteriskInfo:
        """``GET /asterisk/info`` (``only``: build, system, config, status)."""
        return one(AsteriskInfo.from_json, await self._c.request("GET", "/asterisk/info",
                                                           query(only=only)))

    async def ping(self) -> AsteriskPing:
        """``GET /asterisk/ping``."""
        return one(AsteriskPing.from_json, await self._c.request("GET", "/asterisk/ping"))

    async def get_variable(self, name: str) -> str:
        """``GET /asterisk/variable``: a global variable or function value."""
        body = await self._c.request("GET", "/asterisk/variable", query(variable=name))
        return str((body or {}).get("value", ""))

    async def set_variable(self, name: str, value: str | None = None) -> None:
        """``POST /asterisk/variable``."""
        await self._c.request("POST", "/asterisk/variable", query(variable=name, value=value))


# -- /applications -----------------------------------------------------------------------------


class Applications(Resource):
    __slots__ = ()

    async def list(self) -> builtins.list[Application]:
        """``GET /applications``."""
        return many(await self._c.request("GET", "/applications"), Application.from_json)

    async def get(self, app: str) -> Application:
        """``GET /applications/{app}``."""
        return one(Application.from_json,
                   await self._c.request("GET", f"/applications/{seg(app)}"))

    async def subscribe(self, app: str, event_sources: str | builtins.list[str]) -> Application:
        """``POST /applications/{app}/subscription?eventSource=channel:ID,bridge:ID,...``."""
        return one(Application.from_json, await self._c.request(
            "POST", f"/applications/{seg(app)}/subscription", query(eventSource=event_sources)))

    async def unsubscribe(self, app: str, event_sources: str | builtins.list[str]) -> Application:
        """``DELETE /applications/{app}/subscription``."""
        return one(Application.from_json, await self._c.request(
            "DELETE", f"/applications/{seg(app)}/subscription", query(eventSource=event_sources)))

    async def set_event_filter(
        self, app: str, allowed: builtins.list[dict[str, Any]] | None = None,
        disallowed: builtins.list[dict[str, Any]] | None = None,
    ) -> Application:
        """``PUT /applications/{app}/eventFilter`` with ``{"allowed": [...], "disallowed": [...]}``.

        A list left ``None`` is not sent (Asterisk keeps it); both ``None`` sends ``{}``,
        which clears both filters.
        """
        body: dict[str, Any] = {}
        if allowed is not None:
            body["allowed"] = list(allowed)
        if disallowed is not None:
            body["disallowed"] = list(disallowed)
        return one(Application.from_json, await self._c.request(
            "PUT", f"/applications/{seg(app)}/eventFilter", None, body))


class Endpoints(Resource):
    __slots__ = ()

    async def list(self, tech: str | None = None) -> builtins.list[Endpoint]:
        """``GET /endpoints`` (or ``GET /endpoints/{tech}``)."""
        path = "/endpoints" if tech is None else f"/endpoints/{seg(tech)}"
        return many(await self._c.request("GET", path), Endpoint.from_json)

    async def get(self, tech: str, resource: str) -> Endpoint:
        """``GET /endpoints/{tech}/{resource}``."""
        return one(Endpoint.from_json, await self._c.request(
            "GET", f"/endpoints/{seg(tech)}/{seg(resource)}"))
