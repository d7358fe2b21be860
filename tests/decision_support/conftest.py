"""Shared fixtures: the shipped sample library, its configuration and a search index."""

from __future__ import annotations

import pytest

from decision_support.content import GuidelineLibrary, load_config, load_library
from decision_support.model import DecisionSupportConfig
from decision_support.search import GuidelineIndex


@pytest.fixture(scope="session")
def config() -> DecisionSupportConfig:
    return load_config()


@pytest.fixture(scope="session")
def library(config: DecisionSupportConfig) -> GuidelineLibrary:
    return load_library(config=config)


@pytest.fixture(scope="session")
def index(library: GuidelineLibrary) -> GuidelineIndex:
    return GuidelineIndex.build(library.guidelines)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    from tests.decision_support.service_support import Clock

    return Clock()


@pytest.fixture
async def engine(db_url: str):  # type: ignore[no-untyped-def]
    """An engine on a migrated database (SQLite, and PostgreSQL when configured)."""
    from tests.decision_support.service_support import engine_for

    async for e in engine_for(db_url):
        yield e


@pytest.fixture
async def service(engine, clock, config):  # type: ignore[no-untyped-def]
    from tests.decision_support.service_support import make_service

    svc = await make_service(engine, clock, config)
    yield svc
    import gc

    gc.unfreeze()
