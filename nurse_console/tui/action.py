"""The Motivera/Åtgärd pane: the nurse's own urgency and care type (a deviation from the
guideline asks for a coded reason), and the referral: self-care advice or a suggested
unit with why it was suggested."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from nurse_console.client import ConsoleApiError
from nurse_console.ports import Codes
from nurse_console.tui import texts
from nurse_console.tui.fields import Tick, note
from nurse_console.tui.host import host

DECISION_SELECTS = ("#urgency", "#care-type", "#deviation-reason")


def _value(select: Select[str]) -> str | None:
    return None if select.value is Select.NULL else str(select.value)


class ActionPane(VerticalScroll):
    """The decision, the deviation reason when there is one, and the referral."""

    def compose(self) -> ComposeResult:
        yield Label("Brådskandegrad och vårdform", classes="heading")
        with Horizontal(classes="row"):
            yield Select[str]([], prompt="Brådskandegrad", id="urgency")
            yield Select[str]([], prompt="Vårdform", id="care-type")
        with Vertical(id="deviation"):
            yield Label("Åtgärden avviker från beslutsstödets rekommendation.",
                        classes="warning")
            with Horizontal(classes="row"):
                yield Select[str]([], prompt="Orsak till avvikelse", id="deviation-reason")
                yield Input(placeholder="Beskrivning av avvikelsen", id="deviation-text")
        yield Label("Hänvisning", classes="heading")
        yield Static(id="referral-now")
        with Horizontal(classes="row"):
            yield Tick("Egenvårdsråd", id="self-care")
            yield Button("Föreslå mottagningar", id="suggest")
        yield OptionList(id="units")
        yield note("action", "Motivering och åtgärd")

    def on_mount(self) -> None:
        self.query_one("#units").display = False
        self.query_one("#deviation").display = False

    def set_codes(self, codes: Codes) -> None:
        for selector, options in (("#urgency", codes.urgencies),
                                  ("#care-type", codes.care_types),
                                  ("#deviation-reason", codes.deviation_reasons)):
            self.query_one(selector, Select).set_options(
                (name, code) for code, name in options.items())

    def forget(self) -> None:
        """A new call: no suggestions."""
        self.query_one("#units", OptionList).clear_options()
        self.query_one("#units").display = False

    # -- the decision ------------------------------------------------------------------

    @on(Select.Changed, ", ".join(DECISION_SELECTS))
    def _chosen(self) -> None:
        self.decide()

    @on(Input.Submitted, "#deviation-text")
    @on(Input.Blurred, "#deviation-text")
    def _described(self) -> None:
        self.decide()

    def decide(self) -> None:
        """Send the nurse's decision when it differs from the stored one."""
        console = host(self)
        current = console.work_now
        if not current or current["status"] == "closed":
            return
        chosen = {"urgency": _value(self.query_one("#urgency", Select)),
                  "care_type": _value(self.query_one("#care-type", Select)),
                  "deviation_reason": _value(self.query_one("#deviation-reason", Select)),
                  "deviation_text": self.query_one("#deviation-text", Input).value.strip()}
        deviation = current.get("deviation") or {}
        stored = {"urgency": current.get("urgency"), "care_type": current.get("care_type"),
                  "deviation_reason": deviation.get("reason_code"),
                  "deviation_text": deviation.get("text") or ""}
        if chosen != stored:
            console.send(console.client.decision(**chosen))

    # -- the referral ------------------------------------------------------------------

    @on(Button.Pressed, "#suggest")
    @work(group="suggest", exclusive=True)
    async def suggest(self) -> None:
        """Units for the call's care type, region and municipality, with why."""
        console = host(self)
        try:
            units = await console.client.referrals()
        except ConsoleApiError as exc:
            console.tell(exc)
            return
        box = self.query_one("#units", OptionList)
        box.clear_options()
        box.display = True
        if not units:
            box.add_option(Option("Inga förslag: välj brådskandegrad och vårdform först.",
                                  disabled=True))
        for unit in units:
            about = [*unit["why"], *(f"tel {p}" for p in unit.get("phones", [])[:1])]
            box.add_option(Option(f"{unit['name']}\n  {' · '.join(about)}",
                                  id=unit["hsa_id"]))
        box.focus()

    @on(OptionList.OptionSelected, "#units")
    def _unit_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            console = host(self)
            console.send(console.client.referral(event.option.id))

    @on(Checkbox.Changed, "#self-care")
    def _self_care(self, event: Checkbox.Changed) -> None:
        console = host(self)
        current = console.work_now
        if current and event.value != current["self_care"]:
            console.send(console.client.referral(None, self_care=event.value))

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#referral-now", Static).update(texts.referral(work, codes))
        deviation = work.get("deviation") or {}
        for selector, value in (("#urgency", work.get("urgency")),
                                ("#care-type", work.get("care_type")),
                                ("#deviation-reason", deviation.get("reason_code"))):
            select = self.query_one(selector, Select)
            wanted = value or Select.NULL
            if not select.has_focus and select.value != wanted:
                with select.prevent(Select.Changed):
                    select.value = wanted
        text = self.query_one("#deviation-text", Input)
        if not text.has_focus:
            text.value = deviation.get("text") or ""
        self.query_one("#deviation").display = bool(work.get("deviates"))
        box = self.query_one("#self-care", Checkbox)
        if box.value != bool(work.get("self_care")):
            with box.prevent(Checkbox.Changed):
                box.value = bool(work.get("self_care"))
