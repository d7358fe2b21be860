"""A PostgreSQL deployment: the schema's owner migrates, the service runs as a role that
owns nothing, and that role can append to the access log but never change or unguard it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from contactcenter.db import create_engine, upgrade
from contactcenter.db_grants import GrantRefused, grant_service_role, service_grants
from journal.ports import Actor
from journal.service import JournalService
from tests.journal.conftest import shipped_config

pytestmark = pytest.mark.postgres


@dataclass
class Roles:
    admin_url: str
    owner_url: str
    service_url: str
    service_role: str


async def _execute(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
async def roles(pg_url: str) -> AsyncIterator[Roles]:
    suffix = uuid.uuid4().hex[:8]
    owner, service = f"rgv_owner_{suffix}", f"rgv_service_{suffix}"
    database = make_url(pg_url).database
    await _execute(pg_url,
                   f"CREATE ROLE {owner} LOGIN PASSWORD 'owner'",
                   f"CREATE ROLE {service} LOGIN PASSWORD 'service'",
                   f'ALTER DATABASE "{database}" OWNER TO {owner}',
                   f"ALTER SCHEMA public OWNER TO {owner}")
    base = make_url(pg_url)
    owner_url = base.set(username=owner, password="owner").render_as_string(False)
    service_url = base.set(username=service, password="service").render_as_string(False)
    try:
        yield Roles(pg_url, owner_url, service_url, service)
    finally:
        await _execute(pg_url, f"REASSIGN OWNED BY {owner}, {service} TO CURRENT_USER",
                       f"DROP OWNED BY {owner}, {service}")
        await _execute(pg_url, f"DROP ROLE {owner}", f"DROP ROLE {service}")


async def _granted(roles: Roles) -> None:
    await upgrade(roles.owner_url)
    engine = create_engine(roles.owner_url)
    try:
        async with engine.begin() as conn:
            await grant_service_role(conn, roles.service_role)
    finally:
        await engine.dispose()


async def _refused(url: str, statement: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(text(statement))
        return str(caught.value.orig)
    finally:
        await engine.dispose()


async def test_the_service_role_appends_to_the_access_log_but_cannot_change_or_unguard_it(
        roles: Roles) -> None:
    await _granted(roles)
    engine = create_engine(roles.service_url)
    try:
        journal = JournalService(engine, lambda: datetime(2026, 12, 3, 9, tzinfo=UTC),
                                 shipped_config())
        nurse = Actor("anna", "anna", frozenset({"nurse"}), frozenset({"01"}), "vg-01")
        await journal.list_own_recent(nurse)  # a read is logged: an INSERT by the service
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM journal_access_log")) == 1
    finally:
        await engine.dispose()
    for statement in ("UPDATE journal_access_log SET reason = 'x'",
                      "DELETE FROM journal_access_log",
                      "TRUNCATE journal_access_log",
                      "DROP TRIGGER trg_journal_access_log_no_change ON journal_access_log",
                      "ALTER TABLE journal_access_log DISABLE TRIGGER ALL",
                      "DROP TABLE journal_access_log",
                      "CREATE TABLE sneaky (id int)",
                      "UPDATE alembic_version SET version_num = 'x'"):
        problem = await _refused(roles.service_url, statement)
        assert "permission denied" in problem or "must be owner" in problem, (statement, problem)


async def test_the_owner_still_meets_the_triggers(roles: Roles) -> None:
    await _granted(roles)
    await _execute(roles.service_url,
                   "INSERT INTO journal_access_log (at, actor_id, actor_username, actor_roles, "
                   "action, outcome, emergency) VALUES (now(), 'a', 'a', 'nurse', 'read', "
                   "'allowed', false)")
    problem = await _refused(roles.owner_url, "DELETE FROM journal_access_log")
    assert "append-only" in problem


async def test_the_whole_service_starts_and_works_as_the_service_role(
        roles: Roles, tmp_path: Path) -> None:
    from ari_simulator import AriSimulator
    from tests.support.system import SPEED, System, eventually, make_settings, start_system

    await _granted(roles)
    settings = make_settings(tmp_path, **{"database.url": roles.service_url})
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    services = await start_system(settings, sim)
    try:
        await services.identity.ensure_demo_users()
        system = System(sim, services, settings)
        await system.add_nurse("n1", "01", username="sjukskoterska")
        caller = await sim.add_caller(number="+46701234567", municipality="0180", talk=0.5)
        await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                         and r.state.value == "ended", what="a call answered and ended")
        await services.call_log.flush()
        record = system.call_for_channel(caller.channel_id)
        stored = [e.type.value for e in await services.call_log.events_of(record.call_id)]
        assert "answered" in stored
    finally:
        await services.stop()
        await sim.stop()


async def test_grant_refuses_a_superuser_and_a_role_that_owns_the_tables(roles: Roles) -> None:
    await upgrade(roles.owner_url)
    engine = create_engine(roles.owner_url)
    try:
        async with engine.begin() as conn:
            owner = make_url(roles.owner_url).username
            with pytest.raises(GrantRefused, match="owns"):
                await grant_service_role(conn, str(owner))
            superuser = make_url(roles.admin_url).username or "postgres"
            with pytest.raises(GrantRefused, match="superuser"):
                await grant_service_role(conn, superuser)
            with pytest.raises(GrantRefused, match="no database role"):
                await grant_service_role(conn, "nobody_" + uuid.uuid4().hex[:6])
    finally:
        await engine.dispose()


def test_role_names_are_quoted_in_the_grants() -> None:
    statements = service_grants('odd"name')
    assert all('"odd""name"' in s for s in statements)
