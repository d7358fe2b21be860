"""Stasis applications, their WebSocket sessions and event delivery."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .model import ASTERISK_ID, ari_time


class EventSocket:
    """One ``/ari/events`` WebSocket; a writer task keeps events in order."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.task = asyncio.get_running_loop().create_task(self._writer())

    async def _writer(self) -> None:
        while True:
            event = await self.queue.get()
            if event is None or self.ws.closed:
                return
            try:
                await self.ws.send_str(json.dumps(event))
            except (ConnectionError, RuntimeError):
                return

    def send(self, event: dict[str, Any]) -> None:
        self.queue.put_nowait(event)

    async def close(self) -> None:
        self.queue.put_nowait(None)
        await asyncio.gather(self.task, return_exceptions=True)


@dataclass
class Application:
    """A Stasis application: subscriptions plus the socket currently serving it."""

    name: str
    socket: EventSocket | None = None
    channel_ids: set[str] = field(default_factory=set)
    bridge_ids: set[str] = field(default_factory=set)
    endpoint_ids: set[str] = field(default_factory=set)
    events_allowed: list[dict[str, Any]] = field(default_factory=list)
    events_disallowed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.socket is not None

    def has_subscriptions(self) -> bool:
        return bool(self.channel_ids or self.bridge_ids or self.endpoint_ids)

    def allows(self, event_type: str) -> bool:
        # Asterisk: an allow list (if any) must match, then the disallow list must not.
        if self.events_allowed and not any(f.get("type") == event_type
                                           for f in self.events_allowed):
            return False
        return not any(f.get("type") == event_type for f in self.events_disallowed)

    def to_json(self) -> dict[str, Any]:
        """The ARI Application model."""
        return {"name": self.name, "channel_ids": sorted(self.channel_ids),
                "bridge_ids": sorted(self.bridge_ids),
                "endpoint_ids": sorted(self.endpoint_ids), "device_names": [],
                "events_allowed": self.events_allowed,
                "events_disallowed": self.events_disallowed}


class EventBus:
    """Routes events to the applications subscribed to their source."""

    def __init__(self) -> None:
        self.apps: dict[str, Application] = {}
        self.event_log: list[dict[str, Any]] = []

    def active_app(self, name: str | None) -> Application | None:
        app = self.apps.get(name or "")
        return app if app is not None and app.active else None

    def connect(self, name: str, sock: EventSocket) -> None:
        """A socket registers ``name``; a previous socket gets ApplicationReplaced."""
        app = self.apps.setdefault(name, Application(name))
        if app.socket is not None:
            # The old socket stays open but silent (scenario 08).
            app.socket.send(self._envelope({"type": "ApplicationReplaced"}, name))
        app.socket = sock

    def disconnect(self, name: str, sock: EventSocket) -> None:
        """The serving socket went away: deactivate, destroy if nothing is subscribed."""
        app = self.apps.get(name)
        if app is None or app.socket is not sock:
            return
        app.socket = None
        if not app.has_subscriptions():
            del self.apps[name]

    def subscribe_channel(self, app_name: str, channel_id: str) -> None:
        app = self.apps.get(app_name)
        if app is not None:
            app.channel_ids.add(channel_id)

    def unsubscribe_channel(self, app_name: str, channel_id: str) -> None:
        app = self.apps.get(app_name)
        if app is not None:
            app.channel_ids.discard(channel_id)
            self._maybe_destroy(app)

    def subscribe_bridge(self, app_name: str, bridge_id: str) -> None:
        app = self.apps.get(app_name)
        if app is not None:
            app.bridge_ids.add(bridge_id)

    def unsubscribe_bridge(self, app_name: str, bridge_id: str) -> None:
        app = self.apps.get(app_name)
        if app is not None:
            app.bridge_ids.discard(bridge_id)
            self._maybe_destroy(app)

    def forget(self, kind: str, obj_id: str) -> None:
        """Drop every subscription to a destroyed channel or bridge."""
        for app in list(self.apps.values()):
            (app.channel_ids if kind == "channel" else app.bridge_ids).discard(obj_id)
            self._maybe_destroy(app)

    def _maybe_destroy(self, app: Application) -> None:
        if not app.active and not app.has_subscriptions():
            self.apps.pop(app.name, None)

    def _envelope(self, body: dict[str, Any], app_name: str) -> dict[str, Any]:
        event = dict(body)
        event.setdefault("timestamp", ari_time())
        event["asterisk_id"] = ASTERISK_ID
        event["application"] = app_name
        return event

    def emit(self, body: dict[str, Any], channel_ids: tuple[str, ...] = (),
             bridge_ids: tuple[str, ...] = ()) -> None:
        """Send ``body`` to every active app subscribed to one of the sources."""
        body.setdefault("timestamp", ari_time())
        for app in list(self.apps.values()):
            if not app.active or not app.allows(body["type"]):
                continue
            if (any(c in app.channel_ids for c in channel_ids)
                    or any(b in app.bridge_ids for b in bridge_ids)):
                event = self._envelope(body, app.name)
                self.event_log.append(event)
                assert app.socket is not None
                app.socket.send(event)

    def emit_to(self, app_name: str, body: dict[str, Any]) -> None:
        """Send to one app regardless of subscriptions (StasisStart)."""
        app = self.active_app(app_name)
        if app is None or not app.allows(body["type"]):
            return
        event = self._envelope(body, app_name)
        self.event_log.append(event)
        assert app.socket is not None
        app.socket.send(event)
