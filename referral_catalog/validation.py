"""Full validation of a care unit: the checks that need a library.

:mod:`.model` guards the structure when a unit is built; this module adds the
HSA-id's organisation-number check digit and the ``opening_hours`` syntax of
every hours field (opening, drop-in, phone hours and deviating-hours notices).
"""

from __future__ import annotations

from dataclasses import dataclass

from referral_catalog.errors import InvalidCareUnit
from referral_catalog.hours import opening_hours_problem
from referral_catalog.hsa import hsa_id_problem
from referral_catalog.model import CareUnit


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field (``field`` as named in the import formats)."""

    field: str
    problem: str


def unit_problems(unit: CareUnit) -> tuple[FieldProblem, ...]:
    """Every problem the library-backed checks find in ``unit`` (empty when valid)."""
    problems: list[FieldProblem] = []
    if (p := hsa_id_problem(unit.hsa_id)) is not None:
        problems.append(FieldProblem("hsa_id", p))
    hours = [("opening_hours", unit.opening_hours), ("drop_in_hours", unit.drop_in_hours)]
    hours += [("phone_hours", ph.hours) for ph in unit.phones]
    hours += [("notices", n.opening_hours) for n in unit.notices]
    for name, expression in hours:
        if expression is not None and (p := opening_hours_problem(expression)) is not None:
            problems.append(FieldProblem(name, p))
    return tuple(problems)


def validate_unit(unit: CareUnit) -> CareUnit:
    """Return ``unit`` when valid; raise :class:`InvalidCareUnit` for the first problem."""
    problems = unit_problems(unit)
    if problems:
        raise InvalidCareUnit(problems[0].field, problems[0].problem)
    return unit
