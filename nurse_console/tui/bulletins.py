"""The bulletins (Meddelanden) in the terminal: a modal screen listing the ones the nurse
has not acknowledged, each with its "Jag har läst" button. It opens by itself at login
and when a new one arrives while she has no call on, and with ``m`` or the command palette
at any time; the list follows every push. It reaches the service through the host's
client only."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from nurse_console.client import ConsoleApiError
from nurse_console.tui.host import host


def bulletin_text(bulletin: dict[str, Any]) -> str:
    """One bulletin as the nurse reads it (no codes: priority and reach in words)."""
    reach = "Regionalt" if bulletin.get("region") else "Nationellt"
    head = bulletin["title"] + ("  (Viktigt)" if bulletin.get("priority") == "important" else "")
    return f"{head}\n{bulletin['text']}\n{reach} · från {bulletin.get('author_name', '')}"


class AckButton(Button):
    """The "Jag har läst" button of one bulletin."""

    def __init__(self, bulletin: dict[str, Any]) -> None:
        # Content, not markup: a writer's brackets are shown as typed
        super().__init__(Content(f"Jag har läst: {bulletin['title']}"), classes="ack")
        self.bulletin_id = str(bulletin["bulletin_id"])


class BulletinsScreen(ModalScreen[None]):
    """The nurse's unread bulletins; Escape closes it (they stay unread)."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "dismiss", "Stäng")]

    def __init__(self, bulletins: list[dict[str, Any]]) -> None:
        super().__init__()
        self.bulletins = list(bulletins)

    def compose(self) -> ComposeResult:
        with Vertical(id="bulletins-box"):
            yield Static("Meddelanden", id="bulletins-title")
            yield Static("Läs och bekräfta. Esc stänger.", classes="muted")
            yield VerticalScroll(id="bulletins-list")

    def on_mount(self) -> None:
        self.show(self.bulletins)

    def show(self, bulletins: list[dict[str, Any]]) -> None:
        """Show ``bulletins`` (the newest view's); closes when none are left."""
        shown = [b["bulletin_id"] for b in self.bulletins]
        self.bulletins = list(bulletins)
        if not self.bulletins:
            self.dismiss()
            return
        box = self.query_one("#bulletins-list", VerticalScroll)
        if box.children and shown == [b["bulletin_id"] for b in self.bulletins]:
            return  # the same list: leave the focus where it is
        box.remove_children()
        for b in self.bulletins:
            box.mount(Static(bulletin_text(b), classes="bulletin", markup=False), AckButton(b))
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        buttons = self.query(".ack")
        if buttons:
            buttons.first().focus()

    @on(Button.Pressed, ".ack")
    def _acknowledge(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, AckButton):
            event.button.disabled = True
            self.acknowledge(event.button.bulletin_id)

    @work(group="bulletins")
    async def acknowledge(self, bulletin_id: str) -> None:
        try:
            left = await host(self).client.acknowledge_bulletin(bulletin_id)
        except ConsoleApiError as exc:
            host(self).tell(exc)
            for button in self.query(AckButton):
                button.disabled = False
            return
        self.app.notify("Markerat som läst.")
        self.show(left)
