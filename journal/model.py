"""The journal's domain model (journalanteckning): pure, stdlib only, no I/O, no clock.

An entry records one advice call (rådgivningssamtal) through its five phases
(Öppna, Lyssna, Analysera/Bedöma, Motivera/Åtgärd, Avsluta). Drafts change
freely under optimistic concurrency (a revision number); signing freezes the
entry; corrections are amendments (rättelse/tillägg), separate entries linked
to the signed original and signed themselves. Fields flagged
``patient_hidden`` (early hypotheses, third-party information) are left out
of the patient view (what the patient reads in their own journal).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from journal.errors import EntrySigned, InvalidEntry, StaleRevision

PATIENT_HIDDEN = {"patient_hidden": True}
"""Field metadata: leave this field out of the patient view."""

SELF_CARE = "EGENVARD"
"""The care type code of self-care advice (egenvård) in decision support's list: what an
entry with ``self_care`` gave, compared with the guideline's recommended care type."""


class IdentityKind(StrEnum):
    """How the person the call concerns is identified."""

    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    RESERVNUMMER = "reservnummer"  #: a region's temporary number
    UNIDENTIFIED = "unidentified"  #: oidentifierad: no number given


class CallerRelation(StrEnum):
    """Who called (uppringare) relative to the person the call concerns."""

    PATIENT = "patient"
    PARENT_OR_GUARDIAN = "parent_or_guardian"  #: förälder eller vårdnadshavare
    OTHER = "other"  #: annan person (anhörig, personal, ...)


class EntryStatus(StrEnum):
    """Draft (utkast) or signed (signerad)."""

    DRAFT = "draft"
    SIGNED = "signed"


class EntryKind(StrEnum):
    """An original entry or an amendment (rättelse/tillägg) to a signed one."""

    ENTRY = "entry"
    AMENDMENT = "amendment"


class Phase(StrEnum):
    """The five phases of the shared call process (samtalsprocessen)."""

    OPEN = "oppna"
    LISTEN = "lyssna"
    ASSESS = "analysera_bedoma"
    ACTION = "motivera_atgard"
    CLOSE = "avsluta"


@dataclass(frozen=True)
class Person:
    """The person the call concerns (patienten); ``number`` is normalised (12 digits
    for personnummer and samordningsnummer, the region's form for reservnummer)."""

    kind: IdentityKind = IdentityKind.UNIDENTIFIED
    number: str | None = None
    issuing_region: str | None = None  #: the region that issued a reservnummer
    description: str = ""  #: for the unidentified: e.g. "kvinna, ca 40 år"


@dataclass(frozen=True)
class Caller:
    """Who called (uppringare) and from which number."""

    relation: CallerRelation = CallerRelation.PATIENT
    phone: str | None = None
    name: str | None = field(default=None, metadata=PATIENT_HIDDEN)  #: third-party data


@dataclass(frozen=True)
class ContactReason:
    """Contact reason (kontaktorsak): a code from the configured list plus free text."""

    code: str
    text: str = ""


@dataclass(frozen=True)
class GuidelineUse:
    """A guideline (rådgivningsstöd) consulted, with the version that was used."""

    guideline_id: str
    version: str


@dataclass(frozen=True)
class Referral:
    """Referral (hänvisning) to a care unit, with a snapshot of its name and care type."""

    hsa_id: str
    unit_name: str
    care_type: str


@dataclass(frozen=True)
class Deviation:
    """Why the outcome deviates from the guideline's recommendation (avvikelse)."""

    reason_code: str
    text: str = ""


@dataclass(frozen=True)
class PhaseNotes:
    """Free-text notes by call phase; hypotheses and third-party notes are hidden from
    the patient view."""

    listen_summary: str = ""  #: Lyssna: sammanfattning, huvudsymtom
    assessment: str = ""  #: Analysera/Bedöma
    action: str = ""  #: Motivera/Åtgärd
    advice_given: str = ""  #: Avsluta: egenvårdsråd, när ringa igen
    hypotheses: str = field(default="", metadata=PATIENT_HIDDEN)  #: tidiga hypoteser
    third_party: str = field(default="", metadata=PATIENT_HIDDEN)  #: uppgifter om tredje person


@dataclass(frozen=True)
class EntryContent:
    """Everything a nurse edits in a draft."""

    person: Person = field(default_factory=Person)
    caller: Caller = field(default_factory=Caller)
    contact_reason: ContactReason | None = None
    notes: PhaseNotes = field(default_factory=PhaseNotes)
    guidelines: tuple[GuidelineUse, ...] = ()
    recommended_care_type: str | None = None  #: what the guideline recommended
    urgency: str | None = None  #: brådskandegrad
    referral: Referral | None = None
    self_care: bool = False  #: egenvård
    deviation: Deviation | None = None
    attachments: tuple[str, ...] = ()  #: refs to images etc. (bilagor)
    amendment_reason: str = ""  #: why an amendment was made (amendments only)


