"""Benchmark: journal export for follow-up, streamed against a load-everything baseline.

Run: ``.venv/bin/python bench/journal_export.py [--entries N] [--fhir-entries M]
[--backend sqlite|postgres|all] [--json PATH]``.

Bulk-loads N fictional signed entries (default 100,000; ``--entries 1000000`` for
the full figure) into SQLite and, when ``RADGIVNING_TEST_PG_URL`` is set, into a
fresh PostgreSQL database; then exports them as JSON Lines and as FHIR R4
(validated) through :class:`journal.service.JournalService` (keyset pages,
constant memory), and with a naive baseline that loads every row and builds the
whole output in memory. Each measurement runs in its own process so its peak RSS
is its own. ``fhir-stream`` is the shipped setting (``[fhir] validation = "shape"``:
each Bundle shape validated in full once per export, then values by their FHIR
primitive types); ``fhir-full`` runs the library's full validation on every Bundle
(``validation = "full"``, the earlier behaviour; same output).
FHIR runs on the first M entries (default: min(N, 100,000)); the naive
baselines on at most 200,000 (``--naive-entries``), as their memory grows with N
(about 9 MB per 1,000 entries for JSON Lines, 30 MB for FHIR).
``--fhir-workers 2`` also measures FHIR with pages validated in two worker
processes (``export.fhir_workers`` in ``journal.toml``).
Targets: JSON Lines >= 20,000 entries/s, FHIR >= 3,000 entries/s, peak < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ENV = "RADGIVNING_TEST_PG_URL"
MODES = ("jsonl-stream", "jsonl-naive", "fhir-stream", "fhir-full", "fhir-naive",
         "fhir-parallel")


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _descendants_peak_mb() -> float:
    """The largest peak RSS (VmHWM) among this process's descendants (pool workers)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, peak = {os.getpid()}, 0.0
    for _ in range(4):
        family |= {pid for pid, ppid in parents.items() if ppid in family}
    for pid in family - {os.getpid()}:
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peak


async def _worker(url: str, mode: str, limit: int, workers: int) -> dict[str, float]:
    from dataclasses import replace

    from sqlalchemy import and_, select

    from contactcenter.contexts import journal_config
    from contactcenter.db import create_engine
    from contactcenter.settings import load_settings
    from journal.export import _COLUMNS, ExportFilter, jsonl_chunk
    from journal.fhir import fhir_chunk_factory
    from journal.ports import Actor
    from journal.service import JournalService
    from journal.sql import journal_entries

    engine = create_engine(url)
    config = replace(journal_config(load_settings()),
                     fhir_workers=workers if mode == "fhir-parallel" else 1)
    if mode == "fhir-full":  # every Bundle through the library's full validation
        config = replace(config, fhir_systems={**config.fhir_systems, "validation": "full"})
    fhir_chunk_factory(config.fhir_systems)  # model classes built before the baseline RSS
    before = _peak_mb()
    written = count = 0
    children_peak = 0.0
    start = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:  # noqa: ASYNC230 (devnull)
        if not mode.endswith("naive"):
            service = JournalService(engine, lambda: datetime.now(UTC), config)
            chunks = await service.export(Actor.system_actor("bench"), mode.split("-")[0],
                                          ExportFilter())
            async for chunk in chunks:
                sink.write(chunk)
                written += len(chunk)
                count += chunk.count("\n")
                if mode == "fhir-parallel":
                    children_peak = max(children_peak, _descendants_peak_mb())
                if count >= limit:
                    break
            await chunks.aclose()
        else:  # naive: every row in memory, then the whole output as one string
            t = journal_entries
            async with engine.connect() as conn:
                rows = (await conn.execute(select(*_COLUMNS).where(and_(
                    *ExportFilter().conditions())).order_by(t.c.created_at, t.c.id)
                    .limit(limit))).all()
            if mode.startswith("jsonl"):
                text = jsonl_chunk(rows, None)
            else:
                text = fhir_chunk_factory(config.fhir_systems, config.labels)(rows, None)
            sink.write(text)
            written, count = len(text), text.count("\n")
    seconds = time.perf_counter() - start
    await engine.dispose()
    return {"entries": count, "seconds": seconds, "entries_per_s": count / seconds,
            "peak_rss_mb": _peak_mb(), "rss_growth_mb": _peak_mb() - before,
            "worker_peak_rss_mb": children_peak,
            "output_mb": written / 1e6}


