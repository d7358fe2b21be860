"""The ``@command`` decorator: every engine command records itself as its first event.

The recorded :class:`~queues.events.CommandReceived` holds the command's name
and every argument (with defaults filled in), so replaying the recorded
commands in order rebuilds the engine's state exactly
(:meth:`queues.engine.Engine.replay`). A :meth:`tick` that changed nothing is
not recorded.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from queues.events import CommandReceived, Event

__all__ = ["aware", "command"]

F = TypeVar("F", bound=Callable[..., list[Event]])


def aware(at: datetime) -> datetime:
    """``at`` itself, after checking it is a timezone-aware datetime."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"time must be a timezone-aware datetime, got {at!r}")
    return at


def command(fn: F) -> F:
    """Wrap an engine command so its result starts with the record of the command."""
    signature = inspect.signature(fn)
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> list[Event]:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        at = aware(bound.arguments["at"])
        produced = fn(self, *args, **kwargs)
        if name == "tick" and not produced and not self.tick_changed:
            return []
        self.now = max(self.now, at)
        items = tuple((k, v) for k, v in bound.arguments.items() if k != "self")
        return [CommandReceived(at, name, items), *produced]

    return wrapper  # type: ignore[return-value]
