"""The shift briefing on a fake "changes since" feed and the real store (SQLite, and
PostgreSQL when given): a shift begins after the configured time away, its briefing shows
the guideline changes since the last shift until the nurse acknowledges it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from contactcenter.db import create_engine, upgrade
from nurse_console.briefing import FIRST_SHIFT_LOOKBACK, ShiftBriefing
from nurse_console.bulletin_sql import ShiftStore
from nurse_console.ports import Actor
from tests.nurse_console.fakes import FakeClock

NURSE = Actor("anna", "Anna", frozenset({"nurse"}), frozenset({"01"}))


class FakeFeed:
    """Guideline versions published at the times the test gives."""

    def __init__(self) -> None:
        self.published: list[tuple[datetime, str]] = []
        self.asked: list[datetime] = []

    async def changed_since(self, since: datetime) -> list[dict[str, Any]]:
        self.asked.append(since)
        return [{"guideline_id": t, "title": t, "published_at": at.isoformat()}
                for at, t in self.published if at >= since]


class Shifts:
    def __init__(self, briefing: ShiftBriefing, clock: FakeClock, feed: FakeFeed,
                 store: ShiftStore) -> None:
        self.briefing, self.clock, self.feed, self.store = briefing, clock, feed, store

    async def titles(self) -> list[str] | None:
        shown = await self.briefing.briefing(NURSE)
        return None if shown is None else [c["title"] for c in shown["changes"]]

    def fresh(self) -> ShiftBriefing:
        """Another instance of the service on the same store (a restart)."""
        return ShiftBriefing(self.store, self.feed, self.clock, shift_gap=timedelta(hours=8))


@pytest.fixture
async def shifts(db_url: str) -> AsyncIterator[Shifts]:
    await upgrade(db_url)
    engine = create_engine(db_url)
    clock, feed, store = FakeClock(), FakeFeed(), ShiftStore(engine)
    yield Shifts(ShiftBriefing(store, feed, clock, shift_gap=timedelta(hours=8)), clock, feed,
                 store)
    await engine.dispose()


async def test_the_first_shift_shows_the_changes_of_the_last_week_until_acknowledged(
        shifts: Shifts) -> None:
    now = shifts.clock.now
    shifts.feed.published = [(now - timedelta(days=2), "Feber"),
                             (now - FIRST_SHIFT_LOOKBACK - timedelta(days=1), "Gammal")]
    assert await shifts.titles() == ["Feber"]
    await shifts.briefing.acknowledge(NURSE)
    assert await shifts.titles() is None
    assert await ShiftBriefing(shifts.store, shifts.feed, shifts.clock).briefing(NURSE) is None


async def test_a_new_shift_after_the_gap_shows_only_what_changed_since_the_last(
        shifts: Shifts) -> None:
    await shifts.briefing.current(NURSE)
    shifts.clock.advance(2 * 3600)  # still at work two hours later
    await shifts.briefing.current(NURSE)
    left = shifts.clock.now
    shifts.feed.published = [(left - timedelta(hours=1), "Före"),
                             (left + timedelta(hours=3), "Under ledigheten")]
    shifts.clock.advance(10 * 3600)
    assert await shifts.fresh().briefing(NURSE) is not None  # a restart keeps her shift
    assert shifts.feed.asked[-1] == left
    assert await shifts.titles() == ["Under ledigheten"]


async def test_coming_back_within_the_gap_is_the_same_shift(shifts: Shifts) -> None:
    shifts.feed.published = [(shifts.clock.now - timedelta(hours=1), "Feber")]
    await shifts.briefing.acknowledge(NURSE)
    shifts.clock.advance(7 * 3600)
    assert await shifts.titles() is None


async def test_with_nothing_changed_there_is_no_briefing(shifts: Shifts) -> None:
    assert await shifts.titles() is None


def test_the_shift_gap_is_read_from_console_toml_and_a_wrong_one_is_named(tmp_path: Any
                                                                        ) -> None:
    from nurse_console.config import DEFAULT_PATH, ConsoleConfigError, load_config

    assert load_config().shift_gap == timedelta(hours=8)
    path = tmp_path / "console.toml"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    path.write_text(text.replace("shift_gap_hours = 8", "shift_gap_hours = 10"), "utf-8")
    assert load_config(path).shift_gap == timedelta(hours=10)
    path.write_text(text.replace("shift_gap_hours = 8", "shift_gap_hours = 0"), "utf-8")
    with pytest.raises(ConsoleConfigError, match="shift_gap_hours"):
        load_config(path)
