"""The queue context's part of the wallboard (väggtavla): figures per queue and mode, now.

One row per queue a supervisor watches: each region's queue, the national
queue, and the collaboration modes that pool regions — the national common
queue (nationell samverkanskö) and each night pool (nattsamverkan). A mode's
row adds up the queues of the regions it spans, and says whether it is open,
and whether a supervisor forced that or it follows its schedule.

Today's and this interval's figures come from :func:`queues.statistics.compute`
over the stored events, so they survive a restart; waiting, longest wait,
predicted wait and pending callbacks come from the engine as it is now. Only
figures: no caller's number is part of anything here.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from queues.engine import Engine
from queues.index import CallEntry
from queues.statistics import IntervalStats, Statistics, interval_start

__all__ = ["BoardFigures", "day_series", "day_start", "figures", "today_window", "week_before"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s day in Sweden, as a UTC time: where "today" begins on the
    wallboard. (In UTC because the stored events are compared in UTC: a Swedish-time
    bound was read as UTC and lost the first hour or two of the Swedish day.)"""
    local = now.astimezone(STOCKHOLM)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


class BoardFigures:
    """The queue rows, modes, redirects and crisis state at ``now`` (plain dicts)."""

    def __init__(self, engine: Engine, names: dict[str, str], national_id: str,
                 today: Statistics, now: datetime) -> None:
        self._engine = engine
        self._names = names
        self._national = national_id
        self._now = now
        self._interval = interval_start(now)
        self._today = today
        waiting: dict[str, list[CallEntry]] = {}
        for entry in engine.calls.entries.values():
            if entry.status in ("waiting", "offered", "parked"):
                waiting.setdefault(entry.lane, []).append(entry)
        self._waiting = waiting

    def _stats(self, queues: list[str], *, interval: bool) -> IntervalStats:
        out = IntervalStats()
        for (start, queue), stats in self._today.queues.items():
            if queue in queues and (not interval or start == self._interval):
                out.add(stats)
        return out

    def _row(self, row_id: str, kind: str, name: str, lanes: list[str]) -> dict[str, Any]:
        entries = [e for lane in lanes for e in self._waiting.get(lane, [])]
        calling = [e for e in entries if not e.callback]
        oldest = min((e.arrived_at for e in calling), default=None)
        predicted = [p for lane in lanes
                     if (p := self._engine.predicted_wait(lane)) is not None]
        return {
            "id": row_id, "kind": kind, "name": name, "regions": lanes,
            "waiting": len(calling),
            "longest_wait_seconds": None if oldest is None
            else round((self._now - oldest).total_seconds()),
            "predicted_wait_seconds": round(max(predicted)) if predicted else None,
            "callbacks_pending": sum(1 for e in entries if e.callback),
            "today": _figures(self._stats(lanes, interval=False)),
            "interval": _figures(self._stats(lanes, interval=True)),
        }

    def queues(self) -> list[dict[str, Any]]:
        """Each region's queue, then the national queue, the common queue and night pools."""
        rows = [self._row(code, "region", name, [code]) for code, name in self._names.items()
                if code != self._national]
        rows.append(self._row(self._national, "national", self._names[self._national],
                              [self._national]))
        config = self._engine.config
        if config.common is not None:
            rows.append({**self._row(config.common.id, "common", "Nationell samverkanskö",
                                     sorted(config.common.regions)),
                         "open": self._engine.rules.is_open(config.common.id)})
        for pool in config.night_pools:
            name = f"Nattsamverkan ({self._names.get(pool.answering_region, '')})"
            rows.append({**self._row(pool.id, "night_pool", name, sorted(pool.regions)),
                         "open": self._engine.rules.is_open(pool.id),
                         "answering_region": pool.answering_region})
        return rows

    def modes(self) -> list[dict[str, Any]]:
        """Every collaboration mode: open or not, and forced or by schedule."""
        rules = self._engine.rules
        config = self._engine.config
        out = []
        if config.common is not None:
            out.append(("common", config.common.id, sorted(config.common.regions)))
        out += [("night_pool", p.id, sorted(p.regions)) for p in config.night_pools]
        out += [("overflow", r.id, sorted(r.regions)) for r in config.overflow]
        return [{"id": mode_id, "kind": kind, "regions": regions,
                 "open": rules.is_open(mode_id) if mode_id in rules.schedules
                 else bool(rules.forced.get(mode_id)),
                 "forced": {True: "open", False: "closed"}.get(rules.forced.get(mode_id),
                                                               "schedule")}
                for kind, mode_id, regions in out]

    def redirects(self) -> list[dict[str, Any]]:
        rules = self._engine.rules
        return [{"id": r.id, "from_region": r.from_region, "to_region": r.to_region,
                 "start": r.start.isoformat(), "end": r.end.isoformat(),
                 "active": r.id in rules.active_redirects}
                for r in sorted(rules.redirects.values(), key=lambda r: r.start)]

    def crisis(self) -> dict[str, Any]:
        rules = self._engine.rules
        return {"national": rules.crisis_national, "regions": sorted(rules.crisis_regions)}

    def waiting_calls(self) -> list[dict[str, Any]]:
        """Waiting calls (no numbers): id, region, queue, priority, waited (for controls)."""
        out = [{"call_id": e.call_id, "region": e.origin_region, "queue": e.lane,
                "priority": e.priority, "callback": e.callback,
                "waited_seconds": round((self._now - e.arrived_at).total_seconds())}
               for entries in self._waiting.values() for e in entries if e.status == "waiting"]
        return sorted(out, key=lambda c: -c["waited_seconds"])

    def ledger(self) -> list[dict[str, Any]]:
        """Today's calls answered for one region by another's nurses (samverkanskonto)."""
        return [{"for_region": f, "by_region": b, "answered": n}
                for (f, b), n in sorted(self._today.ledger_totals().items())]


