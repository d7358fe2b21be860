"""Benchmark: the nurse's catalog search on 20,000 units, in memory against SQLite.

Run: ``.venv/bin/python bench/catalog_search.py [--units N] [--queries N] [--json PATH]``.

A realistic mix of nurse queries (care types from an assessment, open now or
within the urgency window, distance from the caller's municipality, the
patient's age) runs against :class:`referral_catalog.search.CatalogIndex`,
through :class:`referral_catalog.service.CatalogService` (units stored in a
throwaway SQLite database, loaded back, searched in memory; ``--no-service``
skips it) and, as the baseline in the same run, as one SQL query on SQLite
(stdlib ``sqlite3``) with open intervals precomputed into a table over the
same horizon. With ``RADGIVNING_TEST_PG_URL`` set the same SQL runs on
PostgreSQL too. Prints p50/p99/mean per engine; ``--json`` writes the figures.
Target: in-memory p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from referral_catalog.demo_data import demo_regions_with_orgnr, generate_demo_catalog
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.hours import STOCKHOLM, build_timeline
from referral_catalog.model import CareType, CareUnit
from referral_catalog.search import CatalogIndex

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


def build_sqlite(units: list[CareUnit]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE units (id INTEGER PRIMARY KEY, hsa_id TEXT UNIQUE, name TEXT, region TEXT,
            municipality_code TEXT, lat REAL, lon REAL, age_min INTEGER, age_max INTEGER,
            active INTEGER);
        CREATE TABLE unit_care_types (care_type TEXT, unit_id INTEGER,
            PRIMARY KEY (care_type, unit_id)) WITHOUT ROWID;
        CREATE TABLE open_intervals (unit_id INTEGER, start_ts REAL, end_ts REAL,
            PRIMARY KEY (unit_id, end_ts)) WITHOUT ROWID;
        """
    )
    start, end = START - timedelta(days=1), START + HORIZON
    rows, types, spans = [], [], []
    for i, u in enumerate(units):
        c = u.coordinates
        rows.append(
            (
                i,
                u.hsa_id,
                u.name,
                u.region,
                u.municipality_code,
                c.lat if c else None,
                c.lon if c else None,
                u.age_group.min_years,
                u.age_group.max_years,
                int(u.is_active),
            )
        )
        types.extend((ct.value, i) for ct in u.care_types)
        tl = build_timeline(u.opening_hours, start, end, u.notices)
        spans.extend((i, a, b) for a, b in zip(tl.starts, tl.ends, strict=True))
    db.executemany("INSERT INTO units VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO unit_care_types VALUES (?,?)", types)
    db.executemany("INSERT INTO open_intervals VALUES (?,?,?)", spans)
    db.execute("ANALYZE")
    return db


SQL = """
WITH cand AS (
    SELECT DISTINCT u.id, u.name, u.hsa_id, u.lat, u.lon
    FROM unit_care_types c JOIN units u ON u.id = c.unit_id
    WHERE c.care_type IN ({types}) AND u.active = 1
      AND u.age_min <= :age AND (u.age_max IS NULL OR u.age_max >= :age)
), timed AS (
    SELECT cand.*, (SELECT MIN(i.start_ts) FROM open_intervals i
                    WHERE i.unit_id = cand.id AND i.end_ts > :t AND i.start_ts <= :t + :w)
                   AS first_open
    FROM cand
)
SELECT hsa_id, first_open,
       CASE WHEN first_open <= :t THEN 0 ELSE 1 END AS tier,
       CASE WHEN first_open <= :t THEN 0
            ELSE CAST((first_open - :t + 3599) / 3600 AS INTEGER) END AS wait_h,
       ((lat - :lat) * 111.2) * ((lat - :lat) * 111.2)
         + ((lon - :lon) * 111.2 * :coslat) * ((lon - :lon) * 111.2 * :coslat) AS d2
FROM timed WHERE first_open IS NOT NULL
ORDER BY tier, wait_h, d2, name, hsa_id
LIMIT :limit
"""


def sqlite_query(
    db: sqlite3.Connection, q: NurseQuery, centres: MunicipalityCentres, limit: int
) -> list[str]:
    c = centres.centre(q.municipality)
    names = {f"ct{i}": ct.value for i, ct in enumerate(q.care_types)}
    sql = SQL.format(types=",".join(f":{k}" for k in names))
    params = names | {
        "age": q.age,
        "t": q.at.timestamp(),
        "w": 0.0 if q.within is None else q.within.total_seconds(),
        "lat": c.lat,
        "lon": c.lon,
        "coslat": math.cos(math.radians(c.lat)),
        "limit": limit,
    }
    return [row[0] for row in db.execute(sql, params)]


PG_SCHEMA = """
CREATE TABLE units (id INTEGER PRIMARY KEY, hsa_id TEXT UNIQUE, name TEXT, region TEXT,
    municipality_code TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, age_min INTEGER,
    age_max INTEGER, active BOOLEAN);
CREATE TABLE unit_care_types (care_type TEXT, unit_id INTEGER, PRIMARY KEY (care_type, unit_id));
CREATE TABLE open_intervals (unit_id INTEGER, start_ts DOUBLE PRECISION,
    end_ts DOUBLE PRECISION, PRIMARY KEY (unit_id, end_ts));
"""

