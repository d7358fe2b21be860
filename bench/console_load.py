"""Benchmark: ``--consoles`` nurse consoles connected to one service while the surge runs.

The surge of ``bench/surge.py`` (the service on the built-in ARI simulator, callers from
every region, nurses whose simulated phones answer by themselves) runs twice in one
process run with the same seed: once with no console connected (the baseline), once with
every nurse of the roster at her console. Each nurse has her own login (role nurse, her
region); her console is an aiohttp session that logs in as a browser does (JSON, the
site's ``Origin``), reads ``GET /api/v1/console`` once and keeps the console WebSocket
open. Reported for both runs: the surge's figures (answered, lost, StasisStart → bridged,
offer → bridged) and their ratio with/without consoles; for the consoles:

* push lag: receive time − the message's ``server_time`` (same machine clock), p50, p99,
  max, and messages a second over all consoles;
* change lag: receive time − ``nurse.since`` for the messages that bring a new nurse
  state — the time from the queue engine's change to the console seeing it;
* changed messages (nurse state or call work differ from the console's previous message,
  the ticking phase times aside) against all messages;
* correctness: every message carries the console's own nurse, and every call it shows was
  offered to her (from ``queue_events``) — violations must be 0; every answered call is
  seen as offer → on call → wrap-up by its nurse's console.

A module of its own rather than an option of ``surge.py``: the consoles need logins, the
web server and a second process, which would hide the surge's own check; this module
reuses the surge's pieces as they are. The consoles run in a child process (this module
with ``--consoles-at``, logins on stdin, figures on stdout, no files): a browser is not
in the service's process, and their JSON decoding would otherwise be charged to the
service's figures.

    .venv/bin/python bench/console_load.py [--consoles 200] [--rate 6] [--minutes 0.75]
                                           [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.console_clients import run_consoles
from bench.surge import REGIONS, SurgeRig, offer_callers, start_service, stop_service
from contactcenter.bootstrap import start_web
from contactcenter.demo import DemoNurse
from queues.sql import queue_events

TALK = (30.0, 150.0)  # simulated seconds (3–15 s of wall clock): the run stays short
COMPARED = ("answered", "lost_or_stranded", "stasis_to_bridged_p50_ms",
            "stasis_to_bridged_p99_ms", "offer_to_bridged_p50_ms", "offer_to_bridged_p99_ms")


def console_roster(count: int) -> list[DemoNurse]:
    """``count`` nurses spread over the surge's regions, each linked to her own login."""
    regions = list(REGIONS)
    return [DemoNurse(f"c-{i}", f"Konsol {i}", regions[i % len(regions)], f"PJSIP/c-{i}",
                      f"konsol{i}") for i in range(count)]


def password_of(nurse: DemoNurse) -> str:
    return f"losen-{nurse.nurse_id}-bench"


async def surge_round(args: argparse.Namespace, tmp: Path, *, consoles: bool
                      ) -> dict[str, Any]:
    """One surge on a fresh service; with ``consoles`` every nurse watches her console."""
    rng = random.Random(12)
    roster = console_roster(args.consoles)
    rig = await start_service(roster, tmp, rng)
    runner = None
    try:
        for nurse in roster:  # in both runs, so the databases are alike
            await rig.services.identity.create_user(
                nurse.username or "", nurse.display_name, password_of(nurse), ["nurse"],
                [nurse.region])
        runner, port = await start_web(rig.services, "127.0.0.1", 0)
        base = f"http://127.0.0.1:{port}"
        if not consoles:
            return {"surge": await offer_callers(rig, args.rate, args.minutes, rng, talk=TALK)}
        child = await start_child(base, roster)
        try:
            surge = await offer_callers(rig, args.rate, args.minutes, rng, talk=TALK)
            pushed = await stop_child(child)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        return {"surge": surge, "consoles": await judge(rig, pushed)}
    finally:
        if runner is not None:
            await runner.cleanup()
        await stop_service(rig)


