"""The call flow: ARI events in, call control out.

Inbound call → answer → greeting → region → holding bridge with music on hold
→ a ready nurse's phone is originated → both joined in a mixing bridge → a
hangup on either side ends the call. Each step is recorded in the call log.

Event handling never waits on the caller: events are routed to the call's own
task (IVR) or handled in a few non-blocking steps. Every failure path ends in
a defined state (queued, or hung up) and is logged.

:class:`CallFlow` is made of collaborators sharing one
:class:`~contactcenter.callflow.desk.CallDesk` (the live calls): the nurse's leg
(:class:`~contactcenter.callflow.nurse_legs.NurseLegs`), callbacks
(:class:`~contactcenter.callflow.callbacks.CallbackDialog`) and, on every connect,
recovery (:mod:`~contactcenter.callflow.recovery`). It is the ARI event handler of
the service and the queue service's :class:`~queues.ports.QueueListener`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from ari import AriClient, AriError, AriNotFound, AriSnapshot
from ari import events as ari_events
from contactcenter.callflow.announcements import AnnouncementPrompts
from contactcenter.callflow.callbacks import (
    BUSY_CAUSE,
    CALLBACK_ARG,
    CallbackDialog,
    CallbackOptions,
    swedish_number,
)
from contactcenter.callflow.coaching import CoachLegs
from contactcenter.callflow.desk import CallDesk
from contactcenter.callflow.ivr import Ivr
from contactcenter.callflow.live import CallerGone, LiveCall
from contactcenter.callflow.nurse_legs import NURSE_ARG, NurseLegs
from contactcenter.callflow.ports import Queues
from contactcenter.calls.model import CallEventType
from contactcenter.calls.service import CallLog
from contactcenter.settings.sections import CallflowSettings
from queues.events import Announcement

log = logging.getLogger(__name__)

HARNESS_ARGS = frozenset({"pstn-side"})  # the calling side of a Local pair made by a test harness


class CallFlow:
    """Handles every call of the ARI application (the AriEventHandler of the service) and
    does what the queue service decides for this instance's calls (its QueueListener)."""

    def __init__(
        self,
        *,
        ari: AriClient,
        ivr: Ivr,
        queues: Queues,
        call_log: CallLog,
        clock: Callable[[], datetime],
        inbound_extensions: list[str],
        hold_music_class: str,
        nurse_originate_timeout: int,
        prompts: AnnouncementPrompts | None = None,
        callback: CallbackOptions | None = None,
    ) -> None:
        self._ari = ari
        self._ivr = ivr
        self._queues = queues
        self._log = call_log
        self._clock = clock
        self._inbound = set(inbound_extensions)
        self._moh = hold_music_class
        self.desk = CallDesk(ari=ari, queues=queues, call_log=call_log, clock=clock)
        """The live calls and the steps every part shares (public for recovery and tests)."""
        self.calls = self.desk.calls
        self.holding: dict[str, str] = {}
        """Queue id → its holding bridge on Asterisk."""
        self._holding_lock = asyncio.Lock()
        options = callback or CallbackOptions.from_settings(CallflowSettings())
        self.legs = NurseLegs(self.desk, originate_timeout=nurse_originate_timeout)
        self.callbacks = CallbackDialog(self.desk, ivr=ivr, options=options,
                                        ring=self.legs.ring)
        self._prompts = prompts or AnnouncementPrompts(callback_offer=options.offer_prompt)
        self.coaching = CoachLegs(self.desk, originate_timeout=nurse_originate_timeout)
        """Coaches' legs on this instance's calls (listen, whisper, barge)."""
        self.desk.call_ended = self.coaching.call_ended

    @property
    def ready_to_bridged(self) -> list[float]:
        """Seconds from each offer to the caller and nurse joined (for the benchmark)."""
        return self.legs.ready_to_bridged

    # -- the queue service's listener ---------------------------------------------------------
    def offered(self, call_id: str, nurse_id: str, endpoint: str, *, callback: bool) -> None:
        """Ring the nurse the engine chose (for a booked callback: then dial the caller)."""
        if callback:
            self.callbacks.offered(call_id, nurse_id, endpoint)
        else:
            self.legs.offer(call_id, nurse_id, endpoint)

    def offer_withdrawn(self, call_id: str, nurse_id: str, reason: str) -> None:
        """The engine took the offer back while the phone rang."""
        self.legs.withdrawn(call_id, nurse_id, reason)

    # -- ARI handler protocol ------------------------------------------------------------
    async def on_connected(self, snapshot: AriSnapshot) -> None:
        from contactcenter.callflow.recovery import recover

        await recover(self, snapshot)

    async def on_disconnected(self) -> None:
        log.warning("ARI events connection lost; calls stay in Stasis until it is back")

    async def on_application_replaced(self, event: ari_events.ApplicationReplaced) -> None:
        log.error("another process took over ARI application %s", event.application)

    async def on_event(self, event: ari_events.AriEvent) -> None:
        if await self.coaching.on_event(event):
            return
        if isinstance(event, ari_events.StasisStart):
            await self._stasis_start(event)
            return
        channel = getattr(event, "channel", None)
        channel_id = channel.id if channel is not None else None
        if isinstance(event, (ari_events.PlaybackFinished, ari_events.PlaybackStarted)):
            target = event.playback.target_uri.partition(":")[2]
            call = self.desk.by_channel.get(target)
            if call is not None and isinstance(event, ari_events.PlaybackFinished):
                call.playback_finished(event.playback.id, event.playback.state)
            return
        if channel_id is None:
            return
        call = self.desk.by_channel.get(channel_id)
        if call is None:
            return  # a channel this instance does not handle, or one already finished
        if call.ended:
            if isinstance(event, (ari_events.StasisEnd, ari_events.ChannelDestroyed)):
                self.desk.forget_channel(channel_id)
            return
        if isinstance(event, ari_events.ChannelDtmfReceived) and channel_id == call.channel_id:
            self.callbacks.key(call, event.digit)
        elif isinstance(event, (ari_events.StasisEnd, ari_events.ChannelHangupRequest,
                                ari_events.ChannelDestroyed)):
            if channel_id == call.channel_id and call.callback and not call.connected:
                if call.dialling:
                    if isinstance(event, ari_events.ChannelDestroyed):
                        outcome = "busy" if event.cause == BUSY_CAUSE else "no_answer"
                        await self.callbacks.not_reached(
                            call, outcome, event.cause_txt or f"cause {event.cause}")
                else:
                    await self.callbacks.park(call)  # hung up during the goodbye prompt
            elif channel_id == call.channel_id:
                await self.desk.caller_left(call, "caller_hangup")
            elif channel_id == call.nurse_channel_id:
                if call.dialling and not call.connected:  # hung up while the caller's rang
                    await self.callbacks.not_reached(call, "no_answer", "nurse hung up")
                else:
                    await self.legs.left(call, event)

    # -- inbound calls ------------------------------------------------------------------
    async def _stasis_start(self, event: ari_events.StasisStart) -> None:
        args = list(event.args)
        channel = event.channel
        if args and args[0] == NURSE_ARG:
            await self.nurse_answered(channel.id, args[1] if len(args) > 1 else "")
            return
        if args and args[0] == CALLBACK_ARG:
            await self.callbacks.callee_answered(channel.id, args[1] if len(args) > 1 else "")
            return
        if channel.id in self.desk.by_channel:
            return  # duplicated event
        if args and args[0] in HARNESS_ARGS:
            return
        if not args or args[0] not in self._inbound:
            log.warning("channel %s entered with unknown args %s; hanging up", channel.id, args)
            await self._hangup(channel.id)
            return
        number = channel.caller.number or None
        call = LiveCall(
            call_id=uuid.uuid4().hex[:16],
            channel_id=channel.id,
            caller_number=number,
            arrived_at=self._clock(),
            channelvars=dict(channel.channelvars or {}),
        )
        self.desk.track(call)
        self._log.record(
            call.call_id, CallEventType.ARRIVED, channel_id=channel.id, caller_number=number,
            extension=args[0],
        )
        call.task = self.desk.spawn(self._inbound_script(call))

    async def nurse_answered(self, channel_id: str, call_id: str) -> None:
        """A nurse's phone picked up an offer: join the call, or dial the booked callback."""
        call = self.calls.get(call_id)
        if call is None or call.ended or call.nurse_channel_id != channel_id:
            log.info("nurse leg %s answered for a call that is gone; hanging it up", channel_id)
            await self.desk.hangup(channel_id)
            return
        if call.callback:
            await self.callbacks.dial(call, channel_id)
        else:
            await self.legs.answered(call, channel_id)

    async def _inbound_script(self, call: LiveCall) -> None:
        try:
            await self._ari.channels.answer(call.channel_id)
            await self._ivr.play(call, self._ivr.settings.greeting)
            decision = await self._ivr.decide_region(call)
            if call.ended or call.hangup.is_set():
                raise CallerGone(call.call_id)  # left while the last prompt finished
            call.region = decision.region
            call.municipality = decision.municipality
            self._log.record(
                call.call_id, CallEventType.REGION_DECIDED, region=decision.region,
                source=decision.source, detail=decision.detail, queue=decision.queue,
            )
            await self.enter_queue(call, national=decision.queue == "national",
                                   arrived_at=call.arrived_at)
        except (CallerGone, AriNotFound):
            await self.desk.caller_left(call, "caller_hangup")
        except Exception:
            log.exception("call %s: call flow failed; ending the call", call.call_id)
            await self.desk.finish(call, "system_error", abandoned=False)
            await self.desk.hangup(call.channel_id)

    async def enter_queue(self, call: LiveCall, *, national: bool = False,
                          arrived_at: datetime) -> None:
        """Queue the caller (at ``arrived_at``) and put them in that queue's holding bridge.
        A nurse who answers before the caller is in the holding bridge waits for it
        (:attr:`LiveCall.held`)."""
        queue_id = self._queues.enqueue(call.call_id, region=call.region, national=national,
                                        arrived_at=arrived_at)
        call.queue_id = queue_id
        self._log.record(call.call_id, CallEventType.QUEUED, queue=queue_id)
        try:
            bridge_id = await self._holding_bridge(queue_id)
            await self._ari.bridges.add_channel(bridge_id, call.channel_id, role="participant")
            call.holding_bridge_id = bridge_id
        finally:
            call.held.set()
        if call.hangup.is_set():
            raise CallerGone(call.call_id)

    async def _holding_bridge(self, queue_id: str) -> str:
        bridge_id = self.holding.get(queue_id)
        if bridge_id is not None:
            return bridge_id
        async with self._holding_lock:
            if queue_id in self.holding:
                return self.holding[queue_id]
            bridge_id = f"hold-{queue_id}"
            try:
                await self._ari.bridges.create(type="holding", bridge_id=bridge_id,
                                               name=f"queue-{queue_id}")
            except AriError as exc:
                if exc.status != 409:
                    raise
            try:
                await self._ari.bridges.start_moh(bridge_id, moh_class=self._moh)
            except AriError:
                log.warning("music on hold on %s failed", bridge_id, exc_info=True)
            self.holding[queue_id] = bridge_id
            return bridge_id

    # -- announcements to waiting callers ---------------------------------------------------
    def announce(self, announcement: Announcement) -> None:
        """Tell a waiting caller their place, the expected wait, or to call 112 if urgent."""
        call = self.calls.get(announcement.call_id)
        if call is None or call.ended or call.connected or call.callback \
                or call.in_callback_dialog:
            return
        offer = announcement.callback_offer and swedish_number(call.caller_number) is not None
        media = self._prompts.media_for(announcement, offer_callback=offer)
        if not media:
            return
        self._log.record(call.call_id, CallEventType.ANNOUNCED,
                         position=announcement.position,
                         expected_wait_seconds=announcement.expected_wait_seconds,
                         emergency_reminder=announcement.emergency_reminder,
                         callback_offer=offer)
        self.desk.spawn(self._play_quietly(call, media))

    def notice(self, call_id: str, kind: str) -> None:
        """Crisis mode: play the crisis message; a closed queue: say "call later" and end."""
        call = self.calls.get(call_id)
        if call is None or call.ended or call.callback:
            return
        if kind == "crisis":
            self._log.record(call.call_id, CallEventType.ANNOUNCED, message="crisis")
            self.desk.spawn(self._play_quietly(call, [self._prompts.crisis_message]))
        elif kind == "call_later":
            self.desk.spawn(self._close_with_call_later(call))

    async def _close_with_call_later(self, call: LiveCall) -> None:
        try:
            await self._ivr.play(call, [self._prompts.call_later])
        except (CallerGone, AriError):
            pass
        if not call.ended:
            await self.desk.finish(call, "call_later", abandoned=False)
            await self.desk.hangup(call.channel_id)

    async def _play_quietly(self, call: LiveCall, media: list[str]) -> None:
        # With a playback id kept in call.playbacks, so joining a nurse can stop it. Only once
        # the caller is in the holding bridge: Asterisk would hold the bridge join back until
        # media played to the bare channel had ended.
        await call.held.wait()
        try:
            await self._ivr.play(call, media, wait=False)
        except CallerGone:  # the caller left meanwhile
            log.info("call %s: announcement not played: the caller left", call.call_id)

    def forget_channel(self, channel_id: str) -> None:
        self.desk.forget_channel(channel_id)

    async def close(self) -> None:
        """Stop every task the call flow started."""
        await self.desk.close()
