"""The login and live pages in a real Chromium at a desk and a phone width: axe-core finds
no serious or critical accessibility problem, and a screenshot of each is written to
``var/screenshots/`` for people to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.system import eventually
from tests.web.conftest import WebSystem
from tests.web.test_live_page_in_browser import page, pytestmark  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[2]
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
SHOTS = REPO / "var" / "screenshots"
WIDTHS = {"desk": (1280, 800), "narrow": (360, 740)}


async def serious_problems(page: Any) -> list[str]:  # noqa: F811
    """axe-core's serious and critical violations on the page, one line each."""
    await page.evaluate(AXE)  # evaluated by the test, not loaded by the page: the CSP holds
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", list(WIDTHS))
async def test_login_and_live_pages_have_no_serious_accessibility_problem(
    web_system: WebSystem, page: Any, width: str,  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    w, h = WIDTHS[width]
    await page.set_viewport_size({"width": w, "height": h})
    await web_system.system.add_nurse("ssk-01-1", "01")
    caller = await web_system.system.sim.add_caller(number="+46812345678", talk=None)

    await page.goto(f"{web_system.base_url}/login")
    await page.screenshot(path=str(SHOTS / f"login-{width}.png"), full_page=True)
    assert await serious_problems(page) == []

    await page.fill("input[name=username]", "handledare")
    await page.fill("input[name=password]", "demo")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#feed.on", timeout=15000)
    await eventually(lambda: (r := web_system.system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected call")
    await page.locator("#calls tbody tr", has_text="i samtal").wait_for(timeout=15000)
    await page.screenshot(path=str(SHOTS / f"live-{width}.png"), full_page=True)
    assert await serious_problems(page) == []
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {w}px"
