"""Offering a call to a nurse: ring their phone, join them with the caller, or give up.

The queue engine decides who is offered which call; this part of the call flow
originates the nurse's phone, asks the engine to grant the answer when they
pick up (an offer withdrawn while the phone rang is refused) and bridges the
two, or reports why the offer failed so the call goes back to its place.

:class:`NurseLegs` works on the call flow's :class:`~contactcenter.callflow.desk.CallDesk`;
the call flow hands it the nurse legs of inbound calls (callbacks go to
:mod:`~contactcenter.callflow.callbacks`, which rings nurses through :meth:`NurseLegs.ring`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from ari import AriError
from ari import events as ari_events
from contactcenter.callflow.announcements import stop_playbacks
from contactcenter.callflow.desk import CallDesk
from contactcenter.callflow.live import LiveCall
from contactcenter.calls.model import CallEventType

log = logging.getLogger(__name__)

NURSE_ARG = "nurse"
HELD_WAIT_SECONDS = 5.0
"""How long a nurse who answered waits for the caller's move into the holding bridge."""


class NurseLegs:
    """The nurse's leg of each call: ring, claim the answer, join, or give the call back."""

    def __init__(self, desk: CallDesk, *, originate_timeout: int) -> None:
        self._desk = desk
        self._nurse_timeout = originate_timeout
        self.ready_to_bridged: list[float] = []  # seconds, for the benchmark

    # -- offering to nurses ---------------------------------------------------------------
    def offer(self, call_id: str, nurse_id: str, endpoint: str) -> None:
        """The engine offered the waiting call to the nurse: ring her phone."""
        call = self._desk.calls.get(call_id)
        if call is None or call.ended:
            # Rare: the call ended in the same step it was matched (queued, not re-entered).
            self._desk.queues.withdraw_offer(call_id, nurse_id, "call_gone")
            return
        call.offered_at_ready = time.perf_counter()
        self.ring(call, nurse_id, endpoint)

    def ring(self, call: LiveCall, nurse_id: str, endpoint: str, **record: Any) -> None:
        """The engine offered ``call`` (or its callback) to the nurse: originate their phone."""
        call.offer_attempt += 1
        call.nurse_id = nurse_id
        call.nurse_channel_id = f"nurse-{call.call_id}-{call.offer_attempt}"
        self._desk.by_channel[call.nurse_channel_id] = call
        self._desk.log.record(call.call_id, CallEventType.OFFERED, nurse_id=nurse_id,
                         endpoint=endpoint, **record)
        self._desk.spawn(self._originate_nurse(call, endpoint, call.nurse_channel_id))

    def withdrawn(self, call_id: str, nurse_id: str, reason: str) -> None:
        """The engine took the offer back while the phone rang (the nurse paused, was logged
        out…): stop ringing them. The call is already back at its place."""
        call = self._desk.calls.get(call_id)
        if call is None or call.ended or call.connected or call.nurse_id != nurse_id \
                or not call.nurse_channel_id or call.dialling:
            return
        channel_id, call.nurse_channel_id, call.nurse_id = call.nurse_channel_id, None, None
        self._desk.log.record(call.call_id, CallEventType.OFFER_FAILED, nurse_id=nurse_id,
                         reason=f"withdrawn ({reason})")
        if call.answering == channel_id:
            return  # picked up already: the engine's answer to that claim settles the leg
        self._desk.by_channel.pop(channel_id, None)
        self._desk.spawn(self._desk.hangup(channel_id))

    async def _originate_nurse(self, call: LiveCall, endpoint: str, channel_id: str) -> None:
        try:
            await self._desk.ari.channels.originate(
                endpoint,
                app_args=[NURSE_ARG, call.call_id],
                channel_id=channel_id,
                caller_id=call.caller_number or "",
                timeout=self._nurse_timeout,
            )
        except AriError as exc:
            log.warning("call %s: originating %s failed: %s", call.call_id, endpoint, exc)
            self.offer_failed(call, channel_id, f"originate failed ({exc.status})")

    def offer_failed(self, call: LiveCall, channel_id: str, reason: str) -> None:
        """The nurse's leg is gone before it was joined: the call goes back to its place."""
        if call.nurse_channel_id != channel_id or call.connected:
            return
        self._desk.by_channel.pop(channel_id, None)
        if call.ended:
            return  # the nurse was released when the call ended
        nurse_id = call.nurse_id
        call.nurse_id = None
        call.nurse_channel_id = None
        if not call.ended:
            self._desk.log.record(call.call_id, CallEventType.OFFER_FAILED, nurse_id=nurse_id,
                             reason=reason)
        if nurse_id is not None:
            self._desk.queues.offer_failed(call.call_id, nurse_id, reason)

    async def answered(self, call: LiveCall, channel_id: str) -> None:
        """The nurse picked up an inbound call's offer: claim it, then join her and the caller."""
        nurse_id = call.nurse_id or ""
        # The engine grants the answer first: an offer withdrawn while the phone rang (the
        # nurse paused, was logged out…) may already be with another nurse.
        call.answering = channel_id
        try:
            granted = await self._desk.queues.answered(call.call_id, nurse_id)
        finally:
            call.answering = None
        if not granted:
            self._desk.by_channel.pop(channel_id, None)
            if call.nurse_channel_id == channel_id:
                call.nurse_id = call.nurse_channel_id = None
            await self._desk.hangup(channel_id)
            return
        if call.ended:  # the caller left meanwhile (their call ends in the engine too)
            await self._desk.hangup(channel_id)
            return
        if call.nurse_channel_id != channel_id:
            # The offer this leg rang for was withdrawn and the call offered to the same nurse
            # again: the engine granted the answer to this nurse, so this leg is the call's.
            newer, call.nurse_channel_id, call.nurse_id = call.nurse_channel_id, channel_id, nurse_id
            self._desk.by_channel[channel_id] = call
            if newer:
                self._desk.by_channel.pop(newer, None)
                self._desk.spawn(self._desk.hangup(newer))
        if not call.held.is_set():  # queued a moment ago: its holding bridge comes first
            try:
                await asyncio.wait_for(call.held.wait(), HELD_WAIT_SECONDS)
            except TimeoutError:
                log.warning("call %s: the caller is still not in the holding bridge",
                            call.call_id)
        holding = call.holding_bridge_id
        bridge_id = f"call-{call.call_id}"
        try:
            await self._desk.ari.bridges.create(type="mixing", bridge_id=bridge_id,
                                           name=f"call-{call.call_id}")
            call.mixing_bridge_id = bridge_id
            await stop_playbacks(self._desk.ari, call)  # else Asterisk joins them when it ends
            if call.holding_bridge_id:
                try:
                    await self._desk.ari.bridges.remove_channel(call.holding_bridge_id, call.channel_id)
                except AriError:
                    pass  # moving into the mixing bridge takes it out anyway
            await self._desk.ari.bridges.add_channel(bridge_id, [call.channel_id, channel_id])
        except AriError as exc:
            await self._join_failed(call, channel_id, holding, exc)
            return
        if call.ended:
            await self._desk.hangup(channel_id)
            return
        call.connected = True
        call.holding_bridge_id = None
        if call.in_callback_dialog:
            call.dtmf.put_nowait("")  # ends the callback dialog (and its prompts) at once
        if call.offered_at_ready is not None:
            self.ready_to_bridged.append(time.perf_counter() - call.offered_at_ready)
        self._desk.log.record(call.call_id, CallEventType.ANSWERED, nurse_id=nurse_id)

    async def _join_failed(self, call: LiveCall, channel_id: str, holding: str | None,
                           exc: AriError) -> None:
        """The answer was granted but the two could not be joined: the nurse's leg is hung up
        (their call ends: wrap-up); a caller still there goes back to their place."""
        nurse_id = call.nurse_id or ""
        if call.mixing_bridge_id:
            bridge_id, call.mixing_bridge_id = call.mixing_bridge_id, None
            await self._desk.destroy_bridge(bridge_id)  # a later offer makes one of this name
        self._desk.by_channel.pop(channel_id, None)
        call.nurse_id = call.nurse_channel_id = None
        await self._desk.hangup(channel_id)
        if call.ended or call.hangup.is_set():
            log.warning("call %s: nurse %s answered as the caller left (%s)", call.call_id,
                        nurse_id, exc)
            call.connected = True  # the engine granted the answer: this ends that call
            call.nurse_id = nurse_id
            await self._desk.finish(call, "caller_hangup", abandoned=False)
            return
        log.warning("call %s: joining nurse %s failed (%s); the caller goes back to the queue",
                    call.call_id, nurse_id, exc)
        self._desk.log.record(call.call_id, CallEventType.OFFER_FAILED, nurse_id=nurse_id,
                         reason=f"joining failed ({exc.status})")
        if holding:
            call.holding_bridge_id = holding
            try:
                await self._desk.ari.bridges.add_channel(holding, call.channel_id, role="participant")
            except AriError:
                log.warning("call %s: back to the holding bridge failed", call.call_id)
        self._desk.queues.requeue(call.call_id, nurse_id, call.region, call.queue_id or "",
                             call.arrived_at)

    async def left(self, call: LiveCall, event: ari_events.AriEvent) -> None:
        """The nurse's leg ended: an offer failed, or the call ends (the nurse hung up)."""
        channel_id = call.nurse_channel_id or ""
        if not call.connected:
            if isinstance(event, ari_events.ChannelDestroyed):
                self.offer_failed(call, channel_id, event.cause_txt or f"cause {event.cause}")
            elif isinstance(event, ari_events.StasisEnd):
                self.offer_failed(call, channel_id, "nurse leg left")
            return
        await self._desk.finish(call, "nurse_hangup", abandoned=False)
        await self._desk.hangup(call.channel_id)
