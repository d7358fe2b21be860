"""Field-level differences between two versions of a guideline (versionsjämförelse).

:func:`diff` compares title, search terms, criteria (per urgency level: added,
removed, changed, moved between levels), recommended care types, self-care and
safety-net advice, and returns a structured :class:`GuidelineDiff` whose
:meth:`GuidelineDiff.lines` read as Swedish sentences for an editor or a
shift briefing (skiftöverlämning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decision_support.model import Criterion, Guideline

__all__ = ["GuidelineDiff", "diff"]

_TERM_FIELDS = ("symptoms", "body_parts", "events", "lay_terms", "misspellings", "synonyms")


@dataclass(frozen=True)
class GuidelineDiff:
    """What changed from one version of a guideline to another (empty parts are unchanged)."""

    guideline_id: str
    from_version: str
    to_version: str
    title: tuple[str, str] | None = None
    terms_added: dict[str, list[str]] = field(default_factory=dict)
    terms_removed: dict[str, list[str]] = field(default_factory=dict)
    criteria: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    care_types: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    levels_added: list[str] = field(default_factory=list)
    levels_removed: list[str] = field(default_factory=list)
    advice: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Whether the two versions have the same content in every compared field."""
        return not self.lines()

    def lines(self) -> list[str]:
        """The changes as readable Swedish lines, most important first."""
        out: list[str] = []
        for level, parts in self.criteria.items():
            for c in parts.get("added", []):
                out.append(f"{level}: nytt kriterium {c['id']} – {c['text']}")
            for c in parts.get("removed", []):
                out.append(f"{level}: kriterium borttaget {c['id']} – {c['text']}")
            for c in parts.get("changed", []):
                out.append(f"{level}: kriterium {c['id']} ändrat: {'; '.join(c['changes'])}")
        for level in self.levels_added:
            out.append(f"ny brådskandenivå {level}")
        for level in self.levels_removed:
            out.append(f"brådskandenivå {level} borttagen")
        for level, change in self.care_types.items():
            out.append(f"{level}: vårdform {', '.join(change['from']) or '–'} → "
                       f"{', '.join(change['to']) or '–'}")
        if self.title:
            out.append(f"titel: '{self.title[0]}' → '{self.title[1]}'")
        for kind, label in (("self_care", "egenvårdsråd"), ("safety_net", "ring igen-råd")):
            change = self.advice.get(kind, {})
            out += [f"{label} tillagt: {t}" for t in change.get("added", [])]
            out += [f"{label} borttaget: {t}" for t in change.get("removed", [])]
        added = sum(len(v) for v in self.terms_added.values())
        removed = sum(len(v) for v in self.terms_removed.values())
        if added or removed:
            words = [*(t for v in self.terms_added.values() for t in v)]
            shown = f" ({', '.join(words[:5])}{', …' if len(words) > 5 else ''})" if words else ""
            out.append(f"sökord: {added} tillagda{shown}, {removed} borttagna")
        return out

    def summary(self) -> str:
        """One line for a listing: the first changes, or 'inga innehållsändringar'."""
        lines = self.lines()
        if not lines:
            return "inga innehållsändringar"
        more = f" (+{len(lines) - 3} till)" if len(lines) > 3 else ""
        return "; ".join(lines[:3]) + more

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready structure, with the readable lines under ``lines``."""
        return {
            "guideline_id": self.guideline_id, "from": self.from_version, "to": self.to_version,
            "title": list(self.title) if self.title else None,
            "terms": {"added": self.terms_added, "removed": self.terms_removed},
            "criteria": self.criteria, "care_types": self.care_types,
            "levels": {"added": self.levels_added, "removed": self.levels_removed},
            "advice": self.advice, "lines": self.lines(),
        }  # fmt: skip


def _added_removed(old: tuple[str, ...], new: tuple[str, ...]) -> dict[str, list[str]]:
    out = {"added": [t for t in new if t not in old], "removed": [t for t in old if t not in new]}
    return {k: v for k, v in out.items() if v}


def _criterion_changes(a: Criterion, b: Criterion) -> list[str]:
    changes = []
    if a.text != b.text:
        changes.append(f"text '{a.text}' → '{b.text}'")
    if a.urgency != b.urgency:
        changes.append(f"flyttat från {a.urgency} till {b.urgency}")
    if a.ages != b.ages:
        changes.append(f"ålder {a.ages.describe()} → {b.ages.describe()}")
    if a.sex != b.sex:
        changes.append(f"kön {a.sex.value if a.sex else 'alla'} → "
                       f"{b.sex.value if b.sex else 'alla'}")
    return changes


def diff(old: Guideline, new: Guideline) -> GuidelineDiff:
    """The field-level difference from ``old`` to ``new`` (two versions of one guideline)."""
    terms_added: dict[str, list[str]] = {}
    terms_removed: dict[str, list[str]] = {}
    for f in _TERM_FIELDS:
        change = _added_removed(getattr(old.search_terms, f), getattr(new.search_terms, f))
        if change.get("added"):
            terms_added[f] = change["added"]
        if change.get("removed"):
            terms_removed[f] = change["removed"]
    before = {c.id: c for c in old.criteria}
    after = {c.id: c for c in new.criteria}
    criteria: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def put(level: str, kind: str, item: dict[str, Any]) -> None:
        criteria.setdefault(level, {}).setdefault(kind, []).append(item)

    for cid, c in after.items():
        if cid not in before:
            put(c.urgency, "added", {"id": cid, "text": c.text})
        elif changes := _criterion_changes(before[cid], c):
            put(c.urgency, "changed", {"id": cid, "text": c.text, "changes": changes})
    for cid, c in before.items():
        if cid not in after:
            put(c.urgency, "removed", {"id": cid, "text": c.text})
    old_levels = {b.urgency: b for b in old.levels}
    new_levels = {b.urgency: b for b in new.levels}
    care: dict[str, dict[str, list[str]]] = {}
    for code, block in new_levels.items():
        was = old_levels.get(code)
        if was is not None and (was.care_types, was.out_of_hours_care_types) != (
            block.care_types, block.out_of_hours_care_types):
            care[code] = {"from": list(was.care_types), "to": list(block.care_types),
                          "out_of_hours_from": list(was.out_of_hours_care_types),
                          "out_of_hours_to": list(block.out_of_hours_care_types)}
    advice = {k: v for k, v in (("self_care", _added_removed(old.self_care, new.self_care)),
                                ("safety_net", _added_removed(old.safety_net, new.safety_net)))
              if v}  # fmt: skip
    return GuidelineDiff(
        guideline_id=new.id, from_version=old.version, to_version=new.version,
        title=(old.title, new.title) if old.title != new.title else None,
        terms_added=terms_added, terms_removed=terms_removed, criteria=criteria,
        care_types=care,
        levels_added=[c for c in new_levels if c not in old_levels],
        levels_removed=[c for c in old_levels if c not in new_levels],
        advice=advice,
    )  # fmt: skip
