"""Guidelines as JSON documents: the stored form of a version and the API's form.

A stored version's content is the same document a guideline TOML file decodes
to, so :func:`parse_document` validates it with the file schema
(:func:`decision_support.schema.parse_guideline`) and every problem names the
field and what is wrong. :func:`to_document` is the inverse (ages written in
days, so a round trip is exact); :func:`to_plain` adds what a reader of the
API needs next to the content (status, region, notes, sample notice).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from decision_support.errors import ContentError
from decision_support.model import (
    ContentSet,
    DecisionSupportConfig,
    Guideline,
    GuidelineStatus,
)
from decision_support.schema import ContentProblem, Problems, parse_guideline

__all__ = ["parse_document", "to_document", "to_plain", "with_status"]

_TERM_FIELDS = ("symptoms", "body_parts", "events", "lay_terms", "misspellings", "synonyms")


def parse_document(
    data: Any,
    guideline_id: str,
    config: DecisionSupportConfig,
    content_set: ContentSet | None,
    *,
    source: str = "draft",
) -> tuple[Guideline | None, list[ContentProblem]]:
    """Validate a JSON document as guideline ``guideline_id``; problems name field and problem.

    ``source`` is what the problems name as their file (``draft`` for the editor).
    """
    problems = Problems()
    if not isinstance(data, dict):
        problems.add(source, "", "content must be a JSON object (the guideline document)")
        return None, problems.items
    # The schema checks the id against the file name; a draft's "file" is its id.
    guideline = parse_guideline(data, Path(source) / f"{guideline_id}.toml", config,
                                content_set, problems)
    return guideline, [ContentProblem(source, p.field, p.problem) for p in problems.items]


def parse_draft(content: Any, guideline_id: str, config: DecisionSupportConfig,
                content_set: ContentSet) -> tuple[Guideline, dict[str, Any]]:
    """An editor's draft content as a guideline, and the document to store (status
    ``draft``, the id, content set and sample notice filled in where not given); raises
    :class:`~decision_support.errors.ContentError` naming every problem."""
    if not isinstance(content, dict):
        raise ContentError([ContentProblem("draft", "", "content must be a JSON object")])
    doc = {**content, "status": GuidelineStatus.DRAFT.value}
    doc.setdefault("id", guideline_id)
    doc.setdefault("content_set", content_set.id)
    if content_set.is_sample:
        doc.setdefault("sample_notice", content_set.notice)
    guideline, problems = parse_document(doc, guideline_id, config, content_set)
    if problems or guideline is None:
        raise ContentError(problems)
    return guideline, doc


def _age(days: int | None) -> str | None:
    return None if days is None else f"{days}d"


def to_document(g: Guideline) -> dict[str, Any]:
    """The guideline as the JSON document a TOML file would decode to (national text)."""
    audience: dict[str, Any] = {"group": g.audience.value}
    for key, days in (("min_age", g.ages.min_days), ("max_age", g.ages.max_days)):
        if days is not None:
            audience[key] = _age(days)
    levels = []
    for block in g.levels:
        criteria = []
        for c in block.criteria:
            item: dict[str, Any] = {"id": c.id, "text": c.text}
            if c.ages.min_days is not None:
                item["min_age"] = _age(c.ages.min_days)
            if c.ages.max_days is not None:
                item["max_age"] = _age(c.ages.max_days)
            if c.sex is not None:
                item["sex"] = c.sex.value
            criteria.append(item)
        level: dict[str, Any] = {"urgency": block.urgency, "care_types": list(block.care_types),
                                 "criteria": criteria}
        if block.out_of_hours_care_types:
            level["out_of_hours_care_types"] = list(block.out_of_hours_care_types)
        levels.append(level)
    doc: dict[str, Any] = {
        "id": g.id,
        "title": g.title,
        "version": g.version,
        "status": g.status.value,
        "content_set": g.content_set,
        "audience": audience,
        "search_terms": {f: list(getattr(g.search_terms, f)) for f in _TERM_FIELDS
                         if getattr(g.search_terms, f)},
        "levels": levels,
        "self_care": list(g.self_care),
        "safety_net": list(g.safety_net),
        "references": [{k: v for k, v in (("title", r.title), ("publisher", r.publisher),
                                          ("url", r.url)) if v} for r in g.references],
    }
    if g.sample_notice:
        doc["sample_notice"] = g.sample_notice
    if g.summary:
        doc["summary"] = g.summary
    return doc


def to_plain(g: Guideline, *, state: str | None = None) -> dict[str, Any]:
    """The API's view of a guideline: the document plus region, notes and editorial state."""
    plain = to_document(g)
    plain["status"] = state or g.status.value
    plain["region"] = g.region
    plain["regional_notes"] = list(g.regional_notes)
    plain["overridden_urgencies"] = list(g.overridden_urgencies)
    return plain


def with_status(g: Guideline, status: GuidelineStatus) -> Guideline:
    """The same guideline value with another editorial status."""
    return replace(g, status=status)
