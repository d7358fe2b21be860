"""Use cases of the journal (journalföring): drafts, signing, amendments, reads,
the auditors' log query, exports and retention.

Every use case checks access with :mod:`journal.model`, writes the access log
(:mod:`journal.access_log`) in the same transaction as the change, and logs
refused attempts in a transaction of their own before raising.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from journal import access, access_log, model
from journal.access import AccessDecision
from journal.access_log import AccessLogRecord, Action, LogQuery
from journal.config import JournalConfig
from journal.errors import (
    AccessDenied,
    EntryNotFound,
    InvalidEntry,
    JournalError,
    ReasonRequired,
    RegionMismatch,
    StaleRevision,
)
from journal.export import (
    ExportFilter,
    Pseudonymiser,
    check_format,
    stream,
    stream_patient_view,
)
from journal.identity_numbers import parse_identity
from journal.model import EntryContent, JournalEntry
from journal.ports import Actor, CallDirectory
from journal.sql import entry_from_row, entry_values, journal_entries
from shared_kernel.clock import Clock


@dataclass(frozen=True)
class EntryRead:
    """An entry as read, with its amendments (oldest first) and the access basis."""

    entry: JournalEntry
    amendments: tuple[JournalEntry, ...]
    basis: str
    emergency: bool


class JournalService:
    """The journal's use cases on an async SQLAlchemy engine (or a session factory
    bound to one), an injected clock and the journal configuration.

    ``calls`` tells who took part in a call: only those nurses open its entry and read
    its entries as their own. It may be left out only where no nurse works (the CLI's
    exports and purges as a system actor): without it every nurse's draft is refused."""

    def __init__(self, engine_or_sessions: AsyncEngine | async_sessionmaker[Any], clock: Clock,
                 config: JournalConfig, calls: CallDirectory | None = None) -> None:
        if isinstance(engine_or_sessions, AsyncEngine):
            self._engine = engine_or_sessions
        else:
            self._engine = engine_or_sessions.kw["bind"]
        self._clock = clock
        self._config = config
        self._calls = calls

    @property
    def config(self) -> JournalConfig:
        """The configuration in use."""
        return self._config

    # -- writing -------------------------------------------------------------------------

    async def create_draft(self, actor: Actor, call_id: str, region: str | None = None,
                           content: EntryContent | None = None, *, emergency: bool = False,
                           reason: str | None = None) -> JournalEntry:
        """Open a draft entry for a call (utkast); the nurse is its author.

        Only a nurse who took part in the call, as the call directory tells, opens its
        entry; others (and calls nobody answered or the call log does not know) need
        ``emergency`` access with a ``reason``, logged with basis ``emergency``. The
        entry takes the call's region and care provider; a ``region`` naming another is
        refused (:class:`~journal.errors.RegionMismatch`). Without a call directory no
        nurse opens an entry at all."""
        query: dict[str, Any] = {"call_id": call_id}
        if region is not None:
            query["region"] = region
        if self._calls is None:
            await self._deny(actor, Action.CREATE, AccessDecision(
                False, problem="the journal cannot check who took part in calls here"),
                region=region, query=query)
        call = await self._calls.call(call_id)
        decision = access.decide_create(actor, call, region, reason, emergency)
        if not decision.allowed:  # logged under the call's region, for its auditors
            await self._deny(actor, Action.CREATE, decision, reason=reason, query=query,
                             region=call.region if call is not None and call.region else region)
        region, care_provider = access.entry_origin(actor, call, region)
        now = self._clock()
        content = self._checked(content or EntryContent(), region)
        entry = JournalEntry(
            entry_id=str(uuid.uuid4()), call_id=call_id, kind=model.EntryKind.ENTRY,
            status=model.EntryStatus.DRAFT, revision=1, region=region,
            care_provider=care_provider, nurse_id=actor.user_id,
            nurse_name=actor.username, content=content, created_at=now, updated_at=now)
        async with self._engine.begin() as conn:
            await conn.execute(insert(journal_entries).values(entry_values(entry)))
            await access_log.append(conn, now, actor, Action.CREATE, decision,
                                    entry_id=entry.entry_id, region=region,
                                    reason=reason if decision.emergency else None,
                                    query=query)
        return entry

    async def update_draft(self, actor: Actor, entry_id: str, content: EntryContent,
                           expected_revision: int) -> JournalEntry:
        """Save a draft (continuously, from the nurse's form); ``expected_revision`` is
        the revision the nurse last read (optimistic concurrency)."""
        entry = await self._load_for_write(actor, entry_id, Action.UPDATE)
        now = self._clock()
        changed = model.update_draft(entry, self._checked(content, entry.region),
                                     expected_revision, now)
        await self._store(changed, expected_revision, actor, Action.UPDATE)
        return changed

    async def sign(self, actor: Actor, entry_id: str, expected_revision: int) -> JournalEntry:
        """Sign a draft entry or amendment; it can never change again."""
        entry = await self._load_for_write(actor, entry_id, Action.SIGN)
        signed = model.sign(entry, actor.user_id, expected_revision, self._clock(),
                            self._config.vocabulary)
        await self._store(signed, expected_revision, actor, Action.SIGN)
        return signed

    async def amend(self, actor: Actor, entry_id: str, content: EntryContent) -> JournalEntry:
        """Start an amendment (rättelse) of a signed entry; sign it with :meth:`sign`.
        The nurse needs read access to the original; the amendment reason is logged."""
        original = await self._get(entry_id, actor, Action.AMEND)
        decision = access.decide_read(actor, original, await self._took_part(actor, original),
                                     content.amendment_reason)
        if not decision.allowed or decision.emergency:
            await self._deny(actor, Action.AMEND, decision, entry_id=entry_id,
                             region=original.region, reason=content.amendment_reason)
        now = self._clock()
        amendment = model.new_amendment(
            original, str(uuid.uuid4()), actor.user_id, actor.username,
            original.care_provider, self._checked(content, original.region, person=False), now)
        async with self._engine.begin() as conn:
            await conn.execute(insert(journal_entries).values(entry_values(amendment)))
            await access_log.append(conn, now, actor, Action.AMEND, decision,
                                    entry_id=amendment.entry_id, region=original.region,
                                    reason=content.amendment_reason,
                                    query={"amends": original.entry_id})
        return amendment

    # -- reading -------------------------------------------------------------------------

    async def get_entry(self, actor: Actor, entry_id: str, reason: str | None = None,
                        emergency: bool = False) -> EntryRead:
        """Read an entry and its amendments. Other nurses' entries need a ``reason``;
        ``emergency`` (nödåtkomst) with a reason reaches any entry and is flagged."""
        entry = await self._get(entry_id, actor, Action.READ)
        decision = access.decide_read(actor, entry, await self._took_part(actor, entry),
                                     reason, emergency)
        if not decision.allowed:
            await self._deny(actor, Action.READ, decision, entry_id=entry_id,
                             region=entry.region, reason=reason)
        async with self._engine.begin() as conn:
            rows = await conn.execute(select(journal_entries).where(
                journal_entries.c.amends == entry.entry_id).order_by(journal_entries.c.id))
            amendments = tuple(entry_from_row(r) for r in rows)
            await access_log.append(conn, self._clock(), actor, Action.READ, decision,
                                    entry_id=entry_id, region=entry.region, reason=reason)
        assert decision.basis is not None
        return EntryRead(entry, amendments, decision.basis.value, decision.emergency)

    async def list_own_recent(self, actor: Actor, limit: int = 20) -> list[JournalEntry]:
        """The actor's own latest entries and drafts, newest first."""
        limit = max(1, min(limit, 200))
        t = journal_entries
        decision = AccessDecision(actor.has_role("nurse"), access.AccessBasis.OWN_CALL,
                                  problem="" if actor.has_role("nurse") else "nurses only")
        if not decision.allowed:
            await self._deny(actor, Action.LIST, decision)
        async with self._engine.begin() as conn:
            rows = await conn.execute(select(t).where(t.c.nurse_id == actor.user_id)
                                      .order_by(t.c.updated_at.desc(), t.c.id.desc()).limit(limit))
            entries = [entry_from_row(r) for r in rows]
            await access_log.append(conn, self._clock(), actor, Action.LIST, decision,
                                    query={"own_recent": limit, "count": len(entries)})
        return entries

    async def log_repeat_calls(self, actor: Actor, call_id: str, earlier: list[str],
                               region: str | None) -> None:
        """Log that the nurse on ``call_id`` was shown what earlier calls from the same
        number or person led to (urgency, referral, outcome), for the auditors."""
        decision = AccessDecision(True, access.AccessBasis.OWN_CALL)
        async with self._engine.begin() as conn:
            await access_log.append(conn, self._clock(), actor, Action.LIST, decision,
                                    region=region, query={"repeat_calls_for": call_id,
                                                          "earlier_calls": earlier})

    async def query_access_log(self, actor: Actor, query: LogQuery) -> list[AccessLogRecord]:
        """The access log for auditors (limited to their regions unless they hold ``*``);
        the query itself is logged."""
        decision = access.decide_log_query(actor)
        if not decision.allowed:
            await self._deny(actor, Action.LOG_QUERY, decision, query=query.as_dict())
        regions = None if actor.can_access_region("*") else actor.regions
        async with self._engine.begin() as conn:
            records = await access_log.query(conn, query, regions)
            await access_log.append(conn, self._clock(), actor, Action.LOG_QUERY, decision,
                                    query=query.as_dict())
        return records

    # -- export and retention ------------------------------------------------------------

    async def export(self, actor: Actor, fmt: str, export_filter: ExportFilter,
                     pseudonymise_key: bytes | None = None) -> AsyncIterator[str]:
        """Check access and log the export, then return its text chunks (an async
        generator that reads page by page)."""
        decision = access.decide_export(actor, export_filter.region)
        query = {**export_filter.as_dict(), "format": fmt,
                 "pseudonymised": pseudonymise_key is not None}
        if not decision.allowed:
            await self._deny(actor, Action.EXPORT, decision, region=export_filter.region,
                             query=query)
        check_format(fmt)
        try:
            pseudonymiser = Pseudonymiser(pseudonymise_key) if pseudonymise_key else None
        except ValueError as exc:
            raise InvalidEntry(str(exc), {"field": "pseudonymise_key"}) from exc
        await self._log(actor, Action.EXPORT, decision, region=export_filter.region, query=query)
        fhir_chunk = None
        if fmt == "fhir":
            labels = self._config.labels
            if self._config.fhir_workers > 1:
                from journal.fhir_parallel import stream_fhir_parallel

                return stream_fhir_parallel(self._engine, export_filter, self._config.batch_size,
                                            self._config.fhir_workers, self._config.fhir_systems,
                                            labels, pseudonymise_key)
            from journal.fhir import fhir_chunk_factory

            fhir_chunk = fhir_chunk_factory(self._config.fhir_systems, labels)
        return stream(self._engine, fmt, export_filter, self._config.batch_size, pseudonymiser,
                      self._config.csv_delimiter, fhir_chunk)

    async def patient_export(self, actor: Actor, kind: str, number: str) -> AsyncIterator[str]:
        """A patient's own entries (patient view only) as JSON Lines, by identity number:
        prepared by a region admin or a system actor on the patient's request."""
        parsed = parse_identity(kind, number, self._clock().date(), None,
                                self._config.reservnummer)
        decision = access.decide_patient_export(actor)
        query = {"person_kind": parsed.kind.value, "person_number": parsed.number}
        if not decision.allowed:
            await self._deny(actor, Action.PATIENT_EXPORT, decision, query=query)
        await self._log(actor, Action.PATIENT_EXPORT, decision, query=query)
        return stream_patient_view(self._engine, parsed.number, self._config.batch_size)

    async def purge_older_than(self, actor: Actor, years: int | None = None,
                               archive: Callable[[str], Awaitable[None]] | None = None) -> int:
        """Delete calls whose newest entry is older than ``years`` (default: the
        configured retention), after passing them as JSON Lines to ``archive``.
        System actors only. Returns the number of entries removed."""
        years = years or self._config.retention_years
        now = self._clock()
        cutoff = _years_before(now, years)
        decision = (AccessDecision(True, access.AccessBasis.SYSTEM) if actor.system
                    else AccessDecision(False, problem="only system jobs purge the journal"))
        query = {"older_than_years": years, "cutoff": cutoff.isoformat()}
        if not decision.allowed:
            await self._deny(actor, Action.PURGE, decision, query=query)
        t = journal_entries
        old_calls = (select(t.c.call_id).group_by(t.c.call_id)
                     .having(func.max(t.c.created_at) < cutoff))
        if archive is not None:
            from journal.export import iter_pages, jsonl_chunk

            async for rows in iter_pages(self._engine, [t.c.call_id.in_(old_calls)],
                                         self._config.batch_size):
                await archive(jsonl_chunk(rows, None))
        async with self._engine.begin() as conn:
            removed = (await conn.execute(delete(t).where(t.c.call_id.in_(old_calls)))).rowcount
            await access_log.append(conn, now, actor, Action.PURGE, decision,
                                    query={**query, "removed": removed})
        return int(removed or 0)

    # -- helpers -------------------------------------------------------------------------

    def _checked(self, content: EntryContent, region: str, person: bool = True) -> EntryContent:
        model.check_content(content, self._config.vocabulary)
        p = content.person
        if not person or not p.number:  # drafts may lack the number; signing demands it
            return content
        parsed = parse_identity(p.kind, p.number, self._clock().date(),
                                p.issuing_region or region, self._config.reservnummer)
        issuing = (p.issuing_region or region) if p.kind is model.IdentityKind.RESERVNUMMER \
            else None
        return replace(content, person=replace(p, number=parsed.number, issuing_region=issuing))

    async def _get(self, entry_id: str, actor: Actor, action: Action) -> JournalEntry:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(journal_entries).where(
                journal_entries.c.entry_id == entry_id))).first()
        if row is None:
            await self._log(actor, action, AccessDecision(False, problem="no such entry"),
                            entry_id=entry_id)
            raise EntryNotFound("no journal entry with that id", {"entry_id": entry_id})
        return entry_from_row(row)

    async def _load_for_write(self, actor: Actor, entry_id: str, action: Action) -> JournalEntry:
        entry = await self._get(entry_id, actor, action)
        decision = access.decide_write(actor, entry)
        if not decision.allowed:
            await self._deny(actor, action, decision, entry_id=entry_id, region=entry.region)
        return entry

    async def _store(self, entry: JournalEntry, expected_revision: int, actor: Actor,
                     action: Action) -> None:
        t = journal_entries
        values = entry_values(entry)
        async with self._engine.begin() as conn:
            result = await conn.execute(update(t).where(and_(
                t.c.entry_id == entry.entry_id, t.c.revision == expected_revision,
                t.c.status == model.EntryStatus.DRAFT.value)).values(values))
            if result.rowcount != 1:
                raise StaleRevision("the draft was saved since you read it",
                                    {"entry_id": entry.entry_id, "expected": expected_revision})
            await access_log.append(conn, entry.updated_at, actor, action,
                                    AccessDecision(True, access.AccessBasis.OWN_CALL),
                                    entry_id=entry.entry_id, region=entry.region,
                                    query={"revision": entry.revision})

    async def _took_part(self, actor: Actor, entry: JournalEntry) -> bool:
        """Did ``actor`` take part in the entry's call? Only the call log says so: having
        written some entry for a call id proves nothing (anyone could have opened one)."""
        if self._calls is None or not actor.has_role("nurse"):
            return False  # without a directory only authors read their entries as own
        if entry.nurse_id == actor.user_id:
            return True  # her own entry: the decision is the same, no call log lookup needed
        return access.took_part(actor, await self._calls.call(entry.call_id))

    async def _log(self, actor: Actor, action: Action, decision: AccessDecision,
                   **kw: Any) -> None:
        async with self._engine.begin() as conn:
            await access_log.append(conn, self._clock(), actor, action, decision, **kw)

    async def _deny(self, actor: Actor, action: Action, decision: AccessDecision,
                    **kw: Any) -> NoReturn:
        await self._log(actor, action, decision, **kw)
        error: type[JournalError] = AccessDenied
        if decision.reason_required:
            error = ReasonRequired
        elif decision.region_mismatch:
            error = RegionMismatch
        raise error(decision.problem or "access denied",
                    {"action": action.value, **({"entry_id": kw["entry_id"]}
                                                if kw.get("entry_id") else {})})


def _years_before(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28) + timedelta(days=1)
