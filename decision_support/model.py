"""The decision-support domain model: guidelines (riktlinjer), criteria, urgency and care types.

Pure domain code: standard library only, no I/O and no clock reads. Times are
passed in by the caller as aware datetimes.

A :class:`Guideline` is one version of one guideline: the editorial workflow
(``draft`` → ``in_review`` → ``approved`` → ``retired``) produces a new
:class:`Guideline` value per version, so anything recorded against a guideline
(an assessment, a deviation) names ``(guideline_id, version)``.

Urgency levels (brådskandegrad) and care types (vårdform) are configuration
(:class:`DecisionSupportConfig`), never enumerations in code: a deployment can
rename, add or reorder them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from enum import StrEnum
from functools import cached_property

from decision_support.patient import ANY_AGE, Age, AgeRange, Sex

__all__ = [
    "ANY_AGE",
    "Age",
    "AgeRange",
    "Assessment",
    "Audience",
    "CareType",
    "ContentSet",
    "Criterion",
    "DecisionSupportConfig",
    "Deviation",
    "DeviationReason",
    "Guideline",
    "GuidelineStatus",
    "NurseDecision",
    "OfficeHours",
    "Reference",
    "RegionalOverlay",
    "SearchTerms",
    "Sex",
    "UrgencyBlock",
    "UrgencyLevel",
]


class GuidelineStatus(StrEnum):
    """Editorial status of a guideline version (status): utkast, granskas, godkänd, utgången."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETIRED = "retired"

    def can_become(self, other: GuidelineStatus) -> bool:
        """Whether the editorial workflow allows moving from this status to ``other``."""
        return other in _STATUS_FLOW[self]


_STATUS_FLOW: dict[GuidelineStatus, frozenset[GuidelineStatus]] = {
    GuidelineStatus.DRAFT: frozenset({GuidelineStatus.IN_REVIEW, GuidelineStatus.RETIRED}),
    GuidelineStatus.IN_REVIEW: frozenset(
        {GuidelineStatus.DRAFT, GuidelineStatus.APPROVED, GuidelineStatus.RETIRED}
    ),
    GuidelineStatus.APPROVED: frozenset({GuidelineStatus.RETIRED}),
    GuidelineStatus.RETIRED: frozenset(),
}


class Audience(StrEnum):
    """Who a guideline is written for (målgrupp): vuxen, barn or båda."""

    ADULT = "adult"
    CHILD = "child"
    BOTH = "both"

    def includes(self, other: Audience) -> bool:
        """Whether a guideline for this audience serves a patient of audience ``other``."""
        return self is Audience.BOTH or other is Audience.BOTH or self is other


@dataclass(frozen=True)
class UrgencyLevel:
    """One configured urgency level (brådskandegrad); ``rank`` 1 is the most urgent."""

    code: str
    name: str
    rank: int
    description: str = ""


@dataclass(frozen=True)
class CareType:
    """One configured care type nurses refer to (vårdform / vårdnivå), e.g. vårdcentral."""

    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class DeviationReason:
    """One configured coded reason (avvikelseorsak) for deviating from a recommendation."""

    code: str
    name: str


@dataclass(frozen=True)
class OfficeHours:
    """When ordinary care (e.g. vårdcentral) is open (kontorstid), for out-of-hours referral."""

    timezone: tzinfo
    opens: time
    closes: time
    weekdays: frozenset[int]  # ISO weekdays, 1 = Monday

    def is_open(self, at: datetime) -> bool:
        """Whether the aware time ``at`` falls within office hours (public holidays not modelled)."""
        local = at.astimezone(self.timezone)
        return local.isoweekday() in self.weekdays and self.opens <= local.time() < self.closes


@dataclass(frozen=True)
class DecisionSupportConfig:
    """Configured urgency levels, care types, deviation reasons and office hours."""

    urgency_levels: tuple[UrgencyLevel, ...]
    care_types: tuple[CareType, ...]
    deviation_reasons: tuple[DeviationReason, ...]
    office_hours: OfficeHours | None = None

    def urgency(self, code: str) -> UrgencyLevel:
        """The urgency level with this code (KeyError if not configured)."""
        return self._urgency_by_code[code]

    def care_type(self, code: str) -> CareType:
        """The care type with this code (KeyError if not configured)."""
        return self._care_by_code[code]

    def deviation_reason(self, code: str) -> DeviationReason:
        """The deviation reason with this code (KeyError if not configured)."""
        return self._reason_by_code[code]

    @cached_property
    def _urgency_by_code(self) -> Mapping[str, UrgencyLevel]:
        return {u.code: u for u in self.urgency_levels}

    @cached_property
    def _care_by_code(self) -> Mapping[str, CareType]:
        return {c.code: c for c in self.care_types}

    @cached_property
    def _reason_by_code(self) -> Mapping[str, DeviationReason]:
        return {r.code: r for r in self.deviation_reasons}


