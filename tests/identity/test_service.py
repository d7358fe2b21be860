"""Users, passwords, sessions and API tokens against SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from contactcenter.db import create_engine
from contactcenter.identity import sql
from contactcenter.identity.errors import (
    InvalidPassword,
    InvalidRegion,
    TokenExists,
    TokenNotFound,
    UserExists,
    UserNotFound,
)
from contactcenter.identity.model import Role
from contactcenter.identity.passwords import Passwords
from contactcenter.identity.service import IdentityService
from tests.identity.conftest import FakeClock

PASSWORD = "korrekt häst batteri"


async def make_anna(identity: IdentityService):
    return await identity.create_user("anna", "Anna Svensson", PASSWORD,
                                      [Role.SUPERVISOR, "nurse"], ["01", "03"])


async def test_a_created_user_can_be_read_back_and_listed(identity: IdentityService,
                                                           clock: FakeClock):
    created = await make_anna(identity)
    assert created.roles == {Role.SUPERVISOR, Role.NURSE}
    assert created.regions == {"01", "03"}
    assert created.active and created.created_at == clock.now
    assert await identity.get_user("anna") == created
    await identity.create_user("bert", "Bert", PASSWORD, ["auditor"], ["*"])
    assert [u.username for u in await identity.list_users()] == ["anna", "bert"]


async def test_a_second_user_with_the_same_username_is_rejected(identity: IdentityService):
    await make_anna(identity)
    with pytest.raises(UserExists):
        await make_anna(identity)


async def test_invalid_users_are_rejected_before_anything_is_stored(identity: IdentityService):
    with pytest.raises(InvalidPassword):
        await identity.create_user("anna", "Anna", "short", ["nurse"], ["01"])
    with pytest.raises(InvalidRegion):
        await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["99"])
    assert await identity.list_users() == []


async def test_the_right_password_authenticates_and_a_wrong_one_does_not(
        identity: IdentityService):
    user = await make_anna(identity)
    who = await identity.authenticate("anna", PASSWORD)
    assert who is not None and who.user_id == user.user_id and who.auth == "session"
    assert who.roles == {Role.SUPERVISOR, Role.NURSE}
    assert await identity.authenticate("anna", PASSWORD + "x") is None
    assert await identity.authenticate("nobody", PASSWORD) is None


async def test_only_a_hash_of_the_password_is_stored(identity: IdentityService, migrated_db: str):
    await make_anna(identity)
    engine = create_engine(migrated_db)
    async with engine.connect() as conn:
        stored = (await conn.execute(select(sql.users.c.password_hash))).scalar_one()
    await engine.dispose()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


async def test_a_hash_with_old_parameters_is_replaced_at_the_next_login(
        identity: IdentityService, migrated_db: str, clock: FakeClock):
    await make_anna(identity)
    from contactcenter.db import session_factory

    engine = create_engine(migrated_db)
    stronger = IdentityService(session_factory(engine), clock, passwords=Passwords(
        PasswordHasher(time_cost=2, memory_cost=128, parallelism=1)))
    assert await stronger.authenticate("anna", PASSWORD) is not None
    async with engine.connect() as conn:
        stored = (await conn.execute(select(sql.users.c.password_hash))).scalar_one()
    await engine.dispose()
    assert "m=128,t=2" in stored


async def test_changing_the_password_ends_existing_sessions(identity: IdentityService):
    user = await make_anna(identity)
    session = await identity.create_session(user.user_id, hours=8)
    await identity.set_password("anna", "ett helt nytt lösen")
    assert await identity.principal_for_session(session) is None
    assert await identity.authenticate("anna", PASSWORD) is None
    assert await identity.authenticate("anna", "ett helt nytt lösen") is not None
    with pytest.raises(UserNotFound):
        await identity.set_password("nobody", "ett helt nytt lösen")


async def test_a_session_resolves_to_its_user_until_it_expires(identity: IdentityService,
                                                                clock: FakeClock):
    user = await make_anna(identity)
    session = await identity.create_session(user.user_id, hours=8)
    who = await identity.principal_for_session(session)
    assert who is not None and who.username == "anna" and who.auth == "session"
    clock.advance(hours=7, minutes=59)
    assert await identity.principal_for_session(session) is not None
    clock.advance(minutes=1)
    assert await identity.principal_for_session(session) is None


async def test_an_ended_session_no_longer_resolves(identity: IdentityService):
    user = await make_anna(identity)
    session = await identity.create_session(user.user_id, hours=8)
    await identity.end_session(session)
    assert await identity.principal_for_session(session) is None
    assert await identity.principal_for_session("made-up") is None


async def test_an_api_token_resolves_to_its_user_and_only_its_hash_is_stored(
        identity: IdentityService, migrated_db: str):
    await make_anna(identity)
    token = await identity.create_token("anna", "wfm")
    assert token.startswith("rgv_") and len(token) > 40
    who = await identity.principal_for_token(token)
    assert who is not None and who.username == "anna" and who.auth == "token"
    engine = create_engine(migrated_db)
    async with engine.connect() as conn:
        stored = (await conn.execute(select(sql.api_tokens.c.token_hash))).scalar_one()
    await engine.dispose()
    assert token not in stored and len(stored) == 64


async def test_a_token_stops_working_when_it_expires(identity: IdentityService,
                                                      clock: FakeClock):
    await make_anna(identity)
    token = await identity.create_token("anna", "wfm", expires_days=30)
    clock.advance(days=29)
    assert await identity.principal_for_token(token) is not None
    clock.advance(days=1)
    assert await identity.principal_for_token(token) is None
    [info] = await identity.list_tokens("anna")
    assert not info.is_active(clock.now)


async def test_a_revoked_token_stops_working_and_its_name_can_be_reused(
        identity: IdentityService, clock: FakeClock):
    await make_anna(identity)
    token = await identity.create_token("anna", "wfm")
    with pytest.raises(TokenExists):
        await identity.create_token("anna", "wfm")
    await identity.revoke_token("anna", "wfm")
    assert await identity.principal_for_token(token) is None
    with pytest.raises(TokenNotFound):
        await identity.revoke_token("anna", "wfm")
    second = await identity.create_token("anna", "wfm")
    assert await identity.principal_for_token(second) is not None
    tokens = await identity.list_tokens("anna")
    assert [t.is_active(clock.now) for t in tokens] == [False, True]


async def test_tokens_of_an_unknown_user_cannot_be_created(identity: IdentityService):
    with pytest.raises(UserNotFound):
        await identity.create_token("nobody", "wfm")
    assert await identity.principal_for_token("rgv_made-up") is None
    assert await identity.principal_for_token("not-even-a-token") is None


async def test_demo_users_are_created_once_with_password_demo(identity: IdentityService):
    users = await identity.ensure_demo_users()
    assert [u.username for u in users] == ["sjukskoterska", "handledare", "riksledare",
                                          "regionadmin", "redaktor", "granskare", "bemanning"]
    assert users[0].roles == {Role.NURSE} and users[0].regions == {"01"}
    assert users[2].roles == {Role.SUPERVISOR} and users[2].regions == {"*"}
    assert users[6].roles == {Role.STAFFING_SYSTEM} and users[5].regions == {"*"}
    again = await identity.ensure_demo_users()
    assert [u.user_id for u in again] == [u.user_id for u in users]
    assert await identity.authenticate("handledare", "demo") is not None
