"""HSA-id validation (HSA-id: the national directory's id of a care unit).

Shape: ``SE`` + a 10-digit organisation number (organisationsnummer, Luhn check
digit, checked with ``python-stdnum``'s ``stdnum.se.orgnr``) + ``-`` + letters
A-Z/a-z and digits; at most 31 characters; never å/ä/ö.
"""

from __future__ import annotations

import re

from stdnum.se import orgnr as _orgnr

from referral_catalog.errors import InvalidHsaId

MAX_LENGTH = 31
_SHAPE = re.compile(r"^SE(\d{10})-([A-Za-z0-9]+)$")


def hsa_id_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an HSA-id, or ``None`` when it is valid."""
    if len(value) > MAX_LENGTH:
        return f"is {len(value)} characters, at most {MAX_LENGTH} allowed"
    if any(ch in "åäöÅÄÖ" for ch in value):
        return "must not contain å, ä or ö"
    match = _SHAPE.match(value)
    if match is None:
        return "must be SE + 10-digit organisation number + '-' + letters A-Z or digits"
    if not _orgnr.is_valid(match.group(1)):
        return f"organisation number {match.group(1)} fails its check digit"
    return None


def is_valid_hsa_id(value: str) -> bool:
    """True when ``value`` is a well-formed HSA-id with a valid organisation number."""
    return hsa_id_problem(value) is None


def validate_hsa_id(value: str) -> str:
    """Return ``value`` unchanged when valid; raise :class:`InvalidHsaId` otherwise."""
    problem = hsa_id_problem(value)
    if problem is not None:
        raise InvalidHsaId(value, problem)
    return value


def is_valid_orgnr(number: str) -> bool:
    """True when ``number`` (10 digits, dash allowed) is a valid organisation number."""
    return bool(_orgnr.is_valid(number))


def make_hsa_id(orgnr: str, suffix: str) -> str:
    """Build and validate the HSA-id ``SE<orgnr>-<suffix>``."""
    return validate_hsa_id(f"SE{_orgnr.compact(orgnr)}-{suffix}")


def orgnr_of(hsa_id: str) -> str:
    """The organisation number inside a valid HSA-id (the issuing organisation)."""
    return validate_hsa_id(hsa_id)[2:12]
