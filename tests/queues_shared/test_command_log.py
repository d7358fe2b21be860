"""The shared command log keeps one stable order however many instances append at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from contactcenter.callflow.command_log import CommandLog
from contactcenter.db import create_engine, upgrade

AT = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


async def test_commands_read_back_in_order_with_their_arguments(db_url: str) -> None:
    await upgrade(db_url)
    engine = create_engine(db_url)
    try:
        log = CommandLog(engine, "a")
        first = await log.submit("log_in", {"nurse_id": "ssk-1", "at": AT}, AT)
        second = await log.submit("call_arrived", {"call_id": "c1", "origin_region": "01",
                                                   "at": AT, "needs": frozenset({"sv"})}, AT)
        assert second > first
        read = await log.read_after(0)
        assert [c.command for c in read] == ["log_in", "call_arrived"]
        assert read[1].args["needs"] == frozenset({"sv"}) and read[1].args["at"] == AT
        assert await log.read_after(second) == []
    finally:
        await engine.dispose()


async def test_a_reader_never_finds_a_command_behind_its_cursor_while_instances_append(
    db_url: str,
) -> None:
    await upgrade(db_url)
    writers = [create_engine(db_url) for _ in range(4)]
    reader_engine = create_engine(db_url)
    try:
        logs = [CommandLog(e, f"instance-{i}") for i, e in enumerate(writers)]
        reader = CommandLog(reader_engine, "reader")
        seen: list[int] = []
        done = asyncio.Event()

        async def write(log: CommandLog, n: int) -> None:
            for i in range(n):
                await log.submit("tick", {"i": i}, AT)

        async def read() -> None:
            cursor = 0
            while True:
                batch = await reader.read_after(cursor)
                seen.extend(c.id for c in batch)
                if batch:
                    cursor = batch[-1].id
                elif done.is_set():
                    return
                await asyncio.sleep(0)

        reading = asyncio.ensure_future(read())
        await asyncio.gather(*(write(log, 60) for log in logs))
        done.set()
        await reading
        everything = [c.id for c in await reader.read_after(0, limit=10_000)]
        assert len(everything) == 240
        # What the reader saw while appends were going on is the final order itself:
        # nothing was committed behind its cursor.
        assert seen == everything
    finally:
        for e in writers:
            await e.dispose()
        await reader_engine.dispose()
