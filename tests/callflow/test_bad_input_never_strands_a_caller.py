"""Bad input from callers, Asterisk or the network never strands a caller."""

from __future__ import annotations

import copy
from typing import Any

from ari.events import parse_event
from tests.support.system import System, eventually


def _sent_events(system: System, type_: str, channel_id: str) -> list[dict[str, Any]]:
    return [e for e in system.sim.event_log
            if e.get("type") == type_ and (e.get("channel") or {}).get("id") == channel_id]


async def test_a_caller_who_keys_unknown_area_codes_twice_goes_to_the_national_queue(
    system: System,
) -> None:
    caller = await system.sim.add_caller(
        number="+46731112233", patience=None,
        dtmf=[{"at": 0.3, "digits": "999#"}, {"at": 1.5, "digits": "12345#"}])
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    assert record.queue == system.settings.queues.national_queue.id
    assert record.region_source == "unknown"


async def test_a_malformed_municipality_code_from_the_network_falls_back_to_the_area_code(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="+4640123456", municipality="12x4",
                                         patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    assert (record.region, record.region_source) == ("12", "area_code")


async def test_a_duplicated_stasis_start_makes_no_second_call(system: System) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "queued", what="queued call")
    start = _sent_events(system, "StasisStart", caller.channel_id)[0]
    await system.services.flow.on_event(parse_event(copy.deepcopy(start)))
    calls = [r for r in system.services.call_log.live() if r.channel_id == caller.channel_id]
    assert len(calls) == 1
    assert system.services.queues.waiting_count() == 1


async def test_events_for_unknown_channels_are_ignored(system: System) -> None:
    await system.sim.add_caller(number="+46812345678", patience=None)
    await eventually(lambda: system.services.queues.waiting_count() == 1,
                     what="queued call")
    for type_ in ("ChannelDtmfReceived", "StasisEnd", "ChannelDestroyed", "ChannelHangupRequest"):
        event = {"type": type_, "application": "contactcenter", "timestamp":
                 "2026-12-02T10:00:00.000+0000", "digit": "5", "duration_ms": 100, "cause": 16,
                 "cause_txt": "Normal Clearing",
                 "channel": {"id": "no-such-channel", "name": "PJSIP/x-1", "state": "Up",
                             "caller": {"name": "", "number": ""},
                             "connected": {"name": "", "number": ""}, "accountcode": "",
                             "dialplan": {"context": "x", "exten": "s", "priority": 1,
                                          "app_name": "", "app_data": ""},
                             "creationtime": "2026-12-02T10:00:00.000+0000",
                             "language": "sv", "protocol_id": ""}}
        await system.services.flow.on_event(parse_event(event))
    assert system.services.queues.waiting_count() == 1
    assert [r.state.value for r in system.services.call_log.live()] == ["queued"]


async def test_channel_destroyed_before_stasis_end_ends_the_call_once(system: System) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    destroyed = {"type": "ChannelDestroyed", "application": "contactcenter",
                 "timestamp": "2026-12-02T10:00:00.000+0000", "cause": 16,
                 "cause_txt": "Normal Clearing",
                 "channel": _sent_events(system, "StasisStart", caller.channel_id)[0]["channel"]}
    await system.services.flow.on_event(parse_event(destroyed))
    system.sim.caller(caller.caller_id).hang_up()  # the real StasisEnd/Destroyed come later
    await eventually(lambda: _sent_events(system, "StasisEnd", caller.channel_id),
                     what="the simulator's own StasisEnd")
    await system.services.call_log.flush()
    types = [e.type.value for e in await system.services.call_log.events_of(record.call_id)]
    assert types.count("abandoned") == 1 and "ended" not in types
    assert system.services.queues.waiting_count() == 0


async def test_a_busy_nurse_phone_is_tried_a_few_times_then_paused_and_the_call_waits(
    system: System,
) -> None:
    await system.add_nurse("ssk-01-1", "01", behaviour="busy")
    caller = await system.sim.add_caller(number="+46812345678", talk=None, patience=None)
    await eventually(lambda: system.nurse_state("ssk-01-1") == "paused",
                     what="busy nurse paused")
    assert system.services.queues.engine.nurse("ssk-01-1").pause_reason == "auto_pause_unanswered"
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="call waiting")
    await system.services.call_log.flush()
    types = [e.type.value for e in await system.services.call_log.events_of(record.call_id)]
    assert types.count("offer_failed") == system.settings.callflow.max_unanswered_offers
    assert types.count("queued") == 1
    assert system.services.queues.position(record.call_id) == 1
    assert system.sim.caller(caller.caller_id).status != "hung_up"


async def test_an_originate_refused_by_asterisk_keeps_the_call_waiting(system: System) -> None:
    # A nurse whose endpoint Asterisk does not know: originate answers with an error.
    await system.add_nurse("ssk-01-1", "01")
    system.services.queues.engine.nurse("ssk-01-1").endpoint = "Bogus/unknown-tech"
    system.services.queues.nurse_info("ssk-01-1")["endpoint"] = "Bogus/unknown-tech"
    caller = await system.sim.add_caller(number="+46812345678", talk=None, patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    await eventually(lambda: system.services.queues.position(record.call_id) == 1,
                     what="call back in its place")
    assert system.sim.caller(caller.caller_id).status != "hung_up"


async def test_a_caller_who_hangs_up_while_the_events_socket_is_down_is_recorded_abandoned(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    await system.sim.drop_event_sockets(refuse_new=True)
    await eventually(lambda: not system.services.ari_connected(), what="socket down")
    system.sim.caller(caller.caller_id).hang_up()
    system.sim.accept_event_sockets()
    await eventually(system.services.ari_connected, what="reconnected")
    ended = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                             and r.state.value == "abandoned" and r, what="abandoned")
    assert ended.call_id == record.call_id
    assert ended.end_cause == "caller_hangup_while_disconnected"
    assert system.services.queues.waiting_count() == 0


async def test_calls_keep_flowing_after_the_events_socket_comes_back(system: System) -> None:
    await system.add_nurse("ssk-01-1", "01")
    await system.sim.drop_event_sockets()
    await eventually(lambda: system.services.ari.reconnects >= 1
                     and system.services.ari_connected(), what="reconnected")
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected after reconnect")


async def test_a_caller_hanging_up_during_the_greeting_is_recorded_once_without_errors(
    system: System, caplog: Any,
) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=0.5)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "abandoned" and r, what="abandoned in IVR")
    await system.services.call_log.flush()
    types = [e.type.value for e in await system.services.call_log.events_of(record.call_id)]
    assert types[0] == "arrived" and types[-1] == "abandoned" and "queued" not in types
    assert not [r for r in caplog.records if "call flow failed" in r.getMessage()]
    assert system.services.queues.waiting_count() == 0
