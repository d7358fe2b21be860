"""In-process event bus: the call flow publishes what changed, the web view listens.

Subscribers get their own bounded queue; a slow subscriber drops the oldest
notifications instead of slowing the call flow down.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


class Bus:
    """Fan-out of small notifications (dicts) to any number of subscribers."""

    def __init__(self, queue_size: int = 256) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._queue_size = queue_size
        self._change_pending = False

    def changed(self, *_: object) -> None:
        """Publish ``{"type": "changed"}`` once for every change made in this loop
        iteration (the call log and the queue service call this on every change)."""
        if self._change_pending:
            return
        self._change_pending = True
        asyncio.get_running_loop().call_soon(self._publish_changed)

    def _publish_changed(self) -> None:
        self._change_pending = False
        self.publish({"type": "changed"})

    def publish(self, message: dict[str, Any]) -> None:
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)
