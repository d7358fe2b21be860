"""The guideline service on SQLite and PostgreSQL: versions, four-eyes workflow, decisions."""

from __future__ import annotations

from datetime import date

import pytest

from decision_support.errors import (
    ContentError,
    CriterionNotApplicable,
    InvalidDeviation,
    InvalidRequest,
    PermissionDenied,
    UnknownVersion,
    WorkflowError,
)
from decision_support.model import Age, Deviation, Sex
from decision_support.service import GuidelineService
from tests.decision_support.service_support import (
    EDITOR,
    EDITOR_2,
    NURSE,
    SUPERVISOR,
    Clock,
    file_document,
    make_service,
    next_version_of,
    published,
)


async def test_the_file_library_is_current_until_a_version_is_published(
        service: GuidelineService):
    g = await service.get("feber-barn")
    assert g.version == "1.0" and g.sample_notice
    versions = await service.versions("feber-barn")
    assert [(v["version"], v["source"], v["current"]) for v in versions] == [
        ("1.0", "file", True)]
    assert service.search("barn feber")[0].guideline_id == "feber-barn"


async def test_a_published_version_replaces_the_file_and_the_old_one_is_kept(
        service: GuidelineService, clock: Clock):
    await published(service, next_version_of("feber-barn"), clock)
    current = await service.get("feber-barn")
    assert current.version == "1.1" and current.criterion("amb-ny") is not None
    assert (await service.get("feber-barn", version="1.0")).criterion("amb-ny") is None
    versions = await service.versions("feber-barn")
    assert [(v["version"], v["status"], v["current"]) for v in versions] == [
        ("1.0", "published", False), ("1.1", "published", True)]
    hits = service.search("glasögonorm i magen")
    assert hits[0].guideline_id == "feber-barn" and hits[0].version == "1.1"


async def test_the_database_version_wins_after_a_restart(
        service: GuidelineService, engine, clock: Clock, config):
    await published(service, next_version_of("huvudvark", "2.0"), clock)
    restarted = await make_service(engine, clock, config)
    assert (await restarted.get("huvudvark")).version == "2.0"


async def test_a_new_guideline_can_be_drafted_and_published(
        service: GuidelineService, clock: Clock):
    doc = file_document("halsont")
    doc.update(id="heshet", title="Heshet", version="1.0",
               search_terms={"symptoms": ["heshet", "hes röst"]})
    await published(service, doc, clock)
    assert (await service.get("heshet")).title == "Heshet"
    assert service.search("hes röst")[0].guideline_id == "heshet"


async def test_draft_content_is_validated_like_a_file_naming_field_and_problem(
        service: GuidelineService):
    doc = next_version_of("feber-barn")
    doc["levels"][1]["urgency"] = "SNART"
    doc["levels"][0]["criteria"][0]["sex"] = "okänt"
    with pytest.raises(ContentError) as caught:
        await service.create_draft(EDITOR, "feber-barn", doc)
    fields = {p.field: p.problem for p in caught.value.problems}
    assert "is not a configured urgency level" in fields["levels[1].urgency"]
    assert "not one of female, male" in fields["levels[0].criteria[0].sex"]


async def test_a_new_version_must_be_newer_than_the_newest_known(service: GuidelineService):
    doc = next_version_of("feber-barn", "1.0")
    with pytest.raises(ContentError, match="must be newer"):
        await service.create_draft(EDITOR, "feber-barn", doc)


async def test_only_content_editors_draft_and_the_author_may_not_approve(
        service: GuidelineService):
    with pytest.raises(PermissionDenied):
        await service.create_draft(NURSE, "feber-barn", next_version_of("feber-barn"))
    draft = await service.create_draft(EDITOR, "feber-barn", next_version_of("feber-barn"))
    await service.submit(EDITOR, draft.draft_id)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        await service.approve(EDITOR, draft.draft_id)
    with pytest.raises(PermissionDenied):
        await service.approve(NURSE, draft.draft_id)
    approved = await service.approve(SUPERVISOR, draft.draft_id, "ok")
    assert approved.status == "approved" and approved.approved_by == "sara"


