"""FHIR R4 output of journal entries, built as plain dicts and validated with the
``fhir.resources`` model library.

Version choice: ``fhir.resources`` 8.x (pydantic 2, maintained) whose R4-line models
are in ``fhir.resources.R4B`` (4.3.0). R4B is a technical correction of R4 (4.0.1):
Encounter, Condition, Observation, ServiceRequest and Composition are unchanged on
the wire, so the output is valid R4 for these resources. The R4-only 6.x line
pins pydantic < 2 and is no longer maintained, which would hold back the whole
environment.

Each journal entry becomes one ``Bundle`` (type ``collection``) per line (NDJSON):
``Encounter`` (the call), ``Condition`` (contact reason), ``Observation``
(urgency), ``ServiceRequest`` (the referral, when there is one) and
``Composition`` (the note, one section per call phase; amendments ``appends`` to
the original). The patient is referenced by identifier only (personnummer,
samordningsnummer, reservnummer, or a pseudonym). Early hypotheses and
third-party notes are not put in FHIR output.

Validation (see :class:`ShapeChecker`). Every Bundle is checked against the
``fhir.resources`` models, in one of two ways that accept exactly the same Bundles:

* **full** (``fhir_chunk_factory(..., full_validation=True)``, and every entry in
  the tests): the whole Bundle goes through the library's pydantic validation
  (:class:`Validator`, which reuses already validated equal sub-elements).
* **shape** (the default for exports): a Bundle's *shape* -- its keys, nesting, list
  lengths, resource types and leaf Python types -- is validated once per export
  through the library's full validation (so the first entry of every export, and
  the first entry of every new shape, e.g. with or without a referral, is fully
  validated). For later entries of an already validated shape only the values can
  differ, so each leaf value is checked with the library's own primitive type for
  that element (``fhir_core`` ``Code``, ``Id``, ``String``, ``DateTime``,
  ``Instant``, ``Uri``, ... -- the very pydantic types the models are made of; values
  already accepted for a type are remembered). The models' other checks
  (required elements, choice types, no unknown or empty elements) depend on the
  shape only. The output is the same compact JSON either way; tests compare both
  paths and parse every exported resource back through the library.
"""

from __future__ import annotations

import hashlib
import html
import json
import typing
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import TypeAdapter

from journal.export import Pseudonymiser, row_record

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
VALIDATION_MODES = ("shape", "full")  # ``validation`` in the [fhir] table of journal.toml
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
    bundle["entry"] = [{"fullUrl": e["fullUrl"], "resource": _prune(e["resource"])}
                       for e in bundle["entry"]]
    return bundle


