"""Opening hours in Europe/Stockholm: holidays, summer time, nights, 24/7 and notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from referral_catalog.errors import InvalidQuery
from referral_catalog.hours import (
    holiday_name,
    is_open,
    open_intervals,
    opening_hours_problem,
    phone_hours_state,
    unit_hours_state,
)
from referral_catalog.model import NoticeKind, PhoneNumber, TemporaryNotice
from tests.referral_catalog.helpers import at, unit

WEEKDAYS = "Mo-Fr 08:00-17:00; PH off"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-06-19", "Midsommarafton"),
        ("2026-12-24", "Julafton"),
        ("2026-12-31", "Nyårsafton"),
        ("2026-05-14", "Kristi himmelsfärdsdag"),
    ],
)
def test_a_weekday_clinic_is_closed_on_swedish_holidays_and_eves(day: str, name: str) -> None:
    clinic = unit(opening_hours=WEEKDAYS)
    state = unit_hours_state(clinic, at(f"{day} 10:00"))
    assert not state.open
    assert state.holiday == name


def test_the_clinic_is_open_on_the_weekday_before_midsommarafton() -> None:
    assert is_open(unit(opening_hours=WEEKDAYS), at("2026-06-18 10:00"))


def test_after_julafton_the_next_opening_is_after_the_christmas_holidays() -> None:
    state = unit_hours_state(unit(opening_hours=WEEKDAYS), at("2026-12-24 09:00"))
    assert state.opens_at == at("2026-12-28 08:00")


def test_holidays_do_not_close_a_unit_whose_hours_ignore_them() -> None:
    assert is_open(unit(opening_hours="Mo-Fr 08:00-17:00"), at("2026-06-19 10:00"))


def test_opening_after_the_switch_to_summer_time_is_at_local_eight() -> None:
    # Summer time starts 2026-03-29 at 02:00 (clocks jump to 03:00).
    state = unit_hours_state(unit(opening_hours=WEEKDAYS), at("2026-03-27 18:00"))
    assert state.opens_at == at("2026-03-30 08:00")
    assert state.opens_at is not None
    assert state.opens_at.astimezone(UTC).hour == 6  # CEST = UTC+2


def test_opening_after_the_switch_back_to_standard_time_is_at_local_eight() -> None:
    # Standard time returns 2026-10-25 at 03:00 (clocks go back to 02:00).
    state = unit_hours_state(unit(opening_hours=WEEKDAYS), at("2026-10-23 18:00"))
    assert state.opens_at is not None
    assert state.opens_at.astimezone(UTC) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_a_night_clinic_open_over_the_spring_switch_is_open_seven_real_hours() -> None:
    night = unit(opening_hours="Mo-Su 22:00-07:00")
    state = unit_hours_state(night, at("2026-03-28 23:00"))
    assert state.open and state.closes_at is not None
    assert state.closes_at.astimezone(UTC) - at("2026-03-28 23:00").astimezone(UTC) == timedelta(
        hours=7
    )
    assert state.closes_at.astimezone(UTC) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)


def test_a_night_clinic_open_over_the_autumn_switch_is_open_nine_real_hours() -> None:
    night = unit(opening_hours="Mo-Su 22:00-07:00")
    state = unit_hours_state(night, at("2026-10-24 22:00"))
    assert state.open and state.closes_at is not None
    assert state.closes_at.astimezone(UTC) - at("2026-10-24 22:00").astimezone(UTC) == timedelta(
        hours=10
    )


def test_hours_past_midnight_are_open_after_midnight_and_closed_at_noon() -> None:
    night = unit(opening_hours="Mo-Su 22:00-07:00")
    assert is_open(night, at("2026-12-02 23:30"))
    assert is_open(night, at("2026-12-03 03:00"))
    state = unit_hours_state(night, at("2026-12-03 12:00"))
    assert not state.open and state.opens_at == at("2026-12-03 22:00")


def test_the_time_zone_of_the_question_does_not_matter() -> None:
    night = unit(opening_hours="Mo-Su 22:00-07:00")
    assert is_open(night, datetime(2026, 12, 2, 21, 30, tzinfo=UTC))  # 22:30 in Stockholm
    assert not is_open(night, datetime(2026, 12, 2, 20, 30, tzinfo=UTC))


def test_a_24_7_unit_is_always_open_and_never_closes_within_the_horizon() -> None:
    emergency = unit(opening_hours="24/7")
    for when in ("2026-12-24 03:00", "2026-03-29 02:30", "2026-10-25 02:30"):
        state = unit_hours_state(emergency, at(when))
        assert state.open and state.closes_at is None


def test_a_temporary_closure_overrides_regular_hours_while_valid() -> None:
    closure = TemporaryNotice(
        NoticeKind.CLOSED, at("2026-12-02 00:00"), at("2026-12-04 00:00"), "Vattenskada"
    )
    clinic = unit(notices=(closure,))
    state = unit_hours_state(clinic, at("2026-12-02 10:00"))
    assert not state.open
    assert state.notice == closure
    assert state.opens_at == at("2026-12-04 08:00")
    assert is_open(clinic, at("2026-12-04 10:00"))
    assert is_open(clinic, at("2026-12-01 10:00"))


def test_deviating_hours_replace_regular_hours_while_valid() -> None:
    deviating = TemporaryNotice(
        NoticeKind.DEVIATING_HOURS,
        at("2026-12-02 00:00"),
        at("2026-12-03 00:00"),
        "Kort dag",
        "Mo-Su 10:00-12:00",
    )
    clinic = unit(notices=(deviating,))
    assert not is_open(clinic, at("2026-12-02 09:00"))
    state = unit_hours_state(clinic, at("2026-12-02 11:00"))
    assert state.open and state.closes_at == at("2026-12-02 12:00")
    assert is_open(clinic, at("2026-12-03 09:00"))


def test_an_information_notice_leaves_the_hours_alone() -> None:
    info = TemporaryNotice(
        NoticeKind.INFORMATION,
        at("2026-12-02 00:00"),
        at("2026-12-03 00:00"),
        "Begränsad telefontid",
    )
    state = unit_hours_state(unit(notices=(info,)), at("2026-12-02 10:00"))
    assert state.open and state.notice == info


def test_drop_in_hours_are_evaluated_separately() -> None:
    clinic = unit(drop_in_hours="Mo-Fr 08:00-10:00; PH off")
    assert unit_hours_state(clinic, at("2026-12-02 09:00"), drop_in=True).open
    assert not unit_hours_state(clinic, at("2026-12-02 11:00"), drop_in=True).open


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidQuery):
        is_open(unit(), datetime(2026, 12, 2, 10, 0))


def test_open_intervals_lists_a_week_of_weekday_hours() -> None:
    spans = open_intervals(WEEKDAYS, at("2026-12-07 00:00"), at("2026-12-14 00:00"))
    assert len(spans) == 5
    assert spans[0] == (at("2026-12-07 08:00"), at("2026-12-07 17:00"))


def test_bad_syntax_is_reported_and_good_syntax_is_not() -> None:
    assert opening_hours_problem("Mo-Fx 08:00-17:00") is not None
    assert opening_hours_problem("") == "is empty"
    assert opening_hours_problem("Mo-Fr 08:00-17:00; Sa,Su,PH 10:00-14:00") is None


def test_holiday_names_are_swedish_and_ordinary_days_have_none() -> None:
    assert holiday_name(at("2026-06-19 00:00").date()) == "Midsommarafton"
    assert holiday_name(at("2026-12-02 00:00").date()) is None


def test_phone_hours_of_their_own_and_phones_following_the_unit() -> None:
    morning = PhoneNumber("08-465 004 00", "Tidsbokning", "Mo-Fr 08:00-10:00; PH off")
    plain = PhoneNumber("08-465 004 01")
    clinic = unit(phones=(morning, plain))
    assert not phone_hours_state(clinic, morning, at("2026-12-02 11:00")).open
    assert phone_hours_state(clinic, plain, at("2026-12-02 11:00")).open
