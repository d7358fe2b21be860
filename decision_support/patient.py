"""What a criterion may ask about the patient: age (ålder) and sex (kön).

Pure domain code, like :mod:`decision_support.model` (which re-exports these).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["ANY_AGE", "DAYS_PER_MONTH", "DAYS_PER_YEAR", "Age", "AgeRange", "Sex"]

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


class Sex(StrEnum):
    """Patient's sex (kön) as used by criterion conditions."""

    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True, order=True)
class Age:
    """A patient's age (ålder), held in whole days so infants' ages are exact.

    Build with :meth:`of_years`, :meth:`of_months`, :meth:`of_days` or
    :meth:`from_birth_date`; years and months use average lengths.
    """

    days: int

    @classmethod
    def of_days(cls, days: int) -> Age:
        """An age of ``days`` days."""
        if days < 0:
            raise ValueError(f"age cannot be negative: {days} days")
        return cls(int(days))

    @classmethod
    def of_months(cls, months: float) -> Age:
        """An age of ``months`` (average-length) months."""
        return cls.of_days(round(months * DAYS_PER_MONTH))

    @classmethod
    def of_years(cls, years: float) -> Age:
        """An age of ``years`` (average-length) years."""
        return cls.of_days(round(years * DAYS_PER_YEAR))

    @classmethod
    def from_birth_date(cls, born: date, on: date) -> Age:
        """The age on ``on`` of someone born on ``born``."""
        return cls.of_days((on - born).days)

    @property
    def years(self) -> float:
        """The age in (fractional) years."""
        return self.days / DAYS_PER_YEAR

    def describe(self) -> str:
        """Swedish human-readable form: ``"5 dagar"``, ``"2 månader"``, ``"34 år"``."""
        if self.days < 60:
            return f"{self.days} dagar"
        if self.days < 2 * DAYS_PER_YEAR:
            return f"{round(self.days / DAYS_PER_MONTH)} månader"
        return f"{int(self.years)} år"


@dataclass(frozen=True)
class AgeRange:
    """An age condition: ``min_days <= age < max_days`` (either bound may be open)."""

    min_days: int | None = None
    max_days: int | None = None

    def contains(self, age: Age) -> bool:
        """Whether ``age`` lies inside the range (lower bound inclusive, upper exclusive)."""
        if self.min_days is not None and age.days < self.min_days:
            return False
        return self.max_days is None or age.days < self.max_days

    def describe(self) -> str:
        """Swedish human-readable form, e.g. ``"från 16 år"`` or ``"0 dagar–3 månader"``."""
        low = Age(self.min_days).describe() if self.min_days is not None else None
        high = Age(self.max_days).describe() if self.max_days is not None else None
        if low and high:
            return f"{low}–{high}"
        if low:
            return f"från {low}"
        if high:
            return f"under {high}"
        return "alla åldrar"


#: No age condition.
ANY_AGE = AgeRange()