def _bundle_dict(rec: Mapping[str, Any], sys_: Mapping[str, str],
                 labels: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The Bundle of one record before empty values are left out (see :func:`_prune`)."""
    base = sys_["code_system_base"]
    eid = rec["entry_id"]
    ids = {p: _uid(eid, p) for p in ("condition", "observation", "servicerequest",
                                     "composition")}
    subject = _subject(rec["person"], sys_)
    enc_ref = {"reference": f"urn:uuid:{eid}"}
    nurse = {"identifier": {"system": f"{base}/user", "value": rec["nurse_id"]},
             "display": rec["nurse_name"]}
    when = rec["signed_at"] or rec["created_at"]
    reason = rec.get("contact_reason") or {"code": "OVRIGT", "text": ""}
    reason_cc = {"coding": [{"system": f"{base}/contact-reason", "code": reason["code"],
                             "display": labels.get("contact_reasons", {}).get(reason["code"])}],
                 "text": reason.get("text") or None}
    resources: list[dict[str, Any]] = [
        {"resourceType": "Encounter", "id": eid, "status": "finished",
         "identifier": [{"system": f"{base}/call", "value": rec["call_id"]}],
         "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                   "code": "VR", "display": "virtual"},
         "subject": subject, "period": {"start": rec["created_at"]},
         "participant": [{"individual": nurse}],
         "reasonReference": [{"reference": f"urn:uuid:{ids['condition']}"}],
         "serviceProvider": {"identifier": {"system": f"{base}/care-provider",
                                            "value": rec["care_provider"]}}},
        {"resourceType": "Condition", "id": ids["condition"],
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                             "condition-category",
                                   "code": "encounter-diagnosis"}]}],
         "code": reason_cc, "subject": subject, "encounter": enc_ref, "recordedDate": when},
    ]
    if rec.get("urgency"):
        resources.append(
            {"resourceType": "Observation", "id": ids["observation"], "status": "final",
             "code": {"coding": [{"system": f"{base}/observation", "code": "urgency",
                                  "display": "Brådskandegrad"}]},
             "subject": subject, "encounter": enc_ref, "effectiveDateTime": when,
             "valueCodeableConcept": {"coding": [{
                 "system": f"{base}/urgency", "code": rec["urgency"],
                 "display": labels.get("urgencies", {}).get(rec["urgency"])}]}})
    referral = rec.get("referral")
    if referral:
        sr: dict[str, Any] = {
            "resourceType": "ServiceRequest", "id": ids["servicerequest"],
            "status": "completed", "intent": "order",
            "code": {"coding": [{"system": f"{base}/care-type", "code": referral["care_type"]}]},
            "subject": subject, "encounter": enc_ref, "authoredOn": when, "requester": nurse,
            "performer": [{"identifier": {"system": sys_["hsa_id"], "value": referral["hsa_id"]},
                           "display": referral["unit_name"]}],
            "reasonReference": [{"reference": f"urn:uuid:{ids['condition']}"}]}
        if rec.get("deviation"):
            dev = rec["deviation"]
            sr["note"] = [{"text": f"Avvikelse från rådgivningsstödet: {dev['reason_code']}"
                                   + (f" – {dev['text']}" if dev.get("text") else "")}]
        resources.append(sr)
    notes = rec.get("notes", {})
    sections = [{"title": title, "text": {"status": "generated", "div": _div(notes[key])}}
                for key, title in _PHASE_TITLES if notes.get(key)]
    composition: dict[str, Any] = {
        "resourceType": "Composition", "id": ids["composition"],
        "status": "final" if rec["status"] == "signed" else "preliminary",
        "type": {"coding": [{"system": f"{base}/document-type", "code": rec["kind"]}],
                 "text": "Rådgivningsanteckning" if rec["kind"] == "entry" else "Rättelse"},
        "subject": subject, "encounter": enc_ref, "date": when, "author": [nurse],
        "title": "Telefonrådgivning", "identifier": {"system": f"{base}/journal-entry",
                                                     "value": eid},
        "attester": [{"mode": "legal", "time": rec["signed_at"], "party": nurse}]
        if rec["signed_at"] else None,
        "section": sections or None,
    }
    if rec.get("amends"):
        composition["relatesTo"] = [{"code": "appends", "targetIdentifier": {
            "system": f"{base}/journal-entry", "value": rec["amends"]}}]
    resources.append(composition)
    return {"resourceType": "Bundle", "id": _uid(eid, "bundle"), "type": "collection",
            "timestamp": when,
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]}




def _prune(value: Any) -> Any:
    """Leave out ``None`` and empty values (FHIR forbids empty elements)."""
    if type(value) is dict:
        out = {}
        for k, v in value.items():
            if type(v) is dict or type(v) is list:
                v = _prune(v)
            if v is not None and v != "" and v != [] and v != {}:
                out[k] = v
        return out
    if type(value) is list:
        return [_prune(v) if type(v) is dict or type(v) is list else v for v in value]
    return value


_MODELS: dict[str, Any] = {
    "Encounter": Encounter, "Condition": Condition, "Observation": Observation,
    "ServiceRequest": ServiceRequest, "Composition": Composition,
}


def _element_fields(model_class: Any) -> dict[str, tuple[str, bool, Any]]:
    """alias -> (attribute name, is a list, element class) for a resource's complex fields."""
    spec = {}
    for name, info in model_class.model_fields.items():
        annotation, is_list = info.annotation, False
        for _ in range(3):  # unwrap Optional[...] and List[...]
            if hasattr(annotation, "get_model_klass"):
                break
            if typing.get_origin(annotation) is list:
                is_list = True
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if not args:
                break
            annotation = args[0]
        if hasattr(annotation, "get_model_klass"):
            spec[info.alias or name] = (name, is_list, annotation.get_model_klass())
    return spec


class Validator:
    """Validates Bundles with the FHIR model library, fast enough for bulk export.

    Every resource is validated by its model class. A complex element (coding,
    reference, participant, section, ...) that was already validated with an equal
    value is handed to the model as the validated instance, which pydantic accepts
    without validating again; new values are validated as part of the resource and
    their instances kept for next time. Codes, units, nurses and care providers
    repeat across an export, and the subject and encounter references repeat in every
    resource of a Bundle, so this saves a large share of the work. The cache is
    bounded (cleared when full) so memory stays flat; ``max_cached=0`` disables it.
    """

    def __init__(self, max_cached: int = 5_000) -> None:
        self._cache: dict[tuple[Any, str], Any] = {}
        self._max = max_cached
        self._fields = {rt: _element_fields(cls) for rt, cls in _MODELS.items()}

    def resource(self, resource: dict[str, Any]) -> Any:
        """Validate one resource dict; returns the model instance."""
        kind = resource["resourceType"]
        model_class = _MODELS.get(kind)
        if model_class is None:
            raise ValueError(f"no model for {kind}")
        if not self._max:
            return model_class.model_validate(resource)
        spec = self._fields[kind]
        data: dict[str, Any] = {}
        missed: list[tuple[Any, str, str, int | None]] = []
        for key, value in resource.items():
            element = spec.get(key)
            if element is None:
                data[key] = value
            elif element[1] and isinstance(value, list):
                items = []
                for i, v in enumerate(value):
                    r = repr(v)
                    hit = self._cache.get((element[2], r))
                    items.append(v if hit is None else hit)
                    if hit is None:
                        missed.append((element[2], element[0], r, i))
                data[key] = items
            else:
                r = repr(value)
                hit = self._cache.get((element[2], r))
                data[key] = value if hit is None else hit
                if hit is None:
                    missed.append((element[2], element[0], r, None))
        model = model_class.model_validate(data)
        if missed and len(self._cache) + len(missed) > self._max:
            self._cache.clear()
        for element_class, attr, r, index in missed:
            value = getattr(model, attr)
            self._cache[(element_class, r)] = value if index is None else value[index]
        return model

    def bundle(self, bundle: dict[str, Any]) -> Bundle:
        """Validate a Bundle dict: each resource, then the envelope on its own."""
        for item in bundle["entry"]:
            self.resource(item["resource"])
        return Bundle.model_validate(
            {**bundle, "entry": [{"fullUrl": item["fullUrl"]} for item in bundle["entry"]]})


def validate(bundle: dict[str, Any]) -> Bundle:
    """Validate a Bundle dict with the FHIR model library, without caching (raises on
    any violation)."""
    return Validator(max_cached=0).bundle(bundle)


# Shape tokens besides keys (str) and non-str leaf types: small ints never equal a key.
_OPEN, _LIST, _END = 0, 1, 2


def _walk(value: dict[str, Any], leaves: list[Any], shape: list[Any]) -> dict[str, Any]:
    """:func:`_prune` a dict (same result), also appending its leaf values to ``leaves``
    and its shape (keys, nesting, leaf types, resource types) to ``shape``."""
    out = {}
    for k, v in value.items():
        t = type(v)
        if t is str:
            if v:
                out[k] = v
                if k == "resourceType":  # picks the model: part of the shape
                    shape.append((k, v))
                else:
                    shape.append(k)
                    leaves.append(v)
        elif t is dict:
            mark = len(shape)
            shape.append(k)
            shape.append(_OPEN)
            sub = _walk(v, leaves, shape)
            if sub:
                out[k] = sub
                shape.append(_END)
            else:  # left out; it added no leaves
                del shape[mark:]
        elif t is list:
            if v:
                shape.append(k)
                out[k] = _walk_list(v, leaves, shape)
        elif v is not None and v != "":  # (a str subclass: as _prune)
            out[k] = v
            shape.append((k, t))
            leaves.append(v)
    return out


def _walk_list(value: list[Any], leaves: list[Any], shape: list[Any]) -> list[Any]:
    shape.append(_LIST)
    items: list[Any] = []
    for x in value:
        t = type(x)
        if t is dict:
            shape.append(_OPEN)
            items.append(_walk(x, leaves, shape))
            shape.append(_END)
        elif t is list:
            items.append(_walk_list(x, leaves, shape))
        else:
            items.append(x)
            shape.append(t)
            leaves.append(x)
    shape.append(_END)
    return items


class _LeafCheck:
    """One FHIR primitive type of the model library (a pydantic ``TypeAdapter`` of the
    element's annotated type), remembering the values it already accepted."""

    __slots__ = ("adapter", "name", "seen")

    def __init__(self, annotation: Any, metadata: list[Any]) -> None:
        self.name = repr(annotation)
        self.adapter = TypeAdapter(Annotated[annotation, *metadata] if metadata else annotation)
        self.seen: set[Any] = set()


class ShapeChecker:
    """Checks Bundle dicts against the FHIR models, validating each *shape* once.

    A Bundle whose shape was not seen yet goes through the library's full validation
    (:class:`Validator`); then the primitive type of each of its leaves is read from
    the models, in walk order. A later Bundle of the same shape is valid exactly when
    each leaf value is valid for its primitive type, which is checked with the same
    pydantic types the models use (values already accepted are remembered, in a
    bounded set). ``check`` returns the pruned Bundle (as :func:`entry_bundle`)."""

    def __init__(self, max_shapes: int = 2_000, max_seen: int = 20_000) -> None:
        self.validator = Validator()
        self._shapes: dict[tuple[Any, ...], list[_LeafCheck]] = {}
        self._specs: dict[Any, dict[str, tuple[Any, Any]]] = {}
        self._checks: dict[str, _LeafCheck] = {}
        self._max_shapes, self._max_seen = max_shapes, max_seen
        self.full_validations = 0

    def check(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Prune and validate an unpruned Bundle dict (raises on any violation)."""
        leaves: list[Any] = []
        shape: list[Any] = []
        bundle = _walk(raw, leaves, shape)
        key = tuple(shape)
        checks = self._shapes.get(key)
        if checks is None:
            self._full(bundle)
            checks = []
            self._leaf_types(bundle, Bundle, checks)
            if len(checks) != len(leaves):  # pragma: no cover - walk orders differ
                raise AssertionError("shape walk and model walk disagree")
            if len(self._shapes) >= self._max_shapes:
                self._shapes.clear()
            self._shapes[key] = checks
            for c, v in zip(checks, leaves, strict=True):
                c.seen.add(v)
            return bundle
        for c, v in zip(checks, leaves):
            seen = c.seen
            if v not in seen:
                c.adapter.validate_python(v)
                if len(seen) >= self._max_seen:
                    seen.clear()
                seen.add(v)
        return bundle

    def _full(self, bundle: dict[str, Any]) -> None:
        self.full_validations += 1
        self.validator.bundle(bundle)

    def _spec(self, model_class: Any) -> dict[str, tuple[Any, Any]]:
        spec = self._specs.get(model_class)
        if spec is None:
            spec = {}
            for name, info in model_class.model_fields.items():
                annotation = info.annotation
                for _ in range(3):  # unwrap Optional[...] and List[...]
                    if hasattr(annotation, "get_model_klass"):
                        break
                    args = [a for a in typing.get_args(annotation) if a is not type(None)]
                    if typing.get_origin(annotation) is typing.Annotated or not args:
                        break
                    if len(args) > 1:  # a true union (only ``fhir_comments``): kept whole
                        annotation = typing.Union[tuple(args)]  # noqa: UP007
                        break
                    annotation = args[0]
                if hasattr(annotation, "get_model_klass"):
                    spec[info.alias or name] = (annotation.get_model_klass(), None)
                else:
                    check_name = repr((annotation, info.metadata))
                    check = self._checks.get(check_name)
                    if check is None:
                        check = self._checks[check_name] = _LeafCheck(annotation,
                                                                       list(info.metadata))
                    spec[info.alias or name] = (None, check)
            self._specs[model_class] = spec
        return spec

    def _leaf_types(self, value: dict[str, Any], model_class: Any,
                    out: list[_LeafCheck]) -> None:
        if "resourceType" in value:
            model_class = get_fhir_model_class(value["resourceType"])
        spec = self._spec(model_class)
        for k, v in value.items():
            if k == "resourceType":
                continue
            element, check = spec[k]
            self._leaf_types_of(v, element, check, out)

    def _leaf_types_of(self, v: Any, element: Any, check: Any, out: list[_LeafCheck]) -> None:
        if type(v) is dict:
            self._leaf_types(v, element, out)
        elif type(v) is list:
            for x in v:
                self._leaf_types_of(x, element, check, out)
        else:
            out.append(check)


def fhir_chunk_factory(systems: Mapping[str, str] | None = None,
                       labels: Mapping[str, Mapping[str, str]] | None = None,
                       full_validation: bool | None = None,
                       ) -> Callable[[Iterable[Any], Pseudonymiser | None], str]:
    """A page-to-NDJSON function for :func:`journal.export.stream`: each Bundle is
    validated against the model library (its shape once per export, see
    :class:`ShapeChecker`; or each Bundle in full with ``full_validation``), then
    written (the validated dict, compact). ``full_validation=None`` follows
    ``validation = "shape" | "full"`` in the ``[fhir]`` table (``systems``)."""

    sys_ = {**DEFAULT_SYSTEMS, **(systems or {})}
    mode = sys_.pop("validation", "shape")
    if mode not in VALIDATION_MODES:
        raise ValueError(f"fhir.validation must be one of {VALIDATION_MODES}, not {mode!r}")
    if full_validation is None:
        full_validation = mode == "full"
    labels_ = labels or {}
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    if full_validation:
        validator = Validator()

        def one(rec: dict[str, Any]) -> dict[str, Any]:
            bundle = entry_bundle(rec, sys_, labels_)
            validator.bundle(bundle)
            return bundle
    else:
        check = ShapeChecker().check

        def one(rec: dict[str, Any]) -> dict[str, Any]:
            return check(_bundle_dict(rec, sys_, labels_))

    def chunk(rows: Iterable[Any], pseudonymiser: Pseudonymiser | None) -> str:
        out = [dumps(one(row_record(row, pseudonymiser))) for row in rows]
        return "\n".join(out) + "\n" if out else ""

    return chunk
