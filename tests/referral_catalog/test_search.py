"""The nurse's search: filters, suitability ranking and the Swedish "why" texts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from referral_catalog.errors import InvalidQuery, UnknownMunicipality
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.model import (
    AgeGroup,
    CareType,
    Coordinates,
    NoticeKind,
    TemporaryNotice,
    UnitStatus,
)
from referral_catalog.search import CatalogIndex, CatalogQuery, text_key
from tests.referral_catalog.helpers import at, unit

# Stockholm city centre and points roughly 3, 10 and 40 km from it.
CENTRE = Coordinates(59.3294, 18.0687)
NEAR = Coordinates(59.3580, 18.0687)
MID = Coordinates(59.4193, 18.0687)
FAR = Coordinates(59.6890, 18.0687)
CENTRES = MunicipalityCentres({"0180": CENTRE, "0380": Coordinates(59.8588, 17.6389)})
WEDNESDAY_NOON = at("2026-12-02 12:00")
WEDNESDAY_EVENING = at("2026-12-02 20:00")


def index(*units):  # type: ignore[no-untyped-def]
    return CatalogIndex.build(units, CENTRES)


def names(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.unit.hsa_id.split("-")[1] for h in hits]


def test_nearer_units_rank_first_among_open_units() -> None:
    ix = index(
        unit("FAR", coordinates=FAR), unit("NEAR", coordinates=NEAR), unit("MID", coordinates=MID)
    )
    hits = ix.search(CatalogQuery(at=WEDNESDAY_NOON, open_now=True, point=CENTRE))
    assert names(hits) == ["NEAR", "MID", "FAR"]
    assert hits[0].distance_km == pytest.approx(3.2, abs=0.1)


def test_distance_is_measured_from_the_callers_municipality_centre() -> None:
    ix = index(unit("FAR", coordinates=FAR), unit("NEAR", coordinates=NEAR))
    hits = ix.search(CatalogQuery(municipality="0180"))
    assert names(hits) == ["NEAR", "FAR"]
    assert hits[0].why == ("3,2 km",)


def test_an_open_unit_far_away_ranks_before_a_closed_one_nearby() -> None:
    ix = index(
        unit("CLOSEDNEAR", coordinates=NEAR), unit("OPENFAR", coordinates=FAR, opening_hours="24/7")
    )
    hits = ix.search(CatalogQuery(at=WEDNESDAY_EVENING, within=timedelta(hours=16), point=CENTRE))
    assert names(hits) == ["OPENFAR", "CLOSEDNEAR"]


def test_the_urgency_window_keeps_units_opening_in_time_and_drops_later_ones() -> None:
    ix = index(
        unit("MORNING", opening_hours="Mo-Fr 08:00-17:00"),
        unit("LATE", opening_hours="Mo-Fr 13:00-17:00"),
    )
    hits = ix.search(CatalogQuery(at=WEDNESDAY_EVENING, within=timedelta(hours=13)))
    assert names(hits) == ["MORNING"]
    assert hits[0].open is False
    assert hits[0].opens_at == at("2026-12-03 08:00")
    assert hits[0].why == ("öppnar 08:00 i morgon",)


def test_open_now_excludes_closed_units() -> None:
    ix = index(unit("DAY"), unit("NIGHT", opening_hours="Mo-Su 22:00-07:00"))
    assert names(ix.search(CatalogQuery(at=WEDNESDAY_NOON, open_now=True))) == ["DAY"]
    assert names(ix.search(CatalogQuery(at=at("2026-12-02 23:00"), open_now=True))) == ["NIGHT"]


def test_sooner_opening_ranks_before_later_opening() -> None:
    ix = index(
        unit("NINE", opening_hours="Mo-Fr 09:00-17:00", coordinates=NEAR),
        unit("EIGHT", opening_hours="Mo-Fr 08:00-17:00", coordinates=FAR),
    )
    hits = ix.search(
        CatalogQuery(at=at("2026-12-03 06:30"), within=timedelta(hours=4), point=CENTRE)
    )
    assert names(hits) == ["EIGHT", "NINE"]


def test_why_says_open_until_today_and_until_tomorrow_for_a_night_clinic() -> None:
    ix = index(
        unit("DAY", opening_hours="Mo-Su 08:00-22:00"),
        unit("NIGHT", opening_hours="Mo-Su 22:00-07:00"),
    )
    day = ix.search(CatalogQuery(at=WEDNESDAY_EVENING, open_now=True))
    assert day[0].why == ("öppet till 22:00",)
    night = ix.search(CatalogQuery(at=at("2026-12-02 23:00"), open_now=True))
    assert night[0].why == ("öppet till 07:00 i morgon",)
    assert night[0].closes_at == at("2026-12-03 07:00")


def test_why_says_open_around_the_clock_for_a_24_7_unit() -> None:
    hits = index(unit("ER", opening_hours="24/7")).search(
        CatalogQuery(at=WEDNESDAY_NOON, open_now=True)
    )
    assert hits[0].why == ("öppet dygnet runt",)
    assert hits[0].reasons[0].code == "open_24_7"


def test_why_says_closed_today_by_a_temporary_notice() -> None:
    closure = TemporaryNotice(
        NoticeKind.CLOSED, at("2026-12-02 00:00"), at("2026-12-03 00:00"), "Vattenskada"
    )
    hits = index(unit("SHUT", notices=(closure,))).search(
        CatalogQuery(at=WEDNESDAY_NOON, within=timedelta(hours=24), municipality="0180")
    )
    assert hits[0].open is False
    assert hits[0].why == (
        "stängt i dag: tillfälligt meddelande",
        "öppnar 08:00 i morgon",
        "meddelande: Vattenskada",
        "0,0 km",
    )
    assert [r.code for r in hits[0].reasons] == ["closed_notice", "opens_at", "notice", "distance"]


def test_why_names_the_holiday_and_the_next_weekday() -> None:
    hits = index(unit("VC")).search(CatalogQuery(at=at("2026-06-19 10:00")))
    assert hits[0].why == ("stängt i dag: midsommarafton", "öppnar 08:00 måndag")


def test_a_temporary_closure_removes_the_unit_from_open_now_results() -> None:
    closure = TemporaryNotice(
        NoticeKind.CLOSED, at("2026-12-02 00:00"), at("2026-12-03 00:00"), "Stängt"
    )
    ix = index(unit("SHUT", notices=(closure,)), unit("OPEN"))
    assert names(ix.search(CatalogQuery(at=WEDNESDAY_NOON, open_now=True))) == ["OPEN"]


def test_age_limits_keep_out_patients_outside_the_group() -> None:
    youth = unit("UM", care_types=(CareType.UNGDOMSMOTTAGNING,), age_group=AgeGroup(13, 25))
    ix = index(youth, unit("VC"))
    assert names(ix.search(CatalogQuery(age=12))) == ["VC"]
    assert set(names(ix.search(CatalogQuery(age=13)))) == {"UM", "VC"}
    assert set(names(ix.search(CatalogQuery(age=25)))) == {"UM", "VC"}
    assert names(ix.search(CatalogQuery(age=26))) == ["VC"]
    hit = ix.search(CatalogQuery(age=16, care_types=(CareType.UNGDOMSMOTTAGNING,)))[0]
    assert hit.why == ("tar emot 13–25 år",)


def test_care_type_region_language_and_text_filters() -> None:
    ix = index(
        unit("VC", languages=("sv", "ar")),
        unit("BVC", care_types=(CareType.BVC,), name="BVC Påhittsjö"),
        unit("UPP", region="03", municipality_code="0380"),
    )
    assert names(ix.search(CatalogQuery(care_types=(CareType.BVC,)))) == ["BVC"]
    assert names(ix.search(CatalogQuery(region="03"))) == ["UPP"]
    assert names(ix.search(CatalogQuery(language="ar"))) == ["VC"]
    assert names(ix.search(CatalogQuery(text="pahittsjo"))) == ["BVC"]


def test_drop_in_keeps_units_with_drop_in_and_evaluates_their_drop_in_hours() -> None:
    ix = index(unit("DROP", drop_in_hours="Mo-Fr 08:00-10:00; PH off"), unit("NODROP"))
    assert names(ix.search(CatalogQuery(drop_in=True))) == ["DROP"]
    assert ix.search(CatalogQuery(drop_in=True, at=WEDNESDAY_NOON, open_now=True)) == []
    hits = ix.search(CatalogQuery(drop_in=True, at=at("2026-12-02 09:00"), open_now=True))
    assert hits[0].why == ("öppet till 10:00", "drop-in")


def test_inactive_units_are_never_suggested() -> None:
    ix = index(unit("GONE", status=UnitStatus.INACTIVE), unit("VC"))
    assert names(ix.search(CatalogQuery())) == ["VC"]
    assert ix.get("SE2321000016-GONE") is not None


def test_suggest_is_one_call_from_an_assessment() -> None:
    ix = index(
        unit("VC", coordinates=NEAR),
        unit(
            "JOUR",
            care_types=(CareType.JOURMOTTAGNING,),
            coordinates=MID,
            opening_hours="Mo-Fr 17:00-22:00; Sa,Su,PH 09:00-21:00",
        ),
        unit("BVC", care_types=(CareType.BVC,), age_group=AgeGroup(0, 6)),
    )
    hits = ix.suggest(
        [CareType.VARDCENTRAL, CareType.JOURMOTTAGNING],
        WEDNESDAY_EVENING,
        timedelta(hours=14),
        municipality="0180",
        age=40,
    )
    assert names(hits) == ["JOUR", "VC"]
    assert hits[0].why[0] == "öppet till 22:00"


def test_limit_cuts_the_list_and_the_ring_walk_finds_the_nearest() -> None:
    units = [unit(f"U{i}", coordinates=Coordinates(55.6 + i * 0.05, 13.0)) for i in range(60)]
    ix = index(*units)
    hits = ix.search(
        CatalogQuery(point=Coordinates(57.1, 13.0), limit=3, at=WEDNESDAY_NOON, open_now=True)
    )
    assert names(hits) == ["U30", "U29", "U31"] or names(hits) == ["U30", "U31", "U29"]


def test_max_distance_drops_units_further_away() -> None:
    ix = index(unit("NEAR", coordinates=NEAR), unit("FAR", coordinates=FAR))
    assert names(ix.search(CatalogQuery(point=CENTRE, max_distance_km=20))) == ["NEAR"]


def test_time_filters_without_a_time_are_refused() -> None:
    with pytest.raises(InvalidQuery):
        index(unit()).search(CatalogQuery(open_now=True))


def test_an_unknown_municipality_is_reported() -> None:
    with pytest.raises(UnknownMunicipality):
        index(unit()).search(CatalogQuery(municipality="9999"))


def test_text_key_folds_case_and_swedish_letters() -> None:
    assert text_key("Vårdcentralen ÅBY") == "vardcentralen aby"


def test_a_query_far_from_the_first_one_still_evaluates_hours_correctly() -> None:
    ix = index(unit("VC"))
    assert ix.search(CatalogQuery(at=WEDNESDAY_NOON, open_now=True))
    assert not ix.search(CatalogQuery(at=at("2027-06-25 12:00"), open_now=True))  # midsommarafton
    assert ix.search(CatalogQuery(at=at("2027-06-24 12:00"), open_now=True))