@dataclass(frozen=True)
class JournalEntry:
    """A journal entry (journalanteckning) for one call, or an amendment to one."""

    entry_id: str
    call_id: str
    kind: EntryKind
    status: EntryStatus
    revision: int
    region: str
    care_provider: str
    nurse_id: str
    nurse_name: str
    content: EntryContent
    created_at: datetime
    updated_at: datetime
    amends: str | None = None
    signed_at: datetime | None = None
    signed_by: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """The configured code lists entries are checked against (urgencies, deviation
    reasons and care types are decision support's)."""

    contact_reasons: Collection[str]
    urgencies: Collection[str]
    deviation_reasons: Collection[str]
    care_types: Collection[str]


def unknown_codes(content: EntryContent, vocabulary: Vocabulary
                  ) -> list[tuple[str, str, str, list[str]]]:
    """``(field, value, what it is, the codes allowed)`` for every code in ``content``
    that is not in the configured lists (missing codes are not unknown)."""
    c = content
    checks = (
        ("contact_reason.code", c.contact_reason and c.contact_reason.code,
         "contact reason code", vocabulary.contact_reasons),
        ("urgency", c.urgency, "urgency", vocabulary.urgencies),
        ("deviation.reason_code", c.deviation and c.deviation.reason_code,
         "deviation reason code", vocabulary.deviation_reasons),
        ("referral.care_type", c.referral and c.referral.care_type, "care type code",
         vocabulary.care_types),
        ("recommended_care_type", c.recommended_care_type, "care type code",
         vocabulary.care_types),
    )
    return [(name, value, what, sorted(known)) for name, value, what, known in checks
            if value is not None and value not in known]


def check_content(content: EntryContent, vocabulary: Vocabulary) -> None:
    """Reject codes that are not in the configured lists (allowed in drafts: missing ones)."""
    unknown = unknown_codes(content, vocabulary)
    if unknown:
        name, value, what, allowed = unknown[0]
        raise InvalidEntry(f"unknown {what}", {"field": name, "value": value,
                                               "allowed": allowed})
    if content.referral is not None and content.self_care:
        raise InvalidEntry("an entry has either a referral or self-care advice, not both",
                           {"field": "referral"})


def signing_problems(entry: JournalEntry, vocabulary: Vocabulary) -> list[str]:
    """What keeps ``entry`` from being signed (empty when it may be signed)."""
    c = entry.content
    # Codes are checked again: the lists may have changed since the draft was saved.
    problems = [f"{name}: unknown {what} {value!r} (allowed: {', '.join(allowed)})"
                for name, value, what, allowed in unknown_codes(c, vocabulary)]
    if entry.kind is EntryKind.AMENDMENT:
        if not c.amendment_reason.strip():
            problems.append("amendment_reason is required")
        return problems
    if c.contact_reason is None:
        problems.append("contact_reason is required")
    if c.urgency is None:
        problems.append("urgency is required")
    if c.referral is None and not c.self_care:
        problems.append("a referral or self-care advice is required")
    if deviates(c) and c.deviation is None:
        problems.append("deviation from the guideline's recommendation needs a coded reason")
    if c.person.kind is not IdentityKind.UNIDENTIFIED and not c.person.number:
        problems.append("person.number is required for an identified person")
    return problems


def deviates(content: EntryContent) -> bool:
    """True when the outcome differs from the guideline's recommended care type."""
    if content.recommended_care_type is None:
        return False
    given = SELF_CARE if content.self_care else (
        content.referral.care_type if content.referral else None)
    return given is not None and given != content.recommended_care_type


def update_draft(entry: JournalEntry, content: EntryContent, expected_revision: int,
                 now: datetime) -> JournalEntry:
    """The draft with new content and the next revision; stale or signed drafts refuse."""
    if entry.status is EntryStatus.SIGNED:
        raise EntrySigned("a signed entry cannot change; write an amendment",
                          {"entry_id": entry.entry_id})
    if expected_revision != entry.revision:
        raise StaleRevision("the draft was saved since you read it",
                            {"entry_id": entry.entry_id, "expected": expected_revision,
                             "current": entry.revision})
    if entry.kind is EntryKind.AMENDMENT:
        content = replace(content, person=entry.content.person)  # amendments keep the person
    return replace(entry, content=content, revision=entry.revision + 1, updated_at=now)


def sign(entry: JournalEntry, signer_id: str, expected_revision: int, now: datetime,
         vocabulary: Vocabulary) -> JournalEntry:
    """The entry signed by its author; it is immutable from then on."""
    if entry.status is EntryStatus.SIGNED:
        raise EntrySigned("the entry is already signed", {"entry_id": entry.entry_id})
    if expected_revision != entry.revision:
        raise StaleRevision("the draft was saved since you read it",
                            {"entry_id": entry.entry_id, "expected": expected_revision,
                             "current": entry.revision})
    problems = signing_problems(entry, vocabulary)
    if problems:
        raise InvalidEntry("the entry cannot be signed yet", {"problems": problems})
    return replace(entry, status=EntryStatus.SIGNED, signed_at=now, signed_by=signer_id,
                   revision=entry.revision + 1, updated_at=now)


