"""The terminal console's newer controls (Textual, driven by Pilot) against the whole
running service on the simulator: the nurse's own urgency and care type with a deviation
reason, unsigned notes to resume, who the call concerns, saving on quit, search as the
nurse types, and Escape out of a text field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Select, TabbedContent, TextArea

from nurse_console.tui import drafts
from nurse_console.tui.app import ConsoleApp
from tests.support.system import eventually
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)
from tests.web.test_console_tui import (
    a_nurse_on_a_call_in_the_terminal,
    server_work,
    terminal,
    until,
)


def on_server(web_system: WebSystem, check: Callable[[dict[str, Any]], Any]
              ) -> Callable[[], Any]:
    """A condition for :func:`until`: the service's work, when ``check`` holds for it."""
    async def holds() -> dict[str, Any] | None:
        work = await server_work(web_system)
        return work if work is not None and check(work) else None
    return holds


def told(app: ConsoleApp, words: str, severity: str | None = None) -> bool:
    """Whether a notification with ``words`` (of ``severity``) has been shown."""
    return any(words in n.message and (severity is None or n.severity == severity)
               for n in app._notifications)


async def to_phase(pilot: Pilot[None], app: ConsoleApp, key: str) -> None:
    """Out of any field, then the phase's number key."""
    await pilot.press("escape")
    await pilot.press(str(("oppna", "lyssna", "bedoma", "atgard", "avsluta").index(key) + 1))
    await until(pilot, lambda: app.query_one(TabbedContent).active == key, f"the {key} tab")


async def a_ticked_guideline(web_system: WebSystem, pilot: Pilot[None],
                             app: ConsoleApp) -> dict[str, Any]:
    """Search "feber", open the first hit and tick its first criterion (the most urgent
    level's): the service's assessment."""
    await pilot.press("slash")
    await pilot.press(*"feber", "enter")
    hits = app.query_one("#hits", OptionList)
    await until(pilot, lambda: hits.has_focus, "the hits")
    await pilot.press("enter")
    await until(pilot, lambda: app.query("#criteria Checkbox"), "the criteria")
    app.query("#criteria Checkbox").first(Checkbox).value = True
    work = await until(pilot, on_server(web_system, lambda w: w.get("assessment")),
                       "the assessment on the server")
    return work["assessment"]  # type: ignore[no-any-return]


