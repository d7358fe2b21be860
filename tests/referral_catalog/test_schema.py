"""The ``catalog_0001`` migration makes exactly the tables of ``referral_catalog.sql``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from contactcenter.db import create_engine, current_revision, downgrade, upgrade
from referral_catalog.sql import metadata

TABLES = {"catalog_units", "catalog_unit_history"}


def _ours(diff: object) -> bool:
    # compare_metadata also reports other contexts' tables as unknown; keep ours.
    text = repr(diff)
    return any(name in text for name in TABLES)


async def schema_diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    return [d for d in diffs if _ours(d)]


async def test_the_catalog_migration_creates_tables_identical_to_the_table_definitions(db_url):
    await upgrade(db_url)
    assert "catalog_0001" in (await current_revision(db_url) or "")
    assert await schema_diff(db_url) == []


async def test_the_catalog_branch_downgrades_on_its_own(db_url):
    await upgrade(db_url)
    await downgrade(db_url, "referral_catalog@-1")
    revision = await current_revision(db_url) or ""
    assert "catalog_0001" not in revision and revision
    await upgrade(db_url)
    assert await schema_diff(db_url) == []
