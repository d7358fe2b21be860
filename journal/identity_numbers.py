"""Swedish identity numbers: personnummer, samordningsnummer and regional reservnummer.

Wraps ``python-stdnum`` (``stdnum.se.personnummer`` for the date and Luhn check,
``stdnum.luhn`` for the rest) and adds what it lacks:

* samordningsnummer (coordination number: day of birth + 60), which stdnum rejects;
* the ``+`` separator (100 years or older) resolved against an injected date
  instead of the machine's clock;
* refusal of birth dates in the future (stdnum accepts them);
* regional reservnummer formats from configuration (no national standard).

Numbers are normalised to 12 digits (``YYYYMMDDNNNC``) for personnummer and
samordningsnummer, and to upper case without separators for reservnummer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer as stdnum_pnr

from journal.errors import InvalidIdentityNumber
from journal.model import IdentityKind

_SHAPE = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")
COORDINATION_DAY_OFFSET = 60


@dataclass(frozen=True)
class ParsedNumber:
    """A validated identity number: kind, normalised form and birth date (if any)."""

    kind: IdentityKind
    number: str
    birth_date: date | None = None


def parse_swedish_number(value: str, today: date) -> ParsedNumber:
    """Validate a personnummer or samordningsnummer given with 10 or 12 digits.

    A 10-digit number is placed in the most recent century that does not put the
    birth date after ``today``; a ``+`` separator moves it back one more century.
    """
    raw = value.strip().replace(" ", "")
    m = _SHAPE.match(raw)
    if not m:
        raise InvalidIdentityNumber("not a personnummer or samordningsnummer shape",
                                    {"value": value})
    century, yymmdd, separator, serial = m.groups()
    if century and separator == "+":
        raise InvalidIdentityNumber("a 12-digit number does not use the + separator",
                                    {"value": value})
    digits10 = yymmdd + serial
    if not luhn.is_valid(digits10):
        raise InvalidIdentityNumber("bad check digit", {"value": value})
    day = int(yymmdd[4:6])
    kind = IdentityKind.PERSONNUMMER
    if day > COORDINATION_DAY_OFFSET:
        kind = IdentityKind.SAMORDNINGSNUMMER
        day -= COORDINATION_DAY_OFFSET
    year = int(century + yymmdd[:2]) if century else _resolve_year(yymmdd, separator, today)
    try:
        birth = date(year, int(yymmdd[2:4]), day)
        if kind is IdentityKind.PERSONNUMMER:  # stdnum checks date and Luhn digit itself
            stdnum_pnr.validate(f"{year:04d}{yymmdd[2:]}-{serial}")
    except (ValueError, ValidationError) as exc:
        raise InvalidIdentityNumber("no such date of birth", {"value": value}) from exc
    if birth > today:
        raise InvalidIdentityNumber("date of birth is in the future",
                                    {"value": value, "birth_date": birth.isoformat()})
    return ParsedNumber(kind, f"{year:04d}{yymmdd[2:]}{serial}", birth)


def _resolve_year(yymmdd: str, separator: str, today: date) -> int:
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]) % COORDINATION_DAY_OFFSET
    year = (today.year // 100) * 100 + yy
    if (year, mm, dd) > (today.year, today.month, today.day):
        year -= 100
    if separator == "+":
        year -= 100
    return year


@dataclass(frozen=True)
class ReservnummerRule:
    """A region's reservnummer format: full-match regex on the compact number and an
    optional Luhn check over its last ten digits."""

    pattern: str
    check: str = "none"


def parse_reservnummer(value: str, region: str,
                       formats: Mapping[str, ReservnummerRule]) -> ParsedNumber:
    """Validate a reservnummer against ``region``'s configured format (or ``default``)."""
    compact = re.sub(r"[\s-]", "", value).upper()
    rule = formats.get(region) or formats.get("default")
    if rule is None:
        raise InvalidIdentityNumber("no reservnummer format configured for the region",
                                    {"region": region})
    pattern, check = rule.pattern, rule.check
    if not re.fullmatch(pattern, compact):
        raise InvalidIdentityNumber("does not match the region's reservnummer format",
                                    {"value": value, "region": region})
    if check == "luhn" and not (compact[-10:].isdigit() and luhn.is_valid(compact[-10:])):
        raise InvalidIdentityNumber("bad check digit", {"value": value, "region": region})
    return ParsedNumber(IdentityKind.RESERVNUMMER, compact, None)


def parse_identity(kind: IdentityKind | str, value: str | None, today: date,
                   region: str | None = None,
                   reservnummer_formats: Mapping[str, ReservnummerRule] | None = None,
                   ) -> ParsedNumber:
    """Validate ``value`` as ``kind``; the kind found must match the kind claimed."""
    try:
        kind = IdentityKind(kind)
    except ValueError:
        raise InvalidIdentityNumber("unknown kind of identity number",
                                    {"kind": str(kind)[:40],
                                     "allowed": [k.value for k in IdentityKind]}) from None
    if kind is IdentityKind.UNIDENTIFIED:
        if value:
            raise InvalidIdentityNumber("an unidentified person has no number", {"value": value})
        return ParsedNumber(kind, "", None)
    if not value:
        raise InvalidIdentityNumber("number is required", {"kind": kind.value})
    if kind is IdentityKind.RESERVNUMMER:
        return parse_reservnummer(value, region or "default", reservnummer_formats or {})
    parsed = parse_swedish_number(value, today)
    if parsed.kind is not kind:
        raise InvalidIdentityNumber(f"this is a {parsed.kind.value}, not a {kind.value}",
                                    {"value": value})
    return parsed


def fictional_personnummer(birth: date, serial3: int, coordination: bool = False) -> str:
    """A generated 12-digit number with a valid check digit (for demo data and tests;
    FICTIONAL — never a real person's number on purpose)."""
    day = birth.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial3:03d}"
    return f"{birth.year // 100:02d}{body}{luhn.calc_check_digit(body)}"
