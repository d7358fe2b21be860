"""The journal configuration file and the demo data it is used with."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from journal import model
from journal.config import JournalConfigError, config_from_dict, load_config
from journal.demo_data import SAMPLE_MARK, demo_entries, demo_entry
from journal.identity_numbers import parse_identity


def test_the_shipped_configuration_has_the_default_urgency_levels():
    config = load_config()
    assert list(config.urgencies) == ["AMBULANS", "OMGAENDE", "INOM_NAGRA_TIMMAR",
                                      "INOM_ETT_DYGN", "INOM_NAGRA_DAGAR", "EGENVARD"]
    assert config.retention_years == 10 and "OVRIGT" in config.contact_reasons


def test_configuration_errors_name_the_file_and_key():
    raw = {"contact_reasons": {"A": "a"}, "urgencies": {"U": "u"},
           "deviation_reasons": {"D": "d"}, "retention": {"years": 0}}
    with pytest.raises(JournalConfigError, match=r"x\.toml: retention\.years"):
        config_from_dict(raw, "x.toml")
    with pytest.raises(JournalConfigError, match=r"\[urgencies\]"):
        config_from_dict({**raw, "retention": {}, "urgencies": {}}, "x.toml")
    with pytest.raises(JournalConfigError, match="reservnummer.01"):
        config_from_dict({**raw, "retention": {}, "reservnummer": {"01": {"check": "mod97"}}})


def test_every_unknown_key_and_wrong_type_is_reported_together():
    raw = {"contact_reasons": {"A": "a"}, "urgencies": {"U": 2}, "deviation_reasons": {"D": "d"},
           "retention": {"years": "ten", "keep": True}, "export": 5, "colours": {},
           "reservnummer": {"01": "99\\d{10}", "14": {"pattern": "[", "check": "none"}}}
    with pytest.raises(JournalConfigError) as caught:
        config_from_dict(raw, "x.toml")
    assert [p.split(":")[1].strip() for p in caught.value.problems] == [
        "export", "colours", "retention.years", "retention.keep", "urgencies.U",
        "reservnummer.01", "reservnummer.14.pattern"]


def test_demo_entries_are_signable_fictional_and_have_valid_identity_numbers():
    config = load_config()
    for entry in demo_entries(400, seed=42):
        assert model.signing_problems(entry, config.vocabulary) == []
        model.check_content(entry.content, config.vocabulary)
        person = entry.content.person
        if person.number:
            parsed = parse_identity(person.kind, person.number, entry.created_at.date())
            assert parsed.number == person.number
        assert entry.content.notes.listen_summary.startswith(SAMPLE_MARK)
        assert "(fiktiv)" in entry.nurse_name


def test_demo_entries_are_reproducible_from_their_seed():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert demo_entry(random.Random(5), at) == demo_entry(random.Random(5), at)


def test_demo_entries_share_the_care_provider_a_user_of_their_region_gets():
    from contactcenter.contexts import care_provider_of, care_providers
    from contactcenter.settings import load_settings

    settings = load_settings()
    entries = list(demo_entries(200, seed=3))
    assert {e.region for e in entries} >= {"01", "03"}
    for entry in entries:
        assert entry.care_provider == care_provider_of(settings, frozenset({entry.region}))
    given = {"01": "vg-a", "03": "vg-b"}
    for entry in demo_entries(50, seed=3, regions=["01", "03"], care_providers=given):
        assert entry.care_provider == given[entry.region]
    assert care_providers(settings)["01"] == care_provider_of(settings, frozenset({"01"}))
