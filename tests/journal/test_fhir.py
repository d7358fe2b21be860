"""FHIR R4 output, validated by the FHIR model library (fhir.resources, R4B models)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.demo_data import bulk_load, demo_entries
from journal.export import ExportFilter
from journal.fhir import entry_bundle, validate
from journal.model import Deviation, Referral
from journal.ports import Actor
from journal.service import JournalService
from tests.journal.conftest import ANNA, BERIT, complete_content

SYSTEM = Actor.system_actor("cli:test")
KEY = b"export-key-for-tests-0123456789"


async def fhir_bundles(service: JournalService, key: bytes | None = None) -> list[dict]:
    text = "".join([c async for c in await service.export(SYSTEM, "fhir", ExportFilter(), key)])
    return [json.loads(line) for line in text.splitlines()]


def resources(bundle: dict) -> dict[str, dict]:
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


async def test_every_exported_bundle_parses_with_the_fhir_model_library(
        service: JournalService, engine: AsyncEngine):
    await bulk_load(engine, demo_entries(120, seed=11, end=datetime(2026, 1, 1, tzinfo=UTC)))
    bundles = await fhir_bundles(service)
    assert len(bundles) == 120
    for b in bundles:
        parsed = Bundle.model_validate(b)  # the library resolves every entry's resource type
        kinds = {e.resource.get_resource_type() for e in parsed.entry}
        assert {"Encounter", "Condition", "Observation", "Composition"} <= kinds


async def test_the_bundle_carries_encounter_reason_urgency_referral_and_the_note(
        service: JournalService):
    content = complete_content(referral=Referral("SE2321000016-E77", "Närakut (fiktiv)",
                                                 "jourmottagning"),
                               deviation=Deviation("NO_UNIT_OPEN", "VC stängd"))
    draft = await service.create_draft(ANNA, "call-9", "01", content)
    await service.sign(ANNA, draft.entry_id, 1)
    amendment = await service.amend(BERIT, draft.entry_id,
                                    replace(complete_content(), amendment_reason="Tillägg"))
    await service.sign(BERIT, amendment.entry_id, 1)
    original, added = await fhir_bundles(service)
    r = resources(original)
    assert r["Encounter"]["subject"]["identifier"] == {
        "system": "urn:oid:1.2.752.129.2.1.3.1", "value": "191212121212"}
    assert r["Encounter"]["identifier"][0]["value"] == "call-9"
    assert r["Condition"]["code"]["coding"][0]["code"] == "FEBER"
    assert r["Observation"]["valueCodeableConcept"]["coding"][0]["code"] == "INOM_ETT_DYGN"
    request = ServiceRequest.model_validate(r["ServiceRequest"])
    assert request.performer[0].identifier.value == "SE2321000016-E77"
    assert "NO_UNIT_OPEN" in request.note[0].text
    composition = Composition.model_validate(r["Composition"])
    assert composition.status == "final" and composition.attester[0].mode == "legal"
    assert "Trolig virusinfektion" not in json.dumps(original)  # hypotheses stay out
    rel = resources(added)["Composition"]["relatesTo"][0]
    assert rel["code"] == "appends" and rel["targetIdentifier"]["value"] == draft.entry_id


async def test_pseudonymised_fhir_refers_to_the_patient_by_pseudonym_only(
        service: JournalService):
    draft = await service.create_draft(ANNA, "call-1", "01", complete_content())
    await service.sign(ANNA, draft.entry_id, 1)
    (bundle,) = await fhir_bundles(service, KEY)
    text = json.dumps(bundle)
    assert "191212121212" not in text and "+46701234567" not in text
    ident = resources(bundle)["Encounter"]["subject"]["identifier"]
    assert ident["system"] == "urn:radgivning:pseudonym" and ident["value"].startswith("psn-")


def test_a_broken_resource_is_rejected_by_the_validation():
    record = {"entry_id": "e-1", "call_id": "c", "kind": "entry", "amends": None,
              "status": "signed", "region": "01", "care_provider": "vg-01",
              "nurse_id": "n", "nurse_name": "N", "created_at": "2026-01-01T10:00:00+00:00",
              "signed_at": "not a date", "signed_by": "n",
              "person": {"kind": "unidentified", "number": None},
              "caller": {"relation": "patient"}, "contact_reason": {"code": "FEBER", "text": ""},
              "notes": {}, "urgency": "EGENVARD", "referral": None}
    with pytest.raises(ValidationError):
        validate(entry_bundle(record))


async def test_worker_processes_give_the_same_fhir_output_in_the_same_order(
        sqlite_engine: AsyncEngine, clock, config):
    await bulk_load(sqlite_engine, demo_entries(300, seed=4, end=datetime(2026, 1, 1,
                                                                          tzinfo=UTC)))
    serial = JournalService(sqlite_engine, clock, replace(config, batch_size=50))
    parallel = JournalService(sqlite_engine, clock, replace(config, batch_size=50,
                                                            fhir_workers=2))

    async def text(service: JournalService) -> str:
        return "".join([c async for c in await service.export(SYSTEM, "fhir", ExportFilter(),
                                                              KEY)])

    expected = await text(serial)
    assert expected.count("\n") == 300
    assert await text(parallel) == expected
