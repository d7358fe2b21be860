"""The v0 dispatcher: who is offered which call."""

from __future__ import annotations

import pytest

from queues.errors import DuplicateCall, DuplicateNurse, UnknownCall, UnknownNurse, UnknownQueue
from queues.model import (
    ANY_REGION,
    Assignment,
    Dispatcher,
    NurseState,
)
from tests.queues.helpers import T0, at, call, nurse

REGIONS = ["01", "12", "14"]


def dispatcher(prefer_own_region: bool = True, national: set[str] | None = None) -> Dispatcher:
    serving: dict[str, set[str]] = {r: {r} for r in REGIONS}
    serving["national"] = set(REGIONS) if national is None else national
    return Dispatcher(serving, prefer_own_region=prefer_own_region)


def ready(d: Dispatcher, nurse_id: str, region: str, when: float) -> list[Assignment]:
    if nurse_id not in d.nurses:
        d.add_nurse(nurse(nurse_id, region))
    d.nurses[nurse_id].log_in(at(when))
    return d.nurse_ready(nurse_id, at(when))


def free_again(d: Dispatcher, nurse_id: str, when: float) -> list[Assignment]:
    """Answer, end the call and wrap up, then report the nurse ready."""
    n = d.nurses[nurse_id]
    call_id = n.current_call_id
    n.answer(at(when))
    n.end_call(at(when))
    d.remove_call(call_id or "")
    n.end_wrap_up(at(when))
    return d.nurse_ready(nurse_id, at(when))


def test_a_call_waits_when_nobody_is_ready_and_goes_to_the_first_ready_nurse() -> None:
    d = dispatcher()
    assert d.enqueue(call("c1", "01", arrived=0), at(0)) == []
    assert d.position("c1") == 1
    made = ready(d, "ssk-01-a", "01", 5)
    assert made == [Assignment("c1", "ssk-01-a", "01")]
    assert made[0].transition is not None
    assert made[0].transition.to_state is NurseState.RINGING
    n = d.nurses["ssk-01-a"]
    assert (n.state, n.current_call_id) == (NurseState.RINGING, "c1")
    assert d.position("c1") is None
    assert d.offered_to("c1") == "ssk-01-a"


def test_a_nurse_only_takes_calls_of_queues_their_region_serves() -> None:
    d = dispatcher()
    d.enqueue(call("c14", "14", arrived=0), at(0))
    assert ready(d, "ssk-01-a", "01", 1) == []
    assert d.nurses["ssk-01-a"].state is NurseState.READY
    assert ready(d, "ssk-14-a", "14", 2) == [Assignment("c14", "ssk-14-a", "14")]


def test_national_queue_is_served_by_every_participating_region() -> None:
    d = dispatcher(national={"01", "14"})
    d.enqueue(call("abroad", "national", arrived=0, origin=""), at(0))
    assert ready(d, "ssk-12-a", "12", 1) == []  # region 12 does not take part
    assert ready(d, "ssk-14-a", "14", 2) == [Assignment("abroad", "ssk-14-a", "national")]


def test_any_region_serves_a_queue_with_every_nurse() -> None:
    d = Dispatcher({"01": {"01"}, "crisis": {ANY_REGION}})
    d.enqueue(call("c", "crisis"), at(0))
    assert ready(d, "ssk-25-a", "25", 1) == [Assignment("c", "ssk-25-a", "crisis")]


def test_arriving_call_goes_to_the_longest_idle_eligible_nurse() -> None:
    d = dispatcher()
    ready(d, "ssk-01-b", "01", 30)
    ready(d, "ssk-14-a", "14", 5)   # idle longest, but region 14 does not serve queue 01
    ready(d, "ssk-01-c", "01", 10)  # longest idle among the eligible
    ready(d, "ssk-01-a", "01", 20)
    assert d.enqueue(call("c1", "01", arrived=40), at(40)) == [
        Assignment("c1", "ssk-01-c", "01")]
    assert d.enqueue(call("c2", "01", arrived=41), at(41)) == [
        Assignment("c2", "ssk-01-a", "01")]
    assert d.enqueue(call("c3", "national", arrived=42), at(42)) == [
        Assignment("c3", "ssk-14-a", "national")]


def test_equal_idle_time_is_broken_by_nurse_id() -> None:
    d = dispatcher()
    ready(d, "ssk-b", "01", 10)
    ready(d, "ssk-a", "01", 10)
    assert d.enqueue(call("c1", "01", arrived=20), at(20))[0].nurse_id == "ssk-a"


