"""Assessment rules and the nurse's decision, including deviations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from decision_support.assessment import aggregate_deviations, applicable_criteria, assess, decide
from decision_support.content import GuidelineLibrary
from decision_support.errors import (
    AssessmentError,
    CriterionNotApplicable,
    InvalidDeviation,
    NoCriteriaTicked,
    UnknownCriterion,
)
from decision_support.model import Age, DecisionSupportConfig, Deviation, Sex

NOW = datetime(2026, 12, 2, 21, 15, tzinfo=UTC)
ADULT = Age.of_years(45)


def test_the_most_urgent_ticked_level_wins(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("brostsmarta")
    a = assess(g, ["egen-1", "omg-1", "amb-2"], age=ADULT, sex=Sex.MALE, at=NOW, config=config)
    assert a.urgency.code == "AMBULANS"
    assert a.care_types == ("AMBULANS_112",)
    assert a.decisive_criteria == ("amb-2",)
    assert a.ticked_criteria == ("egen-1", "omg-1", "amb-2")
    assert (a.guideline_id, a.guideline_version) == ("brostsmarta", "1.0")
    assert a.safety_net and a.self_care and a.sample_notice
    assert a.assessed_at == NOW


def test_a_self_care_criterion_alone_gives_self_care(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    a = assess(library.get("forkylning"), ["egen-1"], age=ADULT, sex=None, at=NOW, config=config)
    assert a.urgency.code == "EGENVARD"
    assert a.care_types == ("EGENVARD", "APOTEK")


def test_an_age_conditioned_criterion_is_rejected_for_an_older_child(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("hosta-barn")  # omg-2 applies to infants under 3 months only
    with pytest.raises(CriterionNotApplicable) as err:
        assess(g, ["omg-2"], age=Age.of_years(2), sex=None, at=NOW, config=config)
    assert "omg-2" in err.value.reasons
    assert err.value.reasons["omg-2"] == "gäller endast under 3 månader; patienten är 24 månader"
    ok = assess(g, ["omg-2"], age=Age.of_days(50), sex=None, at=NOW, config=config)
    assert ok.urgency.code == "OMGAENDE"


def test_a_sex_conditioned_criterion_is_rejected_for_the_other_sex_or_unknown_sex(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("buksmarta-vuxen")  # omg-3: possible pregnancy, female only
    with pytest.raises(CriterionNotApplicable, match="gäller endast kön female"):
        assess(g, ["omg-3"], age=ADULT, sex=Sex.MALE, at=NOW, config=config)
    with pytest.raises(CriterionNotApplicable, match="inte angivet"):
        assess(g, ["omg-3"], age=ADULT, sex=None, at=NOW, config=config)
    assert assess(g, ["omg-3"], age=ADULT, sex=Sex.FEMALE, at=NOW, config=config).urgency.rank == 2


def test_every_inapplicable_criterion_is_reported_at_once(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("buksmarta-barn")  # omg-3 is for boys
    with pytest.raises(CriterionNotApplicable) as err:
        assess(g, ["omg-3", "egen-1"], age=Age.of_years(30), sex=Sex.FEMALE, at=NOW, config=config)
    assert set(err.value.reasons) == {"omg-3"}


def test_applicable_criteria_hide_those_that_do_not_apply(library: GuidelineLibrary) -> None:
    g = library.get("hosta-barn")
    older = {c.id for c in applicable_criteria(g, Age.of_years(4), None)}
    infant = {c.id for c in applicable_criteria(g, Age.of_days(30), None)}
    assert "omg-2" not in older and "omg-2" in infant


def test_unknown_or_missing_criteria_and_naive_times_are_errors(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("brostsmarta")
    with pytest.raises(NoCriteriaTicked):
        assess(g, [], age=ADULT, sex=None, at=NOW, config=config)
    with pytest.raises(UnknownCriterion, match="'nope'"):
        assess(g, ["amb-1", "nope"], age=ADULT, sex=None, at=NOW, config=config)
    with pytest.raises(AssessmentError, match="aware"):
        assess(g, ["amb-1"], age=ADULT, sex=None, at=datetime(2026, 1, 1), config=config)


def test_a_regional_override_changes_the_recommended_care_type(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("tandvark", region="01")
    a = assess(g, ["omg-1"], age=ADULT, sex=None, at=NOW, config=config)
    assert a.care_types == ("TANDVARDSJOUR", "AKUTMOTTAGNING")
    assert a.regional_notes


@pytest.fixture
def chest(library: GuidelineLibrary, config: DecisionSupportConfig):  # type: ignore[no-untyped-def]
    g = library.get("brostsmarta")
    return assess(g, ["omg-1"], age=ADULT, sex=None, at=NOW, config=config)


def test_following_the_recommendation_needs_no_reason(chest, config) -> None:  # type: ignore[no-untyped-def]
    d = decide(chest, urgency="OMGAENDE", care_type="AKUTMOTTAGNING", deviation=None, at=NOW,
               config=config)  # fmt: skip
    assert not d.deviates


def test_a_deviation_requires_a_reason_code(chest, config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidDeviation, match="give a reason code and a text"):
        decide(chest, urgency="OMGAENDE", care_type="JOURMOTTAGNING", deviation=None, at=NOW,
               config=config)  # fmt: skip
    with pytest.raises(InvalidDeviation, match="not a configured deviation reason"):
        decide(chest, urgency="OMGAENDE", care_type="JOURMOTTAGNING",
               deviation=Deviation("BECAUSE", "Patienten vill inte åka in"), at=NOW,
               config=config)  # fmt: skip


def test_a_deviation_requires_a_text(chest, config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidDeviation, match="text"):
        decide(chest, urgency="INOM_ETT_DYGN", care_type="AKUTMOTTAGNING",
               deviation=Deviation("PATIENT_PREFERENCE", "  "), at=NOW, config=config)  # fmt: skip


def test_a_deviation_with_reason_and_text_is_accepted(chest, config) -> None:  # type: ignore[no-untyped-def]
    d = decide(chest, urgency="OMGAENDE", care_type="JOURMOTTAGNING",
               deviation=Deviation("DISTANCE", "Närakuten ligger 5 km bort, akuten 90 km"),
               at=NOW, config=config)  # fmt: skip
    assert d.deviates and d.deviation is not None


def test_a_reason_for_a_choice_that_does_not_deviate_is_rejected(chest, config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidDeviation, match="no deviation"):
        decide(chest, urgency="OMGAENDE", care_type="AKUTMOTTAGNING",
               deviation=Deviation("OTHER", "ingen avvikelse"), at=NOW, config=config)  # fmt: skip


def test_unconfigured_urgency_or_care_type_is_an_error(chest, config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AssessmentError, match="urgency"):
        decide(chest, urgency="SNART", care_type="AKUTMOTTAGNING", deviation=None, at=NOW,
               config=config)  # fmt: skip
    with pytest.raises(AssessmentError, match="care type"):
        decide(chest, urgency="OMGAENDE", care_type="HEMTJANST", deviation=None, at=NOW,
               config=config)  # fmt: skip


def test_deviations_are_counted_per_guideline_version_and_reason(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("brostsmarta")
    a = assess(g, ["omg-1"], age=ADULT, sex=None, at=NOW, config=config)
    h = assess(library.get("halsont"), ["egen-1"], age=ADULT, sex=None, at=NOW, config=config)
    dev = Deviation("DISTANCE", "Lång resväg till akuten")
    decisions = [
        decide(a, urgency="OMGAENDE", care_type="AKUTMOTTAGNING", deviation=None, at=NOW,
               config=config),
        decide(a, urgency="OMGAENDE", care_type="JOURMOTTAGNING", deviation=dev, at=NOW,
               config=config),
        decide(a, urgency="INOM_ETT_DYGN", care_type="VARDCENTRAL",
               deviation=Deviation("PATIENT_PREFERENCE", "Vill vänta till i morgon"), at=NOW,
               config=config),
        decide(h, urgency="EGENVARD", care_type="APOTEK", deviation=None, at=NOW, config=config),
    ]  # fmt: skip
    summary = aggregate_deviations(decisions)
    chest = summary[("brostsmarta", "1.0")]
    assert (chest.decisions, chest.deviations) == (3, 2)
    assert chest.by_reason == {"DISTANCE": 1, "PATIENT_PREFERENCE": 1}
    assert chest.rate == pytest.approx(2 / 3)
    assert summary[("halsont", "1.0")].deviations == 0


def test_out_of_hours_care_types_apply_outside_office_hours(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("sar-skarsar")  # tim-1: VC/jour in office hours, jour out of hours
    tuesday_10 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm
    tuesday_21 = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    saturday_10 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    day = assess(g, ["tim-1"], age=ADULT, sex=None, at=tuesday_10, config=config)
    evening = assess(g, ["tim-1"], age=ADULT, sex=None, at=tuesday_21, config=config)
    weekend = assess(g, ["tim-1"], age=ADULT, sex=None, at=saturday_10, config=config)
    assert not day.out_of_hours and "VARDCENTRAL" in day.care_types
    assert evening.out_of_hours and evening.care_types == ("JOURMOTTAGNING",)
    assert weekend.out_of_hours and weekend.care_types == ("JOURMOTTAGNING",)


def test_levels_without_out_of_hours_care_keep_their_care_types_at_night(
    library: GuidelineLibrary, config: DecisionSupportConfig
) -> None:
    g = library.get("brostsmarta")
    night = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    a = assess(g, ["dygn-1"], age=ADULT, sex=None, at=night, config=config)
    assert a.out_of_hours and a.care_types == ("VARDCENTRAL",)
