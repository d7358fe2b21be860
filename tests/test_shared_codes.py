"""Urgencies, care types and deviation reasons are one coded list each for guidelines,
catalog and journal: decision support's configuration (``decision_support.toml``)."""

from __future__ import annotations

from pathlib import Path

from contactcenter.contexts import journal_config
from contactcenter.settings import load_settings
from decision_support.content import load_config

GUIDELINES = load_config()


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
