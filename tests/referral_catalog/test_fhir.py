"""FHIR R4 (``fhir.resources.R4B``) export: three resources per unit, each parsed back."""

from __future__ import annotations

from datetime import UTC, datetime

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization

from referral_catalog.demo_data import generate_demo_catalog
from referral_catalog.fhir import HSA_ID_SYSTEM, export_bundle, unit_resources, weekly_hours
from referral_catalog.model import AgeGroup, CareType, NoticeKind, TemporaryNotice
from tests.referral_catalog.helpers import at, unit

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_every_resource_of_a_demo_catalog_parses_back_with_the_library():
    units = generate_demo_catalog(units_total=60)
    bundle = export_bundle(units, NOW)
    assert Bundle.model_validate(bundle).type == "collection"
    models = {
        "Organization": Organization,
        "Location": Location,
        "HealthcareService": HealthcareService,
    }
    kinds = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        parsed = models[resource["resourceType"]].model_validate_json(
            models[resource["resourceType"]].model_validate(resource).model_dump_json()
        )
        assert parsed.identifier[0].system == HSA_ID_SYSTEM
        kinds.append(resource["resourceType"])
    assert kinds.count("HealthcareService") == len(units) == kinds.count("Location")


def test_a_unit_maps_to_organization_location_and_service_that_reference_each_other():
    u = unit(
        "F1",
        care_types=(CareType.BVC,),
        age_group=AgeGroup(0, 6),
        languages=("sv", "ar"),
        notices=(
            TemporaryNotice(
                NoticeKind.CLOSED, at("2026-12-24 00:00"), at("2026-12-27 00:00"), "Stängt i jul"
            ),
        ),
    )
    org, loc, service = unit_resources(u)
    hs = HealthcareService.model_validate(service)
    assert hs.providedBy.reference == f"Organization/{org['id']}"
    assert hs.location[0].reference == f"Location/{loc['id']}"
    assert hs.type[0].coding[0].code == "BVC"
    assert [c.coding[0].code for c in hs.communication] == ["sv", "ar"]
    assert hs.notAvailable[0].description == "Stängt i jul"
    assert hs.eligibility[0].comment == "0–6 år"
    assert hs.availableTime[0].daysOfWeek == ["mon", "tue", "wed", "thu", "fri"]
    location = Location.model_validate(loc)
    assert float(location.position.latitude) == 59.3294
    assert str(location.hoursOfOperation[0].openingTime) == "08:00:00"


def test_weekly_hours_split_spans_across_midnight_and_mark_all_day():
    assert weekly_hours("24/7") == [
        {"daysOfWeek": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "allDay": True}
    ]
    assert weekly_hours("Fr 22:00-02:00") == [
        {"daysOfWeek": ["fri"], "start": "22:00:00", "end": "23:59:59"},
        {"daysOfWeek": ["sat"], "start": "00:00:00", "end": "02:00:00"},
    ]
