"""A simulated clock that only moves when told: a harness steps the simulator's time.

By default the simulator runs its timers (answer delays, playback ends, DTMF,
timeouts) on the event loop, divided by ``speed``. With a :class:`SteppedClock`
nothing happens by itself: ``advance(seconds)`` fires every timer that falls due in
that simulated span, in order, so a test decides what time it is.
"""
from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any


class SteppedHandle:
    """What ``later`` returns on a stepped clock (``cancel``/``cancelled`` as asyncio's)."""

    __slots__ = ("_cancelled", "args", "due", "fn")

    def __init__(self, due: float, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.due, self.fn, self.args = due, fn, args
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def cancelled(self) -> bool:
        return self._cancelled


class SteppedClock:
    """Simulated seconds since the start; timers fire only in :meth:`advance`."""

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, SteppedHandle]] = []
        self._seq = itertools.count()

    def call_later(self, seconds: float, fn: Callable[..., Any], *args: Any) -> SteppedHandle:
        handle = SteppedHandle(self.now + max(seconds, 0.0), fn, args)
        heapq.heappush(self._heap, (handle.due, next(self._seq), handle))
        return handle

    def next_due(self) -> float | None:
        while self._heap and self._heap[0][2].cancelled():
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def advance(self, seconds: float) -> int:
        """Move time forward by ``seconds``, firing due timers in order; the count fired."""
        end = self.now + max(seconds, 0.0)
        fired = 0
        while (due := self.next_due()) is not None and due <= end:
            _, _, handle = heapq.heappop(self._heap)
            self.now = max(self.now, handle.due)
            handle.cancel()
            handle.fn(*handle.args)
            fired += 1
        self.now = end
        return fired

    def fire_due(self) -> int:
        """Fire what is due now (zero-delay timers) without moving time."""
        return self.advance(0.0)
