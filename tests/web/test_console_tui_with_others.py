"""The terminal console beside the rest of the world: the same call begun in the terminal
and finished in the web view (and the other way round), and the service's web server
going away mid-call and coming back. Pilot drives the terminal, Playwright the system's
headless Chromium, both against the whole running service."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TextArea,
)

from journal.ports import Actor as JournalActor
from nurse_console.client import Backoff
from nurse_console.tui import texts
from nurse_console.tui.app import ConsoleApp
from nurse_console.tui.assess import AssessPane
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)
from tests.web.test_console_in_browser import answered_call, login
from tests.web.test_console_tui import (
    NURSE,
    a_nurse_on_a_call_in_the_terminal,
    server_work,
    summary_on_server,
    terminal,
    the_demo_nurse_on_the_roster,
    until,
)
from tests.web.test_live_page_in_browser import page  # noqa: F401 (the browser page)
from tests.web.test_live_page_in_browser import pytestmark as needs_chromium

GUIDELINE = "Feber, vuxen"
QUICK = Backoff(first=0.1, most=0.5)


async def signed_entry(web_system: WebSystem) -> Any:
    """The journal entry of the nurse's call, as the journal holds it."""
    work = await server_work(web_system)
    assert work is not None and work["journal_entry_id"]
    return (await web_system.system.services.journal.get_entry(
        JournalActor.system_actor("test"), work["journal_entry_id"])).entry


def told(app: ConsoleApp, message: str, severity: str | None = None) -> bool:
    return any(n.message == message and severity in (None, n.severity)
               for n in app._notifications)


async def guideline_opened_in_the_terminal(web_system: WebSystem, pilot: Pilot[None],
                                           app: ConsoleApp) -> str:
    """Search, open the adult fever guideline and tick the first criterion of its last
    level (self-care); the criterion's id."""
    await pilot.press("escape", "slash")
    await until(pilot, lambda: app.query_one("#search", Input).has_focus, "search")
    await pilot.press(*"feber vuxen")
    hits = app.query_one("#hits", OptionList)

    def the_hit() -> int | None:
        return next((i for i in range(hits.option_count)
                     if str(hits.get_option_at_index(i).prompt).startswith(GUIDELINE)), None)
    await until(pilot, lambda: the_hit() is not None, "the guideline among the hits")
    await pilot.press("enter")  # to the hits
    hits.highlighted = the_hit()
    await pilot.press("enter")
    assess = app.query_one(AssessPane)
    await until(pilot, lambda: assess.guideline and app.query("#criteria Checkbox"),
                "the criteria")
    assert assess.guideline is not None
    criterion: str = assess.guideline["levels"][-1]["criteria"][0]["id"]
    box = next(b for b in app.query("#criteria Checkbox").results(Checkbox)
               if b.name == criterion)
    box.focus()
    await pilot.press("space")

    async def ticked() -> bool:
        assessment = (await server_work(web_system) or {}).get("assessment")
        return bool(assessment) and list(assessment["ticked"]) == [criterion]
    await until(pilot, ticked, "the ticked criterion on the server")
    return criterion


async def finished_in_the_browser(page: Any) -> None:  # noqa: F811
    """Self-care, advice, the safety net, the contact reason, Signera: by keyboard."""
    await page.keyboard.press("Alt+4")
    await page.get_by_label("Egenvårdsråd (ingen hänvisning)").focus()
    await page.keyboard.press("Space")
    await page.locator("#referral-now", has_text="Egenvårdsråd").wait_for()
    await page.keyboard.press("Alt+5")
    await page.get_by_label("Givna råd och när man ska ringa igen").fill(
        "Vila och drick. Ring igen vid andfåddhet.")
    await page.get_by_label("Säkerhetsnät givet: när och var man söker igen").focus()
    await page.keyboard.press("Space")
    await page.get_by_label("Kontaktorsak").select_option("FEBER")
    await page.locator("#contact-reason").evaluate("e => e.blur()")
    await page.keyboard.press("Alt+g")
    await page.locator("#signed:not([hidden])").wait_for(timeout=15000)


