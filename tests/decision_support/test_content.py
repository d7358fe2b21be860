"""Guideline content: the sample library, schema validation and regional overlays."""

from __future__ import annotations

from pathlib import Path

import pytest

from decision_support.content import (
    DEFAULT_CONFIG_PATH,
    DEFAULT_CONTENT_DIR,
    GuidelineLibrary,
    check_content,
    load_config,
    load_library,
)
from decision_support.errors import ContentError, UnknownGuideline
from decision_support.model import Age, Audience, DecisionSupportConfig, GuidelineStatus

NOTICE = "Exempelinnehåll – ej godkänt för kliniskt bruk"

MANIFEST = """
id = "test"
name = "Testinnehåll"
publisher = "Testförlaget"
licence = "CC0"
sample = true
notice = "Exempel"
"""

GOOD = """
id = "{id}"
title = "Testriktlinje"
version = "1.0"
status = "approved"
content_set = "test"
sample_notice = "Exempel"
safety_net = ["Ring igen om det blir värre."]

[audience]
group = "both"

[search_terms]
symptoms = ["testsymtom"]

[[levels]]
urgency = "AMBULANS"
care_types = ["AMBULANS_112"]
criteria = [{{ id = "a", text = "Livshotande" }}]

[[levels]]
urgency = "EGENVARD"
care_types = ["EGENVARD"]
criteria = [{{ id = "b", text = "Lindrigt", max_age = "18y" }}]
"""


