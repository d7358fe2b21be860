"""The ``decision_support`` migration branch makes exactly the tables of ``sql.py``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from decision_support import sql

TABLES = {"guideline_versions", "guideline_review_events", "guideline_decisions"}


async def _compare(url: str) -> tuple[list[object], set[str]]:
    from contactcenter.db import create_engine

    engine = create_engine(url)

    def run(sync):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(sync, opts={
            "compare_type": True,
            # other contexts' tables are theirs to compare
            "include_name": lambda name, kind, _p: kind != "table" or name in TABLES})
        return compare_metadata(context, sql.metadata), set(inspect(sync).get_table_names())

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(run)
    finally:
        await engine.dispose()


async def test_the_migration_creates_tables_identical_to_the_table_definitions(db_url: str):
    from contactcenter.db import upgrade

    await upgrade(db_url)
    differences, tables = await _compare(db_url)
    assert differences == []
    assert tables >= TABLES


async def test_the_branch_downgrades_to_the_foundation_and_up_again(db_url: str):
    from contactcenter.db import downgrade, upgrade

    await upgrade(db_url)
    await downgrade(db_url, "decision_support@0001_foundation")
    _, tables = await _compare(db_url)
    assert not tables & TABLES and "calls" in tables
    await upgrade(db_url)
    differences, tables = await _compare(db_url)
    assert differences == [] and tables >= TABLES


def test_constraint_names_follow_the_shared_naming_convention():
    from shared_kernel.naming import NAMING_CONVENTION

    assert sql.NAMING_CONVENTION == NAMING_CONVENTION
