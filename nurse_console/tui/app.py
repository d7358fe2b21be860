"""The terminal nurse console (``radgivning console``): a thin Textual presentation of
the console API. The service holds the call work and pushes the whole view after every
change; this app renders it and sends the nurse's actions. Slow calls run in workers,
errors are notifications, styles live in ``console.tcss``."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Iterable
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
    TextArea,
)

from nurse_console.client import ConsoleApiError, ConsoleClient, View
from nurse_console.ports import Codes
from nurse_console.tui import texts
from nurse_console.tui.autosave import DraftBuffer
from nurse_console.tui.panes import (
    NOTE_FIELDS,
    ActionPane,
    AssessPane,
    ClosePane,
    ListenPane,
    OfferBanner,
    OpenPane,
    set_note,
)

AUTOSAVE_SECONDS = 0.8
PANES = (OpenPane, ListenPane, AssessPane, ActionPane, ClosePane)
ACTIONS = (("Redo", "Bli redo att ta emot samtal", "ready"),
           ("Paus", "Gör paus med vald pausorsak", "pause"),
           ("Logga ut", "Logga ut ur köerna", "logout"),
           ("Svara", "Svara på samtalet som ringer", "answer"),
           ("Lägg på", "Avsluta samtalet", "hangup"),
           ("Sök beslutsstöd", "Sök riktlinjer efter symtom", "search"),
           ("Signera", "Signera journalanteckningen", "sign"))


class ConsoleApp(App[None]):
    """The nurse's console in a terminal, logged in through ``client``."""

    CSS_PATH = "console.tcss"
    TITLE = "Rådgivning – sjuksköterskekonsol"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("r", "ready", "Redo"),
        Binding("p", "pause", "Paus"),
        Binding("l", "logout", "Logga ut"),
        Binding("s", "answer", "Svara"),
        Binding("g", "sign", "Signera"),
        Binding("slash", "search", "Sök", key_display="/"),
        *(Binding(str(i + 1), f"phase('{key}')", "Faser" if i == 0 else texts.PHASE_KEYS[i],
                  show=i == 0, key_display="1–5" if i == 0 else None)
          for i, key in enumerate(texts.PHASE_KEYS)),
    ]

    def __init__(self, client: ConsoleClient, *, username: str | None = None,
                 password: str | None = None) -> None:
        super().__init__()
        self.client = client
        self._login = (username, password) if username and password else None
        self.codes: Codes | None = None
        self.view_now: View | None = None
        self.draft = DraftBuffer()
        self._call_id: str | None = None
        self._guideline: dict[str, Any] | None = None
        self._received = time.monotonic()
        self._save_timer: Timer | None = None

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("Loggar in …", id="topbar")
        with Horizontal(id="controls"):
            yield Button("Redo (r)", id="ready", variant="success")
            yield Select[str]([], prompt="Pausorsak", id="pause-reason")
            yield Button("Paus (p)", id="pause")
            yield Button("Logga ut (l)", id="logout")
        yield OfferBanner(id="offer")
        yield Static(id="idle")
        with Vertical(id="call"):
            with Horizontal(id="call-bar"):
                yield Static(id="call-status")
                yield Button("Lägg på", id="hangup", variant="error")
            with TabbedContent(id="phases"):
                for key, pane in zip(texts.PHASE_KEYS, PANES, strict=True):
                    with TabPane(texts.phase_title(key, 0), id=key):
                        yield pane(id=f"pane-{key}")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#offer").display = False
        self.query_one("#call").display = False
        self.set_interval(1.0, self._tick)
        self.start()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in ACTIONS:
            yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))
        for key in texts.PHASE_KEYS:
            yield SystemCommand(f"Fas: {texts.phase_title(key, 0)[:-5]}", "Gå till fasen",
                                lambda key=key: self.action_phase(key))

    # -- talking to the service --------------------------------------------------------

    @work(group="start")
    async def start(self) -> None:
        try:
            if self._login:
                await self.client.login(*self._login)
            self.codes = await self.client.codes()
            self.query_one("#pause-reason", Select).set_options(
                (name, code) for code, name in self.codes.pause_reasons.items())
            self.query_one(ClosePane).set_codes(self.codes)
            self.show_view(await self.client.view())
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=30)
            return
        self.follow()

    @work(group="pushes", exclusive=True)
    async def follow(self) -> None:
        try:
            async for pushed in self.client.pushes():
                self.show_view(pushed)
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=30)

    @work(group="api")
    async def send(self, request: Awaitable[Any]) -> None:
        """One action; the view it answers is shown at once (the push follows)."""
        try:
            result = await request
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error")
            return
        if isinstance(result, dict) and "nurse" in result:
            self.show_view(result)

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
        self.view_now, self._received = view, time.monotonic()
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
        idle = self.query_one("#idle", Static)
        idle.display = not offered and not active
        idle.update("Du är redo. Nästa samtal visas här när det ringer." if state == "ready"
                    else "Tryck r (Redo) för att ta emot samtal.")
        if active:
            self._show_work(current)

    def _show_work(self, current: dict[str, Any]) -> None:
        if current["call_id"] != self._call_id:
            self._new_call(current)
        self._show_notes(current)
        self.query_one("#call-status", Static).update(
            "Pågående samtal: " + texts.call_status(current))
        self.query_one("#hangup").display = current["status"] == "on_call"
        tabs = self.query_one(TabbedContent)
        if tabs.active != current["phase"]:
            tabs.active = current["phase"]
        for pane in (OpenPane, AssessPane, ActionPane, ClosePane):
            self.query_one(pane).show(current, self.codes)
        self._tick()

    def _show_notes(self, current: dict[str, Any]) -> None:
        """The stored notes, except where the nurse is writing. Text saved elsewhere
        beside the field she is in keeps her next save on the old revision, so it is
        told as a conflict instead of overwriting it unseen."""
        stale = False
        for field in NOTE_FIELDS:
            area, stored = self.query_one(f"#{field}", TextArea), current["draft"][field] or ""
            if self.draft.busy(field):
                continue
            if area.has_focus and area.text != stored:
                stale = True
            else:
                set_note(area, stored)
        if not stale:
            self.draft.seen(current["draft_revision"])

    def _new_call(self, current: dict[str, Any]) -> None:
        self._call_id, self._guideline = current["call_id"], None
        self.draft = DraftBuffer()
        self.query_one(AssessPane).show_hits([])
        self.query_one(ActionPane).show_units([])
        if current["guidelines"]:  # another window opened one: show it with its ticks
            self.open_guideline(current["guidelines"][-1]["guideline_id"])

    def _tick(self) -> None:
        """The phase times: the running phase counts on from the last view."""
        current = self.work_now
        if not current or current["status"] in ("offered", "closed"):
            return
        tabs = self.query_one(TabbedContent)
        for key in texts.PHASE_KEYS:
            seconds = current["phase_durations"].get(key, 0.0)
            if key == current["phase"] and current["status"] == "on_call":
                seconds += time.monotonic() - self._received
            tabs.get_tab(key).label = texts.phase_title(key, seconds)

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
            self.query_one(TabbedContent).active = key

    def action_search(self) -> None:
        self.action_phase("bedoma")
        self.query_one("#search", Input).focus()

    @work(group="sign")
    async def action_sign(self) -> None:
        await self._save_draft()  # what was just typed goes into the signed entry
        try:
            self.show_view(await self.client.sign())
            self.notify("Anteckningen är signerad.")
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error", timeout=15)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        simple = {"ready", "pause", "logout", "answer", "hangup", "sign"}
        if event.button.id in simple:
            self.run_action(event.button.id)
        elif event.button.id == "suggest":
            self.suggest()

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

    # -- autosave ----------------------------------------------------------------------

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        if event.text_area.id in NOTE_FIELDS:
            self.draft.edit(event.text_area.id, event.text_area.text)
            self._autosave_soon()

    def _autosave_soon(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.autosave)

    @work(group="draft")
    async def autosave(self) -> None:
        await self._save_draft()

    async def _save_draft(self) -> None:
        fields: dict[str, Any] = self.draft.take()
        if not fields:
            return
        safety = fields.pop("safety_net_given", None)
        try:
            saved = await self.client.save_draft(self.draft.base, fields,
                                                 safety_net_given=safety)
        except ConsoleApiError as exc:
            conflict = exc.error_id == "draft_conflict"
            self.draft.failed(exc.details.get("draft_revision") if conflict else None)
            self.notify(texts.explain(exc), severity="warning" if conflict else "error")
            return
        self.draft.saved(saved["work"]["draft_revision"])
        self.show_view(saved)
        if self.draft.pending:
            self._autosave_soon()

    # -- decision support and referral -------------------------------------------------

    @on(Input.Submitted, "#search")
    @work(group="search", exclusive=True)
    async def _search(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        try:
            self.query_one(AssessPane).show_hits(await self.client.search(event.value))
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error")

    @on(OptionList.OptionSelected, "#hits")
    def _hit_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_guideline(event.option.id)

    @work(group="guideline", exclusive=True)
    async def open_guideline(self, guideline_id: str) -> None:
        try:
            self._guideline = await self.client.open_guideline(guideline_id)
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error")
            return
        current = self.work_now or {}
        a = current.get("assessment")
        ticked = set(a["ticked"]) if a and a["guideline_id"] == guideline_id else set()
        await self.query_one(AssessPane).show_guideline(self._guideline, ticked)

    @on(Checkbox.Changed)
    def _checked(self, event: Checkbox.Changed) -> None:
        box, current = event.checkbox, self.work_now
        if box.id == "safety-net":
            self.draft.edit("safety_net_given", event.value)
            self._autosave_soon()
        elif box.id == "self-care" and current and event.value != current["self_care"]:
            self.send(self.client.referral(None, self_care=event.value))
        elif box.parent is not None and box.parent.id == "criteria" and self._guideline:
            ticked = [b.name for b in self.query("#criteria Checkbox").results(Checkbox)
                      if b.value and b.name]
            self.send(self.client.criteria(self._guideline["guideline_id"], ticked))

    @work(group="suggest", exclusive=True)
    async def suggest(self) -> None:
        try:
            self.query_one(ActionPane).show_units(await self.client.referrals())
        except ConsoleApiError as exc:
            self.notify(texts.explain(exc), severity="error")

    @on(OptionList.OptionSelected, "#units")
    def _unit_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.send(self.client.referral(event.option.id))

    @on(Select.Changed, "#contact-reason")
    def _contact_reason(self, event: Select.Changed) -> None:
        code = None if event.value is Select.NULL else str(event.value)
        current = self.work_now
        if current and current["status"] != "closed" and code != current["contact_reason"]:
            self.send(self.client.contact_reason(code))
