"""A call from dial to nurse through the real service and the ARI simulator."""

from __future__ import annotations

from contactcenter.calls.model import CallEventType
from tests.support.system import System, eventually


async def event_types(system: System, call_id: str) -> list[str]:
    await system.services.call_log.flush()
    return [e.type.value for e in await system.services.call_log.events_of(call_id)]


async def test_caller_whose_municipality_the_network_delivers_reaches_a_nurse_of_that_region(
    system: System,
) -> None:
    await system.add_nurse("ssk-14-1", "14")
    await system.add_nurse("ssk-01-1", "01")
    caller = await system.sim.add_caller(number="+46701234567", municipality="0180", talk=1.0)

    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    assert record.region == "01"
    assert record.region_source == "municipality"
    assert record.nurse_id == "ssk-01-1"
    assert system.nurse_state("ssk-14-1") == "ready"

    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "ended", what="call end")
    assert await event_types(system, record.call_id) == [
        "arrived", "region_decided", "queued", "offered", "answered", "ended"]
    await eventually(lambda: system.nurse_state("ssk-01-1") == "ready", what="wrap-up to end")


async def test_mobile_caller_keys_the_area_code_and_is_queued_in_that_region(system: System) -> None:
    await system.add_nurse("ssk-14-1", "14")
    caller = await system.sim.add_caller(number="+46731112233", dtmf=[{"at": 0.5, "digits": "031#"}],
                                         talk=1.0)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    assert (record.region, record.region_source) == ("14", "ivr")


async def test_fixed_line_area_code_is_used_as_region_hint(system: System) -> None:
    await system.add_nurse("ssk-12-1", "12")
    caller = await system.sim.add_caller(number="+4640123456", talk=1.0)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    assert (record.region, record.region_source) == ("12", "area_code")


async def test_call_from_abroad_goes_to_the_national_queue(system: System) -> None:
    await system.add_nurse("ssk-25-1", "25")
    caller = await system.sim.add_caller(number="+4520123456", talk=1.0)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    assert record.queue == system.settings.queues.national_queue.id
    assert record.region_source == "abroad"


async def test_caller_who_keys_nothing_is_not_stranded_but_sent_to_the_national_queue(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    assert record.queue == system.settings.queues.national_queue.id
    assert record.region_source == "unknown"


async def test_caller_hanging_up_in_queue_is_recorded_as_abandoned_with_the_wait(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=3.0)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "abandoned" and r, what="abandoned call")
    assert record.region == "01"
    assert record.wait_seconds is not None and record.wait_seconds > 0
    types = await event_types(system, record.call_id)
    assert types[-1] == CallEventType.ABANDONED.value


async def test_nurse_who_does_not_answer_is_skipped_and_the_call_keeps_its_place(
    system: System,
) -> None:
    await system.add_nurse("ssk-01-1", "01", behaviour="no_answer")
    caller = await system.sim.add_caller(number="+46812345678", talk=1.0)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "offered", what="first offer")
    await system.add_nurse("ssk-01-2", "01")
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected call")
    assert record.nurse_id == "ssk-01-2"
    types = await event_types(system, record.call_id)
    assert "offer_failed" in types
    assert types.count("queued") == 1


async def test_nurse_hanging_up_ends_the_call_and_hangs_up_the_caller(system: System) -> None:
    await system.add_nurse("ssk-01-1", "01", talk=1.0)
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "ended" and r, what="ended call")
    assert record.end_cause == "nurse_hangup"
    status = await eventually(lambda: (s := system.sim.caller(caller.caller_id))
                              and s.status == "hung_up" and s, what="caller hung up")
    assert status.hung_up_by == "app"


async def test_a_waiting_call_is_answered_when_a_nurse_logs_in(system: System) -> None:
    caller = await system.sim.add_caller(number="+46812345678", talk=1.0)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "queued", what="queued call")
    await system.add_nurse("ssk-01-1", "01")
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected call")
