"""Demo catalogs: deterministic, plausible, valid and clearly fictional."""

from __future__ import annotations

from collections import Counter
from functools import cache

from referral_catalog.demo_data import generate_demo_catalog, load_municipalities
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.model import CareType, CareUnit, NoticeKind
from referral_catalog.validation import unit_problems


@cache
def catalog() -> tuple[CareUnit, ...]:
    return tuple(generate_demo_catalog(("01", "03", "12", "14"), 1600, seed=7))


def test_the_demo_catalog_has_four_regions_and_at_least_1500_units() -> None:
    units = catalog()
    assert len(units) == 1600
    assert set(Counter(u.region for u in units)) == {"01", "03", "12", "14"}


def test_the_same_seed_gives_the_same_catalog_and_another_seed_another() -> None:
    assert tuple(generate_demo_catalog(("01", "03", "12", "14"), 1600, seed=7)) == catalog()
    assert tuple(generate_demo_catalog(("01", "03", "12", "14"), 1600, seed=8)) != catalog()


def test_every_demo_unit_is_valid_fictional_and_uniquely_identified() -> None:
    units = catalog()
    assert all(u.fictional for u in units)
    assert len({u.hsa_id for u in units}) == len(units)
    assert [p for u in units for p in unit_problems(u)] == []


def test_demo_units_use_real_municipality_codes_and_sit_near_their_centre() -> None:
    codes = load_municipalities()
    centres = MunicipalityCentres.load()
    assert len(centres) == len(codes) == 290
    for u in catalog():
        assert u.municipality_code in codes
        c, m = u.coordinates, centres.centre(u.municipality_code)
        assert c is not None and abs(c.lat - m.lat) < 0.3 and abs(c.lon - m.lon) < 0.5


def test_the_mix_has_every_care_type_hours_age_limits_and_notices() -> None:
    units = catalog()
    types = Counter(ct for u in units for ct in u.care_types)
    assert set(types) >= set(CareType) - {CareType.DIGITAL_VARD}
    assert types[CareType.VARDCENTRAL] > types[CareType.AKUTMOTTAGNING]
    youth = [u for u in units if CareType.UNGDOMSMOTTAGNING in u.care_types]
    assert all((u.age_group.min_years, u.age_group.max_years) == (13, 25) for u in youth)
    assert any(u.opening_hours == "24/7" for u in units)
    kinds = {n.kind for u in units for n in u.notices}
    assert NoticeKind.CLOSED in kinds


def test_demo_names_are_marked_invented() -> None:
    assert all(any(p in u.name for p in ("Exempel", "Påhitt", "Demo", "Fiktiv")) for u in catalog())
