"""The queue engine drives the live calls: announcements, pauses, restarts, persisted events."""

from __future__ import annotations

from dataclasses import replace

from tests.support.system import System, eventually, start_system


async def test_a_waiting_caller_hears_their_place_and_the_announcement_is_recorded(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    played = await eventually(lambda: [
        e for e in system.sim.event_log if e.get("type") == "PlaybackStarted"
        and e["playback"]["target_uri"] == f"channel:{caller.channel_id}"
        and "queue-youarenext" in e["playback"]["media_uri"]], what="position announced")
    assert played
    await system.services.call_log.flush()
    types = [e.type.value for e in await system.services.call_log.events_of(record.call_id)]
    assert "announced" in types


async def test_a_caller_connected_at_once_hears_no_queue_announcement(system: System) -> None:
    await system.add_nurse("ssk-01-1", "01")
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "connected" and r, what="connected")
    await system.services.call_log.flush()
    types = [e.type.value for e in await system.services.call_log.events_of(record.call_id)]
    assert "announced" not in types


async def test_a_paused_nurse_gets_no_calls_and_stays_paused_across_a_restart(
    system: System,
) -> None:
    await system.add_nurse("ssk-01-1", "01")
    await system.services.queues.set_nurse_state("ssk-01-1", "paused", reason="meeting")
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    assert system.nurse_state("ssk-01-1") == "paused"

    await system.services.call_log.flush()
    await system.services.queues.flush()
    await system.services.stop()
    system.services = await start_system(system.settings, system.sim)

    engine = system.services.queues.engine
    assert engine.nurse("ssk-01-1").state.value == "paused"
    assert engine.nurse("ssk-01-1").pause_reason == "meeting"
    assert system.services.queues.position(record.call_id) == 1
    await system.services.queues.set_nurse_state("ssk-01-1", "ready")
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected after unpause")


async def test_every_engine_step_is_stored_as_a_queue_event(system: System) -> None:
    await system.add_nurse("ssk-01-1", "01")
    caller = await system.sim.add_caller(number="+46812345678", talk=0.5)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "ended", what="call ended")
    await eventually(lambda: system.nurse_state("ssk-01-1") == "ready", what="wrap-up over")
    await system.services.queues.flush()
    from sqlalchemy import select

    from queues.sql import queue_events

    async with system.services.engine.connect() as conn:
        types = list((await conn.execute(select(queue_events.c.type)
                                         .order_by(queue_events.c.id))).scalars())
    for expected in ("GenerationStarted", "CommandReceived", "CallQueued", "CallOffered",
                     "CallAnswered", "CallEnded", "NurseStateChanged"):
        assert expected in types, expected


async def test_after_a_configuration_change_and_a_restart_the_waiting_caller_keeps_the_place(
    system: System,
) -> None:
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="queued call")
    await system.services.call_log.flush()
    await system.services.queues.flush()
    await system.services.stop()
    # A deployment that renamed its national queue between two runs.
    settings = replace(system.settings, queues=replace(
        system.settings.queues, national_queue=replace(system.settings.queues.national_queue,
                                                       id="riks")))
    system.settings = settings
    system.services = await start_system(settings, system.sim)
    await eventually(lambda: system.services.queues.position(record.call_id) == 1,
                     what="caller re-queued in place")


async def test_in_crisis_mode_a_new_caller_hears_the_crisis_message_in_the_national_queue(
    system: System,
) -> None:
    await system.services.queues.supervise("set_crisis", region="01", on=True, by="handledare",
                                     why="storstörning")
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    await eventually(lambda: [
        e for e in system.sim.event_log if e.get("type") == "PlaybackStarted"
        and e["playback"]["target_uri"] == f"channel:{caller.channel_id}"
        and "krislage" in e["playback"]["media_uri"]], what="crisis message played")
    entry = system.services.queues.engine.call(system.call_for_channel(caller.channel_id).call_id)
    assert entry is not None and entry.lane == system.settings.queues.national_queue.id


async def test_a_region_that_closes_when_the_wait_is_too_long_tells_the_caller_to_call_later(
    tmp_path: object, system: System,
) -> None:
    from queues.settings import RegionQueueOptions

    await system.services.call_log.flush()
    await system.services.stop()
    queues = replace(system.settings.queues, region_options={
        **system.settings.queues.region_options,
        "01": RegionQueueOptions(max_predicted_wait_seconds=60, close_when_over_limit=True)})
    system.settings = replace(system.settings, queues=queues)
    system.services = await start_system(system.settings, system.sim)
    # Nobody is logged in anywhere: no predicted wait can be kept, so the region closes.
    caller = await system.sim.add_caller(number="+46812345678", patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "ended" and r, what="call ended")
    assert record.end_cause == "call_later"
    assert system.sim.caller(caller.caller_id).hung_up_by == "app"
    assert any(e.get("type") == "PlaybackStarted"
               and "ring-senare" in e["playback"]["media_uri"] for e in system.sim.event_log)
