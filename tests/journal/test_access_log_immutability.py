"""The access log cannot be edited: no code path changes it and the database refuses
UPDATE and DELETE (and TRUNCATE on PostgreSQL), on SQLite and PostgreSQL."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from journal import access_log, http, service
from journal.access_log import LogQuery
from journal.service import JournalService
from journal.sql import append_only_ddl, drop_append_only_ddl, journal_access_log
from tests.journal.conftest import ANNA, AUDITOR


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(journal_access_log)))


@pytest.fixture
async def logged(service: JournalService, engine: AsyncEngine) -> AsyncEngine:
    await service.create_draft(ANNA, "call-1", "01")
    await service.query_access_log(AUDITOR, LogQuery())
    assert await count(engine) == 2
    return engine


async def test_the_database_refuses_to_update_the_access_log(logged: AsyncEngine):
    with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
        async with logged.begin() as conn:
            await conn.execute(update(journal_access_log).values(actor_id="someone-else"))
    async with logged.connect() as conn:
        assert set(await conn.scalars(select(journal_access_log.c.actor_id))) == {
            "n-anna", "a-greta"}


async def test_the_database_refuses_to_delete_from_the_access_log(logged: AsyncEngine):
    with pytest.raises((DBAPIError, IntegrityError), match="append-only"):
        async with logged.begin() as conn:
            await conn.execute(delete(journal_access_log))
    assert await count(logged) == 2


async def test_postgresql_also_refuses_truncate(logged: AsyncEngine):
    if logged.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL only")
    with pytest.raises(DBAPIError, match="append-only"):
        async with logged.begin() as conn:
            await conn.execute(text("TRUNCATE journal_access_log"))
    assert await count(logged) == 2


async def test_appending_still_works_with_the_triggers_in_place(logged: AsyncEngine,
                                                                service: JournalService):
    await service.list_own_recent(ANNA)
    assert await count(logged) == 3


def test_no_module_has_an_update_or_delete_path_for_the_log():
    for module in (access_log, service, http):
        source = inspect.getsource(module)
        assert "update(journal_access_log" not in source
        assert "delete(journal_access_log" not in source
    assert not [n for n in dir(access_log) if n.startswith(("update", "delete", "remove"))]


def test_the_migration_gets_ddl_for_both_dialects_and_a_way_back():
    assert any("BEFORE UPDATE OR DELETE" in s for s in append_only_ddl("postgresql"))
    assert any("TRUNCATE" in s for s in append_only_ddl("postgresql"))
    assert len(append_only_ddl("sqlite")) == 2
    assert all(s.startswith("DROP") for s in drop_append_only_ddl("postgresql"))
    with pytest.raises(ValueError):
        append_only_ddl("mysql")
