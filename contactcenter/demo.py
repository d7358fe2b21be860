"""The demo: the whole system on embedded defaults with simulated callers and nurses.

SQLite under ``./var/``, the built-in ARI simulator, the demo users, a roster
of fictional nurses whose simulated phones answer by themselves (except the
``sjukskoterska`` login's own, which rings until answered by hand), and a
stream of callers from the demo regions: some whose municipality the network
delivers, some from fixed lines (area code), mobile callers who key their
area code, callers from abroad, and impatient callers who hang up in queue.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ari_simulator import AriSimulator
from contactcenter.bootstrap import Services, build_services, open_services, start_web
from contactcenter.db import upgrade
from contactcenter.demo_phone import SimulatedPhones
from contactcenter.health import DatabaseNotWritable, describe, require_writable
from contactcenter.settings import Settings
from contactcenter.settings.sections import CoachingSettings
from queues.sql import nurses

log = logging.getLogger(__name__)

DEMO_NURSE_NAME = "Saga Lindqvist"
"""The demo nurse login's name (``contactcenter.identity.service.DEMO_USERS``)."""

# Fictional first and last names for the demo roster.
_FIRST = ["Anna", "Elin", "Karin", "Maja", "Sara", "Lena", "Johan", "Erik", "Omar", "Linnea",
          "Ingrid", "Petra", "Nils", "Sofia", "Amir", "Greta", "Hanna", "Mats", "Tove", "Leila"]
_LAST = ["Lindqvist", "Bergström", "Holm", "Ekdahl", "Sandberg", "Nyström", "Falk", "Åberg",
         "Hedlund", "Wikström", "Lund", "Forsberg", "Dahl", "Strand", "Blom", "Sjöberg"]


@dataclass(frozen=True)
class DemoNurse:
    nurse_id: str
    display_name: str
    region: str
    endpoint: str
    username: str | None


def demo_roster(regions: list[str], per_region: int, seed: int = 1177) -> list[DemoNurse]:
    """The fictional nurses of the demo, the first one linked to the demo nurse login."""
    rng = random.Random(seed)
    roster = []
    for code in regions:
        for n in range(1, per_region + 1):
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            username = "sjukskoterska" if (code == regions[0] and n == 1) else None
            if username is not None:  # the same person as the login (identity's demo user)
                name = DEMO_NURSE_NAME
            roster.append(DemoNurse(f"ssk-{code}-{n}", name, code, f"PJSIP/nurse-{code}-{n}",
                                    username))
    return roster


async def ensure_roster(services: Services, roster: list[DemoNurse]) -> None:
    async with services.engine.begin() as conn:
        existing = set((await conn.execute(select(nurses.c.nurse_id))).scalars())
        rows = [
            {"nurse_id": n.nurse_id, "display_name": n.display_name, "home_region": n.region,
             "endpoint": n.endpoint, "username": n.username, "active": True}
            for n in roster if n.nurse_id not in existing
        ]
        if rows:
            await conn.execute(nurses.insert(), rows)


async def ensure_demo_journal(services: Services, regions: list[str], count: int = 300) -> int:
    """Fictional journal entries of the last 30 days (only into an empty journal)."""
    from sqlalchemy import func

    from journal.demo_data import bulk_load, demo_entries
    from journal.sql import journal_entries

    async with services.engine.connect() as conn:
        existing = (await conn.execute(select(func.count()).select_from(journal_entries))).scalar()
    if existing:
        return 0
    from contactcenter.contexts import care_providers

    return await bulk_load(services.engine, demo_entries(
        count, end=services.clock(), days=30, regions=regions,
        care_providers=care_providers(services.settings)))


async def ensure_demo_catalog(services: Services, regions: list[str]) -> None:
    """Fictional care units of the demo regions (only into an empty catalog)."""
    from referral_catalog.demo_fill import fill_demo_catalog

    await fill_demo_catalog(services.catalog, regions=regions, units_total=1600,
                            reference_date=services.clock().date(),
                            config_dir=services.settings.config_dir)


class CallerStream:
    """Simulated callers arriving at random (Poisson) from the demo regions."""

    def __init__(self, sim: AriSimulator, settings: Settings, seed: int | None = None) -> None:
        self._sim = sim
        self._demo = settings.demo
        self._rng = random.Random(seed)
        self._municipalities = _municipalities(settings.config_dir, self._demo.regions)
        self._area_codes = _area_codes(settings.config_dir, self._demo.regions)
        self.started = 0

    def next_caller(self) -> dict[str, Any]:
        rng = self._rng
        region = rng.choice(self._demo.regions)
        kind = rng.choices(["network", "fixed", "mobile_ivr", "abroad", "withheld"],
                           weights=[50, 20, 18, 6, 6])[0]
        caller: dict[str, Any] = {
            "number": "", "municipality": None, "dtmf": [],
            "patience": rng.uniform(90.0, 400.0),
            "talk": rng.uniform(self._demo.talk_seconds_min, self._demo.talk_seconds_max),
        }
        area = rng.choice(self._area_codes.get(region) or ["08"])
        if kind == "network":
            caller["number"] = _mobile(rng)
            caller["municipality"] = rng.choice(self._municipalities[region])
        elif kind == "fixed":
            caller["number"] = f"+46{area[1:]}{rng.randint(100000, 999999)}"
        elif kind == "mobile_ivr":
            caller["number"] = _mobile(rng)
            caller["dtmf"] = [{"at": 2.5, "digits": f"{area}#"}]
        elif kind == "abroad":
            caller["number"] = rng.choice(["+4520", "+4791", "+35840", "+4915"]) + str(
                rng.randint(1000000, 9999999))
        else:
            caller["dtmf"] = [{"at": 2.5, "digits": f"{area}#"}]
        return caller

    async def run(self) -> None:
        rate = self._demo.caller_rate_per_minute * self._demo.speed
        while True:
            await asyncio.sleep(self._rng.expovariate(rate / 60.0))
            try:
                await self._sim.add_caller(**self.next_caller())
                self.started += 1
            except Exception:
                log.exception("could not start a simulated caller")


