"""The machinery of the access matrix (``test_access_matrix.py``): one running service with
callers, nurses and objects of region 01 and region 03, a token for each column's user, a
request per route and target, the outcome as a label, and the Markdown export.

Labels: an HTTP status (``"403"``); ``"allowed"`` (any status but 401, 403 and 404 — a
404 for an object that exists means it is hidden by region scope); ``"role ok"`` for the
contexts' routes (any status but 401 and 403: a made-up id may answer 404); ``"listed"`` /
``"hidden"`` for lists (200, and the target region's object is / is not in it); ``"*"``:
recorded, not asserted.

Write the matrix as Markdown: ``.venv/bin/python -m tests.web.access_matrix OUT.md`` (runs
the matrix tests; the same as ``RADGIVNING_ACCESS_MATRIX=OUT.md pytest
tests/web/test_access_matrix.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert

from ari_simulator import AriSimulator
from contactcenter.bootstrap import start_web
from contactcenter.db import upgrade
from contactcenter.identity.model import Role
from journal.model import EntryContent, EntryKind, EntryStatus, JournalEntry
from journal.sql import entry_values, journal_entries
from tests.support.system import SPEED, System, eventually, make_settings, start_system

NUMBERS = {"01": "+46812345670", "03": "+4618123456"}  # Stockholm (08), Uppsala (018)
NO_TARGET = "any"
NATIONAL_TARGET = "national"  # a national object (a bulletin for the whole country)


@dataclass(frozen=True)
class Column:
    """A user of the matrix: a role and the regions it holds (``None``: not logged in)."""

    name: str
    role: Role | None
    regions: tuple[str, ...]
    username: str | None
    demo: bool = False

    def holds(self, region: str) -> bool:
        return "*" in self.regions or region in self.regions


COLUMNS = (
    Column("anonymous", None, (), None),
    Column("nurse 01", Role.NURSE, ("01",), "sjukskoterska", demo=True),
    Column("supervisor 01", Role.SUPERVISOR, ("01",), "handledare", demo=True),
    Column("region_admin 01", Role.REGION_ADMIN, ("01",), "regionadmin", demo=True),
    Column("content_editor 01", Role.CONTENT_EDITOR, ("01",), "redaktor01"),
    Column("auditor 01", Role.AUDITOR, ("01",), "granskare01"),
    Column("staffing_system 01", Role.STAFFING_SYSTEM, ("01",), "bemanning01"),
    Column("supervisor *", Role.SUPERVISOR, ("*",), "riksledare", demo=True),
    Column("staffing_system *", Role.STAFFING_SYSTEM, ("*",), "bemanning", demo=True),
)


@dataclass
class World:
    """The running service and its objects of region 01 and 03."""

    system: System
    base_url: str
    headers: dict[str, dict[str, str]]
    calls: dict[str, str]
    nurses: dict[str, str]
    journal_entry: str
    app: web.Application | None = None
    bulletins: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)

    @property
    def services(self) -> Any:
        return self.system.services


@dataclass(frozen=True)
class Request:
    """What to send for one target (``path`` is the concrete path, ``json`` the body)."""

    path: str
    json: Any = None
    listed: Callable[[Any], bool] | None = None  # for lists: is the target's object there
    websocket: bool = False


@dataclass(frozen=True)
class Case:
    """A route, how to call it for a target, and each column's expected label."""

    method: str
    route: str
    request: Callable[[World, str], Request]
    expect: Callable[[Column, str], str]
    targets: tuple[str, ...] = ("01", "03")
    prepare: Callable[[World, str], Awaitable[None]] | None = None


def matches(expected: str, observed: str) -> bool:
    """Whether the observed label satisfies the expected one."""
    status = observed.split()[0]
    if expected == "*":
        return True
    if expected == "allowed":
        return status not in ("401", "403", "404")
    if expected == "role ok":
        return status not in ("401", "403")
    if expected in ("listed", "hidden"):
        return observed == f"200 {expected}"
    return status == expected


async def observe(world: World, session: aiohttp.ClientSession, case: Case, target: str,
                  column: Column) -> tuple[str, str]:
    """Send the case's request as ``column``; the label and the raw text received."""
    if case.prepare is not None:
        await case.prepare(world, target)
    req = case.request(world, target)
    headers = {"Origin": world.base_url, **world.headers.get(column.name, {})}
    url = world.base_url + req.path
    if req.websocket:
        try:
            async with session.ws_connect(url, headers=headers) as ws:
                text = await ws.receive_str(timeout=10)
        except aiohttp.WSServerHandshakeError as exc:
            return str(exc.status), ""
        status = 200
    else:
        async with session.request(case.method, url, headers=headers, json=req.json,
                                   allow_redirects=False) as resp:
            status, text = resp.status, await resp.text()
    if req.listed is None or status != 200:
        return str(status), text
    return f"200 {'listed' if req.listed(json.loads(text)) else 'hidden'}", text


