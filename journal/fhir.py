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

The Bundle is built in :mod:`journal.fhir_bundle` and validated in
:mod:`journal.fhir_validation` (:class:`~journal.fhir_validation.ShapeChecker`), in
one of two ways that accept exactly the same Bundles: **full** (every Bundle
through the library's pydantic validation) or **shape** (the default for exports:
each new shape in full, later Bundles of that shape leaf by leaf).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from journal.export import Pseudonymiser, row_record
from journal.fhir_bundle import DEFAULT_SYSTEMS, FHIR_VERSION, _bundle_dict, entry_bundle
from journal.fhir_validation import ShapeChecker, Validator, validate

__all__ = ["DEFAULT_SYSTEMS", "FHIR_VERSION", "VALIDATION_MODES", "ShapeChecker", "Validator",
           "entry_bundle", "fhir_chunk_factory", "validate"]

VALIDATION_MODES = ("shape", "full")  # ``validation`` in the [fhir] table of journal.toml


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
