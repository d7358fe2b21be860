"""Assessment (bedömning) and the nurse's decision: pure functions over the model.

* :func:`assess` — from a guideline, the ticked criteria, the patient's age and
  sex and the time, the resulting urgency (the most urgent ticked level wins),
  the recommended care types (a level's out-of-hours care types apply outside
  the configured office hours), self-care and safety-net advice. Criteria whose
  age or sex conditions do not hold are rejected, all at once, with reasons.
* :func:`decide` — the nurse's final urgency and care type. A choice that
  deviates from the recommendation needs a configured reason code and a text
  (avvikelse med orsakskod och fritext).
* :func:`aggregate_deviations` — deviations counted per (guideline id, version),
  for the medical board's follow-up; persistence comes later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from decision_support.errors import (
    AssessmentError,
    CriterionNotApplicable,
    InvalidDeviation,
    NoCriteriaTicked,
    UnknownCriterion,
)
from decision_support.model import (
    Age,
    Assessment,
    Criterion,
    DecisionSupportConfig,
    Deviation,
    Guideline,
    NurseDecision,
    Sex,
)

__all__ = [
    "MIN_DEVIATION_TEXT",
    "DeviationSummary",
    "aggregate_deviations",
    "applicable_criteria",
    "assess",
    "decide",
]

#: A deviation's free text must say at least this much (characters, trimmed).
MIN_DEVIATION_TEXT = 5


def _require_aware(at: datetime, what: str) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise AssessmentError(f"{what} must be an aware datetime (with time zone), got {at!r}")


def applicable_criteria(guideline: Guideline, age: Age, sex: Sex | None) -> tuple[Criterion, ...]:
    """The criteria a nurse may tick for this patient (the UI hides or greys out the rest)."""
    return tuple(c for c in guideline.criteria if c.applies_to(age, sex) is None)


def assess(
    guideline: Guideline,
    ticked: Iterable[str],
    *,
    age: Age,
    sex: Sex | None,
    at: datetime,
    config: DecisionSupportConfig,
) -> Assessment:
    """Assess a patient against a guideline from the ticked criterion ids.

    Raises :class:`NoCriteriaTicked`, :class:`UnknownCriterion` (ids not in
    the guideline) or :class:`CriterionNotApplicable` (age/sex conditions
    that do not hold, with a reason per criterion).
    """
    _require_aware(at, "the assessment time")
    ids = list(dict.fromkeys(ticked))
    if not ids:
        raise NoCriteriaTicked(guideline.id)
    unknown = [cid for cid in ids if guideline.criterion(cid) is None]
    if unknown:
        raise UnknownCriterion(guideline.id, unknown)
    criteria = [c for cid in ids if (c := guideline.criterion(cid)) is not None]
    rejected = {c.id: why for c in criteria if (why := c.applies_to(age, sex)) is not None}
    if rejected:
        raise CriterionNotApplicable(guideline.id, rejected)
    winner = min((config.urgency(c.urgency) for c in criteria), key=lambda u: u.rank)
    block = guideline.block(winner.code)
    assert block is not None  # every criterion belongs to a block of its urgency
    hours = config.office_hours
    out_of_hours = hours is not None and not hours.is_open(at)
    care = block.out_of_hours_care_types if out_of_hours and block.out_of_hours_care_types else ()
    return Assessment(
        guideline_id=guideline.id,
        guideline_version=guideline.version,
        urgency=winner,
        care_types=care or block.care_types,
        decisive_criteria=tuple(c.id for c in criteria if c.urgency == winner.code),
        ticked_criteria=tuple(ids),
        self_care=guideline.self_care,
        safety_net=guideline.safety_net,
        regional_notes=guideline.regional_notes,
        assessed_at=at,
        sample_notice=guideline.sample_notice,
        out_of_hours=out_of_hours,
    )


def decide(
    assessment: Assessment,
    *,
    urgency: str,
    care_type: str,
    deviation: Deviation | None,
    at: datetime,
    config: DecisionSupportConfig,
) -> NurseDecision:
    """Record the nurse's choice; a deviating choice needs a coded reason and a text.

    Raises :class:`InvalidDeviation` when a deviation lacks a configured reason
    code or a meaningful text, or when a reason is given for a choice that
    follows the recommendation; :class:`AssessmentError` for unknown codes.
    """
    _require_aware(at, "the decision time")
    try:
        config.urgency(urgency)
    except KeyError:
        raise AssessmentError(f"{urgency!r} is not a configured urgency level") from None
    try:
        config.care_type(care_type)
    except KeyError:
        raise AssessmentError(f"{care_type!r} is not a configured care type") from None
    decision = NurseDecision(assessment, urgency, care_type, deviation, at)
    if not decision.deviates:
        if deviation is not None:
            raise InvalidDeviation("the choice follows the recommendation; no deviation to record")
        return decision
    if deviation is None:
        recommended = ", ".join(assessment.care_types)
        raise InvalidDeviation(
            f"choosing {urgency}/{care_type} deviates from the recommendation "
            f"{assessment.urgency.code}/{recommended}: give a reason code and a text"
        )
    codes = {r.code for r in config.deviation_reasons}
    if deviation.reason_code not in codes:
        raise InvalidDeviation(
            f"{deviation.reason_code!r} is not a configured deviation reason "
            f"({', '.join(sorted(codes))})"
        )
    if len(deviation.text.strip()) < MIN_DEVIATION_TEXT:
        raise InvalidDeviation(
            f"the deviation needs a text of at least {MIN_DEVIATION_TEXT} characters "
            "saying why (fritext)"
        )
    return decision


@dataclass(frozen=True)
class DeviationSummary:
    """Deviations for one guideline version: how many decisions, how many deviated, why."""

    guideline_id: str
    guideline_version: str
    decisions: int
    deviations: int
    by_reason: Mapping[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Share of decisions that deviated (0.0 when there were none)."""
        return self.deviations / self.decisions if self.decisions else 0.0


def aggregate_deviations(
    decisions: Iterable[NurseDecision],
) -> dict[tuple[str, str], DeviationSummary]:
    """Count decisions and deviations (by reason code) per (guideline id, version)."""
    totals: Counter[tuple[str, str]] = Counter()
    deviated: Counter[tuple[str, str]] = Counter()
    reasons: dict[tuple[str, str], Counter[str]] = {}
    for d in decisions:
        key = (d.assessment.guideline_id, d.assessment.guideline_version)
        totals[key] += 1
        if d.deviates and d.deviation is not None:
            deviated[key] += 1
            reasons.setdefault(key, Counter())[d.deviation.reason_code] += 1
    return {
        key: DeviationSummary(
            key[0], key[1], totals[key], deviated[key], dict(sorted(reasons.get(key, {}).items()))
        )
        for key in sorted(totals)
    }