@dataclass(frozen=True)
class Criterion:
    """One criterion (kriterium) the nurse can tick; it points to an urgency level.

    ``ages`` and ``sex`` are conditions: a criterion whose conditions do not hold
    for the patient cannot be ticked.
    """

    id: str
    text: str
    urgency: str
    ages: AgeRange = ANY_AGE
    sex: Sex | None = None

    def applies_to(self, age: Age, sex: Sex | None) -> str | None:
        """``None`` if the criterion applies to this patient, else the reason (Swedish) why not."""
        if not self.ages.contains(age):
            return f"gäller endast {self.ages.describe()}; patienten är {age.describe()}"
        if self.sex is not None:
            if sex is None:
                return f"gäller endast kön {self.sex.value}; patientens kön är inte angivet"
            if sex is not self.sex:
                return f"gäller endast kön {self.sex.value}; patienten är {sex.value}"
        return None


@dataclass(frozen=True)
class UrgencyBlock:
    """One urgency level's criteria in a guideline and the care types recommended for it.

    ``out_of_hours_care_types``, when given, replace ``care_types`` outside the
    configured office hours (e.g. jourmottagning instead of vårdcentral).
    """

    urgency: str
    criteria: tuple[Criterion, ...]
    care_types: tuple[str, ...]
    out_of_hours_care_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchTerms:
    """Words a nurse may search with (sökord), by kind; all feed the search index."""

    symptoms: tuple[str, ...] = ()
    body_parts: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    lay_terms: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A source the guideline is based on (referens)."""

    title: str
    publisher: str = ""
    url: str = ""


@dataclass(frozen=True)
class ContentSet:
    """A named set of guideline content (innehållspaket), from a directory's manifest.

    ``is_sample`` marks content that is not approved for clinical use; UIs must
    show ``notice`` wherever such content is shown.
    """

    id: str
    name: str
    publisher: str
    licence: str
    is_sample: bool
    notice: str = ""


@dataclass(frozen=True)
class Guideline:
    """One version of one guideline (riktlinje / rådgivningsstöd)."""

    id: str
    title: str
    version: str
    status: GuidelineStatus
    audience: Audience
    ages: AgeRange
    search_terms: SearchTerms
    levels: tuple[UrgencyBlock, ...]
    self_care: tuple[str, ...]
    safety_net: tuple[str, ...]
    references: tuple[Reference, ...]
    content_set: str
    sample_notice: str = ""
    summary: str = ""
    region: str | None = None
    regional_notes: tuple[str, ...] = ()
    overridden_urgencies: tuple[str, ...] = field(default=())

    @property
    def is_sample(self) -> bool:
        """Whether this is sample content that must carry a visible notice."""
        return bool(self.sample_notice)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria, most urgent block first as written in the content file."""
        return tuple(c for block in self.levels for c in block.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        """The criterion with this id, or ``None``."""
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def block(self, urgency: str) -> UrgencyBlock | None:
        """The urgency block for this urgency code, or ``None``."""
        return next((b for b in self.levels if b.urgency == urgency), None)


@dataclass(frozen=True)
class RegionalOverlay:
    """A region's additions to a national guideline (regionala tillägg), never a copy of it.

    ``care_overrides`` replaces the recommended care types for the named urgency
    codes (local referral practice); ``notes`` are shown next to the national text.
    """

    region: str
    guideline_id: str
    notes: tuple[str, ...] = ()
    care_overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """The outcome of working through a guideline (bedömning): urgency and recommended care."""

    guideline_id: str
    guideline_version: str
    urgency: UrgencyLevel
    care_types: tuple[str, ...]
    decisive_criteria: tuple[str, ...]
    ticked_criteria: tuple[str, ...]
    self_care: tuple[str, ...]
    safety_net: tuple[str, ...]
    regional_notes: tuple[str, ...]
    assessed_at: datetime
    sample_notice: str = ""
    out_of_hours: bool = False


@dataclass(frozen=True)
class Deviation:
    """Why a nurse's choice differs from the recommendation (avvikelse): coded reason and text."""

    reason_code: str
    text: str


@dataclass(frozen=True)
class NurseDecision:
    """The nurse's final choice after an assessment (sjuksköterskans beslut)."""

    assessment: Assessment
    urgency: str
    care_type: str
    deviation: Deviation | None
    decided_at: datetime

    @property
    def deviates(self) -> bool:
        """Whether the choice differs from the assessment's recommendation."""
        return (
            self.urgency != self.assessment.urgency.code
            or self.care_type not in self.assessment.care_types
        )
