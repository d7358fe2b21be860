"""Opening hours (öppettider): open at a time, closes at, next opening, holidays.

Expressions use OpenStreetMap ``opening_hours`` syntax and are evaluated by
``opening-hours-py`` in Europe/Stockholm with the Swedish holiday calendar, so
``PH`` covers the public holidays and the de-facto ones that close Swedish
clinics: midsommarafton, julafton and nyårsafton. Holiday *names* (for the
nurse's "why" texts) come from the ``holidays`` package with the same days.

Temporary notices override the regular hours while valid: a closure removes
the open time inside its validity period, deviating hours replace it.

All evaluation works on a :class:`Timeline`: the open intervals over a horizon
as UTC epoch seconds, so a query is a binary search and summer-time switches
are handled once, by the library, when the timeline is made.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as _holidays
import opening_hours as _oh

from referral_catalog.errors import InvalidOpeningHours, InvalidQuery
from referral_catalog.model import CareUnit, NoticeKind, PhoneNumber, TemporaryNotice

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_HORIZON = timedelta(days=14)
_COUNTRY = "SE"

Interval = tuple[float, float]
# The library raises ParserError (a SyntaxError subclass in some versions; not in its stubs).
_PARSER_ERROR: type[Exception] = getattr(_oh, "ParserError", SyntaxError)


@lru_cache(maxsize=4096)
def compile_hours(expression: str) -> _oh.OpeningHours:
    """Parse an ``opening_hours`` expression for Sweden; raises :class:`InvalidOpeningHours`."""
    try:
        return _oh.OpeningHours(expression, timezone=STOCKHOLM, country=_COUNTRY)
    except (_PARSER_ERROR, SyntaxError, ValueError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else "does not parse"
        raise InvalidOpeningHours("opening_hours", expression, problem) from None


def opening_hours_problem(expression: str) -> str | None:
    """What is wrong with ``expression``, or ``None`` when it parses."""
    if not expression.strip():
        return "is empty"
    try:
        compile_hours(expression)
    except InvalidOpeningHours as exc:
        return exc.problem
    return None


def to_local(at: datetime) -> datetime:
    """``at`` in Europe/Stockholm; naive times are refused (time is always explicit)."""
    if at.tzinfo is None:
        raise InvalidQuery("times must carry a time zone (naive datetime given)")
    return at.astimezone(STOCKHOLM)


@lru_cache(maxsize=16384)
def _regular_intervals(expression: str, start: float, end: float) -> tuple[Interval, ...]:
    hours = compile_hours(expression)
    lo = datetime.fromtimestamp(start, STOCKHOLM)
    hi = datetime.fromtimestamp(end, STOCKHOLM)
    return tuple(
        (a.timestamp(), b.timestamp())
        for a, b, state, _comment in hours.intervals(lo, hi)
        if state == _oh.State.OPEN and b > a
    )


def open_intervals(
    expression: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The open intervals of ``expression`` within ``[start, end)``, in Stockholm time."""
    spans = _regular_intervals(expression, to_local(start).timestamp(), to_local(end).timestamp())
    return [
        (datetime.fromtimestamp(a, STOCKHOLM), datetime.fromtimestamp(b, STOCKHOLM))
        for a, b in spans
    ]


def _whole_days(start: datetime, end: datetime) -> tuple[float, float]:
    """``[start, end)`` widened to Stockholm midnights.

    The library is asked from a midnight only: started inside the repeated hour
    of the autumn switch it loses that hour, and whole days also share the cache.
    """
    lo = to_local(start).replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
    hi_local = to_local(end)
    hi = hi_local.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
    if hi < hi_local:
        hi = (hi + timedelta(days=1, hours=3)).replace(hour=0)
    return lo.timestamp(), hi.timestamp()


def _clip(spans: Iterable[Interval], lo: float, hi: float) -> list[Interval]:
    return [(max(a, lo), min(b, hi)) for a, b in spans if b > lo and a < hi]


def _subtract(spans: Sequence[Interval], cut: Interval) -> list[Interval]:
    lo, hi = cut
    out: list[Interval] = []
    for a, b in spans:
        if b <= lo or a >= hi:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo))
        if b > hi:
            out.append((hi, b))
    return out


