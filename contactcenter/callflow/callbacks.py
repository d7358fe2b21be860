"""Återuppringning: a waiting caller books a callback and keeps their place in the queue.

While the predicted wait is over the region's limit, the announcement offers
"press 1 to be called back". The caller confirms their number and hangs up; the
queue engine keeps their entry in place. When its turn comes a nurse is
offered it, the nurse's phone is originated, then the caller's number is dialled
through the trunk (``[callflow] callback_endpoint``) and both are bridged. A busy
or unanswered callee is tried again by the engine's callback policy.

:class:`CallbackDialog` works on the call flow's
:class:`~contactcenter.callflow.desk.CallDesk`; it rings the nurse through the nurse
legs' ``ring`` handed to it, and books through the queue service's ``bookings``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ari import AriError
from contactcenter.callflow.desk import CallDesk
from contactcenter.callflow.ivr import Ivr
from contactcenter.callflow.live import CallerGone, LiveCall
from contactcenter.calls.model import CallEventType
from contactcenter.settings.sections import CallflowSettings

log = logging.getLogger(__name__)

CALLBACK_ARG = "callback"  # the caller's leg when they are dialled back
BUSY_CAUSE = 17

@dataclass(frozen=True)
class CallbackOptions:
    """Återuppringning in the call flow (from ``[callflow] callback_*``)."""

    offer_prompt: tuple[str, ...]
    confirm_intro: tuple[str, ...]
    confirm_prompt: tuple[str, ...]
    goodbye: tuple[str, ...]
    endpoint: str
    caller_id: str
    originate_timeout: int

    @classmethod
    def from_settings(cls, cf: CallflowSettings) -> CallbackOptions:
        return cls(offer_prompt=tuple(cf.callback_offer_prompt),
                   confirm_intro=tuple(cf.callback_confirm_intro),
                   confirm_prompt=tuple(cf.callback_confirm_prompt),
                   goodbye=tuple(cf.callback_goodbye), endpoint=cf.callback_endpoint,
                   caller_id=cf.callback_caller_id,
                   originate_timeout=cf.callback_originate_timeout_seconds)


def swedish_number(raw: str | None) -> str | None:
    """The caller's number in E.164 (+46…) when it is a Swedish number that can be dialled
    back; None for withheld, anonymous or foreign numbers."""
    if not raw:
        return None
    text = raw.strip().replace(" ", "").replace("-", "")
    if text.startswith("+46"):
        rest = text[3:]
    elif text.startswith("0046"):
        rest = text[4:]
    elif text.startswith("0") and not text.startswith("00"):
        rest = text[1:]
    else:
        return None
    if not rest.isdigit() or rest.startswith("0") or not 6 <= len(rest) <= 12:
        return None
    return "+46" + rest


def national_digits(e164: str) -> str:
    """+46812345678 → 0812345678 (what the caller recognises as their number)."""
    return "0" + e164[3:]




Ring = Callable[..., None]
"""``ring(call, nurse_id, endpoint, **record)``: originate the nurse's phone for a call."""