def write_set(root: Path, files: dict[str, str], manifest: str = MANIFEST) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if manifest:
        (root / "content_set.toml").write_text(manifest, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_sample_library_has_at_least_sixty_valid_guidelines(library: GuidelineLibrary) -> None:
    assert check_content(DEFAULT_CONTENT_DIR) == []
    assert len(library.guidelines) >= 60


def test_every_sample_guideline_is_marked_not_approved_for_clinical_use(
    library: GuidelineLibrary,
) -> None:
    assert library.content_set.is_sample
    assert library.content_set.notice == NOTICE
    for g in library.guidelines:
        assert g.content_set == "sample"
        assert g.is_sample and g.sample_notice == NOTICE, g.id


def test_the_sample_library_covers_adults_children_and_infants(library: GuidelineLibrary) -> None:
    ids = {g.id for g in library.guidelines}
    assert {"feber-vuxen", "feber-barn", "feber-spadbarn", "krupp", "brostsmarta"} <= ids
    audiences = {g.audience for g in library.guidelines}
    assert audiences == {Audience.ADULT, Audience.CHILD, Audience.BOTH}


def test_urgency_levels_and_care_types_come_from_configuration(
    config: DecisionSupportConfig,
) -> None:
    assert [u.code for u in config.urgency_levels][:2] == ["AMBULANS", "OMGAENDE"]
    assert config.urgency("EGENVARD").rank == 6
    assert config.care_type("BARNAKUT").name == "Barnakut"
    assert config.deviation_reason("PATIENT_PREFERENCE")


def test_a_valid_directory_loads_with_its_manifest(tmp_path: Path) -> None:
    root = write_set(tmp_path / "set", {"t1.toml": GOOD.format(id="t1")})
    lib = load_library(root, load_config())
    assert lib.content_set.publisher == "Testförlaget"
    g = lib.get("t1")
    assert g.status is GuidelineStatus.APPROVED
    assert g.criterion("b").ages.max_days == Age.of_years(18).days


def test_a_licensed_content_set_needs_no_sample_notice(tmp_path: Path) -> None:
    manifest = MANIFEST.replace("sample = true", "sample = false").replace('notice = "Exempel"', "")
    text = GOOD.format(id="t1").replace('sample_notice = "Exempel"\n', "")
    lib = load_library(write_set(tmp_path / "lic", {"t1.toml": text}, manifest))
    assert not lib.content_set.is_sample
    assert not lib.get("t1").is_sample


def test_validation_names_file_field_and_problem_and_collects_every_error(tmp_path: Path) -> None:
    bad = (
        GOOD.format(id="t1")
        .replace('status = "approved"', 'status = "published"')
        .replace('urgency = "AMBULANS"', 'urgency = "SNART"')
        .replace('max_age = "18y"', 'max_age = "arton"')
        .replace('group = "both"', 'group = "alla"')
        + "\nextra_field = 1\n"
    )
    root = write_set(tmp_path / "bad", {"t1.toml": bad})
    problems = check_content(root)
    found = {(Path(p.file).name, p.field) for p in problems}
    assert ("t1.toml", "status") in found
    assert ("t1.toml", "levels[0].urgency") in found
    assert ("t1.toml", "levels[1].criteria[0].max_age") in found
    assert ("t1.toml", "audience.group") in found
    assert ("t1.toml", "levels[1].extra_field") in found
    by_field = {p.field: p.problem for p in problems}
    assert "'published' is not one of draft, in_review, approved, retired" in by_field["status"]
    assert "'SNART' is not a configured urgency level" in by_field["levels[0].urgency"]
    assert "write e.g. '28d', '3m' or '16y'" in by_field["levels[1].criteria[0].max_age"]
    with pytest.raises(ContentError) as err:
        load_library(root)
    assert len(err.value.problems) == len(problems)
    assert "t1.toml: status:" in str(err.value)


def test_a_missing_sample_notice_in_a_sample_set_is_a_problem(tmp_path: Path) -> None:
    text = GOOD.format(id="t1").replace('sample_notice = "Exempel"\n', "")
    problems = check_content(write_set(tmp_path / "s", {"t1.toml": text}))
    assert [(p.field, p.problem) for p in problems] == [
        ("sample_notice", "is required: the content set is sample content")
    ]


def test_duplicate_criterion_ids_unknown_care_types_and_wrong_file_names_are_reported(
    tmp_path: Path,
) -> None:
    text = (
        GOOD.format(id="other")
        .replace('id = "b"', 'id = "a"')
        .replace('care_types = ["EGENVARD"]', 'care_types = ["HEMTJANST"]')
    )
    problems = check_content(write_set(tmp_path / "d", {"t1.toml": text}))
    messages = {p.field: p.problem for p in problems}
    assert messages["id"] == "'other' must match the file name (t1.toml)"
    assert messages["levels[1].criteria[0].id"].startswith("'a' is used by another criterion")
    assert messages["levels[1].care_types[0]"] == "'HEMTJANST' is not a configured care type"


def test_broken_toml_and_a_missing_manifest_are_reported_not_raised(tmp_path: Path) -> None:
    root = write_set(tmp_path / "m", {"t1.toml": "id = \n"}, manifest="")
    problems = check_content(root)
    files = sorted(Path(p.file).name for p in problems)
    assert files == ["content_set.toml", "t1.toml"]
    assert any("is not valid TOML" in p.problem for p in problems)


def test_a_single_file_can_be_checked(tmp_path: Path) -> None:
    root = write_set(tmp_path / "f", {"t1.toml": GOOD.format(id="t1").replace("1.0", "v1")})
    problems = check_content(root / "t1.toml")
    assert [(p.field, p.problem) for p in problems] == [
        ("version", "'v1' must look like '1', '1.2' or '1.2.3'")
    ]
    assert str(problems[0]).endswith("t1.toml: version: 'v1' must look like '1', '1.2' or '1.2.3'")


def test_a_regional_overlay_adds_notes_and_replaces_referral_without_copying_content(
    tmp_path: Path,
) -> None:
    overlay = """
guideline_id = "t1"
region = "12"
notes = ["Lokal rutin: ring jourläkaren."]

[care_overrides]
EGENVARD = ["APOTEK", "EGENVARD"]
"""
    root = write_set(
        tmp_path / "r", {"t1.toml": GOOD.format(id="t1"), "regional/12/t1.toml": overlay}
    )
    lib = load_library(root)
    national, regional = lib.get("t1"), lib.get("t1", region="12")
    assert national.block("EGENVARD").care_types == ("EGENVARD",)
    assert regional.block("EGENVARD").care_types == ("APOTEK", "EGENVARD")
    assert regional.block("AMBULANS") == national.block("AMBULANS")
    assert regional.regional_notes == ("Lokal rutin: ring jourläkaren.",)
    assert regional.region == "12" and regional.overridden_urgencies == ("EGENVARD",)
    assert lib.get("t1", region="01") == national
    assert [g.region for g in lib.for_region("12")] == ["12"]


def test_an_overlay_for_a_missing_guideline_or_level_is_rejected(tmp_path: Path) -> None:
    overlay = 'guideline_id = "t2"\nregion = "12"\n[care_overrides]\nOMGAENDE = ["APOTEK"]\n'
    overlay2 = 'guideline_id = "t1"\nregion = "13"\n[care_overrides]\nOMGAENDE = ["APOTEK"]\n'
    root = write_set(
        tmp_path / "o",
        {
            "t1.toml": GOOD.format(id="t1"),
            "regional/12/t2.toml": overlay,
            "regional/12/t1.toml": overlay2,
        },
    )
    messages = {(Path(p.file).name, p.field): p.problem for p in check_content(root)}
    assert messages[("t2.toml", "guideline_id")] == (
        "'t2' is not a national guideline in this content set"
    )
    assert messages[("t1.toml", "region")] == "'13' must match the directory name (12)"
    assert messages[("t1.toml", "care_overrides.OMGAENDE")] == (
        "guideline 't1' has no urgency level 'OMGAENDE'"
    )


def test_the_shipped_regional_overlay_applies(library: GuidelineLibrary) -> None:
    g = library.get("tandvark", region="01")
    assert g.block("OMGAENDE").care_types[0] == "TANDVARDSJOUR"
    assert g.regional_notes


def test_an_unknown_guideline_id_raises(library: GuidelineLibrary) -> None:
    with pytest.raises(UnknownGuideline):
        library.get("finns-inte")


def test_editorial_status_allows_only_the_workflow_transitions() -> None:
    assert GuidelineStatus.DRAFT.can_become(GuidelineStatus.IN_REVIEW)
    assert GuidelineStatus.IN_REVIEW.can_become(GuidelineStatus.APPROVED)
    assert not GuidelineStatus.DRAFT.can_become(GuidelineStatus.APPROVED)
    assert not GuidelineStatus.RETIRED.can_become(GuidelineStatus.APPROVED)


def test_configuration_problems_name_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "decision_support.toml"
    bad.write_text(
        '[[urgency_levels]]\ncode = "akut"\nname = "Akut"\nrank = 0\n'
        '[[care_types]]\ncode = "VC"\nname = "Vårdcentral"\ncolour = "red"\n'
        '[office_hours]\ntimezone = "Europe/Stokholm"\nopens = "8"\ncloses = "17:00"\n',
        encoding="utf-8",
    )
    problems = check_content(DEFAULT_CONTENT_DIR, config_path=bad)
    found = {(Path(p.file).name, p.field): p.problem for p in problems}
    assert found[("decision_support.toml", "urgency_levels[0].code")] == (
        "'akut' must be UPPER_CASE letters, digits and _"
    )
    assert found[("decision_support.toml", "urgency_levels[0].rank")].startswith("must be a whole")
    assert ("decision_support.toml", "care_types[0].colour") in found
    assert found[("decision_support.toml", "office_hours.timezone")] == (
        "'Europe/Stokholm' is not a known time zone (e.g. Europe/Stockholm)"
    )
    assert found[("decision_support.toml", "office_hours.opens")] == (
        "'8' is not a time of day like '08:00'"
    )
    assert found[("decision_support.toml", "deviation_reasons")] == (
        "must list at least one coded reason"
    )
    assert {Path(p.file).name for p in problems} == {"decision_support.toml"}
    with pytest.raises(ContentError):
        load_config(bad)


def test_a_guideline_file_that_is_not_utf8_is_a_problem_naming_the_line(tmp_path: Path):
    import shutil

    content = tmp_path / "guidelines"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    path = content / "feber-barn.toml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("månader")].count("\n") + 1
    path.write_bytes(text.encode().replace("månader".encode(), "månader".encode("latin-1"), 1))
    problems = check_content(content)
    (ours,) = [p for p in problems if p.file == str(path)]  # an overlay of it is flagged too
    assert ours.field == ""
    assert ours.problem.startswith(f"line {line}: is not valid UTF-8 (byte 0xe5)")
    with pytest.raises(ContentError) as caught:
        load_library(content)
    assert ours in caught.value.problems


def test_a_decision_support_toml_that_is_not_utf8_is_a_content_error(tmp_path: Path):
    path = tmp_path / "decision_support.toml"
    path.write_bytes(DEFAULT_CONFIG_PATH.read_bytes().replace("Egenvård".encode(),
                                                              "Egenvård".encode("latin-1")))
    with pytest.raises(ContentError, match="is not valid UTF-8"):
        load_config(path)
