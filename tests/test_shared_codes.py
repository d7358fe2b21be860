"""Urgencies, care types and deviation reasons are one coded list each for guidelines,
catalog and journal: decision support's configuration (``decision_support.toml``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from contactcenter.contexts import check_catalog_care_types, journal_config
from contactcenter.settings import load_settings
from decision_support.content import DEFAULT_CONFIG_PATH, load_config
from decision_support.errors import ContentError
from referral_catalog.model import CareType

GUIDELINES = load_config()


def test_every_catalog_care_type_is_a_decision_support_care_type_code():
    configured = {c.code for c in GUIDELINES.care_types}
    assert {t.value for t in CareType} <= configured
    check_catalog_care_types(GUIDELINES, DEFAULT_CONFIG_PATH)  # the start check agrees


def test_a_decision_support_configuration_without_a_catalog_care_type_stops_the_start():
    without_bvc = replace(GUIDELINES, care_types=tuple(
        c for c in GUIDELINES.care_types if c.code != "BVC"))
    with pytest.raises(ContentError) as caught:
        check_catalog_care_types(without_bvc, "decision_support.toml")
    assert str(caught.value.problems[0]).startswith(
        "decision_support.toml: care_types: the referral catalog's care types BVC ")


def test_the_journal_is_handed_decision_supports_lists_by_the_composition_root(
        config_copy: Path):
    config = journal_config(load_settings(config_dir=config_copy, env={}))
    assert config.urgencies == {u.code: u.name for u in GUIDELINES.urgency_levels}
    assert config.care_types == {c.code: c.name for c in GUIDELINES.care_types}
    assert config.deviation_reasons == {r.code: r.name for r in GUIDELINES.deviation_reasons}


def test_the_journal_follows_the_configuration_folders_decision_support_lists(
        config_copy: Path):
    path = config_copy / "decision_support.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('code = "REGIONAL_ROUTINE"', 'code = "LOCAL_ROUTINE"'),
                    encoding="utf-8")
    config = journal_config(load_settings(config_dir=config_copy, env={}))
    assert "LOCAL_ROUTINE" in config.vocabulary.deviation_reasons
    assert "REGIONAL_ROUTINE" not in config.vocabulary.deviation_reasons