class CallbackDialog:
    """Callbacks in the call flow: the caller books one, and the caller is dialled back."""

    def __init__(self, desk: CallDesk, *, ivr: Ivr, options: CallbackOptions,
                 ring: Ring) -> None:
        self._desk = desk
        self._ivr = ivr
        self._cb = options
        self._ring = ring

    # -- booking (återuppringning) ----------------------------------------------------------
    def key(self, call: LiveCall, digit: str) -> None:
        """A key from the caller: to the IVR or the callback dialog, or "1" while queued."""
        queued = (call.queue_id is not None and call.holding_bridge_id is not None
                  and not call.connected)
        if call.callback:
            return  # a key from the leg being called back: nothing listens
        if call.in_callback_dialog or not queued:
            call.dtmf.put_nowait(digit)
            return
        if digit == "1" and swedish_number(call.caller_number) is not None \
                and self._desk.queues.bookings.on_offer(call.call_id):
            call.in_callback_dialog = True
            self._desk.spawn(self._callback_dialog(call))
        # any other key while waiting is ignored: the caller keeps waiting

    async def _callback_dialog(self, call: LiveCall) -> None:
        """Confirm the number ("press 1"); on 1 book the callback and end the inbound leg."""
        try:
            while not call.dtmf.empty():
                call.dtmf.get_nowait()
            number = swedish_number(call.caller_number) or ""
            media = [*self._cb.confirm_intro, f"digits:{national_digits(number)}",
                     *self._cb.confirm_prompt]
            digit = await self._read_key(call, media)
            if digit != "1" or call.ended or call.connected or call.hangup.is_set() \
                    or call.nurse_channel_id is not None:
                log.info("call %s: callback not confirmed (%r); the caller keeps waiting",
                         call.call_id, digit)
                return
            position = await self._desk.queues.bookings.request(call.call_id)
            if position is None:
                return
            call.callback = True
            call.callback_number = number
            self._desk.log.record(call.call_id, CallEventType.CALLBACK_REQUESTED, position=position,
                             number=number)
            try:
                await self._ivr.play(call, list(self._cb.goodbye))
            except (CallerGone, AriError):
                pass
            await self.park(call)
        except CallerGone:
            if call.callback:
                await self.park(call)
            else:
                await self._desk.caller_left(call, "caller_hangup")
        except Exception:
            log.exception("call %s: callback dialog failed", call.call_id)
            if call.callback:
                await self.park(call)
        finally:
            call.in_callback_dialog = False

    async def _read_key(self, call: LiveCall, media: list[str]) -> str | None:
        """Play ``media`` and wait for one key (a key cuts the prompts short).

        Each item is its own playback, so a missing recording does not silence the rest
        (Asterisk ends a whole media list at the first file it cannot play)."""
        playback_ids: list[str] = []
        for item in media:
            playback_id = await self._ivr.play(call, [item], wait=False)
            if playback_id and playback_id in call.playbacks:
                playback_ids.append(playback_id)
        prompt_done = call.playbacks.get(playback_ids[-1]) if playback_ids else None
        key: asyncio.Future[str] = asyncio.ensure_future(call.dtmf.get())
        try:
            if prompt_done is not None:
                async def first() -> str:
                    await asyncio.wait({key, prompt_done}, return_when=asyncio.FIRST_COMPLETED)
                    return "done"
                await call.wait_or_hangup(asyncio.ensure_future(first()), timeout=120.0)
            if not key.done():
                await call.wait_or_hangup(key, timeout=self._ivr.settings.dtmf_timeout_seconds)
            for playback_id in playback_ids:
                if playback_id in call.playbacks:
                    await self._ivr.stop(playback_id)
            return key.result() if key.done() else None
        finally:
            if not key.done():
                key.cancel()

    async def park(self, call: LiveCall) -> None:
        """End the inbound leg of a booked callback; the call stays live (parked)."""
        channel_id = call.channel_id
        if not channel_id or call.dialling or call.connected:
            return
        call.mark_hung_up()
        self._desk.by_channel.pop(channel_id, None)
        call.channel_id = ""
        call.holding_bridge_id = None
        call.hangup = asyncio.Event()
        call.dtmf = asyncio.Queue()
        await self._desk.hangup(channel_id)

    # -- dialling back ------------------------------------------------------------------------
    def offered(self, call_id: str, nurse_id: str, endpoint: str) -> None:
        """The engine offers a callback entry to a nurse: ring the nurse as for a call."""
        call = self._desk.calls.get(call_id)
        if call is None or call.ended or not call.callback or not call.callback_number:
            log.error("call %s: callback offered to %s but unknown to the call flow",
                      call_id, nurse_id)
            self._desk.queues.offer_failed(call_id, nurse_id, "callback_unknown")
            return
        self._ring(call, nurse_id, endpoint, callback=True)

    async def dial(self, call: LiveCall, nurse_channel: str) -> None:
        """The nurse took the callback: dial the caller's number."""
        nurse_id = call.nurse_id or ""
        if not await self._desk.queues.bookings.dialling(call.call_id, nurse_id):
            log.warning("call %s: nurse %s answered a callback the engine no longer offers",
                        call.call_id, nurse_id)
            self._desk.by_channel.pop(nurse_channel, None)
            call.nurse_channel_id = call.nurse_id = None
            await self._desk.hangup(nurse_channel)
            return
        call.callback_attempt += 1
        call.dialling = True
        callee = f"callback-{call.call_id}-{call.callback_attempt}"
        call.channel_id = callee
        self._desk.by_channel[callee] = call
        endpoint = self._cb.endpoint.format(number=call.callback_number or "")
        try:
            await self._desk.ari.channels.originate(
                endpoint,
                app_args=[CALLBACK_ARG, call.call_id],
                channel_id=callee,
                caller_id=self._cb.caller_id,
                timeout=self._cb.originate_timeout,
            )
        except AriError as exc:
            log.warning("call %s: dialling back %s failed: %s", call.call_id, endpoint, exc)
            if call.channel_id == callee:
                await self.not_reached(call, "no_answer",
                                                 f"originate failed ({exc.status})")

    async def callee_answered(self, channel_id: str, call_id: str) -> None:
        """The caller picked up the callback: join them with the nurse."""
        call = self._desk.calls.get(call_id)
        if call is None or call.ended or not call.dialling or call.channel_id != channel_id \
                or not call.nurse_channel_id:
            log.info("callback leg %s answered for a call that is gone; hanging it up",
                     channel_id)
            await self._desk.hangup(channel_id)
            return
        nurse_id = call.nurse_id or ""
        bridge_id = f"call-{call.call_id}"
        try:
            await self._desk.ari.bridges.create(type="mixing", bridge_id=bridge_id,
                                           name=f"call-{call.call_id}")
            call.mixing_bridge_id = bridge_id
            await self._desk.ari.bridges.add_channel(bridge_id, [channel_id, call.nurse_channel_id])
        except AriError:
            log.exception("call %s: joining the called-back caller with nurse %s failed",
                          call.call_id, nurse_id)
            if call.mixing_bridge_id == bridge_id:
                call.mixing_bridge_id = None
                await self._desk.destroy_bridge(bridge_id)
            await self.not_reached(call, "no_answer", "bridging failed")
            return
        if not call.dialling or call.ended:  # a leg left while joining (already handled)
            if call.mixing_bridge_id == bridge_id and not call.ended:
                call.mixing_bridge_id = None
                await self._desk.destroy_bridge(bridge_id)
            return
        call.dialling = False
        call.connected = True
        await self._desk.queues.bookings.result(call.call_id, "answered")
        self._desk.log.record(call.call_id, CallEventType.CALLBACK_ATTEMPT,
                         attempt=call.callback_attempt, outcome="answered", nurse_id=nurse_id)
        self._desk.log.record(call.call_id, CallEventType.ANSWERED, nurse_id=nurse_id,
                         channel_id=channel_id, callback=True)

    async def not_reached(self, call: LiveCall, outcome: str, reason: str) -> None:
        """Busy / no answer (or the nurse left): report it; the engine retries or gives up."""
        if not call.dialling:
            return
        call.dialling = False
        callee = call.channel_id
        self._desk.by_channel.pop(callee, None)
        call.channel_id = ""
        nurse_channel, nurse_id = call.nurse_channel_id, call.nurse_id
        call.nurse_channel_id = call.nurse_id = None
        if nurse_channel:
            self._desk.by_channel.pop(nurse_channel, None)
        result = await self._desk.queues.bookings.result(call.call_id, outcome)
        self._desk.log.record(call.call_id, CallEventType.CALLBACK_ATTEMPT,
                         attempt=call.callback_attempt, outcome=outcome, nurse_id=nurse_id,
                         reason=reason, result=result)
        if nurse_channel:
            await self._desk.hangup(nurse_channel)
        if callee:
            await self._desk.hangup(callee)
        if result == "failed" or (result is None
                                  and self._desk.queues.engine.call(call.call_id) is None):
            await self._desk.finish(call, "callback_failed", abandoned=False)

