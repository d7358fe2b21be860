"""``radgivning journal export`` and ``journal demo-fill`` through their handlers."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from contactcenter.commands import journal as journal_cli
from journal.sql import journal_access_log, metadata


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    journal_cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["journal", *argv])


async def make_schema(url: str) -> None:
    from contactcenter.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()


def test_demo_fill_then_export_writes_a_file_and_logs_a_cli_actor(sqlite_url: str,
                                                                   tmp_path: Path):
    import asyncio

    from contactcenter.db import create_engine

    settings = SimpleNamespace(database=SimpleNamespace(url=sqlite_url, echo=False),
                               config_dir=tmp_path / "no-config", regions={})
    asyncio.run(make_schema(sqlite_url))
    args = parse("demo-fill", "--entries", "25")
    assert args.func(args, settings) == 0
    out = tmp_path / "export.csv"
    args = parse("export", "--format", "csv", "--pseudonymise", "--output", str(out))
    assert args.func(args, settings) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 25 and all(not r["person_id"] or r["person_id"].startswith("psn-")
                                   for r in rows)
    args = parse("export", "--format", "fhir", "--region", "01", "--since", "2000-01-01",
                 "--output", str(tmp_path / "f.ndjson"))
    assert args.func(args, settings) == 0
    for line in (tmp_path / "f.ndjson").read_text(encoding="utf-8").splitlines():
        assert json.loads(line)["resourceType"] == "Bundle"

    async def log() -> list:
        engine = create_engine(sqlite_url)
        async with engine.connect() as conn:
            rows = (await conn.execute(select(journal_access_log))).all()
        await engine.dispose()
        return rows

    records = asyncio.run(log())
    assert [r.action for r in records] == ["export", "export"]
    assert all(r.actor_id.startswith("cli:") for r in records)
    assert records[0].query["pseudonymised"] is True


def test_export_without_the_journal_tables_says_to_migrate(sqlite_url: str, tmp_path: Path,
                                                           capsys):
    settings = SimpleNamespace(database=SimpleNamespace(url=sqlite_url, echo=False),
                               config_dir=tmp_path)
    args = parse("export")
    assert args.func(args, settings) == journal_cli.NO_SCHEMA
    assert "db upgrade" in capsys.readouterr().err


def test_purge_archives_old_calls_to_a_file_and_removes_them(sqlite_url: str, tmp_path: Path):
    import asyncio
    from datetime import UTC, datetime

    from contactcenter.db import create_engine
    from journal.demo_data import bulk_load, demo_entries

    async def seed() -> None:
        await make_schema(sqlite_url)
        engine = create_engine(sqlite_url)
        await bulk_load(engine, demo_entries(12, end=datetime(2010, 1, 1, tzinfo=UTC)))
        await bulk_load(engine, demo_entries(3, seed=2, end=datetime.now(UTC)))
        await engine.dispose()

    asyncio.run(seed())
    settings = SimpleNamespace(database=SimpleNamespace(url=sqlite_url, echo=False),
                               config_dir=tmp_path)
    archive = tmp_path / "archive" / "old.jsonl"
    args = parse("purge", "--years", "10", "--archive", str(archive))
    assert args.func(args, settings) == 0
    assert len(archive.read_text(encoding="utf-8").splitlines()) == 12


def test_a_too_short_pseudonymisation_key_is_refused_with_a_message(
        sqlite_url: str, tmp_path: Path, monkeypatch, capsys):
    import asyncio

    asyncio.run(make_schema(sqlite_url))
    monkeypatch.setenv(journal_cli.PSEUDONYM_KEY_ENV, "short")
    settings = SimpleNamespace(database=SimpleNamespace(url=sqlite_url, echo=False),
                               config_dir=tmp_path)
    args = parse("export", "--pseudonymise")
    assert args.func(args, settings) == 1
    assert "16 bytes" in capsys.readouterr().err
