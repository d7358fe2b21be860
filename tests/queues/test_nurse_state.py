"""The nurse state machine: every allowed transition, and the refused ones."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from queues.errors import InvalidTransition, QueueError
from queues.model import Nurse, NurseState, NurseTransition
from tests.queues.helpers import at, nurse


def ringing(n: Nurse, call_id: str = "c1") -> Nurse:
    n.log_in(at(0))
    n.offer(call_id, at(10))
    return n


def test_a_new_nurse_is_logged_out() -> None:
    n = nurse("ssk-1")
    assert n.state is NurseState.LOGGED_OUT
    assert (n.state_since, n.current_call_id, n.idle_since, n.unanswered_offers) == (
        None, None, None, 0)


def test_states_have_wire_names_and_swedish_names() -> None:
    assert [s.value for s in NurseState] == [
        "logged_out", "ready", "ringing", "on_call", "wrap_up"]
    assert [s.swedish for s in NurseState] == [
        "utloggad", "redo", "ringer", "i samtal", "efterarbete"]


def test_full_cycle_returns_one_transition_record_per_step() -> None:
    n = nurse("ssk-1")
    records = [
        n.log_in(at(0)),
        n.offer("c1", at(5)),
        n.answer(at(8)),
        n.end_call(at(300)),
        n.end_wrap_up(at(360)),
        n.log_out(at(400), reason="shift over"),
    ]
    assert records == [
        NurseTransition("ssk-1", NurseState.LOGGED_OUT, NurseState.READY, at(0), None, None),
        NurseTransition("ssk-1", NurseState.READY, NurseState.RINGING, at(5), "c1", None),
        NurseTransition("ssk-1", NurseState.RINGING, NurseState.ON_CALL, at(8), "c1", None),
        NurseTransition("ssk-1", NurseState.ON_CALL, NurseState.WRAP_UP, at(300), "c1", None),
        NurseTransition("ssk-1", NurseState.WRAP_UP, NurseState.READY, at(360), "c1", None),
        NurseTransition("ssk-1", NurseState.READY, NurseState.LOGGED_OUT, at(400), None,
                        "shift over"),
    ]
    assert n.state is NurseState.LOGGED_OUT
    assert n.state_since == at(400)
    assert n.current_call_id is None and n.idle_since is None


def test_log_in_sets_idle_since_and_current_call_follows_the_call() -> None:
    n = nurse("ssk-1")
    n.log_in(at(0))
    assert (n.state, n.idle_since, n.state_since) == (NurseState.READY, at(0), at(0))
    n.offer("c1", at(5))
    assert n.current_call_id == "c1"
    assert n.idle_since == at(0)  # still the idle-since of the READY period
    n.answer(at(6))
    n.end_call(at(60))
    assert n.current_call_id == "c1"  # wrap-up belongs to the call just ended
    n.end_wrap_up(at(90))
    assert n.current_call_id is None
    assert n.idle_since == at(90)


def test_decline_counts_the_miss_and_moves_the_nurse_to_the_back_of_the_idle_line() -> None:
    n = ringing(nurse("ssk-1"))
    record = n.decline(at(30), "no_answer")
    assert record == NurseTransition("ssk-1", NurseState.RINGING, NurseState.READY, at(30),
                                     "c1", "no_answer")
    assert (n.state, n.current_call_id, n.unanswered_offers, n.idle_since) == (
        NurseState.READY, None, 1, at(30))
    n.offer("c2", at(40))
    n.decline(at(60), "busy")
    assert n.unanswered_offers == 2
    n.offer("c3", at(70))
    n.answer(at(71))
    assert n.unanswered_offers == 0  # misses in a row


def test_cancel_offer_keeps_the_nurse_s_place_and_counts_no_miss() -> None:
    n = ringing(nurse("ssk-1"))
    record = n.cancel_offer(at(12))
    assert (record.from_state, record.to_state, record.call_id) == (
        NurseState.RINGING, NurseState.READY, "c1")
    assert (n.idle_since, n.unanswered_offers, n.current_call_id) == (at(0), 0, None)


def test_log_out_from_wrap_up_is_allowed() -> None:
    n = ringing(nurse("ssk-1"))
    n.answer(at(11))
    n.end_call(at(20))
    record = n.log_out(at(25))
    assert (record.from_state, record.call_id) == (NurseState.WRAP_UP, "c1")
    assert n.state is NurseState.LOGGED_OUT and n.current_call_id is None


def test_log_in_resets_missed_offers() -> None:
    n = ringing(nurse("ssk-1"))
    n.decline(at(20))
    n.log_out(at(21))
    n.log_in(at(22))
    assert n.unanswered_offers == 0


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ("logged_out", "log_out"),
        ("logged_out", "offer"),
        ("logged_out", "answer"),
        ("logged_out", "end_call"),
        ("ready", "log_in"),
        ("ready", "answer"),
        ("ready", "decline"),
        ("ready", "cancel_offer"),
        ("ready", "end_call"),
        ("ready", "end_wrap_up"),
        ("ringing", "log_out"),
        ("ringing", "offer"),
        ("ringing", "end_call"),
        ("ringing", "log_in"),
        ("on_call", "log_out"),
        ("on_call", "offer"),
        ("on_call", "answer"),
        ("on_call", "decline"),
        ("on_call", "end_wrap_up"),
        ("wrap_up", "offer"),
        ("wrap_up", "answer"),
        ("wrap_up", "end_call"),
        ("wrap_up", "log_in"),
    ],
)
def test_invalid_transitions_raise_naming_nurse_state_and_action(setup: str,
                                                                  action: str) -> None:
    n = nurse("ssk-7")
    steps = ["log_in", "offer", "answer", "end_call"]
    order = ["logged_out", "ready", "ringing", "on_call", "wrap_up"]
    for step in steps[: order.index(setup)]:
        getattr(n, step)(*(("c1", at(1)) if step == "offer" else (at(1),)))
    before = (n.state, n.state_since, n.current_call_id, n.idle_since, n.unanswered_offers)
    args = ("c9", at(2)) if action == "offer" else (at(2),)
    with pytest.raises(InvalidTransition) as caught:
        getattr(n, action)(*args)
    err = caught.value
    assert isinstance(err, QueueError)
    assert (err.nurse_id, err.state.split()[0]) == ("ssk-7", setup)
    assert "ssk-7" in str(err) and setup in str(err) and action in str(err)
    assert (n.state, n.state_since, n.current_call_id, n.idle_since,
            n.unanswered_offers) == before  # nothing changed


def test_log_out_while_ringing_or_on_call_says_to_end_the_call_first() -> None:
    n = ringing(nurse("ssk-1"))
    with pytest.raises(InvalidTransition, match=r"ringing .*ringer.*cannot log_out.*end the call"):
        n.log_out(at(11))


def test_naive_times_are_rejected() -> None:
    n = nurse("ssk-1")
    with pytest.raises(ValueError, match="timezone-aware"):
        n.log_in(datetime(2025, 3, 1, 8, 0))
    assert n.state is NurseState.LOGGED_OUT


def test_offer_needs_a_call_id() -> None:
    n = nurse("ssk-1")
    n.log_in(at(0))
    with pytest.raises(ValueError):
        n.offer("", at(1))


def test_wrap_up_due() -> None:
    n = ringing(nurse("ssk-1"))
    wrapup = timedelta(seconds=60)
    assert not n.wrap_up_due(at(1000), wrapup)  # not in wrap-up
    n.answer(at(11))
    n.end_call(at(100))
    assert not n.wrap_up_due(at(159), wrapup)
    assert n.wrap_up_due(at(160), wrapup)
    assert n.wrap_up_due(at(500), wrapup)
    n.end_wrap_up(at(500))
    assert not n.wrap_up_due(at(1000), wrapup)
