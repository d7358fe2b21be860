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

The queries are in ``catalog_queries.py``, the SQL baseline in ``catalog_sql.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalog_queries import START, NurseQuery, make_queries
from bench.catalog_sql import build_sqlite, postgres_run, sqlite_query
from referral_catalog.demo_data import demo_regions_with_orgnr, generate_demo_catalog
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.model import CareUnit
from referral_catalog.search import CatalogIndex


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


@dataclass
class Engines:
    """What the queries run against, and how long each took to build."""

    regions: Any
    units: list[CareUnit]
    centres: MunicipalityCentres
    index: CatalogIndex
    db: sqlite3.Connection
    build_s: dict[str, float]
    service: Any = None
    service_timings: dict[str, float] = field(default_factory=dict)
    service_engine: Any = None
    loop: asyncio.AbstractEventLoop | None = None


def build_engines(args: argparse.Namespace) -> Engines:
    """The units, the in-memory index, the SQLite baseline and (unless skipped) the service."""
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
    engines = Engines(regions, units, centres, index, db, {
        "generate_s": t_gen, "index_build_s": t_build, "index_prepare_s": t_prepare,
        "sqlite_build_s": t_sqlite_build})
    if not args.no_service:
        engines.loop = asyncio.new_event_loop()
        engines.service, engines.service_timings, engines.service_engine = (
            engines.loop.run_until_complete(service_setup(units, centres)))
    return engines


def close_engines(engines: Engines) -> None:
    """Dispose of the service's database engine and remove its throwaway folder."""
    if engines.service_engine is not None and engines.loop is not None:
        engines.loop.run_until_complete(engines.service_engine.dispose())
        engines.loop.close()
        shutil.rmtree(Path(str(engines.service_engine.url.database)).parent, ignore_errors=True)


@dataclass
class Samples:
    """Seconds per query of each engine, the SQL answers and how far the top-k agree."""

    memory: list[float] = field(default_factory=list)
    via_service: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    sql_rows: list[list[str]] = field(default_factory=list)
    overlap: list[float] = field(default_factory=list)
    hits_total: int = 0


def measure(engines: Engines, queries: list[NurseQuery], limit: int) -> Samples:
    """Warm every engine on the first 50 queries, then time each engine on every query."""
    index, db, centres, service = engines.index, engines.db, engines.centres, engines.service
    out = Samples()
    for q in queries[:50]:  # warm-up
        index.suggest(
            q.care_types, q.at, q.within, municipality=q.municipality, age=q.age, limit=limit
        )
        sqlite_query(db, q, centres, limit)
        if service is not None:
            service.suggest(q.care_types, q.at, q.within, municipality=q.municipality, age=q.age,
                            limit=limit)  # fmt: skip
    for q in queries:
        t0 = time.perf_counter()
        hits = index.suggest(
            q.care_types, q.at, q.within, municipality=q.municipality, age=q.age, limit=limit
        )
        out.memory.append(time.perf_counter() - t0)
        if service is not None:
            t0 = time.perf_counter()
            service.suggest(q.care_types, q.at, q.within, municipality=q.municipality, age=q.age,
                            limit=limit)  # fmt: skip
            out.via_service.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rows = sqlite_query(db, q, centres, limit)
        out.sql.append(time.perf_counter() - t0)
        out.sql_rows.append(rows)
        mine = {h.unit.hsa_id for h in hits}
        out.hits_total += len(hits)
        if mine or rows:
            out.overlap.append(len(mine & set(rows)) / max(len(mine), len(rows)))
    return out


def postgres_figures(engines: Engines, queries: list[NurseQuery], limit: int,
                     samples: Samples) -> dict[str, float] | None:
    """The SQL on PostgreSQL when ``RADGIVNING_TEST_PG_URL`` is set, with its agreement."""
    pg_url = os.environ.get("RADGIVNING_TEST_PG_URL")
    if not pg_url:
        return None
    pg_times, pg_rows = asyncio.run(
        postgres_run(pg_url, engines.db, queries, engines.centres, limit))
    pg_figures = percentiles(pg_times)
    agree = [
        len(set(a) & set(b)) / max(len(a), len(b))
        for a, b in zip(pg_rows, samples.sql_rows, strict=True) if a or b
    ]  # fmt: skip
    pg_figures["top_k_agreement_with_sqlite"] = round(statistics.fmean(agree), 3)
    return pg_figures


def collect_figures(engines: Engines, queries: list[NurseQuery], limit: int, samples: Samples,
                    pg_figures: dict[str, float] | None) -> dict[str, Any]:
    """Every figure of the run, as ``--json`` writes them."""
    figures = {
        "units": len(engines.units),
        "regions": list(engines.regions),
        "queries": len(queries),
        "limit": limit,
        "mean_hits": round(samples.hits_total / len(queries), 2),
        **{k: round(v, 3) for k, v in engines.build_s.items()},
        "in_memory": percentiles(samples.memory),
        "service": percentiles(samples.via_service) if samples.via_service else None,
        **{k: round(v, 3) for k, v in engines.service_timings.items()},
        "sqlite": percentiles(samples.sql),
        "postgresql": pg_figures,
        "top_k_agreement": (round(statistics.fmean(samples.overlap), 3)
                            if samples.overlap else None),
        "target_p99_ms": 5.0,
    }
    figures["in_memory_meets_target"] = figures["in_memory"]["p99_ms"] < 5.0
    return figures


def report(figures: dict[str, Any], engines: Engines) -> None:
    """The figures as a few lines for a reader."""
    build, limit = engines.build_s, figures["limit"]
    print(
        f"catalog search: {figures['units']} units in regions {', '.join(engines.regions)}, "
        f"{figures['queries']} queries, limit {limit}"
    )
    print(
        f"  build: generate {build['generate_s']:.2f} s, index {build['index_build_s']:.2f} s, "
        f"prepare {build['index_prepare_s']:.2f} s, sqlite {build['sqlite_build_s']:.2f} s"
    )
    if engines.service_timings:
        print(
            "  service: store {service_store_s:.2f} s (one transaction, history rows), "
            "load {service_load_s:.2f} s, prepare {service_prepare_s:.2f} s, "
            "one update {service_update_s:.3f} s (index rebuilt)".format(
                **engines.service_timings)
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
        f"  top-{limit} agreement in-memory vs SQLite: {figures['top_k_agreement']}"
        f" (SQL ranks by a flat-earth distance)"
    )
    print(f"  target p99 < 5 ms: {'met' if figures['in_memory_meets_target'] else 'MISSED'}")
    if figures["postgresql"] is not None:
        print(f"  top-{limit} agreement PostgreSQL vs SQLite: "
              f"{figures['postgresql']['top_k_agreement_with_sqlite']}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1177)
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    ap.add_argument("--no-service", action="store_true", help="skip the CatalogService run")
    args = ap.parse_args(argv)
    engines = build_engines(args)
    municipalities = sorted({u.municipality_code for u in engines.units})
    queries = make_queries(args.queries, municipalities, args.seed)
    samples = measure(engines, queries, args.limit)
    figures = collect_figures(engines, queries, args.limit, samples,
                              postgres_figures(engines, queries, args.limit, samples))
    report(figures, engines)
    close_engines(engines)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
