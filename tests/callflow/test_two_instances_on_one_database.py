"""Two service instances on one PostgreSQL, each with its own Asterisk (an ARI simulator).

Hundreds of callers arrive on both at once while nurses go ready, pause and come back
through both instances' APIs. No call is ever offered to two nurses at once and no nurse
is ever offered two calls at once (checked in the shared log); no nurse talks with two
callers at once (checked on the phones, across both Asterisks); every caller is answered
exactly once; and each instance's engine is the state of the log where it has read to.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ari_simulator import AriSimulator
from contactcenter.bootstrap import Services
from contactcenter.db import create_engine, upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from queues import events as ev
from queues.engine import Engine
from queues.errors import NurseStateRefused
from queues.replica import GENERATION_STARTED, InstanceIdInUse
from queues.serialization import event_from_row
from queues.sql import queue_events
from tests.support.system import SPEED, eventually, make_settings, start_system

pytestmark = pytest.mark.postgres

REGIONS = {"01": "+468", "12": "+4640", "14": "+4631"}  # region: area code of its callers
NURSES_PER_REGION = 8
CALLERS = 360


async def _instance(tmp_path: Path, pg_url: str, name: str) -> tuple[AriSimulator, Services]:
    settings = make_settings(tmp_path, **{"database.url": pg_url, "service.instance_id": name,
                                          "callflow.wrapup_seconds": 0.5})
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    return sim, await start_system(settings, sim)


async def _log(pg_url: str) -> list[tuple[int, str, ev.Event | None, str]]:
    engine = create_engine(pg_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(queue_events).order_by(queue_events.c.id))).all()
    finally:
        await engine.dispose()
    return [(r.id, r.type,
             None if r.type == GENERATION_STARTED else event_from_row(r.type, r.data),
             r.instance_id) for r in rows]


def _check_offers(log: list[tuple[int, str, ev.Event | None, str]]) -> Counter[str]:
    """Walk the shared log in its one order: a nurse holds at most one call, a call is with
    at most one nurse, and a call is answered again only after it was put back in the queue
    (joining a granted answer failed); returns each call's answers less such re-queueings."""
    nurse_call: dict[str, str] = {}
    call_nurse: dict[str, str] = {}
    answered: Counter[str] = Counter()
    for _id, _type, event, _instance in log:
        if isinstance(event, ev.CommandReceived) and event.command == "call_arrived":
            call_id = str(dict(event.args)["call_id"])
            if call_id in answered:  # back in the queue after a failed join
                assert call_id not in call_nurse
                answered[call_id] -= 1
        elif isinstance(event, ev.CallOffered):
            assert event.nurse_id not in nurse_call, \
                f"{event.nurse_id} offered {event.call_id} while holding {nurse_call}"
            assert event.call_id not in call_nurse, \
                f"{event.call_id} offered to {event.nurse_id} while with {call_nurse}"
            nurse_call[event.nurse_id] = event.call_id
            call_nurse[event.call_id] = event.nurse_id
        elif isinstance(event, (ev.OfferDeclined, ev.OfferWithdrawn, ev.CallEnded)):
            assert nurse_call.get(event.nurse_id) == event.call_id
            del nurse_call[event.nurse_id]
            del call_nurse[event.call_id]
        elif isinstance(event, ev.CallAnswered):
            assert call_nurse.get(event.call_id) == event.nurse_id
            answered[event.call_id] += 1
    return answered


def _overlaps(intervals: list[list[float | None]]) -> list[tuple[float, float]]:
    spans = sorted((start, end if end is not None else float("inf"))
                   for start, end in intervals if start is not None)
    return [(a[0], b[0]) for a, b in itertools.pairwise(spans) if b[0] < a[1]]


