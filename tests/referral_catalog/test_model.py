"""The care-unit model guards its structure; validation adds the library checks."""

from __future__ import annotations

import pytest

from referral_catalog.errors import InvalidCareUnit
from referral_catalog.model import AgeGroup, Coordinates, NoticeKind, TemporaryNotice
from referral_catalog.validation import unit_problems, validate_unit
from tests.referral_catalog.helpers import at, unit


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"region": "1"}, "region"),
        ({"municipality_code": "1480"}, "municipality_code"),
        ({"care_types": ()}, "care_types"),
        ({"name": " "}, "name"),
        ({"languages": ("Svenska",)}, "languages"),
        ({"opening_hours": ""}, "opening_hours"),
    ],
)
def test_structural_problems_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidCareUnit) as err:
        unit(**overrides)
    assert err.value.field == field


def test_coordinates_must_be_wgs84() -> None:
    with pytest.raises(InvalidCareUnit):
        Coordinates(91.0, 18.0)


def test_age_group_limits_are_inclusive() -> None:
    youth = AgeGroup(13, 25)
    assert youth.admits(13) and youth.admits(25)
    assert not youth.admits(12) and not youth.admits(26)
    assert AgeGroup().admits(101) and not AgeGroup().is_limited


def test_a_notice_needs_an_aware_period_that_ends_after_it_starts() -> None:
    with pytest.raises(InvalidCareUnit):
        TemporaryNotice(NoticeKind.CLOSED, at("2026-12-03 00:00"), at("2026-12-02 00:00"), "x")
    with pytest.raises(InvalidCareUnit):
        TemporaryNotice(
            NoticeKind.DEVIATING_HOURS, at("2026-12-02 00:00"), at("2026-12-03 00:00"), "x"
        )


def test_validation_finds_a_bad_check_digit_and_bad_drop_in_hours() -> None:
    bad = unit(hsa_id="SE2321000017-X", drop_in_hours="Mo-Fx")
    assert [p.field for p in unit_problems(bad)] == ["hsa_id", "drop_in_hours"]
    with pytest.raises(InvalidCareUnit):
        validate_unit(bad)
    assert validate_unit(unit()) == unit()


def test_care_type_values_are_the_decision_support_codes() -> None:
    from referral_catalog.model import CareType

    assert CareType("PSYKIATRISK_AKUT") is CareType.PSYKIATRISK_AKUT
    assert CareType.VARDCENTRAL.label == "vårdcentral"
    assert CareType.parse("MVC") is CareType.BARNMORSKEMOTTAGNING
    with pytest.raises(ValueError):
        CareType.parse("sjukstuga")


def test_every_catalog_care_type_is_configured_in_decision_support() -> None:
    import tomllib
    from pathlib import Path

    from referral_catalog.model import CareType

    config = Path(__file__).resolve().parents[2] / "config" / "decision_support.toml"
    codes = {c["code"] for c in tomllib.loads(config.read_text("utf-8"))["care_types"]}
    assert {ct.value for ct in CareType} <= codes
