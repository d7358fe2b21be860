"""Rebuilding the call flow's state after a (re)connect to ARI or a restart of the service.

Asterisk keeps calls in Stasis while the application is away but replays no
events, so on every connect the live state is read back from ARI (channels,
bridges, the application) and matched with the live calls in the call log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ari import AriSnapshot
from contactcenter.callflow.live import LiveCall
from contactcenter.calls.model import CallEventType, CallRecord, CallState

if TYPE_CHECKING:
    from contactcenter.callflow.controller import CallFlow

log = logging.getLogger(__name__)


async def recover(flow: CallFlow, snapshot: AriSnapshot) -> None:
    """Match calls known to this instance and to the database with what Asterisk has now."""
    channels = {c.id: c for c in snapshot.channels}
    bridge_of: dict[str, object] = {}
    for bridge in snapshot.bridges:
        for channel_id in bridge.channels:
            bridge_of[channel_id] = bridge
    # Calls this instance was handling when the socket dropped.
    handled_here = set(flow.calls)
    for call in list(flow.calls.values()):
        if call.callback and not call.connected:
            _check_callback(flow, call, channels)
            continue
        if call.channel_id not in channels:
            log.info("call %s: caller left while events were not flowing", call.call_id)
            await flow.desk.caller_left(call, "caller_hangup_while_disconnected")
        elif call.nurse_channel_id and call.nurse_channel_id not in channels:
            if call.connected:
                await flow.desk.finish(call, "nurse_hangup_while_disconnected", abandoned=False)
                await flow.desk.hangup(call.channel_id)
            else:
                flow.legs.offer_failed(call, call.nurse_channel_id, "nurse leg gone while disconnected")
    await flow.coaching.resync(set(channels))
    # Calls left live in the database by a previous run of the service.
    recovered = 0
    legs = _nurse_legs(channels)
    await flow.desk.log.flush()
    for record in await flow.desk.log.load_live_calls():
        if record.call_id in flow.calls or record.call_id in handled_here:
            continue
        if record.state is CallState.CALLBACK_WAITING:
            await _adopt_callback(flow, record)  # parked: its inbound channel is gone on purpose
            for leg in [c for c in channels if c.startswith((f"nurse-{record.call_id}-",
                                                             f"callback-{record.call_id}-"))]:
                await flow.desk.hangup(leg)  # the offer or dial under way was given up
            continue
        if record.channel_id not in channels:
            _close_lost(flow, record)
            continue
        await _adopt(flow, record, bridge_of.get(record.channel_id), channels, legs)
        recovered += 1
    if recovered:
        log.info("recovered %d live calls after restart", recovered)


def _check_callback(flow: CallFlow, call: LiveCall, channels: Mapping[str, object]) -> None:
    """A parked callback of this instance: did a leg of its offer or dial go meanwhile?"""
    if call.dialling and (call.channel_id not in channels
                          or (call.nurse_channel_id or "") not in channels):
        flow.desk.spawn(flow.callbacks.not_reached(
            call, "no_answer", "leg gone while disconnected"))
    elif not call.dialling and call.nurse_channel_id \
            and call.nurse_channel_id not in channels:
        flow.legs.offer_failed(call, call.nurse_channel_id, "nurse leg gone while disconnected")


async def _adopt_callback(flow: CallFlow, record: CallRecord) -> None:
    """A callback booked before a restart keeps its place (the engine replayed it)."""
    from contactcenter.callflow.callbacks import swedish_number

    flow.desk.log.adopt(record)
    number = swedish_number(record.caller_number)
    kept, given_up = (False, None) if number is None \
        else await flow.desk.queues.bookings.restore(record.call_id)
    if given_up == "dial":  # the caller's phone was ringing: counted as not answered
        flow.desk.log.record(record.call_id, CallEventType.CALLBACK_ATTEMPT,
                         outcome="no_answer", nurse_id=record.nurse_id,
                         reason="service restarted", result="retry" if kept else "failed")
    elif record.nurse_id:  # an offer was under way: it is given up
        flow.desk.log.record(record.call_id, CallEventType.OFFER_FAILED,
                         nurse_id=record.nurse_id, reason="service restarted")
    if not kept:
        log.warning("call %s: booked callback lost over the restart", record.call_id)
        flow.desk.log.record(record.call_id, CallEventType.ENDED,
                         cause="callback_lost_during_restart")
        return
    call = LiveCall(call_id=record.call_id, channel_id="", caller_number=record.caller_number,
                    arrived_at=record.arrived_at)
    call.region = record.region
    call.queue_id = record.queue
    call.callback = True
    call.callback_number = number
    flow.calls[call.call_id] = call
    log.info("call %s: booked callback kept its place after restart", call.call_id)


def _close_lost(flow: CallFlow, record: CallRecord) -> None:
    flow.desk.log.adopt(record)
    flow.desk.queues.call_gone(record.call_id, record.nurse_id,
                           connected=record.state is CallState.CONNECTED)
    if record.state is CallState.CONNECTED:
        flow.desk.log.record(record.call_id, CallEventType.ENDED, cause="lost_during_restart")
    else:
        flow.desk.log.record(record.call_id, CallEventType.ABANDONED, cause="lost_during_restart")


async def _adopt(flow: CallFlow, record: CallRecord, bridge: object | None,
                 channels: dict[str, object], legs: Mapping[str, list[tuple[int, str]]]
                 ) -> None:
    call = LiveCall(call_id=record.call_id, channel_id=record.channel_id,
                    caller_number=record.caller_number, arrived_at=record.arrived_at)
    call.region = record.region
    flow.desk.log.adopt(record)
    flow.desk.track(call)
    bridge_type = getattr(bridge, "bridge_type", None)
    members = list(getattr(bridge, "channels", []) or [])
    if bridge_type == "mixing" and len(members) >= 2 and record.nurse_id:
        call.connected = True
        call.mixing_bridge_id = getattr(bridge, "id", None)
        call.nurse_id = record.nurse_id
        call.nurse_channel_id = next(m for m in members if m != record.channel_id)
        flow.desk.by_channel[call.nurse_channel_id] = call
        flow.desk.queues.restore_on_call(record.nurse_id, record.call_id)
        log.info("call %s: still connected to nurse %s", call.call_id, record.nurse_id)
        return
    queue_id = record.queue or flow.desk.queues.queue_of(record.region)
    if record.state is not CallState.QUEUED and record.state is not CallState.OFFERED:
        flow.desk.log.record(call.call_id, CallEventType.REGION_DECIDED, region=record.region,
                         source=record.region_source or "unknown",
                         detail="recovered after restart", queue=queue_id)
    if bridge_type == "holding":
        call.holding_bridge_id = getattr(bridge, "id", None)
        call.queue_id = queue_id
        call.held.set()
        flow.holding.setdefault(queue_id, call.holding_bridge_id or "")
        if _keep_ringing(flow, call, record, channels, sorted(legs.get(call.call_id, []))):
            return
        if record.state is CallState.OFFERED:
            flow.desk.log.record(call.call_id, CallEventType.OFFER_FAILED,
                             nurse_id=record.nurse_id, reason="service restarted")
        flow.desk.queues.enqueue(call.call_id, region=record.region,
                                 national=queue_id != record.region,
                                 arrived_at=record.arrived_at)
        return
    # Still in the IVR, or between steps: put the caller in their queue, keeping their arrival.
    flow.desk.spawn(flow.enter_queue(call, national=queue_id != record.region,
                                     arrived_at=record.arrived_at))


def _nurse_legs(channels: Mapping[str, object]) -> dict[str, list[tuple[int, str]]]:
    """The nurse legs Asterisk has (``nurse-<call id>-<n>``) by call id, with their number."""
    legs: dict[str, list[tuple[int, str]]] = {}
    for channel_id in channels:
        if channel_id.startswith("nurse-"):
            call_id, _, number = channel_id[len("nurse-"):].rpartition("-")
            if call_id and number.isdigit():
                legs.setdefault(call_id, []).append((int(number), channel_id))
    return legs


def _keep_ringing(flow: CallFlow, call: LiveCall, record: CallRecord,
                  channels: Mapping[str, object], legs: list[tuple[int, str]]) -> bool:
    """The restart came while a nurse's phone rang for the call (Asterisk still has the leg
    and the engine the offer): keep that leg as the offer's, so she can still pick up and
    nothing counts as her miss. Any other leg of the call is hung up.

    Either way the next leg gets a number above every live one: re-originating with an id
    Asterisk still has is refused (409) and would leave the old leg ringing."""
    call.offer_attempt = max([n for n, _ in legs], default=call.offer_attempt)
    entry = flow.desk.queues.engine.call(call.call_id)
    keep, endpoint = None, ""
    if legs and entry is not None and entry.status == "offered" and entry.nurse_id:
        endpoint = (flow.desk.queues.nurse_info(entry.nurse_id) or {}).get("endpoint") or ""
        name = getattr(channels[legs[-1][1]], "name", "")
        if endpoint and name.startswith(f"{endpoint}-"):  # rings the nurse offered the call
            keep = legs[-1][1]
    for _, leg in legs:
        if leg != keep:
            flow.desk.spawn(flow.desk.hangup(leg))
    if keep is None or entry is None or not entry.nurse_id:
        return False
    call.nurse_id = entry.nurse_id
    call.nurse_channel_id = keep
    flow.desk.by_channel[keep] = call
    if record.state is not CallState.OFFERED or record.nurse_id != entry.nurse_id:
        flow.desk.log.record(call.call_id, CallEventType.OFFERED, nurse_id=entry.nurse_id,
                         endpoint=endpoint)
    log.info("call %s: nurse %s's phone still rings after the restart; kept", call.call_id,
             entry.nurse_id)
    if getattr(channels[keep], "state", "") == "Up":  # she answered while the service was away
        flow.desk.spawn(flow.nurse_answered(keep, call.call_id))
    return True
