"""The Analysera/Bedöma pane: search the guidelines as the nurse types, see why each hit
matched, open one and tick its criteria; the service answers the urgency and care
type. Every call goes through the host's client in a worker."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from nurse_console.client import ConsoleApiError
from nurse_console.ports import Codes
from nurse_console.tui import texts
from nurse_console.tui.fields import Tick, note
from nurse_console.tui.host import host


class AssessPane(VerticalScroll):
    """Search, the opened guideline with its criteria, the assessment note."""

    class HitsShown(Message):
        """The hits of ``query`` are in the list; the screen paints them at its next
        refresh (about 30 ms later under Pilot, ``bench/console_tui.py``)."""

        def __init__(self, query: str, count: int) -> None:
            super().__init__()
            self.query, self.count = query, count

    class GuidelineShown(Message):
        """A guideline was opened and shown (the close pane shows its safety net)."""

        def __init__(self, guideline: dict[str, Any]) -> None:
            super().__init__()
            self.guideline = guideline

    guideline: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Sök beslutsstöd: symtom, kroppsdel eller händelse",
                    id="search")
        yield OptionList(id="hits")
        yield Static(id="guideline-title")
        yield Static(id="guideline-notice")
        yield Vertical(id="criteria")
        yield Static(id="assessment-now")
        yield note("assessment", "Bedömning")

    def on_mount(self) -> None:
        self.query_one("#hits").display = False

    def forget(self) -> None:
        """A new call: no hits, no guideline."""
        self.guideline = None
        self.show_hits("", [])
        self.query_one("#search", Input).value = ""
        self.query_one("#guideline-title", Static).update("")
        codes = host(self).codes  # the content's notice until a guideline says its own
        self.query_one("#guideline-notice", Static).update(codes.sample_notice if codes else "")
        self.query_one("#criteria", Vertical).remove_children()

    # -- search ------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(group="search", exclusive=True)
    async def search(self, query: str) -> None:
        """The hits for what is typed now (a newer keystroke cancels this one)."""
        console = host(self)
        if not query.strip():
            self.show_hits(query, [])
            return
        work_now = console.work_now or {}
        age = (work_now.get("draft") or {}).get("patient_age_years")
        try:
            hits = await console.client.search(query, age)
        except ConsoleApiError as exc:
            console.tell(exc)
            return
        self.show_hits(query, hits)

    @on(Input.Submitted, "#search")
    def _to_hits(self) -> None:
        hits = self.query_one("#hits", OptionList)
        if hits.display and hits.option_count:
            hits.focus()
            hits.highlighted = 0

    def show_hits(self, query: str, hits: list[dict[str, Any]]) -> None:
        box = self.query_one("#hits", OptionList)
        box.clear_options()
        box.display = bool(query.strip())
        if query.strip() and not hits:
            box.add_option(Option("Inga träffar.", disabled=True))
        for hit in hits:
            box.add_option(Option(f"{hit['title']}\n  Träff på: {'; '.join(hit['why'])}",
                                  id=hit["guideline_id"]))
        self.post_message(self.HitsShown(query, len(hits)))

    @on(OptionList.OptionSelected, "#hits")
    def _hit_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open(event.option.id, focus=True)

    # -- the guideline -----------------------------------------------------------------

    @work(group="guideline", exclusive=True)
    async def open(self, guideline_id: str, focus: bool = False) -> None:
        """Open the guideline (the service records the version read) and show it with
        the criteria already ticked on this call; ``focus``: on its first criterion (the
        nurse chose it, rather than another window having opened it)."""
        console = host(self)
        try:
            guideline = await console.client.open_guideline(guideline_id)
        except ConsoleApiError as exc:
            console.tell(exc)
            return
        self.guideline = guideline
        a = (console.work_now or {}).get("assessment")
        ticked = set(a["ticked"]) if a and a["guideline_id"] == guideline_id else set()
        self.query_one("#guideline-title", Static).update(
            f"{guideline['title']} (version {guideline['version']})")
        self.query_one("#guideline-notice", Static).update(guideline.get("sample_notice", ""))
        box = self.query_one("#criteria", Vertical)
        await box.remove_children()
        rows: list[Any] = []
        for level in guideline["levels"]:
            kinds = " eller ".join(c["name"] for c in level["care_types"])
            rows.append(Label(f"{level['urgency_name']} → {kinds}", classes="level"))
            rows += [Tick(c["text"], c["id"] in ticked, name=c["id"])
                     for c in level["criteria"]]
        await box.mount_all(rows)
        first = next(iter(self.query("#criteria Checkbox")), None)
        if focus and first is not None:
            first.focus()
        self.post_message(self.GuidelineShown(guideline))

    @on(Checkbox.Changed, "#criteria Checkbox")
    def _ticked(self) -> None:
        if self.guideline is None:
            return
        ticked = [b.name for b in self.query("#criteria Checkbox").results(Checkbox)
                  if b.value and b.name]
        console = host(self)
        console.send(console.client.criteria(self.guideline["guideline_id"], ticked))

    def show(self, work: dict[str, Any], codes: Codes | None) -> None:
        self.query_one("#assessment-now", Static).update(texts.assessment(work, codes))
        a = work.get("assessment")
        ticked = set(a["ticked"]) if a else set()
        for box in self.query("#criteria Checkbox").results(Checkbox):
            if box.value != (box.name in ticked):
                with box.prevent(Checkbox.Changed):
                    box.value = box.name in ticked
