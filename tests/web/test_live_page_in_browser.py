"""The live page in a real headless Chromium: login, then calls appear as they happen."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.system import eventually
from tests.web.conftest import WebSystem

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="the system's Chromium is not installed")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = await browser.new_context()
            yield await context.new_page()
        finally:
            await browser.close()


async def test_supervisor_logs_in_and_watches_a_call_being_answered(
    web_system: WebSystem, page: Any,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01")
    await page.goto(f"{web_system.base_url}/")
    assert "/login" in page.url  # not logged in: sent to the login page
    await page.fill("input[name=username]", "handledare")
    await page.fill("input[name=password]", "demo")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#feed.on", timeout=15000)

    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected call")
    row = page.locator("#calls tbody tr", has_text="+46812345678")
    await row.wait_for(timeout=15000)
    await page.locator("#calls tbody tr", has_text="i samtal").wait_for(timeout=15000)
    assert "Region Stockholm" in await row.inner_text()
    assert await page.locator("#t-connected").inner_text() == "1"


async def test_wrong_password_shows_an_error_and_no_data(web_system: WebSystem, page: Any) -> None:
    await page.goto(f"{web_system.base_url}/login")
    await page.fill("input[name=username]", "handledare")
    await page.fill("input[name=password]", "fel")
    await page.click("button[type=submit]")
    assert "/login" in page.url
    assert await page.locator("#calls").count() == 0