async def test_two_instances_never_offer_one_call_twice_nor_two_calls_to_one_nurse(
    tmp_path: Path, pg_url: str,
) -> None:
    await upgrade(pg_url)
    roster = [DemoNurse(f"ssk-{region}-{i}", f"Test {region}-{i}", region,
                        f"PJSIP/ssk-{region}-{i}", None)
              for region in REGIONS for i in range(1, NURSES_PER_REGION + 1)]
    sim_a, a = await _instance(tmp_path / "a", pg_url, "instance-a")
    await ensure_roster(a, roster)
    sim_b, b = await _instance(tmp_path / "b", pg_url, "instance-b")
    instances = (a, b)
    phones: dict[str, list[Any]] = {}
    try:
        for nurse in roster:
            a.queues.add_nurse(nurse.nurse_id, nurse.display_name, nurse.region,
                               nurse.endpoint)
            # A nurse's phone is reachable from both Asterisks.
            phones[nurse.nurse_id] = [
                await sim.add_phone(endpoint=nurse.endpoint, behaviour="answer",
                                    answer_delay=0.3, talk=1.0) for sim in (sim_a, sim_b)]
        await a.queues.flush()
        await eventually(lambda: all(n.nurse_id in b.queues.engine.agents for n in roster),
                         what="the roster in both replicas")
        rng = random.Random(1177)

        async def ready(nurse_id: str, via: Services) -> None:
            try:
                await via.queues.set_nurse_state(nurse_id, "ready")
            except NurseStateRefused:
                pass  # on a call or in wrap-up meanwhile: the transition is refused

        async def arrive(i: int) -> None:
            await asyncio.sleep(rng.random() * 2.0)
            region = rng.choice(list(REGIONS))
            sim = (sim_a, sim_b)[i % 2]
            await sim.add_caller(number=f"{REGIONS[region]}{1000000 + i}", patience=None,
                                 talk=None)

        async def churn(stop: asyncio.Event) -> None:
            """Pauses and readies through either instance while calls flow."""
            while not stop.is_set():
                nurse = rng.choice(roster).nurse_id
                try:
                    await rng.choice(instances).queues.set_nurse_state(nurse, "paused",
                                                                       "meeting")
                except NurseStateRefused:
                    pass  # ringing or talking: a pause is refused
                await asyncio.sleep(rng.random() * 0.05)
                await ready(nurse, rng.choice(instances))

        stop = asyncio.Event()
        churning = [asyncio.ensure_future(churn(stop)) for _ in range(8)]
        await asyncio.gather(
            *(ready(n.nurse_id, instances[i % 2]) for i, n in enumerate(roster)),
            *(arrive(i) for i in range(CALLERS)))
        callers = [c for sim in (sim_a, sim_b) for c in sim.callers.values()]
        assert len(callers) == CALLERS
        await eventually(lambda: sum(c.status == "hung_up" for c in callers) > CALLERS * 2 / 3,
                         timeout=120, what="two thirds of the calls answered and finished")
        stop.set()
        await asyncio.gather(*churning)
        await asyncio.gather(*(ready(n.nurse_id, a) for n in roster))
        await eventually(lambda: all(c.status in ("hung_up", "rejected") for c in callers),
                         timeout=240, what="every caller answered and finished")

        for services in instances:
            await services.call_log.flush()
            await services.queues.flush()
        for services in instances:
            await services.queues.replica.catch_up()

        # Every caller was answered by a nurse and talked until the nurse hung up.
        assert Counter(c.status for c in callers) == {"hung_up": CALLERS}
        log = await _log(pg_url)
        answered = _check_offers(log)
        assert len(answered) == CALLERS and set(answered.values()) == {1}
        # Both instances took decisions, each for its own callers, on one shared state.
        writers = Counter(i for _id, t, _e, i in log if t == "CommandReceived")
        assert writers["instance-a"] > CALLERS / 4 and writers["instance-b"] > CALLERS / 4
        # Hundreds of nurses becoming ready (log-ins, pauses ended, wrap-ups ended) from both.
        readies = Counter((e.command, i) for _id, _t, e, i in log
                          if isinstance(e, ev.CommandReceived)
                          and e.command in ("log_in", "unpause", "end_wrap_up"))
        became_ready = sum(1 for _id, _t, e, _i in log if isinstance(e, ev.NurseStateChanged)
                           and e.to_state == "ready")
        print(f"readies requested: {dict(readies)}; nurses became ready {became_ready} times")
        assert sum(n for (_c, i), n in readies.items() if i == "instance-a") >= 50
        assert sum(n for (_c, i), n in readies.items() if i == "instance-b") >= 50
        assert became_ready >= CALLERS
        # No nurse talked with two callers at once, across both Asterisks.
        for nurse_id, both in phones.items():
            spans = [span for phone in both for span in phone.talk_intervals]
            assert not _overlaps(spans), f"{nurse_id} had two calls at once"
        assert sum(len(p.talk_intervals) for both in phones.values() for p in both) == CALLERS
        # Each replica is the state of the shared log at the position it has applied.
        positions = [await services.queues.replica.position() for services in instances]
        log = await _log(pg_url)
        start = max(i for i, (_id, t, _e, _n) in enumerate(log) if t == GENERATION_STARTED)
        for cursor, snapshot in positions:
            replayed = Engine.replay(a.queues.engine.config, a.queues.engine.start,
                                     (e for i, _t, e, _n in log[start + 1:]
                                      if e is not None and i <= cursor))
            assert snapshot == replayed.snapshot()
    finally:
        for services in instances:
            await services.stop()
        await sim_a.stop()
        await sim_b.stop()


async def test_a_second_instance_with_the_same_id_is_refused(tmp_path: Path,
                                                             pg_url: str) -> None:
    await upgrade(pg_url)
    sim_a, a = await _instance(tmp_path / "a", pg_url, "same")
    try:
        settings = replace(make_settings(tmp_path / "b", **{"database.url": pg_url,
                                                           "service.instance_id": "same"}))
        from contactcenter.bootstrap import build_services

        twin = build_services(settings)
        with pytest.raises(InstanceIdInUse, match="same"):
            await twin.queues.start()
        await twin.engine.dispose()
    finally:
        await a.stop()
        await sim_a.stop()
