"""What the service does to its surroundings at start: a private SQLite file, and a
warning when session cookies would go over plain HTTP."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from contactcenter.commands.serve import serve
from contactcenter.db import create_engine
from tests.support.system import make_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_sqlite_database_and_its_folder_are_private_to_the_service_user(
        tmp_path: Path) -> None:
    database = tmp_path / "var" / "radgivning.db"
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            assert _mode(database.parent) == 0o700
            assert _mode(database) == 0o600
            for extra in database.parent.glob("radgivning.db-*"):  # -wal, -shm
                assert _mode(extra) == 0o600, extra
    finally:
        await engine.dispose()


async def test_serve_warns_when_session_cookies_are_not_secure(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path)  # no schema: serve stops right after its checks
    with caplog.at_level(logging.WARNING, logger="contactcenter.commands.serve"):
        assert await serve(settings) == 4
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("cookie_secure" in r.getMessage() for r in warnings)


async def test_serve_does_not_warn_when_session_cookies_are_secure(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path, **{"http.cookie_secure": True})
    with caplog.at_level(logging.WARNING, logger="contactcenter.commands.serve"):
        assert await serve(settings) == 4
    assert not any("cookie_secure" in r.getMessage() for r in caplog.records)
