"""Schedules, announcements, skills and queue weights of the queue engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from queues.announcements import clamp_announcement, predicted_wait
from queues.errors import InvalidTransition
from queues.events import CallOffered, CommandReceived, NurseStateChanged
from tests.queues.engine_fixtures import (
    ALL_DAYS,
    HOLIDAYS,
    MONDAY,
    engine_at,
    kinds,
    local,
    offers,
    schedule,
    staff,
)


def test_schedule_window_past_midnight_belongs_to_the_day_it_starts() -> None:
    s = schedule((frozenset({4}), "22:00", "07:00"))  # Friday night
    assert s.is_open(local(date(2025, 3, 8), 6, 59))  # Saturday morning
    assert not s.is_open(local(date(2025, 3, 9), 6, 59))  # Sunday morning


def test_schedule_treats_a_holiday_as_a_sunday() -> None:
    s = schedule((frozenset(range(5)), "07:00", "16:00"))
    assert date(2025, 6, 6) in HOLIDAYS
    assert not s.is_open(local(date(2025, 6, 6), 10))
    assert s.is_open(local(date(2025, 6, 5), 10))


def test_schedule_reports_its_next_change_across_a_dst_switch() -> None:
    s = schedule((ALL_DAYS, "07:00", "16:00"))
    before = datetime(2025, 3, 29, 20, 0, tzinfo=UTC)  # the clocks go forward that night
    change = s.next_change(before)
    assert change == local(date(2025, 3, 30), 7)
    assert change is not None and change.astimezone(UTC).hour == 5  # CEST: UTC+2


@pytest.mark.parametrize(("position", "wait", "last", "expected"), [
    (3, 400.0, (None, None), (3, 600)),
    (4, 400.0, (3, 600), (3, 600)),        # overtaken: the position is not said to rise
    (2, 2000.0, (3, 600), (2, 900)),       # the wait may rise by at most the tolerance
    (1, None, (2, 900), (1, None)),        # nobody staffed: no figure is said
])
def test_announcement_never_goes_backwards(position: int, wait: float | None,
                                           last: tuple[int | None, int | None],
                                           expected: tuple[int, int | None]) -> None:
    assert clamp_announcement(position, wait, *last, rounding=300, tolerance=300) == expected


def test_predicted_wait_is_unknown_when_nobody_is_staffed() -> None:
    assert predicted_wait(4, 500.0, 0) is None
    assert predicted_wait(4, 500.0, 2) == 1000.0


def test_caller_needing_a_language_waits_for_a_nurse_who_speaks_it() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("plain", "12"))
    engine.add_nurse("arabic", "12", t, skills=frozenset({"lang:ar"}))
    assert not offers(engine.call_arrived("c1", "12", t, needs=frozenset({"lang:ar"})))
    assert offers(engine.log_in("arabic", t + timedelta(seconds=5))) == [("c1", "arabic")]


def test_relay_calls_go_to_the_national_queue_served_by_every_region() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "21"))
    events = engine.call_arrived("relay", None, t, national=True)
    assert [(e.queue_id, e.via) for e in kinds(events, CallOffered)] == [("national", "national")]


def test_nurse_takes_the_queue_with_the_higher_weight_first() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "03", t, serves=(("03", 5), ("national_common", 1)))
    engine.call_arrived("pooled", "04", t)
    engine.call_arrived("own", "03", t + timedelta(seconds=400))  # beyond the head start
    assert offers(engine.log_in("n", t + timedelta(seconds=410))) == [("own", "n")]


def test_without_weights_the_older_pooled_call_beats_the_own_regions_head_start() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "03", t)
    engine.call_arrived("pooled", "04", t)
    engine.call_arrived("own", "03", t + timedelta(seconds=400))
    assert offers(engine.log_in("n", t + timedelta(seconds=410))) == [("pooled", "n")]


def test_nurse_not_serving_a_queue_is_never_offered_its_calls() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "03", t, serves=(("03", 1),))
    engine.call_arrived("pooled", "04", t)
    assert not offers(engine.log_in("n", t))


def test_supervisor_moves_a_ready_nurse_to_another_queue_and_they_take_its_call() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    engine.add_nurse("n", "03", t, serves=(("03", 1),))
    engine.log_in("n", t)
    engine.call_arrived("pooled", "04", t)
    events = engine.set_nurse_queues("n", t, (("03", 1), ("national_common", 1)),
                                     frozenset(), by="sup", why="hjälp samverkan")
    assert offers(events) == [("pooled", "n")]


def test_pause_carries_its_reason_code_and_is_taken_after_wrap_up() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "12"))
    engine.call_arrived("c1", "12", t)
    engine.answer("n", t)
    assert engine.pause("n", t, "lunch")[1:] == []
    engine.end_call("n", t + timedelta(seconds=30))
    events = engine.tick(t + timedelta(seconds=90))
    last = kinds(events, NurseStateChanged)[-1]
    assert (last.from_state, last.to_state, last.reason) == ("wrap_up", "paused", "lunch")


def test_a_failed_command_changes_nothing_and_records_nothing() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    staff(engine, t, ("n", "12"))
    before = engine.snapshot()
    with pytest.raises(InvalidTransition):
        engine.log_in("n", t)
    assert engine.snapshot() == before


def test_every_command_is_recorded_with_its_arguments() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    first = engine.add_nurse("n", "12", t, skills=frozenset({"lang:en"}))[0]
    assert isinstance(first, CommandReceived)
    assert dict(first.args)["skills"] == frozenset({"lang:en"})
    assert engine.tick(t + timedelta(seconds=1)) == []  # nothing due: nothing recorded
