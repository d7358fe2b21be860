"""Checks of what a nurse writes and what signing needs, in the nurse's words."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from nurse_console.errors import InvalidChoice, NoCallWork
from nurse_console.model import DRAFT_FIELDS, CallWork, Draft, WorkStatus

PERSON_KINDS = ("personnummer", "samordningsnummer", "reservnummer", "unidentified")
CALLER_RELATIONS = ("patient", "parent_or_guardian", "other")
SEXES = ("female", "male")


def missing_for_signing(work: CallWork) -> list[str]:
    """What keeps the call's entry from being signed, in the nurse's words."""
    missing = []
    if work.status is WorkStatus.OFFERED:
        missing.append("samtalet är inte besvarat")
    if work.contact_reason is None:
        missing.append("kontaktorsak")
    if work.urgency is None:
        missing.append("brådskandegrad")
    if work.referral is None and not work.self_care:
        missing.append("hänvisning eller egenvårdsråd")
    if work.deviates and (work.deviation is None or not work.deviation.reason_code):
        missing.append("orsak till avvikelse från beslutsstödet")
    if work.draft.person_kind != "unidentified" and not work.draft.person_number.strip():
        missing.append("personens identitetsnummer")
    return missing


def required(work: CallWork | None) -> CallWork:
    if work is None:
        raise NoCallWork("you have no call to work on now")
    return work


def municipality(work: CallWork) -> str | None:
    return work.facts.municipality


def draft_from(current: Draft, fields: dict[str, Any]) -> Draft:
    """``current`` with the fields the nurse sent (checked; unknown fields refused)."""
    unknown = sorted(set(fields) - set(DRAFT_FIELDS))
    if unknown:
        raise InvalidChoice("unknown draft fields", {"fields": unknown})
    values: dict[str, Any] = {}
    for name in DRAFT_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if name == "patient_age_years":
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, int | float)
                                      or not 0 <= value <= 130):
                raise InvalidChoice("patient_age_years must be a number from 0 to 130",
                                    {"field": name, "value": value})
        elif name == "patient_sex":
            if value is not None and value not in SEXES:
                raise InvalidChoice("patient_sex must be female or male",
                                    {"field": name, "value": value})
        elif not isinstance(value, str) or len(value) > 20000:
            raise InvalidChoice(f"{name} must be text (at most 20,000 characters)",
                                {"field": name})
        values[name] = value
    draft = replace(current, **values)
    if draft.person_kind not in PERSON_KINDS:
        raise InvalidChoice("person_kind is not known", {"field": "person_kind",
                                                          "allowed": list(PERSON_KINDS)})
    if draft.caller_relation not in CALLER_RELATIONS:
        raise InvalidChoice("caller_relation is not known",
                            {"field": "caller_relation", "allowed": list(CALLER_RELATIONS)})
    return draft
