"""What the journal context needs from outside: who is acting, and a clock.

The composition root turns its own principal (or a CLI user, or a system job)
into an :class:`Actor`; the journal never sees the identity context's types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime."""

ALL_REGIONS = "*"


@dataclass(frozen=True)
class Actor:
    """Someone (or something) acting on the journal: a nurse, an auditor, a CLI run.

    ``roles`` are role names as strings (``nurse``, ``supervisor``,
    ``region_admin``, ``auditor``, ...); ``regions`` are county codes or ``*``;
    ``care_provider`` is the vårdgivare the actor works for (the regions' own
    care provider ids), ``None`` for system actors.
    """

    user_id: str
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)
    care_provider: str | None = None
    system: bool = False

    def has_role(self, *roles: str) -> bool:
        """True if the actor holds any of ``roles``."""
        return any(r in self.roles for r in roles)

    def can_access_region(self, code: str | None) -> bool:
        """True if the actor works for region ``code`` (or for every region)."""
        return ALL_REGIONS in self.regions or (code is not None and code in self.regions)

    @classmethod
    def system_actor(cls, name: str) -> Actor:
        """A system actor such as ``cli:<os user>``: may export and purge, reads every region."""
        return cls(user_id=name, username=name, roles=frozenset({"system"}),
                   regions=frozenset({ALL_REGIONS}), care_provider=None, system=True)


class CallDirectory(Protocol):
    """Who answered a call, from the call log (``contactcenter/calls``), which the
    composition root adapts; the journal never imports it."""

    async def answered_by(self, call_id: str) -> str | None:
        """The user id of the nurse who answered ``call_id``; ``None`` if unknown."""
        ...