def test_ready_nurse_gets_the_most_urgent_then_the_oldest_call() -> None:
    d = dispatcher()
    d.enqueue(call("old", "01", arrived=0), at(0))
    d.enqueue(call("newer", "01", arrived=10), at(10))
    d.enqueue(call("urgent", "01", arrived=20, priority=-1), at(20))
    d.enqueue(call("national-old", "national", arrived=-50), at(20))
    assert ready(d, "n1", "01", 30) == [Assignment("urgent", "n1", "01")]
    assert free_again(d, "n1", 40) == [Assignment("old", "n1", "01")]
    assert free_again(d, "n1", 50) == [Assignment("newer", "n1", "01")]
    assert free_again(d, "n1", 60) == [Assignment("national-old", "n1", "national")]
    assert free_again(d, "n1", 70) == []


def test_own_region_queue_is_preferred_among_equal_priority() -> None:
    d = dispatcher(prefer_own_region=True)
    d.enqueue(call("pooled", "national", arrived=0, origin="14"), at(0))
    d.enqueue(call("own", "01", arrived=30), at(30))
    assert ready(d, "ssk-01-a", "01", 40) == [Assignment("own", "ssk-01-a", "01")]
    # ...but never over a more urgent call
    d2 = dispatcher(prefer_own_region=True)
    d2.enqueue(call("pooled-urgent", "national", arrived=0, priority=-1), at(0))
    d2.enqueue(call("own", "01", arrived=30), at(30))
    assert ready(d2, "ssk-01-a", "01", 40) == [
        Assignment("pooled-urgent", "ssk-01-a", "national")]


def test_without_the_preference_the_oldest_call_wins_across_queues() -> None:
    d = dispatcher(prefer_own_region=False)
    d.enqueue(call("pooled", "national", arrived=0, origin="14"), at(0))
    d.enqueue(call("own", "01", arrived=30), at(30))
    assert ready(d, "ssk-01-a", "01", 40) == [Assignment("pooled", "ssk-01-a", "national")]


def test_a_nurse_never_gets_two_calls_and_a_call_is_offered_once() -> None:
    d = dispatcher()
    ready(d, "n1", "01", 0)
    assert d.enqueue(call("c1", "01", arrived=1), at(1)) == [Assignment("c1", "n1", "01")]
    assert d.enqueue(call("c2", "01", arrived=2), at(2)) == []  # n1 is ringing
    assert d.match(at(3)) == []
    assert d.position("c2") == 1
    with pytest.raises(DuplicateCall):
        d.enqueue(call("c1", "01", arrived=1), at(4))  # offered already
    with pytest.raises(DuplicateCall):
        d.enqueue(call("c2", "01", arrived=2), at(4))  # waiting already


def test_declined_call_keeps_its_place_and_goes_to_another_nurse_first() -> None:
    d = dispatcher()
    ready(d, "n1", "01", 0)
    ready(d, "n2", "01", 1)
    assert d.enqueue(call("c1", "01", arrived=10), at(10)) == [Assignment("c1", "n1", "01")]
    assert d.enqueue(call("c2", "01", arrived=11), at(11)) == [Assignment("c2", "n2", "01")]
    d.enqueue(call("c3", "01", arrived=12), at(12))
    # n2 answers c2, finishes, and is ready again while n1 is still ringing
    free_again(d, "n2", 20)  # takes c3
    assert d.nurses["n2"].current_call_id == "c3"
    d.enqueue(call("c4", "01", arrived=21), at(21))
    d.nurses["n1"].decline(at(25), "no_answer")
    # c1 (older than c4) is back at the head; n1 is the only ready nurse, so n1 gets it again
    assert d.offer_declined("c1", "n1", at(25)) == [Assignment("c1", "n1", "01")]
    assert d.position("c4") == 1


def test_declined_call_goes_to_an_other_ready_nurse_before_the_decliner() -> None:
    d = dispatcher()
    ready(d, "n1", "01", 0)
    d.enqueue(call("c1", "01", arrived=10), at(10))
    ready(d, "n2", "01", 15)  # nothing to take: c1 is ringing at n1
    d.nurses["n1"].decline(at(20), "busy")
    assert d.offer_declined("c1", "n1", at(20)) == [Assignment("c1", "n2", "01")]
    assert d.nurses["n1"].state is NurseState.READY
    assert d.nurses["n1"].unanswered_offers == 1
    # the next call goes to n1 (n2 is busy) even though n1 just missed one
    assert d.enqueue(call("c2", "01", arrived=21), at(21)) == [Assignment("c2", "n1", "01")]


def test_declining_nurse_goes_behind_the_other_idle_nurses() -> None:
    d = dispatcher()
    ready(d, "n1", "01", 0)
    d.enqueue(call("c1", "14", arrived=1), at(1))
    ready(d, "n2", "01", 5)
    d.enqueue(call("c2", "01", arrived=6), at(6))   # n1 (idle longest) is offered c2
    assert d.offered_to("c2") == "n1"
    d.nurses["n1"].decline(at(30))
    d.remove_call("c2")  # the caller gave up meanwhile
    assert d.offer_declined("c2", "n1", at(30)) == []  # a removed call is not brought back
    assert d.enqueue(call("c3", "01", arrived=31), at(31)) == [Assignment("c3", "n2", "01")]


