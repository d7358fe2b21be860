"""Per-key ordered, cross-key concurrent dispatch of events to an async handler.

Events with the same ordering key (a channel, a bridge, ...) are handled
strictly in arrival order, one at a time; events with different keys run
concurrently. Each key with pending events has one lightweight worker task
and a deque; the worker exits and both are dropped as soon as its deque is
empty, so a long-running service with many calls keeps no per-call state here.

A handler exception is logged with the event and never stops the worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

_RAW_LOG_LIMIT = 2000


def describe_event(event: Any) -> str:
    """A short text for logs: type, ordering key and (truncated) JSON of an event."""
    raw = getattr(event, "raw", None)
    try:
        text = json.dumps(raw, ensure_ascii=False, default=str) if raw is not None else repr(event)
    except (TypeError, ValueError):
        text = repr(event)
    if len(text) > _RAW_LOG_LIMIT:
        text = text[:_RAW_LOG_LIMIT] + "…"
    key = getattr(event, "ordering_key", "")
    return f"{getattr(event, 'type', type(event).__name__)} (key {key!r}): {text}"


class KeyedDispatcher:
    """Runs ``handle(event)`` per ordering key in order, across keys concurrently."""

    __slots__ = ("_handle", "_idle", "_queues", "_workers", "dispatched", "errors")

    def __init__(self, handle: Callable[[Any], Awaitable[None]]) -> None:
        self._handle = handle
        self._queues: dict[str, deque[Any]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self.dispatched = 0
        self.errors = 0
        self._idle: asyncio.Event | None = None

    # -- submitting --------------------------------------------------------------------------
    def submit(self, key: str, event: Any) -> None:
        """Queue ``event`` behind the other events of ``key`` (call from the event loop)."""
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(event)
            return
        queue = deque((event,))
        self._queues[key] = queue
        self._workers[key] = asyncio.get_running_loop().create_task(self._work(key, queue))

    async def _work(self, key: str, queue: deque[Any]) -> None:
        handle = self._handle
        task = asyncio.current_task()
        try:
            while queue:
                event = queue.popleft()
                try:
                    await handle(event)
                except asyncio.CancelledError:
                    if task is None or task.cancelling():
                        raise  # this worker is being stopped
                    # the handler awaited something that was cancelled: its own failure
                    self.errors += 1
                    log.error("ARI event handler was cancelled on %s", describe_event(event))
                except Exception:
                    self.errors += 1
                    log.exception("ARI event handler failed on %s", describe_event(event))
                self.dispatched += 1
        finally:
            # No await between the last emptiness check and this: nothing can be added
            # to ``queue`` after it was found empty and before the key is dropped.
            if self._queues.get(key) is queue:
                del self._queues[key]
                self._workers.pop(key, None)
            if not self._queues and self._idle is not None:
                self._idle.set()

    # -- state -------------------------------------------------------------------------------
    @property
    def active_keys(self) -> int:
        """Keys that have a worker (events pending or being handled)."""
        return len(self._queues)

    @property
    def pending(self) -> int:
        """Events queued and not yet taken by a worker."""
        return sum(len(q) for q in self._queues.values())

    def owns(self, task: object) -> bool:
        """Whether ``task`` is one of the workers."""
        return task is not None and any(w is task for w in self._workers.values())

    async def join(self) -> None:
        """Wait until every queued event has been handled."""
        while self._queues:
            if self._idle is None or self._idle.is_set():
                self._idle = asyncio.Event()
            await self._idle.wait()

    async def cancel(self) -> None:
        """Stop every worker, dropping the events they had not handled yet."""
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
        self._queues.clear()
        self._workers.clear()
