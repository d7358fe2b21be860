"""``serve`` and ``demo`` refuse to start on a database that cannot be written.

Before, the demo said it was running on a read-only database and lost everything
done in it, and ``serve`` died with a traceback. The read-only modes are the
databases' own: SQLite opened with ``mode=ro`` (as an operator might configure
it, and what a read-only mount gives), PostgreSQL with
``default_transaction_read_only`` (as on a standby or a database set read-only).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from contactcenter.cli import main
from contactcenter.db import create_engine, upgrade

NOT_WRITABLE = 6


def _read_only_url(db_url: str) -> str:
    """``db_url`` (already migrated) made read-only by the database itself."""
    if db_url.startswith("sqlite"):
        path = db_url.split(":///", 1)[1]
        return f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"

    async def set_read_only() -> None:
        engine = create_engine(db_url)
        async with engine.connect() as conn:
            name = engine.url.database
            await conn.execute(text(f'ALTER DATABASE "{name}" SET '
                                    "default_transaction_read_only = on"))
            await conn.commit()
        await engine.dispose()
    asyncio.run(set_read_only())
    return db_url


@pytest.fixture
def read_only_db(db_url: str) -> str:
    asyncio.run(upgrade(db_url))
    return _read_only_url(db_url)


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["demo", "--port", "0",
                                                                "--no-callers"]])
def test_the_service_refuses_to_start_on_a_read_only_database_with_a_clear_message(
    read_only_db: str, config_copy: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, command: list[str],
) -> None:
    monkeypatch.setenv("RADGIVNING_DATABASE__URL", read_only_db)
    monkeypatch.setenv("RADGIVNING_ARI__URL", "http://127.0.0.1:9/ari")  # never reached

    code = main(["--config-dir", str(config_copy), *command])

    out = capfd.readouterr()
    told = out.err + out.out + caplog.text
    assert code == NOT_WRITABLE, told
    assert "cannot be written" in told and "read-only" in told
    assert "Traceback" not in told
    assert "is running" not in told
