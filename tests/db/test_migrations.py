"""The schema is made by the packaged alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from contactcenter.db import create_engine, current_revision, downgrade, head_revision, upgrade
from contactcenter.migrations.metadata import target_metadata

TABLES = {"call_events", "calls", "users", "api_tokens", "web_sessions", "nurses",
          "nurse_events"}


async def schema_diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), target_metadata))
    finally:
        await engine.dispose()


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_a_new_database_has_no_revision(db_url: str):
    assert await current_revision(db_url) is None


async def test_upgrade_creates_a_schema_identical_to_the_table_definitions(db_url: str):
    await upgrade(db_url)
    assert await schema_diff(db_url) == []
    assert await table_names(db_url) >= TABLES


async def test_upgrade_records_the_head_revision_and_can_run_again(db_url: str):
    await upgrade(db_url)
    await upgrade(db_url)
    assert await current_revision(db_url) == head_revision()
    assert await _has_foundation(db_url)
    assert await schema_diff(db_url) == []


async def test_downgrade_to_base_removes_every_table(db_url: str):
    await upgrade(db_url)
    await downgrade(db_url, "base")
    assert await current_revision(db_url) is None
    assert not (TABLES & await table_names(db_url))
    await upgrade(db_url)
    assert await schema_diff(db_url) == []


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'folder' / 'cc.db'}"
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 1000
    finally:
        await engine.dispose()
    assert (tmp_path / "nested" / "folder" / "cc.db").exists()


async def test_a_relative_sqlite_path_is_resolved_against_the_current_folder(tmp_path: Path,
                                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    await upgrade("sqlite+aiosqlite:///var/radgivning.db")
    assert (tmp_path / "var" / "radgivning.db").exists()


async def test_sqlite_rejects_a_token_of_an_unknown_user(sqlite_url: str):
    await upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    try:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            async with engine.begin() as conn:
                await conn.execute(text(
                    "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
                    "VALUES (42, 'x', 'h', '2026-01-01 00:00:00')"))
    finally:
        await engine.dispose()


async def _has_foundation(url: str) -> bool:
    """Every context branch starts from the foundation: its tables must be there."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        return {"calls", "call_events", "users", "nurses"} <= set(names)
    finally:
        await engine.dispose()