@needs_chromium
async def test_a_call_begun_in_the_terminal_is_finished_and_signed_in_the_web_view(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.press("2")
        app.query_one("#listen_summary", TextArea).focus()
        await pilot.press(*"Feber i tre dygn")
        await until(pilot, lambda: summary_on_server(web_system, "Feber i tre dygn"),
                    "the terminal's summary saved")
        criterion = await guideline_opened_in_the_terminal(web_system, pilot, app)

        await login(page, web_system.base_url, "sjukskoterska")  # the same nurse
        await page.locator("#call:not([hidden])").wait_for(timeout=15000)
        assert await page.get_by_label("Sammanfattning och huvudsymtom").input_value() \
            == "Feber i tre dygn"
        await page.locator("#g-title", has_text=GUIDELINE).wait_for()
        ticked = page.locator("#g-levels input[type=checkbox]:checked")
        await ticked.first.wait_for()
        assert await ticked.count() == 1
        guideline = app.query_one(AssessPane).guideline
        assert guideline is not None
        text = guideline["levels"][-1]["criteria"][0]["text"]
        label = page.locator("#g-levels label", has=page.locator("input:checked"))
        assert text in await label.inner_text()
        await page.locator("#assessment", has_text="Egenvård").wait_for()
        await finished_in_the_browser(page)

        await until(pilot, lambda: "Signerad." in str(app.query_one("#nudges", Static)
                                                      .render()), "the signature pushed")
        assert app.query_one("#sign", Button).disabled
        assert app.query_one(TabbedContent).active == "avsluta"  # it followed the browser
        assert app.query_one("#advice_given", TextArea).text \
            == "Vila och drick. Ring igen vid andfåddhet."

    entry = await signed_entry(web_system)
    assert entry.status.value == "signed"
    assert entry.content.notes.listen_summary == "Feber i tre dygn"
    assert entry.content.notes.advice_given == "Vila och drick. Ring igen vid andfåddhet."
    assert entry.content.self_care
    assert entry.content.contact_reason.code == "FEBER"
    assert [g.guideline_id for g in entry.content.guidelines] == [guideline["guideline_id"]]
    work = await server_work(web_system)
    assert work is not None and list(work["assessment"]["ticked"]) == [criterion]


@needs_chromium
async def test_a_call_begun_in_the_web_view_is_finished_and_signed_in_the_terminal(
    web_system: WebSystem, page: Any,  # noqa: F811
) -> None:
    await the_demo_nurse_on_the_roster(web_system)
    await login(page, web_system.base_url, "sjukskoterska")
    await page.keyboard.press("Alt+r")
    await page.locator("#state", has_text="redo").wait_for()
    await answered_call(web_system, page, "+46701234567")
    await page.keyboard.press("Alt+2")
    await page.get_by_label("Sammanfattning och huvudsymtom").fill("Hosta sedan i går")
    await page.keyboard.press("Alt+k")
    await page.get_by_label("Sök beslutsstöd").press_sequentially("feber vuxen")
    hit = page.locator("#hits button", has_text=GUIDELINE)
    await hit.wait_for()
    await hit.focus()
    await page.keyboard.press("Enter")
    criterion = page.locator("#g-levels .level").last.get_by_role("checkbox").first
    await criterion.focus()
    await page.keyboard.press("Space")
    await page.locator("#assessment", has_text="Egenvård").wait_for()
    await page.locator("#saved", has_text="Sparat").wait_for(timeout=15000)

    async with terminal(web_system, on_roster=True) as (app, pilot):
        await until(pilot, lambda: app.query_one("#call").display, "the call in the terminal")
        assert app.query_one("#listen_summary", TextArea).text == "Hosta sedan i går"
        assert app.query_one(TabbedContent).active == "bedoma"
        ticked = await until(pilot, lambda: [b.name for b in app.query("#criteria Checkbox")
                                             .results(Checkbox) if b.value],
                             "the browser's tick in the terminal")
        work = await server_work(web_system)
        assert work is not None and ticked == list(work["assessment"]["ticked"])

        await pilot.press("escape", "4")
        await until(pilot, lambda: app.query_one(TabbedContent).active == "atgard",
                    "the Åtgärd tab")
        app.query_one("#self-care", Checkbox).focus()
        await pilot.press("space")
        await until(pilot, lambda: app.work_now["self_care"], "self-care")
        await pilot.press("escape", "5")
        await until(pilot, lambda: app.query_one(TabbedContent).active == "avsluta",
                    "the Avsluta tab")
        app.query_one("#advice_given", TextArea).focus()
        await pilot.press(*"Drick varmt")
        app.query_one("#safety-net", Checkbox).value = True
        app.query_one("#contact-reason", Select).value = "FEBER"
        await until(pilot, lambda: app.work_now["contact_reason"] == "FEBER",
                    "the contact reason")
        await pilot.press("escape", "g")
        await until(pilot, lambda: app.work_now["signed_at"], "signed in the terminal")

    await page.locator("#signed:not([hidden])").wait_for(timeout=15000)  # pushed
    assert await page.get_by_label("Givna råd och när man ska ringa igen").input_value() \
        == "Drick varmt"
    entry = await signed_entry(web_system)
    assert entry.status.value == "signed"
    assert entry.content.notes.listen_summary == "Hosta sedan i går"
    assert entry.content.notes.advice_given == "Drick varmt"
    assert entry.content.self_care


async def test_text_typed_while_the_server_is_away_is_kept_and_saved_when_it_is_back(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system, backoff=QUICK) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.press("2")
        area = app.query_one("#listen_summary", TextArea)
        area.focus()
        await pilot.press(*"Feber")
        await until(pilot, lambda: summary_on_server(web_system, "Feber"), "the first save")
        connection = app.query_one("#connection", Static)
        assert not connection.display

        await web_system.stop_listening()
        await until(pilot, lambda: connection.display, "the lost connection shown")
        assert "Ingen kontakt med tjänsten" in str(connection.render())
        assert told(app, texts.ERRORS_SV["unreachable"], "warning")
        await pilot.press(*" och hosta")
        await until(pilot, lambda: told(app, texts.ERRORS_SV["unreachable"], "error"),
                    "the failed autosave told")
        assert area.text == "Feber och hosta"
        assert app.draft.pending == {"listen_summary": "Feber och hosta"}
        assert await summary_on_server(web_system, "Feber")
        await web_system.system.services.console.move_to_phase(NURSE, "bedoma")  # meanwhile

        await web_system.listen_again()
        await until(pilot, lambda: not connection.display, "the connection line gone")
        assert told(app, "Kontakten med tjänsten är tillbaka.")
        await until(pilot, lambda: summary_on_server(web_system, "Feber och hosta"),
                    "the text typed meanwhile saved")
        await until(pilot, lambda: app.query_one(TabbedContent).active == "bedoma",
                    "the phase changed meanwhile shown")
        assert (await server_work(web_system))["phase"] == "bedoma"  # type: ignore[index]
        assert area.text == "Feber och hosta"
        assert not app.draft.unsaved


async def test_a_phase_changed_elsewhere_is_followed_and_not_sent_back(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await guideline_opened_in_the_terminal(web_system, pilot, app)
        assert isinstance(app.focused, Checkbox)  # the nurse is in the Bedöma pane
        await web_system.system.services.console.move_to_phase(NURSE, "atgard")  # the web
        await until(pilot, lambda: app.query_one(TabbedContent).active == "atgard",
                    "the phase followed")
        work = await server_work(web_system)
        assert work is not None
        await web_system.system.services.console.save_draft(
            NURSE, work["draft_revision"], {"action": "Egenvård"})
        await until(pilot, lambda: app.query_one("#action", TextArea).text == "Egenvård",
                    "a later change shown")  # whatever the terminal sent went before it
        assert (await server_work(web_system))["phase"] == "atgard"  # type: ignore[index]
        assert app.query_one(TabbedContent).active == "atgard"
