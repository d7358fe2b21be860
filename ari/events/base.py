"""What every ARI event has: the common header, the unknown event, the global ordering key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ari.models import parse_datetime


def header(d: dict[str, Any]) -> tuple[str, datetime | None, str, str | None]:
    """``type``, ``timestamp``, ``application`` and ``asterisk_id`` of one event object."""
    return (d["type"], parse_datetime(d.get("timestamp")), d.get("application") or "",
            d.get("asterisk_id"))


@dataclass(frozen=True, slots=True)
class AriEvent:
    """Common fields of every ARI event (``Message`` + ``Event`` in events.json)."""

    type: str
    timestamp: datetime | None
    application: str
    asterisk_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def ordering_key(self) -> str:
        return ""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AriEvent:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d)


@dataclass(frozen=True, slots=True)
class UnknownEvent(AriEvent):
    """An event of a type this client does not model (or one it could not parse)."""

    parse_error: str | None = None


ORDERING_KEY_GLOBAL = ""
"""The ordering key of events that belong to no channel or bridge."""
