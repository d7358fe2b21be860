"""Återuppringning: the caller keys 1, hangs up and keeps their place; a nurse calls them back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from queues.settings import RegionQueueOptions
from tests.support.system import System, eventually, start_system

NUMBER = "+46812345678"  # Stockholm: region 01
NATIONAL = "0812345678"


async def _restart_with_callbacks(system: System, **callflow: Any) -> None:
    """A wait limit of one minute in region 01 (callbacks on offer) and fast retries."""
    await system.services.call_log.flush()
    await system.services.queues.flush()
    await system.services.stop()
    queues = replace(system.settings.queues, region_options={
        **system.settings.queues.region_options,
        "01": RegionQueueOptions(max_predicted_wait_seconds=60)})
    system.settings = replace(system.settings, queues=queues, callflow=replace(
        system.settings.callflow, **{"callback_retry_seconds": 1, **callflow}))
    system.services = await start_system(system.settings, system.sim)


def _played(system: System, channel_id: str, fragment: str) -> list[dict[str, Any]]:
    return [e for e in system.sim.event_log
            if e.get("type") in ("PlaybackStarted", "PlaybackContinuing")
            and e["playback"]["target_uri"] == f"channel:{channel_id}"
            and fragment in e["playback"]["media_uri"]]


async def _queued(system: System, channel_id: str) -> Any:
    """The call is queued in the call log and has its place in the queue engine."""
    return await eventually(lambda: (r := system.call_for_channel(channel_id))
                            and r.state.value == "queued"
                            and system.services.queues.position(r.call_id) is not None and r,
                            what="queued call")


async def _number_read_back(system: System, number: str = NUMBER) -> tuple[Any, Any]:
    """A caller waits, hears the callback offer, keys 1 and hears their number read back."""
    caller = await system.sim.add_caller(number=number, patience=None)
    record = await _queued(system, caller.channel_id)
    await eventually(lambda: _played(system, caller.channel_id, "tryck-1-aterringning"),
                     what="callback offered in the announcement")
    system.sim.caller(caller.caller_id).press("1")
    await eventually(lambda: _played(system, caller.channel_id, f"digits:{NATIONAL}"),
                     what="the caller's number read back")
    return caller, record


async def _book_callback(system: System, number: str = NUMBER) -> tuple[Any, Any]:
    """The number read back, the caller keys 1 to confirm: the service hangs up."""
    caller, record = await _number_read_back(system, number)
    system.sim.caller(caller.caller_id).press("1")
    booked = await eventually(
        lambda: (r := system.services.call_log.get(record.call_id))
        and r.state.value == "callback_waiting" and r, what="callback booked")
    await eventually(lambda: system.sim.caller(caller.caller_id).hung_up_by == "app",
                     what="caller hung up by the service")
    return caller, booked


def _state(system: System, call_id: str) -> str | None:
    record = system.services.call_log.get(call_id)
    return None if record is None else record.state.value


async def _event_types(system: System, call_id: str) -> list[str]:
    await system.services.call_log.flush()
    return [e.type.value for e in await system.services.call_log.events_of(call_id)]


async def test_a_caller_who_books_a_callback_keeps_the_place_and_is_called_back_by_a_nurse(
    system: System,
) -> None:
    await _restart_with_callbacks(system)
    caller, booked = await _book_callback(system)
    assert booked.end_cause == "callback_requested"
    assert _played(system, caller.channel_id, "aterringning-bekraftad")
    assert system.services.queues.position(booked.call_id) == 1
    # A later caller queues behind the booked callback.
    later = await system.sim.add_caller(number="+46812340000", patience=None)
    later_record = await _queued(system, later.channel_id)
    assert system.services.queues.position(later_record.call_id) == 2
    assert system.services.queues.position(booked.call_id) == 1

    callee = await system.sim.add_callee(NUMBER, behaviour="answer")
    await system.add_nurse("ssk-01-1", "01", talk=0.5)
    connected = await eventually(
        lambda: (r := system.services.call_log.get(booked.call_id))
        and r.state.value == "connected" and r, what="nurse and caller connected")
    assert connected.nurse_id == "ssk-01-1"
    assert connected.channel_id == callee.channel_ids[0]
    originate = [e for e in system.sim.event_log if e.get("type") == "StasisStart"
                 and e["channel"]["id"] == callee.channel_ids[0]]
    assert originate and originate[0]["args"] == ["callback", booked.call_id]
    assert originate[0]["channel"]["caller"]["number"] == "1177"
    assert originate[0]["channel"]["name"].startswith("PJSIP/pstn-trunk-")
    # The nurse hangs up after talking: the call ends like any other.
    ended = await eventually(
        lambda: (r := system.call_for_channel(callee.channel_ids[0]))
        and r.state.value == "ended" and r, what="callback conversation ended")
    assert ended.end_cause == "nurse_hangup"
    types = await _event_types(system, booked.call_id)
    for expected in ("callback_requested", "offered", "callback_attempt", "answered", "ended"):
        assert expected in types, expected
    assert "abandoned" not in types
    events = await system.services.call_log.events_of(booked.call_id)
    attempt = next(e for e in events if e.type.value == "callback_attempt")
    assert attempt.data["outcome"] == "answered"


async def test_a_busy_callee_is_tried_again_and_reached_on_the_next_attempt(
    system: System,
) -> None:
    await _restart_with_callbacks(system)
    callee = await system.sim.add_callee(NUMBER, behaviour="busy")
    await system.add_nurse("ssk-01-1", "01", talk=0.5, ready=False)
    _, booked = await _book_callback(system)
    await system.services.queues.set_nurse_state("ssk-01-1", "ready")

    async def outcomes() -> list[str]:
        await system.services.call_log.flush()
        return [str(e.data.get("outcome")) for e in
                await system.services.call_log.events_of(booked.call_id)
                if e.type.value == "callback_attempt"]

    await eventually(lambda: _busy_seen(outcomes), what="first attempt busy")
    # The nurse leg of the failed attempt is hung up; the entry waits for the retry.
    record = system.services.call_log.get(booked.call_id)
    assert record is not None and record.state.value == "callback_waiting"
    assert system.services.queues.position(booked.call_id) == 1
    callee.behaviour = "answer"
    await eventually(lambda: (r := system.services.call_log.get(booked.call_id))
                     and r.state.value == "connected", what="reached on retry")
    assert await outcomes() == ["busy", "answered"]
    assert callee.calls == 2


async def _busy_seen(outcomes: Any) -> bool:
    return "busy" in await outcomes()


async def test_a_callback_that_never_reaches_the_caller_ends_as_failed(system: System) -> None:
    await _restart_with_callbacks(system, callback_max_attempts=2)
    callee = await system.sim.add_callee(NUMBER, behaviour="busy")
    await system.add_nurse("ssk-01-1", "01", ready=False)
    _, booked = await _book_callback(system)
    await system.services.queues.set_nurse_state("ssk-01-1", "ready")
    ended = await eventually(
        lambda: next((r for r in system.services.call_log.recent(50)
                      if r.call_id == booked.call_id), None), what="callback given up")
    assert ended.state.value == "ended" and ended.end_cause == "callback_failed"
    assert callee.calls == 2
    assert system.services.queues.engine.call(booked.call_id) is None
    types = await _event_types(system, booked.call_id)
    assert types.count("callback_attempt") == 2
    await eventually(lambda: system.nurse_state("ssk-01-1") == "ready", what="nurse free")


async def test_a_withheld_or_foreign_number_gets_no_callback_offer(system: System) -> None:
    await _restart_with_callbacks(system)
    withheld = await system.sim.add_caller(number="", municipality="0180", patience=None)
    foreign = await system.sim.add_caller(number="+4722334455", municipality="0180",
                                          patience=None)
    records = [await _queued(system, c.channel_id) for c in (withheld, foreign)]
    for caller in (withheld, foreign):
        await _announced(system, caller.channel_id)
        system.sim.caller(caller.caller_id).press("1")
    # Keys are handled in order with later events: once both are connected to nurses,
    # any callback dialog would have started.
    await system.add_nurse("ssk-01-1", "01")
    await system.add_nurse("ssk-01-2", "01")
    for caller, record in zip((withheld, foreign), records, strict=True):
        await _connected(system, record.call_id)
        assert not _played(system, caller.channel_id, "tryck-1-aterringning")
        assert not _played(system, caller.channel_id, "digits:")
        assert "callback_requested" not in await _event_types(system, record.call_id)


async def _connected(system: System, call_id: str) -> None:
    await eventually(lambda: _state(system, call_id) == "connected",
                     what="connected as a normal call")


async def _announced(system: System, channel_id: str) -> None:
    await eventually(lambda: _played(system, channel_id, "queue-"), what="position announced")


async def test_a_caller_who_does_not_confirm_keeps_waiting(system: System) -> None:
    await _restart_with_callbacks(system)
    caller, record = await _number_read_back(system)
    system.sim.caller(caller.caller_id).press("2")
    await eventually(lambda: not system.services.flow.calls[record.call_id].in_callback_dialog,
                     what="dialog over")
    assert _state(system, record.call_id) == "queued"
    assert system.sim.caller(caller.caller_id).hung_up_by is None
    # Keying 1 again starts over; a timeout (no key) also keeps the caller waiting.
    system.sim.caller(caller.caller_id).press("1")
    await eventually(lambda: len(_played(system, caller.channel_id, f"digits:{NATIONAL}")) == 2,
                     what="number read back again")
    await eventually(lambda: not system.services.flow.calls[record.call_id].in_callback_dialog,
                     what="dialog timed out")
    assert _state(system, record.call_id) == "queued"
    await system.add_nurse("ssk-01-1", "01")
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected as a normal call")


async def test_a_booked_callback_survives_a_restart_and_is_not_closed_as_lost(
    system: System,
) -> None:
    await _restart_with_callbacks(system)
    _, booked = await _book_callback(system)
    await system.services.call_log.flush()
    await system.services.queues.flush()
    await system.services.stop()
    system.services = await start_system(system.settings, system.sim)
    record = await eventually(lambda: system.services.call_log.get(booked.call_id),
                              what="callback adopted after restart")
    assert record.state.value == "callback_waiting"
    assert system.services.queues.position(booked.call_id) == 1
    await system.sim.add_callee(NUMBER, behaviour="answer")
    await system.add_nurse("ssk-01-1", "01")
    await eventually(lambda: (r := system.services.call_log.get(booked.call_id))
                     and r.state.value == "connected", what="called back after restart")
    assert "abandoned" not in await _event_types(system, booked.call_id)


async def test_a_restart_while_the_caller_is_being_dialled_counts_as_not_reached_and_retries(
    system: System,
) -> None:
    await _restart_with_callbacks(system)
    callee = await system.sim.add_callee(NUMBER, behaviour="no_answer")
    await system.add_nurse("ssk-01-1", "01", ready=False)
    _, booked = await _book_callback(system)
    await system.services.queues.set_nurse_state("ssk-01-1", "ready")
    await eventually(lambda: callee.calls == 1, what="the caller's phone ringing")
    await system.services.call_log.flush()
    await system.services.queues.flush()
    await system.services.stop()
    system.services = await start_system(system.settings, system.sim)
    record = await eventually(lambda: system.services.call_log.get(booked.call_id),
                              what="callback adopted after restart")
    assert record.state.value == "callback_waiting" and record.nurse_id is None
    await system.services.call_log.flush()
    events = await system.services.call_log.events_of(booked.call_id)
    attempt = [e for e in events if e.type.value == "callback_attempt"][-1]
    assert (attempt.data["outcome"], attempt.data["reason"], attempt.data["result"]) == (
        "no_answer", "service restarted", "retry")
    # The legs of the given-up dial are hung up; the entry keeps its place for a retry.
    await eventually(lambda: not [c for c in system.sim.switch.channels
                                  if booked.call_id in c], what="old legs hung up")
    entry = system.services.queues.engine.call(booked.call_id)
    assert entry is not None and entry.callback


def test_only_swedish_numbers_can_be_called_back() -> None:
    from contactcenter.callflow.callbacks import national_digits, swedish_number

    assert swedish_number("+46812345678") == "+46812345678"
    assert swedish_number("0812345678") == "+46812345678"
    assert swedish_number("0046701234567") == "+46701234567"
    assert national_digits("+46701234567") == "0701234567"
    for withheld_or_foreign in (None, "", "anonymous", "+4722334455", "004722334455",
                                "+46", "12345"):
        assert swedish_number(withheld_or_foreign) is None


async def test_a_caller_who_hangs_up_while_confirming_is_abandoned_not_called_back(
    system: System,
) -> None:
    await _restart_with_callbacks(system)
    caller, record = await _number_read_back(system)
    system.sim.caller(caller.caller_id).hang_up()
    ended = await eventually(
        lambda: next((r for r in system.services.call_log.recent(50)
                      if r.call_id == record.call_id), None), what="call over")
    assert ended.state.value == "abandoned"
    assert system.services.queues.engine.call(record.call_id) is None
