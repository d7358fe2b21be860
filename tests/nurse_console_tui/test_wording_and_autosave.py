"""The terminal console's words and its autosave buffer, without a terminal."""

from __future__ import annotations

from contactcenter.cli import build_parser
from nurse_console.client import ConsoleApiError
from nurse_console.ports import Codes
from nurse_console.tui import texts
from nurse_console.tui.autosave import DraftBuffer

CODES = Codes(pause_reasons={"LUNCH": "Lunch"}, contact_reasons={"FEBER": "Feber"},
              urgencies={"2": "Inom ett dygn"}, care_types={"VC": "Vårdcentral"},
              deviation_reasons={})


def test_codes_become_words_and_an_unknown_code_is_never_shown_raw() -> None:
    assert texts.label(CODES, "pause_reasons", "LUNCH") == "Lunch"
    assert texts.label(CODES, "pause_reasons", "XYZ") == "okänd kod"
    nurse = {"display_name": "Anna", "region_name": "Uppsala", "state": "paused",
             "pause_reason": "LUNCH"}
    assert texts.header(nurse, CODES) == "Anna · Uppsala — paus (Lunch)"


def test_a_refused_signature_lists_what_is_missing() -> None:
    error = ConsoleApiError("cannot_sign", "x", {"missing": ["kontaktorsak"]})
    assert texts.explain(error).endswith("Saknas: kontaktorsak.")
    assert texts.explain(ConsoleApiError("something_new", "x")) == "Något gick fel. Försök igen."


def test_a_failed_save_keeps_its_text_and_newer_edits_win() -> None:
    draft = DraftBuffer()
    draft.seen(3)
    draft.edit("listen_summary", "Feber")
    assert draft.take() == {"listen_summary": "Feber"}
    draft.edit("listen_summary", "Feber hög")
    assert draft.take() == {}  # one save at a time
    draft.failed(stored_revision=5)
    assert draft.base == 5
    assert draft.take() == {"listen_summary": "Feber hög"}
    draft.saved(6)
    draft.seen(7)
    assert draft.base == 7 and not draft.busy("listen_summary")


def test_the_console_command_defaults_to_the_local_service() -> None:
    args = build_parser().parse_args(["console", "--user", "anna"])
    assert args.url == "http://127.0.0.1:8080" and args.user == "anna" and args.token is None
