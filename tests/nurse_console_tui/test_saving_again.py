"""A save the service did not take is tried again by itself, while the pushes stay
connected (no key needed), and the text is never lost meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.widgets import TextArea

from nurse_console.client import ConsoleApiError, View
from nurse_console.tui.app import ConsoleApp
from tests.nurse_console_tui.recorded import RecordedClient, phase_view


class SavesFailingOnce(RecordedClient):
    """The first save fails as if the service were out of reach; later ones go in."""

    def __init__(self, view: View) -> None:
        super().__init__(view)
        self.saves: list[dict[str, Any]] = []

    async def save_draft(self, draft_revision: int, fields: dict[str, Any], *,
                         safety_net_given: bool | None = None) -> View:
        self.saves.append(fields)
        if len(self.saves) == 1:
            raise ConsoleApiError("unreachable", "no connection")
        self.view_now["work"]["draft"].update(fields)
        self.view_now["work"]["draft_revision"] += 1
        return await self.view()


async def test_a_save_that_failed_is_tried_again_without_another_key() -> None:
    client = SavesFailingOnce(phase_view("lyssna"))
    app = ConsoleApp(client)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await pilot.pause()
            if app.view_now is not None:
                break
        area = app.query_one("#hypotheses", TextArea)
        area.focus()
        await pilot.press("end", *" eller otit")
        for _ in range(100):  # the first save after 0.8 s, the retry 2 s after it fails
            await asyncio.sleep(0.1)
            if len(client.saves) >= 2 and not app.draft.unsaved:
                break
        assert len(client.saves) == 2
        assert client.saves[1] == {"hypotheses": "Virusinfektion? eller otit"}
        assert area.text == "Virusinfektion? eller otit"
        assert not app.draft.unsaved
