"""The wallboard in a real headless Chromium: figures and their levels in words, axe-core,
screenshots at a desk and a phone width, and every control with its required "Varför",
its confirmation step, and the change shown at once on a second viewer's page."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from contactcenter.bootstrap import start_web
from tests.support.system import System, eventually
from tests.web.test_live_page_in_browser import ARGS, CHROMIUM, pytestmark  # noqa: F401
from tests.web.test_pages_accessible_in_browser import SHOTS, WIDTHS, serious_problems

REPO = Path(__file__).resolve().parents[2]
THRESHOLDS = """
[thresholds]
waiting = { amber = 1, red = 2 }
"""


class Board:
    """The service with thresholds low enough to see amber and red, and its address."""

    def __init__(self, system: System, base_url: str) -> None:
        self.system = system
        self.base_url = base_url


@pytest.fixture
async def board(system: System, tmp_path: Path) -> AsyncIterator[Board]:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    (config / "wallboard.toml").write_text(THRESHOLDS, encoding="utf-8")
    services = system.services
    services.settings = replace(services.settings, config_dir=config)
    await services.identity.ensure_demo_users()
    runner: web.AppRunner
    runner, port = await start_web(services, "127.0.0.1", 0)
    try:
        yield Board(system, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def open_board(browser: Any, board: Board, username: str, width: str = "desk") -> Any:
    """A new browser context logged in as ``username``, at the wallboard, live."""
    context = await browser.new_context()
    page = await context.new_page()
    w, h = WIDTHS[width]
    await page.set_viewport_size({"width": w, "height": h})
    await page.goto(f"{board.base_url}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", "demo")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{board.base_url}/**")
    await page.goto(f"{board.base_url}/wallboard")
    await page.wait_for_selector("#feed.on", timeout=15000)
    return page


async def use_control(page: Any, opener: Any, fields: dict[str, str], why: str,
                      unchanged: Any) -> None:
    """Open a control, try it without a why (refused, nothing changes), fill it in, see the
    confirmation (still nothing changed), and confirm."""
    await opener.click()
    dialog = page.get_by_role("dialog")
    await dialog.wait_for()
    await dialog.get_by_role("button", name="Fortsätt").click()
    await dialog.get_by_text("Skriv varför ändringen görs.").wait_for()
    assert unchanged(), "nothing may change without a why"
    for label, value in fields.items():
        control = dialog.get_by_label(label)
        if await control.evaluate("e => e.tagName") == "SELECT":
            await control.select_option(label=value)
        else:
            await control.fill(value)
    await dialog.get_by_label("Varför (krävs)").fill(why)
    await dialog.get_by_role("button", name="Fortsätt").click()
    await dialog.get_by_text("Bekräfta ändringen?").wait_for()
    assert why in await dialog.inner_text()
    assert unchanged(), "nothing may change before the confirmation"
    await dialog.get_by_role("button", name="Bekräfta").click()
    await dialog.wait_for(state="hidden")
    await page.locator("#notice", has_text="Ändrat").wait_for()


@pytest.mark.parametrize("width", list(WIDTHS))
async def test_the_wallboard_shows_levels_in_words_and_has_no_serious_accessibility_problem(
    board: Board, browser: Any, width: str,
) -> None:
    system = board.system
    await system.add_nurse("ssk-03-1", "03")
    await system.services.queues.set_nurse_state("ssk-03-1", "paused", reason="MOTE")
    for n in range(2):
        await system.sim.add_caller(number=f"+4681234567{n}", patience=None, talk=None)
    await eventually(lambda: system.services.queues.waiting_count() == 2, what="two waiting")
    page = await open_board(browser, board, "riksledare", width)
    row = page.locator("#queues tbody tr", has_text="Region Stockholm")
    await row.locator("td", has_text="röd nivå").wait_for(timeout=15000)
    assert "2 röd nivå" in await row.inner_text()
    nurse = page.locator("#nurses tbody tr", has_text="Test ssk-03-1")
    assert "Möte" in await nurse.inner_text()
    await page.get_by_role("heading", name="Samverkanskonto idag").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"wallboard-{width}.png"), full_page=True)
    assert await serious_problems(page) == []
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    await page.get_by_role("button", name="Ändra krisläge").click()
    await page.get_by_role("dialog").wait_for()
    await page.screenshot(path=str(SHOTS / f"wallboard-control-{width}.png"))
    assert await serious_problems(page) == []


async def test_a_national_supervisor_forces_a_collaboration_mode_and_a_second_page_shows_it(
    board: Board, browser: Any,
) -> None:
    rules = board.system.services.queues.engine.rules
    common = board.system.services.queues.engine.config.common
    assert common is not None
    page = await open_board(browser, board, "riksledare")
    watcher = await open_board(browser, board, "bemanning")
    row = page.locator("#modes tbody tr", has_text="Nationell samverkanskö")
    await use_control(page, row.get_by_role("button"), {"Nytt läge": "Öppet"},
                      "hög belastning i flera regioner", lambda: common.id not in rules.forced)
    assert rules.forced[common.id] is True
    await watcher.locator("#modes tbody tr", has_text="Nationell samverkanskö").filter(
        has_text="tvingat öppet av arbetsledare").wait_for(timeout=15000)


async def test_a_regional_supervisor_gets_no_control_of_the_national_modes(
    board: Board, browser: Any,
) -> None:
    page = await open_board(browser, board, "handledare")
    overflow = page.locator("#modes tbody tr", has_text="Grannsamverkan")
    await overflow.first.wait_for(timeout=15000)
    assert await page.locator("#modes").get_by_role("button").count() == 0


async def test_crisis_mode_is_switched_on_for_a_region_and_shown_on_a_second_page(
    board: Board, browser: Any,
) -> None:
    rules = board.system.services.queues.engine.rules
    page = await open_board(browser, board, "handledare")
    watcher = await open_board(browser, board, "riksledare")
    await use_control(page, page.get_by_role("button", name="Ändra krisläge"),
                      {"Gäller": "Region Stockholm", "Krisläge": "På"}, "stor olycka",
                      lambda: not rules.crisis_regions)
    assert rules.crisis_regions == {"01"}
    await watcher.locator("#crisis-text", has_text="Krisläge är på för Region Stockholm"
                          ).wait_for(timeout=15000)


async def test_a_redirect_is_made_and_ended_and_a_second_page_follows(
    board: Board, browser: Any,
) -> None:
    rules = board.system.services.queues.engine.rules
    page = await open_board(browser, board, "handledare")
    watcher = await open_board(browser, board, "bemanning")
    await use_control(page, page.get_by_role("button", name="Ny omdirigering"),
                      {"Samtal från": "Region Stockholm", "Tas emot av": "Region Uppsala",
                       "Hur länge (minuter)": "30"}, "personalbrist", lambda: not rules.redirects)
    (redirect,) = rules.redirects.values()
    assert (redirect.from_region, redirect.to_region) == ("01", "03")
    shown = watcher.locator("#redirects tbody tr", has_text="Region Uppsala")
    await shown.wait_for(timeout=15000)
    assert "ja" in await shown.inner_text()
    end = page.get_by_role("button", name="Avsluta omdirigeringen från Region Stockholm till "
                           "Region Uppsala")
    await use_control(page, end, {}, "personal på plats", lambda: bool(rules.redirects))
    assert rules.redirects == {}
    await shown.wait_for(state="detached", timeout=15000)


async def test_a_waiting_calls_priority_is_changed_and_shown_on_a_second_page(
    board: Board, browser: Any,
) -> None:
    system = board.system
    await system.sim.add_caller(number="+46812345670", patience=None, talk=None)
    await eventually(lambda: system.services.queues.waiting_count() == 1, what="waiting")
    (entry,) = system.services.queues.engine.calls.entries.values()
    page = await open_board(browser, board, "handledare")
    watcher = await open_board(browser, board, "riksledare")
    await use_control(page, page.get_by_role("button", name="Ändra prioritet för samtal 1 "
                                             "(Region Stockholm)"),
                      {"Ny prioritet (−9 till 9)": "-3"}, "återkommande uppringare",
                      lambda: entry.priority == 0)
    assert entry.priority == -3
    await watcher.locator("#waiting tbody tr", has_text="Region Stockholm").locator(
        "td", has_text="-3").wait_for(timeout=15000)


@pytest.mark.parametrize(("action", "fields", "state", "shown"), [
    ("Tvinga paus för", {"Pausorsak": "Utbildning"}, "paused", "Utbildning (av arbetsledare)"),
    ("Logga ut", {}, "logged_out", "utloggad"),
])
async def test_a_supervisor_forces_a_nurse_of_their_region_and_a_second_page_shows_it(
    board: Board, browser: Any, action: str, fields: dict[str, str], state: str, shown: str,
) -> None:
    system = board.system
    await system.add_nurse("ssk-01-1", "01")
    page = await open_board(browser, board, "handledare")
    watcher = await open_board(browser, board, "riksledare")
    await use_control(page, page.get_by_role("button", name=f"{action} Test ssk-01-1"),
                      fields, "planerad utbildning",
                      lambda: system.nurse_state("ssk-01-1") == "ready")
    assert system.nurse_state("ssk-01-1") == state
    await watcher.locator("#nurses tbody tr", has_text="Test ssk-01-1").filter(
        has_text=shown).wait_for(timeout=15000)


async def test_a_supervisor_of_region_01_gets_no_control_of_another_regions_nurse(
    board: Board, browser: Any,
) -> None:
    system = board.system
    await system.add_nurse("ssk-01-1", "01")
    await system.add_nurse("ssk-03-1", "03")
    page = await open_board(browser, board, "handledare")
    await page.locator("#nurses tbody tr", has_text="Test ssk-01-1").wait_for(timeout=15000)
    assert await page.locator("#nurses tbody tr", has_text="Test ssk-03-1").count() == 0
