"""The content schema: field-by-field parsing of decoded TOML into model values.

Hand-written rather than JSON Schema so that every message names the field path
in the editor's terms and the checks that need configuration (known urgency and
care-type codes, the content set's sample notice) sit next to the shape checks.
Parsers never raise on bad content: they record a :class:`ContentProblem` and
carry on, so one run reports everything that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from decision_support.model import (
    Audience,
    ContentSet,
    Criterion,
    DecisionSupportConfig,
    Guideline,
    GuidelineStatus,
    Reference,
    RegionalOverlay,
    SearchTerms,
    UrgencyBlock,
)
from decision_support.patient import DAYS_PER_MONTH, DAYS_PER_YEAR, AgeRange, Sex

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]*$")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dmy])\s*$")
_VERSION = re.compile(r"^\d+(\.\d+){0,2}$")
_TERM_FIELDS = ("symptoms", "body_parts", "events", "lay_terms", "misspellings", "synonyms")


@dataclass(frozen=True)
class ContentProblem:
    """One problem found in content: which file, which field path, and what is wrong."""

    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.problem}"


@dataclass
class Problems:
    """Collector of :class:`ContentProblem` values."""

    items: list[ContentProblem] = field(default_factory=list)

    def add(self, file: Path | str, field_path: str, problem: str) -> None:
        """Record one problem."""
        self.items.append(ContentProblem(str(file), field_path, problem))

    def __bool__(self) -> bool:
        return bool(self.items)


class Reader:
    """Typed access to one decoded TOML table, recording problems against a file."""

    def __init__(self, file: Path, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def add(self, path: str, problem: str) -> None:
        self.problems.add(self.file, path, problem)

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], prefix: str = "") -> None:
        for key in sorted(set(data) - allowed):
            self.add(f"{prefix}{key}", f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def string(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.add(path, "is required")
            return ""
        if not isinstance(value, str):
            self.add(path, f"must be text, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.add(path, "must not be empty")
        return value.strip()

    def strings(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.add(path, "is required (a list of texts)")
            return ()
        if not isinstance(value, list):
            self.add(path, f"must be a list of texts, not {type(value).__name__}")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add(f"{path}[{i}]", "must be non-empty text")
            else:
                out.append(item.strip())
        if required and not out:
            self.add(path, "must list at least one text")
        return tuple(out)

    def table(self, data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.add(path, f"must be a table, not {type(value).__name__}")
            return {}
        return value

    def tables(self, data: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(path, "must be a list of tables ([[...]])")
            return []
        return value

    def age(self, data: Mapping[str, Any], key: str, path: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        match = _AGE.match(value) if isinstance(value, str) else None
        if match is None:
            self.add(path, f"{value!r} is not an age; write e.g. '28d', '3m' or '16y'")
            return None
        number, unit = float(match[1]), match[2]
        per = {"d": 1.0, "m": DAYS_PER_MONTH, "y": DAYS_PER_YEAR}[unit]
        return round(number * per)

    def age_range(self, data: Mapping[str, Any], path: str) -> AgeRange:
        low = self.age(data, "min_age", f"{path}min_age")
        high = self.age(data, "max_age", f"{path}max_age")
        if low is not None and high is not None and low >= high:
            self.add(f"{path}max_age", "must be greater than min_age")
        return AgeRange(low, high)


def parse_manifest(data: Mapping[str, Any], file: Path, problems: Problems) -> ContentSet | None:
    """Parse a ``content_set.toml`` manifest."""
    r = Reader(file, problems)
    r.unknown_keys(data, {"id", "name", "publisher", "licence", "sample", "notice"})
    sample = data.get("sample")
    if not isinstance(sample, bool):
        r.add("sample", "is required: true for sample content, false for a licensed set")
        sample = True
    notice = r.string(data, "notice", "notice", required=sample)
    cs = ContentSet(
        id=r.string(data, "id", "id"),
        name=r.string(data, "name", "name"),
        publisher=r.string(data, "publisher", "publisher"),
        licence=r.string(data, "licence", "licence"),
        is_sample=sample,
        notice=notice,
    )
    return cs if cs.id else None


_GUIDELINE_KEYS = {
    "id", "title", "version", "status", "content_set", "sample_notice", "summary",
    "audience", "search_terms", "levels", "self_care", "safety_net", "references",
}  # fmt: skip


def parse_guideline(
    data: Mapping[str, Any],
    file: Path,
    config: DecisionSupportConfig,
    content_set: ContentSet | None,
    problems: Problems,
) -> Guideline | None:
    """Parse one guideline file; ``None`` if it has problems (they are recorded)."""
    before = len(problems.items)
    r = Reader(file, problems)
    r.unknown_keys(data, _GUIDELINE_KEYS)
    gid, version, status = _parse_identity(r, data, file)
    cs_id, notice = _parse_content_set(r, data, content_set)
    audience, ages = _parse_audience(r, data)
    terms = _parse_search_terms(r, data)
    levels = _parse_levels(r, data, config)
    references = _parse_references(r, data)
    guideline = Guideline(
        id=gid,
        title=r.string(data, "title", "title"),
        version=version,
        status=status,
        audience=audience,
        ages=ages,
        search_terms=terms,
        levels=levels,
        self_care=r.strings(data, "self_care", "self_care"),
        safety_net=r.strings(data, "safety_net", "safety_net", required=True),
        references=references,
        content_set=cs_id,
        sample_notice=notice,
        summary=r.string(data, "summary", "summary", required=False),
    )
    return guideline if len(problems.items) == before else None


def _parse_identity(r: Reader, data: Mapping[str, Any],
                    file: Path) -> tuple[str, str, GuidelineStatus]:
    """``id`` (the file's name), ``version`` and workflow ``status``."""
    gid = r.string(data, "id", "id")
    if gid and not _ID.match(gid):
        r.add("id", f"{gid!r} must be lower-case letters, digits and hyphens")
    elif gid and gid != file.stem:
        r.add("id", f"{gid!r} must match the file name ({file.stem}.toml)")
    version = r.string(data, "version", "version")
    if version and not _VERSION.match(version):
        r.add("version", f"{version!r} must look like '1', '1.2' or '1.2.3'")
    status_text = r.string(data, "status", "status")
    status = GuidelineStatus.DRAFT
    if status_text:
        try:
            status = GuidelineStatus(status_text)
        except ValueError:
            r.add(
                "status",
                f"{status_text!r} is not one of {', '.join(s.value for s in GuidelineStatus)}",
            )
    return gid, version, status


def _parse_content_set(r: Reader, data: Mapping[str, Any],
                       content_set: ContentSet | None) -> tuple[str, str]:
    """The content set the file claims (it must be the directory's) and its sample notice."""
    cs_id = r.string(data, "content_set", "content_set")
    notice = r.string(data, "sample_notice", "sample_notice", required=False)
    if content_set is not None:
        if cs_id and cs_id != content_set.id:
            r.add(
                "content_set",
                f"{cs_id!r} differs from the directory's content set {content_set.id!r}",
            )
        if content_set.is_sample and not notice:
            r.add("sample_notice", "is required: the content set is sample content")
    return cs_id, notice


def _parse_audience(r: Reader, data: Mapping[str, Any]) -> tuple[Audience, AgeRange]:
    """``[audience]``: adults, children or both, and the age range."""
    audience_t = r.table(data, "audience", "audience")
    r.unknown_keys(audience_t, {"group", "min_age", "max_age"}, "audience.")
    group = r.string(audience_t, "group", "audience.group")
    audience = Audience.BOTH
    if group:
        try:
            audience = Audience(group)
        except ValueError:
            r.add("audience.group", f"{group!r} is not one of adult, child, both")
    return audience, r.age_range(audience_t, "audience.")


def _parse_search_terms(r: Reader, data: Mapping[str, Any]) -> SearchTerms:
    terms_t = r.table(data, "search_terms", "search_terms")
    r.unknown_keys(terms_t, set(_TERM_FIELDS), "search_terms.")
    terms = SearchTerms(**{f: r.strings(terms_t, f, f"search_terms.{f}") for f in _TERM_FIELDS})
    if not any(getattr(terms, f) for f in _TERM_FIELDS):
        r.add("search_terms", "must list at least one search term")
    return terms


def _parse_references(r: Reader, data: Mapping[str, Any]) -> tuple[Reference, ...]:
    references = []
    for i, ref in enumerate(r.tables(data, "references", "references")):
        r.unknown_keys(ref, {"title", "publisher", "url"}, f"references[{i}].")
        references.append(Reference(
            r.string(ref, "title", f"references[{i}].title"),
            r.string(ref, "publisher", f"references[{i}].publisher", required=False),
            r.string(ref, "url", f"references[{i}].url", required=False),
        ))  # fmt: skip
    return tuple(references)


def _parse_levels(
    r: Reader, data: Mapping[str, Any], config: DecisionSupportConfig
) -> tuple[UrgencyBlock, ...]:
    urgencies = {u.code for u in config.urgency_levels}
    cares = {c.code for c in config.care_types}
    blocks: list[UrgencyBlock] = []
    seen_urgency: set[str] = set()
    seen_criteria: set[str] = set()
    entries = r.tables(data, "levels", "levels")
    if not entries:
        r.add("levels", "must list at least one urgency level with criteria")
    for i, entry in enumerate(entries):
        p = f"levels[{i}]."
        r.unknown_keys(entry, {"urgency", "care_types", "out_of_hours_care_types", "criteria"}, p)
        urgency = r.string(entry, "urgency", p + "urgency")
        if urgency and urgency not in urgencies:
            r.add(
                p + "urgency",
                f"{urgency!r} is not a configured urgency level ({', '.join(sorted(urgencies))})",
            )
        if urgency in seen_urgency:
            r.add(p + "urgency", f"{urgency!r} appears twice; put all its criteria in one block")
        seen_urgency.add(urgency)
        care = r.strings(entry, "care_types", p + "care_types", required=True)
        after = r.strings(entry, "out_of_hours_care_types", p + "out_of_hours_care_types")
        for key, codes in (("care_types", care), ("out_of_hours_care_types", after)):
            for j, code in enumerate(codes):
                if code not in cares:
                    r.add(f"{p}{key}[{j}]", f"{code!r} is not a configured care type")
        criteria = []
        raw = r.tables(entry, "criteria", p + "criteria")
        if not raw:
            r.add(p + "criteria", "must list at least one criterion")
        for j, c in enumerate(raw):
            cp = f"{p}criteria[{j}]."
            r.unknown_keys(c, {"id", "text", "min_age", "max_age", "sex"}, cp)
            cid = r.string(c, "id", cp + "id")
            if cid and not _ID.match(cid):
                r.add(cp + "id", f"{cid!r} must be lower-case letters, digits and hyphens")
            if cid in seen_criteria:
                r.add(cp + "id", f"{cid!r} is used by another criterion in this guideline")
            seen_criteria.add(cid)
            sex_text = r.string(c, "sex", cp + "sex", required=False)
            sex = None
            if sex_text:
                try:
                    sex = Sex(sex_text)
                except ValueError:
                    r.add(cp + "sex", f"{sex_text!r} is not one of female, male")
            criteria.append(
                Criterion(cid, r.string(c, "text", cp + "text"), urgency, r.age_range(c, cp), sex)
            )
        blocks.append(UrgencyBlock(urgency, tuple(criteria), care, after))
    return tuple(blocks)


def parse_overlay(
    data: Mapping[str, Any],
    file: Path,
    config: DecisionSupportConfig,
    guidelines: Mapping[str, Guideline],
    problems: Problems,
) -> RegionalOverlay | None:
    """Parse ``regional/<region>/<guideline id>.toml``; it must extend an existing guideline."""
    before = len(problems.items)
    r = Reader(file, problems)
    r.unknown_keys(data, {"guideline_id", "region", "notes", "care_overrides"})
    gid = r.string(data, "guideline_id", "guideline_id")
    region = r.string(data, "region", "region")
    if gid and gid != file.stem:
        r.add("guideline_id", f"{gid!r} must match the file name ({file.stem}.toml)")
    if region and region != file.parent.name:
        r.add("region", f"{region!r} must match the directory name ({file.parent.name})")
    guideline = guidelines.get(gid)
    if gid and guideline is None:
        r.add("guideline_id", f"{gid!r} is not a national guideline in this content set")
    notes = r.strings(data, "notes", "notes")
    overrides: dict[str, tuple[str, ...]] = {}
    cares = {c.code for c in config.care_types}
    for urgency in r.table(data, "care_overrides", "care_overrides"):
        p = f"care_overrides.{urgency}"
        if guideline is not None and guideline.block(urgency) is None:
            r.add(p, f"guideline {gid!r} has no urgency level {urgency!r}")
        codes = r.strings(data["care_overrides"], urgency, p, required=True)
        for j, code in enumerate(codes):
            if code not in cares:
                r.add(f"{p}[{j}]", f"{code!r} is not a configured care type")
        overrides[urgency] = codes
    if not notes and not overrides:
        r.add("", "an overlay must add notes or care_overrides")
    if len(problems.items) != before:
        return None
    return RegionalOverlay(region, gid, notes, overrides)
