"""The terminal console (Textual, driven by Pilot) against the whole running service on the
simulator: what the nurse does in the terminal is what the service holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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

from nurse_console.client import Backoff, ConsoleClient
from nurse_console.ports import Actor
from nurse_console.tui.app import ConsoleApp
from tests.support.system import eventually
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)

NURSE = Actor("sjukskoterska", roles=frozenset({"nurse"}), regions=frozenset({"01"}))
SIZE = (100, 30)


async def server_work(web_system: WebSystem) -> dict[str, Any] | None:
    view = await web_system.system.services.console.view(NURSE)
    return view["work"]  # type: ignore[no-any-return]


async def until_offered(client: ConsoleClient) -> dict[str, Any]:
    """The client's view once a call rings for the nurse."""
    async def offered() -> dict[str, Any] | None:
        view = await client.view()
        return view if (view["work"] or {}).get("status") == "offered" else None
    return await eventually(offered, what="the offer")  # type: ignore[no-any-return]


async def until(pilot: Pilot[None], condition: Any, what: str) -> Any:
    """Let the app run until ``condition()`` holds (fails the test after a while)."""
    async def holds() -> Any:
        await pilot.pause()
        value = condition()
        return await value if hasattr(value, "__await__") else value
    return await eventually(holds, what=what)


async def the_demo_nurse_on_the_roster(web_system: WebSystem) -> None:
    """The nurse ``sjukskoterska`` (logged out, her phone answered by hand)."""
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska",
                                      ready=False, behaviour="manual")


@asynccontextmanager
async def terminal(web_system: WebSystem, *, on_roster: bool = False,
                   backoff: Backoff | None = None
                   ) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    """The terminal console of the demo nurse, at 100×30. She is put on the roster first
    unless she already is (``on_roster``: another console of hers is open); ``backoff``
    is how the console's pushes wait before connecting again (the client's own by
    default)."""
    if not on_roster:
        await the_demo_nurse_on_the_roster(web_system)
    async with ConsoleClient(web_system.base_url, backoff=backoff or Backoff()) as client:
        app = ConsoleApp(client, username="sjukskoterska", password="demo")
        async with app.run_test(size=SIZE) as pilot:
            yield app, pilot


async def a_nurse_on_a_call_in_the_terminal(web_system: WebSystem, pilot: Pilot[None],
                                            app: ConsoleApp) -> None:
    await until(pilot, lambda: app.view_now is not None, "the console view")
    await pilot.press("r")
    await until(pilot, lambda: app.view_now["nurse"]["state"] == "ready", "ready")
    await web_system.system.sim.add_caller(number="+46701234567", municipality="0180",
                                           talk=None)
    await until(pilot, lambda: app.query_one("#offer").display, "the offer banner")
    assert "+46701234567" in str(app.query_one("#offer-facts").render())
    await pilot.press("s")
    await until(pilot, lambda: app.query_one("#call").display, "the call in the console")


