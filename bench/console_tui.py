"""Benchmark: the terminal console under Pilot, keystroke to hits shown, against the
console API's search call alone in the same run.

The whole service runs in this process on the built-in ARI simulator (SQLite, the demo
guidelines) with its web server, as in ``bench/console.py``. The demo nurse logs in to
the terminal console (``ConsoleApp`` under Textual's Pilot at 100×30), answers a call by
hand and goes to the Bedöma search. ``--queries`` queries (Swedish symptom words from
the demo guidelines and prefixes of them, cycled) are each typed into an empty field one
key at a time, as a nurse types:

* **Keystroke to hits shown**: from the press of the query's last key to the Bedöma
  pane's ``HitsShown`` for that exact query being dispatched (the hits are in the list);
  and to the screen's next refresh after it (the hits painted). Searches for the
  earlier prefixes run too, and a newer key cancels them, as in real typing.
* **API call alone** (the baseline): ``ConsoleClient.search`` for the same query on the
  app's own client, in the same event loop, paired with each typed query (before it for
  every other query, after it for the rest, so neither side always runs first).

The first query is typed once beforehand and not counted (the first hits build the list's
widgets). Times are ``time.perf_counter``; the bench never sleeps to wait for the screen.
Pilot lets each key settle before the next (it waits for the process to go idle, about
0.1 s with the service in the same process), so keys come at a quick typist's pace and the
default run (each query of the mix once) takes about 30 s.

    .venv/bin/python bench/console_tui.py [--queries 20] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from bench.console import figures
from contactcenter.bootstrap import start_web
from nurse_console.client import ConsoleClient
from nurse_console.tui.app import ConsoleApp
from nurse_console.tui.assess import AssessPane
from tests.support.system import System, running_system

SIZE = (100, 30)
# What nurses type for the demo guidelines' symptoms, whole words and the prefixes a
# search-as-you-type sees on the way; "hos" is also a function word ("at") and finds
# nothing, as while typing "hosta".
QUERIES = ("feb", "feber", "hosta", "buk", "buksmärta", "huvudvärk", "utslag", "hos",
           "andningsbesvar", "yrsel", "bröstsmärta", "kräkningar", "halsont", "feber barn",
           "svimning", "tandvärk", "öronvärk", "nässelutslag", "huvud", "ryggont")
TIMEOUT = 15.0


@dataclass
class HitsClock:
    """When the hits of the awaited query were shown, and when the screen next refreshed.

    Installed as Pilot's message hook, so it sees every message as a widget dispatches it;
    the first dispatch of ``HitsShown`` (at the pane itself) is the moment counted."""

    app: ConsoleApp | None = None
    query: str | None = None
    shown: asyncio.Future[float] | None = None
    painted: asyncio.Future[float] | None = None
    hits: int = 0

    def expect(self, query: str) -> None:
        loop = asyncio.get_running_loop()
        self.query, self.shown, self.painted = query, loop.create_future(), \
            loop.create_future()

    def __call__(self, message: Message) -> None:
        now = time.perf_counter()
        if not isinstance(message, AssessPane.HitsShown) or message.query != self.query \
                or self.shown is None or self.shown.done():
            return  # not awaited, or the awaited one again as it bubbles up
        self.shown.set_result(now)
        self.hits = message.count
        painted = self.painted
        assert self.app is not None and painted is not None
        self.app.call_after_refresh(
            lambda: painted.done() or painted.set_result(time.perf_counter()))

    async def times(self) -> tuple[float, float]:
        assert self.shown is not None and self.painted is not None
        async with asyncio.timeout(TIMEOUT):
            return await self.shown, await self.painted


async def until(pilot: Pilot[None], condition: Callable[[], Any], what: str) -> None:
    """Let the app run until ``condition()`` holds."""
    try:
        async with asyncio.timeout(TIMEOUT):
            while not condition():
                await pilot.pause()
    except TimeoutError:
        raise RuntimeError(f"never saw {what}") from None


async def on_a_call(system: System, pilot: Pilot[None], app: ConsoleApp) -> None:
    """Redo, a caller offered, Svara: the call's phases are up; then ``/`` to the search."""
    await until(pilot, lambda: app.view_now is not None, "the console view")
    await pilot.press("r")
    await until(pilot, lambda: app.view_now and app.view_now["nurse"]["state"] == "ready",
                "the nurse ready")
    await system.sim.add_caller(number="+46701234567", municipality="0180", talk=None)
    await until(pilot, lambda: app.query_one("#offer").display, "the offer banner")
    await pilot.press("s")
    await until(pilot, lambda: app.query_one("#call").display, "the call in the console")
    await pilot.press("slash")
    await until(pilot, lambda: app.query_one("#search", Input).has_focus, "the search")


