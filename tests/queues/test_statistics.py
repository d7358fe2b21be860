"""Statistics from engine events: 15-minute intervals, service level, occupancy, the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queues.statistics import compute, interval_start
from tests.queues.engine_fixtures import MONDAY, engine_at, local, staff


def test_intervals_start_on_exact_utc_quarter_hours() -> None:
    at = datetime(2025, 3, 3, 9, 44, 59, tzinfo=UTC)
    assert interval_start(at) == datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def test_answered_abandoned_and_service_level_are_counted_per_interval_and_queue() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    log = staff(engine, t, ("n", "12"))
    log += engine.call_arrived("fast", "12", t)
    log += engine.call_arrived("slow", "12", t + timedelta(seconds=1))
    log += engine.call_arrived("gone", "12", t + timedelta(seconds=2))
    log += engine.answer("n", t + timedelta(seconds=5))
    log += engine.hang_up("gone", t + timedelta(seconds=8))
    log += engine.end_call("n", t + timedelta(seconds=200))
    log += engine.tick(t + timedelta(seconds=260))
    log += engine.answer("n", t + timedelta(seconds=265))
    stats = compute(log, until=t + timedelta(minutes=15))
    s = stats.queues[(interval_start(t), "12")]
    assert (s.offered, s.answered, s.abandoned, s.short_abandoned) == (3, 2, 1, 1)
    assert (s.answered_within_sl, s.longest_wait) == (1, 264.0)
    assert s.service_level == 0.5
    assert s.service_level_2 == 0.5  # the short abandon counts in neither
    assert stats.occupancy(interval_start(t), "12") == 1.0  # offered, talking or wrapping up


def test_sl2_counts_callers_who_gave_up_where_sl_counts_only_the_answered() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    log = staff(engine, t, ("n", "12"))
    log += engine.call_arrived("quick", "12", t)
    log += engine.answer("n", t + timedelta(seconds=5))
    for i in range(3):
        log += engine.call_arrived(f"gave-up-{i}", "12", t + timedelta(seconds=10 + i))
        log += engine.hang_up(f"gave-up-{i}", t + timedelta(seconds=100 + i))
    s = compute(log, until=t + timedelta(minutes=15)).queues[(interval_start(t), "12")]
    assert (s.answered, s.abandoned, s.short_abandoned) == (1, 3, 0)
    assert s.service_level == 1.0
    assert s.service_level_2 == 0.25
    assert s.as_dict()["service_level_2"] == 0.25


def test_ledger_counts_calls_answered_for_another_region() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    log = staff(engine, t, ("helper", "14"))
    log += engine.call_arrived("c1", "17", t)  # 17 has nobody logged in: overflow to 14
    log += engine.answer("helper", t + timedelta(seconds=3))
    stats = compute(log)
    assert stats.ledger == {(interval_start(t), "17", "14"): 1}
    assert stats.ledger_balance() == {"14": 1, "17": -1}


def test_statistics_are_the_same_when_computed_again_from_the_events() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    log = staff(engine, t, ("n", "12"))
    log += engine.call_arrived("c1", "12", t)
    assert compute(log).queues == compute(list(log)).queues
