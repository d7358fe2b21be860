"""The FIFO queue: priority first, then original arrival time, then order of adding."""

from __future__ import annotations

from datetime import datetime

import pytest

from queues.errors import DuplicateCall, UnknownCall
from queues.model import CallQueue, WaitingCall
from tests.queues.helpers import at, call


def ids(queue: CallQueue) -> list[str]:
    return [c.call_id for c in queue]


def test_empty_queue() -> None:
    q = CallQueue("01")
    assert len(q) == 0 and not q
    assert q.peek() is None
    assert q.oldest_arrival is None
    assert ids(q) == []
    assert q.position("nope") is None


def test_first_in_first_out() -> None:
    q = CallQueue("01")
    for i, arrived in enumerate([0, 5, 9]):
        q.add(call(f"c{i}", arrived=arrived))
    assert ids(q) == ["c0", "c1", "c2"]
    head = q.peek()
    assert head is not None and head.call_id == "c0"
    assert [q.position(c) for c in ("c0", "c1", "c2")] == [1, 2, 3]
    assert len(q) == 3


def test_order_is_by_original_arrival_not_by_when_added() -> None:
    q = CallQueue("01")
    q.add(call("late", arrived=100))
    q.add(call("moved-in", arrived=10))  # e.g. moved here from another queue
    assert ids(q) == ["moved-in", "late"]


def test_priority_goes_before_arrival_time() -> None:
    q = CallQueue("01")
    q.add(call("normal-early", arrived=0))
    q.add(call("urgent-late", arrived=50, priority=-1))
    q.add(call("low", arrived=1, priority=5))
    q.add(call("normal-later", arrived=20))
    assert ids(q) == ["urgent-late", "normal-early", "normal-later", "low"]
    assert q.position("low") == 4
    assert q.oldest_arrival == at(0)  # the oldest caller, not the head of the queue


def test_equal_priority_and_arrival_keep_the_order_of_adding() -> None:
    q = CallQueue("01")
    for name in ["a", "b", "c", "d"]:
        q.add(call(name, arrived=7))
    assert ids(q) == ["a", "b", "c", "d"]


def test_explicit_sequence_restores_an_exact_place() -> None:
    q = CallQueue("01")
    q.add(call("a", arrived=7), sequence=10)
    q.add(call("c", arrived=7), sequence=30)
    q.add(call("b", arrived=7), sequence=20)
    assert ids(q) == ["a", "b", "c"]
    assert q.sequence_of("b") == 20


def test_add_returns_the_position() -> None:
    q = CallQueue("01")
    assert q.add(call("a", arrived=5)) == 1
    assert q.add(call("b", arrived=1)) == 1
    assert q.add(call("c", arrived=9)) == 3


def test_remove_from_the_middle() -> None:
    q = CallQueue("01")
    for i in range(5):
        q.add(call(f"c{i}", arrived=i))
    removed = q.remove("c2")
    assert removed.call_id == "c2"
    assert ids(q) == ["c0", "c1", "c3", "c4"]
    assert q.position("c3") == 3
    assert "c2" not in q and "c3" in q
    with pytest.raises(UnknownCall):
        q.remove("c2")


def test_duplicates_are_rejected() -> None:
    q = CallQueue("01")
    q.add(call("a", arrived=0))
    with pytest.raises(DuplicateCall):
        q.add(call("a", arrived=5))
    assert len(q) == 1


def test_a_call_of_another_queue_is_rejected() -> None:
    q = CallQueue("01")
    with pytest.raises(ValueError, match="belongs to queue '14'"):
        q.add(call("a", queue_id="14"))


def test_waiting_call_validation() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        WaitingCall("c", "01", None, datetime(2025, 1, 1))
    with pytest.raises(TypeError):
        WaitingCall("c", "01", None, at(0), priority=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        WaitingCall("", "01", None, at(0))


def test_iteration_is_a_snapshot() -> None:
    q = CallQueue("01")
    q.add(call("a", arrived=0))
    q.add(call("b", arrived=1))
    for c in q:
        q.remove(c.call_id)  # removing while iterating is safe
    assert len(q) == 0
