"""A call in progress as the call flow sees it: channels, bridges, and what the caller sends.

Events for the caller's channel arrive in order through :meth:`LiveCall.deliver`;
the IVR script of the call runs in its own task and waits on the futures and
the DTMF queue here, so event handling never blocks on a prompt.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime


class CallerGone(Exception):
    """The caller hung up while the call flow was waiting on them."""


@dataclass(eq=False)
class LiveCall:
    """One inbound call handled by this instance."""

    call_id: str
    channel_id: str
    caller_number: str | None
    arrived_at: datetime
    channelvars: dict[str, str] = field(default_factory=dict)
    region: str | None = None
    municipality: str | None = None
    """Where the caller is, as near as the region decision knows (kommunkod)."""
    queue_id: str | None = None
    nurse_id: str | None = None
    nurse_channel_id: str | None = None
    mixing_bridge_id: str | None = None
    holding_bridge_id: str | None = None
    offer_attempt: int = 0
    answering: str | None = None  # a nurse leg that picked up, waiting for the engine's grant
    offered_at_ready: float | None = None
    connected: bool = False
    ended: bool = False
    # Återuppringning: ``callback`` once the caller booked a callback and was hung up (the
    # call stays live, parked in the queue; ``channel_id`` is "" until the caller is dialled
    # back, then the dialled leg). ``dialling``: the nurse answered and the caller's phone rings.
    callback: bool = False
    callback_number: str | None = None
    callback_attempt: int = 0
    dialling: bool = False
    in_callback_dialog: bool = False
    ivr_choices: list[str] = field(default_factory=list)
    """The keys the caller pressed in the voice menu, one string per answer."""
    task: asyncio.Task[None] | None = None
    dtmf: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    hangup: asyncio.Event = field(default_factory=asyncio.Event)
    playbacks: dict[str, asyncio.Future[str]] = field(default_factory=dict)
    held: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once the caller's move into the holding bridge is done (or failed)."""

    def playback_finished(self, playback_id: str, state: str) -> None:
        future = self.playbacks.pop(playback_id, None)
        if future is not None and not future.done():
            future.set_result(state)

    def mark_hung_up(self) -> None:
        self.hangup.set()
        for future in self.playbacks.values():
            if not future.done():
                future.set_exception(CallerGone(self.call_id))
        self.playbacks.clear()

    async def wait_or_hangup(self, awaitable: asyncio.Future[str] | asyncio.Task[str],
                             timeout: float | None) -> str | None:
        """The awaitable's result, None on timeout; raises CallerGone if the caller left."""
        if self.hangup.is_set():
            raise CallerGone(self.call_id)
        gone = asyncio.ensure_future(self.hangup.wait())
        try:
            done, _ = await asyncio.wait({awaitable, gone}, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if awaitable in done:
            return awaitable.result()
        if self.hangup.is_set():
            raise CallerGone(self.call_id)
        return None
