"""The referral catalog's domain model (hänvisningskatalog): care units and their notices.

Pure: standard library only, no I/O, no clock reads. Attribute names follow the
national directory's (HSA) attributes, in English. Checks that need a library
(the HSA-id's check digit, ``opening_hours`` syntax) live in :mod:`.validation`,
so a unit built here is structurally sound but not yet fully validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from referral_catalog.errors import InvalidCareUnit

_COUNTY = re.compile(r"^\d{2}$")
_MUNICIPALITY = re.compile(r"^\d{4}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class CareType(StrEnum):
    """Care type (vårdtyp) a nurse refers to.

    Values are the care-type codes of the decision-support configuration
    (``config/decision_support.toml``), so an assessment's recommended care
    type maps to the catalog by value; :attr:`label` is the Swedish name.
    Care types that are no unit (112, egenvård) are not listed.
    """

    AKUTMOTTAGNING = "AKUTMOTTAGNING"
    BARNAKUT = "BARNAKUT"
    PSYKIATRISK_AKUT = "PSYKIATRISK_AKUT"
    """Psykiatrisk akutmottagning."""
    JOURMOTTAGNING = "JOURMOTTAGNING"
    """Jourmottagning / närakut: evenings, nights and weekends."""
    VARDCENTRAL = "VARDCENTRAL"
    BVC = "BVC"
    """Barnavårdscentral (child health centre)."""
    BARNMORSKEMOTTAGNING = "BARNMORSKEMOTTAGNING"
    """Barnmorskemottagning / MVC (maternity care)."""
    UNGDOMSMOTTAGNING = "UNGDOMSMOTTAGNING"
    TANDVARDSJOUR = "TANDVARDSJOUR"
    APOTEK = "APOTEK"
    DIGITAL_VARD = "DIGITAL_VARD"
    """Digital care (chat or video)."""

    @property
    def label(self) -> str:
        """The Swedish name nurses read, e.g. ``"vårdcentral"``."""
        return _CARE_TYPE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> CareType:
        """A care type from its code or Swedish name (any case): ``"vårdcentral"``, ``"BVC"``."""
        key = text.strip().casefold()
        for care_type in cls:
            if key in (care_type.value.casefold(), care_type.label.casefold()):
                return care_type
        found = _CARE_TYPE_ALIASES.get(key)
        if found is None:
            raise ValueError(f"unknown care type {text!r}")
        return found


_CARE_TYPE_LABELS = {
    CareType.AKUTMOTTAGNING: "akutmottagning",
    CareType.BARNAKUT: "barnakut",
    CareType.PSYKIATRISK_AKUT: "psykiatrisk akutmottagning",
    CareType.JOURMOTTAGNING: "jourmottagning",
    CareType.VARDCENTRAL: "vårdcentral",
    CareType.BVC: "BVC",
    CareType.BARNMORSKEMOTTAGNING: "barnmorskemottagning",
    CareType.UNGDOMSMOTTAGNING: "ungdomsmottagning",
    CareType.TANDVARDSJOUR: "tandvårdsjour",
    CareType.APOTEK: "apotek",
    CareType.DIGITAL_VARD: "digital vård",
}
_CARE_TYPE_ALIASES = {
    "närakut": CareType.JOURMOTTAGNING,
    "mvc": CareType.BARNMORSKEMOTTAGNING,
    "barnavårdscentral": CareType.BVC,
    "hälsocentral": CareType.VARDCENTRAL,
    "psykakut": CareType.PSYKIATRISK_AKUT,
}


class UnitStatus(StrEnum):
    """Whether the unit takes patients (status in the directory)."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    """Closed down or paused; never suggested."""


class NoticeKind(StrEnum):
    """What a temporary notice (tillfälligt meddelande) does to the regular hours."""

    CLOSED = "closed"
    """Tillfälligt stängt: closed while the notice is valid."""
    DEVIATING_HOURS = "deviating_hours"
    """Avvikande öppettider: the notice's own hours replace the regular ones."""
    INFORMATION = "information"
    """Information only; hours unchanged."""


@dataclass(frozen=True, slots=True)
class Coordinates:
    """A WGS84 point (latitude, longitude in decimal degrees)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or not (-180.0 <= self.lon <= 180.0):
            raise InvalidCareUnit("coordinates", f"({self.lat}, {self.lon}) is not a WGS84 point")


@dataclass(frozen=True, slots=True)
class Address:
    """A postal or visiting address (besöksadress / postadress)."""

    street: str
    postal_code: str
    city: str


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number with its label and phone hours (telefontider), if limited."""

    number: str
    label: str = ""
    hours: str | None = None
    """Phone hours in OpenStreetMap ``opening_hours`` syntax; ``None``: same as opening hours."""