async def start_world(tmp: Path) -> tuple[World, AriSimulator, web.AppRunner]:
    """The service with two waiting callers (01, 03), a paused nurse of each region, a
    journal entry of region 01, and a token for every column's user."""
    settings = make_settings(tmp)
    await upgrade(settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    system = System(sim, await start_system(settings, sim), settings)
    services = system.services
    await services.identity.ensure_demo_users()
    headers: dict[str, dict[str, str]] = {}
    for column in COLUMNS:
        if column.username is None:
            continue
        if not column.demo:
            await services.identity.create_user(column.username, column.name, None,
                                                [column.role], list(column.regions))
        token = await services.identity.create_token(column.username, "matrix")
        headers[column.name] = {"Authorization": f"Bearer {token}"}
    nurses = {"01": "ssk-01-m", "03": "ssk-03-m"}
    for region, nurse_id in nurses.items():
        await system.add_nurse(nurse_id, region)
        await services.queues.set_nurse_state(nurse_id, "paused", reason="lunch")
    # The nurse 01 column's own seat (the console answers only nurses on the roster); logged
    # out, so no call is offered to her.
    await system.add_nurse("ssk-01-own", "01", username="sjukskoterska", ready=False)
    calls = {}
    for region, number in NUMBERS.items():
        caller = await sim.add_caller(number=number, patience=None)
        record = await eventually(lambda c=caller: (r := system.call_for_channel(c.channel_id))
                                  and r.state.value == "queued" and r, what="a waiting call")
        assert record.region == region
        calls[region] = record.call_id
    await services.call_log.flush()
    await services.queues.flush()
    entry = await _journal_entry(services, calls["01"])
    runner, port = await start_web(services, "127.0.0.1", 0)
    world = World(system, f"http://127.0.0.1:{port}", headers, calls, nurses, entry, runner.app)
    return world, sim, runner


async def _journal_entry(services: Any, call_id: str) -> str:
    """A stored draft of region 01 (written as the journal stores it, whoever may create)."""
    now = datetime.now(UTC)
    entry = JournalEntry(entry_id=str(uuid.uuid4()), call_id=call_id, kind=EntryKind.ENTRY,
                         status=EntryStatus.DRAFT, revision=1, region="01",
                         care_provider="", nurse_id="another-nurse", nurse_name="another-nurse",
                         content=EntryContent(), created_at=now, updated_at=now)
    async with services.engine.begin() as conn:
        await conn.execute(insert(journal_entries).values(entry_values(entry)))
    return entry.entry_id


async def bulletin_of(world: World, target: str) -> str:
    """A bulletin of region ``target`` (or a national one), written once by a national
    supervisor; its id."""
    if target not in world.bulletins:
        from nurse_console.ports import Actor

        writer = Actor("matrix", "Matris", frozenset({"supervisor"}), frozenset({"*"}))
        written = await world.services.console.bulletins.publish(writer, {
            "title": f"Matris {target}", "text": "Fiktivt testmeddelande.",
            "region": None if target == NATIONAL_TARGET else target})
        world.bulletins[target] = written["bulletin_id"]
    return world.bulletins[target]


def markdown(rows: list[tuple[str, str, str, dict[str, str]]], test_name: str) -> str:
    """The matrix as a Markdown table: route, method, target region, a column per user."""
    names = [c.name for c in COLUMNS]
    lines = ["| route | method | object of | " + " | ".join(names) + " | test |",
             "|---|---|---|" + "---|" * len(names) + "---|"]
    for method, route, target, cells in sorted(rows, key=lambda r: (r[1], r[0], r[2])):
        test = f"`{test_name}[{method} {route} {target}]`"
        lines.append(f"| `{route}` | {method} | {target} | "
                     + " | ".join(cells.get(n, "") for n in names) + f" | {test} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Run the matrix tests and write the observed table to ``argv[0]``."""
    if len(argv) != 1:
        print("usage: python -m tests.web.access_matrix OUT.md", file=sys.stderr)
        return 2
    env = {**os.environ, "RADGIVNING_ACCESS_MATRIX": str(Path(argv[0]).resolve())}
    return subprocess.call([sys.executable, "-m", "pytest", "-q",
                            str(Path(__file__).with_name("test_access_matrix.py"))], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
