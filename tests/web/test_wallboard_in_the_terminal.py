"""The wallboard in the terminal (Textual, driven by Pilot) against the running service: a
supervisor who opens ``radgivning console`` gets the wallboard of her regions, live,
and a national supervisor changes a collaboration mode from it with a why. A
screenshot goes to ``var/screenshots/``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Input, Select

from nurse_console.client import ConsoleClient
from nurse_console.tui.app import ConsoleApp
from nurse_console.tui.wallboard import ChangeDialog, WallboardScreen
from tests.web.conftest import WebSystem
from tests.web.test_console_in_browser import SHOTS
from tests.web.test_console_tui import until

NUMBER = "+46812345670"


def cell(table: DataTable[Any], row_key: str, column: int) -> str:
    value = table.get_row(row_key)[column]
    return value.plain if isinstance(value, Text) else str(value)


async def test_a_supervisor_gets_the_live_wallboard_of_her_regions_in_the_terminal(
    web_system: WebSystem,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", ready=False)
    async with ConsoleClient(web_system.base_url) as client:
        app = ConsoleApp(client, username="handledare", password="demo")
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WallboardScreen), "the wallboard")
            screen = app.screen
            assert isinstance(screen, WallboardScreen)
            queues = screen.query_one("#wall-queues", DataTable)
            await until(pilot, lambda: queues.row_count, "the queue rows")
            keys = [str(k.value) for k in queues.rows]
            assert "01" in keys and "03" not in keys  # her region, not another's
            assert cell(queues, "01", 1) == "0"
            await system.sim.add_caller(number=NUMBER, patience=None, talk=None)
            await until(pilot, lambda: cell(queues, "01", 1) == "1", "the waiting caller")
            nurses = screen.query_one("#wall-nurses", DataTable)
            assert nurses.row_count == 1 and "utloggad" in cell(nurses, "ssk-01-1", 2)
            assert NUMBER not in str(screen.board)
            assert screen.check_action("change_mode", ()) is False  # not national
            SHOTS.mkdir(parents=True, exist_ok=True)  # for people to look at
            app.save_screenshot("wallboard-terminal.svg", str(SHOTS))


async def test_a_national_supervisor_opens_a_mode_from_the_terminal_with_a_why(
    web_system: WebSystem,
) -> None:
    system = web_system.system
    async with ConsoleClient(web_system.base_url) as client:
        app = ConsoleApp(client, username="riksledare", password="demo")
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WallboardScreen), "the wallboard")
            screen = app.screen
            assert isinstance(screen, WallboardScreen)
            modes = screen.query_one("#wall-modes", DataTable)
            await until(pilot, lambda: modes.row_count, "the modes")
            mode_id = str(modes.coordinate_to_cell_key((0, 0)).row_key.value)
            was_open = system.services.queues.engine.rules.is_open(mode_id)
            modes.focus()
            await pilot.press("m")
            await until(pilot, lambda: isinstance(app.screen, ChangeDialog), "the dialog")
            dialog = app.screen
            dialog.query_one("#choice", Select).value = "closed" if was_open else "open"
            await pilot.click("#confirm")  # without a why: refused, the dialog stays
            await until(pilot, lambda: any("varför" in n.message for n in app._notifications),
                        "the why asked for")
            assert app.screen is dialog
            dialog.query_one("#why", Input).focus()
            await pilot.press(*"Hög belastning", "enter")
            await until(pilot, lambda: system.services.queues.engine.rules.is_open(mode_id)
                        != was_open, "the mode changed in the service")
            wanted = "stängd" if was_open else "öppen"
            await until(pilot, lambda: cell(modes, mode_id, 2) == wanted,
                        "the change pushed to the wallboard")
            assert cell(modes, mode_id, 3) == "handledare"  # forced, not by its schedule
