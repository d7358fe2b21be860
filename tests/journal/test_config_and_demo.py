"""The journal configuration file and the demo data it is used with."""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, datetime

import pytest

from journal import model
from journal.config import DEFAULT_PATH, JournalConfigError, SharedCodes, config_from_dict
from journal.demo_data import SAMPLE_MARK, demo_entries, demo_entry
from journal.identity_numbers import parse_identity
from tests.journal.conftest import shipped_config

SHARED = SharedCodes(urgencies={"U": "u"}, care_types={"EGENVARD": "Egenvård", "VC": "vc"},
                     deviation_reasons={"D": "d", "E": "e"}, source="ds.toml")


def test_the_shipped_configuration_has_decision_supports_urgencies_care_types_and_reasons():
    config = shipped_config()
    assert list(config.urgencies) == ["AMBULANS", "OMGAENDE", "INOM_NAGRA_TIMMAR",
                                      "INOM_ETT_DYGN", "INOM_NAGRA_DAGAR", "EGENVARD"]
    assert "UNIT_UNAVAILABLE" in config.deviation_reasons
    assert "NO_UNIT_OPEN" not in config.deviation_reasons
    assert config.care_types["EGENVARD"] == "Egenvård"
    assert config.retention_years == 10 and "OVRIGT" in config.contact_reasons


def test_the_shipped_journal_toml_keeps_no_copy_of_decision_supports_lists():
    raw = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert not {"urgencies", "care_types", "deviation_reasons"} & raw.keys()


def test_the_journal_takes_its_shared_lists_from_decision_support():
    config = config_from_dict({"contact_reasons": {"A": "a"}}, "x.toml", shared=SHARED)
    assert config.urgencies == {"U": "u"} and config.deviation_reasons == {"D": "d", "E": "e"}
    assert config.vocabulary.care_types == {"EGENVARD", "VC"}


def test_a_journal_toml_list_that_disagrees_with_decision_support_names_file_key_and_codes():
    raw = {"contact_reasons": {"A": "a"}, "deviation_reasons": {"D": "d", "NO_UNIT_OPEN": "x"}}
    with pytest.raises(JournalConfigError) as caught:
        config_from_dict(raw, "x.toml", shared=SHARED)
    assert caught.value.problems == [(
        "x.toml: deviation_reasons: disagrees with ds.toml deviation_reasons (only here: "
        "NO_UNIT_OPEN; only there: E); the list is configured in ds.toml: remove this table")]
    agreeing = {**raw, "deviation_reasons": {"E": "", "D": "d"}, "urgencies": {"U": "x"}}
    assert config_from_dict(agreeing, "x.toml", shared=SHARED).deviation_reasons == {
        "D": "d", "E": "e"}  # the names are decision support's


def test_decision_support_without_a_self_care_care_type_is_refused():
    shared = SharedCodes({"U": "u"}, {"VC": "vc"}, {"D": "d"}, "ds.toml")
    with pytest.raises(JournalConfigError, match=r"ds\.toml: care_types: must include EGENVARD"):
        config_from_dict({"contact_reasons": {"A": "a"}}, "x.toml", shared=shared)


def test_configuration_errors_name_the_file_and_key():
    raw = {"contact_reasons": {"A": "a"}, "retention": {"years": 0}}
    with pytest.raises(JournalConfigError, match=r"x\.toml: retention\.years"):
        config_from_dict(raw, "x.toml", shared=SHARED)
    with pytest.raises(JournalConfigError, match=r"\[contact_reasons\]"):
        config_from_dict({**raw, "retention": {}, "contact_reasons": {}}, "x.toml",
                         shared=SHARED)
    with pytest.raises(JournalConfigError, match="reservnummer.01"):
        config_from_dict({**raw, "retention": {}, "reservnummer": {"01": {"check": "mod97"}}},
                         shared=SHARED)


def test_every_unknown_key_and_wrong_type_is_reported_together():
    raw = {"contact_reasons": {"A": 2}, "urgencies": {"V": "v"},
           "retention": {"years": "ten", "keep": True}, "export": 5, "colours": {},
           "reservnummer": {"01": "99\\d{10}", "14": {"pattern": "[", "check": "none"}}}
    with pytest.raises(JournalConfigError) as caught:
        config_from_dict(raw, "x.toml", shared=SHARED)
    assert [p.split(":")[1].strip() for p in caught.value.problems] == [
        "export", "colours", "retention.years", "retention.keep", "contact_reasons.A",
        "urgencies", "reservnummer.01", "reservnummer.14.pattern"]


def test_demo_entries_are_signable_fictional_and_have_valid_identity_numbers():
    config = shipped_config()
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
