"""Identity use cases: users, passwords, web sessions and API tokens.

Secrets handed out (session cookies, API tokens) are random; only their
SHA-256 is stored, so a copy of the database cannot be used to log in.
Times are stored in UTC; SQLite returns them naive, so they are read back as UTC.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from contactcenter.identity import sql
from contactcenter.identity.errors import (
    InvalidTokenLifetime,
    InvalidTokenName,
    TokenExists,
    TokenNotFound,
    UserExists,
    UserInactive,
    UserNotFound,
)
from contactcenter.identity.model import (
    Principal,
    Role,
    TokenInfo,
    User,
    parse_regions,
    parse_roles,
    validate_display_name,
    validate_password,
    validate_username,
)
from contactcenter.identity.passwords import Passwords
from shared_kernel.clock import Clock

TOKEN_PREFIX = "rgv_"
#: Lifetime of an API token when none is asked for (``[http] api_token_days``).
DEFAULT_TOKEN_DAYS = 90.0
DEMO_PASSWORD = "demo"
#: username, display name, role, regions — the logins printed by ``radgivning demo``.
DEMO_USERS: tuple[tuple[str, str, Role, tuple[str, ...]], ...] = (
    ("sjukskoterska", "Saga Lindqvist", Role.NURSE, ("01",)),
    ("handledare", "Henrik Åberg", Role.SUPERVISOR, ("01",)),
    ("riksledare", "Rebecka Nord", Role.SUPERVISOR, ("*",)),
    ("regionadmin", "Rut Ekström", Role.REGION_ADMIN, ("01",)),
    ("redaktor", "Ragnar Dahl", Role.CONTENT_EDITOR, ("*",)),
    ("granskare", "Greta Holm", Role.AUDITOR, ("*",)),
    ("bemanning", "Bemanningssystemet", Role.STAFFING_SYSTEM, ("*",)),
)


def secret_hash(secret: str) -> str:
    """The stored form of a session or API token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _user(row: Any) -> User:
    return User(
        user_id=row.user_id, username=row.username, display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles), regions=frozenset(row.regions),
        active=bool(row.active), created_at=_utc(row.created_at) or datetime.min,
    )


