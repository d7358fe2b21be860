"""Fixtures for identity tests: a settable clock, a service on a migrated database, and the
command line on a database of its own."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from contactcenter.cli import main
from contactcenter.db import create_engine, session_factory
from contactcenter.identity.passwords import Passwords
from contactcenter.identity.service import IdentityService


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def cheap_passwords() -> Passwords:
    """argon2id with tiny parameters: the tests check behaviour, not hashing cost."""
    return Passwords(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def identity(migrated_db: str, clock: FakeClock) -> AsyncIterator[IdentityService]:
    engine = create_engine(migrated_db)
    try:
        yield IdentityService(session_factory(engine), clock, passwords=cheap_passwords(),
                              known_regions=[f"{n:02d}" for n in range(1, 26)])
    finally:
        await engine.dispose()


@pytest.fixture
def cli(config_copy: Path, db_url: str, monkeypatch):
    """``radgivning …`` in process, on the test's database; ``stdin`` feeds standard input."""
    monkeypatch.setenv("RADGIVNING_DATABASE__URL", db_url)

    def run(*argv: str, stdin: str | None = None) -> int:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(["--config-dir", str(config_copy), *argv])
    return run


@pytest.fixture
def migrated_cli(cli, capsys):
    """:func:`cli` after ``db upgrade``."""
    assert cli("db", "upgrade") == 0
    capsys.readouterr()
    return cli
