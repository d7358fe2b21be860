"""Shared fixtures: database URLs on SQLite and PostgreSQL, and a copy of config/.

PostgreSQL tests need ``RADGIVNING_TEST_PG_URL`` (a server the tests may create
databases on); each test gets its own freshly created database, dropped after.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.system"]

REPO = Path(__file__).resolve().parents[1]
PG_ENV = "RADGIVNING_TEST_PG_URL"


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """A private copy of the repository's ``config/`` folder that a test may edit."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file in the test's temporary folder (not created yet)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'db' / 'radgivning.db'}"


def _run_in_thread(coro_factory) -> None:  # type: ignore[no-untyped-def]
    # A separate thread has its own event loop, so the test's loop is left alone.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(coro_factory())).result()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test (skips without a server)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (see .ci/run)")
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"rgv_test_{uuid.uuid4().hex[:12]}"
    server = {"host": url.host or "127.0.0.1", "port": url.port or 5432,
              "user": url.username or "postgres", "password": url.password,
              "database": "postgres"}

    async def admin(statement: str) -> None:
        conn = await asyncpg.connect(**server)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    _run_in_thread(lambda: admin(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _run_in_thread(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The test runs once on SQLite and once on PostgreSQL (skipped without a server)."""
    fixture = {"sqlite": "sqlite_url", "postgres": "pg_url"}[request.param]
    return str(request.getfixturevalue(fixture))


@pytest.fixture
async def migrated_db(db_url: str) -> str:
    """``db_url`` upgraded to the newest revision."""
    from contactcenter.db import upgrade

    await upgrade(db_url)
    return db_url
