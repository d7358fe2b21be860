"""What the catalog needs from outside: who is acting (the logged-in principal).

The composition root maps its principal (user, roles, regions) to an
:class:`Actor`; the catalog never sees the identity context itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ALL_REGIONS = "*"
READ_ROLES = frozenset({"nurse", "supervisor", "region_admin"})
"""Roles that may search and read the catalog."""
EDIT_ROLE = "region_admin"
"""The role that may change a region's catalog (its own regions only)."""

"""Returns the current time, aware (UTC)."""


@dataclass(frozen=True, slots=True, init=False)
class Actor:
    """Who acts on the catalog: ``regions`` are county codes, ``"*"`` means every region."""

    username: str
    roles: frozenset[str]
    regions: frozenset[str]

    def __init__(
        self, username: str, roles: Iterable[str] = (), regions: Iterable[str] = ()
    ) -> None:
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "regions", frozenset(regions))

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds any of ``roles``."""
        return bool(self.roles & set(roles))

    def covers(self, region: str) -> bool:
        """True when ``region`` is one of the actor's regions."""
        return ALL_REGIONS in self.regions or region in self.regions

    def may_read(self) -> bool:
        """True for the roles that read the catalog (nurse, supervisor, region_admin)."""
        return self.has_role(*READ_ROLES)

    def may_edit(self, region: str) -> bool:
        """True when the actor is a region admin of ``region``."""
        return self.has_role(EDIT_ROLE) and self.covers(region)