async def test_a_nurse_answers_in_the_terminal_and_her_summary_reaches_the_service(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await until(pilot, lambda: app.codes is not None, "the codes")
        assert app.codes is not None
        code, reason = next(iter(app.codes.pause_reasons.items()))
        await pilot.press("r")  # a nurse pauses from ready, not from logged out
        await until(pilot, lambda: app.view_now["nurse"]["state"] == "ready", "ready")
        app.query_one("#pause-reason", Select).value = code
        await pilot.press("p")
        await until(pilot, lambda: app.view_now["nurse"]["state"] == "paused", "the pause")
        assert f"paus ({reason})" in str(app.query_one("#topbar", Static).render())
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        assert (await server_work(web_system))["status"] == "on_call"  # type: ignore[index]

        await pilot.press("2")
        await until(pilot, lambda: app.query_one(TabbedContent).active == "lyssna",
                    "the Lyssna tab")

        async def on_listen() -> bool:
            return (await server_work(web_system) or {}).get("phase") == "lyssna"
        await until(pilot, on_listen, "the phase on the server")
        app.query_one("#listen_summary", TextArea).focus()
        await pilot.press(*"Feber i två dygn")

        async def saved() -> bool:
            work = await server_work(web_system) or {}
            return work.get("draft", {}).get("listen_summary") == "Feber i två dygn"
        await until(pilot, saved, "the autosaved summary on the server")


async def test_a_nurse_finds_a_guideline_ticks_a_criterion_and_signs_in_the_terminal(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.press("slash")
        await until(pilot, lambda: app.query_one("#search", Input).has_focus, "search")
        await pilot.press(*"feber", "enter")
        hits = app.query_one("#hits", OptionList)
        await until(pilot, lambda: hits.option_count and hits.get_option_at_index(0).id,
                    "the hits")
        hits.focus()
        hits.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: app.query("#criteria Checkbox"), "the criteria")
        app.query("#criteria Checkbox").last().value = True

        async def assessed() -> bool:
            return bool((await server_work(web_system) or {}).get("assessment"))
        await until(pilot, assessed, "the assessment on the server")

        await pilot.press("escape")
        await pilot.press("4")
        await until(pilot, lambda: app.query_one(TabbedContent).active == "atgard",
                    "the Åtgärd tab")
        app.query_one("#self-care", Checkbox).value = True

        async def self_care() -> bool:
            return bool((await server_work(web_system) or {}).get("self_care"))
        await until(pilot, self_care, "self-care on the server")

        await pilot.press("5")
        await until(pilot, lambda: app.query_one(TabbedContent).active == "avsluta",
                    "the Avsluta tab")
        app.query_one("#advice_given", TextArea).focus()
        await pilot.press(*"Vila och drick")
        app.query_one("#safety-net", Checkbox).value = True
        app.query_one("#sign", Button).focus()
        await pilot.press("g")
        await until(pilot, lambda: any("kontaktorsak" in n.message
                                       for n in app._notifications), "what is missing")

        app.query_one("#contact-reason", Select).value = "FEBER"

        async def reason() -> bool:
            return (await server_work(web_system) or {}).get("contact_reason") == "FEBER"
        await until(pilot, reason, "the contact reason on the server")
        await pilot.press("g")

        async def signed() -> dict[str, Any] | None:
            work = await server_work(web_system) or {}
            return work if work.get("signed_at") else None
        work = await until(pilot, signed, "the signed entry")
        assert work["draft"]["advice_given"] == "Vila och drick"
        assert work["safety_net_given"]


async def test_text_saved_elsewhere_is_a_conflict_that_keeps_the_terminals_text(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.press("2")
        area = app.query_one("#listen_summary", TextArea)
        area.focus()
        await pilot.press(*"Feber")
        await until(pilot, lambda: summary_on_server(web_system, "Feber"), "the first save")
        work = await server_work(web_system)
        assert work is not None
        await web_system.system.services.console.save_draft(  # another window
            NURSE, work["draft_revision"], {"listen_summary": "från webben"})
        await until(pilot, lambda: app.work_now["draft"]["listen_summary"] == "från webben",
                    "the other window's text pushed")
        await pilot.press(*" hög")
        await until(pilot, lambda: any("annat fönster" in n.message
                                       for n in app._notifications), "the conflict told")
        assert area.text == "Feber hög"
        assert await summary_on_server(web_system, "från webben")
        await pilot.press("!")
        await until(pilot, lambda: summary_on_server(web_system, "Feber hög!"),
                    "the nurse's text saved over the stored revision")


async def summary_on_server(web_system: WebSystem, text: str) -> bool:
    work = await server_work(web_system) or {}
    return work.get("draft", {}).get("listen_summary") == text


async def test_the_client_works_with_an_api_token_instead_of_a_password(
    web_system: WebSystem,
) -> None:
    await the_demo_nurse_on_the_roster(web_system)
    token = await web_system.system.services.identity.create_token(
        "sjukskoterska", "terminal", None)
    async with ConsoleClient(web_system.base_url, token=token) as client:
        view = await client.view()
        assert view["nurse"]["nurse_id"] == "ssk-01-1"
        pushes = client.pushes()
        assert (await anext(pushes))["nurse"]["nurse_id"] == "ssk-01-1"
        await pushes.aclose()


async def test_after_a_conflict_the_nurse_can_take_the_stored_text_instead_of_hers(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.press("2")
        area = app.query_one("#listen_summary", TextArea)
        area.focus()
        await pilot.press(*"Feber")
        await until(pilot, lambda: summary_on_server(web_system, "Feber"), "the first save")
        work = await server_work(web_system)
        assert work is not None
        await web_system.system.services.console.save_draft(  # another window
            NURSE, work["draft_revision"], {"listen_summary": "från webben"})
        await until(pilot, lambda: app.work_now["draft"]["listen_summary"] == "från webben",
                    "the other window's text pushed")
        await pilot.press(*" hög")
        await until(pilot, lambda: app.in_conflict, "the conflict")
        await until(pilot, lambda: "annat fönster" in str(
            app.query_one("#call-status", Static).render()), "the conflict on the call line")
        await pilot.press("ctrl+t")
        await until(pilot, lambda: area.text == "från webben", "the stored text shown")
        assert not app.in_conflict and not app.draft.unsaved
        await pilot.press("end", *" och hosta")
        await until(pilot, lambda: summary_on_server(web_system, "från webben och hosta"),
                    "her next words saved on the stored text")
