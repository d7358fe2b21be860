"""HSA-id validation: SE + organisation number with check digit + '-' + letters/digits."""

from __future__ import annotations

import pytest

from referral_catalog.errors import InvalidHsaId
from referral_catalog.hsa import (
    hsa_id_problem,
    is_valid_hsa_id,
    make_hsa_id,
    orgnr_of,
    validate_hsa_id,
)


def test_a_region_unit_id_with_a_valid_organisation_number_is_accepted() -> None:
    assert is_valid_hsa_id("SE2321000016-E12V")
    assert validate_hsa_id("SE2321000016-E12V") == "SE2321000016-E12V"


def test_an_organisation_number_with_a_wrong_check_digit_is_rejected() -> None:
    problem = hsa_id_problem("SE2321000017-E12V")
    assert problem is not None and "check digit" in problem


def test_swedish_letters_are_rejected() -> None:
    problem = hsa_id_problem("SE2321000016-Åby")
    assert problem is not None and "å, ä or ö" in problem


def test_an_id_longer_than_31_characters_is_rejected() -> None:
    value = "SE2321000016-" + "A" * 19  # 32 characters
    assert len(value) == 32
    assert "at most 31" in (hsa_id_problem(value) or "")
    assert is_valid_hsa_id(value[:-1])


@pytest.mark.parametrize(
    "value",
    [
        "2321000016-E1",
        "SE232100001-E1",
        "SE2321000016E1",
        "SE2321000016-",
        "se2321000016-E1",
        "SE2321000016-E 1",
        "SE2321000016-E_1",
    ],
)
def test_malformed_ids_are_rejected(value: str) -> None:
    assert not is_valid_hsa_id(value)


def test_validate_raises_a_catalog_error_naming_the_field() -> None:
    with pytest.raises(InvalidHsaId) as err:
        validate_hsa_id("SE2321000017-X")
    assert err.value.field == "hsa_id"


def test_make_hsa_id_accepts_a_dashed_organisation_number() -> None:
    assert make_hsa_id("232100-0016", "DEMO1") == "SE2321000016-DEMO1"
    assert orgnr_of("SE2321000016-DEMO1") == "2321000016"
