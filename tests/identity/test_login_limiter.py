"""The login limiter through the real HTTP server: bounded memory, per-address and
per-account backoff, and per-account state that survives a restart."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from contactcenter.db import create_engine, session_factory
from contactcenter.identity.http import setup_identity
from contactcenter.identity.limiter import ADDRESS_BACKOFF, AddressStrikes, address_key
from contactcenter.identity.service import IdentityService
from tests.identity.conftest import FakeClock, cheap_passwords

PASSWORD = "korrekt häst batteri"


async def serve(identity: IdentityService) -> TestServer:
    app = web.Application()
    setup_identity(app, identity, session_hours=8, cookie_secure=False)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    return server


@pytest.fixture
async def server(identity: IdentityService) -> AsyncIterator[TestServer]:
    await identity.create_user("anna", "Anna", PASSWORD, ["nurse"], ["01"])
    server = await serve(identity)
    try:
        yield server
    finally:
        await server.close()


async def login(server: TestServer, username: str, password: str, *,
                source: str = "127.0.0.1") -> aiohttp.ClientResponse:
    """A JSON login from the loopback address ``source`` (Linux answers all of 127/8)."""
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    async with aiohttp.ClientSession(connector=connector) as session, \
            session.post(server.make_url("/login"),
                         json={"username": username, "password": password}) as response:
        await response.read()
        return response


async def test_a_hundred_logins_with_huge_usernames_leave_no_trace_in_memory(
        server: TestServer):
    huge = "x" * 900_000
    async with aiohttp.ClientSession() as session:
        await session.post(server.make_url("/login"), json={"username": "a", "password": "b"})
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for n in range(100):
                async with session.post(server.make_url("/login"),
                                        json={"username": f"{n}{huge}", "password": "x"}) as r:
                    assert r.status in (401, 429)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert grown < 5_000_000, f"{grown} bytes kept after the logins"


async def test_spraying_one_password_over_many_usernames_from_one_address_is_slowed(
        server: TestServer, identity: IdentityService):
    for n in range(30):
        await identity.create_user(f"ssk{n:02d}", f"Ssk {n}", PASSWORD, ["nurse"], ["01"])
    statuses = [(await login(server, f"ssk{n % 30:02d}", "Sommar2026!")).status
                for n in range(74)]
    assert statuses.count(401) == ADDRESS_BACKOFF.free
    assert statuses.count(429) == 74 - ADDRESS_BACKOFF.free
    other_address = await login(server, "anna", PASSWORD, source="127.0.0.2")
    assert other_address.status == 200


async def test_wrong_passwords_from_many_addresses_make_the_account_wait(
        server: TestServer):
    for n in range(5):
        assert (await login(server, "anna", "fel", source=f"127.0.0.{10 + n}")).status == 401
    blocked = await login(server, "anna", PASSWORD, source="127.0.0.2")
    assert blocked.status == 429
    assert int(blocked.headers["Retry-After"]) > 0


async def test_the_right_password_waits_at_most_two_minutes_however_many_wrong_ones_came(
        server: TestServer, clock: FakeClock):
    waits, guesses, n = [], 0, 0
    while guesses < 20:  # twenty wrong passwords checked, from as many addresses
        n += 1
        response = await login(server, "anna", "fel", source=f"127.0.0.{10 + n}")
        if response.status == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.advance(seconds=waits[-1])
        else:
            guesses += 1
    assert waits and max(waits) <= 120
    assert waits == sorted(waits), "the wait grows with every guess"
    nurse = await login(server, "anna", PASSWORD, source="127.0.0.2")
    assert nurse.status == 429 and int(nurse.headers["Retry-After"]) <= 120
    clock.advance(seconds=int(nurse.headers["Retry-After"]))
    assert (await login(server, "anna", PASSWORD, source="127.0.0.2")).status == 200


async def test_attempts_refused_during_a_wait_do_not_lengthen_it(
        server: TestServer, clock: FakeClock):
    for n in range(5):
        await login(server, "anna", "fel", source=f"127.0.0.{10 + n}")
    first = await login(server, "anna", "fel", source="127.0.0.20")
    for n in range(20):
        assert (await login(server, "anna", "fel", source=f"127.0.0.{30 + n}")).status == 429
    clock.advance(seconds=int(first.headers["Retry-After"]))
    assert (await login(server, "anna", PASSWORD, source="127.0.0.2")).status == 200


async def test_concurrent_guesses_cannot_slip_past_the_count(server: TestServer):
    statuses = await asyncio.gather(*(
        login(server, "anna", f"fel{n}", source=f"127.0.0.{10 + n}") for n in range(30)))
    assert sum(r.status == 401 for r in statuses) == 5
    assert sum(r.status == 429 for r in statuses) == 25


async def test_the_account_wait_survives_a_restart_on_the_same_database(
        server: TestServer, migrated_db: str, clock: FakeClock):
    for n in range(6):
        await login(server, "anna", "fel", source=f"127.0.0.{10 + n}")
    await server.close()
    engine = create_engine(migrated_db)
    try:
        restarted = IdentityService(session_factory(engine), clock, passwords=cheap_passwords())
        again = await serve(restarted)
        try:
            assert (await login(again, "anna", PASSWORD, source="127.0.0.2")).status == 429
            clock.advance(minutes=2)
            assert (await login(again, "anna", PASSWORD, source="127.0.0.2")).status == 200
        finally:
            await again.close()
    finally:
        await engine.dispose()


def test_the_address_table_keeps_at_most_its_cap_evicting_the_least_recently_seen():
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    table = AddressStrikes(ADDRESS_BACKOFF, max_keys=100)
    for n in range(1000):
        table.reserve(f"10.0.{n // 256}.{n % 256}", now + timedelta(milliseconds=n))
    assert len(table) == 100


def test_an_ipv6_host_is_counted_by_its_64_prefix_and_mapped_ipv4_as_ipv4():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key(None) == "unknown"


async def test_typos_spread_over_a_shift_from_one_shared_address_never_add_up_to_a_wait(
        server: TestServer, identity: IdentityService, clock: FakeClock):
    for n in range(60):
        await identity.create_user(f"ssk{n:02d}", f"Ssk {n}", PASSWORD, ["nurse"], ["01"])
    for n in range(60):  # a call centre behind one NAT: a mistyped password a minute
        assert (await login(server, f"ssk{n:02d}", "fel")).status == 401
        assert (await login(server, f"ssk{n:02d}", PASSWORD)).status == 200
        clock.advance(minutes=1)
