"""Where the caller is: the region (county) whose queue a call belongs to.

Calls belong to the region where the caller *is*, not where they live. The
sources, in the order they are trusted:

1. **Relay** — a relay call (channel variable ``CC_RELAY`` = ``text``,
   ``video``, …) goes to the national queue. It is checked first: the
   network data of a relay call (municipality, number) describes the relay
   centre, not the person who needs advice.
2. **Municipality** — a 4-digit SCB kommunkod the dialplan sets from trunk
   data. Its county (the first two digits) is the region, if the code exists
   in ``municipalities.csv``. An unknown or malformed code is ignored and
   detection falls through; the decision's ``detail`` (and ``notes``) says why.
3. **Caller's number** — parsed with :mod:`phonenumbers`, default region SE.
   A non-Swedish number goes to the national queue (``abroad``). A Swedish
   fixed-line number gives a county *hint* through its area code
   (riktnummer, longest prefix in ``area_codes.tsv``; area-code districts do
   not follow county borders exactly). Mobile, other non-geographic,
   withheld, empty and malformed numbers give nothing.
4. **IVR** — nothing above decided: :meth:`RegionResolver.from_channel`
   returns ``None`` and the call flow asks the caller to key the area code of
   the place where they are now (:meth:`RegionResolver.from_ivr_digits`).

The data files are read once; every lookup is a dict access (municipality) or
at most four (area-code prefixes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from contactcenter.callflow.reference_data import (
    AREA_CODE,
    AREA_CODES,
    MUNICIPALITY_CODE,
    AreaCode,
    Municipality,
    ReferenceDataError,
    load_reference_data,
)

__all__ = [
    "AreaCode",
    "Municipality",
    "QueueKind",
    "ReferenceDataError",
    "RegionDecision",
    "RegionResolver",
    "RegionSource",
]

QueueKind = Literal["regional", "national"]
RegionSource = Literal["municipality", "area_code", "ivr", "abroad", "relay", "unknown"]

SWEDEN_CALLING_CODE = 46
_WITHHELD = frozenset({
    "", "anonymous", "unknown", "<unknown>", "withheld", "private", "restricted",
    "unavailable", "hidden",  # what SIP trunks and Asterisk put in place of a withheld number
})
_FIXED = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True, slots=True)
class RegionDecision:
    """Where a call goes.

    ``region`` is a two-digit county code (``"01"``, ``"03"`` to ``"10"``,
    ``"12"`` to ``"14"``, ``"17"`` to ``"25"``) or ``None``; ``queue`` says whether
    the call belongs in that region's queue or the national queue; ``source``
    names what decided; ``detail`` is a human-readable account for the call log,
    including any input that was ignored on the way.
    """

    region: str | None
    queue: QueueKind
    source: RegionSource
    detail: str
    municipality: str | None = field(default=None, compare=False)
    """Where the caller is, as near as known: the network's municipality, or the main
    municipality of the area code (for the nurse's search of units near the caller)."""


class RegionResolver:
    """Decides the caller's region from channel data or keyed digits.

    Build it once with :meth:`from_config_dir`; it
    holds no other state and is safe to share between calls.
    """

    def __init__(self, municipalities: Iterable[Municipality],
                 area_codes: Iterable[AreaCode]) -> None:
        self._municipalities: dict[str, Municipality] = {}
        for m in municipalities:
            if not MUNICIPALITY_CODE.fullmatch(m.code) or m.county != m.code[:2]:
                raise ValueError(f"municipality {m.code} {m.name}: the county {m.county!r} "
                                 "must be the first two digits of a 4-digit code")
            self._municipalities[m.code] = m
        self._counties = frozenset(m.county for m in self._municipalities.values())
        self._area_codes: dict[str, AreaCode] = {}
        for a in area_codes:
            if not AREA_CODE.fullmatch(a.prefix):
                raise ValueError(f"area code {a.prefix!r} ({a.place}) is not 0 and 1-3 digits")
            if a.prefix in self._area_codes:
                raise ValueError(f"area code {a.prefix} appears twice")
            if a.municipality is not None:
                owner = self._municipalities.get(a.municipality)
                if owner is None:
                    raise ValueError(f"area code {a.prefix} ({a.place}): unknown "
                                     f"municipality {a.municipality}")
                if a.county != owner.county:
                    raise ValueError(f"area code {a.prefix} ({a.place}): county {a.county} "
                                     f"does not match municipality {owner.code} {owner.name}")
            elif a.county is not None and a.county not in self._counties:
                raise ValueError(f"area code {a.prefix} ({a.place}): unknown county {a.county}")
            self._area_codes[a.prefix] = a
        self._longest_prefix = max((len(p) for p in self._area_codes), default=0)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_config_dir(cls, path: str | Path) -> RegionResolver:
        """Read ``municipalities.csv`` and ``area_codes.tsv`` from a configuration folder.

        Raises :class:`ReferenceDataError` naming the file and line (or area code)
        of every problem.
        """
        municipalities, area_codes = load_reference_data(path)
        try:
            return cls(municipalities, area_codes)
        except ValueError as exc:  # the files disagree; each message names the area code
            raise ReferenceDataError([f"{AREA_CODES}: {exc}"]) from None

    # -- lookups ----------------------------------------------------------------------------
    def region_of_municipality(self, code: str | None) -> str | None:
        """The county of an SCB municipality code, ``None`` if the code is not known."""
        if code is None:
            return None
        m = self._municipalities.get(code.strip())
        return m.county if m is not None else None

    def municipality(self, code: str) -> Municipality | None:
        return self._municipalities.get(code)

    def area_code(self, prefix: str) -> AreaCode | None:
        """The entry of an exact area code (with its leading 0), or ``None``."""
        return self._area_codes.get(prefix)

    def area_code_of(self, national_number: str) -> AreaCode | None:
        """Longest-prefix match of a national number (``0``-prefixed digits) against the table."""
        for length in range(min(self._longest_prefix, len(national_number)), 1, -1):
            entry = self._area_codes.get(national_number[:length])
            if entry is not None:
                return entry
        return None

    @property
    def counties(self) -> frozenset[str]:
        return self._counties

    # -- decisions --------------------------------------------------------------------------
    def from_channel(self, municipality: str | None, caller_number: str | None,
                     relay: str | None, *, notes: list[str] | None = None,
                     ) -> RegionDecision | None:
        """Decide from what the network delivered; ``None`` means: ask the caller (IVR).

        ``notes``, when given, receives one line per input that was present but
        ignored (unknown municipality code, mobile number, …) so the caller can
        log it even when the result is ``None``. The same lines are part of the
        ``detail`` of a decision.
        """
        ignored: list[str] = [] if notes is None else notes
        start = len(ignored)

        def detail(text: str) -> str:
            extra = ignored[start:]
            return text if not extra else f"{text}; ignored: {'; '.join(extra)}"

        relay_type = (relay or "").strip()
        if relay_type:
            return RegionDecision(None, "national", "relay", detail(
                f"relay call ({relay_type}); the network's municipality and number describe "
                "the relay centre and are not used"))

        if municipality is not None and municipality.strip():
            code = municipality.strip()
            if not MUNICIPALITY_CODE.fullmatch(code):
                ignored.append(f"municipality {code!r} is not a 4-digit code")
            else:
                m = self._municipalities.get(code)
                if m is None:
                    ignored.append(f"municipality code {code} is unknown")
                else:
                    return RegionDecision(m.county, "regional", "municipality", detail(
                        f"municipality {m.code} {m.name} (county {m.county})"), m.code)

        return self._from_number(caller_number, ignored, detail)

    def from_ivr_digits(self, digits: str | None) -> RegionDecision | None:
        """The area code the caller keyed (``08#``, ``8#``, ``031``, ``0920#``).

        ``None`` means: ask again.
        A trailing ``#`` and the leading ``0`` are optional. Only a whole area
        code that hints at a county counts.
        """
        if digits is None:
            return None
        keyed = digits.strip().removesuffix("#")
        if not keyed.isascii() or not keyed.isdigit():
            return None
        prefix = keyed if keyed.startswith("0") else f"0{keyed}"
        if not AREA_CODE.fullmatch(prefix):
            return None
        entry = self._area_codes.get(prefix)
        if entry is None or entry.county is None:
            return None
        return RegionDecision(entry.county, "regional", "ivr",
                              f"keyed area code {prefix} ({entry.place})", entry.municipality)

    # -- internals --------------------------------------------------------------------------
    def _from_number(self, raw: str | None, ignored: list[str],
                     detail: Callable[[str], str]) -> RegionDecision | None:
        number = (raw or "").strip()
        if number.lower() in _WITHHELD:
            if number:
                ignored.append(f"caller number withheld ({number!r})")
            return None
        parsed = _parse(number)
        if parsed is None:
            ignored.append(f"caller number {number!r} is malformed")
            return None
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if parsed.country_code != SWEDEN_CALLING_CODE:
            country = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
            if country == "ZZ" or not phonenumbers.is_possible_number(parsed):
                ignored.append(f"caller number {number!r} is malformed")
                return None
            return RegionDecision(None, "national", "abroad",
                                  detail(f"caller number {e164} is from abroad ({country})"))
        if not phonenumbers.is_valid_number(parsed):
            ignored.append(f"caller number {number!r} is not a valid Swedish number")
            return None
        kind = phonenumbers.number_type(parsed)
        if kind not in _FIXED:
            label = "mobile" if kind == PhoneNumberType.MOBILE else "non-geographic"
            ignored.append(f"caller number {e164} is {label}")
            return None
        national = "0" + phonenumbers.national_significant_number(parsed)
        entry = self.area_code_of(national)
        if entry is None:
            ignored.append(f"caller number {e164}: area code not in the table")
            return None
        if entry.county is None:
            ignored.append(f"caller number {e164}: area code {entry.prefix} ({entry.place}) "
                           "has no county")
            return None
        return RegionDecision(entry.county, "regional", "area_code",
                              detail(f"fixed-line area code {entry.prefix} ({entry.place})"),
                              entry.municipality)


def _parse(number: str) -> phonenumbers.PhoneNumber | None:
    """Parse a caller number as a trunk delivers it: ``+46…``, ``0046…``, ``08…``, ``46…``.

    Digits without a leading ``0`` or ``+`` that are not a valid Swedish
    number are tried once more as E.164 without the plus (``4520123456``).
    """
    try:
        parsed: phonenumbers.PhoneNumber | None = phonenumbers.parse(number, "SE")
    except NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        return parsed
    digits = number.replace(" ", "").replace("-", "")
    if digits.isascii() and digits.isdigit() and not digits.startswith("0"):
        try:
            retry = phonenumbers.parse("+" + digits, "SE")
        except NumberParseException:
            retry = None
        if retry is not None and phonenumbers.is_valid_number(retry):
            return retry
    return parsed
