"""The indexed search returns exactly what a slow, obvious evaluation of every unit returns."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta
from functools import cache

import pytest

from referral_catalog.demo_data import generate_demo_catalog
from referral_catalog.geo import MunicipalityCentres, distance_km
from referral_catalog.hours import unit_hours_state
from referral_catalog.model import CareType, CareUnit
from referral_catalog.search import CatalogIndex, CatalogQuery
from tests.referral_catalog.helpers import at

START = at("2026-12-07 00:00")


@cache
def catalog() -> tuple[CareUnit, ...]:
    return tuple(
        generate_demo_catalog(("01", "03", "12", "14"), 1500, seed=11, reference_date=START.date())
    )


@cache
def index() -> CatalogIndex:
    return CatalogIndex.build(catalog(), MunicipalityCentres.load())


def reference(query: CatalogQuery) -> list[str]:
    centres = MunicipalityCentres.load()
    point = centres.centre(query.municipality) if query.municipality else None
    assert query.at is not None
    ranked = []
    for u in catalog():
        if query.care_types and not set(query.care_types) & set(u.care_types):
            continue
        if query.age is not None and not u.age_group.admits(query.age):
            continue
        state = unit_hours_state(u, query.at)
        if state.open:
            tier, wait = 0, 0.0
        elif (
            state.opens_at is not None
            and query.within is not None
            and (state.opens_at - query.at <= query.within)
        ):
            tier = 1
            wait = float(math.ceil((state.opens_at - query.at).total_seconds() / 3600))
        else:
            continue
        km = distance_km(point, u.coordinates) if point and u.coordinates else math.inf
        ranked.append(((tier, wait, km, u.name, u.hsa_id), u.hsa_id))
    return [hsa for _key, hsa in sorted(ranked)[: query.limit]]


QUERIES = []
_rng = random.Random(5)
_codes = sorted({u.municipality_code for u in catalog()})
for _ in range(25):
    QUERIES.append(
        CatalogQuery(
            care_types=tuple(_rng.sample(list(CareType)[:10], _rng.choice((1, 2)))),
            at=START + timedelta(minutes=_rng.randrange(7 * 24 * 60)),
            within=_rng.choice((None, timedelta(hours=2), timedelta(hours=14), timedelta(days=2))),
            open_now=False,
            municipality=_rng.choice(_codes),
            age=_rng.randint(0, 90),
            limit=_rng.choice((1, 5, 10, 30)),
        )
    )


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.care_types[0].value}-{q.at:%a%H%M}")
def test_indexed_search_matches_evaluating_every_unit(query: CatalogQuery) -> None:
    if query.within is None:
        query = replace(query, open_now=True)
    got = [h.unit.hsa_id for h in index().search(query)]
    assert got == reference(query)


def test_the_reference_queries_find_units() -> None:
    found = [len(index().search(replace(q, open_now=q.within is None))) for q in QUERIES]
    assert sum(1 for n in found if n > 0) >= len(QUERIES) // 2