async def test_an_editor_who_changed_a_draft_may_not_approve_it_either(
        service: GuidelineService):
    draft = await service.create_draft(EDITOR, "feber-barn", next_version_of("feber-barn"))
    doc = next_version_of("feber-barn")
    doc["summary"] = "Reviderad sammanfattning."
    await service.update_draft(EDITOR_2, draft.draft_id, doc)
    await service.submit(EDITOR, draft.draft_id)
    with pytest.raises(PermissionDenied):
        await service.approve(EDITOR_2, draft.draft_id)


async def test_a_reviewer_sends_a_draft_back_with_a_comment_and_it_can_be_fixed(
        service: GuidelineService, clock: Clock):
    draft = await service.create_draft(EDITOR, "feber-barn", next_version_of("feber-barn"))
    await service.submit(EDITOR, draft.draft_id)
    with pytest.raises(InvalidRequest):
        await service.reject(EDITOR_2, draft.draft_id, "  ")
    back = await service.reject(EDITOR_2, draft.draft_id, "Kriteriet amb-ny är för vagt")
    assert back.status == "draft"
    assert [(e.actor, e.action, e.comment) for e in back.events][-1] == (
        "eva", "rejected", "Kriteriet amb-ny är för vagt")
    doc = next_version_of("feber-barn")
    doc["levels"][0]["criteria"][-1]["text"] = "Andningsuppehåll längre än 20 sekunder"
    await service.update_draft(EDITOR, draft.draft_id, doc)
    await service.submit(EDITOR, draft.draft_id)
    await service.approve(EDITOR_2, draft.draft_id)
    await service.publish(EDITOR, draft.draft_id)
    assert (await service.get("feber-barn")).criterion("amb-ny").text.startswith("Andnings")


async def test_steps_out_of_order_are_refused(service: GuidelineService):
    draft = await service.create_draft(EDITOR, "feber-barn", next_version_of("feber-barn"))
    with pytest.raises(WorkflowError):
        await service.publish(EDITOR, draft.draft_id)
    with pytest.raises(WorkflowError):
        await service.approve(EDITOR_2, draft.draft_id)
    await service.submit(EDITOR, draft.draft_id)
    with pytest.raises(WorkflowError):
        await service.update_draft(EDITOR, draft.draft_id, next_version_of("feber-barn"))


async def test_diff_names_title_terms_criteria_care_types_and_advice(
        service: GuidelineService, clock: Clock):
    doc = next_version_of("feber-barn")
    doc["levels"][1]["care_types"] = ["AKUTMOTTAGNING"]
    doc["levels"][2]["criteria"][0]["text"] = "Feber över 40,5 grader"
    doc["levels"][3]["criteria"].pop()
    doc["self_care"].append("Vila.")
    await published(service, doc, clock)
    d = await service.diff("feber-barn", "1.0", "1.1")
    assert d.title == ("Feber hos barn över 3 månader", "Feber hos barn över 3 månader (reviderad)")
    assert d.terms_added == {"lay_terms": ["glasögonorm i magen"]}
    assert d.criteria["AMBULANS"]["added"] == [{"id": "amb-ny",
                                                "text": "Ny kritisk varningsflagga"}]
    assert d.criteria["INOM_NAGRA_TIMMAR"]["changed"][0]["id"] == "tim-1"
    assert d.criteria["INOM_ETT_DYGN"]["removed"][0]["id"] == "dygn-2"
    assert d.care_types["OMGAENDE"]["from"] == ["BARNAKUT"]
    assert d.advice["self_care"] == {"added": ["Vila."]}
    lines = d.lines()
    assert any("nytt kriterium amb-ny" in line for line in lines)
    assert any("BARNAKUT → AKUTMOTTAGNING" in line for line in lines)


async def test_an_unknown_version_is_reported(service: GuidelineService):
    with pytest.raises(UnknownVersion):
        await service.diff("feber-barn", "1.0", "9.9")


