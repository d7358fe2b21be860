"""Errors of the referral-catalog context (hänvisningskatalog).

Every error here is a :class:`CatalogError`, so an adapter can catch the whole
family in one place (and map it to the API's error shape) while still telling
the cases apart.
"""

from __future__ import annotations


class CatalogError(Exception):
    """Base class of every error raised by :mod:`referral_catalog`."""


class InvalidCareUnit(CatalogError, ValueError):
    """A care unit (vårdenhet) breaks an invariant; ``field`` names the attribute."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class InvalidHsaId(InvalidCareUnit):
    """An HSA-id is malformed or its organisation number fails the check digit."""

    def __init__(self, value: str, problem: str) -> None:
        self.value = value
        super().__init__("hsa_id", f"{value!r}: {problem}")


class InvalidOpeningHours(InvalidCareUnit):
    """An OpenStreetMap ``opening_hours`` expression does not parse."""

    def __init__(self, field: str, expression: str, problem: str) -> None:
        self.expression = expression
        super().__init__(field, f"{expression!r}: {problem}")


class InvalidQuery(CatalogError, ValueError):
    """A catalog search asks for something that cannot be answered."""


class UnknownMunicipality(CatalogError, LookupError):
    """No centre coordinates are known for this municipality code (kommunkod)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"unknown municipality code {code!r}")


class UnitNotFound(CatalogError, LookupError):
    """No care unit has this HSA-id in the catalog."""

    def __init__(self, hsa_id: str) -> None:
        self.hsa_id = hsa_id
        super().__init__(f"no care unit {hsa_id!r}")


class UnitAlreadyExists(CatalogError):
    """A unit with this HSA-id is already in the catalog (create, not update)."""

    def __init__(self, hsa_id: str) -> None:
        self.hsa_id = hsa_id
        super().__init__(f"care unit {hsa_id!r} already exists")


class NotAllowed(CatalogError, PermissionError):
    """The actor may not change the catalog of this region (or at all)."""

    def __init__(self, message: str, region: str | None = None) -> None:
        self.region = region
        super().__init__(message)


class ImportRejected(CatalogError, ValueError):
    """A bulk import was refused as a whole; ``errors`` holds every row's problems."""

    def __init__(self, errors: tuple[object, ...]) -> None:
        self.errors = errors
        super().__init__(f"import rejected: {len(errors)} problem(s), nothing stored")


class ConcurrentChange(CatalogError):
    """The unit changed in storage after it was read; retry with the current version."""

    def __init__(self, hsa_id: str) -> None:
        self.hsa_id = hsa_id
        super().__init__(f"care unit {hsa_id!r} was changed concurrently; try again")
