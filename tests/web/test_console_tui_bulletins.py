"""Bulletins in the terminal console (Textual, driven by Pilot) against the running
service: one waiting at login opens by itself and is acknowledged with Enter; a new one
arrives over the push while the terminal is open; Escape closes the list, ``m`` opens it."""

from __future__ import annotations

from typing import Any

from nurse_console.ports import Actor
from nurse_console.tui.bulletins import BulletinsScreen
from tests.web.conftest import WebSystem
from tests.web.console_system import system  # noqa: F401 (the slower system)
from tests.web.test_console_tui import NURSE, terminal, until

WRITER = Actor("handledare", "Henrik Åberg", frozenset({"supervisor"}), frozenset({"01"}))


async def publish(web_system: WebSystem, title: str, **more: Any) -> dict[str, Any]:
    board = web_system.system.services.console.bulletins
    return await board.publish(WRITER, {"title": title, "text": "Läs detta.", "region": "01",
                                        **more})  # type: ignore[no-any-return]


async def test_a_bulletin_opens_at_login_and_is_acknowledged_in_the_terminal(
    web_system: WebSystem,
) -> None:
    board = web_system.system.services.console.bulletins
    await publish(web_system, "Ny rutin [gäller 01]", priority="important")
    async with terminal(web_system) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, BulletinsScreen), "the bulletins")
        assert str(app.focused.label) == "Jag har läst: Ny rutin [gäller 01]"  # type: ignore[union-attr]
        assert "Ny rutin [gäller 01]  (Viktigt)" in str(app.screen.query_one(".bulletin").render())
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, BulletinsScreen), "closed")
        assert await board.unread(NURSE) == []
        [written] = await board.written(WRITER)
        assert [r["username"] for r in written["read_by"]] == ["sjukskoterska"]

        await publish(web_system, "Driftinformation")
        await until(pilot, lambda: isinstance(app.screen, BulletinsScreen), "the new one")
        assert str(app.focused.label) == "Jag har läst: Driftinformation"  # type: ignore[union-attr]
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, BulletinsScreen), "closed")
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, BulletinsScreen), "opened by m")
        assert [b["title"] for b in await board.unread(NURSE)] == ["Driftinformation"]