def test_withdrawn_offer_keeps_the_nurse_s_place() -> None:
    d = dispatcher()
    ready(d, "n1", "01", 0)
    ready(d, "n2", "01", 5)
    d.enqueue(call("c1", "01", arrived=10), at(10))
    assert d.offered_to("c1") == "n1"
    d.remove_call("c1")  # caller hung up while n1's phone rang
    d.nurses["n1"].cancel_offer(at(12))
    assert d.nurse_ready("n1", at(12)) == []
    assert d.enqueue(call("c2", "01", arrived=20), at(20)) == [Assignment("c2", "n1", "01")]


def test_moving_a_call_keeps_its_original_arrival_time() -> None:
    d = dispatcher()
    d.enqueue(call("c-old", "01", arrived=0), at(0))
    d.enqueue(call("n-mid", "national", arrived=10), at(10))
    d.enqueue(call("n-new", "national", arrived=20), at(20))
    assert d.move_call("c-old", "national", at(30)) == []
    assert d.queue_snapshot()[-1]["call_ids"] == ["c-old", "n-mid", "n-new"]
    moved = d.find_call("c-old")
    assert moved is not None and (moved.queue_id, moved.arrived_at) == ("national", at(0))
    with pytest.raises(UnknownQueue):
        d.move_call("c-old", "99", at(31))
    with pytest.raises(UnknownCall):
        d.move_call("nope", "01", at(31))


def test_set_serving_lets_a_partner_region_help_at_once() -> None:
    d = dispatcher()
    d.enqueue(call("c1", "01", arrived=0), at(0))
    ready(d, "ssk-14-a", "14", 1)
    assert d.set_serving("01", {"01", "14"}, at(2)) == [Assignment("c1", "ssk-14-a", "01")]


def test_unknown_queue_and_nurse() -> None:
    d = dispatcher()
    with pytest.raises(UnknownQueue):
        d.enqueue(call("c1", "99"), at(0))
    with pytest.raises(UnknownNurse):
        d.nurse_ready("nobody", at(0))
    d.add_nurse(nurse("n1"))
    with pytest.raises(DuplicateNurse):
        d.add_nurse(nurse("n1"))


def test_nurse_ready_for_a_nurse_who_is_not_ready_changes_nothing() -> None:
    d = dispatcher()
    d.add_nurse(nurse("n1"))
    d.enqueue(call("c1", "01"), at(0))
    assert d.nurse_ready("n1", at(1)) == []
    assert d.position("c1") == 1


def test_remove_call_is_idempotent() -> None:
    d = dispatcher()
    d.enqueue(call("c1", "01"), at(0))
    assert d.remove_call("c1") is not None
    assert d.remove_call("c1") is None
    assert d.waiting_count() == 0


def test_serving_given_as_a_string_is_refused() -> None:
    with pytest.raises(TypeError):
        Dispatcher({"01": "01"})


def test_snapshots() -> None:
    d = dispatcher()
    d.enqueue(call("c2", "01", arrived=20), at(20))
    d.enqueue(call("c1", "01", arrived=10), at(20))
    d.enqueue(call("u", "01", arrived=30, priority=-1), at(30))
    ready(d, "n14", "14", 0)
    ready(d, "n01", "01", 40)
    snap = {q["queue_id"]: q for q in d.queue_snapshot()}
    assert [q["queue_id"] for q in d.queue_snapshot()] == ["01", "12", "14", "national"]
    assert snap["01"]["waiting"] == 2
    assert snap["01"]["call_ids"] == ["c1", "c2"]
    assert snap["01"]["oldest_arrival"] == at(10)
    assert snap["12"] == {"queue_id": "12", "waiting": 0, "oldest_arrival": None,
                          "call_ids": [], "serving": ["12"]}
    nurses = d.nurse_snapshot()
    assert [n["nurse_id"] for n in nurses] == ["n01", "n14"]
    assert nurses[0] == {
        "nurse_id": "n01", "home_region": "01", "endpoint": "PJSIP/n01", "state": "ringing",
        "state_since": at(40), "current_call_id": "u", "idle_since": at(40),
        "unanswered_offers": 0,
    }
    assert nurses[1]["state"] == "ready" and nurses[1]["idle_since"] == T0


def test_naive_time_is_refused_by_the_dispatcher() -> None:
    from datetime import datetime

    d = dispatcher()
    with pytest.raises(ValueError):
        d.match(datetime(2025, 1, 1))
