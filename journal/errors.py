"""Errors of the journal context (journalföring).

Every error is a :class:`JournalError`, a :class:`~shared_kernel.errors.DomainError`
carrying a stable ``error_id``, ``details`` and a kind (never an HTTP status);
the service's one error middleware answers it as
``{"error_id", "message", "details"}`` with the kind's status.
"""

from __future__ import annotations

from shared_kernel.errors import DomainError, ErrorKind


class JournalError(DomainError):
    """Base class of every error raised by :mod:`journal`."""

    kind = ErrorKind.INVALID
    error_id = "journal_error"


class InvalidEntry(JournalError, ValueError):
    """Entry content breaks a rule (bad field, missing field for signing)."""

    error_id = "invalid_entry"


class InvalidIdentityNumber(InvalidEntry):
    """A personnummer, samordningsnummer or reservnummer does not validate."""

    error_id = "invalid_identity_number"


class EntryNotFound(JournalError, LookupError):
    """No journal entry with that id."""

    kind = ErrorKind.NOT_FOUND
    error_id = "entry_not_found"


class StaleRevision(JournalError):
    """The draft was saved by someone else since it was read (optimistic concurrency)."""

    kind = ErrorKind.CONFLICT
    error_id = "stale_revision"


class EntrySigned(JournalError):
    """A signed entry is immutable: corrections are amendments (rättelse/tillägg)."""

    kind = ErrorKind.CONFLICT
    error_id = "entry_signed"


class AccessDenied(JournalError, PermissionError):
    """The actor may not do this; the attempt is logged."""

    kind = ErrorKind.FORBIDDEN
    error_id = "access_denied"


class ReasonRequired(AccessDenied):
    """Reading someone else's entry needs a stated reason (or emergency access)."""

    error_id = "reason_required"


class RegionMismatch(JournalError):
    """The request names another region than the call's: an entry belongs to its call's
    region and care provider. The attempt is logged like a refused access."""

    kind = ErrorKind.CONFLICT
    error_id = "region_mismatch"
