"""One journal entry as a FHIR R4 ``Bundle`` (a plain dict, before validation).

The Bundle (type ``collection``) holds ``Encounter`` (the call), ``Condition``
(contact reason), ``Observation`` (urgency, when set), ``ServiceRequest`` (the
referral, when there is one) and ``Composition`` (the note, one section per call
phase; an amendment ``appends`` to the original). Ids are name-based UUIDs of the
entry id, so an entry exported twice gives the same Bundle. The patient is
referenced by identifier only (personnummer, samordningsnummer, reservnummer, or a
pseudonym); early hypotheses and third-party notes are never put in FHIR output.
"""

from __future__ import annotations

import hashlib
import html
import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

FHIR_VERSION = "4.0.1 (R4; models from fhir.resources.R4B)"
_NS = uuid.UUID("6f0e1b3e-7d2c-4c55-9f0a-0c1d2e3f4a5b")
DEFAULT_SYSTEMS = {
    "personnummer": "urn:oid:1.2.752.129.2.1.3.1",
    "samordningsnummer": "urn:oid:1.2.752.129.2.1.3.3",
    "reservnummer": "urn:oid:1.2.752.129.2.1.3",
    "hsa_id": "urn:oid:1.2.752.129.2.1.4.1",
    "code_system_base": "urn:radgivning:codesystem",
    "pseudonym": "urn:radgivning:pseudonym",
}
_PHASE_TITLES = (("listen_summary", "Lyssna: sammanfattning"), ("assessment", "Bedömning"),
                 ("action", "Åtgärd"), ("advice_given", "Råd givna"))


_NS_BYTES = _NS.bytes


def _uid(entry_id: str, part: str) -> str:
    """``str(uuid.uuid5(_NS, f"{entry_id}/{part}"))``, without the ``UUID`` object."""
    b = bytearray(hashlib.sha1(_NS_BYTES + f"{entry_id}/{part}".encode()).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50  # version 5
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _subject(person: Mapping[str, Any], systems: Mapping[str, str]) -> dict[str, Any]:
    if person.get("pseudonym"):
        return {"identifier": {"system": systems["pseudonym"], "value": person["pseudonym"]}}
    if person.get("number"):
        return {"identifier": {"system": systems[person["kind"]], "value": person["number"]}}
    return {"display": "Oidentifierad person"}


def _div(text: str) -> str:
    return f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(text)}</p></div>'


def entry_bundle(rec: Mapping[str, Any], systems: Mapping[str, str] | None = None,
                 labels: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Any]:
    """The Bundle (as a dict) of one export record from :func:`journal.export.row_record`."""
    bundle = _bundle_dict(rec, {**DEFAULT_SYSTEMS, **(systems or {})}, labels or {})
    bundle["entry"] = [{"fullUrl": e["fullUrl"], "resource": prune_empty(e["resource"])}
                       for e in bundle["entry"]]
    return bundle


def _bundle_dict(rec: Mapping[str, Any], sys_: Mapping[str, str],
                 labels: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The Bundle of one record before empty values are left out (see :func:`prune_empty`)."""
    eid = rec["entry_id"]
    the = _Shared(
        base=sys_["code_system_base"], eid=eid,
        ids={p: _uid(eid, p) for p in ("condition", "observation", "servicerequest",
                                       "composition")},
        subject=_subject(rec["person"], sys_), enc_ref={"reference": f"urn:uuid:{eid}"},
        nurse={"identifier": {"system": f"{sys_['code_system_base']}/user",
                              "value": rec["nurse_id"]}, "display": rec["nurse_name"]},
        when=rec["signed_at"] or rec["created_at"])
    resources = [_encounter(rec, the), _condition(rec, the, labels)]
    if rec.get("urgency"):
        resources.append(_urgency(rec, the, labels))
    if rec.get("referral"):
        resources.append(_service_request(rec, the, sys_, labels))
    resources.append(_composition(rec, the))
    return {"resourceType": "Bundle", "id": _uid(eid, "bundle"), "type": "collection",
            "timestamp": the.when,
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]}


class _Shared(NamedTuple):
    """What the resources of one entry's Bundle share: code systems, ids and references."""

    base: str  # code system base
    eid: str
    ids: dict[str, str]
    subject: dict[str, Any]
    enc_ref: dict[str, Any]
    nurse: dict[str, Any]
    when: str


def _encounter(rec: Mapping[str, Any], the: _Shared) -> dict[str, Any]:
    base = the.base
    return {"resourceType": "Encounter", "id": the.eid, "status": "finished",
            "identifier": [{"system": f"{base}/call", "value": rec["call_id"]}],
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                      "code": "VR", "display": "virtual"},
            "subject": the.subject, "period": {"start": rec["created_at"]},
            "participant": [{"individual": the.nurse}],
            "reasonReference": [{"reference": f"urn:uuid:{the.ids['condition']}"}],
            "serviceProvider": {"identifier": {"system": f"{base}/care-provider",
                                               "value": rec["care_provider"]}}}


