"""The editorial workflow's rules (redaktionellt arbetsflöde), free of I/O.

States of a stored version: ``draft`` (utkast) → ``in_review`` (granskas) →
``approved`` (godkänd) → ``published`` (publicerad, the current version until a
newer one is published; old versions are kept). A reviewer may send a version
in review back to ``draft`` with a comment.

Who may do what (see :mod:`decision_support.ports`): content editors draft,
edit and submit; a version is approved or sent back by a content editor or a
supervisor who neither created nor edited it (four-eyes); content editors and
supervisors publish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from decision_support.errors import InvalidRequest, PermissionDenied, WorkflowError
from decision_support.model import Guideline
from decision_support.ports import Actor

__all__ = [
    "APPROVED",
    "DRAFT",
    "IN_REVIEW",
    "PUBLISHED",
    "ReviewEvent",
    "StoredVersion",
    "check_transition",
    "require_comment",
    "require_role",
    "require_second_pair_of_eyes",
    "version_key",
]  # fmt: skip

DRAFT, IN_REVIEW, APPROVED, PUBLISHED = "draft", "in_review", "approved", "published"
_FLOW = {
    "submit": ({DRAFT}, IN_REVIEW),
    "approve": ({IN_REVIEW}, APPROVED),
    "reject": ({IN_REVIEW}, DRAFT),
    "publish": ({APPROVED}, PUBLISHED),
    "update": ({DRAFT}, DRAFT),
}
_NUMBER = re.compile(r"\d+")


def version_key(version: str) -> tuple[int, ...]:
    """Sortable form of a version string: ``"1.10"`` sorts after ``"1.9"``."""
    return tuple(int(n) for n in _NUMBER.findall(version)) or (0,)


def require_role(actor: Actor, roles: frozenset[str], action: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` holds one of ``roles``."""
    if not actor.has_role(roles):
        raise PermissionDenied(
            f"{actor.username} may not {action}: needs one of the roles {', '.join(sorted(roles))}"
        )


def require_second_pair_of_eyes(actor: Actor, editors: set[str]) -> None:
    """Four-eyes (fyraögonsprincipen): whoever wrote a version may not approve or reject it."""
    if actor.username in editors:
        raise PermissionDenied(
            f"{actor.username} created or edited this version; another content editor "
            "or a supervisor must review it (four-eyes)"
        )


def check_transition(status: str, action: str) -> str:
    """The status after ``action``; :class:`WorkflowError` if not allowed from ``status``."""
    allowed, after = _FLOW[action]
    if status not in allowed:
        raise WorkflowError(
            f"cannot {action} a version that is {status} (needs {', '.join(sorted(allowed))})"
        )
    return after


def require_comment(comment: str | None, action: str) -> str:
    """A non-empty comment, as sending a version back must say why."""
    text = (comment or "").strip()
    if not text:
        raise InvalidRequest(f"{action} needs a comment saying what to change")
    return text


@dataclass(frozen=True)
class ReviewEvent:
    """One step in a version's history: who, when, what, and their comment."""

    actor: str
    at: datetime
    action: str
    comment: str = ""

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"actor": self.actor, "at": self.at.isoformat(), "action": self.action,
                "comment": self.comment}


@dataclass(frozen=True)
class StoredVersion:
    """A guideline version kept in the database, with its editorial state."""

    draft_id: int
    guideline: Guideline
    status: str
    author: str
    created_at: datetime
    updated_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    published_by: str | None = None
    published_at: datetime | None = None
    events: tuple[ReviewEvent, ...] = field(default=())

    @property
    def guideline_id(self) -> str:
        """The guideline's id."""
        return self.guideline.id

    @property
    def version(self) -> str:
        """The version string."""
        return self.guideline.version

    def editors(self) -> set[str]:
        """Everyone who created or edited this version (they may not review it)."""
        return {self.author} | {e.actor for e in self.events if e.action in ("created", "updated")}

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready metadata (without the content)."""
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {
            "draft_id": self.draft_id, "guideline_id": self.guideline_id,
            "version": self.version, "status": self.status, "source": "database",
            "author": self.author, "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at), "approved_by": self.approved_by,
            "approved_at": iso(self.approved_at), "published_by": self.published_by,
            "published_at": iso(self.published_at),
            "events": [e.to_plain() for e in self.events],
        }  # fmt: skip
