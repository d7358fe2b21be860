"""What the journal context needs from outside: who is acting, a clock, and the call log.

The composition root turns its own principal (or a CLI user, or a system job)
into an :class:`Actor`; the journal never sees the identity context's types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

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


@dataclass(frozen=True)
class CallFacts:
    """What the call log knows about one call, as far as the journal needs it.

    ``region`` is the region the call was decided to belong to (for a call of the
    national queue: the home region of the nurse who answered it), ``None`` while
    neither is known; ``care_provider`` is that region's vårdgivare. ``participants``
    are the logins of the nurses who took part in the call (answered it, or made or
    answered its callback); a nurse without a linked login is never among them.
    ``answered`` is true once any nurse, with or without a login, was connected.
    """

    call_id: str
    region: str | None
    care_provider: str | None
    participants: frozenset[str] = frozenset()
    answered: bool = False


class CallDirectory(Protocol):
    """The call log (``contactcenter/calls``) as the journal sees it, adapted by the
    composition root; the journal never imports it."""

    async def call(self, call_id: str) -> CallFacts | None:
        """The facts of ``call_id``; ``None`` if the call log has no such call."""
        ...
