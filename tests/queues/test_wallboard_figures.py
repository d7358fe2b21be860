"""The queue context's wallboard figures: rows per queue and pool, and the day's series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from queues.statistics import compute
from queues.wallboard import BoardFigures, day_series, day_start, week_before
from tests.queues.engine_fixtures import MONDAY, STHLM, engine_at, local, staff


def test_today_begins_at_midnight_in_sweden_and_last_week_on_the_same_weekday() -> None:
    late = datetime(2025, 3, 30, 22, 30, tzinfo=UTC)  # Monday 00:30 in Sweden (summer time)
    start = day_start(late)
    assert start.utcoffset() == timedelta(0)  # compared with the stored UTC times
    assert start == datetime(2025, 3, 30, 22, 0, tzinfo=UTC)
    local_start = start.astimezone(STHLM)
    assert local_start.date() == date(2025, 3, 31)
    assert (local_start.hour, local_start.minute) == (0, 0)
    before = week_before(start).astimezone(STHLM)
    assert before.date() == date(2025, 3, 24) and before.weekday() == 0
    assert (before.hour, before.minute) == (0, 0)
    assert before.utcoffset() == timedelta(hours=1)  # winter time a week earlier


def test_the_day_has_one_slot_per_quarter_hour_even_when_the_clocks_change() -> None:
    empty = compute([])
    assert len(day_series(empty, day_start(local(MONDAY, 12)), ["12"])["start"]) == 96
    spring = day_start(datetime(2025, 3, 30, 12, tzinfo=UTC))
    assert len(day_series(empty, spring, ["12"])["start"]) == 92  # a 23-hour day


def test_the_series_sums_the_chosen_queues_per_quarter_hour() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    log = staff(engine, t, ("n", "12"))
    log += engine.call_arrived("a", "12", t)
    log += engine.answer("n", t + timedelta(seconds=5))
    log += engine.call_arrived("b", "14", t + timedelta(minutes=20))
    series = day_series(compute(log), day_start(t), ["12", "14"])
    ten = series["start"].index(t.astimezone(UTC).isoformat())
    assert series["offered"][ten:ten + 2] == [1, 1]
    assert series["answered"][ten:ten + 2] == [1, 0]
    assert series["service_level"][ten] == 1.0 and series["service_level"][ten + 1] is None
    assert day_series(compute(log), day_start(t), ["14"])["offered"][ten] == 0


def test_a_regions_row_counts_its_waiting_callers_and_today_so_far() -> None:
    t = local(MONDAY, 10)
    engine = engine_at(t, announcements=False)
    log = engine.call_arrived("a", "12", t)
    log += engine.call_arrived("b", "12", t + timedelta(seconds=30))
    log += engine.hang_up("b", t + timedelta(seconds=60))
    now = t + timedelta(minutes=2)
    names = {code: f"Region {code}" for code in engine.config.regions}
    names[engine.config.national_queue_id] = "Nationell kö"
    board = BoardFigures(engine, names, engine.config.national_queue_id, compute(log), now)
    row = next(r for r in board.queues() if r["id"] == "12")
    assert (row["waiting"], row["longest_wait_seconds"]) == (1, 120)
    assert (row["today"]["offered"], row["today"]["abandoned"]) == (2, 1)
    assert row["interval"]["offered"] == 2
    assert [c["call_id"] for c in board.waiting_calls()] == ["a"]
    kinds = {r["kind"] for r in board.queues()}
    assert {"region", "national"} <= kinds
