"""Snapshots of the terminal console's screens (pytest-textual-snapshot): each phase of a
recorded call, the ringing offer, the idle view with unsigned notes and the unread
bulletins at login, at 100×30 and at
80×24, and one without colour (NO_COLOR). Update them with ``--snapshot-update`` after
a deliberate change, and look at the report before committing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from nurse_console.client import View
from nurse_console.tui.app import ConsoleApp
from tests.nurse_console_tui.recorded import (
    PHASES,
    RecordedClient,
    bulletin_view,
    idle_view,
    offered_view,
    phase_view,
)

SIZES = {"wide": (100, 30), "narrow": (80, 24)}


def console(view: View) -> ConsoleApp:
    """The terminal console on the recorded ``view``, its timers held still."""
    return ConsoleApp(RecordedClient(view), clock=lambda: 0.0)  # type: ignore[arg-type]


async def settled(pilot: Pilot[None]) -> None:
    """Let the start worker show the view, and the cursors stop blinking."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        if getattr(app, "view_now", None) is not None and not app.workers:
            break
    for widget in app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


async def searched(pilot: Pilot[None]) -> None:
    await settled(pilot)
    await pilot.press("slash", *"feber")
    hits = pilot.app.query_one("#hits", OptionList)
    for _ in range(50):
        await pilot.pause()
        if hits.option_count and not pilot.app.workers:
            break
    pilot.app.query_one("#search", Input).cursor_blink = False
    await pilot.pause()


async def suggested(pilot: Pilot[None]) -> None:
    await settled(pilot)
    await pilot.click("#suggest")
    units = pilot.app.query_one("#units", OptionList)
    for _ in range(50):
        await pilot.pause()
        if units.option_count and not pilot.app.workers:
            break


BEFORE: dict[str, Any] = {"bedoma": searched, "atgard": suggested}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("phase", PHASES)
def test_each_phase(snap_compare: Any, phase: str, size: str) -> None:
    assert snap_compare(console(phase_view(phase)), terminal_size=SIZES[size],
                        run_before=BEFORE.get(phase, settled))


@pytest.mark.parametrize("size", SIZES)
def test_the_offer(snap_compare: Any, size: str) -> None:
    assert snap_compare(console(offered_view()), terminal_size=SIZES[size],
                        run_before=settled)


@pytest.mark.parametrize("size", SIZES)
def test_idle_with_unsigned_notes(snap_compare: Any, size: str) -> None:
    assert snap_compare(console(idle_view()), terminal_size=SIZES[size], run_before=settled)


@pytest.mark.parametrize("size", SIZES)
def test_unread_bulletins_open_at_login(snap_compare: Any, size: str) -> None:
    assert snap_compare(console(bulletin_view()), terminal_size=SIZES[size],
                        run_before=settled)


def test_without_colour(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = console(phase_view("avsluta"))
    assert app.no_color
    assert snap_compare(app, terminal_size=SIZES["narrow"], run_before=settled)


async def test_a_note_being_written_is_what_the_snapshot_of_lyssna_shows() -> None:
    """The recorded Lyssna text is in its field (the snapshots show real content)."""
    app = console(phase_view("lyssna"))
    async with app.run_test(size=SIZES["wide"]) as pilot:
        await settled(pilot)
        assert app.query_one("#listen_summary", TextArea).text.startswith("Feber i två dygn")
