"""Which guidelines a search may return: the caller's age and the audience (adult, child).

Evaluated lazily, per candidate the ranking reaches, and remembered per guideline.
"""

from __future__ import annotations

from decision_support.model import Audience, Guideline

__all__ = ["AudienceFilter"]


class AudienceFilter:
    """Membership test for the age/audience filter, evaluated lazily per candidate."""

    def __init__(
        self,
        guidelines: tuple[Guideline, ...],
        ages: list[tuple[int | None, int | None]],
        days: int | None,
        want: Audience | None,
    ) -> None:
        self._guidelines, self._ages, self._days, self._want = guidelines, ages, days, want
        self._seen: dict[int, bool] = {}

    def __contains__(self, gi: int) -> bool:
        known = self._seen.get(gi)
        if known is None:
            known = self._seen[gi] = self._check(gi)
        return known

    def _check(self, gi: int) -> bool:
        low, high = self._ages[gi]
        days = self._days
        if days is not None and (
            (low is not None and days < low) or (high is not None and days >= high)
        ):
            return False
        return self._want is None or self._guidelines[gi].audience.includes(self._want)
