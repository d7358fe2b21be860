"""The terminal console closing: its clock may tick once more while the widgets go, and
that must not end the app in an error (no service needed)."""

from __future__ import annotations

from nurse_console.client import ConsoleClient
from nurse_console.tui.app import ConsoleApp


async def test_a_clock_tick_while_the_console_closes_does_nothing() -> None:
    async with ConsoleClient("http://127.0.0.1:9") as client:  # nothing answers there
        app = ConsoleApp(client)
        async with app.run_test() as pilot:
            await pilot.pause()
        assert not app.is_running
        app._tick()  # as the one-second interval firing between shutdown and its stop