async def start_child(base: str, roster: list[DemoNurse]) -> asyncio.subprocess.Process:
    """The consoles' process, returned once every console has its first push."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--consoles-at", base, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    logins = [[n.username, password_of(n), n.nurse_id] for n in roster]
    child.stdin.write(json.dumps(logins).encode() + b"\n")
    await child.stdin.drain()
    line = await asyncio.wait_for(child.stdout.readline(), 300)
    if json.loads(line or b"{}").get("ready") is not True:
        raise RuntimeError(f"the consoles did not start: {line!r}")
    return child


async def stop_child(child: asyncio.subprocess.Process) -> dict[str, Any]:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(b"stop\n")
    await child.stdin.drain()
    line = await asyncio.wait_for(child.stdout.readline(), 120)
    await child.wait()
    result: dict[str, Any] = json.loads(line)
    return result


async def judge(rig: SurgeRig, pushed: dict[str, Any]) -> dict[str, Any]:
    """The consoles' figures, checked against the calls the queue engine offered."""
    async with rig.services.engine.connect() as conn:
        rows = (await conn.execute(select(queue_events.c.type, queue_events.c.data)
                                   .where(queue_events.c.type.in_(
                                       ("CallOffered", "CallAnswered"))))).all()
    offered: set[tuple[str, str]] = set()
    answered: dict[str, list[str]] = {}
    for r in rows:
        pair = (r.data["nurse_id"], r.data["call_id"])
        if r.type == "CallOffered":
            offered.add(pair)
        else:
            answered.setdefault(r.data["nurse_id"], []).append(r.data["call_id"])
    foreign_calls = 0
    sequences = {"answered_calls": 0, "seen_offer_on_call_wrap_up": 0, "missed_offered": 0,
                 "missed_on_call": 0, "missed_wrap_up": 0}
    for nurse_id, log in pushed.pop("per_console").items():
        foreign_calls += sum(1 for call_id in log["calls"]
                             if (nurse_id, call_id) not in offered)
        for call_id in answered.get(nurse_id, []):
            steps = [state for state, call in log["states"] if call == call_id]
            sequences["answered_calls"] += 1
            missing = [s for s in ("offered", "on_call", "wrap_up") if s not in steps]
            for step in missing:
                sequences[f"missed_{step}"] += 1
            if not missing and _in_order(steps):
                sequences["seen_offer_on_call_wrap_up"] += 1
    pushed["violations"]["call_not_offered_to_this_nurse"] = foreign_calls
    return {**pushed, "sequences": sequences}


def _in_order(steps: list[str]) -> bool:
    first = {s: steps.index(s) for s in ("offered", "on_call", "wrap_up")}
    return first["offered"] < first["on_call"] < first["wrap_up"]


def ratios(without: dict[str, Any], with_: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in COMPARED:
        a, b = without.get(key), with_.get(key)
        out[key] = round(b / a, 3) if isinstance(a, int | float) and a and b is not None \
            else None
    return out


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "without").mkdir()
        (Path(tmp) / "with").mkdir()
        without = await surge_round(args, Path(tmp) / "without", consoles=False)
        with_ = await surge_round(args, Path(tmp) / "with", consoles=True)
    return {"consoles": args.consoles, "rate": args.rate, "minutes": args.minutes,
            "without_consoles": without["surge"], "with_consoles": with_["surge"],
            "ratio_with_to_without": ratios(without["surge"], with_["surge"]),
            "push": with_["consoles"]}


def report(result: dict[str, Any]) -> None:
    a, b, r = result["without_consoles"], result["with_consoles"], \
        result["ratio_with_to_without"]
    print(f"surge: {result['rate']} callers/s for {result['minutes']} min, "
          f"{result['consoles']} nurses")
    print(f"{'':>26}  {'without':>9}  {'with':>9}  {'ratio':>6}")
    for key in ("callers", *COMPARED, "nurse_offered_while_busy", "answered_twice"):
        print(f"{key:>26}  {a.get(key)!s:>9}  {b.get(key)!s:>9}  {r.get(key)!s:>6}")
    print(json.dumps(result["push"], indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consoles", type=int, default=200, help="nurses, each at a console")
    parser.add_argument("--rate", type=float, default=6.0, help="callers per second")
    parser.add_argument("--minutes", type=float, default=0.75)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--consoles-at", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.consoles_at:
        asyncio.run(run_consoles(args.consoles_at))
        return
    result = asyncio.run(main_async(args))
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