PG_SQL = """
WITH cand AS (
    SELECT DISTINCT u.id, u.name, u.hsa_id, u.lat, u.lon
    FROM unit_care_types c JOIN units u ON u.id = c.unit_id
    WHERE c.care_type = ANY($1::text[]) AND u.active
      AND u.age_min <= $2 AND (u.age_max IS NULL OR u.age_max >= $2)
), timed AS (
    SELECT cand.*, (SELECT MIN(i.start_ts) FROM open_intervals i
                    WHERE i.unit_id = cand.id AND i.end_ts > $3 AND i.start_ts <= $3 + $4)
                   AS first_open
    FROM cand
)
SELECT hsa_id,
       CASE WHEN first_open <= $3 THEN 0 ELSE 1 END AS tier,
       CASE WHEN first_open <= $3 THEN 0 ELSE CEIL((first_open - $3) / 3600) END AS wait_h,
       ((lat - $5) * 111.2) ^ 2 + ((lon - $6) * 111.2 * $7) ^ 2 AS d2
FROM timed WHERE first_open IS NOT NULL
ORDER BY tier, wait_h, d2, name COLLATE "C", hsa_id
LIMIT $8
"""


async def postgres_run(
    url: str,
    db: sqlite3.Connection,
    queries: list[NurseQuery],
    centres: MunicipalityCentres,
    limit: int,
) -> tuple[list[float], list[list[str]]]:
    """The same queries on PostgreSQL (tables copied from the SQLite baseline)."""
    import asyncpg  # only when a server is given

    schema = f"bench_catalog_{os.getpid()}"
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(PG_SCHEMA)
        for table in ("units", "unit_care_types", "open_intervals"):
            rows = db.execute(f"SELECT * FROM {table}").fetchall()
            if table == "units":
                rows = [(*r[:9], bool(r[9])) for r in rows]
            await conn.copy_records_to_table(table, records=rows)
        await conn.execute("ANALYZE")
        stmt = await conn.prepare(PG_SQL)
        times, results = [], []
        warm = min(50, len(queries))
        for n, q in enumerate(queries[:warm] + queries):
            c = centres.centre(q.municipality)
            args = ([ct.value for ct in q.care_types], q.age, q.at.timestamp(),
                    0.0 if q.within is None else q.within.total_seconds(), c.lat, c.lon,
                    math.cos(math.radians(c.lat)), limit)  # fmt: skip
            t0 = time.perf_counter()
            rows = await stmt.fetch(*args)
            if n >= warm:
                times.append(time.perf_counter() - t0)
                results.append([r["hsa_id"] for r in rows])
        return times, results
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


