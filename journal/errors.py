"""Errors of the journal context (journalföring).

Every error is a :class:`JournalError` carrying an HTTP-like ``status``, a
stable ``error_id`` and ``details``. :mod:`journal.http` turns them into the
API's ``{"error_id", "message", "details"}`` body itself (returned, not raised,
so no middleware rewrites them); the composition root may also map them in its
own error middleware.
"""

from __future__ import annotations

from typing import Any


class JournalError(Exception):
    """Base class of every error raised by :mod:`journal`."""

    status = 400
    error_id = "journal_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidEntry(JournalError, ValueError):
    """Entry content breaks a rule (bad field, missing field for signing)."""

    error_id = "invalid_entry"


class InvalidIdentityNumber(InvalidEntry):
    """A personnummer, samordningsnummer or reservnummer does not validate."""

    error_id = "invalid_identity_number"


class EntryNotFound(JournalError, LookupError):
    """No journal entry with that id."""

    status = 404
    error_id = "entry_not_found"


class StaleRevision(JournalError):
    """The draft was saved by someone else since it was read (optimistic concurrency)."""

    status = 409
    error_id = "stale_revision"


class EntrySigned(JournalError):
    """A signed entry is immutable: corrections are amendments (rättelse/tillägg)."""

    status = 409
    error_id = "entry_signed"


class AccessDenied(JournalError, PermissionError):
    """The actor may not do this; the attempt is logged."""

    status = 403
    error_id = "access_denied"


class ReasonRequired(AccessDenied):
    """Reading someone else's entry needs a stated reason (or emergency access)."""

    error_id = "reason_required"


class RegionMismatch(JournalError):
    """The request names another region than the call's: an entry belongs to its call's
    region and care provider. The attempt is logged like a refused access."""

    status = 409
    error_id = "region_mismatch"
