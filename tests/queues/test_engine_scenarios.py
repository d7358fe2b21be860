"""Scenarios of the queue engine on a fake clock: collaboration modes, callback, pause, wrap-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from queues.config import RegionRule
from queues.engine import Engine
from queues.events import (
    Announcement,
    CallAbandoned,
    CallAnswered,
    CallbackCompleted,
    CallOffered,
    CallQueued,
    CallRejected,
    EligibilityChanged,
    ModeChanged,
    NurseStateChanged,
)
from tests.queues.engine_fixtures import MONDAY, engine_at, kinds, local, offers, staff


def first_offer_time(engine: Engine, call_id: str, until: datetime) -> datetime | None:
    """Tick the engine at each time it asks for until ``call_id`` is offered."""
    while True:
        due = engine.next_change_at()
        if due is None or due > until:
            return None
        for e in engine.tick(due):
            if isinstance(e, CallOffered) and e.call_id == call_id:
                return due


# (name, caller's region, answering nurse's region, arrival, when the nurse gets the call)
COLLABORATION = [
    ("night pool Norr opens at 23:00", "21", "20", local(MONDAY, 22, 50), local(MONDAY, 23)),
    ("common queue opens for the night at 22:00", "07", "13", local(MONDAY, 21, 50),
     local(MONDAY, 22)),
    ("common queue is open on weekday mornings", "04", "08", local(MONDAY, 9), local(MONDAY, 9)),
    ("common queue closes at 16:00 until 22:00", "04", "08", local(MONDAY, 16, 1),
     local(MONDAY, 22)),
    ("common queue keeps weekend days closed", "07", "13", local(date(2025, 3, 8), 10),
     local(date(2025, 3, 8), 22)),
    ("a holiday counts as a Sunday: no daytime common queue", "07", "13",
     local(date(2025, 6, 6), 10), local(date(2025, 6, 6), 22)),
    ("an ordinary Friday has the daytime common queue", "07", "13",
     local(date(2025, 5, 30), 10), local(date(2025, 5, 30), 10)),
    ("night pool Syd answers from midnight", "10", "12", local(MONDAY, 23, 30),
     local(MONDAY + timedelta(days=1), 0)),
]


@pytest.mark.parametrize(("name", "origin", "nurse_region", "arrival", "expected"), COLLABORATION,
                         ids=[c[0] for c in COLLABORATION])
def test_collaboration_mode_lets_the_other_regions_nurse_answer_when_it_opens(
        name: str, origin: str, nurse_region: str, arrival: datetime,
        expected: datetime) -> None:
    engine = engine_at(arrival - timedelta(minutes=1), announcements=False)
    staff(engine, arrival - timedelta(minutes=1), ("n", nurse_region))
    events = engine.call_arrived("c1", origin, arrival)
    if offers(events):
        assert arrival == expected
        return
    assert first_offer_time(engine, "c1", arrival + timedelta(days=1)) == expected


def test_call_overflows_to_partner_region_only_after_the_threshold() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("own", "01"), ("partner", "03"))
    engine.call_arrived("busy", "01", t)  # keeps the own nurse busy
    assert not offers(engine.call_arrived("c1", "01", t + timedelta(seconds=10)))
    assert not offers(engine.tick(t + timedelta(seconds=189)))
    events = engine.tick(t + timedelta(seconds=190))
    assert offers(events) == [("c1", "partner")]
    widened = kinds(events, EligibilityChanged)[0]
    assert (widened.call_id, widened.added, widened.reason) == (
        "c1", ("03", "04", "19"), "overflow_after_seconds")


def test_region_without_any_nurse_logged_in_overflows_at_once() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("partner", "14"))
    assert offers(engine.call_arrived("c1", "17", t)) == [("c1", "partner")]


def test_redirect_window_sends_calls_to_the_other_region_only_inside_the_window() -> None:
    t = local(MONDAY, 9)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("helper", "14"))
    engine.redirect("meeting", "10", "14", local(MONDAY, 10), local(MONDAY, 11), at=t,
                    by="supervisor-1", why="arbetsplatsträff")
    engine.call_arrived("c1", "10", local(MONDAY, 9, 30))
    assert first_offer_time(engine, "c1", local(MONDAY, 12)) == local(MONDAY, 10)
    engine.answer("helper", local(MONDAY, 10))
    engine.end_call("helper", local(MONDAY, 10, 5))
    engine.tick(local(MONDAY, 10, 6))
    assert engine.nurse("helper").state.value == "ready"
    engine.tick(local(MONDAY, 11))
    assert not offers(engine.call_arrived("c2", "10", local(MONDAY, 11, 1)))


def test_crisis_mode_sends_new_calls_to_the_national_queue_with_the_crisis_message() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("anyone", "22"))
    engine.set_crisis("07", True, t, by="supervisor-1", why="kris")
    events = engine.call_arrived("c1", "07", t)
    queued = kinds(events, CallQueued)[0]
    assert (queued.queue_id, queued.crisis_message) == ("national", True)
    assert offers(events) == [("c1", "anyone")]
    engine.set_crisis("07", False, t, by="supervisor-1", why="över")
    assert kinds(engine.call_arrived("c2", "07", t), CallQueued)[0].queue_id == "07"


def test_callback_keeps_its_place_and_is_retried_until_the_attempts_run_out() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "12", t)
    for i in range(3):
        engine.call_arrived(f"c{i}", "12", t + timedelta(seconds=i))
    engine.request_callback("c0", t + timedelta(seconds=5))
    assert [engine.position(f"c{i}") for i in range(3)] == [1, 2, 3]
    events = engine.log_in("n", t + timedelta(seconds=10))
    assert [e.callback for e in kinds(events, CallOffered)] == [True]
    engine.answer("n", t + timedelta(seconds=11))
    events = engine.callback_result("c0", t + timedelta(seconds=40), "no_answer")
    assert offers(events) == [("n", "n")][:0] + [("c1", "n")]
    assert engine.position("c0") == 1  # parked for its retry, still first in line
    engine.answer("n", t + timedelta(seconds=41))
    engine.end_call("n", t + timedelta(seconds=300))
    events = engine.tick(t + timedelta(seconds=400))  # wrap-up over, retry due at 640 s
    assert offers(events) == [("c2", "n")]


def test_callback_fails_after_max_attempts() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "12"))
    engine.call_arrived("busy", "12", t)
    engine.call_arrived("c0", "12", t)
    engine.request_callback("c0", t)
    engine.answer("n", t)
    engine.end_call("n", t + timedelta(seconds=10))
    now = t + timedelta(seconds=10)
    outcomes = []
    for _ in range(3):
        now = engine.next_change_at() or now
        engine.tick(now)
        engine.answer("n", now)
        outcomes += engine.callback_result("c0", now, "busy")
    done = kinds(outcomes, CallbackCompleted)
    assert [(d.outcome, d.attempts) for d in done] == [("failed", 3)]
    assert engine.call("c0") is None


def test_nurse_is_paused_automatically_after_three_unanswered_offers() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "12"))
    engine.call_arrived("c1", "12", t)
    states = []
    for i in range(3):
        states += kinds(engine.decline("n", t + timedelta(seconds=20 * (i + 1))),
                        NurseStateChanged)
    assert states[-1].to_state == "paused" and states[-1].reason == "auto_pause_unanswered"
    assert engine.position("c1") == 1
    events = engine.unpause("n", t + timedelta(seconds=100))
    assert offers(events) == [("c1", "n")]


def test_wrap_up_is_honoured_across_queues() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "03"))
    engine.call_arrived("own", "03", t)
    engine.answer("n", t)
    engine.end_call("n", t + timedelta(seconds=100), transferred=True)
    # A common-queue call from another region arrives during wrap-up: not offered.
    assert not offers(engine.call_arrived("common", "04", t + timedelta(seconds=110)))
    assert engine.next_change_at() == t + timedelta(seconds=160)
    assert offers(engine.tick(t + timedelta(seconds=160))) == [("common", "n")]


def test_nurse_wrap_up_time_overrides_the_queues() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "12", t, wrap_up_seconds=300)
    engine.log_in("n", t)
    engine.call_arrived("c1", "12", t)
    engine.answer("n", t)
    engine.end_call("n", t + timedelta(seconds=60))
    assert engine.next_change_at() == t + timedelta(seconds=360)


def test_supervisor_priority_change_puts_the_call_first_at_once() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "12", t)
    engine.call_arrived("c1", "12", t)
    engine.call_arrived("c2", "12", t + timedelta(seconds=1))
    events = engine.set_priority("c2", -1, t + timedelta(seconds=2), by="sup", why="återfall")
    assert engine.position("c2") == 1
    assert offers(engine.log_in("n", t + timedelta(seconds=3))) == [("c2", "n")]
    assert events[1].old == 0 and events[1].new == -1


def test_supervisor_forces_a_collaboration_mode_open_and_back_to_its_schedule() -> None:
    t = local(date(2025, 3, 8), 10)  # Saturday: the common queue is closed
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "13"))
    engine.call_arrived("c1", "07", t)
    events = engine.set_mode("national_common", t, True, by="sup", why="hög belastning")
    assert kinds(events, ModeChanged)[0].state == "forced_open"
    assert offers(events) == [("c1", "n")]
    engine.set_mode("national_common", t, None, by="sup", why="normalt läge")
    assert not offers(engine.call_arrived("c2", "08", t))


def test_longest_idle_nurse_gets_an_arriving_call() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("a", "12"))
    staff(engine, t - timedelta(seconds=30), ("b", "12"))
    assert offers(engine.call_arrived("c1", "12", t)) == [("c1", "b")]


def test_ready_nurse_prefers_own_region_among_equal_priority_calls() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "03", t)
    engine.call_arrived("other", "04", t)
    engine.call_arrived("own", "03", t + timedelta(seconds=30))
    assert offers(engine.log_in("n", t + timedelta(seconds=40))) == [("own", "n")]


def test_region_closing_with_call_later_rejects_when_the_wait_is_too_long() -> None:
    t = local(MONDAY, 10)
    rules = {"12": RegionRule(close_when_over_limit=True, max_predicted_wait_seconds=600)}
    engine = engine_at(t, announcements=False, region_rules=rules)
    assert kinds(engine.call_arrived("c1", "12", t), CallRejected)[0].reason == "call_later"
    assert engine.call("c1") is None


def test_callback_is_offered_when_the_predicted_wait_passes_the_limit() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False,
                       region_rules={"12": RegionRule(max_predicted_wait_seconds=1000)})
    staff(engine, t, ("n", "12"))
    flags = [kinds(engine.call_arrived(f"c{i}", "12", t), CallQueued)[0].callback_offer
             for i in range(4)]
    assert flags == [False, False, True, True]  # 540 s per caller ahead, one nurse


def test_caller_hanging_up_is_abandoned_with_position_and_wait() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.call_arrived("c1", "12", t)
    engine.call_arrived("c2", "12", t)
    gone = kinds(engine.hang_up("c2", t + timedelta(seconds=45)), CallAbandoned)[0]
    assert (gone.position, gone.waited_seconds) == (2, 45.0)


def test_announced_position_never_goes_up_when_an_urgent_call_overtakes() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t)
    engine.call_arrived("c1", "12", t)
    engine.call_arrived("urgent", "12", t + timedelta(seconds=10), priority=-1)
    events = engine.tick(t + timedelta(seconds=60))
    said = [a for a in kinds(events, Announcement) if a.call_id == "c1"]
    assert engine.position("c1") == 2 and said[0].position == 1


def test_forced_logout_waits_for_the_end_of_the_call_and_wrap_up() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "12"))
    engine.call_arrived("c1", "12", t)
    engine.answer("n", t)
    assert engine.force_logout("n", t, by="sup", why="skiftbyte")[1:] == []
    engine.end_call("n", t + timedelta(seconds=60))
    events = engine.tick(t + timedelta(seconds=120))
    assert kinds(events, NurseStateChanged)[-1].to_state == "logged_out"


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    t = local(MONDAY, 21, 50)
    engine = engine_at(t)
    log = staff(engine, t, ("a", "13"), ("b", "20"))
    log += engine.call_arrived("c1", "07", t)
    log += engine.call_arrived("c2", "21", t + timedelta(seconds=5))
    log += engine.call_arrived("c3", "13", t + timedelta(seconds=6))
    log += engine.request_callback("c2", t + timedelta(seconds=7))
    log += engine.answer("a", t + timedelta(seconds=8))
    for minute in range(1, 80):
        log += engine.tick(t + timedelta(minutes=minute))
    log += engine.hang_up("c1", t + timedelta(minutes=80))
    rebuilt = Engine.replay(engine.config, t, log)
    assert rebuilt.snapshot() == engine.snapshot()
    assert kinds(log, CallAnswered)


def test_pressure_overflow_widens_all_callers_when_predicted_wait_passes_the_threshold() -> None:
    from queues.config import OverflowRule
    t = local(MONDAY, 10)
    rule = OverflowRule("partners", frozenset({"01", "12"}), after_seconds=3600,
                        predicted_wait_over_seconds=1000, when_no_nurse_logged_in=False)
    engine = engine_at(t, announcements=False, overflow=(rule,))
    staff(engine, t, ("own", "01"))
    engine.call_arrived("busy", "01", t)
    engine.call_arrived("c1", "01", t)  # 540 s predicted: no pressure yet
    events = engine.call_arrived("c2", "01", t)  # 1080 s predicted: partners may help
    widened = kinds(events, EligibilityChanged)
    assert [(w.call_id, w.added, w.reason) for w in widened] == [
        (None, ("12",), "overflow_predicted_wait:01")]
    assert offers(staff(engine, t, ("partner", "12"))) == [("c1", "partner")]


def test_pressure_overflow_widens_when_callers_per_available_nurse_pass_the_ratio() -> None:
    from queues.config import OverflowRule
    t = local(MONDAY, 10)
    rule = OverflowRule("partners", frozenset({"01", "12"}), after_seconds=3600,
                        waiting_per_ready_over=2.0, when_no_nurse_logged_in=False)
    engine = engine_at(t, announcements=False, overflow=(rule,))
    staff(engine, t, ("own", "01"), ("partner", "12"))
    engine.call_arrived("p", "12", t)  # keeps the partner busy
    for i in range(3):
        assert not offers(engine.call_arrived(f"c{i}", "01", t)) or i == 0
    events = engine.call_arrived("c3", "01", t)  # 3 waiting per available nurse > 2
    assert kinds(events, EligibilityChanged)[0].reason == \
        "overflow_waiting_per_available_nurse:01"


def test_waiting_caller_hears_the_112_reminder_at_its_interval() -> None:
    t = local(MONDAY, 10)
    rules = {"12": RegionRule(announce_interval_seconds=60, emergency_reminder_seconds=180)}
    engine = engine_at(t, region_rules=rules)
    engine.call_arrived("c1", "12", t)
    said = []
    for minute in range(1, 7):
        said += [a.emergency_reminder for a in
                 kinds(engine.tick(t + timedelta(minutes=minute)), Announcement)]
    assert said == [False, False, True, False, False, True]
