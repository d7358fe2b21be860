"""The shift briefing (genomgång inför passet): at the nurse's first console view of a
shift, the guideline changes published since her last shift, to be acknowledged.

A shift begins when the nurse comes to the console after ``shift_gap`` without being at
it (``shift_gap_hours`` in ``config/console.toml``, default 8). Her last presence, the
shift's start and whether she acknowledged its briefing are stored
(:class:`nurse_console.bulletin_sql.ShiftStore`); the changes come from decision support
through :class:`GuidelineChanges`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from nurse_console.ports import Actor

log = logging.getLogger(__name__)

FIRST_SHIFT_LOOKBACK = timedelta(days=7)
"""How far back the very first briefing of a nurse reaches (no earlier shift is known)."""
TOUCH_EVERY = timedelta(minutes=1)
"""How often the nurse's presence is written while she is at the console."""


@dataclass(frozen=True)
class Shift:
    """The nurse's current shift: when it began, what its briefing covers from, when she
    was last at the console, and when she acknowledged the briefing (None: not yet)."""

    username: str
    started_at: datetime
    changes_since: datetime
    last_seen_at: datetime
    briefed_at: datetime | None = None


class ShiftStore(Protocol):
    """Where each nurse's current shift is kept."""

    async def get(self, username: str) -> Shift | None: ...

    async def put(self, shift: Shift) -> None:
        """Insert or replace the nurse's shift."""
        ...


class GuidelineChanges(Protocol):
    """Decision support's "changes since" feed."""

    async def changed_since(self, since: datetime) -> list[dict[str, Any]]:
        """Guideline versions published since ``since``: ``guideline_id``, ``title``,
        ``old_version``, ``new_version``, ``published_at``, ``summary``, ``lines``."""
        ...


class ShiftBriefing:
    """Shifts and their briefings (see the module). ``generation`` moves when a briefing
    is acknowledged, so the console's push looks again; ``on_change`` is told at once."""

    def __init__(self, store: ShiftStore, changes: GuidelineChanges,
                 clock: Callable[[], datetime], *, shift_gap: timedelta = timedelta(hours=8),
                 on_change: Callable[[], None] | None = None) -> None:
        self._store = store
        self._changes = changes
        self._clock = clock
        self._gap = shift_gap
        self._on_change = on_change or (lambda: None)
        self._shifts: dict[str, Shift] = {}
        self._feed: dict[datetime, tuple[datetime, list[dict[str, Any]]]] = {}
        self.generation = 0

    async def current(self, actor: Actor) -> Shift:
        """The nurse's shift now: a new one when she was away ``shift_gap`` or more."""
        now = self._clock()
        shift = self._shifts.get(actor.username)
        if shift is None or now - shift.last_seen_at >= TOUCH_EVERY:
            # read again once a minute: another instance may have begun or briefed it
            shift = await self._store.get(actor.username)
        if shift is None or now - shift.last_seen_at >= self._gap:
            since = shift.last_seen_at if shift else now - FIRST_SHIFT_LOOKBACK
            shift = Shift(actor.username, now, since, now)
            await self._store.put(shift)
            log.info("shift of %s begins (briefing since %s)", actor.username,
                     since.isoformat())
        elif now - shift.last_seen_at >= TOUCH_EVERY:
            shift = replace(shift, last_seen_at=now)
            await self._store.put(shift)
        self._shifts[actor.username] = shift
        return shift

    async def briefing(self, actor: Actor) -> dict[str, Any] | None:
        """The briefing to show: since when, and the guideline changes published since
        then (None: acknowledged this shift, or nothing has changed)."""
        shift = await self.current(actor)
        if shift.briefed_at is not None:
            return None
        changes = await self._changed_since(shift.changes_since)
        if not changes:
            return None
        return {"shift_started_at": shift.started_at.isoformat(),
                "since": shift.changes_since.isoformat(), "changes": changes}

    async def _changed_since(self, since: datetime) -> list[dict[str, Any]]:
        # Asked on every view the nurse is sent while her briefing is open: read the feed
        # again once a minute, not on every push.
        now = self._clock()
        cached = self._feed.get(since)
        if cached is None or now - cached[0] >= TOUCH_EVERY:
            cached = (now, await self._changes.changed_since(since))
            self._feed = {since: cached, **{k: v for k, v in self._feed.items()
                                            if now - v[0] < TOUCH_EVERY}}
        return cached[1]

    async def acknowledge(self, actor: Actor) -> None:
        """The nurse has taken in this shift's briefing; stored and logged."""
        shift = replace(await self.current(actor), briefed_at=self._clock())
        await self._store.put(shift)
        self._shifts[actor.username] = shift
        log.info("shift briefing acknowledged by %s", actor.username)
        self.generation += 1
        self._on_change()
