"""The terminal nurse console (``radgivning console``): a thin Textual presentation of
the console API. The service holds the call work and pushes the whole view after every
change; this app renders it and sends the nurse's actions. Slow calls run in workers,
errors are notifications, styles live in ``console.tcss``; the panes handle their own
controls through the :class:`~nurse_console.tui.host.Host` this app is."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select, Static, TabbedContent, TabPane, Tabs

from nurse_console.client import ConsoleApiError, ConsoleClient, View
from nurse_console.ports import Codes
from nurse_console.tui import texts
from nurse_console.tui.action import ActionPane
from nurse_console.tui.assess import AssessPane
from nurse_console.tui.bulletins import BulletinsScreen
from nurse_console.tui.drafts import DraftingApp
from nurse_console.tui.panes import ClosePane, IdlePane, ListenPane, OfferBanner, OpenPane
from nurse_console.tui.wallboard import WallboardScreen

WALLBOARD_ROLES = {"supervisor", "staffing_system", "region_admin"}
CONSOLE_ACTIONS = {"ready", "pause", "logout", "answer", "hangup", "sign", "search", "phase",
                   "take_stored", "leave_field"}
PANES = (OpenPane, ListenPane, AssessPane, ActionPane, ClosePane)
NARROW = 100
ACTIONS = (("Redo", "Bli redo att ta emot samtal", "ready"),
           ("Paus", "Gör paus med vald pausorsak", "pause"),
           ("Logga ut", "Logga ut ur köerna", "logout"),
           ("Svara", "Svara på samtalet som ringer", "answer"),
           ("Lägg på", "Avsluta samtalet", "hangup"),
           ("Sök beslutsstöd", "Sök riktlinjer efter symtom", "search"),
           ("Signera", "Signera journalanteckningen", "sign"),
           ("Meddelanden", "Visa olästa meddelanden och bekräfta dem", "bulletins"),
           ("Avsluta konsolen", "Spara det du skrivit och stäng", "quit"))


class ConsoleApp(DraftingApp):
    """The nurse's console in a terminal, logged in through ``client``."""

    CSS_PATH = "console.tcss"
    TITLE = "Rådgivning – sjuksköterskekonsol"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("r", "ready", "Redo"),
        Binding("p", "pause", "Paus"),
        Binding("l", "logout", "Logga ut"),
        Binding("s", "answer", "Svara"),
        Binding("g", "sign", "Signera"),
        Binding("h", "hangup", "Lägg på"),
        Binding("m", "bulletins", "Meddelanden"),
        Binding("ctrl+t", "take_stored", "Använd sparad text"),
        Binding("slash", "search", "Sök", key_display="/"),
        *(Binding(str(i + 1), f"phase('{key}')", "Faser" if i == 0 else texts.PHASE_KEYS[i],
                  show=i == 0, key_display="1–5" if i == 0 else None)
          for i, key in enumerate(texts.PHASE_KEYS)),
        Binding("escape", "leave_field", "Lämna fältet", show=False),
        Binding("ctrl+q", "quit", "Avsluta", priority=True),
    ]

    def __init__(self, client: ConsoleClient, *, username: str | None = None,
                 password: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.client = client
        self.clock = clock  # the phase timers' (a test holds it still)
        self._login = (username, password) if username and password else None
        self.codes: Codes | None = None
        self.view_now: View | None = None
        self._call_id: str | None = None
        self._received = clock()
        self.lost_since: float | None = None
        self._bulletins_seen: set[str] = set()
        self.init_drafts()

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("Loggar in …", id="topbar")
        yield Static(id="connection")
        with Horizontal(id="controls"):
            yield Button("Redo (r)", id="ready", variant="success")
            yield Select[str]([], prompt="Pausorsak", id="pause-reason")
            yield Button("Paus (p)", id="pause")
            yield Button("Logga ut (l)", id="logout")
        yield OfferBanner(id="offer")
        yield IdlePane(id="idle")
        with Vertical(id="call"):
            with Horizontal(id="call-bar"):
                yield Static(id="call-status")
                yield Button("Lägg på (h)", id="hangup", variant="error")
            with TabbedContent(id="phases"):
                for key, pane in zip(texts.PHASE_KEYS, PANES, strict=True):
                    with TabPane(texts.phase_title(key), id=key):
                        yield pane(id=f"pane-{key}")
        yield Footer()

    def on_mount(self) -> None:
        for hidden in ("#offer", "#call", "#connection"):
            self.query_one(hidden).display = False
        self.set_interval(1.0, self._tick)
        self.start()

    def on_resize(self, _: events.Resize) -> None:
        self._tick()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from (c for c in super().get_system_commands(screen) if c.title != "Quit")
        for title, help_text, action in ACTIONS:
            yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))
        for key in texts.PHASE_KEYS:
            yield SystemCommand(f"Fas: {texts.phase_title(key)}", "Gå till fasen",
                                lambda key=key: self.action_phase(key))

    # -- talking to the service --------------------------------------------------------

    @work(group="start")
    async def start(self) -> None:
        try:
            if self._login:
                await self.client.login(*self._login)
            if await self._wallboard_only():
                return
            self.codes = await self.client.codes()
            self.query_one("#pause-reason", Select).set_options(
                (name, code) for code, name in self.codes.pause_reasons.items())
            self.query_one(ClosePane).set_codes(self.codes)
            self.query_one(ActionPane).set_codes(self.codes)
            self.show_view(await self.client.view())
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=30)
            return
        self.follow()

    async def _wallboard_only(self) -> bool:
        """A supervisor, staffing system or region administrator (not a nurse) gets the
        wallboard instead of the console."""
        roles = set((await self.client.whoami()).get("roles") or [])
        if "nurse" in roles or not roles & WALLBOARD_ROLES:
            return False
        self.title = "Rådgivning – väggtavla"
        await self.push_screen(WallboardScreen(self.client))
        self.refresh_bindings()
        return True

    @work(group="pushes", exclusive=True)
    async def follow(self) -> None:
        try:
            async for pushed in self.client.pushes(self._connected):
                self.show_view(pushed)
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=30)

    def _connected(self, up: bool) -> None:
        """The pushes' connection went down or came back (its first view resyncs)."""
        if up and self.lost_since is not None:
            self.lost_since = None
            self.notify("Kontakten med tjänsten är tillbaka.")
            self.autosave_soon()  # what was typed meanwhile
        elif not up and self.lost_since is None:
            self.lost_since = self.clock()
            self.notify(texts.ERRORS_SV["unreachable"], severity="warning")
        self._tick()

    @work(group="api")
    async def send(self, request: Awaitable[Any]) -> None:
        """One action; the view it answers is shown at once (the push follows)."""
        try:
            result = await request
        except ConsoleApiError as exc:
            self.tell(exc)
            return
        if isinstance(result, dict) and "nurse" in result:
            self.show_view(result)

    def tell(self, error: ConsoleApiError) -> None:
        self.notify(texts.explain(error), severity="error")

    @property
    def work_now(self) -> dict[str, Any] | None:
        return self.view_now["work"] if self.view_now else None

    # -- showing the view --------------------------------------------------------------

    def show_view(self, view: View) -> None:
        if not self.is_running:
            return  # a push while the app closes: its widgets are going
        now, new = self.work_now, view["work"]
        if now and new and now["call_id"] == new["call_id"] \
                and new["revision"] < now["revision"]:
            return  # an answer that a newer push overtook
        self.view_now, self._received = view, self.clock()
        nurse, current = view["nurse"], view["work"]
        state = nurse.get("state", "")
        self.query_one("#topbar", Static).update(texts.header(nurse, self.codes))
        self.query_one("#ready", Button).disabled = state in ("ready", "offered", "on_call")
        self.query_one("#pause", Button).disabled = state in (
            "paused", "offered", "on_call", "logged_out")
        offered = bool(current) and current["status"] == "offered"
        active = bool(current) and current["status"] not in ("offered", "closed")
        banner = self.query_one(OfferBanner)
        banner.display = offered
        if offered:
            banner.show(current, self.codes)
        self.query_one("#call").display = active
        idle = self.query_one(IdlePane)
        idle.display = not offered and not active
        idle.show(view, self.codes)
        if active:
            self._show_work(current)
        self._show_bulletins(view.get("bulletins") or [], busy=offered or active)
        self.refresh_bindings()

    def _show_bulletins(self, bulletins: list[dict[str, Any]], *, busy: bool) -> None:
        """New bulletins are told at once and open the list unless a call is on; an open
        list follows the view."""
        new = [b for b in bulletins if b["bulletin_id"] not in self._bulletins_seen]
        self._bulletins_seen |= {b["bulletin_id"] for b in bulletins}
        if isinstance(self.screen, BulletinsScreen):
            self.screen.show(bulletins)
        elif new:
            self.notify(f"Nytt meddelande: {new[0]['title']} (m visar)",
                        severity="warning" if any(b["priority"] == "important" for b in new)
                        else "information")
            if not busy:
                self.push_screen(BulletinsScreen(bulletins))

    def action_bulletins(self) -> None:
        bulletins = (self.view_now or {}).get("bulletins") or []
        if not bulletins:
            self.notify("Inga olästa meddelanden.")
        elif not isinstance(self.screen, BulletinsScreen):
            self.push_screen(BulletinsScreen(bulletins))

    def _show_work(self, current: dict[str, Any]) -> None:
        if current["call_id"] != self._call_id:
            self._new_call(current)
        self.show_draft(current)
        self.query_one("#hangup").display = current["status"] == "on_call"
        self._show_phase(current["phase"])
        for pane in (OpenPane, AssessPane, ActionPane, ClosePane):
            self.query_one(pane).show(current, self.codes)
        self._tick()

    def _show_phase(self, key: str) -> None:
        """Show the phase ``key`` (the service's, or the nurse's choice). Focus in the pane
        being hidden goes to the tab bar first: left there, Textual hands it to a
        neighbour in the same hidden pane, which switches back to that phase, and the
        terminal would tell the service so, undoing a change made in another window."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == key:
            return
        focused = self.focused
        if focused is not None and any(isinstance(a, TabPane) for a in focused.ancestors):
            self.screen.set_focus(tabs.query_one(Tabs))  # now, before the pane hides
        tabs.active = key

    def _new_call(self, current: dict[str, Any]) -> None:
        self._call_id = current["call_id"]
        self.new_draft()
        self.query_one(AssessPane).forget()
        self.query_one(ActionPane).forget()
        self.query_one(ClosePane).show_guideline(None)
        if current["guidelines"]:  # another window opened one: show it with its ticks
            self.query_one(AssessPane).open(current["guidelines"][-1]["guideline_id"])

    @on(AssessPane.GuidelineShown)
    def _guideline_shown(self, event: AssessPane.GuidelineShown) -> None:
        self.query_one(ClosePane).show_guideline(event.guideline)

    def _tick(self) -> None:
        """The phase times (the running phase counts on from the last view) and how long
        the service has been out of reach."""
        if not self.is_running:
            return  # the interval fires on while the app closes: its widgets are going
        lost = self.query_one("#connection", Static)
        lost.display = self.lost_since is not None
        lost.update(texts.connection(self.lost_since, self.clock()))
        current = self.work_now
        if not current or current["status"] in ("offered", "closed"):
            return
        tabs, narrow = self.query_one(TabbedContent), self.size.width < NARROW
        for key in texts.PHASE_KEYS:
            seconds = current["phase_durations"].get(key, 0.0)
            if key == current["phase"] and current["status"] == "on_call":
                seconds += self.clock() - self._received
            tabs.get_tab(key).label = texts.phase_title(key, seconds, narrow=narrow)
        self.query_one("#call-status", Static).update(
            texts.call_line(current, self.server_now(), self.saved_state(),
                            (self.view_now or {}).get("coach")))

    def draft_state_changed(self) -> None:
        self._tick()

    def server_now(self) -> datetime | None:
        """The service's time now: its time in the last view, counted on here."""
        told = (self.view_now or {}).get("server_time")
        if not told:
            return None
        return datetime.fromisoformat(told) + timedelta(seconds=self.clock() - self._received)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what the nurse can do now is offered in the footer (and runs)."""
        if isinstance(self.screen, WallboardScreen):
            return action not in CONSOLE_ACTIONS  # the wallboard has keys of its own
        if self.view_now is None:
            return True
        state, current = self.view_now["nurse"].get("state"), self.work_now
        status = current["status"] if current else None
        active = status not in (None, "offered", "closed")
        allowed = {
            "ready": state not in ("ready", "offered", "on_call"),
            "pause": state not in ("paused", "offered", "on_call", "logged_out"),
            "logout": state != "logged_out",
            "answer": status == "offered",
            "hangup": status == "on_call",
            "sign": active and not (current or {}).get("signed_at"),
            "search": active, "phase": active, "take_stored": self.in_conflict,
            "bulletins": bool(self.view_now.get("bulletins")),
        }
        return allowed.get(action, True)

    # -- the nurse's actions -----------------------------------------------------------

    def action_ready(self) -> None:
        self.send(self.client.set_state("ready"))

    def action_pause(self) -> None:
        reason = self.query_one("#pause-reason", Select)
        if reason.value is Select.NULL:
            self.notify("Välj en pausorsak först.", severity="warning")
            reason.focus()
            return
        self.send(self.client.set_state("paused", str(reason.value)))

    def action_logout(self) -> None:
        self.send(self.client.set_state("logged_out"))

    def action_answer(self) -> None:
        self.send(self.client.answer())

    def action_hangup(self) -> None:
        self.send(self.client.hangup())

    def action_phase(self, key: str) -> None:
        if self.query_one("#call").display:
            self._show_phase(key)

    def action_leave_field(self) -> None:
        """Out of a text field, so the letter keys work again (to the phase tabs)."""
        if self.query_one("#call").display:
            self.query_one(TabbedContent).query_one(Tabs).focus()
        else:
            self.set_focus(None)

    def action_search(self) -> None:
        self.action_phase("bedoma")
        self.query_one("#search", Input).focus()

    @work(group="sign")
    async def action_sign(self) -> None:
        await self.save_draft()  # what was just typed goes into the signed entry
        try:
            self.show_view(await self.client.sign())
            self.notify("Anteckningen är signerad.")
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=15)

    @on(Button.Pressed, "#ready, #pause, #logout, #answer, #hangup, #sign")
    async def _button(self, event: Button.Pressed) -> None:
        await self.run_action(str(event.button.id))

    @on(TabbedContent.TabActivated)
    def _phase_chosen(self, event: TabbedContent.TabActivated) -> None:
        current = self.work_now
        if current and event.pane.id and event.pane.id != current["phase"]:
            self.send(self.client.phase(event.pane.id))
        # Focus left in a hidden phase would swallow the keys: hand it to the tab bar.
        focused = self.focused
        left = next((a for a in focused.ancestors if isinstance(a, TabPane)), None) \
            if focused else None
        if left is not None and left is not event.pane:
            event.tabbed_content.query_one(Tabs).focus()
