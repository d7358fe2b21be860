"""The login and live pages in a real Chromium under the Content-Security-Policy: styles,
script and live feed load, and the browser reports no violation."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import WebSystem
from tests.web.test_live_page_in_browser import page, pytestmark  # noqa: F401 (fixture)


async def test_the_pages_work_under_the_csp_without_violations(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(
        m.text))
    await page.goto(f"{web_system.base_url}/login")
    styled = await page.eval_on_selector("main", "e => getComputedStyle(e).maxWidth")
    assert styled != "none", "login.css applies"
    await page.fill("input[name=username]", "handledare")
    await page.fill("input[name=password]", "demo")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#feed.on", timeout=15000)
    await page.locator("#who", has_text="Henrik").wait_for(timeout=15000)
    await page.click("text=Logga ut")
    await page.wait_for_url("**/login", timeout=15000)
    assert violations == []
