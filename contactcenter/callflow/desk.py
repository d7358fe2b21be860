"""The calls this instance handles, and the steps every part of the call flow shares.

:class:`CallDesk` holds the live calls (by call id and by channel), the tasks
started for them, and the few steps that end a call or a leg (hang up, destroy
a bridge, finish the call in the call log and the queue service). The parts of
the call flow — the inbound script (:mod:`~contactcenter.callflow.controller`),
the nurse's leg (:mod:`~contactcenter.callflow.nurse_legs`), callbacks
(:mod:`~contactcenter.callflow.callbacks`) and recovery — each hold the one desk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from ari import AriClient, AriError
from contactcenter.callflow.live import LiveCall
from contactcenter.callflow.ports import Queues
from contactcenter.calls.model import CallEventType
from contactcenter.calls.service import CallLog


class CallDesk:
    """The live calls of this instance and the shared steps on them."""

    def __init__(self, *, ari: AriClient, queues: Queues, call_log: CallLog,
                 clock: Callable[[], datetime]) -> None:
        self.ari = ari
        self.queues = queues
        self.log = call_log
        self.clock = clock
        self.calls: dict[str, LiveCall] = {}
        self.by_channel: dict[str, LiveCall] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.call_ended: Callable[[str], None] = lambda _call_id: None
        """Told each call id that ends (its coaching legs end with it)."""

    # -- bookkeeping ------------------------------------------------------------------------
    def track(self, call: LiveCall) -> None:
        self.calls[call.call_id] = call
        self.by_channel[call.channel_id] = call

    def untrack(self, call: LiveCall) -> None:
        self.calls.pop(call.call_id, None)
        self.by_channel.pop(call.channel_id, None)
        # The nurse leg stays mapped until it is gone, so its hangup still finds the call.

    def forget_channel(self, channel_id: str) -> None:
        self.by_channel.pop(channel_id, None)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` beside event handling (cancelled when the call flow closes)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- ending -----------------------------------------------------------------------------
    async def caller_left(self, call: LiveCall, cause: str) -> None:
        """The caller hung up (or is gone): end the call, and the nurse's leg if any."""
        call.mark_hung_up()
        if call.ended:
            return
        was_connected = call.connected
        nurse_channel = call.nurse_channel_id
        await self.finish(call, cause, abandoned=not was_connected)
        if nurse_channel:
            await self.hangup(nurse_channel)

    async def finish(self, call: LiveCall, cause: str, *, abandoned: bool) -> None:
        """Record the end of the call, tell the queue service, drop its mixing bridge."""
        if call.ended:
            return
        call.ended = True
        nurse_id = call.nurse_id
        if abandoned:
            position = self.queues.position(call.call_id)
            self.log.record(call.call_id, CallEventType.ABANDONED, cause=cause,
                            position=position)
        else:
            self.log.record(call.call_id, CallEventType.ENDED, cause=cause, nurse_id=nurse_id)
        self.queues.call_gone(call.call_id, nurse_id, connected=call.connected)
        self.untrack(call)
        self.call_ended(call.call_id)
        if call.mixing_bridge_id:
            self.spawn(self.destroy_bridge(call.mixing_bridge_id))

    async def destroy_bridge(self, bridge_id: str) -> None:
        try:
            await self.ari.bridges.destroy(bridge_id)
        except AriError:
            pass

    async def hangup(self, channel_id: str) -> None:
        try:
            await self.ari.channels.hangup(channel_id, reason="normal")
        except AriError:
            pass  # already gone
