"""The widgets of the terminal console around the call: the offer banner, the idle view
with the nurse's unsigned notes, and the Öppna, Lyssna and Avsluta panes. They show a
console view; what the nurse does goes to the service through the host (no domain
logic here). The Bedöma and Åtgärd panes are in ``assess.py`` and ``action.py``."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from nurse_console.ports import Codes
from nurse_console.tui import texts
from nurse_console.tui.fields import Tick, choice, line, note
from nurse_console.tui.host import host


class OfferBanner(Vertical):
    """The call that rings: the caller's facts, repeat calls and Svara."""

    def compose(self) -> ComposeResult:
        yield Label("Samtal ringer", classes="title")
        with Horizontal():
            yield Static(id="offer-facts")
            yield Button("Svara (s)", id="answer", variant="success")
        yield Static(id="offer-repeat")

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#offer-facts", Static).update(texts.facts(work["facts"]))
        self.query_one("#offer-repeat", Static).update(
            texts.repeat_calls(work.get("repeat_calls") or [], codes))


class IdlePane(VerticalScroll):
    """No call on: what to do next, and the nurse's earlier unsigned notes to finish."""

    def compose(self) -> ComposeResult:
        yield Static(id="idle-text")
        yield Static(id="sample-notice")
        yield Label("Osignerade anteckningar (Enter fortsätter)", id="unsigned-title")
        yield OptionList(id="unsigned")
        yield Label("Handledning", id="coaching-title")
        yield Static(id="coaching-notes")

    def show(self, view: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#idle-text", Static).update(texts.idle(view["nurse"], codes))
        self.query_one("#sample-notice", Static).update(codes.sample_notice if codes else "")
        items = view.get("unsigned") or []
        box = self.query_one("#unsigned", OptionList)
        wanted = [(u["call_id"], texts.unsigned(u)) for u in items]
        if [(o.id, str(o.prompt)) for o in box.options] != wanted:
            box.clear_options()
            box.add_options(Option(text, id=call_id) for call_id, text in wanted)
        self.query_one("#unsigned-title").display = box.display = bool(items)
        notes = view.get("coaching_notes") or []
        self.query_one("#coaching-notes", Static).update(texts.coaching_notes(notes))
        self.query_one("#coaching-title").display = \
            self.query_one("#coaching-notes").display = bool(notes)

    @on(OptionList.OptionSelected, "#unsigned")
    def _resume(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            console = host(self)
            console.send(console.client.resume(event.option.id))


class OpenPane(VerticalScroll):
    """Who calls, and who the call concerns."""

    def compose(self) -> ComposeResult:
        yield Static(id="call-facts")
        yield Static(id="call-repeat")
        yield Label("Vem samtalet gäller", classes="heading")
        with Horizontal(classes="row"):
            yield choice("person_kind", texts.PERSON_KINDS_SV, "Samtalet gäller")
            yield line("person_number", "Identitetsnummer")
        with Horizontal(classes="row"):
            yield line("person_description", "Beskrivning om personen är oidentifierad")
        with Horizontal(classes="row"):
            yield choice("caller_relation", texts.RELATIONS_SV, "Vem ringer")
            yield line("patient_age_years", "Ålder (år)", id_class="age")
            yield choice("patient_sex", texts.SEXES_SV, "Kön ej angivet", blank=True)

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#call-facts", Static).update(texts.facts(work["facts"]))
        self.query_one("#call-repeat", Static).update(
            texts.repeat_calls(work.get("repeat_calls") or [], codes))


class ListenPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield note("listen_summary", "Sammanfattning och huvudsymtom")
        yield note("hypotheses", "Tidiga hypoteser (visas inte för patienten)")
        yield note("third_party", "Uppgifter om tredje person (visas inte för patienten)")


class ClosePane(VerticalScroll):
    """Advice and safety net, the contact reason, Signera."""

    def compose(self) -> ComposeResult:
        yield note("advice_given", "Givna råd och när man ska ringa igen")
        with Horizontal(classes="row"):
            yield Tick("Säkerhetsnät givet", id="safety-net")
            yield Select[str]([], prompt="Kontaktorsak", id="contact-reason")
            yield Button("Signera (g)", id="sign", variant="primary")
        yield Static(id="safety-advice")
        yield Static(id="nudges")
        yield Static(id="journal-problem")

    def set_codes(self, codes: Codes) -> None:
        self.query_one("#contact-reason", Select).set_options(
            (name, code) for code, name in codes.contact_reasons.items())

    def show_guideline(self, guideline: dict[str, Any] | None) -> None:
        advice = (guideline or {}).get("safety_net") or []
        self.query_one("#safety-advice", Static).update(
            "Beslutsstödets säkerhetsnät: " + " ".join(advice) if advice else "")

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#nudges", Static).update(
            ("Signerad.\n" if work.get("signed_at") else "") + texts.nudges(work))
        problem = self.query_one("#journal-problem", Static)
        problem.update(work.get("journal_problem") or "")
        problem.display = bool(work.get("journal_problem"))
        self.query_one("#sign", Button).disabled = bool(work.get("signed_at"))
        box = self.query_one("#safety-net", Checkbox)
        if box.value != bool(work.get("safety_net_given")):
            with box.prevent(Checkbox.Changed):
                box.value = bool(work.get("safety_net_given"))
        select = self.query_one("#contact-reason", Select)
        wanted = work.get("contact_reason") or Select.NULL
        if select.value != wanted:
            with select.prevent(Select.Changed):
                select.value = wanted

    @on(Select.Changed, "#contact-reason")
    def _contact_reason(self, event: Select.Changed) -> None:
        code = None if event.value is Select.NULL else str(event.value)
        console = host(self)
        current = console.work_now
        if current and current["status"] != "closed" and code != current["contact_reason"]:
            console.send(console.client.contact_reason(code))
