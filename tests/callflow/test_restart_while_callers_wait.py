"""A restart of the service while callers wait or talk loses none of them."""

from __future__ import annotations

from tests.support.system import System, eventually, start_system


async def restart(system: System) -> None:
    """Stop the service (Asterisk – here the simulator – keeps the calls) and start a new one."""
    await system.services.call_log.flush()
    await system.services.stop()
    system.services = await start_system(system.settings, system.sim)


async def test_a_caller_waiting_in_queue_keeps_the_place_and_arrival_time_across_a_restart(
    system: System,
) -> None:
    first = await system.sim.add_caller(number="+46812345678", patience=None, talk=None)
    second = await system.sim.add_caller(number="+46812345679", patience=None, talk=None)
    before = await eventually(lambda: (r := system.call_for_channel(first.channel_id))
                              and r.state.value == "queued" and r, what="first queued")
    await eventually(lambda: (r := system.call_for_channel(second.channel_id))
                     and r.state.value == "queued", what="second queued")

    await restart(system)

    after = await eventually(lambda: (r := system.call_for_channel(first.channel_id))
                             and r.state.value == "queued" and r, what="first recovered")
    assert after.call_id == before.call_id
    assert after.arrived_at == before.arrived_at
    assert system.services.queues.position(after.call_id) == 1
    await system.add_nurse("ssk-01-1", "01")
    connected = await eventually(lambda: (r := system.call_for_channel(first.channel_id))
                                 and r.state.value == "connected" and r, what="first connected")
    assert connected.nurse_id == "ssk-01-1"
    assert system.sim.caller(first.caller_id).status == "bridged"


async def test_a_call_connected_to_a_nurse_stays_connected_and_ends_normally_after_a_restart(
    system: System,
) -> None:
    await system.add_nurse("ssk-01-1", "01")
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected")

    await restart(system)
    system.services.queues.add_nurse("ssk-01-1", "Test ssk-01-1", "01", "PJSIP/ssk-01-1")

    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected after restart")
    assert system.nurse_state("ssk-01-1") == "on_call"
    await system.services.ari.channels.hangup(caller.channel_id)
    ended = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                             and r.state.value == "ended" and r, what="ended")
    assert ended.call_id == record.call_id
    await eventually(lambda: system.nurse_state("ssk-01-1") in ("wrap_up", "ready"),
                     what="nurse released")


async def test_a_caller_who_hung_up_during_the_restart_is_recorded_as_abandoned(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "queued", what="queued")
    await system.services.call_log.flush()
    await system.services.stop()
    system.sim.caller(caller.caller_id).hang_up()
    system.services = await start_system(system.settings, system.sim)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "abandoned" and r, what="abandoned")
    assert record.end_cause == "lost_during_restart"


