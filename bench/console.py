"""Benchmark: the nurse console in a real headless Chromium, against baselines in the same run.

* **Keystroke to rendered hits**: for each golden query, the nurse types it into
  ``Sök beslutsstöd``; the time from its last character entering the field to the hits
  for the whole query being in the page (the page fires ``hits-rendered``), on the
  sample library grown to ``--size`` guidelines as ``bench/guideline_search.py``
  grows it. Baseline: the bare index call (``GuidelineService.search``) for the same
  queries in the same process.
* **Offer to banner**: from the queue engine's offer (the nurse's ``offered`` state
  begins, server clock) to the offer banner shown in the page (the same machine's
  clock), over ``--calls`` calls. Baseline: the same offer seen by polling the
  console API (``GET /api/v1/console``) from Python.

    .venv/bin/python bench/console.py [--size 5000] [--calls 30] [--json PATH]

200 consoles connected while the surge runs: ``bench/console_load.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp

from ari_simulator import AriSimulator
from bench.guideline_search import make_variants
from contactcenter.bootstrap import start_web
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from decision_support.search import GuidelineIndex
from tests.support.system import make_settings, start_system

GOLDEN = ROOT / "tests" / "decision_support" / "golden_queries.csv"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROBE = """() => {
  window.__t = {};
  const box = document.getElementById('search');
  box.addEventListener('input', () => { window.__t.down = performance.now(); }, true);
  document.addEventListener('hits-rendered', (e) => {
    if (e.detail.q === box.value.trim()) window.__t.done = performance.now(); });
  new MutationObserver(() => {
    if (!document.getElementById('offer').hidden && !window.__t.offer) window.__t.offer = Date.now();
  }).observe(document.getElementById('offer'), { attributes: true });
}"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(statistics.median(values), 2),
            "p99_ms": round(pct(values, 99), 2), "max_ms": round(max(values), 2)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("the system's Chromium is needed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    queries = [r["query"] for r in csv.DictReader(GOLDEN.open(encoding="utf-8"))]
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp), **{
            "callflow.nurse_originate_timeout_seconds": 30, "callflow.wrapup_seconds": 60})
        await upgrade(settings.database.url)
        sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                           speed=1.0)
        await sim.start()
        services = await start_system(settings, sim)
        runner = None
        try:
            grown, runner, base = await prepare(services, sim, args.size)
            bare = []
            for q in queries:
                t0 = time.perf_counter()
                services.guidelines.search(q)
                bare.append((time.perf_counter() - t0) * 1000)
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=chromium, args=ARGS)
                page = await (await browser.new_context()).new_page()
                await page.goto(f"{base}/login")
                await page.fill("input[name=username]", "sjukskoterska")
                await page.fill("input[name=password]", "demo")
                await page.press("input[name=password]", "Enter")
                await page.wait_for_url(f"{base}/console")
                await page.locator("#feed.on").wait_for()
                await page.evaluate(PROBE)
                offers, polled = await offer_to_banner(page, services, sim, base, args.calls)
                typed = await keystroke_to_hits(page, queries)
                await browser.close()
        finally:
            if runner is not None:
                await runner.cleanup()
            await services.stop()
            await sim.stop()
    result = {"size": len(grown), "keystroke_to_hits": figures(typed),
              "bare_index_call": figures(bare), "offer_to_banner": figures(offers),
              "offer_to_api_poll": figures(polled)}
    result["ratio_p99_keystroke_vs_bare"] = round(
        result["keystroke_to_hits"]["p99_ms"] / max(result["bare_index_call"]["p99_ms"], 1e-6), 1)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


async def prepare(services: Any, sim: AriSimulator, size: int) -> tuple[list[Any], Any, str]:
    """The grown library, the demo nurse with a phone answered by hand, the web server."""
    library = services.guidelines.library
    grown = [*library.guidelines, *make_variants(library.guidelines, size)]
    # The bench swaps in the grown index; the service searches it as its own.
    services.guidelines._index = GuidelineIndex.build(grown)
    await services.identity.ensure_demo_users()
    await ensure_roster(services, [DemoNurse("ssk-01-1", "Bench", "01", "PJSIP/ssk-01-1",
                                             "sjukskoterska")])
    services.queues.add_nurse("ssk-01-1", "Bench", "01", "PJSIP/ssk-01-1", "sjukskoterska")
    await sim.add_phone(endpoint="PJSIP/ssk-01-1", behaviour="manual")
    runner, port = await start_web(services, "127.0.0.1", 0)
    return grown, runner, f"http://127.0.0.1:{port}"


async def offer_to_banner(page: Any, services: Any, sim: AriSimulator, base: str,
                          calls: int) -> tuple[list[float], list[float]]:
    banner, polled = [], []
    await page.keyboard.press("Alt+r")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        http.headers["Origin"] = base
        async with http.post(f"{base}/login", json={"username": "sjukskoterska",
                                                    "password": "demo"}) as resp:
            assert resp.status == 200
        for _ in range(calls):
            await page.evaluate("() => { window.__t.offer = 0; }")
            await wait_state(services, "ready")
            caller = await sim.add_caller(number="+46701234567", municipality="0180", talk=None)
            seen = None
            while seen is None:  # the console API, polled as a client would
                async with http.get(f"{base}/api/v1/console") as resp:
                    body = await resp.json()
                if body["work"] and body["work"]["status"] == "offered":
                    seen = time.time()
                else:
                    await asyncio.sleep(0.002)
            since = services.queues.nurse_view("ssk-01-1")["since"]
            offered_at = datetime.fromisoformat(since).timestamp()
            await page.wait_for_function("() => window.__t.offer > 0")
            shown = await page.evaluate("() => window.__t.offer") / 1000
            banner.append((shown - offered_at) * 1000)
            polled.append((seen - offered_at) * 1000)
            await page.keyboard.press("Alt+s")
            await wait_state(services, "on_call")
            await page.get_by_role("tab", name="Öppna").wait_for()
            sim.caller(caller.caller_id).hang_up()
            await wait_state(services, "wrap_up")
            await page.locator("#wrapup:not([hidden])").wait_for()
            await page.keyboard.press("Alt+r")
        await page.keyboard.press("Alt+r")
    # One more call, left on, for the search part.
    await wait_state(services, "ready")
    await sim.add_caller(number="+46701234567", municipality="0180", talk=None)
    await page.locator("#offer:not([hidden])").wait_for()
    await page.keyboard.press("Alt+s")
    await page.get_by_role("tab", name="Öppna").wait_for()
    return banner, polled


async def wait_state(services: Any, state: str) -> None:
    for _ in range(3000):
        if services.queues.nurse_state("ssk-01-1") == state:
            return
        await asyncio.sleep(0.005)
    raise RuntimeError(f"the nurse never became {state}")


async def keystroke_to_hits(page: Any, queries: list[str]) -> list[float]:
    await page.keyboard.press("Alt+k")
    box = page.get_by_label("Sök beslutsstöd")
    out = []
    for q in queries:
        await box.fill(q[:-1])
        await page.evaluate("() => { window.__t.down = 0; window.__t.done = 0; }")
        await page.keyboard.type(q[-1])  # keydown, input, as a nurse types it
        try:
            await page.wait_for_function("() => window.__t.done > 0 && window.__t.down > 0",
                                         timeout=10000)
        except Exception:
            print("stuck on", repr(q), await page.locator("#error").inner_text(),
                  await page.evaluate("() => JSON.stringify(window.__t)"), file=sys.stderr)
            raise
        out.append(await page.evaluate("() => window.__t.done - window.__t.down"))
    return out


if __name__ == "__main__":
    asyncio.run(main())
