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
