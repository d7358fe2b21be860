"""The baseline of the catalog benchmark: the same nurse query as one SQL query.

On SQLite (stdlib ``sqlite3``, in memory) with the units' open intervals
precomputed into a table over the benchmark's horizon, and the same tables
copied to PostgreSQL when a server is given.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from datetime import timedelta

from bench.catalog_queries import HORIZON, START, NurseQuery
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.hours import build_timeline
from referral_catalog.model import CareUnit


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
