"""The call flow: ARI events in, call control out.

Inbound call → answer → greeting → region → holding bridge with music on hold
→ a ready nurse's phone is originated → both joined in a mixing bridge → a
hangup on either side ends the call. Each step is recorded in the call log.

Event handling never waits on the caller: events are routed to the call's own
task (IVR) or handled in a few non-blocking steps. Every failure path ends in
a defined state (queued, or hung up) and is logged.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from ari import AriClient, AriError, AriNotFound, AriSnapshot
from ari import events as ev
from contactcenter.callflow.announcements import AnnouncementPrompts
from contactcenter.callflow.callbacks import (
    BUSY_CAUSE,
    CALLBACK_ARG,
    CallbackFlow,
    CallbackOptions,
    swedish_number,
)
from contactcenter.callflow.ivr import Ivr
from contactcenter.callflow.live import CallerGone, LiveCall
from contactcenter.callflow.nurse_legs import NURSE_ARG, NurseLegs
from contactcenter.callflow.queueing import QueueRouter
from contactcenter.calls.model import CallEventType
from contactcenter.calls.service import CallLog
from contactcenter.settings.sections import CallflowSettings
from queues.events import Announcement

log = logging.getLogger(__name__)

HARNESS_ARGS = frozenset({"pstn-side"})  # the calling side of a Local pair made by a test harness


class CallFlow(NurseLegs, CallbackFlow):
    """Handles every call of the ARI application (the AriEventHandler of the service)."""

    def __init__(
        self,
        *,
        ari: AriClient,
        ivr: Ivr,
        router: QueueRouter,
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
        self._router = router
        self._log = call_log
        self._clock = clock
        self._inbound = set(inbound_extensions)
        self._moh = hold_music_class
        self._nurse_timeout = nurse_originate_timeout
        self.calls: dict[str, LiveCall] = {}
        self._by_channel: dict[str, LiveCall] = {}
        self._holding: dict[str, str] = {}
        self._holding_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[object]] = set()
        self.ready_to_bridged: list[float] = []  # seconds, for the benchmark
        router.set_offer_callback(self._start_offer)
        router.set_announce_callback(self._announce)
        router.set_notice_callback(self._notice)
        router.set_callback_offer_callback(self._start_callback_offer)
        router.set_withdraw_callback(self._offer_withdrawn)
        self._cb = callback or CallbackOptions.from_settings(CallflowSettings())
        self._prompts = prompts or AnnouncementPrompts(callback_offer=self._cb.offer_prompt)

    # -- ARI handler protocol ------------------------------------------------------------
    async def on_connected(self, snapshot: AriSnapshot) -> None:
        from contactcenter.callflow.recovery import recover

        await recover(self, snapshot)

    async def on_disconnected(self) -> None:
        log.warning("ARI events connection lost; calls stay in Stasis until it is back")

    async def on_application_replaced(self, event: ev.ApplicationReplaced) -> None:
        log.error("another process took over ARI application %s", event.application)

    async def on_event(self, event: ev.AriEvent) -> None:
        if isinstance(event, ev.StasisStart):
            await self._stasis_start(event)
            return
        channel = getattr(event, "channel", None)
        channel_id = channel.id if channel is not None else None
        if isinstance(event, (ev.PlaybackFinished, ev.PlaybackStarted)):
            target = event.playback.target_uri.partition(":")[2]
            call = self._by_channel.get(target)
            if call is not None and isinstance(event, ev.PlaybackFinished):
                call.playback_finished(event.playback.id, event.playback.state)
            return
        if channel_id is None:
            return
        call = self._by_channel.get(channel_id)
        if call is None:
            return  # a channel this instance does not handle, or one already finished
        if call.ended:
            if isinstance(event, (ev.StasisEnd, ev.ChannelDestroyed)):
                self._by_channel.pop(channel_id, None)
            return
        if isinstance(event, ev.ChannelDtmfReceived) and channel_id == call.channel_id:
            self._dtmf(call, event.digit)
        elif isinstance(event, (ev.StasisEnd, ev.ChannelHangupRequest, ev.ChannelDestroyed)):
            if channel_id == call.channel_id and call.callback and not call.connected:
                if call.dialling:
                    if isinstance(event, ev.ChannelDestroyed):
                        outcome = "busy" if event.cause == BUSY_CAUSE else "no_answer"
                        await self._callback_not_reached(
                            call, outcome, event.cause_txt or f"cause {event.cause}")
                else:
                    await self._park(call)  # hung up during the goodbye prompt
            elif channel_id == call.channel_id:
                await self._caller_left(call, _cause(event))
            elif channel_id == call.nurse_channel_id:
                await self._nurse_left(call, event)

    # -- inbound calls ------------------------------------------------------------------
    async def _stasis_start(self, event: ev.StasisStart) -> None:
        args = list(event.args)
        channel = event.channel
        if args and args[0] == NURSE_ARG:
            await self._nurse_answered(channel.id, args[1] if len(args) > 1 else "")
            return
        if args and args[0] == CALLBACK_ARG:
            await self._callee_answered(channel.id, args[1] if len(args) > 1 else "")
            return
        if channel.id in self._by_channel:
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
        self._track(call)
        self._log.record(
            call.call_id, CallEventType.ARRIVED, channel_id=channel.id, caller_number=number,
            extension=args[0],
        )
        call.task = self._spawn(self._inbound_script(call))

    async def _inbound_script(self, call: LiveCall) -> None:
        try:
            await self._ari.channels.answer(call.channel_id)
            await self._ivr.play(call, self._ivr.settings.greeting)
            decision = await self._ivr.decide_region(call)
            if call.ended or call.hangup.is_set():
                raise CallerGone(call.call_id)  # left while the last prompt finished
            call.region = decision.region
            self._log.record(
                call.call_id, CallEventType.REGION_DECIDED, region=decision.region,
                source=decision.source, detail=decision.detail, queue=decision.queue,
            )
            queue_id = self._router.queue_for(decision)
            await self._enter_queue(call, queue_id, arrived_at=call.arrived_at)
        except CallerGone:
            await self._caller_left(call, "caller_hangup")
        except AriNotFound:
            await self._caller_left(call, "caller_hangup")
        except Exception:
            log.exception("call %s: call flow failed; ending the call", call.call_id)
            await self._finish(call, "system_error", abandoned=False)
            await self._hangup(call.channel_id)

    async def _enter_queue(self, call: LiveCall, queue_id: str, *, arrived_at: datetime) -> None:
        bridge_id = await self._holding_bridge(queue_id)
        await self._ari.bridges.add_channel(bridge_id, call.channel_id, role="participant")
        call.holding_bridge_id = bridge_id
        call.queue_id = queue_id
        if call.hangup.is_set():
            raise CallerGone(call.call_id)
        self._log.record(call.call_id, CallEventType.QUEUED, queue=queue_id)
        self._router.enqueue(call.call_id, queue_id, call.region, arrived_at)

    async def _holding_bridge(self, queue_id: str) -> str:
        bridge_id = self._holding.get(queue_id)
        if bridge_id is not None:
            return bridge_id
        async with self._holding_lock:
            if queue_id in self._holding:
                return self._holding[queue_id]
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
            self._holding[queue_id] = bridge_id
            return bridge_id

    # -- announcements to waiting callers ---------------------------------------------------
    def _announce(self, announcement: Announcement) -> None:
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
        self._spawn(self._play_quietly(call, media))

    def _notice(self, call_id: str, kind: str) -> None:
        """Crisis mode: play the crisis message; a closed queue: say "call later" and end."""
        call = self.calls.get(call_id)
        if call is None or call.ended or call.callback:
            return
        if kind == "crisis":
            self._log.record(call.call_id, CallEventType.ANNOUNCED, message="crisis")
            self._spawn(self._play_quietly(call, [self._prompts.crisis_message]))
        elif kind == "call_later":
            self._spawn(self._close_with_call_later(call))

    async def _close_with_call_later(self, call: LiveCall) -> None:
        try:
            await self._ivr.play(call, [self._prompts.call_later])
        except (CallerGone, AriError):
            pass
        if not call.ended:
            await self._finish(call, "call_later", abandoned=False)
            await self._hangup(call.channel_id)

    async def _play_quietly(self, call: LiveCall, media: list[str]) -> None:
        # With a playback id kept in call.playbacks, so joining a nurse can stop it.
        try:
            await self._ivr.play(call, media, wait=False)
        except CallerGone:  # the caller left meanwhile
            log.info("call %s: announcement not played: the caller left", call.call_id)

    # -- ending -----------------------------------------------------------------------------
    async def _caller_left(self, call: LiveCall, cause: str) -> None:
        call.mark_hung_up()
        if call.ended:
            return
        was_connected = call.connected
        nurse_channel = call.nurse_channel_id
        await self._finish(call, cause, abandoned=not was_connected)
        if nurse_channel:
            await self._hangup(nurse_channel)

    async def _finish(self, call: LiveCall, cause: str, *, abandoned: bool) -> None:
        if call.ended:
            return
        call.ended = True
        nurse_id = call.nurse_id
        if abandoned:
            position = self._router.position(call.call_id)
            self._log.record(call.call_id, CallEventType.ABANDONED, cause=cause,
                             position=position)
        else:
            self._log.record(call.call_id, CallEventType.ENDED, cause=cause, nurse_id=nurse_id)
        self._router.call_gone(call.call_id, nurse_id, connected=call.connected)
        self._untrack(call)
        if call.mixing_bridge_id:
            self._spawn(self._destroy_bridge(call.mixing_bridge_id))

    async def _destroy_bridge(self, bridge_id: str) -> None:
        try:
            await self._ari.bridges.destroy(bridge_id)
        except AriError:
            pass

    async def _hangup(self, channel_id: str) -> None:
        try:
            await self._ari.channels.hangup(channel_id, reason="normal")
        except AriError:
            pass  # already gone

    # -- bookkeeping --------------------------------------------------------------------------
    def _track(self, call: LiveCall) -> None:
        self.calls[call.call_id] = call
        self._by_channel[call.channel_id] = call

    def _untrack(self, call: LiveCall) -> None:
        self.calls.pop(call.call_id, None)
        self._by_channel.pop(call.channel_id, None)
        # The nurse leg stays mapped until it is gone, so its hangup still finds the call.

    def forget_channel(self, channel_id: str) -> None:
        self._by_channel.pop(channel_id, None)

    def _spawn(self, coro: object) -> asyncio.Task[object]:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _cause(event: ev.AriEvent) -> str:
    return "caller_hangup"
