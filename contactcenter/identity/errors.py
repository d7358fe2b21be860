"""Errors of the identity context; each carries details for the API's error body.

Every error is a :class:`~shared_kernel.errors.DomainError` with a stable
``error_id`` and a kind; the web layer's one error middleware gives the status.
"""

from __future__ import annotations

from typing import Any

from shared_kernel.errors import DomainError, ErrorKind


class IdentityError(DomainError):
    """Base of identity errors; ``error_id`` is stable for API clients."""

    kind = ErrorKind.INVALID
    error_id = "identity_error"


class InvalidUser(IdentityError):
    """A username (or another field of a user) breaks a rule."""

    error_id = "invalid_user"


class InvalidPassword(IdentityError):
    """A password is too short, too long or otherwise not allowed."""

    error_id = "invalid_password"


class InvalidRole(IdentityError):
    """A role name that the service does not know."""

    error_id = "invalid_role"


class InvalidRegion(IdentityError):
    """A region code that is not configured."""

    error_id = "invalid_region"


class UserExists(IdentityError):
    """A user with that username already exists."""

    kind = ErrorKind.CONFLICT
    error_id = "user_exists"


class UserNotFound(IdentityError):
    """No user with that username."""

    kind = ErrorKind.NOT_FOUND
    error_id = "user_not_found"


class TokenExists(IdentityError):
    """The user already has an active token of that name."""

    kind = ErrorKind.CONFLICT
    error_id = "token_exists"


class InvalidTokenName(IdentityError):
    """A token name breaks a rule."""

    error_id = "invalid_token_name"


class TokenNotFound(IdentityError):
    """No active token of that name."""

    kind = ErrorKind.NOT_FOUND
    error_id = "token_not_found"


class InvalidTokenLifetime(IdentityError):
    """A token's lifetime is out of range."""

    error_id = "invalid_token_lifetime"


class UserInactive(IdentityError):
    """The user is deactivated, so this cannot be done for them now."""

    kind = ErrorKind.CONFLICT
    error_id = "user_inactive"


class Unauthenticated(IdentityError):
    """The request carries no valid session or token (a route that needs a login)."""

    kind = ErrorKind.UNAUTHENTICATED
    error_id = "unauthenticated"

    def __init__(self, message: str = "log in or send an API token (Authorization: Bearer)",
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details)


class RoleRequired(IdentityError):
    """The principal holds none of the roles the route needs."""

    kind = ErrorKind.FORBIDDEN
    error_id = "forbidden"

    def __init__(self, roles: list[str]) -> None:
        super().__init__("your roles do not allow this", {"required_roles": roles})


class InvalidCredentials(IdentityError):
    """A login with a wrong username or password."""

    kind = ErrorKind.UNAUTHENTICATED
    error_id = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class TooManyAttempts(IdentityError):
    """Too many failed logins from this address or for this account; ``retry_after``
    (seconds) says when to try again."""

    kind = ErrorKind.TOO_MANY
    error_id = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("too many failed logins; try later",
                         {"retry_after_seconds": retry_after})