def new_amendment(original: JournalEntry, entry_id: str, author_id: str, author_name: str,
                  care_provider: str, content: EntryContent, now: datetime) -> JournalEntry:
    """A draft amendment (rättelse) linked to a signed ``original``, for the same person."""
    if original.status is not EntryStatus.SIGNED:
        raise InvalidEntry("only signed entries are amended; edit the draft instead",
                           {"entry_id": original.entry_id})
    if original.kind is EntryKind.AMENDMENT:
        raise InvalidEntry("amend the original entry, not an amendment",
                           {"entry_id": original.entry_id, "original": original.amends})
    if not content.amendment_reason.strip():
        raise InvalidEntry("an amendment needs a reason", {"field": "amendment_reason"})
    return JournalEntry(
        entry_id=entry_id, call_id=original.call_id, kind=EntryKind.AMENDMENT,
        status=EntryStatus.DRAFT, revision=1, region=original.region,
        care_provider=care_provider, nurse_id=author_id, nurse_name=author_name,
        content=replace(content, person=original.content.person), created_at=now,
        updated_at=now, amends=original.entry_id)


# -- (de)serialisation and the patient view -------------------------------------------


def to_plain(value: Any, patient_view: bool = False) -> Any:
    """Dataclasses, enums, tuples and datetimes as JSON-ready values; with
    ``patient_view`` the fields flagged ``patient_hidden`` are left out."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name), patient_view) for f in fields(value)
                if not (patient_view and f.metadata.get("patient_hidden"))}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_plain(v, patient_view) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def patient_view(entry: JournalEntry) -> dict[str, Any]:
    """The patient's projection of an entry: no hypotheses, no third-party information,
    no internal revision."""
    view = to_plain(entry, patient_view=True)
    view.pop("revision", None)
    return dict(view)


def _plain_object(cls: type, raw: Any, name: str) -> dict[str, Any]:
    """``raw`` checked as the JSON form of dataclass ``cls``: an object whose text fields
    hold strings (unknown keys are left to the constructor, which rejects them)."""
    if not isinstance(raw, dict):
        raise InvalidEntry(f"{name} must be an object", {"field": name})
    for f in fields(cls):
        if f.name not in raw or f.type not in ("str", "str | None", "bool"):
            continue
        value = raw[f.name]
        ok = isinstance(value, bool) if f.type == "bool" else (
            isinstance(value, str) or (value is None and f.type == "str | None"))
        if not ok:
            kind = "true or false" if f.type == "bool" else "a string"
            raise InvalidEntry(f"{name}.{f.name} must be {kind}", {"field": f"{name}.{f.name}"})
    return raw


def _plain_list(raw: Any, name: str) -> list[Any]:
    if not isinstance(raw, list):
        raise InvalidEntry(f"{name} must be a list", {"field": name})
    return raw


def content_from_plain(data: dict[str, Any]) -> EntryContent:
    """An :class:`EntryContent` from its JSON form; fields of the wrong type and unknown
    keys inside objects are rejected (:class:`InvalidEntry` naming the field)."""
    data = _plain_object(EntryContent, data, "content")
    person_raw = _plain_object(Person, data.get("person", {}), "person")
    caller_raw = _plain_object(Caller, data.get("caller", {}), "caller")
    reason = data.get("contact_reason")
    referral = data.get("referral")
    deviation = data.get("deviation")
    attachments = _plain_list(data.get("attachments", []), "attachments")
    if not all(isinstance(a, str) for a in attachments):
        raise InvalidEntry("attachments must be strings", {"field": "attachments"})
    try:
        person = Person(**{**person_raw,
                           "kind": IdentityKind(person_raw.get("kind", "unidentified"))})
        caller = Caller(**{**caller_raw,
                           "relation": CallerRelation(caller_raw.get("relation", "patient"))})
        return EntryContent(
            person=person, caller=caller,
            contact_reason=ContactReason(**_plain_object(ContactReason, reason,
                                                         "contact_reason"))
            if reason else None,
            notes=PhaseNotes(**_plain_object(PhaseNotes, data.get("notes", {}), "notes")),
            guidelines=tuple(GuidelineUse(**_plain_object(GuidelineUse, g, "guidelines[]"))
                             for g in _plain_list(data.get("guidelines", []), "guidelines")),
            recommended_care_type=data.get("recommended_care_type"),
            urgency=data.get("urgency"),
            referral=Referral(**_plain_object(Referral, referral, "referral"))
            if referral else None,
            self_care=data.get("self_care", False),
            deviation=Deviation(**_plain_object(Deviation, deviation, "deviation"))
            if deviation else None,
            attachments=tuple(attachments),
            amendment_reason=data.get("amendment_reason", ""),
        )
    except InvalidEntry:
        raise
    except (TypeError, ValueError) as exc:
        raise InvalidEntry("malformed entry content", {"problem": str(exc)}) from exc