@dataclass(frozen=True, slots=True)
class AgeGroup:
    """Ages the unit receives (åldersgrupp), in whole years, both limits inclusive."""

    min_years: int = 0
    max_years: int | None = None

    def __post_init__(self) -> None:
        if self.min_years < 0 or (self.max_years is not None and self.max_years < self.min_years):
            raise InvalidCareUnit("age_group", f"{self.min_years}-{self.max_years} is not a range")

    @property
    def is_limited(self) -> bool:
        """True when the unit does not receive every age."""
        return self.min_years > 0 or self.max_years is not None

    def admits(self, age: int) -> bool:
        """True when a patient of ``age`` whole years belongs to this group."""
        return self.min_years <= age and (self.max_years is None or age <= self.max_years)


@dataclass(frozen=True, slots=True)
class TemporaryNotice:
    """Temporary information (tillfällig information) valid over ``[valid_from, valid_until)``.

    While valid, a ``CLOSED`` notice closes the unit and a ``DEVIATING_HOURS``
    notice replaces the regular hours with ``opening_hours``. Times are aware.
    """

    kind: NoticeKind
    valid_from: datetime
    valid_until: datetime
    text: str
    opening_hours: str | None = None

    def __post_init__(self) -> None:
        if self.valid_from.tzinfo is None or self.valid_until.tzinfo is None:
            raise InvalidCareUnit("notices", "validity times must carry a time zone")
        if self.valid_until <= self.valid_from:
            raise InvalidCareUnit("notices", "valid_until must be after valid_from")
        if (self.kind is NoticeKind.DEVIATING_HOURS) != (self.opening_hours is not None):
            raise InvalidCareUnit(
                "notices", "deviating hours need opening_hours, and only they may have them"
            )

    def is_valid_at(self, at: datetime) -> bool:
        """True while the notice applies (``valid_from <= at < valid_until``)."""
        return self.valid_from <= at < self.valid_until

    @property
    def overrides_hours(self) -> bool:
        """True for notices that change when the unit is open."""
        return self.kind is not NoticeKind.INFORMATION


@dataclass(frozen=True, slots=True)
class CareUnit:
    """A care unit (vårdenhet) in a region's referral catalog.

    ``hsa_id`` is the unit's id everywhere (also in storage and the API).
    ``opening_hours`` and ``drop_in_hours`` use OpenStreetMap ``opening_hours``
    syntax, evaluated in Europe/Stockholm with Swedish public holidays (``PH``).
    ``internal_notes`` are for nurses only and are never shown to patients.
    ``fictional`` marks synthetic demo units.
    """

    hsa_id: str
    name: str
    region: str
    """County code (länskod), two digits, e.g. ``"01"``."""
    municipality_code: str
    """Municipality code (kommunkod), four digits starting with the county code."""
    care_types: tuple[CareType, ...]
    opening_hours: str
    unit_type: str = ""
    """Unit type (enhetstyp) as free text from the directory."""
    activity_code: str | None = None
    """Activity code (verksamhetskod) from the directory, if known."""
    visiting_address: Address | None = None
    postal_address: Address | None = None
    coordinates: Coordinates | None = None
    phones: tuple[PhoneNumber, ...] = ()
    drop_in_hours: str | None = None
    age_group: AgeGroup = field(default_factory=AgeGroup)
    languages: tuple[str, ...] = ("sv",)
    """ISO 639 codes of the languages spoken with patients."""
    web_url: str | None = None
    e_service_url: str | None = None
    internal_notes: str = ""
    notices: tuple[TemporaryNotice, ...] = ()
    status: UnitStatus = UnitStatus.ACTIVE
    fictional: bool = False

    def __post_init__(self) -> None:
        if not self.hsa_id:
            raise InvalidCareUnit("hsa_id", "is required")
        if not self.name.strip():
            raise InvalidCareUnit("name", "is required")
        if not _COUNTY.match(self.region):
            raise InvalidCareUnit("region", f"{self.region!r} is not a two-digit county code")
        if not _MUNICIPALITY.match(self.municipality_code):
            raise InvalidCareUnit(
                "municipality_code", f"{self.municipality_code!r} is not a four-digit code"
            )
        if not self.municipality_code.startswith(self.region):
            raise InvalidCareUnit(
                "municipality_code",
                f"{self.municipality_code} does not belong to county {self.region}",
            )
        if not self.care_types:
            raise InvalidCareUnit("care_types", "at least one care type is required")
        if not self.opening_hours.strip():
            raise InvalidCareUnit("opening_hours", "is required")
        for code in self.languages:
            if not _LANGUAGE.match(code):
                raise InvalidCareUnit("languages", f"{code!r} is not an ISO 639 code")

    @property
    def is_active(self) -> bool:
        """True when the unit takes patients."""
        return self.status is UnitStatus.ACTIVE

    def notices_valid_at(self, at: datetime) -> tuple[TemporaryNotice, ...]:
        """The notices that apply at ``at``."""
        return tuple(n for n in self.notices if n.is_valid_at(at))