async def type_query(pilot: Pilot[None], app: ConsoleApp, clock: HitsClock,
                     query: str) -> tuple[float, float]:
    """Empty the field, type ``query`` key by key: milliseconds from its last key to the
    hits shown and to the screen refreshed after them."""
    box = app.query_one("#search", Input)
    if box.value:
        clock.expect("")
        box.value = ""
        await clock.times()  # the emptied field's search has settled
    for key in query[:-1]:
        await pilot.press(key)
    clock.expect(query)
    pressed = time.perf_counter()
    await pilot.press(query[-1])
    shown, painted = await clock.times()
    return (shown - pressed) * 1000, (painted - pressed) * 1000


async def api_alone(client: ConsoleClient, query: str) -> float:
    """Milliseconds of the search call alone, as the pane makes it (no age on a new call)."""
    started = time.perf_counter()
    await client.search(query, None)
    return (time.perf_counter() - started) * 1000


async def measure(system: System, base_url: str, count: int) -> dict[str, list[float]]:
    """The paired samples: typed to shown, typed to painted, the API call alone."""
    clock = HitsClock()
    samples: dict[str, list[float]] = {"shown": [], "painted": [], "api": [],
                                     "hits": []}
    async with ConsoleClient(base_url) as client:
        app = ConsoleApp(client, username="sjukskoterska", password="demo")
        clock.app = app
        async with app.run_test(size=SIZE, message_hook=clock) as pilot:
            await on_a_call(system, pilot, app)
            await type_query(pilot, app, clock, QUERIES[0])  # warm-up, not counted
            for i in range(count):
                query = QUERIES[i % len(QUERIES)]
                if i % 2:
                    samples["api"].append(await api_alone(client, query))
                shown, painted = await type_query(pilot, app, clock, query)
                samples["shown"].append(shown)
                samples["painted"].append(painted)
                samples["hits"].append(clock.hits)
                if not i % 2:
                    samples["api"].append(await api_alone(client, query))
    return samples


async def run(queries: int) -> dict[str, Any]:
    """Every figure of one run, as ``--json`` writes them."""
    with tempfile.TemporaryDirectory() as tmp:
        async with running_system(Path(tmp), speed=1.0, **{
                "callflow.nurse_originate_timeout_seconds": 30,
                "callflow.wrapup_seconds": 60}) as system:
            await system.services.identity.ensure_demo_users()
            await system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False,
                                   behaviour="manual")
            runner, port = await start_web(system.services, "127.0.0.1", 0)
            try:
                samples = await measure(system, f"http://127.0.0.1:{port}", queries)
            finally:
                await runner.cleanup()
    shown, api = figures(samples["shown"]), figures(samples["api"])
    extra = [s - a for s, a in zip(samples["shown"], samples["api"], strict=True)]
    return {"queries": queries, "size": f"{SIZE[0]}x{SIZE[1]}",
            "keystroke_to_hits_shown": shown,
            "keystroke_to_hits_painted": figures(samples["painted"]),
            "api_search_alone": api,
            "ratio_p50_shown_vs_api": round(shown["p50_ms"] / max(api["p50_ms"], 1e-6), 1),
            "ratio_p99_shown_vs_api": round(shown["p99_ms"] / max(api["p99_ms"], 1e-6), 1),
            "paired_extra_p50_ms": round(statistics.median(extra), 2),
            "typed_without_hits": samples["hits"].count(0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=len(QUERIES),
                        help="typed queries to time (the mix is cycled)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.queries))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