async def test_changes_since_a_date_list_old_and_new_version_with_a_summary(
        service: GuidelineService, clock: Clock):
    await published(service, next_version_of("feber-barn"), clock)
    clock.advance(days=3)
    await published(service, next_version_of("feber-barn", "1.2"), clock)
    all_changes = await service.changed_since(date(2026, 12, 1))
    assert [(c["old_version"], c["new_version"]) for c in all_changes] == [
        ("1.0", "1.1"), ("1.1", "1.2")]
    assert "amb-ny" in all_changes[0]["summary"]
    recent = await service.changed_since(date(2026, 12, 9))
    assert [(c["guideline_id"], c["new_version"]) for c in recent] == [("feber-barn", "1.2")]


async def test_a_deviating_decision_is_stored_and_counted_per_guideline_version(
        service: GuidelineService, clock: Clock):
    common = {"age": Age.of_years(4), "sex": Sex.FEMALE}
    await service.record_decision(NURSE, "feber-barn", ["dygn-1"], urgency="INOM_ETT_DYGN",
                                  care_type="VARDCENTRAL", deviation=None, **common)
    await service.record_decision(
        NURSE, "feber-barn", ["dygn-1"], urgency="INOM_NAGRA_DAGAR", care_type="VARDCENTRAL",
        deviation=Deviation("PATIENT_PREFERENCE", "Föräldern vill vänta till måndag"), **common)
    with pytest.raises(InvalidDeviation):
        await service.record_decision(NURSE, "feber-barn", ["dygn-1"], urgency="EGENVARD",
                                      care_type="EGENVARD", deviation=None, **common)
    with pytest.raises(PermissionDenied):
        await service.deviation_counts(NURSE)
    [summary] = await service.deviation_counts(EDITOR)
    assert (summary.guideline_id, summary.guideline_version) == ("feber-barn", "1.0")
    assert (summary.decisions, summary.deviations) == (2, 1)
    assert summary.by_reason == {"PATIENT_PREFERENCE": 1}


async def test_assessment_rejects_a_criterion_that_does_not_apply_to_the_patient(
        service: GuidelineService, clock: Clock):
    g = await service.get("feber-barn")
    result = await service.assess("feber-barn", ["omg-1"], age=Age.of_years(2), sex=None,
                                  at=clock())
    assert result.urgency.code == "OMGAENDE" and result.sample_notice == g.sample_notice
    sex_bound = next(c for c in (await service.get("testikelsmarta")).criteria if c.sex)
    with pytest.raises(CriterionNotApplicable):
        await service.assess("testikelsmarta", [sex_bound.id], age=Age.of_years(30),
                             sex=Sex.FEMALE if sex_bound.sex is Sex.MALE else Sex.MALE,
                             at=clock())


async def test_a_region_sees_its_overlay_on_the_current_version(service: GuidelineService):
    region, overlays = next(iter(service.library.overlays.items()))
    gid = next(iter(overlays))
    regional = await service.get(gid, region=region)
    assert regional.region == region and regional.regional_notes


async def test_a_licensed_content_set_loads_the_same_way_without_a_notice(
        engine, clock: Clock, config, tmp_path):
    import re
    import shutil

    from decision_support.content import DEFAULT_CONTENT_DIR

    licensed = tmp_path / "licensed"
    shutil.copytree(DEFAULT_CONTENT_DIR, licensed)
    (licensed / "content_set.toml").write_text(
        'id = "sample"\nname = "Licensierat paket"\npublisher = "Förlaget"\n'
        'licence = "proprietär"\nsample = false\n', encoding="utf-8")
    for path in licensed.glob("*.toml"):
        path.write_text(re.sub(r"(?m)^sample_notice = .*\n", "", path.read_text("utf-8")),
                        encoding="utf-8")
    service = await make_service(engine, clock, config, licensed)
    assert service.sample_notice == ""
    assert not (await service.get("feber-barn")).sample_notice
    doc = next_version_of("feber-barn")
    del doc["sample_notice"]
    await published(service, doc, clock)
    assert not (await service.get("feber-barn")).sample_notice
