"""Full validation of a care unit: the checks that need a library.

:mod:`.model` guards the structure when a unit is built; this module adds the
HSA-id's organisation-number check digit and the ``opening_hours`` syntax of
every hours field (opening, drop-in, phone hours and deviating-hours notices),
and what a hostile file could carry: links must be ``http``/``https`` (a
``javascript:`` or ``data:`` link would run in the browser of whoever clicks it)
and no text may hold control characters (a NUL byte is refused by PostgreSQL and
others can hide text or break log lines and exports). Free-text notes may hold
line breaks and tabs. The same checks run on import and on every create and
update through the service.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from referral_catalog.errors import InvalidCareUnit
from referral_catalog.hours import opening_hours_problem
from referral_catalog.hsa import hsa_id_problem
from referral_catalog.model import CareUnit

URL_SCHEMES = ("http", "https")
# C0 controls, DEL and C1 controls; multi-line text may keep tab, line feed, return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_NOTES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field (``field`` as named in the import formats)."""

    field: str
    problem: str


def unit_problems(unit: CareUnit) -> tuple[FieldProblem, ...]:
    """Every problem the library-backed checks find in ``unit`` (empty when valid)."""
    problems: list[FieldProblem] = []
    for name, text, multi_line in _texts(unit):
        pattern = _CONTROL_IN_NOTES if multi_line else _CONTROL
        if (found := pattern.search(text)) is not None:
            problems.append(
                FieldProblem(
                    name,
                    f"holds the control character "
                    f"U+{ord(found.group()):04X} at position {found.start() + 1}",
                )
            )
    for name in ("web_url", "e_service_url"):
        url = getattr(unit, name)
        if url is not None and (p := url_problem(url)) is not None:
            problems.append(FieldProblem(name, p))
    if (p := hsa_id_problem(unit.hsa_id)) is not None:
        problems.append(FieldProblem("hsa_id", p))
    hours = [("opening_hours", unit.opening_hours), ("drop_in_hours", unit.drop_in_hours)]
    hours += [("phone_hours", ph.hours) for ph in unit.phones]
    hours += [("notices", n.opening_hours) for n in unit.notices]
    for name, expression in hours:
        if expression is not None and (p := opening_hours_problem(expression)) is not None:
            problems.append(FieldProblem(name, p))
    return tuple(problems)


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be a unit's link (only ``http``/``https`` with a host), or None."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"{url!r} is not a URL ({exc})"
    if parts.scheme.lower() not in URL_SCHEMES:
        return f"{url!r}: only http and https links are allowed"
    if not parts.hostname:
        return f"{url!r} has no host"
    return None


def _texts(unit: CareUnit) -> Iterator[tuple[str, str, bool]]:
    """Every text of ``unit`` as (field name in the import formats, text, may span lines)."""
    single = (
        "hsa_id",
        "name",
        "region",
        "municipality_code",
        "opening_hours",
        "unit_type",
        "activity_code",
        "drop_in_hours",
        "web_url",
        "e_service_url",
    )
    for name in single:
        value = getattr(unit, name)
        if value is not None:
            yield name, value, False
    yield "internal_notes", unit.internal_notes, True
    for kind, address in (("visiting", unit.visiting_address), ("postal", unit.postal_address)):
        if address is not None:
            for part in ("street", "postal_code", "city"):
                yield f"{kind}_{part}", getattr(address, part), False
    for phone in unit.phones:
        yield "phone", phone.number, False
        yield "phone_label", phone.label, False
        if phone.hours is not None:
            yield "phone_hours", phone.hours, False
    for code in unit.languages:
        yield "languages", code, False
    for notice in unit.notices:
        yield "notices", notice.text, True
        if notice.opening_hours is not None:
            yield "notices", notice.opening_hours, False


def validate_unit(unit: CareUnit) -> CareUnit:
    """Return ``unit`` when valid; raise :class:`InvalidCareUnit` for the first problem."""
    problems = unit_problems(unit)
    if problems:
        raise InvalidCareUnit(problems[0].field, problems[0].problem)
    return unit
