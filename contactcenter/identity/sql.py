"""Tables of users and API tokens, and the login throttle's repository. Passwords and tokens
are stored only as hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

from contactcenter.identity.limiter import Backoff, Strikes
from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(300), nullable=True),
    Column("roles", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.user_id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(128), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.user_id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("user_id", Integer, ForeignKey("users.user_id"), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
)
"""Failed logins per account (users only: unknown usernames are counted per address, in
memory), kept so that a restart does not hand an attacker a fresh set of guesses."""


class LoginThrottle:
    """Per-account strikes in ``login_throttle`` (the limiter's :class:`AccountStrikes`)."""

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def reserve(self, username: str, now: datetime, policy: Backoff) -> timedelta:
        """Count an attempt on an existing user's account (unknown users: nothing), or return
        the wait still running. One transaction with the row locked (PostgreSQL), so that
        concurrent attempts on one account are counted one after another."""
        async with self._sessions.begin() as s:
            user_id = (await s.execute(select(users.c.user_id)
                                       .where(users.c.username == username))).scalar()
            if user_id is None:
                return timedelta(0)
            dialect = postgresql if s.bind.dialect.name == "postgresql" else sqlite
            await s.execute(dialect.insert(login_throttle)
                            .values(user_id=user_id, failures=0, last_failure_at=now)
                            .on_conflict_do_nothing(index_elements=["user_id"]))
            row = (await s.execute(select(login_throttle)
                                   .where(login_throttle.c.user_id == user_id)
                                   .with_for_update())).one()
            last = row.last_failure_at
            last = last.replace(tzinfo=UTC) if last.tzinfo is None else last
            strikes = Strikes(row.failures, last).current(now, policy)
            wait = strikes.wait(now, policy)
            if not wait:
                counted = strikes.plus_one(now)
                await s.execute(update(login_throttle)
                                .where(login_throttle.c.user_id == user_id)
                                .values(failures=counted.failures, last_failure_at=now))
            return wait

    async def clear(self, username: str) -> None:
        """Forget the account's failures."""
        async with self._sessions.begin() as s:
            await s.execute(sql_delete(login_throttle).where(
                login_throttle.c.user_id == select(users.c.user_id)
                .where(users.c.username == username).scalar_subquery()))
