"""FHIR R4 output, validated by the FHIR model library (fhir.resources, R4B models)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.config import JournalConfig
from journal.demo_data import bulk_load, demo_entries
from journal.export import _COLUMNS, ExportFilter, Pseudonymiser, row_record
from journal.fhir import DEFAULT_SYSTEMS, entry_bundle, fhir_chunk_factory
from journal.fhir_bundle import _NS, _bundle_dict, _uid
from journal.fhir_validation import ShapeChecker, validate
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
                                                 "JOURMOTTAGNING"),
                               deviation=Deviation("UNIT_UNAVAILABLE", "VC stängd"))
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
    assert request.code.coding[0].code == "JOURMOTTAGNING"
    assert request.code.coding[0].display == "Jourmottagning/närakut"
    assert request.note[0].text == ("Avvikelse från rådgivningsstödet: UNIT_UNAVAILABLE "
                                    "(Rekommenderad vårdform finns inte tillgänglig inom "
                                    "tidsramen) – VC stängd")
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


async def demo_rows(engine: AsyncEngine, n: int, seed: int) -> list:
    from sqlalchemy import select

    from journal.sql import journal_entries as t

    await bulk_load(engine, demo_entries(n, seed=seed, end=datetime(2026, 1, 1, tzinfo=UTC)))
    async with engine.connect() as conn:
        return list((await conn.execute(select(*_COLUMNS).where(*ExportFilter().conditions())
                                        .order_by(t.c.created_at, t.c.id))).all())


async def test_the_shape_once_export_parses_back_through_the_full_library_validation(
        sqlite_engine: AsyncEngine, clock, config: JournalConfig):
    """The fast path (shape validated once per export, then the values by their FHIR
    primitive types) must not drift from the library: every resource of every exported
    Bundle goes back through the model library's full validation."""
    await bulk_load(sqlite_engine, demo_entries(400, seed=23, end=datetime(2026, 1, 1,
                                                                           tzinfo=UTC)))
    shipped = replace(config, batch_size=150, fhir_systems={**config.fhir_systems,
                                                           "validation": "shape"})
    service = JournalService(sqlite_engine, clock, shipped)
    for key in (None, KEY):
        bundles = await fhir_bundles(service, key)
        assert len(bundles) == 400
        seen = set()
        for b in bundles:
            validate(b)  # envelope and every resource, no caches
            for e in b["entry"]:
                resource = e["resource"]
                get_fhir_model_class(resource["resourceType"]).model_validate(resource)
                seen.add(resource["resourceType"])
        assert seen == {"Encounter", "Condition", "Observation", "ServiceRequest",
                        "Composition"}


async def test_the_shape_once_and_the_full_validation_give_identical_json(
        sqlite_engine: AsyncEngine, config: JournalConfig):
    rows = await demo_rows(sqlite_engine, 300, seed=31)
    labels = config.labels
    for key in (None, KEY):
        pseudonymiser = Pseudonymiser(key) if key else None
        fast = fhir_chunk_factory(config.fhir_systems, labels, full_validation=False)
        full = fhir_chunk_factory(config.fhir_systems, labels, full_validation=True)
        expected = full(rows, pseudonymiser)
        assert expected.count("\n") == 300
        assert fast(rows[:7], pseudonymiser) + fast(rows[7:], pseudonymiser) == expected
        # the module's reference builder gives the same JSON too
        assert expected == "".join(
            json.dumps(entry_bundle(row_record(r, pseudonymiser), config.fhir_systems, labels),
                       ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)


async def test_the_shape_path_validates_new_shapes_in_full_and_still_rejects_bad_values(
        sqlite_engine: AsyncEngine, config: JournalConfig):
    rows = await demo_rows(sqlite_engine, 200, seed=5)
    systems, labels = {**DEFAULT_SYSTEMS, **config.fhir_systems}, config.labels
    systems.pop("validation")
    records = [row_record(r) for r in rows]
    checker = ShapeChecker()
    for rec in records:
        checker.check(_bundle_dict(rec, systems, labels))
    assert 1 <= checker.full_validations < 50  # the first entry and each new shape only
    known = checker.full_validations
    bad_values = {"signed_at": "2026-13-45T10:00:00+00:00", "entry_id": "no spaces in ids",
                  "created_at": "yesterday"}
    for field, value in bad_values.items():
        rec = {**records[-1], field: value}
        with pytest.raises(ValidationError):
            validate(entry_bundle(rec, systems, labels))  # the library says no ...
        with pytest.raises(ValidationError):
            checker.check(_bundle_dict(rec, systems, labels))  # ... and so does the fast path
    bad_code = {**records[-1], "urgency": "INOM ETT  DYGN"}  # double space: not a FHIR code
    with pytest.raises(ValidationError):
        checker.check(_bundle_dict(bad_code, systems, {}))
    checker.check(_bundle_dict({**records[-1], "nurse_id": ""}, systems, labels))
    assert checker.full_validations > known  # an empty value is left out: a new shape


def test_a_bad_value_in_an_already_validated_shape_is_caught_by_its_primitive_type():
    record = {"entry_id": "e-1", "call_id": "c", "kind": "entry", "amends": None,
              "status": "signed", "region": "01", "care_provider": "vg-01",
              "nurse_id": "n", "nurse_name": "N", "created_at": "2026-01-01T10:00:00+00:00",
              "signed_at": "2026-01-01T10:05:00+00:00", "signed_by": "n",
              "person": {"kind": "unidentified", "number": None},
              "caller": {"relation": "patient"}, "contact_reason": {"code": "FEBER", "text": ""},
              "notes": {"assessment": "Pigg."}, "urgency": "EGENVARD", "referral": None}
    checker = ShapeChecker()
    checker.check(_bundle_dict(record, DEFAULT_SYSTEMS, {}))
    checker.check(_bundle_dict({**record, "entry_id": "e-2"}, DEFAULT_SYSTEMS, {}))
    assert checker.full_validations == 1
    for field, value in (("entry_id", "e 3"), ("signed_at", "not a date"),
                         ("urgency", "TWO  SPACES"), ("kind", " entry")):
        with pytest.raises(ValidationError):
            checker.check(_bundle_dict({**record, field: value}, DEFAULT_SYSTEMS, {}))
    assert checker.full_validations == 1


def test_the_fast_uuid5_is_uuid5():
    for eid in ("e-1", "åäö-entry", "x" * 80):
        for part in ("bundle", "condition"):
            assert _uid(eid, part) == str(uuid.uuid5(_NS, f"{eid}/{part}"))


def test_an_unknown_validation_mode_is_refused():
    with pytest.raises(ValueError, match="validation"):
        fhir_chunk_factory({"validation": "none"})