async def service_setup(units: list[CareUnit], centres: MunicipalityCentres) -> tuple[Any, dict[str, float], Any]:
    """A CatalogService over a throwaway SQLite file holding ``units``; timings of each step."""
    import tempfile

    from sqlalchemy.ext.asyncio import create_async_engine

    from referral_catalog.ports import Actor
    from referral_catalog.service import CatalogService
    from referral_catalog.sql import metadata

    folder = tempfile.mkdtemp(prefix="bench_catalog_")
    engine = create_async_engine(f"sqlite+aiosqlite:///{folder}/catalog.db")
    async with engine.begin() as conn:  # a throwaway bench database: no migrations needed
        await conn.run_sync(metadata.create_all)
    service = CatalogService(engine, lambda: START, centres)
    timings = {}
    t0 = time.perf_counter()
    await service.fill_if_empty(Actor("bench"), units)
    timings["service_store_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    await service.start()
    timings["service_load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    service.prepare(START)
    timings["service_prepare_s"] = time.perf_counter() - t0
    # One edit: stored with its history row, index rebuilt (and re-prepared).
    admin = Actor("bench", {"region_admin"}, {"*"})
    changed = dataclasses.replace(units[0], name=units[0].name + " (ändrad)")
    t0 = time.perf_counter()
    await service.update(admin, changed)
    timings["service_update_s"] = time.perf_counter() - t0
    return service, timings, engine


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in samples_s)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50_ms": round(q[49], 3),
        "p99_ms": round(q[98], 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "max_ms": round(ms[-1], 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1177)
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    ap.add_argument("--no-service", action="store_true", help="skip the CatalogService run")
    args = ap.parse_args(argv)

    regions = demo_regions_with_orgnr()
    t0 = time.perf_counter()
    units = generate_demo_catalog(regions, args.units, seed=args.seed, reference_date=START.date())
    t_gen = time.perf_counter() - t0
    centres = MunicipalityCentres.load()
    t0 = time.perf_counter()
    index = CatalogIndex.build(units, centres)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.prepare(START)
    t_prepare = time.perf_counter() - t0
    t0 = time.perf_counter()
    db = build_sqlite(units)
    t_sqlite_build = time.perf_counter() - t0

    service, service_timings, service_engine, loop = None, {}, None, None
    if not args.no_service:
        loop = asyncio.new_event_loop()
        service, service_timings, service_engine = loop.run_until_complete(
            service_setup(units, centres)
        )

    municipalities = sorted({u.municipality_code for u in units})
    queries = make_queries(args.queries, municipalities, args.seed)
    memory, sql, via_service, overlap, hits_total = [], [], [], [], 0
    sql_rows: list[list[str]] = []
    for q in queries[:50]:  # warm-up
        index.suggest(
            q.care_types, q.at, q.within, municipality=q.municipality, age=q.age, limit=args.limit
        )
        sqlite_query(db, q, centres, args.limit)
        if service is not None:
            service.suggest(q.care_types, q.at, q.within, municipality=q.municipality, age=q.age,
                            limit=args.limit)  # fmt: skip
    for q in queries:
        t0 = time.perf_counter()
        hits = index.suggest(
            q.care_types, q.at, q.within, municipality=q.municipality, age=q.age, limit=args.limit
        )
        memory.append(time.perf_counter() - t0)
        if service is not None:
            t0 = time.perf_counter()
            service.suggest(q.care_types, q.at, q.within, municipality=q.municipality, age=q.age,
                            limit=args.limit)  # fmt: skip
            via_service.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rows = sqlite_query(db, q, centres, args.limit)
        sql.append(time.perf_counter() - t0)
        sql_rows.append(rows)
        mine = {h.unit.hsa_id for h in hits}
        hits_total += len(hits)
        if mine or rows:
            overlap.append(len(mine & set(rows)) / max(len(mine), len(rows)))

    pg_url = os.environ.get("RADGIVNING_TEST_PG_URL")
    pg_figures = None
    if pg_url:
        pg_times, pg_rows = asyncio.run(postgres_run(pg_url, db, queries, centres, args.limit))
        pg_figures = percentiles(pg_times)
        agree = [
            len(set(a) & set(b)) / max(len(a), len(b))
            for a, b in zip(pg_rows, sql_rows, strict=True) if a or b
        ]  # fmt: skip
        pg_figures["top_k_agreement_with_sqlite"] = round(statistics.fmean(agree), 3)

    figures = {
        "units": len(units),
        "regions": list(regions),
        "queries": len(queries),
        "limit": args.limit,
        "mean_hits": round(hits_total / len(queries), 2),
        "generate_s": round(t_gen, 3),
        "index_build_s": round(t_build, 3),
        "index_prepare_s": round(t_prepare, 3),
        "sqlite_build_s": round(t_sqlite_build, 3),
        "in_memory": percentiles(memory),
        "service": percentiles(via_service) if via_service else None,
        **{k: round(v, 3) for k, v in service_timings.items()},
        "sqlite": percentiles(sql),
        "postgresql": pg_figures,
        "top_k_agreement": round(statistics.fmean(overlap), 3) if overlap else None,
        "target_p99_ms": 5.0,
    }
    figures["in_memory_meets_target"] = figures["in_memory"]["p99_ms"] < 5.0
    print(
        f"catalog search: {len(units)} units in regions {', '.join(regions)}, "
        f"{len(queries)} queries, limit {args.limit}"
    )
    print(
        f"  build: generate {t_gen:.2f} s, index {t_build:.2f} s, "
        f"prepare {t_prepare:.2f} s, sqlite {t_sqlite_build:.2f} s"
    )
    if service_timings:
        print(
            "  service: store {service_store_s:.2f} s (one transaction, history rows), "
            "load {service_load_s:.2f} s, prepare {service_prepare_s:.2f} s, "
            "one update {service_update_s:.3f} s (index rebuilt)".format(**service_timings)
        )
    for name in ("in_memory", "service", "sqlite", "postgresql"):
        f = figures[name]
        if f is None:
            why = "--no-service" if name == "service" else "set RADGIVNING_TEST_PG_URL to compare"
            print(f"  {name:10s} skipped ({why})")
            continue
        print(
            f"  {name:9s} p50 {f['p50_ms']:7.3f} ms  p99 {f['p99_ms']:7.3f} ms  "
            f"mean {f['mean_ms']:7.3f} ms  max {f['max_ms']:7.3f} ms"
        )
    print(
        f"  top-{args.limit} agreement in-memory vs SQLite: {figures['top_k_agreement']}"
        f" (SQL ranks by a flat-earth distance)"
    )
    print(f"  target p99 < 5 ms: {'met' if figures['in_memory_meets_target'] else 'MISSED'}")
    if pg_figures is not None:
        print(f"  top-{args.limit} agreement PostgreSQL vs SQLite: "
              f"{pg_figures['top_k_agreement_with_sqlite']}")  # fmt: skip
    if service_engine is not None and loop is not None:
        loop.run_until_complete(service_engine.dispose())
        loop.close()
        shutil.rmtree(Path(str(service_engine.url.database)).parent, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
