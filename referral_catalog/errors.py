"""Errors of the referral-catalog context (hänvisningskatalog).

Every error here is a :class:`CatalogError`, a :class:`~shared_kernel.errors.DomainError`
with a stable ``error_id``, ``details`` and a kind (never an HTTP status), so an
adapter can catch the whole family in one place while still telling the cases apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared_kernel.errors import DomainError, ErrorKind


class CatalogError(DomainError):
    """Base class of every error raised by :mod:`referral_catalog`."""

    kind = ErrorKind.INVALID
    error_id = "catalog_error"


class InvalidField(CatalogError, ValueError):
    """A field, request parameter or body field is wrong; ``field`` names it (400
    ``invalid_request`` with the field and the problem)."""

    error_id = "invalid_request"

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}", {"field": field, "problem": problem})


class InvalidCareUnit(InvalidField):
    """A care unit (vårdenhet) breaks an invariant; ``field`` names the attribute."""


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

    error_id = "invalid_query"


class UnknownMunicipality(CatalogError, LookupError):
    """No centre coordinates are known for this municipality code (kommunkod); answered
    like a wrong ``municipality`` parameter."""

    error_id = "invalid_request"

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"unknown municipality code {code!r}",
                         {"field": "municipality", "problem": "unknown municipality code"})


class UnitNotFound(CatalogError, LookupError):
    """No care unit has this HSA-id in the catalog."""

    kind = ErrorKind.NOT_FOUND
    error_id = "unit_not_found"

    def __init__(self, hsa_id: str) -> None:
        self.hsa_id = hsa_id
        super().__init__(f"no care unit {hsa_id!r}", {"hsa_id": hsa_id})


class UnitAlreadyExists(CatalogError):
    """A unit with this HSA-id is already in the catalog (create, not update)."""

    kind = ErrorKind.CONFLICT
    error_id = "unit_exists"

    def __init__(self, hsa_id: str) -> None:
        self.hsa_id = hsa_id
        super().__init__(f"care unit {hsa_id!r} already exists", {"hsa_id": hsa_id})


class NotSignedIn(CatalogError):
    """Nobody is signed in: the catalog needs to know who asks."""

    kind = ErrorKind.UNAUTHENTICATED
    error_id = "unauthenticated"

    def __init__(self) -> None:
        super().__init__("log in or send an API token")


class RoleRequired(CatalogError, PermissionError):
    """The actor holds none of the roles the route needs."""

    kind = ErrorKind.FORBIDDEN
    error_id = "forbidden"

    def __init__(self, roles: Sequence[str]) -> None:
        super().__init__("your roles do not allow this", {"required_roles": sorted(roles)})


class NotAllowed(CatalogError, PermissionError):
    """The actor may not change the catalog of this region (or at all)."""

    kind = ErrorKind.FORBIDDEN
    error_id = "forbidden"

    def __init__(self, message: str, region: str | None = None) -> None:
        self.region = region
        super().__init__(message, {"region": region})


class ImportRejected(CatalogError, ValueError):
    """A bulk import was refused as a whole; ``errors`` holds every row's problems."""

    error_id = "import_rejected"

    def __init__(self, errors: tuple[Any, ...]) -> None:
        self.errors = errors
        super().__init__(f"import rejected: {len(errors)} problem(s), nothing stored",
                         {"errors": [{"row": e.row, "field": e.field, "problem": e.problem}
                                     for e in errors]})


class ConcurrentChange(CatalogError):
    """The unit changed in storage after it was read; retry with the current version."""

    kind = ErrorKind.CONFLICT
    error_id = "concurrent_change"

    def __init__(self, hsa_id: str) -> None:
        self.hsa_id = hsa_id
        super().__init__(f"care unit {hsa_id!r} was changed concurrently; try again",
                         {"hsa_id": hsa_id})