async def test_the_nurses_own_urgency_needs_a_deviation_reason_before_signing(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        assessment = await a_ticked_guideline(web_system, pilot, app)
        assert "EGENVARD" not in assessment["care_types"]
        await to_phase(pilot, app, "atgard")
        urgency = app.query_one("#urgency", Select)
        care_type = app.query_one("#care-type", Select)
        await until(pilot, lambda: urgency.value == assessment["urgency"],
                    "the guideline's urgency shown")
        assert care_type.value == assessment["care_types"][0]
        assert not app.query_one("#deviation").display

        urgency.value = "EGENVARD"  # her clinical judgement: self-care
        care_type.value = "EGENVARD"
        app.query_one("#self-care", Checkbox).value = True
        await until(pilot, on_server(web_system, lambda w: w["urgency"] == "EGENVARD"
                                     and w["care_type"] == "EGENVARD" and w["self_care"]),
                    "her decision on the server")
        await until(pilot, lambda: app.query_one("#deviation").display, "the deviation row")

        await to_phase(pilot, app, "avsluta")
        app.query_one("#contact-reason", Select).value = "FEBER"
        await until(pilot, on_server(web_system, lambda w: w["contact_reason"] == "FEBER"),
                    "the contact reason on the server")
        await pilot.press("g")
        await until(pilot, lambda: told(app, "Saknas: orsak till avvikelse från "
                                             "beslutsstödet.", "error"),
                    "the missing deviation reason told")
        assert not (await server_work(web_system) or {}).get("signed_at")

        await to_phase(pilot, app, "atgard")
        app.query_one("#deviation-reason", Select).value = "CLINICAL_JUDGEMENT"
        app.query_one("#deviation-text", Input).focus()
        await pilot.press(*"Lindriga besvär", "enter")
        await until(pilot, on_server(web_system, lambda w: w["deviation"] == {
            "reason_code": "CLINICAL_JUDGEMENT", "text": "Lindriga besvär"}),
                    "the deviation reason and its description on the server")
        await pilot.press("escape", "g")
        work = await until(pilot, on_server(web_system, lambda w: w["signed_at"]),
                           "the signed entry")
        assert work["urgency"] == "EGENVARD" and work["deviates"]
        await until(pilot, lambda: told(app, "Anteckningen är signerad."), "signed told")


async def test_a_call_left_unsigned_waits_in_the_idle_view_and_resumes_with_its_text(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await to_phase(pilot, app, "lyssna")
        app.query_one("#listen_summary", TextArea).focus()
        await pilot.press(*"Ont i magen")
        await until(pilot, on_server(
            web_system, lambda w: w["draft"]["listen_summary"] == "Ont i magen"), "saved")
        for caller in list(web_system.system.sim.callers.values()):
            caller.hang_up()
        await until(pilot, lambda: app.work_now["status"] == "caller_gone", "the call over")
        assert "samtalet avslutat" in str(app.query_one("#call-status").render())
        assert app.query_one("#call").display  # the note can still be finished
        assert not app.query_one("#hangup").display

        await pilot.press("escape", "r")  # ready for the next call: this work is left
        await until(pilot, lambda: app.query_one("#idle").display, "the idle view")
        unsigned = app.query_one("#unsigned", OptionList)
        await until(pilot, lambda: unsigned.display and unsigned.option_count == 1,
                    "the unsigned note listed")
        assert "Ont i magen" in str(unsigned.get_option_at_index(0).prompt)
        assert (await server_work(web_system)) is None

        unsigned.focus()
        unsigned.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: app.query_one("#call").display, "the resumed call")
        await to_phase(pilot, app, "lyssna")
        assert app.query_one("#listen_summary", TextArea).text == "Ont i magen"
        work = await server_work(web_system)
        assert work is not None and work["status"] == "caller_gone"
        assert not app.query_one("#idle").display


async def test_hanging_up_from_the_terminal_ends_the_call_and_keeps_the_note(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.click("#hangup")
        await until(pilot, on_server(web_system, lambda w: w["status"] == "caller_gone"),
                    "the call ended on the server")
        await until(pilot, lambda: "du lade på" in str(app.query_one("#call-status").render()),
                    "who ended it shown")
        assert app.query_one("#call").display


async def test_who_the_call_concerns_is_saved_and_an_age_in_words_is_refused(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        assert app.query_one(TabbedContent).active == "oppna"
        kind = app.query_one("#person_kind", Select)
        kind.focus()
        await pilot.press("enter", "down", "enter")  # the option after Oidentifierad person
        await until(pilot, lambda: kind.value == "personnummer", "Personnummer chosen")
        app.query_one("#person_number", Input).focus()
        await pilot.press(*"19121212-1212")
        age = app.query_one("#patient_age_years", Input)
        age.focus()
        await pilot.press(*"fyra")
        await until(pilot, lambda: told(app, "Skriv åldern i år som en siffra", "warning"),
                    "the age in words refused")
        app.query_one("#caller_relation", Select).value = "parent_or_guardian"  # saved after
        await until(pilot, on_server(web_system, lambda w: w["draft"]["caller_relation"]
                                     == "parent_or_guardian"), "the caller's relation saved")
        work = await server_work(web_system)
        assert work is not None
        assert work["draft"]["person_kind"] == "personnummer"
        assert work["draft"]["person_number"] == "19121212-1212"
        assert work["draft"]["patient_age_years"] is None
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == []  # the words were never sent (the service would refuse them)

        await pilot.press(*["backspace"] * 4, *"4,5")
        await until(pilot, on_server(web_system, lambda w: w["draft"]["patient_age_years"]
                                     == 4.5), "the age saved as a number")
        assert age.value == "4,5"  # as she typed it, not replaced by the stored 4.5


async def test_text_typed_just_before_quitting_is_saved(
    web_system: WebSystem, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(drafts, "AUTOSAVE_SECONDS", 3600.0)  # only quitting can save it
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await to_phase(pilot, app, "lyssna")
        app.query_one("#listen_summary", TextArea).focus()
        await pilot.press(*"Hosta")
        app.simulate_key("ctrl+q")  # not pilot.press: it would wait on an app that has gone
        await eventually(lambda: not app.is_running, what="the console closed")
    work = await server_work(web_system)
    assert work is not None and work["draft"]["listen_summary"] == "Hosta"


async def test_the_search_answers_as_the_nurse_types(web_system: WebSystem) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        await pilot.press("slash")
        search = app.query_one("#search", Input)
        await until(pilot, lambda: search.has_focus, "the search field")
        hits = app.query_one("#hits", OptionList)
        for key in "feb":
            await pilot.press(key)
        await until(pilot, lambda: hits.display and hits.option_count
                    and hits.get_option_at_index(0).id, "hits without Enter")
        assert any("feber" in str(hits.get_option_at_index(i).prompt).lower()
                   for i in range(hits.option_count))
        assert search.has_focus
        await pilot.press("enter")
        await until(pilot, lambda: hits.has_focus, "the hits focused")
        assert hits.highlighted == 0

        await pilot.press("slash")
        await until(pilot, lambda: search.has_focus, "back in the search field")
        await pilot.press(*["backspace"] * 3)
        await until(pilot, lambda: not hits.display, "the hits hidden")
        assert search.value == ""


async def test_escape_leaves_a_text_field_so_the_letter_keys_work_again(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await a_nurse_on_a_call_in_the_terminal(web_system, pilot, app)
        tabs = app.query_one(TabbedContent)
        await to_phase(pilot, app, "lyssna")
        note = app.query_one("#listen_summary", TextArea)
        note.focus()
        await pilot.press("3")
        assert note.text == "3" and tabs.active == "lyssna"  # a letter typed, not a key
        await pilot.press("escape")
        assert not note.has_focus
        await pilot.press("3")
        await until(pilot, lambda: tabs.active == "bedoma", "the Bedöma tab")
        assert note.text == "3"

        search = app.query_one("#search", Input)
        search.focus()
        await pilot.press("2")
        assert search.value == "2" and tabs.active == "bedoma"
        await pilot.press("escape", "2")
        await until(pilot, lambda: tabs.active == "lyssna", "the Lyssna tab")
        assert not isinstance(app.focused, Input | TextArea)


async def test_quitting_without_a_call_closes_the_console_at_once(
    web_system: WebSystem,
) -> None:
    async with terminal(web_system) as (app, pilot):
        await until(pilot, lambda: app.view_now is not None, "the console view")
        await until(pilot, lambda: app.query_one("#idle").display, "the idle view")
        app.simulate_key("ctrl+q")
        await eventually(lambda: not app.is_running, what="the console closed")
    assert [n.message for n in app._notifications if n.severity == "error"] == []
