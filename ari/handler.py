"""What ``AriClient.run`` drives: the handler protocol, a no-op base to subclass, and the
snapshot of channels, bridges and the application the handler gets after every connect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ari.events import ApplicationReplaced, AriEvent
from ari.models import Application, Bridge, Channel

__all__ = ["AriEventHandler", "AriSnapshot", "BaseAriEventHandler"]


@dataclass(frozen=True, slots=True)
class AriSnapshot:
    """What Asterisk has now, read right after the events socket (re)connected."""

    channels: list[Channel]
    bridges: list[Bridge]
    application: Application


@runtime_checkable
class AriEventHandler(Protocol):
    """What ``AriClient.run`` drives.

    Optional, looked up with ``getattr``: ``async on_disconnected()`` (the
    socket went down after ``on_connected``) and
    ``async on_application_replaced(event)``.
    """

    async def on_event(self, event: AriEvent) -> None: ...

    async def on_connected(self, snapshot: AriSnapshot) -> None: ...


class BaseAriEventHandler:
    """A handler with no-op defaults, to subclass."""

    async def on_event(self, event: AriEvent) -> None:
        return None

    async def on_connected(self, snapshot: AriSnapshot) -> None:
        return None

    async def on_disconnected(self) -> None:
        return None

    async def on_application_replaced(self, event: ApplicationReplaced) -> None:
        return None
