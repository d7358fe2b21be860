"""The call log writes every event once, survives conflicts and reads calls back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contactcenter.calls.model import CallEventType
from contactcenter.calls.service import CallLog
from contactcenter.db import create_engine, upgrade
from tests.support.system import eventually


class StepClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


async def test_events_are_stored_and_live_calls_rebuilt_from_them(db_url: str) -> None:
    await upgrade(db_url)
    engine = create_engine(db_url)
    log = CallLog(engine, StepClock(), "test")
    log.record("c1", CallEventType.ARRIVED, channel_id="ch1", caller_number="+46812345678",
               extension="1177")
    log.record("c1", CallEventType.REGION_DECIDED, region="01", source="area_code",
               detail="08", queue="01")
    log.record("c1", CallEventType.QUEUED, queue="01")
    await log.close()
    again = CallLog(engine, StepClock(), "test")
    [record] = await again.load_live_calls()
    assert (record.call_id, record.region, record.state.value) == ("c1", "01", "queued")
    assert [e.type.value for e in await again.events_of("c1")] == [
        "arrived", "region_decided", "queued"]
    await again.close()
    await engine.dispose()


async def test_an_event_that_conflicts_with_a_stored_one_is_reported_and_the_rest_written(
    sqlite_url: str,
) -> None:
    await upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    first = CallLog(engine, StepClock(), "a")
    first.record("c1", CallEventType.ARRIVED, channel_id="ch1", caller_number=None,
                 extension="1177")
    await first.close()
    second = CallLog(engine, StepClock(), "b")  # knows nothing of c1: reuses seq 1
    second.record("c1", CallEventType.ARRIVED, channel_id="ch1", caller_number=None,
                  extension="1177")
    second.record("c2", CallEventType.ARRIVED, channel_id="ch2", caller_number=None,
                  extension="1177")
    await second.close()
    assert second.write_errors == 1
    assert [e.seq for e in await second.events_of("c2")] == [1]
    await engine.dispose()


async def test_events_after_a_conflict_are_kept_when_the_disk_fills_meanwhile(
    sqlite_url: str,
) -> None:
    import sqlite3

    from sqlalchemy import event

    await upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    first = CallLog(engine, StepClock(), "a")
    first.record("c1", CallEventType.ARRIVED, channel_id="ch1", caller_number=None,
                 extension="1177")
    await first.close()
    full = {"on": False, "filled": False}

    def fill_the_disk_after_the_conflict(context) -> None:  # type: ignore[no-untyped-def]
        if isinstance(context.original_exception, sqlite3.IntegrityError) and not full["filled"]:
            full["on"] = full["filled"] = True  # the batch now goes event by event: disk full

    def refuse_writes(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if full["on"] and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(engine.sync_engine, "handle_error", fill_the_disk_after_the_conflict)
    event.listen(engine.sync_engine, "before_cursor_execute", refuse_writes)
    second = CallLog(engine, StepClock(), "b", retry_seconds=0.05)
    second.record("c1", CallEventType.ARRIVED, channel_id="ch1", caller_number=None,
                  extension="1177")  # conflicts with the stored seq 1
    second.record("c2", CallEventType.ARRIVED, channel_id="ch2", caller_number=None,
                  extension="1177")
    await eventually(lambda: second.write_errors >= 3,  # the conflict, then full-disk retries
                     what="the writer retrying the rest of the batch")
    assert second.health.failing(), "the call log reports the full disk"
    full["on"] = False  # the disk frees
    await second.close()
    assert [e.seq for e in await second.events_of("c2")] == [1], "nothing lost"
    assert not second.health.failing()
    await engine.dispose()
