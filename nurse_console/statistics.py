"""Phase durations of closed calls, for statistics and coaching."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nurse_console.model import PHASES
from nurse_console.sql import WorkStore


async def phase_statistics(store: WorkStore, start: datetime, end: datetime) -> dict[str, Any]:
    """Average seconds per phase over the calls closed in ``[start, end)``."""
    works = await store.closed_between(start, end)
    totals = {p.value: 0.0 for p in PHASES}
    for w in works:
        for phase, seconds in w.phase_seconds.items():
            totals[phase] = totals.get(phase, 0.0) + seconds
    n = len(works)
    return {"calls": n, "average_seconds": {k: round(v / n, 1) if n else 0.0
                                            for k, v in totals.items()}}
