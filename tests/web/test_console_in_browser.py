"""The nurse console in a real headless Chromium: a whole call by keyboard, a reload
mid-call, the caller hanging up, two nurses apart; axe-core on every phase and a
screenshot of each written to ``var/screenshots/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.system import eventually
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)
from tests.web.test_live_page_in_browser import CHROMIUM, page, pytestmark  # noqa: F401
from tests.web.test_pages_accessible_in_browser import serious_problems

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "var" / "screenshots"
PASSWORDS = {"ssk2": "langt-losen-2"}
PHASE_TABS = ["Öppna", "Lyssna", "Bedöma", "Åtgärd", "Avsluta"]


async def login(page: Any, base: str, username: str) -> None:  # noqa: F811
    await page.goto(f"{base}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORDS.get(username, "demo"))
    await page.press("input[name=password]", "Enter")
    await page.wait_for_url(f"{base}/console")
    await page.locator("#feed.on").wait_for(timeout=15000)


async def shot(page: Any, name: str) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)
    assert await serious_problems(page) == [], name


async def ready_nurse(web_system: WebSystem, page: Any, username: str = "sjukskoterska",  # noqa: F811
                      nurse_id: str = "ssk-01-1", region: str = "01") -> None:
    await web_system.system.add_nurse(nurse_id, region, username=username, ready=False,
                                      behaviour="manual")
    await login(page, web_system.base_url, username)
    await page.keyboard.press("Alt+r")
    await page.locator("#state", has_text="redo").wait_for()


async def answered_call(web_system: WebSystem, page: Any, number: str) -> Any:  # noqa: F811
    caller = await web_system.system.sim.add_caller(number=number, municipality="0180",
                                                    talk=None)
    await page.get_by_role("button", name="Svara").wait_for(timeout=15000)
    await page.keyboard.press("Alt+s")
    await page.get_by_role("tab", name="Öppna").wait_for(timeout=15000)
    return caller


async def test_a_nurse_takes_a_whole_call_by_keyboard_to_a_signed_entry(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    world = web_system.system
    await page.set_viewport_size({"width": 1280, "height": 800})
    # The same number called an hour ago and gave up in the queue: a repeat caller.
    earlier = await world.sim.add_caller(number="+46701234567", municipality="0180",
                                          patience=0.5, talk=None)
    await eventually(lambda: (r := world.call_for_channel(earlier.channel_id))
                     and not r.state.is_live, what="the earlier call over")
    await world.services.call_log.flush()
    await ready_nurse(web_system, page)
    await shot(page, "idle")
    await world.sim.add_caller(number="+46701234567", municipality="0180", talk=None)
    banner = page.locator("#offer")
    await banner.get_by_role("button", name="Svara").wait_for(timeout=15000)
    assert "+46701234567" in await banner.inner_text()
    assert "Återkommande: 1 tidigare samtal" in await banner.inner_text()
    await shot(page, "offer")
    await page.keyboard.press("Alt+s")
    await page.get_by_role("tab", name="Öppna").wait_for(timeout=15000)
    await page.get_by_label("Ålder (år)").fill("34")
    await shot(page, "oppna")

    await page.keyboard.press("Alt+2")
    await page.get_by_label("Sammanfattning och huvudsymtom").fill("Feber sedan två dygn")
    await shot(page, "lyssna")
    await page.reload()  # mid-call: everything is still there
    await page.locator("#feed.on").wait_for(timeout=15000)
    assert await page.get_by_role("tab", name="Lyssna").get_attribute("aria-selected") == "true"
    await eventually(lambda: page.get_by_label("Sammanfattning och huvudsymtom").input_value(),
                     what="the summary after a reload")
    assert await page.get_by_label("Sammanfattning och huvudsymtom").input_value() \
        == "Feber sedan två dygn"

    await page.keyboard.press("Alt+k")
    await page.get_by_label("Sök beslutsstöd").press_sequentially("feber vuxen")
    await page.locator("#hits button", has_text="Feber, vuxen").wait_for()
    await page.locator("#hits button", has_text="Feber, vuxen").focus()
    await page.keyboard.press("Enter")
    await page.locator("#g-levels input[type=checkbox]").first.wait_for()
    last_level = page.locator("#g-levels .level").last
    criterion = last_level.get_by_role("checkbox").first
    await criterion.focus()
    await page.keyboard.press("Space")
    await page.locator("#assessment", has_text="Egenvård").wait_for()
    await shot(page, "bedoma")

    await page.keyboard.press("Alt+4")
    await page.get_by_label("Egenvårdsråd (ingen hänvisning)").focus()
    await page.keyboard.press("Space")
    await page.locator("#referral-now", has_text="Egenvårdsråd").wait_for()
    await shot(page, "atgard")

    await page.keyboard.press("Alt+5")
    await page.get_by_label("Givna råd och när man ska ringa igen").fill(
        "Vila och drick. Ring igen om andfåddhet eller feber över fem dygn.")
    await page.get_by_label("Säkerhetsnät givet: när och var man söker igen").focus()
    await page.keyboard.press("Space")
    await page.keyboard.press("Alt+g")  # no contact reason yet: the missing part is named
    await page.locator("#missing", has_text="kontaktorsak").wait_for()
    await page.get_by_label("Kontaktorsak").select_option("FEBER")
    await page.locator("#contact-reason").evaluate("e => e.blur()")
    await page.keyboard.press("Alt+g")
    await page.locator("#signed:not([hidden])").wait_for(timeout=15000)
    await shot(page, "avsluta")

    work = (await world.services.console.view(_actor()))["work"]
    entry = await world.services.journal.get_entry(_system_actor(), work["journal_entry_id"])
    assert entry.entry.status.value == "signed"
    assert entry.entry.content.notes.listen_summary == "Feber sedan två dygn"
    assert entry.entry.content.guidelines[0].guideline_id == work["guidelines"][0]["guideline_id"]


async def test_the_caller_hanging_up_during_assessment_keeps_the_draft(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    await page.set_viewport_size({"width": 390, "height": 844})
    await ready_nurse(web_system, page)
    caller = await answered_call(web_system, page, "+46731112233")
    await page.keyboard.press("Alt+2")
    await page.get_by_label("Sammanfattning och huvudsymtom").fill("Ont i magen")
    await page.keyboard.press("Alt+3")
    await page.locator("#saved", has_text="Sparat").wait_for()
    caller_state = web_system.system.sim.caller(caller.caller_id)
    caller_state.hang_up()
    await page.locator("#call-status", has_text="samtalet avslutat").wait_for(timeout=15000)
    await page.locator("#wrapup:not([hidden])").wait_for()
    assert "inte signerad" in await page.locator("#nudges").inner_text()
    await page.keyboard.press("Alt+2")
    assert await page.get_by_label("Sammanfattning och huvudsymtom").input_value() \
        == "Ont i magen"
    await shot(page, "caller-gone-narrow")
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the console scrolls sideways by {overflow}px at 390px"


async def test_two_nurses_in_two_browsers_never_see_each_others_call(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright

    from tests.web.test_live_page_in_browser import ARGS

    await web_system.system.services.identity.create_user(
        "ssk2", "Sara Andersson", "langt-losen-2", ["nurse"], ["01"])
    await ready_nurse(web_system, page)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            other = await (await browser.new_context()).new_page()
            await ready_nurse(web_system, other, "ssk2", "ssk-01-2")
            await web_system.system.sim.add_caller(number="+46709998877", municipality="0180",
                                                   talk=None)
            rung = await _first_ringing(page, other)
            quiet = other if rung is page else page
            await rung.keyboard.press("Alt+s")
            await rung.get_by_role("tab", name="Öppna").wait_for(timeout=15000)
            await rung.keyboard.press("Alt+2")
            await rung.get_by_label("Sammanfattning och huvudsymtom").fill("Hemligt")
            await rung.locator("#saved", has_text="Sparat").wait_for()
            assert "+46709998877" not in await quiet.content()
            assert "Hemligt" not in await quiet.content()
            assert await quiet.locator("#call").is_hidden()
        finally:
            await browser.close()


async def _first_ringing(a: Any, b: Any) -> Any:
    async def which() -> Any:
        for p in (a, b):
            if await p.locator("#offer").is_visible():
                return p
        return None
    return await eventually(which, what="an offer in one of the consoles")


def _actor() -> Any:
    from nurse_console.ports import Actor
    return Actor("sjukskoterska", roles=frozenset({"nurse"}), regions=frozenset({"01"}))


def _system_actor() -> Any:
    from journal.ports import Actor
    return Actor.system_actor("test")


async def test_a_dropped_network_queues_the_autosave_and_resyncs(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    await ready_nurse(web_system, page)
    await answered_call(web_system, page, "+46734445566")
    await page.keyboard.press("Alt+2")
    await page.context.set_offline(True)
    await page.get_by_label("Sammanfattning och huvudsymtom").fill("Skrivet utan nät")
    await page.locator("#saved", has_text="ingen kontakt").wait_for(timeout=15000)
    await page.context.set_offline(False)
    await page.locator("#saved", has_text="Sparat").wait_for(timeout=20000)
    await page.locator("#feed.on").wait_for(timeout=20000)

    async def stored() -> Any:
        work = (await web_system.system.services.console.view(_actor()))["work"]
        return work["draft"]["listen_summary"] == "Skrivet utan nät"
    await eventually(stored, what="the text typed offline stored")


async def test_the_same_draft_changed_in_two_windows_is_a_conflict_that_loses_no_text(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    await ready_nurse(web_system, page)
    await answered_call(web_system, page, "+46735556677")
    other = await page.context.new_page()
    await other.goto(f"{web_system.base_url}/console")
    await other.locator("#feed.on").wait_for(timeout=15000)
    for tab in (page, other):
        await tab.keyboard.press("Alt+2")
    await other.context.set_offline(True)  # both windows are the same browser: both offline
    await other.get_by_label("Sammanfattning och huvudsymtom").fill("Text från fönster B")
    await other.locator("#saved", has_text="ingen kontakt").wait_for(timeout=15000)
    await page.get_by_label("Sammanfattning och huvudsymtom").fill("Text från fönster A")
    await other.context.set_offline(False)  # A's and B's saves race: the later one conflicts
    loser = await _conflicted(page, other)
    winner = other if loser is page else page
    mine = await loser.get_by_label("Sammanfattning och huvudsymtom").input_value()
    assert mine  # the conflicted window still shows its own text
    await shot(loser, "draft-conflict")
    await loser.get_by_role("button", name="Behåll min text").click()
    await loser.locator("#saved", has_text="Sparat").wait_for(timeout=15000)

    async def stored() -> Any:
        work = (await web_system.system.services.console.view(_actor()))["work"]
        return work["draft"]["listen_summary"] == mine
    await eventually(stored, what="the kept text stored")
    await winner.close()


async def _conflicted(a: Any, b: Any) -> Any:
    async def which() -> Any:
        for p in (a, b):
            if await p.locator("#conflict").is_visible():
                return p
        return None
    return await eventually(which, timeout=20.0, what="a conflict in one window")


async def test_logging_out_of_the_console_logs_the_nurse_out_of_the_queues(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    await ready_nurse(web_system, page)
    assert web_system.system.nurse_state("ssk-01-1") == "ready"
    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url(f"{web_system.base_url}/login*")
    assert web_system.system.nurse_state("ssk-01-1") == "logged_out"
