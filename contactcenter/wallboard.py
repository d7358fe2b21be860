"""The wallboard's read model (väggtavla), assembled where the contexts meet.

The queue context gives the figures per queue and mode
(:class:`queues.wallboard.BoardFigures`), the console service the phase each
nurse on a call is in (:meth:`nurse_console.service.ConsoleService.phases_now`),
and ``wallboard.toml`` the thresholds that turn a figure amber or red per
region. What a viewer gets is cut to their regions here, the same rule as the
rest of the API: their regions' queues, the national queue, and the pools one
of their regions is part of; their regions' nurses; ledger rows touching their
regions. No caller's number is ever part of the wallboard; waiting calls (by
id, for the priority control) are shown to supervisors only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from contactcenter.identity.model import Principal, Role
from contactcenter.wallboard_config import WallboardConfig
from nurse_console.ports import Actor as ConsoleActor
from queues.statistics import Statistics
from queues.wallboard import BoardFigures, day_series, day_start, today_window, week_before

if TYPE_CHECKING:
    from contactcenter.services import Services

__all__ = ["LastWeek", "wallboard"]

SERVICE_LEVEL_SECONDS = 180
_LEVELLED = ("waiting", "longest_wait_seconds", "predicted_wait_seconds", "callbacks_pending")


class LastWeek:
    """The same weekday a week ago, computed once per day (those events no longer change)."""

    def __init__(self) -> None:
        self._day: datetime | None = None
        self._stats = Statistics()

    async def of(self, services: Services, today: datetime) -> tuple[datetime, Statistics]:
        start = week_before(today)
        if self._day != start:
            end = day_start(start + timedelta(hours=26))
            self._stats = await services.queues.interval_statistics(
                start, end, service_level_seconds=SERVICE_LEVEL_SECONDS)
            self._day = start
        return start, self._stats


async def wallboard(services: Services, who: Principal, config: WallboardConfig,
                    pause_reasons: dict[str, str],
                    last_week: LastWeek | None = None) -> dict[str, Any]:
    """Everything the wallboard shows ``who`` now (see the module docstring)."""
    now = services.clock()
    start, end = today_window(now)
    today = await services.queues.interval_statistics(
        start, end, service_level_seconds=SERVICE_LEVEL_SECONDS)
    national = services.settings.queues.national_queue
    names = {code: r.name for code, r in services.settings.regions.items()}
    names[national.id] = national.name
    board = BoardFigures(services.queues.engine, names, national.id, today, now)
    queues = [_levelled(q, config) for q in board.queues() if _sees_row(who, q, national.id)]
    nurses = await _nurses(services, who, pause_reasons)
    counted = [q["id"] for q in queues if q["kind"] in ("region", "national")]
    week_start, week = await (last_week or LastWeek()).of(services, start)
    supervisor = who.has_role(Role.SUPERVISOR)
    return {
        "type": "wallboard",
        "server_time": now.isoformat(),
        "today_since": start.isoformat(),
        "service_level_seconds": SERVICE_LEVEL_SECONDS,
        "queues": queues,
        "modes": [m for m in board.modes() if any(who.can_access_region(r)
                                                   for r in m["regions"])],
        "redirects": [r for r in board.redirects() if who.can_access_region(r["from_region"])
                      or who.can_access_region(r["to_region"])],
        "crisis": board.crisis(),
        "nurses": nurses,
        "ledger": [row for row in board.ledger() if who.can_access_region(row["for_region"])
                   or who.can_access_region(row["by_region"])],
        "waiting_calls": [c for c in board.waiting_calls()
                          if services.queues.call_visible(who, c["region"], c["queue"])]
        if supervisor else [],
        "regions": names,
        "pause_reasons": pause_reasons,
        "charts": {"queues": counted, "today": day_series(today, start, counted),
                   "last_week": day_series(week, week_start, counted)},
        "viewer": {"national": who.can_access_region("*"), "supervisor": supervisor,
                   "regions": sorted(who.regions)},
    }


def _sees_row(who: Principal, row: dict[str, Any], national_id: str) -> bool:
    if row["id"] == national_id:
        return True
    return any(who.can_access_region(r) for r in row["regions"])


def _levelled(row: dict[str, Any], config: WallboardConfig) -> dict[str, Any]:
    """The row with each figure's level (``ok``/``amber``/``red``) by its queue's thresholds."""
    levels = {name: config.level(row["id"], name, row[name]) for name in _LEVELLED}
    for name in ("service_level", "service_level_2"):
        levels[name] = config.level(row["id"], name, row["today"][name])
    return {**row, "levels": levels}


async def _nurses(services: Services, who: Principal,
                  pause_reasons: dict[str, str]) -> list[dict[str, Any]]:
    """The viewer's regions' nurses: state, since when, pause reason in words, and the
    console phase of those on a call."""
    nurses = [n for n in services.queues.nurse_snapshot()
              if who.can_access_region(n["region"])]
    usernames = {n["nurse_id"]: (services.queues.nurse_info(n["nurse_id"]) or {}).get("username")
                 for n in nurses}
    phases: dict[str, dict[str, Any]] = {}
    if services.console is not None:
        actor = ConsoleActor(who.username, who.display_name,
                             frozenset(str(r) for r in who.roles), frozenset(who.regions))
        phases = await services.console.phases_now(actor, [u for u in usernames.values() if u])
    out = []
    for n in nurses:
        raw = n.get("pause_reason") or ""
        code, _, forced = raw.partition("|")
        phase = phases.get(usernames.get(n["nurse_id"]) or "") if n["state"] in (
            "on_call", "wrap_up") else None
        out.append({"nurse_id": n["nurse_id"], "display_name": n["display_name"],
                    "region": n["region"], "state": n["state"], "since": n["since"],
                    "pause_reason": pause_reasons.get(code, code) if code else None,
                    "paused_by_supervisor": forced.startswith("supervisor:"),
                    "phase": phase})
    return out
