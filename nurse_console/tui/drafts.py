"""The journal draft in the terminal: every draft field's edits are saved a moment after
the nurse stops typing, conflicts keep her text, a failed save is tried again, and
quitting saves first. The console app builds on this."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import App
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from nurse_console.client import ConsoleApiError, ConsoleClient, View
from nurse_console.tui import texts
from nurse_console.tui.autosave import DraftBuffer
from nurse_console.tui.fields import DRAFT_CLASS, NotANumber, read, show, shows

AUTOSAVE_SECONDS = 0.8
RETRY_SECONDS = 2.0
QUIT_WAIT_SECONDS = 5.0


class DraftingApp(App[None]):
    """An app that keeps the nurse's draft: edits are collected in a
    :class:`DraftBuffer` and saved through ``client``."""

    client: ConsoleClient

    def init_drafts(self) -> None:
        self.draft = DraftBuffer()
        self._save_timer: Timer | None = None
        self._quit_asked = False
        self.in_conflict = False

    def show_view(self, view: View) -> None:
        raise NotImplementedError

    @property
    def work_now(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def new_draft(self) -> None:
        self.draft = DraftBuffer()
        self.in_conflict = False

    def draft_state_changed(self) -> None:
        """Called when :meth:`saved_state` may say something else (the app shows it)."""

    def saved_state(self) -> str:
        """How the draft stands, in words, for the line above the phases."""
        if self.in_conflict:
            return "ändrad i ett annat fönster (ctrl+t: använd den sparade texten)"
        return "sparar …" if self.draft.unsaved else "sparat"

    def _fields(self) -> list[Widget]:
        return list(self.query(f".{DRAFT_CLASS}"))

    def show_draft(self, current: dict[str, Any]) -> None:
        """The stored draft, except where the nurse is writing. Text saved elsewhere
        beside the field she is in keeps her next save on the old revision, so it is
        told as a conflict instead of overwriting it unseen."""
        stale = False
        for widget in self._fields():
            field = str(widget.id)
            stored = current["draft"].get(field)
            if self.draft.busy(field):
                continue
            if widget.has_focus and not shows(widget, stored):
                stale = True
            else:
                show(widget, stored)
        if not stale:
            self.draft.seen(current["draft_revision"])

    # -- edits -------------------------------------------------------------------------

    @on(TextArea.Changed, f".{DRAFT_CLASS}")
    @on(Input.Changed, f".{DRAFT_CLASS}")
    @on(Select.Changed, f".{DRAFT_CLASS}")
    def _edited(self, event: TextArea.Changed | Input.Changed | Select.Changed) -> None:
        widget, current = event.control, self.work_now
        if not current or current["status"] not in ("on_call", "caller_gone"):
            return  # no note is open: a select taking its first value is no edit
        try:
            value = read(widget)
        except NotANumber:
            self.notify("Skriv åldern i år som en siffra, till exempel 4 eller 0,5.",
                        severity="warning")
            return
        field = str(widget.id)
        if not self.draft.busy(field) and shows(widget, current["draft"].get(field)):
            return  # what is stored already (a stored value shown is no edit either)
        was_saved = not self.draft.unsaved
        self.draft.edit(field, value)
        self.autosave_soon()
        if was_saved:
            self.draft_state_changed()

    @on(Checkbox.Changed, "#safety-net")
    def _safety_net(self, event: Checkbox.Changed) -> None:
        self.draft.edit("safety_net_given", event.value)
        self.autosave_soon()

    def autosave_soon(self, after: float = AUTOSAVE_SECONDS) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.draft.pending:
            self._save_timer = self.set_timer(after, self.autosave)

    @work(group="draft")
    async def autosave(self) -> None:
        await self.save_draft()

    async def save_draft(self) -> bool:
        """Send what is unsaved; whether it went in (or there was nothing to send)."""
        fields: dict[str, Any] = self.draft.take()
        if not fields:
            return True
        safety = fields.pop("safety_net_given", None)
        try:
            saved = await self.client.save_draft(self.draft.base, fields,
                                                 safety_net_given=safety)
        except ConsoleApiError as exc:
            conflict = exc.error_id == "draft_conflict"
            self.draft.failed(exc.details.get("draft_revision") if conflict else None)
            self.in_conflict = self.in_conflict or conflict
            self.notify(texts.explain(exc), severity="warning" if conflict else "error")
            self.draft_state_changed()
            if not conflict:  # the service did not take it: try again in a while
                self.autosave_soon(RETRY_SECONDS)
            return False
        self.in_conflict = False
        self.draft.saved(saved["work"]["draft_revision"])
        self.draft_state_changed()
        self.show_view(saved)
        if self.draft.pending:
            self.autosave_soon()
        return True

    def action_take_stored(self) -> None:
        """After a conflict: drop the nurse's unsaved text and show the stored draft."""
        current = self.work_now
        if current is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self.new_draft()
        for widget in self._fields():
            show(widget, current["draft"].get(str(widget.id)))
        self.draft.seen(current["draft_revision"])
        self.notify("Den sparade texten visas.")
        self.draft_state_changed()

    # -- quitting ----------------------------------------------------------------------

    @work(group="quit", exclusive=True)
    async def action_quit(self) -> None:
        """Save what was typed, then close. If it cannot be saved, say so: a second
        quit closes anyway."""
        if self.draft.unsaved and not self._quit_asked:
            loop = asyncio.get_running_loop()
            until = loop.time() + QUIT_WAIT_SECONDS
            while self.draft.unsaved and loop.time() < until:
                if not await self.save_draft():
                    break
                await asyncio.sleep(0.05)  # a save already on its way ends
            if self.draft.unsaved:
                self._quit_asked = True
                self.notify("Det du skrivit kunde inte sparas. Tryck ctrl+q igen för att "
                            "stänga ändå.", severity="error", timeout=15)
                return
        self.exit()
