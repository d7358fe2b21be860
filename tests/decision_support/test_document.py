"""Guidelines as JSON documents and the field-level diff, without a database."""

from __future__ import annotations

import copy

from decision_support.content import GuidelineLibrary
from decision_support.diff import diff
from decision_support.document import parse_document, to_document
from decision_support.model import DecisionSupportConfig


def test_every_shipped_guideline_survives_a_round_trip_through_its_document(
        library: GuidelineLibrary, config: DecisionSupportConfig):
    for g in library.guidelines:
        parsed, problems = parse_document(to_document(g), g.id, config, library.content_set)
        assert problems == [] and parsed == g


def test_a_document_is_checked_by_the_file_schema_and_problems_name_the_draft(
        library: GuidelineLibrary, config: DecisionSupportConfig):
    doc = to_document(library.get("halsont"))
    doc["levels"][0]["criteria"][0]["min_age"] = "tre år"
    doc["colour"] = "blå"
    _, problems = parse_document(doc, "halsont", config, library.content_set)
    assert {(p.file, p.field) for p in problems} == {
        ("draft", "levels[0].criteria[0].min_age"), ("draft", "colour")}


def test_a_document_with_another_id_than_the_guideline_is_refused(
        library: GuidelineLibrary, config: DecisionSupportConfig):
    doc = to_document(library.get("halsont"))
    _, problems = parse_document(doc, "tandvark", config, library.content_set)
    assert [p.field for p in problems] == ["id"]


def test_identical_versions_have_an_empty_diff(library: GuidelineLibrary):
    g = library.get("huvudvark")
    d = diff(g, g)
    assert d.is_empty and d.summary() == "inga innehållsändringar"


def test_a_criterion_moved_to_another_level_is_reported_as_changed(
        library: GuidelineLibrary, config: DecisionSupportConfig):
    old = library.get("feber-barn")
    doc = copy.deepcopy(to_document(old))
    moved = doc["levels"][3]["criteria"].pop(0)
    doc["levels"][2]["criteria"].append(moved)
    doc["version"] = "1.1"
    new, problems = parse_document(doc, "feber-barn", config, library.content_set)
    assert not problems and new is not None
    change = diff(old, new).criteria["INOM_NAGRA_TIMMAR"]["changed"][0]
    assert change["id"] == moved["id"]
    assert change["changes"] == ["flyttat från INOM_ETT_DYGN till INOM_NAGRA_TIMMAR"]
