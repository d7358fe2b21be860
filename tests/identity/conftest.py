"""Fixtures for identity tests: a settable clock and a service on a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

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
