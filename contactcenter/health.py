"""What is failing in this instance, since when and why: for the operator and ``/health``.

Every part that stores or follows something (the call log's writer, the queue
log, the replica following other instances, the database probe, the ARI
connection) reports here when it fails and when it works again. The first
failure of an episode is logged at ERROR with its cause, at once, so the
operator learns of a full disk or a read-only database from the log as well as
from the health route; retries during the same episode are not logged again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared_kernel.errors import DomainError, ErrorKind

log = logging.getLogger(__name__)

CAUSE_LENGTH = 160
DATABASE = "database"
CALL_LOG = "call_log"
QUEUE_LOG = "queue_log"
QUEUE_REPLICA = "queue_replica"
ARI = "ari"
PARTS = (DATABASE, CALL_LOG, QUEUE_LOG, QUEUE_REPLICA, ARI)
"""The parts health reports on, in the order it lists them."""
# A write that changes nothing, rolled back: refused by a read-only database (SQLite opened
# read-only or with query_only, PostgreSQL in a read-only transaction or on a standby) the
# same as a real write, but it needs no free page, so a full disk shows only in the writers'
# outcomes. ``calls`` is a table the service must be able to update anyway.
_PROBE = text("UPDATE calls SET state = state WHERE 1 = 0")


class StorageUnavailable(DomainError):
    """A change could not be stored, so it was not made (the client may try again)."""

    kind = ErrorKind.UNAVAILABLE
    error_id = "storage_unavailable"

    def __init__(self, what: str, cause: BaseException | str) -> None:
        self.what = what
        self.cause = describe(cause)
        super().__init__(f"{what} could not be stored, so it was not made",
                         {"cause": self.cause})

    def __str__(self) -> str:
        return f"{self.what} could not be stored: {self.cause}"


@dataclass
class Failure:
    """One part failing: since when, why (no patient data) and how many times meanwhile."""

    since: datetime
    cause: str
    count: int = 1

    def as_dict(self) -> dict[str, object]:
        return {"since": self.since.isoformat(), "cause": self.cause, "failures": self.count}


class Health:
    """The failing parts of this instance (a part not listed works)."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._failing: dict[str, Failure] = {}

    def failed(self, part: str, cause: BaseException | str) -> None:
        """``part`` failed; the first failure of an episode is logged at ERROR with its cause."""
        text = describe(cause)
        current = self._failing.get(part)
        if current is not None:
            current.count += 1
            current.cause = text
            log.debug("%s still failing: %s", part, text)
            return
        self._failing[part] = Failure(self._clock(), text)
        log.error("%s is failing: %s", part, text)

    def recovered(self, part: str) -> None:
        """``part`` works again (logged once, with how long it failed)."""
        failure = self._failing.pop(part, None)
        if failure is not None:
            seconds = (self._clock() - failure.since).total_seconds()
            log.warning("%s works again after %.1f s (%d failures)", part, seconds,
                        failure.count)

    def failing(self) -> dict[str, Failure]:
        """The parts failing now."""
        return dict(self._failing)

    def is_failing(self, part: str) -> bool:
        return part in self._failing

    def observe(self, part: str, cause: BaseException | str | None) -> None:
        """A check's outcome: ``None`` works, anything else is why it fails."""
        if cause is None:
            self.recovered(part)
        else:
            self.failed(part, cause)

    async def probe(self, engine: AsyncEngine) -> None:
        """Check that the database takes writes now (recorded as ``database``)."""
        self.observe(DATABASE, await probe_writable(engine))


class DatabaseNotWritable(RuntimeError):
    """The database cannot be written: the service does not start on it."""


async def probe_writable(engine: AsyncEngine) -> str | None:
    """Why the database cannot be written now, or None if it can (a cheap, rolled-back
    no-op write)."""
    try:
        async with engine.connect() as conn:
            transaction = await conn.begin()
            try:
                await conn.execute(_PROBE)
            finally:
                await transaction.rollback()
    except (SQLAlchemyError, OSError) as exc:
        return describe(exc)
    return None


async def require_writable(engine: AsyncEngine, url: str) -> None:
    """Refuse to start on a database that cannot be written: everything done on it would
    live only in memory and be lost at the next restart."""
    cause = await probe_writable(engine)
    if cause is not None:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        shown = url if parsed.password is None else parsed.render_as_string(hide_password=True)
        raise DatabaseNotWritable(f"the database {shown} cannot be written ({cause}); "
                                  "make it writable (free disk space, file permissions, "
                                  "read-only mode) and start again")


def describe(cause: BaseException | str) -> str:
    """A short cause fit for a public health page and the log: the driver's own message
    (SQLAlchemy's text would add the statement and its parameters, i.e. patient data)."""
    if isinstance(cause, str):
        text = cause
    else:
        error = cause.orig if isinstance(cause, DBAPIError) and cause.orig is not None else cause
        first = (str(error).strip().splitlines() or [""])[0]
        text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return text if len(text) <= CAUSE_LENGTH else text[:CAUSE_LENGTH - 1] + "…"
