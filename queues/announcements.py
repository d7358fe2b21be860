"""Predicted wait and what waiting callers are told (köplatsbesked), as pure functions.

Prediction
    Handle time (talk + efterarbete) per region is an exponentially weighted
    mean of finished calls (weight ``handle_time_weight`` for the newest).
    A caller at position ``p`` in a region with ``n`` available nurses
    (logged in, not on paus) waits about ``p × handle / n``; with nobody
    available the wait is unknown (``None``), which counts as over any limit.

Announcements never go backwards (a lesson from peer software):
    * the announced position is the smaller of the real position and the last
      announced one, so it never increases (a higher-priority caller or a
      callback retry may overtake; the caller is not told a worse number);
    * the expected wait is rounded up to ``rounding`` seconds and never exceeds
      the previous announcement by more than ``tolerance`` seconds; an unknown
      wait is announced as ``None`` (no figure is said).
"""

from __future__ import annotations

import math

__all__ = ["HandleTimes", "clamp_announcement", "predicted_wait"]


class HandleTimes:
    """Exponentially weighted mean handle time per region (seconds)."""

    def __init__(self, default: float, weight: float) -> None:
        self.default = default
        self.weight = weight
        self.mean: dict[str, float] = {}

    def add(self, region: str, seconds: float) -> None:
        old = self.mean.get(region, self.default)
        self.mean[region] = old + self.weight * (seconds - old)

    def of(self, region: str) -> float:
        return self.mean.get(region, self.default)


def predicted_wait(position: int, handle_seconds: float, available: int) -> float | None:
    """Expected seconds until a caller at ``position`` is answered (``None``: nobody staffed)."""
    if available <= 0:
        return None
    return position * handle_seconds / available


def clamp_announcement(position: int, wait: float | None, last_position: int | None,
                       last_wait: int | None, rounding: int,
                       tolerance: int) -> tuple[int, int | None]:
    """The position and rounded wait to announce, given the last announcement."""
    announced_position = position if last_position is None else min(position, last_position)
    if wait is None:
        return announced_position, None
    rounded = int(math.ceil(wait / rounding) * rounding) if rounding > 0 else int(wait)
    if last_wait is not None:
        rounded = min(rounded, last_wait + tolerance)
    return announced_position, rounded