async def _prepare(url: str, entries: int) -> float:
    from contactcenter.db import create_engine
    from journal.demo_data import bulk_load, demo_entries
    from journal.sql import metadata

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    start = time.perf_counter()
    await bulk_load(engine, demo_entries(entries, seed=1177, days=365), batch_size=10_000)
    seconds = time.perf_counter() - start
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.exec_driver_sql("COMMIT")
            await conn.exec_driver_sql("ANALYZE journal_entries")
    await engine.dispose()
    return entries / seconds


async def _pg_database(base: str, create: bool, name: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    conn = await asyncpg.connect(host=url.host or "127.0.0.1", port=url.port or 5432,
                                 user=url.username or "postgres", password=url.password,
                                 database="postgres")
    try:
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
        else:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


def _measure(url: str, mode: str, limit: int, workers: int = 1) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--worker", mode, "--url", url,
                          "--limit", str(limit), "--fhir-workers", str(workers)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_backend(name: str, url: str, entries: int, fhir_entries: int,
                 naive_entries: int, workers: int, skip_full: bool = False) -> dict[str, object]:
    load_rate = asyncio.run(_prepare(url, entries))
    print(f"\n{name}: loaded {entries:,} entries at {load_rate:,.0f} entries/s")
    print(f"  {'mode':<14}{'entries':>10}{'entries/s':>12}{'peak RSS MB':>13}"
          f"{'RSS growth MB':>15}{'output MB':>11}")
    results: dict[str, object] = {"load_entries_per_s": load_rate}
    for mode in MODES:
        if mode == "fhir-parallel" and workers < 2:
            continue
        if mode == "fhir-full" and skip_full:
            continue
        limit = entries if mode.startswith("jsonl") else fhir_entries
        if mode.endswith("naive"):  # its memory grows with the size: keep the machine usable
            limit = min(limit, naive_entries)
        r = _measure(url, mode, limit, workers)
        results[mode] = r
        extra = (f"  (+ each of {workers} worker processes: peak "
                 f"{r['worker_peak_rss_mb']:,.0f} MB)" if mode == "fhir-parallel" else "")
        print(f"  {mode:<14}{int(r['entries']):>10,}{r['entries_per_s']:>12,.0f}"
              f"{r['peak_rss_mb']:>13,.0f}{r['rss_growth_mb']:>15,.0f}{r['output_mb']:>11,.0f}"
              + extra)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--fhir-entries", type=int)
    parser.add_argument("--naive-entries", type=int)
    parser.add_argument("--fhir-workers", type=int, default=1,
                        help="also measure FHIR with this many worker processes (if > 1)")
    parser.add_argument("--no-fhir-full", action="store_true",
                        help="skip the fhir-full mode (full validation of every Bundle)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(_worker(args.url, args.worker, args.limit, args.fhir_workers))))
        return 0
    fhir_entries = args.fhir_entries or min(args.entries, 100_000)
    naive_entries = args.naive_entries or min(args.entries, 200_000)
    figures: dict[str, object] = {"entries": args.entries, "fhir_entries": fhir_entries,
                                  "naive_entries": naive_entries}
    print(f"journal export benchmark: {args.entries:,} entries (FHIR on {fhir_entries:,}; "
          f"naive baselines on at most {naive_entries:,}); "
          "targets: JSONL >= 20,000/s, FHIR >= 3,000/s, peak < 300 MB")
    if args.backend in ("sqlite", "all"):
        with tempfile.TemporaryDirectory() as tmp:
            figures["sqlite"] = _run_backend(
                "SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db", args.entries, fhir_entries,
                naive_entries, args.fhir_workers, args.no_fhir_full)
    base = os.environ.get(PG_ENV)
    if args.backend in ("postgres", "all"):
        if not base:
            print(f"\nPostgreSQL: skipped ({PG_ENV} is not set)")
        else:
            name = f"journal_bench_{uuid.uuid4().hex[:8]}"
            url = asyncio.run(_pg_database(base, True, name))
            try:
                figures["postgres"] = _run_backend("PostgreSQL", url, args.entries, fhir_entries,
                                                  naive_entries, args.fhir_workers,
                                                  args.no_fhir_full)
            finally:
                asyncio.run(_pg_database(base, False, name))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
