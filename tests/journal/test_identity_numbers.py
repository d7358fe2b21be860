"""Personnummer, samordningsnummer and reservnummer validation (numbers are fictional:
Skatteverket's example person and generated numbers with valid check digits)."""

from __future__ import annotations

from datetime import date

import pytest

from journal.errors import InvalidIdentityNumber
from journal.identity_numbers import (
    fictional_personnummer,
    parse_identity,
    parse_reservnummer,
    parse_swedish_number,
)
from journal.model import IdentityKind
from tests.journal.conftest import shipped_config

TODAY = date(2026, 3, 2)


def test_the_example_person_validates_and_normalises_to_twelve_digits():
    parsed = parse_swedish_number("19121212-1212", TODAY)
    assert parsed.kind is IdentityKind.PERSONNUMMER
    assert parsed.number == "191212121212"
    assert parsed.birth_date == date(1912, 12, 12)


@pytest.mark.parametrize("value", ["191212121212", "1212121212", "121212+1212", "19121212 1212"])
def test_separators_and_lengths_are_accepted(value: str):
    assert parse_swedish_number(value, TODAY).kind is IdentityKind.PERSONNUMMER


def test_a_bad_check_digit_is_rejected():
    with pytest.raises(InvalidIdentityNumber, match="check digit"):
        parse_swedish_number("19121212-1213", TODAY)


def test_a_ten_digit_number_with_minus_is_placed_in_the_latest_possible_century():
    assert parse_swedish_number("121212-1212", TODAY).birth_date == date(2012, 12, 12)


def test_the_plus_separator_means_a_hundred_years_or_older():
    assert parse_swedish_number("121212+1212", TODAY).birth_date == date(1912, 12, 12)


def test_the_plus_separator_is_refused_on_twelve_digits():
    with pytest.raises(InvalidIdentityNumber):
        parse_swedish_number("19121212+1212", TODAY)


def test_a_samordningsnummer_has_day_plus_sixty_and_is_recognised():
    number = fictional_personnummer(date(1985, 3, 4), 123, coordination=True)  # fictional
    parsed = parse_swedish_number(number, TODAY)
    assert parsed.kind is IdentityKind.SAMORDNINGSNUMMER
    assert parsed.birth_date == date(1985, 3, 4)
    assert number[6:8] == "64"


def test_a_samordningsnummer_with_a_bad_check_digit_is_rejected():
    number = fictional_personnummer(date(1985, 3, 4), 123, coordination=True)
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(InvalidIdentityNumber):
        parse_swedish_number(bad, TODAY)


def test_a_birth_date_in_the_future_is_rejected_even_with_a_valid_check_digit():
    number = fictional_personnummer(date(2026, 3, 3), 45)  # tomorrow
    with pytest.raises(InvalidIdentityNumber, match="future"):
        parse_swedish_number(number, TODAY)


def test_an_impossible_date_is_rejected():
    with pytest.raises(InvalidIdentityNumber):
        parse_swedish_number(fictional_personnummer(date(2001, 2, 28), 1)[:6] + "300010", TODAY)


def test_a_claimed_kind_must_match_the_number():
    with pytest.raises(InvalidIdentityNumber, match="samordningsnummer"):
        parse_identity(IdentityKind.PERSONNUMMER,
                       fictional_personnummer(date(1990, 1, 1), 7, coordination=True), TODAY)


def test_unidentified_persons_carry_no_number():
    assert parse_identity("unidentified", None, TODAY).number == ""
    with pytest.raises(InvalidIdentityNumber):
        parse_identity("unidentified", "191212121212", TODAY)


def test_a_regions_reservnummer_follows_its_configured_format_and_check_digit():
    formats = shipped_config().reservnummer
    body = "9901020304"[:9]
    from stdnum import luhn

    valid = "99" + body + luhn.calc_check_digit(body)  # 12 characters, Luhn over last 10
    ok = parse_reservnummer(valid, "01", formats)
    assert ok.kind is IdentityKind.RESERVNUMMER and ok.number == valid
    with pytest.raises(InvalidIdentityNumber, match="check digit"):
        parse_reservnummer(valid[:-1] + str((int(valid[-1]) + 1) % 10), "01", formats)
    with pytest.raises(InvalidIdentityNumber, match="format"):
        parse_reservnummer("19121212-1212", "01", formats)


def test_a_region_with_letters_in_its_reservnummer_is_checked_by_pattern():
    formats = shipped_config().reservnummer
    assert parse_reservnummer("20240101-AB12", "14", formats).number == "20240101AB12"
    with pytest.raises(InvalidIdentityNumber):
        parse_reservnummer("20240101-1234", "14", formats)


def test_regions_without_a_format_use_the_default_pattern():
    formats = shipped_config().reservnummer
    assert parse_reservnummer("res-12345x", "25", formats).number == "RES12345X"
    with pytest.raises(InvalidIdentityNumber):
        parse_reservnummer("!!", "25", formats)
