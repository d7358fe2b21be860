"""Bulletins in a real headless Chromium: a supervisor writes one on the bulletins page, a
nurse's open console shows it at once under "Meddelanden", she acknowledges it by
keyboard, and the writer sees that she has read it; the shift briefing shows the guideline
changes since her last shift until she has taken them in; axe-core on the screens, at a desk and
a phone width, under the CSP with no violation, with screenshots in ``var/screenshots/``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import WebSystem
from tests.web.test_console_in_browser import SHOTS, login
from tests.web.test_live_page_in_browser import ARGS, CHROMIUM, page, pytestmark  # noqa: F401
from tests.web.test_pages_accessible_in_browser import WIDTHS, serious_problems

TITLE = "Ny rutin för återuppringning"


async def shot(page: Any, name: str) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"bulletins-{name}.png"), full_page=True)
    assert await serious_problems(page) == [], name
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def watch_csp(page: Any, violations: list[str]) -> None:  # noqa: F811
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(
        m.text))


async def supervisor_page(browser: Any, base: str, size: tuple[int, int],
                          violations: list[str]) -> Any:
    writer = await (await browser.new_context()).new_page()
    watch_csp(writer, violations)
    await writer.set_viewport_size({"width": size[0], "height": size[1]})
    await writer.goto(f"{base}/login?next=/bulletins")
    await writer.fill("input[name=username]", "handledare")
    await writer.fill("input[name=password]", "demo")
    await writer.press("input[name=password]", "Enter")
    await writer.wait_for_url(f"{base}/bulletins")
    await writer.get_by_label("Gäller för").locator("option").first.wait_for(state="attached")
    return writer


@pytest.mark.parametrize("width", list(WIDTHS))
async def test_a_supervisors_bulletin_reaches_an_open_console_and_her_reading_is_seen(
    web_system: WebSystem, page: Any, width: str,  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright

    size, violations = WIDTHS[width], []
    watch_csp(page, violations)
    await page.set_viewport_size({"width": size[0], "height": size[1]})
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False)
    await login(page, web_system.base_url, "sjukskoterska")
    assert await page.locator("#bulletins").is_hidden()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            writer = await supervisor_page(browser, web_system.base_url, size, violations)
            await shot(writer, f"page-empty-{width}")
            await writer.get_by_label("Rubrik").fill(TITLE)
            await writer.get_by_label("Text").fill("Ring tillbaka inom 20 minuter.")
            await writer.get_by_label("Prioritet").select_option("important")
            await writer.get_by_role("button", name="Publicera").click()
            await writer.get_by_role("status").filter(has_text="Publicerat").wait_for()

            # the nurse's console, already open: the bulletin arrives over its socket
            area = page.get_by_role("region", name="Meddelanden")
            ack = area.get_by_role("button", name=f"Jag har läst: {TITLE}")
            await ack.wait_for(timeout=15000)
            assert "Viktigt" in await area.inner_text()
            await shot(page, f"console-{width}")
            await page.keyboard.press("Alt+m")
            assert await ack.evaluate("b => b === document.activeElement")
            await page.keyboard.press("Enter")
            await area.wait_for(state="hidden", timeout=15000)

            await writer.reload()
            who = writer.get_by_text(f"Vem har läst: {TITLE}")
            await who.click()
            await writer.get_by_text("Har läst: Test ssk-01-1").wait_for()
            assert "Läst av 1 av 1 sjuksköterskor" in await writer.locator("#list").inner_text()
            await shot(writer, f"page-read-{width}")
        finally:
            await browser.close()
    await page.reload()  # acknowledged stays acknowledged
    await page.locator("#feed.on").wait_for(timeout=15000)
    assert await page.locator("#bulletins").is_hidden()
    assert violations == []


async def test_the_shift_briefing_shows_the_guideline_changes_until_she_has_taken_them_in(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    from tests.decision_support.service_support import EDITOR, EDITOR_2, next_version_of

    guidelines = web_system.system.services.guidelines
    doc = next_version_of("feber-vuxen", "9.0")
    draft = await guidelines.create_draft(EDITOR, doc["id"], doc)
    await guidelines.submit(EDITOR, draft.draft_id)
    await guidelines.approve(EDITOR_2, draft.draft_id, "ser bra ut")
    await guidelines.publish(EDITOR, draft.draft_id)
    violations: list[str] = []
    watch_csp(page, violations)
    await page.set_viewport_size({"width": 390, "height": 800})
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False)
    await login(page, web_system.base_url, "sjukskoterska")
    briefing = page.get_by_role("dialog", name="Genomgång inför passet")
    await briefing.wait_for(timeout=15000)
    assert "(reviderad)" in await briefing.inner_text()
    assert "→ 9.0" in await briefing.inner_text()
    await shot(page, "briefing-narrow")
    await briefing.get_by_role("button", name="Jag har tagit del av genomgången").click()
    await briefing.wait_for(state="hidden")
    await page.reload()  # the same shift: taken in stays taken in
    await page.locator("#feed.on").wait_for(timeout=15000)
    assert await briefing.is_hidden()
    assert violations == []
