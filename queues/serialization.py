"""Engine events to and from plain JSON values, for storage and replay.

Datetimes, frozensets and tuples are tagged (``{"$dt": …}``, ``{"$fs": […]}``,
``{"$t": […]}``) so an event read back equals the one written, and
:meth:`queues.engine.Engine.replay` gets the same arguments it was given.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from queues import events as ev

_TYPES: dict[str, type[ev.Event]] = {name: getattr(ev, name) for name in ev.__all__
                                     if name != "Event"}


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` (tagged where JSON has no type for it)."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, frozenset):
        return {"$fs": [encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$fs" in value:
            return frozenset(decode(v) for v in value["$fs"])
        if "$t" in value:
            return tuple(decode(v) for v in value["$t"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def event_to_row(event: ev.Event) -> tuple[str, dict[str, Any]]:
    """``(type name, data)`` of an event; ``at`` is stored in its own column as well."""
    data = {f.name: encode(getattr(event, f.name)) for f in dataclasses.fields(event)}
    return type(event).__name__, data


def event_from_row(type_name: str, data: dict[str, Any]) -> ev.Event:
    """The event a row holds (raises ``KeyError`` for an unknown type)."""
    cls = _TYPES[type_name]
    return cls(**{k: decode(v) for k, v in data.items()})