def _mobile(rng: random.Random) -> str:
    return f"+467{rng.choice('02369')}{rng.randint(1000000, 9999999)}"


def _municipalities(config_dir: Path, regions: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r: [] for r in regions}
    with (config_dir / "municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["lanskod"] in out:
                out[row["lanskod"]].append(row["kommunkod"])
    return out


def _area_codes(config_dir: Path, regions: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r: [] for r in regions}
    with (config_dir / "area_codes.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row.get("lanskod") in out:
                out[row["lanskod"]].append(row["riktnummer"])
    return out


async def run_demo(settings: Settings, *, port: int, callers: bool = True,
                   ready: asyncio.Event | None = None,
                   state: dict[str, Any] | None = None) -> None:
    """Start everything and run until cancelled. ``state`` receives the running parts."""
    demo = settings.demo
    await _upgrade(settings.database.url)
    async with open_services(settings) as parts:  # else the demo would lose all done in it
        await require_writable(parts.engine, settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=demo.speed)
    await sim.start()
    settings = replace(settings, ari=replace(settings.ari, url=sim.ari_url),
                       coaching=demo_coaching(settings))
    services = build_services(settings, phone=SimulatedPhones(sim))
    runner = None
    stream_task = None
    try:
        demo_users = await services.identity.ensure_demo_users()
        await ensure_demo_journal(services, list(demo.regions))
        await services.catalog.start()
        await ensure_demo_catalog(services, list(demo.regions))
        if services.console is not None and services.console.bulletins is not None:
            from nurse_console.demo_bulletins import ensure_demo_bulletins

            await ensure_demo_bulletins(services.console.bulletins, list(demo.regions))
        roster = demo_roster(list(demo.regions), demo.nurses_per_region)
        await ensure_roster(services, roster)
        await services.start()
        await add_demo_phones(sim, services, roster, demo.answer_delay_seconds)
        runner, bound = await start_web(services, settings.http.host, port)
        url = f"http://{settings.http.host}:{bound}/"
        _print_banner(url, demo_users, sim.ari_url)
        if state is not None:
            state.update(url=url, services=services, simulator=sim, port=bound,
                         phones=SimulatedPhones(sim))
        if callers:
            stream_task = asyncio.get_running_loop().create_task(
                CallerStream(sim, settings).run())
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()
    finally:
        if stream_task is not None:
            stream_task.cancel()
        if runner is not None:
            await runner.cleanup()
        await services.stop()
        await sim.stop()


DEMO_COACH = "handledare"
DEMO_COACH_PHONE = "PJSIP/coach-handledare"


def demo_coaching(settings: Settings) -> CoachingSettings:
    """The demo supervisor gets a coach phone (a simulated one that answers) unless the
    configuration names one."""
    coaching = settings.coaching
    if DEMO_COACH in coaching.endpoint_map():
        return coaching
    return replace(coaching, endpoints=(*coaching.endpoints, f"{DEMO_COACH}={DEMO_COACH_PHONE}"))


async def add_demo_phones(sim: AriSimulator, services: Services, roster: list[DemoNurse],
                          answer_delay: float) -> None:
    """A simulated phone per nurse. A nurse linked to a login (``sjukskoterska``) is a person
    at the console: her phone rings until answered by hand (:class:`SimulatedPhones`) and she
    logs in herself. Every other nurse answers by herself and starts ready. Each configured
    coach phone (the demo supervisor's) is a simulated phone that answers."""
    rng = random.Random(7)
    for endpoint in services.settings.coaching.endpoint_map().values():
        if endpoint.startswith("PJSIP/") and endpoint not in sim.switch.endpoints:
            await sim.add_phone(endpoint=endpoint, behaviour="answer",
                                answer_delay=answer_delay, talk=None)
    for nurse in roster:
        delay = answer_delay * rng.uniform(0.5, 1.5)
        if nurse.username is not None:
            await sim.add_phone(endpoint=nurse.endpoint, behaviour="manual", talk=None)
            if services.queues.nurse_state(nurse.nurse_id) in ("ready", "paused"):
                # Left logged in by an earlier demo run in the same ./var/.
                await services.queues.set_nurse_state(nurse.nurse_id, "logged_out")
            continue
        await sim.add_phone(endpoint=nurse.endpoint, behaviour="answer", answer_delay=delay,
                            talk=None)
        await services.queues.set_nurse_state(nurse.nurse_id, "ready")


async def _upgrade(url: str) -> None:
    """Migrate the demo's database; one that cannot be migrated is not writable."""
    from sqlalchemy.exc import DBAPIError

    try:
        await upgrade(url)
    except DBAPIError as exc:
        raise DatabaseNotWritable(f"the database could not be migrated ({describe(exc)})"
                                  ) from exc


def _print_banner(url: str, users: Any, ari_url: str) -> None:
    lines = [
        "",
        "radgivning demo is running",
        f"  open  {url}",
        f"  ARI simulator  {ari_url}",
        "  logins (password 'demo'):",
    ]
    for user in users:
        username = getattr(user, "username", None) or user["username"]
        roles = getattr(user, "roles", None) or user.get("roles", [])
        lines.append(f"    {username:<15} {', '.join(sorted(str(getattr(r, 'value', r)) for r in roles))}")
    lines.append("  stop with Ctrl-C")
    print("\n".join(lines), flush=True)
