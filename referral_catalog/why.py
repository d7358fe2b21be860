"""The "why" of a search hit (varför): Swedish texts for nurses, with a structured form.

Each :class:`Reason` has a stable ``code`` for programs and a ``text`` for the
nurse, e.g. ``Reason("open_until", "öppet till 22:00", at=...)`` or
``Reason("distance", "3,2 km", km=3.2)``. Times are shown in Stockholm time,
relative to the time the nurse searched for ("i dag", "i morgon", a weekday).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from referral_catalog.hours import STOCKHOLM, HoursState
from referral_catalog.model import AgeGroup, NoticeKind

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass(frozen=True, slots=True)
class Reason:
    """One structured reason behind a hit; ``text`` is what the nurse reads."""

    code: str
    """One of: open_24_7, open_until, opens_at, no_opening, closed_notice, closed_holiday,
    deviating_hours, notice, distance, drop_in, age_group."""
    text: str
    at: datetime | None = None
    km: float | None = None


def format_km(km: float) -> str:
    """A distance the Swedish way: ``"3,2 km"``; whole kilometres from 100 km."""
    if km >= 100:
        return f"{km:.0f} km"
    return f"{km:.1f}".replace(".", ",") + " km"


def relative_day(when: datetime, at: datetime) -> str:
    """``"i dag"``, ``"i morgon"``, a weekday within the week, else ``"den 2 jan"``."""
    when_l, at_l = when.astimezone(STOCKHOLM), at.astimezone(STOCKHOLM)
    days = (when_l.date() - at_l.date()).days
    if days == 0:
        return "i dag"
    if days == 1:
        return "i morgon"
    if 1 < days < 7:
        return WEEKDAYS[when_l.weekday()]
    return f"den {when_l.day} {MONTHS[when_l.month - 1]}"


def _clock(when: datetime) -> str:
    return when.astimezone(STOCKHOLM).strftime("%H:%M")


def hours_reasons(state: HoursState, at: datetime, *, regular_mentions_ph: bool) -> list[Reason]:
    """Reasons about opening hours at ``at``: open until, opens at, closed and why."""
    reasons: list[Reason] = []
    notice = state.notice
    if state.open:
        if state.closes_at is None:
            reasons.append(Reason("open_24_7", "öppet dygnet runt"))
        else:
            day = relative_day(state.closes_at, at)
            suffix = "" if day == "i dag" else f" {day}"
            text = f"öppet till {_clock(state.closes_at)}{suffix}"
            reasons.append(Reason("open_until", text, at=state.closes_at))
    else:
        if notice is not None and notice.kind is NoticeKind.CLOSED:
            reasons.append(Reason("closed_notice", "stängt i dag: tillfälligt meddelande"))
        elif state.holiday is not None and regular_mentions_ph:
            reasons.append(Reason("closed_holiday", f"stängt i dag: {state.holiday.lower()}"))
        if state.opens_at is None:
            reasons.append(Reason("no_opening", "ingen öppning de närmaste två veckorna"))
        else:
            text = f"öppnar {_clock(state.opens_at)} {relative_day(state.opens_at, at)}"
            reasons.append(Reason("opens_at", text, at=state.opens_at))
    if notice is not None and notice.kind is NoticeKind.DEVIATING_HOURS:
        reasons.append(Reason("deviating_hours", "avvikande öppettider: tillfälligt meddelande"))
    if notice is not None and notice.text:
        reasons.append(Reason("notice", f"meddelande: {notice.text}"))
    return reasons


def distance_reason(km: float) -> Reason:
    """The distance from the caller, e.g. ``"3,2 km"``."""
    return Reason("distance", format_km(km), km=round(km, 1))


def age_reason(group: AgeGroup) -> Reason:
    """The unit's age limits, e.g. ``"tar emot 13–25 år"``."""
    if group.max_years is None:
        return Reason("age_group", f"tar emot från {group.min_years} år")
    return Reason("age_group", f"tar emot {group.min_years}–{group.max_years} år")


def drop_in_reason() -> Reason:
    """The unit has drop-in (the hours shown are its drop-in hours)."""
    return Reason("drop_in", "drop-in")
