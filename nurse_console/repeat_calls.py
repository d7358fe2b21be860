"""Repeat callers (återkommande samtal): earlier calls from the same number or person."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from nurse_console.model import CallWork
from nurse_console.ports import Desk
from nurse_console.sql import WorkStore


async def repeat_calls(store: WorkStore, desk: Desk, work: CallWork, window: timedelta
                       ) -> list[dict[str, Any]]:
    """Earlier calls from the same number or about the same person within ``window``,
    newest first: their urgency, referral and outcome (shown before hello)."""
    since = datetime.fromisoformat(work.offered_at) - window
    person = work.draft.person_number or work.facts.identity
    earlier = await store.earlier(work.facts.number, person, since, work.call_id)
    out = [{"call_id": w.call_id, "at": w.offered_at, "urgency": w.urgency,
            "care_type": w.given_care_type,
            "referral": w.referral.unit_name if w.referral else None,
            "outcome": "signerad" if w.signed else w.status.value,
            "same": "person" if person and w.draft.person_number == person else "number"}
           for w in earlier]
    known = {w.call_id for w in earlier}
    if work.facts.number:
        for c in await desk.earlier_calls(work.facts.number, since, work.call_id):
            if c["call_id"] not in known:
                out.append({"call_id": c["call_id"], "at": c["arrived_at"], "urgency": None,
                            "care_type": None, "referral": None, "outcome": c["state"],
                            "same": "number"})
    return sorted(out, key=lambda c: c["at"] or "", reverse=True)[:5]


class RepeatCallsSeen:
    """:func:`repeat_calls` for each nurse's view, looked up again when her work changes
    or after ``fresh``: a view is built for every console at every change on the floor,
    and two queries each for what hardly changes during a call would make those pushes
    queue behind the database (``bench/console_load.py``)."""

    def __init__(self, store: WorkStore, desk: Desk, window: timedelta,
                 fresh: timedelta = timedelta(seconds=10)) -> None:
        self._store = store
        self._desk = desk
        self.window = window
        self._fresh = fresh
        self._seen: dict[str, tuple[tuple[str, int], datetime, list[dict[str, Any]]]] = {}

    async def of(self, work: CallWork, now: datetime) -> list[dict[str, Any]]:
        key = (work.call_id, work.revision)
        seen = self._seen.get(work.username)
        if seen is not None and seen[0] == key and timedelta(0) <= now - seen[1] < self._fresh:
            return seen[2]
        found = await repeat_calls(self._store, self._desk, work, self.window)
        self._seen[work.username] = (key, now, found)
        return found
