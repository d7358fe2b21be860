"""Errors of the identity context; each carries details for the API's error body."""

from __future__ import annotations

from typing import Any


class IdentityError(Exception):
    """Base of identity errors; ``error_id`` is stable for API clients."""

    error_id = "identity_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidUser(IdentityError):
    error_id = "invalid_user"


class InvalidPassword(IdentityError):
    error_id = "invalid_password"


class InvalidRole(IdentityError):
    error_id = "invalid_role"


class InvalidRegion(IdentityError):
    error_id = "invalid_region"


class UserExists(IdentityError):
    error_id = "user_exists"


class UserNotFound(IdentityError):
    error_id = "user_not_found"


class TokenExists(IdentityError):
    error_id = "token_exists"


class InvalidTokenName(IdentityError):
    error_id = "invalid_token_name"


class TokenNotFound(IdentityError):
    error_id = "token_not_found"


class InvalidTokenLifetime(IdentityError):
    error_id = "invalid_token_lifetime"


class UserInactive(IdentityError):
    error_id = "user_inactive"
