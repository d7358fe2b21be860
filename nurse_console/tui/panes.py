"""The widgets of the terminal console: the offer banner and the five phase panes. They
show a console view and say what the nurse did as messages; the app talks to the
service (no domain logic here)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from nurse_console.ports import Codes
from nurse_console.tui import texts

NOTE_FIELDS = ("listen_summary", "assessment", "action", "advice_given")


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


def note(field: str, placeholder: str) -> TextArea:
    """A note field of the journal draft; its id is the draft field's name."""
    area = TextArea(id=field, classes="note")
    area.border_title = placeholder
    return area


def set_note(area: TextArea, text: str) -> None:
    """Show the stored text without it counting as the nurse's edit."""
    if area.text != text:
        with area.prevent(TextArea.Changed):
            area.load_text(text)


class OpenPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static(id="call-facts")
        yield Static(id="call-repeat")

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#call-facts", Static).update(texts.facts(work["facts"]))
        self.query_one("#call-repeat", Static).update(
            texts.repeat_calls(work.get("repeat_calls") or [], codes))


class ListenPane(Vertical):
    def compose(self) -> ComposeResult:
        yield note("listen_summary", "Sammanfattning och huvudsymtom")


class AssessPane(VerticalScroll):
    """Search the guidelines, open a hit, tick its criteria."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Sök beslutsstöd", id="search")
        yield OptionList(id="hits")
        yield Static(id="guideline-title")
        yield Vertical(id="criteria")
        yield Static(id="assessment-now")
        yield note("assessment", "Bedömning")

    def show_hits(self, hits: list[dict[str, Any]]) -> None:
        box = self.query_one("#hits", OptionList)
        box.clear_options()
        if not hits:
            box.add_option(Option("Inga träffar.", disabled=True))
        for hit in hits:
            box.add_option(Option(f"{hit['title']}\n  Träff på: {'; '.join(hit['why'])}",
                                  id=hit["guideline_id"]))

    async def show_guideline(self, guideline: dict[str, Any], ticked: set[str]) -> None:
        self.query_one("#guideline-title", Static).update(
            f"{guideline['title']} (version {guideline['version']})")
        box = self.query_one("#criteria", Vertical)
        await box.remove_children()
        rows: list[Any] = []
        for level in guideline["levels"]:
            kinds = " eller ".join(c["name"] for c in level["care_types"])
            rows.append(Label(f"{level['urgency_name']} → {kinds}", classes="level"))
            rows += [Checkbox(c["text"], c["id"] in ticked, name=c["id"])
                     for c in level["criteria"]]
        await box.mount_all(rows)

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#assessment-now", Static).update(texts.assessment(work, codes))
        ticked = set(work["assessment"]["ticked"]) if work.get("assessment") else set()
        for box in self.query("#criteria Checkbox").results(Checkbox):
            if box.value != (box.name in ticked):
                with box.prevent(Checkbox.Changed):
                    box.value = box.name in ticked


class ActionPane(VerticalScroll):
    """Self-care advice, or a referral to a suggested unit."""

    def compose(self) -> ComposeResult:
        yield Static(id="referral-now")
        with Horizontal(classes="row"):
            yield Checkbox("Egenvårdsråd", id="self-care")
            yield Button("Föreslå mottagningar", id="suggest")
        yield OptionList(id="units")
        yield note("action", "Motivering och åtgärd")

    def show_units(self, units: list[dict[str, Any]]) -> None:
        box = self.query_one("#units", OptionList)
        box.clear_options()
        if not units:
            box.add_option(Option("Inga förslag: välj brådskandegrad och vårdform först.",
                                  disabled=True))
        for unit in units:
            box.add_option(Option(f"{unit['name']}\n  {' · '.join(unit['why'])}",
                                  id=unit["hsa_id"]))

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#referral-now", Static).update(texts.referral(work, codes))
        box = self.query_one("#self-care", Checkbox)
        if box.value != bool(work.get("self_care")):
            with box.prevent(Checkbox.Changed):
                box.value = bool(work.get("self_care"))


class ClosePane(VerticalScroll):
    """Advice and safety net, the contact reason, Signera."""

    def compose(self) -> ComposeResult:
        yield note("advice_given", "Råd och när ringa igen")
        with Horizontal(classes="row"):
            yield Checkbox("Säkerhetsnät givet", id="safety-net")
            yield Select[str]([], prompt="Kontaktorsak", id="contact-reason")
            yield Button("Signera (g)", id="sign", variant="primary")
        yield Static(id="nudges")

    def set_codes(self, codes: Codes) -> None:
        self.query_one("#contact-reason", Select).set_options(
            (name, code) for code, name in codes.contact_reasons.items())

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#nudges", Static).update(
            ("Signerad.\n" if work.get("signed_at") else "") + texts.nudges(work))
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