def figures(stats: IntervalStats) -> dict[str, Any]:
    """Offered, answered, abandoned, service level and SL2 of a stretch of time."""
    return _figures(stats)


def _figures(stats: IntervalStats) -> dict[str, Any]:
    return {"offered": stats.offered, "answered": stats.answered,
            "abandoned": stats.abandoned, "short_abandoned": stats.short_abandoned,
            "service_level": stats.service_level, "service_level_2": stats.service_level_2}


def today_window(now: datetime) -> tuple[datetime, datetime]:
    """Today so far: from midnight in Sweden to ``now`` (what the board's "today" covers)."""
    start = day_start(now)
    return start, max(now, start + timedelta(seconds=1))


def day_series(stats: Statistics, start: datetime, queues: list[str]) -> dict[str, list[Any]]:
    """Per 15-minute interval of the day beginning at ``start`` (local midnight; 92 to 100
    intervals as daylight saving time comes and goes): offered, answered, SL and SL2, summed
    over ``queues``. For the wallboard's charts."""
    end = day_start(start + timedelta(hours=26))
    slots: list[datetime] = []
    at = start.astimezone(UTC)
    while at < end:
        slots.append(at)
        at += timedelta(minutes=15)
    sums = {slot: IntervalStats() for slot in slots}
    for (slot, queue), figures_of in stats.queues.items():
        if queue in queues and slot in sums:
            sums[slot].add(figures_of)
    return {"start": [s.isoformat() for s in slots],
            "offered": [sums[s].offered for s in slots],
            "answered": [sums[s].answered for s in slots],
            "service_level": [sums[s].service_level for s in slots],
            "service_level_2": [sums[s].service_level_2 for s in slots]}


def week_before(start: datetime) -> datetime:
    """Local midnight of the same weekday a week before the day beginning at ``start``, as
    a UTC time (as :func:`day_start`)."""
    day = start.astimezone(STOCKHOLM).date() - timedelta(days=7)
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)
