"""The wallboard in the terminal (väggtavla), for supervisors, staffing systems and region
administrators who open ``radgivning console``: the queues with today's figures, the
nurses by state with their phase, the collaboration modes and the ledger, live over the
wallboard's WebSocket. A supervisor with national scope changes a mode or crisis mode
from here, with a required why and a confirmation (the service checks who may)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from nurse_console.client import ConsoleApiError, ConsoleClient
from nurse_console.tui import texts
from nurse_console.tui import wallboard_texts as words

MODE_CHOICES = (("Öppna", "open"), ("Stäng", "closed"), ("Följ schemat", "schedule"))
CRISIS_CHOICES = (("Krisläge på", "on"), ("Krisläge av", "off"))


class ChangeDialog(ModalScreen[tuple[str, str] | None]):
    """Confirm a change: the choice and a required why (Varför); None: cancelled."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "dismiss(None)", "Avbryt")]

    def __init__(self, title: str, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self._title, self._choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="change"):
            yield Label(self._title, classes="heading")
            yield Select[str](self._choices, prompt="Välj", id="choice")
            yield Input(placeholder="Varför (krävs)", id="why")
            with Horizontal(classes="row"):
                yield Button("Bekräfta", id="confirm", variant="primary")
                yield Button("Avbryt", id="cancel")

    @on(Button.Pressed, "#confirm")
    @on(Input.Submitted, "#why")
    def _confirm(self) -> None:
        choice = self.query_one("#choice", Select).value
        why = self.query_one("#why", Input).value.strip()
        if choice is Select.NULL or not why:
            self.notify("Välj vad som ska gälla och skriv varför.", severity="warning")
            return
        self.dismiss((str(choice), why))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class WallboardScreen(Screen[None]):
    """The wallboard of the logged-in user's regions."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("m", "change_mode", "Ändra samverkan"),
        Binding("k", "change_crisis", "Krisläge"),
        Binding("ctrl+q", "app.quit", "Avsluta", priority=True),
    ]

    def __init__(self, client: ConsoleClient) -> None:
        super().__init__()
        self.client = client
        self.board: dict[str, Any] | None = None
        self.connected = False

    def compose(self) -> ComposeResult:
        yield Static("Väggtavla · ansluter …", id="wall-top")
        with VerticalScroll(id="wall"):
            yield Static(id="crisis")
            yield DataTable(id="wall-queues", zebra_stripes=True, cursor_type="row")
            yield Static(words.LEGEND, id="legend")
            yield DataTable(id="wall-modes", cursor_type="row")
            yield DataTable(id="wall-nurses", zebra_stripes=True, cursor_type="row")
            yield Static(id="ledger")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wall-queues", DataTable).add_columns(*words.QUEUE_COLUMNS)
        self.query_one("#wall-modes", DataTable).add_columns(*words.MODE_COLUMNS)
        self.query_one("#wall-nurses", DataTable).add_columns(*words.NURSE_COLUMNS)
        self.follow()

    @work(group="wallboard", exclusive=True)
    async def follow(self) -> None:
        try:
            async for board in self.client.wallboard_pushes(self._connected):
                self.show(board)
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=30)

    def _connected(self, up: bool) -> None:
        self.connected = up
        self._top()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        viewer = (self.board or {}).get("viewer") or {}
        if action in ("change_mode", "change_crisis"):
            return bool(viewer.get("supervisor") and viewer.get("national"))
        return True

    def _top(self) -> None:
        where = "live" if self.connected else "ingen kontakt med tjänsten, försöker igen"
        self.query_one("#wall-top", Static).update(f"Väggtavla · {where}")

    def show(self, board: dict[str, Any]) -> None:
        """Draw ``board``; the rows the cursors are on stay where they were."""
        self.board = board
        now = datetime.fromisoformat(board["server_time"]) if board.get("server_time") \
            else datetime.now().astimezone()
        regions = board.get("regions") or {}
        self.query_one("#crisis", Static).update(words.crisis(board))
        _fill(self.query_one("#wall-queues", DataTable),
              [[Text(text + words.MARK[lvl], style=words.STYLE[lvl])
                for text, lvl in words.queue_cells(q)] for q in board["queues"]],
              [q["id"] for q in board["queues"]])
        _fill(self.query_one("#wall-modes", DataTable),
              [words.mode_cells(m, regions) for m in board["modes"]],
              [m["id"] for m in board["modes"]])
        _fill(self.query_one("#wall-nurses", DataTable),
              [words.nurse_cells(n, regions, now) for n in board["nurses"]],
              [n["nurse_id"] for n in board["nurses"]])
        self.query_one("#ledger", Static).update(words.ledger(board))
        self._top()
        self.refresh_bindings()

    # -- controls ----------------------------------------------------------------------

    def action_change_mode(self) -> None:
        table = self.query_one("#wall-modes", DataTable)
        if not self.board or not self.board["modes"]:
            return
        mode = self.board["modes"][min(table.cursor_row, len(self.board["modes"]) - 1)]
        name = " · ".join(words.mode_cells(mode, self.board.get("regions") or {})[:2])

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer:
                state = {"open": True, "closed": False, "schedule": None}[answer[0]]
                self.send(self.client.set_mode(mode["id"], state, answer[1]))
        self.app.push_screen(ChangeDialog(f"Samverkan: {name}", MODE_CHOICES), chosen)

    def action_change_crisis(self) -> None:
        def chosen(answer: tuple[str, str] | None) -> None:
            if answer:
                self.send(self.client.crisis(answer[0] == "on", answer[1]))
        self.app.push_screen(ChangeDialog("Krisläge i hela landet", CRISIS_CHOICES), chosen)

    @work(group="wall-control")
    async def send(self, request: Any) -> None:
        try:
            await request
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error")
            return
        self.notify("Ändringen är gjord och syns för alla.")


def _fill(table: DataTable[Any], rows: list[list[Any]], keys: list[str]) -> None:
    """Replace the table's rows, keeping the cursor on the same row."""
    row = table.cursor_row
    table.clear()
    for key, cells in zip(keys, rows, strict=True):
        table.add_row(*cells, key=key)
    if rows:
        table.move_cursor(row=min(row, len(rows) - 1))
