"""The day simulator: deterministic by seed, conserves callers, runs what-ifs on the same callers."""

from __future__ import annotations

import json

from queues.simulation import Borrow, compare, national_day, simulate


def small_day(**overrides: object):
    return national_day(1_500, seed=7, **overrides)


def test_the_same_seed_gives_the_same_day() -> None:
    assert simulate(small_day()).as_dict() == simulate(small_day()).as_dict()


def test_every_caller_is_answered_abandoned_rejected_or_still_waiting() -> None:
    result = simulate(small_day())
    total = result.total()
    assert total.offered + sum(result.rejected.values()) == result.callers
    assert total.answered + total.abandoned + result.unfinished + (
        total.callbacks_requested - total.callbacks_completed) >= total.offered
    assert total.answered > 0.8 * total.offered


def test_result_serialises_to_json_and_a_text_summary() -> None:
    result = simulate(small_day())
    data = json.loads(result.as_json())
    assert set(data) >= {"total", "regions", "ledger", "ledger_balance"}
    assert "TOTAL" in result.summary()


def test_night_pool_answering_region_answers_for_the_pool_in_the_ledger() -> None:
    result = simulate(small_day())
    ledger = result.statistics.ledger_totals()
    assert any(by == "20" and origin in {"21", "22", "23", "24", "25"}
               for origin, by in ledger)


def test_what_if_borrowing_nurses_runs_the_same_callers_and_shortens_the_wait() -> None:
    day = national_day(3_000, seed=3, staffed_for=2_000)
    comparison = compare(day, Borrow("01", 4, from_hour=7, lender=None))
    assert comparison.base.callers == comparison.variant.callers
    assert comparison.variant.by_region["01"].average_wait < \
        comparison.base.by_region["01"].average_wait
    assert "what-if" in comparison.summary()
