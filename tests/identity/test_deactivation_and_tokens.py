"""Deactivating users, a password change revoking access, and API tokens that expire."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contactcenter.identity.http import setup_identity
from contactcenter.identity.service import IdentityService
from tests.identity.conftest import FakeClock

PASSWORD = "korrekt häst batteri"


@pytest.fixture
async def client(identity: IdentityService) -> AsyncIterator[TestClient]:
    await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["01"])
    app = web.Application()
    setup_identity(app, identity, session_hours=8, cookie_secure=False)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as c:
        yield c


async def logged_in_with_a_token(client: TestClient, identity: IdentityService) -> str:
    assert (await client.post("/login", json={"username": "anna", "password": PASSWORD})
            ).status == 200
    token = await identity.create_token("anna", "integration")
    assert (await whoami(client)) == 200 and (await whoami(client, token)) == 200
    return token


async def whoami(client: TestClient, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return (await client.get("/api/v1/auth/whoami", headers=headers)).status


async def test_a_deactivated_user_loses_their_session_and_tokens_at_once_and_cannot_log_in(
        client: TestClient, identity: IdentityService):
    token = await logged_in_with_a_token(client, identity)
    await identity.set_active("anna", False)
    assert await whoami(client) == 401
    assert await whoami(client, token) == 401
    login = await client.post("/login", json={"username": "anna", "password": PASSWORD})
    assert login.status == 401
    await identity.set_active("anna", True)
    assert (await client.post("/login", json={"username": "anna", "password": PASSWORD})
            ).status == 200
    assert await whoami(client, token) == 401, "reactivation brings no old token back"


async def test_a_new_password_ends_the_sessions_and_revokes_the_tokens(
        client: TestClient, identity: IdentityService):
    token = await logged_in_with_a_token(client, identity)
    assert await identity.set_password("anna", "ett helt nytt lösen") == 1
    assert await whoami(client) == 401
    assert await whoami(client, token) == 401


async def test_a_token_expires_after_ninety_days_by_default(
        client: TestClient, identity: IdentityService, clock: FakeClock):
    token = await identity.create_token("anna", "integration")
    clock.advance(days=90, seconds=-1)
    assert await whoami(client, token) == 200
    clock.advance(seconds=1)
    assert await whoami(client, token) == 401


def test_user_deactivate_and_activate_commands(migrated_cli, capsys):
    migrated_cli("user", "create", "anna", "--role", "nurse", "--region", "01",
                 "--password-stdin", stdin=PASSWORD)
    migrated_cli("token", "create", "anna", "--name", "x")
    capsys.readouterr()
    assert migrated_cli("user", "deactivate", "anna") == 0
    out = capsys.readouterr().out
    assert "anna deactivated" in out and "1 API token revoked" in out
    migrated_cli("user", "list")
    assert re.search(r"^anna .* no$", capsys.readouterr().out, re.MULTILINE)
    migrated_cli("token", "list", "anna")
    assert "revoked" in capsys.readouterr().out
    assert migrated_cli("token", "create", "anna", "--name", "y") == 1
    assert "deactivated" in capsys.readouterr().err
    assert migrated_cli("user", "activate", "anna") == 0
    migrated_cli("user", "list")
    assert re.search(r"^anna .* yes$", capsys.readouterr().out, re.MULTILINE)
    assert migrated_cli("user", "deactivate", "nobody") == 1
    assert "no such user" in capsys.readouterr().err


def test_user_passwd_says_that_it_revoked_the_tokens(migrated_cli, capsys):
    migrated_cli("user", "create", "anna", "--role", "nurse", "--region", "01",
                 "--password-stdin", stdin=PASSWORD)
    migrated_cli("token", "create", "anna", "--name", "x")
    migrated_cli("token", "create", "anna", "--name", "y")
    capsys.readouterr()
    assert migrated_cli("user", "passwd", "anna", "--password-stdin",
                        stdin="ett helt nytt lösen\n") == 0
    assert "2 API tokens revoked" in capsys.readouterr().out
    migrated_cli("token", "list", "anna")
    listing = capsys.readouterr().out
    assert listing.count("revoked") == 2 and "active" not in listing


def _lifetime(listing: str, name: str) -> timedelta:
    line = next(ln for ln in listing.splitlines() if ln.startswith(name + " "))
    created, expires = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", line)
    return datetime.fromisoformat(expires) - datetime.fromisoformat(created)


def test_token_create_gives_a_default_lifetime_that_expires_days_overrides(
        migrated_cli, capsys):
    migrated_cli("user", "create", "wfm", "--role", "staffing_system", "--region", "*",
                 "--password-stdin", stdin=PASSWORD)
    assert migrated_cli("token", "create", "wfm", "--name", "standard") == 0
    assert migrated_cli("token", "create", "wfm", "--name", "short", "--expires-days", "7") == 0
    capsys.readouterr()
    migrated_cli("token", "list", "wfm")
    listing = capsys.readouterr().out
    assert "never" not in listing
    assert _lifetime(listing, "standard") == timedelta(days=90)
    assert _lifetime(listing, "short") == timedelta(days=7)
