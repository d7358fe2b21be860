"""The journal draft's fields as terminal widgets: a field's widget has the draft field's
name as its id and the class ``draft``; these read and show its value (no domain logic:
the service checks what is sent)."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

DRAFT_CLASS = "draft"


class Tick(Checkbox):
    """A checkbox whose mark says its state without colour: ✓ ticked, blank not (with
    NO_COLOR a coloured X alone would look the same either way)."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super()._button


class NotANumber(ValueError):
    """The age field holds something that is not a number."""


def note(field: str, title: str) -> TextArea:
    """A note field of the journal draft; its id is the draft field's name."""
    area = TextArea(id=field, classes=f"note {DRAFT_CLASS}")
    area.border_title = title
    return area


def line(field: str, placeholder: str, *, id_class: str = "") -> Input:
    """A one-line field of the draft."""
    return Input(placeholder=placeholder, id=field, classes=f"{DRAFT_CLASS} {id_class}",
                 tooltip=placeholder)


def choice(field: str, options: dict[str, str], prompt: str, *,
           blank: bool = False) -> Select[str]:
    """A coded field of the draft: the Swedish labels shown, the codes stored."""
    return Select[str](((label, code) for code, label in options.items()), prompt=prompt,
                       id=field, classes=DRAFT_CLASS, allow_blank=blank,
                       value=Select.NULL if blank else next(iter(options)))


def read(widget: Widget) -> Any:
    """The value ``widget`` holds, as the draft stores it."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, Input):
        if widget.id == "patient_age_years":
            return age(widget.value)
        return widget.value
    raise TypeError(f"not a draft field: {widget!r}")


def age(text: str) -> float | None:
    """An age in years as typed (a decimal comma is fine); empty means not given."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise NotANumber(text) from None


def show(widget: Widget, value: Any) -> None:
    """Show the stored ``value`` without it counting as the nurse's edit."""
    if isinstance(widget, TextArea):
        if widget.text != (value or ""):
            with widget.prevent(TextArea.Changed):
                widget.load_text(value or "")
    elif isinstance(widget, Select):
        wanted = Select.NULL if value is None else value
        if widget.value != wanted:
            with widget.prevent(Select.Changed):
                widget.value = wanted
    elif isinstance(widget, Input) and not shows(widget, value):
        # An age already showing the stored number stays as typed ("4," while "4,5" is
        # on its way must not become "4").
        text = "" if value is None else (
            f"{value:g}".replace(".", ",") if isinstance(value, float) else value)
        with widget.prevent(Input.Changed):
            widget.value = text


def shows(widget: Widget, value: Any) -> bool:
    """Whether ``widget`` shows ``value`` (an age being typed counts as not showing it)."""
    try:
        held = read(widget)
    except NotANumber:
        return False
    if isinstance(widget, Select) or widget.id == "patient_age_years":
        return bool(held == value)
    return bool(held == (value or ""))
