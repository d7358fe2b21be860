"""Users, roles and who is asking (pure domain: stdlib only).

Roles are scoped to regions: a supervisor of region 01 supervises region 01
only. ``"*"`` in a region set means every region (national roles such as the
content editor and the auditor).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from contactcenter.identity.errors import InvalidPassword, InvalidRegion, InvalidRole, InvalidUser

ALL_REGIONS = "*"
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,99}$")
REGION_PATTERN = re.compile(r"^\d\d$")
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 1024
DISPLAY_NAME_MAX_LENGTH = 200


class Role(StrEnum):
    """What a user may do (behörighet)."""

    NURSE = "nurse"  #: sjuksköterska: answers calls
    SUPERVISOR = "supervisor"  #: handledare / teamledare: runs the floor of a region
    REGION_ADMIN = "region_admin"  #: manages users and queues of a region
    CONTENT_EDITOR = "content_editor"  #: redaktör for decision support and referral content
    AUDITOR = "auditor"  #: granskare: reads logs, changes nothing
    STAFFING_SYSTEM = "staffing_system"  #: an external staffing/WFM system (API tokens)


AuthMethod = Literal["session", "token"]


@dataclass(frozen=True)
class Principal:
    """The authenticated user of one request."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    regions: frozenset[str]
    auth: AuthMethod

    def has_role(self, *roles: Role) -> bool:
        """Whether the principal holds any of ``roles``."""
        return any(role in self.roles for role in roles)

    def can_access_region(self, code: str) -> bool:
        """Whether the principal's roles apply to region ``code``."""
        return ALL_REGIONS in self.regions or code in self.regions

    def as_dict(self) -> dict[str, object]:
        """JSON-ready view (``whoami``)."""
        return {
            "user_id": self.user_id,
            "username": self.username,
            "display_name": self.display_name,
            "roles": sorted(r.value for r in self.roles),
            "regions": sorted(self.regions),
            "auth": self.auth,
        }


@dataclass(frozen=True)
class User:
    """A stored user (never carries the password hash)."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    regions: frozenset[str]
    active: bool
    created_at: datetime

    def principal(self, auth: AuthMethod) -> Principal:
        """The principal this user becomes when authenticated by ``auth``."""
        return Principal(self.user_id, self.username, self.display_name, self.roles,
                         self.regions, auth)


@dataclass(frozen=True)
class TokenInfo:
    """An API token as listed (the secret itself is shown only once, at creation)."""

    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def validate_username(username: str) -> str:
    """The username if it is 2–100 characters of a–z, 0–9, ``.``, ``_``, ``-``, starting a–z."""
    if not USERNAME_PATTERN.match(username):
        raise InvalidUser("username must be 2-100 characters: lowercase a-z, digits, '.', '_' "
                          "or '-', starting with a letter", {"username": username})
    return username


def validate_display_name(display_name: str) -> str:
    """The trimmed display name, if not empty and not too long."""
    name = display_name.strip()
    if not name or len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidUser(f"display name must be 1-{DISPLAY_NAME_MAX_LENGTH} characters",
                          {"display_name": display_name})
    return name


def validate_password(password: str, username: str) -> str:
    """The password if long enough, not too long, and not the username."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidPassword(f"password must be at least {PASSWORD_MIN_LENGTH} characters")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidPassword(f"password must be at most {PASSWORD_MAX_LENGTH} characters")
    if password.strip().lower() == username.lower():
        raise InvalidPassword("password must not be the username")
    return password


def parse_roles(roles: Iterable[str | Role]) -> frozenset[Role]:
    """At least one known role."""
    out = set()
    for role in roles:
        try:
            out.add(Role(role))
        except ValueError:
            raise InvalidRole(f"unknown role {role!r}",
                              {"role": str(role), "allowed": [r.value for r in Role]}) from None
    if not out:
        raise InvalidRole("a user needs at least one role", {"allowed": [r.value for r in Role]})
    return frozenset(out)


def parse_regions(regions: Iterable[str], known: Iterable[str] | None = None) -> frozenset[str]:
    """At least one region code (two digits, known when ``known`` is given) or ``"*"``."""
    known_set = None if known is None else set(known)
    out = set()
    for code in regions:
        if code == ALL_REGIONS:
            out.add(code)
            continue
        if not REGION_PATTERN.match(code) or (known_set is not None and code not in known_set):
            raise InvalidRegion(f"unknown region code {code!r}", {"region": code})
        out.add(code)
    if not out:
        raise InvalidRegion("a user needs at least one region (or '*' for all)", {})
    return frozenset(out)
