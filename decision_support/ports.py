"""What the decision-support context needs from outside: who is acting, and a clock.

The composition root turns its own principal (a web session, an API token, a
CLI user) into an :class:`Actor`; this context never sees the identity
context's types.

Roles used here (strings, as the identity context stores them):

* ``nurse``, ``supervisor``, ``content_editor``: read guidelines, search, assess;
* ``nurse``, ``supervisor``: record a decision (with a deviation when needed);
* ``content_editor``: create, edit and submit drafts (redaktör);
* approving or sending back a draft: a ``content_editor`` *other than the
  draft's author* (four-eyes, fyraögonsprincipen) or a ``supervisor`` who did
  not write it;
* publishing an approved version: ``content_editor`` or ``supervisor``;
* deviation counts: ``content_editor`` or ``supervisor`` (content owners).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared_kernel.clock import Clock

__all__ = [
    "APPROVE_ROLES", "DECIDE_ROLES", "EDIT_ROLES", "OWNER_ROLES", "PUBLISH_ROLES", "READ_ROLES",
    "Actor", "Clock",
]  # fmt: skip

"""Returns the current time as an aware (UTC) datetime."""

READ_ROLES = frozenset({"nurse", "supervisor", "content_editor"})
DECIDE_ROLES = frozenset({"nurse", "supervisor"})
EDIT_ROLES = frozenset({"content_editor"})
APPROVE_ROLES = frozenset({"content_editor", "supervisor"})
PUBLISH_ROLES = frozenset({"content_editor", "supervisor"})
OWNER_ROLES = frozenset({"content_editor", "supervisor"})


@dataclass(frozen=True)
class Actor:
    """Someone acting on guidelines: a nurse, a supervisor, a content editor (redaktör).

    ``roles`` are role names; ``regions`` are county codes (``*`` for all).
    """

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, roles: frozenset[str] | set[str]) -> bool:
        """True if the actor holds any of ``roles``."""
        return bool(self.roles & roles)
