"""The nurse queries of the catalog benchmark: what an assessment hands the search.

A care type (or two) from the assessment, a moment in the week, the urgency
window, the caller's municipality and the patient's age, drawn from a seed so
that every engine of ``bench/catalog_search.py`` answers the same queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from referral_catalog.hours import STOCKHOLM
from referral_catalog.model import CareType

START = datetime(2026, 11, 30, 0, 0, tzinfo=STOCKHOLM)  # a Monday
HORIZON = timedelta(days=16)

# (care types, plausible ages) as an assessment hands them to the search.
ASSESSMENTS: list[tuple[tuple[CareType, ...], tuple[int, int]]] = [
    ((CareType.VARDCENTRAL,), (18, 90)),
    ((CareType.VARDCENTRAL, CareType.JOURMOTTAGNING), (7, 90)),
    ((CareType.JOURMOTTAGNING,), (7, 90)),
    ((CareType.AKUTMOTTAGNING,), (18, 95)),
    ((CareType.BARNAKUT, CareType.AKUTMOTTAGNING), (0, 17)),
    ((CareType.PSYKIATRISK_AKUT,), (18, 70)),
    ((CareType.TANDVARDSJOUR,), (5, 80)),
    ((CareType.UNGDOMSMOTTAGNING,), (13, 25)),
    ((CareType.BVC,), (0, 5)),
    ((CareType.APOTEK,), (18, 90)),
    ((CareType.BARNMORSKEMOTTAGNING,), (18, 45)),
]
WINDOWS = [
    None,
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
    timedelta(hours=24),
    timedelta(hours=72),
]


@dataclass(frozen=True)
class NurseQuery:
    care_types: tuple[CareType, ...]
    at: datetime
    within: timedelta | None
    municipality: str
    age: int


def make_queries(n: int, municipalities: list[str], seed: int) -> list[NurseQuery]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        types, (lo, hi) = rng.choice(ASSESSMENTS)
        at = START + timedelta(minutes=rng.randrange(7 * 24 * 60))
        out.append(
            NurseQuery(
                types, at, rng.choice(WINDOWS), rng.choice(municipalities), rng.randint(lo, hi)
            )
        )
    return out
