"""The terminal console's words around a call (phase tabs, the call line, the idle view,
unsigned notes, the lost connection), without a terminal."""

from __future__ import annotations

from typing import Any

from nurse_console.ports import Codes
from nurse_console.tui import texts

CODES = Codes(pause_reasons={"LUNCH": "Lunch"}, contact_reasons={}, urgencies={},
              care_types={}, deviation_reasons={})


def test_a_phase_tab_has_its_key_and_name_and_its_time_once_it_has_one() -> None:
    assert texts.phase_title("oppna") == "1 Öppna"
    assert texts.phase_title("bedoma", 0.9) == "3 Analysera/Bedöma"  # under a second: none
    assert texts.phase_title("bedoma", 75.4) == "3 Analysera/Bedöma 1:15"
    assert texts.phase_title("atgard", 3600) == "4 Motivera/Åtgärd 60:00"


def test_a_narrow_terminal_shows_the_short_phase_names() -> None:
    assert texts.phase_title("bedoma", narrow=True) == "3 Bedöma"
    assert texts.phase_title("atgard", 61, narrow=True) == "4 Åtgärd 1:01"
    assert texts.phase_title("lyssna", narrow=True) == "2 Lyssna"  # no long name to cut


def _work(**changes: Any) -> dict[str, Any]:
    return {"status": "on_call", "end_cause": None, "facts": {"number": "+46701234567"},
            **changes}


def test_the_call_line_says_who_the_call_is_with_and_where_it_stands() -> None:
    assert texts.call_line(_work()) == "Samtal med +46701234567 · i samtal"
    gone = _work(status="caller_gone", end_cause="caller_hangup", facts={"number": None})
    assert texts.call_line(gone) == \
        "Samtal med dolt nummer · samtalet avslutat (den som ringde lade på)"
    odd = _work(status="caller_gone", end_cause="something_new")
    assert texts.call_line(odd).endswith("samtalet avslutat (avslutat)")  # no raw code


def test_the_call_line_counts_the_talk_and_then_the_wrap_up_time() -> None:
    from datetime import datetime
    now = datetime.fromisoformat("2025-03-04T09:45:10+00:00")
    talking = _work(answered_at="2025-03-04T09:41:00+00:00")
    assert texts.call_line(talking, now, "sparat") == \
        "Samtal med +46701234567 · i samtal · samtalstid 4:10 · sparat"
    gone = _work(status="caller_gone", answered_at="2025-03-04T09:41:00+00:00",
                 caller_gone_at="2025-03-04T09:44:00+00:00")
    assert texts.call_line(gone, now).endswith("samtalstid 3:00 · efterarbete 1:10")


def test_an_unsigned_note_is_listed_by_its_swedish_time_number_and_summary() -> None:
    item = {"call_id": "c1", "offered_at": "2025-03-04T09:41:07+00:00",
            "number": "+46701234567", "summary": "Ont i magen"}
    assert texts.unsigned(item) == "10:41 · +46701234567 · Ont i magen"  # CET in March
    summer = {**item, "offered_at": "2025-07-04T09:41:07+00:00"}
    assert texts.unsigned(summer).startswith("11:41")  # CEST
    assert texts.unsigned({**item, "number": None, "summary": ""}) == "10:41 · dolt nummer"
    assert texts.unsigned({"call_id": "c2"}) == "dolt nummer"


def test_the_idle_view_says_what_to_do_next() -> None:
    assert "redo" in texts.idle({"state": "ready"}, CODES)
    assert texts.idle({"state": "paused", "pause_reason": "LUNCH"}, CODES) == \
        "Du har paus (Lunch). Tryck r för att bli redo."
    assert texts.idle({"state": "paused"}, CODES) == "Du har paus. Tryck r för att bli redo."
    assert texts.idle({"state": "paused", "pause_reason": "XYZ"}, CODES).startswith(
        "Du har paus (okänd kod)")
    assert texts.idle({"state": "logged_out"}, None) == \
        "Tryck r (Redo) för att ta emot samtal."


def test_a_lost_connection_says_for_how_long_and_nothing_while_it_is_up() -> None:
    assert texts.connection(None, 500.0) == ""
    assert texts.connection(100.0, 165.5) == \
        "Ingen kontakt med tjänsten sedan 1:05 · försöker igen"
    assert texts.connection(100.0, 100.0).startswith("Ingen kontakt med tjänsten sedan 0:00")