def _merge(spans: Iterable[Interval]) -> tuple[Interval, ...]:
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Open intervals over ``[start, end)`` as sorted, disjoint UTC epoch seconds."""

    start: float
    end: float
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    notices: tuple[TemporaryNotice, ...] = ()
    """The notices that change hours somewhere inside the horizon."""

    def covers(self, ts: float, margin: float = 0.0) -> bool:
        """True when ``ts`` (and ``margin`` seconds after it) lies inside the horizon."""
        return self.start <= ts and ts + margin < self.end

    def state_at(self, ts: float) -> tuple[bool, float | None, float | None]:
        """``(open, closes_at, opens_at)`` at ``ts``; ``None`` means beyond the horizon."""
        i = bisect.bisect_right(self.starts, ts) - 1
        if i >= 0 and ts < self.ends[i]:
            closes = self.ends[i]
            return True, (None if closes >= self.end else closes), None
        nxt = i + 1
        return False, None, (self.starts[nxt] if nxt < len(self.starts) else None)


def build_timeline(
    expression: str,
    start: datetime,
    end: datetime,
    notices: Sequence[TemporaryNotice] = (),
) -> Timeline:
    """The open intervals of ``expression`` over ``[start, end)`` with ``notices`` applied."""
    lo, hi = to_local(start).timestamp(), to_local(end).timestamp()
    spans = _clip(_regular_intervals(expression, *_whole_days(start, end)), lo, hi)
    applied: list[TemporaryNotice] = []
    for notice in notices:
        if not notice.overrides_hours:
            continue
        cut = (max(lo, notice.valid_from.timestamp()), min(hi, notice.valid_until.timestamp()))
        if cut[1] <= cut[0]:
            continue
        applied.append(notice)
        spans = _subtract(spans, cut)
        if notice.kind is NoticeKind.DEVIATING_HOURS and notice.opening_hours is not None:
            days = _whole_days(notice.valid_from, notice.valid_until)
            spans.extend(_clip(_regular_intervals(notice.opening_hours, *days), *cut))
    merged = _merge(spans)
    return Timeline(
        start=lo,
        end=hi,
        starts=tuple(a for a, _ in merged),
        ends=tuple(b for _, b in merged),
        notices=tuple(applied),
    )


@dataclass(frozen=True, slots=True)
class HoursState:
    """Whether a unit is open at a time and what changes next.

    ``closes_at`` is ``None`` while open when no closing falls inside the
    horizon (24/7); ``opens_at`` is ``None`` while closed when no opening does.
    ``notice`` is the temporary notice that governs the hours at that time.
    """

    open: bool
    closes_at: datetime | None
    opens_at: datetime | None
    notice: TemporaryNotice | None = None
    holiday: str | None = None


def governing_notice(notices: Iterable[TemporaryNotice], at: datetime) -> TemporaryNotice | None:
    """The notice valid at ``at`` that matters most: one changing the hours, else information."""
    valid = [n for n in notices if n.is_valid_at(at)]
    return next((n for n in valid if n.overrides_hours), valid[0] if valid else None)


def state_from_timeline(
    timeline: Timeline, at: datetime, notices: Iterable[TemporaryNotice] | None = None
) -> HoursState:
    """Evaluate a prepared timeline at ``at`` (which must lie inside its horizon).

    ``notices`` (default: those the timeline applied) name the governing notice.
    """
    local = to_local(at)
    ts = local.timestamp()
    if not timeline.covers(ts):
        raise InvalidQuery(f"{local.isoformat()} is outside the prepared horizon")
    is_open, closes, opens = timeline.state_at(ts)
    notice = governing_notice(timeline.notices if notices is None else notices, local)
    return HoursState(
        open=is_open,
        closes_at=None if closes is None else datetime.fromtimestamp(closes, STOCKHOLM),
        opens_at=None if opens is None else datetime.fromtimestamp(opens, STOCKHOLM),
        notice=notice,
        holiday=holiday_name(local.date()),
    )


def unit_hours_state(
    unit: CareUnit,
    at: datetime,
    *,
    drop_in: bool = False,
    horizon: timedelta = DEFAULT_HORIZON,
) -> HoursState:
    """Is ``unit`` open at ``at`` (or its drop-in, with ``drop_in``), and until/from when.

    Temporary notices valid at the time override the regular hours.
    """
    expression = unit.drop_in_hours if drop_in else unit.opening_hours
    if expression is None:
        return HoursState(open=False, closes_at=None, opens_at=None)
    local = to_local(at)
    timeline = build_timeline(expression, local, local + horizon, unit.notices)
    return state_from_timeline(timeline, local, unit.notices)


def phone_hours_state(
    unit: CareUnit, phone: PhoneNumber, at: datetime, *, horizon: timedelta = DEFAULT_HORIZON
) -> HoursState:
    """Does ``phone`` answer at ``at`` (telefontid)?

    A phone without its own hours follows the unit's opening hours, notices
    included; phone hours of their own are not changed by the unit's notices.
    """
    if phone.hours is None:
        return unit_hours_state(unit, at, horizon=horizon)
    local = to_local(at)
    timeline = build_timeline(phone.hours, local, local + horizon)
    return state_from_timeline(timeline, local, ())


def is_open(unit: CareUnit, at: datetime) -> bool:
    """True when ``unit`` is open at ``at`` (notices applied)."""
    return unit_hours_state(unit, at).open


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> dict[date, str]:
    calendar = _holidays.country_holidays(
        _COUNTRY, years=year, categories=("public", "de_facto"), language="sv"
    )
    return {d: name for d, name in calendar.items() if d.year == year}


def holiday_name(day: date) -> str | None:
    """The Swedish name of the public or de-facto holiday on ``day`` (e.g. "Midsommarafton")."""
    return _holidays_of(day.year).get(day)