class IdentityService:
    """Users and authentication, over the identity tables."""

    def __init__(self, sessions: async_sessionmaker[Any], clock: Clock, *,
                 passwords: Passwords | None = None,
                 known_regions: Collection[str] | None = None,
                 token_days: float = DEFAULT_TOKEN_DAYS) -> None:
        self._sessions = sessions
        self.clock = clock
        self._passwords = passwords or Passwords()
        self._known_regions = known_regions
        self._token_days = token_days
        #: Failed logins per account, for the login limiter.
        self.login_throttle = sql.LoginThrottle(sessions)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    # -- users ---------------------------------------------------------------------------
    async def create_user(self, username: str, display_name: str, password: str | None,
                          roles: Iterable[str | Role], regions: Iterable[str]) -> User:
        """Create a user; ``password=None`` makes a user that can only use API tokens."""
        validate_username(username)
        name = validate_display_name(display_name)
        role_set = parse_roles(roles)
        region_set = parse_regions(regions, self._known_regions)
        hashed = None
        if password is not None:
            hashed = await self._passwords.hash_async(validate_password(password, username))
        return await self._insert_user(username, name, hashed, role_set, region_set)

    async def _insert_user(self, username: str, name: str, hashed: str | None,
                           roles: frozenset[Role], regions: frozenset[str]) -> User:
        try:
            async with self._sessions.begin() as s:
                await s.execute(insert(sql.users).values(
                    username=username, display_name=name, password_hash=hashed,
                    roles=sorted(r.value for r in roles), regions=sorted(regions),
                    active=True, created_at=self._now()))
        except IntegrityError:
            raise UserExists("a user with that username exists", {"username": username}) from None
        user = await self.get_user(username)
        assert user is not None
        return user

    async def set_password(self, username: str, password: str) -> int:
        """Replace the user's password; ends all of the user's web sessions and revokes their
        API tokens (a changed password is often a suspected leak). Returns how many tokens
        were revoked."""
        hashed = await self._passwords.hash_async(validate_password(password, username))
        return await self._change_user(username, {"password_hash": hashed})

    async def set_active(self, username: str, active: bool) -> int:
        """Activate or deactivate a user. A deactivated user cannot log in, and their web
        sessions end and API tokens are revoked at once (reactivating brings none back).
        Returns how many tokens were revoked."""
        return await self._change_user(username, {"active": active}, end_access=not active)

    async def _change_user(self, username: str, values: dict[str, Any], *,
                           end_access: bool = True) -> int:
        now = self._now()
        async with self._sessions.begin() as s:
            result = await s.execute(update(sql.users).where(sql.users.c.username == username)
                                     .values(**values).returning(sql.users.c.user_id))
            user_id = result.scalar_one_or_none()
            if user_id is None:
                raise UserNotFound("no such user", {"username": username})
            if not end_access:
                return 0
            await s.execute(delete(sql.sessions).where(sql.sessions.c.user_id == user_id))
            revoked = await s.execute(
                update(sql.api_tokens)
                .where(sql.api_tokens.c.user_id == user_id,
                       sql.api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now))
            return revoked.rowcount or 0

    async def get_user(self, username: str) -> User | None:
        async with self._sessions() as s:
            row = (await s.execute(select(sql.users)
                                   .where(sql.users.c.username == username))).first()
        return _user(row) if row else None

    async def list_users(self) -> list[User]:
        """Every user, by username."""
        async with self._sessions() as s:
            rows = (await s.execute(select(sql.users).order_by(sql.users.c.username))).all()
        return [_user(r) for r in rows]

    async def ensure_demo_users(self) -> list[User]:
        """Create the demo logins (password ``demo``) that do not exist yet; return all six."""
        out = []
        for username, name, role, regions in DEMO_USERS:
            user = await self.get_user(username)
            if user is None:
                hashed = await self._passwords.hash_async(DEMO_PASSWORD)
                try:
                    user = await self._insert_user(username, name, hashed, frozenset({role}),
                                                   frozenset(regions))
                except UserExists:  # another instance made it meanwhile
                    user = await self.get_user(username)
            assert user is not None
            out.append(user)
        return out

    # -- passwords and web sessions ------------------------------------------------------------
    async def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal for a correct username and password, else None (no hint which)."""
        async with self._sessions() as s:
            row = (await s.execute(select(sql.users)
                                   .where(sql.users.c.username == username))).first()
        stored = row.password_hash if row is not None and row.active else None
        if not await self._passwords.verify_async(stored, password):
            return None
        assert row is not None and stored is not None
        if self._passwords.needs_rehash(stored):
            hashed = await self._passwords.hash_async(password)
            async with self._sessions.begin() as s:
                await s.execute(update(sql.users).where(sql.users.c.user_id == row.user_id)
                                .values(password_hash=hashed))
        return _user(row).principal("session")

    async def create_session(self, user_id: int, hours: float) -> str:
        """A new web session lasting ``hours``; returns the secret for the cookie."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        async with self._sessions.begin() as s:
            await s.execute(delete(sql.sessions).where(sql.sessions.c.expires_at < now))
            await s.execute(insert(sql.sessions).values(
                session_hash=secret_hash(token), user_id=user_id, created_at=now,
                expires_at=now + timedelta(hours=hours)))
        return token

    async def principal_for_session(self, token: str) -> Principal | None:
        """The principal of a live session, or None (unknown, expired, user deactivated)."""
        async with self._sessions() as s:
            row = (await s.execute(
                select(sql.users, sql.sessions.c.expires_at)
                .join(sql.sessions, sql.sessions.c.user_id == sql.users.c.user_id)
                .where(sql.sessions.c.session_hash == secret_hash(token)))).first()
        if row is None or not row.active or (_utc(row.expires_at) or self._now()) <= self._now():
            return None
        return _user(row).principal("session")

    async def end_session(self, token: str) -> None:
        """Log out: forget the session (unknown tokens are ignored)."""
        async with self._sessions.begin() as s:
            await s.execute(delete(sql.sessions)
                            .where(sql.sessions.c.session_hash == secret_hash(token)))

    # -- API tokens ------------------------------------------------------------------------------
    async def create_token(self, username: str, name: str,
                           expires_days: float | None = None) -> str:
        """A new API token for the user, valid ``expires_days`` (default: the service's
        ``token_days``); the returned secret is not stored and not shown again."""
        user = await self._require_user(username)
        if not user.active:  # it would not work, and reactivation must not revive access
            raise UserInactive("the user is deactivated; activate them first",
                               {"username": username})
        if not name.strip() or len(name) > 100:
            raise InvalidTokenName("token name must be 1-100 characters", {"name": name})
        now = self._now()
        if any(t.name == name and t.is_active(now) for t in await self.list_tokens(username)):
            raise TokenExists("the user already has an active token with that name",
                              {"username": username, "name": name})
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        days = self._token_days if expires_days is None else expires_days
        if not 0 < days <= 36_500:
            raise InvalidTokenLifetime("a token's lifetime must be more than 0 and at most 36500 "
                                   "days", {"expires_days": days})
        expires = now + timedelta(days=days)
        async with self._sessions.begin() as s:
            await s.execute(insert(sql.api_tokens).values(
                user_id=user.user_id, name=name, token_hash=secret_hash(token),
                created_at=now, expires_at=expires))
        return token

    async def principal_for_token(self, token: str) -> Principal | None:
        """The principal of a valid API token, or None (unknown, revoked, expired, inactive)."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        async with self._sessions() as s:
            row = (await s.execute(
                select(sql.users, sql.api_tokens.c.expires_at, sql.api_tokens.c.revoked_at)
                .join(sql.api_tokens, sql.api_tokens.c.user_id == sql.users.c.user_id)
                .where(sql.api_tokens.c.token_hash == secret_hash(token)))).first()
        if row is None or not row.active or row.revoked_at is not None:
            return None
        expires = _utc(row.expires_at)
        if expires is not None and expires <= self._now():
            return None
        return _user(row).principal("token")

    async def revoke_token(self, username: str, name: str) -> None:
        """Revoke the user's active token(s) named ``name``."""
        user = await self._require_user(username)
        async with self._sessions.begin() as s:
            result = await s.execute(
                update(sql.api_tokens)
                .where(sql.api_tokens.c.user_id == user.user_id, sql.api_tokens.c.name == name,
                       sql.api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=self._now()))
        if result.rowcount == 0:
            raise TokenNotFound("no active token with that name",
                                {"username": username, "name": name})

    async def list_tokens(self, username: str) -> list[TokenInfo]:
        """The user's tokens, oldest first (revoked and expired ones included)."""
        user = await self._require_user(username)
        async with self._sessions() as s:
            rows = (await s.execute(
                select(sql.api_tokens).where(sql.api_tokens.c.user_id == user.user_id)
                .order_by(sql.api_tokens.c.token_id))).all()
        return [TokenInfo(r.name, _utc(r.created_at) or datetime.min, _utc(r.expires_at),
                          _utc(r.revoked_at)) for r in rows]

    async def _require_user(self, username: str) -> User:
        user = await self.get_user(username)
        if user is None:
            raise UserNotFound("no such user", {"username": username})
        return user
