"""The journal draft's fields as terminal widgets: what they read, what they show of a
stored value, and the age in years as a nurse types it (a headless app holds the
widgets; no service)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from nurse_console.tui import fields, texts


def test_an_age_is_read_with_a_decimal_comma_or_point() -> None:
    assert fields.age("4,5") == 4.5
    assert fields.age(" 0.5 ") == 0.5
    assert fields.age("12") == 12.0
    assert fields.age("4,") == 4.0  # on the way to 4,5


def test_an_empty_age_is_not_given() -> None:
    assert fields.age("") is None
    assert fields.age("   ") is None


@pytest.mark.parametrize("typed", ["fyra", "4,5 år", "4,5,1", "--"])
def test_an_age_that_is_no_number_is_refused(typed: str) -> None:
    with pytest.raises(fields.NotANumber):
        fields.age(typed)


class Fields(App[None]):
    """The draft's kinds of field, counting the changes they tell of."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[str] = []

    def compose(self) -> ComposeResult:
        yield fields.note("listen_summary", "Sammanfattning")
        yield fields.line("person_number", "Identitetsnummer")
        yield fields.line("patient_age_years", "Ålder (år)", id_class="age")
        yield fields.choice("person_kind", texts.PERSON_KINDS_SV, "Samtalet gäller")
        yield fields.choice("patient_sex", texts.SEXES_SV, "Kön ej angivet", blank=True)

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: TextArea.Changed | Input.Changed | Select.Changed) -> None:
        self.changes.append(str(event.control.id))


@pytest.fixture
async def app() -> AsyncIterator[Fields]:
    running = Fields()
    async with running.run_test():
        yield running


async def test_each_field_reads_as_the_draft_stores_it(app: Fields) -> None:
    assert fields.read(app.query_one("#listen_summary", TextArea)) == ""
    assert fields.read(app.query_one("#person_kind", Select)) == "unidentified"
    assert fields.read(app.query_one("#patient_sex", Select)) is None  # not given
    age = app.query_one("#patient_age_years", Input)
    age.value = "4,5"
    assert fields.read(age) == 4.5
    age.value = ""
    assert fields.read(age) is None
    age.value = "fyra"
    with pytest.raises(fields.NotANumber):
        fields.read(age)
    number = app.query_one("#person_number", Input)
    number.value = "19121212-1212"
    assert fields.read(number) == "19121212-1212"
    with pytest.raises(TypeError):
        fields.read(app.screen)


async def test_a_stored_value_is_shown_and_absent_values_as_empty(app: Fields) -> None:
    note = app.query_one("#listen_summary", TextArea)
    fields.show(note, "Feber")
    assert note.text == "Feber" and fields.shows(note, "Feber")
    fields.show(note, None)
    assert note.text == "" and fields.shows(note, None) and fields.shows(note, "")
    sex = app.query_one("#patient_sex", Select)
    fields.show(sex, "female")
    assert sex.value == "female" and fields.shows(sex, "female")
    fields.show(sex, None)
    assert sex.value is Select.NULL and fields.shows(sex, None)
    age = app.query_one("#patient_age_years", Input)
    fields.show(age, 0.5)
    assert age.value == "0,5"  # a decimal comma, as the nurse writes it
    fields.show(age, 12.0)
    assert age.value == "12"
    fields.show(age, None)
    assert age.value == ""


async def test_an_age_that_already_shows_the_stored_number_stays_as_typed(app: Fields) -> None:
    age = app.query_one("#patient_age_years", Input)
    age.value = "4,"  # the nurse is on her way to 4,5; 4 was saved a moment ago
    assert fields.shows(age, 4.0)
    fields.show(age, 4.0)
    assert age.value == "4,"
    age.value = "4.50"
    fields.show(age, 4.5)
    assert age.value == "4.50"


async def test_an_age_being_typed_in_words_shows_no_stored_value(app: Fields) -> None:
    age = app.query_one("#patient_age_years", Input)
    age.value = "fyra"
    assert not fields.shows(age, None)
    assert not fields.shows(age, 4.0)
    fields.show(age, 4.0)
    assert age.value == "4"


async def test_showing_a_stored_value_is_not_the_nurses_edit() -> None:
    app = Fields()
    async with app.run_test() as pilot:
        await _shown_without_a_change(app, pilot)


async def _shown_without_a_change(app: Fields, pilot: Pilot[None]) -> None:
    await pilot.pause()
    app.changes.clear()  # a select taking its first value at mount
    note = app.query_one("#listen_summary", TextArea)
    number = app.query_one("#person_number", Input)
    kind = app.query_one("#person_kind", Select)
    fields.show(note, "Feber")
    fields.show(number, "19121212-1212")
    fields.show(kind, "personnummer")
    await pilot.pause()
    assert (note.text, number.value, kind.value) == ("Feber", "19121212-1212", "personnummer")
    assert app.changes == []
    number.value = "19121212-1212 "  # what the nurse does is told
    await pilot.pause()
    assert app.changes == ["person_number"]