def _condition(rec: Mapping[str, Any], the: _Shared,
               labels: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The contact reason (kontaktorsak)."""
    reason = rec.get("contact_reason") or {"code": "OVRIGT", "text": ""}
    reason_cc = {"coding": [{"system": f"{the.base}/contact-reason", "code": reason["code"],
                             "display": labels.get("contact_reasons", {}).get(reason["code"])}],
                 "text": reason.get("text") or None}
    return {"resourceType": "Condition", "id": the.ids["condition"],
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                                "condition-category",
                                      "code": "encounter-diagnosis"}]}],
            "code": reason_cc, "subject": the.subject, "encounter": the.enc_ref,
            "recordedDate": the.when}


def _urgency(rec: Mapping[str, Any], the: _Shared,
             labels: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The urgency (brådskandegrad) as an Observation."""
    base = the.base
    return {"resourceType": "Observation", "id": the.ids["observation"], "status": "final",
            "code": {"coding": [{"system": f"{base}/observation", "code": "urgency",
                                 "display": "Brådskandegrad"}]},
            "subject": the.subject, "encounter": the.enc_ref, "effectiveDateTime": the.when,
            "valueCodeableConcept": {"coding": [{
                "system": f"{base}/urgency", "code": rec["urgency"],
                "display": labels.get("urgencies", {}).get(rec["urgency"])}]}}


def _service_request(rec: Mapping[str, Any], the: _Shared, sys_: Mapping[str, str],
                     labels: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The referral to a care unit, with the deviation from the guideline as a note (care
    types and deviation reasons are decision support's codes and names)."""
    referral = rec["referral"]
    sr: dict[str, Any] = {
        "resourceType": "ServiceRequest", "id": the.ids["servicerequest"],
        "status": "completed", "intent": "order",
        "code": {"coding": [{"system": f"{the.base}/care-type",
                             "code": referral["care_type"],
                             "display": labels.get("care_types", {}).get(
                                 referral["care_type"])}]},
        "subject": the.subject, "encounter": the.enc_ref, "authoredOn": the.when,
        "requester": the.nurse,
        "performer": [{"identifier": {"system": sys_["hsa_id"], "value": referral["hsa_id"]},
                       "display": referral["unit_name"]}],
        "reasonReference": [{"reference": f"urn:uuid:{the.ids['condition']}"}]}
    if rec.get("deviation"):
        dev = rec["deviation"]
        name = labels.get("deviation_reasons", {}).get(dev["reason_code"])
        sr["note"] = [{"text": f"Avvikelse från rådgivningsstödet: {dev['reason_code']}"
                               + (f" ({name})" if name else "")
                               + (f" – {dev['text']}" if dev.get("text") else "")}]
    return sr


def _composition(rec: Mapping[str, Any], the: _Shared) -> dict[str, Any]:
    """The note itself, one section per call phase; an amendment appends to the original."""
    base = the.base
    notes = rec.get("notes", {})
    sections = [{"title": title, "text": {"status": "generated", "div": _div(notes[key])}}
                for key, title in _PHASE_TITLES if notes.get(key)]
    composition: dict[str, Any] = {
        "resourceType": "Composition", "id": the.ids["composition"],
        "status": "final" if rec["status"] == "signed" else "preliminary",
        "type": {"coding": [{"system": f"{base}/document-type", "code": rec["kind"]}],
                 "text": "Rådgivningsanteckning" if rec["kind"] == "entry" else "Rättelse"},
        "subject": the.subject, "encounter": the.enc_ref, "date": the.when,
        "author": [the.nurse], "title": "Telefonrådgivning",
        "identifier": {"system": f"{base}/journal-entry", "value": the.eid},
        "attester": [{"mode": "legal", "time": rec["signed_at"], "party": the.nurse}]
        if rec["signed_at"] else None,
        "section": sections or None,
    }
    if rec.get("amends"):
        composition["relatesTo"] = [{"code": "appends", "targetIdentifier": {
            "system": f"{base}/journal-entry", "value": rec["amends"]}}]
    return composition


def prune_empty(value: Any) -> Any:
    """Leave out ``None`` and empty values (FHIR forbids empty elements)."""
    if type(value) is dict:
        out = {}
        for k, v in value.items():
            if type(v) is dict or type(v) is list:
                v = prune_empty(v)
            if v is not None and v != "" and v != [] and v != {}:
                out[k] = v
        return out
    if type(value) is list:
        return [prune_empty(v) if type(v) is dict or type(v) is list else v for v in value]
    return value
