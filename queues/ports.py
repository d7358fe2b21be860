"""What the queue context needs from outside, and what it tells the outside.

The call flow gives the queue service its facts (a caller queued, a nurse
answered, a call ended) through :class:`~queues.service.QueueService`; the
service tells the call flow what to do through one :class:`QueueListener`,
handed in by the composition root when the service starts. Its routes learn
who is asking through ``actor_of`` (an :class:`Actor`) and read JSON bodies
with the service's one parser (:class:`shared_kernel.routes.ReadJson`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from queues.events import Announcement

Clock = Callable[[], datetime]

QUEUE_LOG = "queue_log"
"""The part name the replica reports writing failures under (the service's health)."""
QUEUE_REPLICA = "queue_replica"
"""The part name the replica reports following failures under (other instances' rows)."""

NATIONAL_SCOPE = "*"


class QueueListener(Protocol):
    """What the queue service asks of the call flow of this instance (the calls it owns).

    Each method is called from the queue engine's event handling and must not wait:
    start the work (originate a phone, play a prompt) and return."""

    def offered(self, call_id: str, nurse_id: str, endpoint: str, *, callback: bool) -> None:
        """Ring the nurse for the call (``callback``: a booked callback to be dialled)."""

    def offer_withdrawn(self, call_id: str, nurse_id: str, reason: str) -> None:
        """The offer was taken back while the nurse's phone rang: stop ringing."""

    def announce(self, announcement: Announcement) -> None:
        """Tell a waiting caller their place, the expected wait or the emergency number."""

    def notice(self, call_id: str, kind: str) -> None:
        """``crisis``: play the crisis message; ``call_later``: the queue closed, end the
        call after saying so."""


class Unheard:
    """A listener that does nothing: a queue service of an instance that handles no calls
    (a command line, a test of the queues alone)."""

    def offered(self, call_id: str, nurse_id: str, endpoint: str, *, callback: bool) -> None:
        """Nobody rings."""

    def offer_withdrawn(self, call_id: str, nurse_id: str, reason: str) -> None:
        """Nothing rings."""

    def announce(self, announcement: Announcement) -> None:
        """Nobody listens."""

    def notice(self, call_id: str, kind: str) -> None:
        """Nobody listens."""


class RegionScope(Protocol):
    """Whoever is looking: which regions they may see (``*``: all)."""

    def can_access_region(self, code: str) -> bool: ...


@dataclass(frozen=True)
class Actor:
    """Who is asking a queue route: their login, roles and regions (``*``: all)."""

    username: str
    roles: frozenset[str]
    regions: frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def can_access_region(self, code: str) -> bool:
        return NATIONAL_SCOPE in self.regions or code in self.regions

    @property
    def national(self) -> bool:
        """Whether the actor holds every region (national scope)."""
        return NATIONAL_SCOPE in self.regions

    def sees_region(self, region: str | None) -> bool:
        """Whether an object of ``region`` is the actor's; ``None`` (national): national only."""
        return self.national if region is None else self.can_access_region(region)
