"""Streaming exports for follow-up (uppföljning): JSON Lines, CSV and FHIR R4.

Rows are read in keyset pages (``(created_at, id) > last``), each page in its
own short read, and turned into text chunks one page at a time, so memory
stays the same whatever the number of entries. Exporters are async generators
of ``str`` chunks (whole lines) that a CLI writes to a file and an HTTP route
writes to a streaming response.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.errors import InvalidEntry
from journal.model import EntryContent, JournalEntry, content_from_plain, patient_view
from journal.sql import as_utc, journal_entries

FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv",
           "fhir": "application/fhir+ndjson"}
"""The export formats and the media type each is served as: the one list of them (the
service, the route and the command line all read it)."""


def check_format(fmt: str) -> str:
    """``fmt`` if it is an export format (InvalidEntry naming the known ones otherwise)."""
    if fmt not in FORMATS:
        raise InvalidEntry(f"format must be {', '.join(list(FORMATS)[:-1])} or "
                           f"{list(FORMATS)[-1]}", {"format": fmt})
    return fmt
_COLUMNS = [c for c in journal_entries.c if c.name not in ("revision", "updated_at")]


@dataclass(frozen=True)
class ExportFilter:
    """Which signed entries to export: a period on ``created_at`` [since, until), a
    region, a contact reason code, an urgency."""

    since: datetime | None = None
    until: datetime | None = None
    region: str | None = None
    contact_reason: str | None = None
    urgency: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions for this filter (signed entries and amendments only)."""
        t = journal_entries
        cond: list[ColumnElement[bool]] = [t.c.status == "signed"]
        if self.since is not None:
            cond.append(t.c.created_at >= self.since)
        if self.until is not None:
            cond.append(t.c.created_at < self.until)
        for column, value in ((t.c.region, self.region), (t.c.contact_reason,
                              self.contact_reason), (t.c.urgency, self.urgency)):
            if value is not None:
                cond.append(column == value)
        return cond

    def as_dict(self) -> dict[str, Any]:
        """The filter as logged in the access log."""
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items() if v is not None}


class Pseudonymiser:
    """A stable pseudonym per person per export key: HMAC-SHA256 of kind and number.

    The same key gives the same pseudonym for the same person in every export, so
    follow-up can link calls without seeing identity numbers; another key gives
    unlinkable pseudonyms."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonymisation key needs at least 16 bytes")
        self._key = key

    def pseudonym(self, kind: str, number: str | None) -> str | None:
        """``psn-`` and 32 hex digits, or ``None`` for unidentified persons."""
        if not number:
            return None
        digest = hmac.new(self._key, f"{kind}:{number}".encode(), hashlib.sha256)
        return "psn-" + digest.hexdigest()[:32]


async def iter_pages(engine: AsyncEngine, conditions: list[ColumnElement[bool]],
                     batch_size: int) -> AsyncIterator[Sequence[Any]]:
    """Pages of ``journal_entries`` rows in ``(created_at, id)`` order."""
    t = journal_entries
    last: tuple[Any, int] | None = None
    while True:
        cond = list(conditions)
        if last is not None:
            cond.append(tuple_(t.c.created_at, t.c.id) > tuple_(*last))
        query = (select(*_COLUMNS).where(and_(*cond))
                 .order_by(t.c.created_at, t.c.id).limit(batch_size))
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        if not rows:
            return
        yield rows
        if len(rows) < batch_size:
            return
        last = (rows[-1].created_at, rows[-1].id)


def _iso(value: Any) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def row_record(row: Any, pseudonymiser: Pseudonymiser | None = None) -> dict[str, Any]:
    """The export record of one row: entry metadata plus its content; pseudonymised
    records carry a pseudonym instead of the identity number, and no caller number or
    name."""
    content = json.loads(row.content)
    person = content["person"]
    if pseudonymiser is not None:
        person["pseudonym"] = pseudonymiser.pseudonym(person["kind"], person.get("number"))
        person["number"] = None
        content["caller"]["phone"] = None
        content["caller"]["name"] = None
    return {
        "entry_id": row.entry_id, "call_id": row.call_id, "kind": row.kind,
        "amends": row.amends, "status": row.status, "region": row.region,
        "care_provider": row.care_provider, "nurse_id": row.nurse_id,
        "nurse_name": row.nurse_name, "created_at": _iso(row.created_at),
        "signed_at": _iso(row.signed_at), "signed_by": row.signed_by, **content,
    }


def jsonl_chunk(rows: Iterable[Any], pseudonymiser: Pseudonymiser | None) -> str:
    """JSON Lines for a page of rows."""
    return "".join(json.dumps(row_record(r, pseudonymiser), ensure_ascii=False,
                              separators=(",", ":")) + "\n" for r in rows)


CSV_HEADER = [
    "entry_id", "call_id", "kind", "amends", "region", "care_provider", "nurse_id",
    "created_at", "signed_at", "person_kind", "person_id", "caller_relation",
    "contact_reason", "contact_reason_text", "urgency", "recommended_care_type",
    "referral_hsa_id", "referral_unit_name", "referral_care_type", "self_care",
    "deviation_reason", "deviation_text", "guidelines", "listen_summary", "assessment",
    "action", "advice_given", "attachments",
]


def csv_row(rec: dict[str, Any]) -> list[Any]:
    """One CSV row (the columns of :data:`CSV_HEADER`) from an export record."""
    person, reason = rec["person"], rec.get("contact_reason") or {}
    referral, deviation = rec.get("referral") or {}, rec.get("deviation") or {}
    notes = rec["notes"]
    return [
        rec["entry_id"], rec["call_id"], rec["kind"], rec["amends"] or "", rec["region"],
        rec["care_provider"], rec["nurse_id"], rec["created_at"], rec["signed_at"] or "",
        person["kind"], person.get("pseudonym") or person.get("number") or "",
        rec["caller"]["relation"], reason.get("code", ""), reason.get("text", ""),
        rec.get("urgency") or "", rec.get("recommended_care_type") or "",
        referral.get("hsa_id", ""), referral.get("unit_name", ""),
        referral.get("care_type", ""), "1" if rec.get("self_care") else "0",
        deviation.get("reason_code", ""), deviation.get("text", ""),
        ";".join(f"{g['guideline_id']}@{g['version']}" for g in rec.get("guidelines", [])),
        notes.get("listen_summary", ""), notes.get("assessment", ""), notes.get("action", ""),
        notes.get("advice_given", ""), ";".join(rec.get("attachments", [])),
    ]


_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` made safe to open in a spreadsheet (OWASP's CSV-injection rule).

    A text cell whose first character, or first after leading white space, starts
    a formula (``=``, ``+``, ``-``, ``@``), or that starts with a tab or carriage
    return (which spreadsheets skip before reading a formula), gets a leading
    ``'``, so Excel, LibreOffice and Google Sheets show it as text instead of
    running it (``=HYPERLINK(...)`` would otherwise send the reader's click, and
    the row, anywhere). No journal CSV column holds a number, so nothing
    numeric is changed; the JSON Lines and FHIR exports carry the values as
    they are.
    """
    if isinstance(value, str) and (value.startswith(_CONTROL_STARTS)
                                   or value.lstrip().startswith(_FORMULA_STARTS)):
        return "'" + value
    return value


def csv_chunk(rows: Iterable[Any], pseudonymiser: Pseudonymiser | None, delimiter: str = ",",
              header: bool = False) -> str:
    """CSV text (RFC 4180 quoting, CRLF line ends) for a page of rows; every cell passes
    :func:`neutralise_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    if header:
        writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([neutralise_cell(c) for c in csv_row(row_record(r, pseudonymiser))])
    return buffer.getvalue()


async def stream(engine: AsyncEngine, fmt: str, export_filter: ExportFilter, batch_size: int,
                 pseudonymiser: Pseudonymiser | None = None, delimiter: str = ",",
                 fhir_chunk: Callable[[Iterable[Any], Pseudonymiser | None], str] | None = None,
                 ) -> AsyncIterator[str]:
    """Text chunks of the export in format ``fmt`` (``jsonl``, ``csv`` or ``fhir``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    first = True
    if fmt == "csv":
        # the header goes out even when nothing matches
        async for rows in iter_pages(engine, export_filter.conditions(), batch_size):
            yield csv_chunk(rows, pseudonymiser, delimiter, header=first)
            first = False
        if first:
            yield csv_chunk([], None, delimiter, header=True)
        return
    async for rows in iter_pages(engine, export_filter.conditions(), batch_size):
        if fmt == "jsonl":
            yield jsonl_chunk(rows, pseudonymiser)
        else:
            assert fhir_chunk is not None
            yield fhir_chunk(rows, pseudonymiser)


def entry_from_export_row(row: Any) -> JournalEntry:
    """A :class:`JournalEntry` from an export row (for the patient view)."""
    from journal.model import EntryKind, EntryStatus

    content: EntryContent = content_from_plain(json.loads(row.content))
    return JournalEntry(
        entry_id=row.entry_id, call_id=row.call_id, kind=EntryKind(row.kind),
        status=EntryStatus(row.status), revision=0, region=row.region,
        care_provider=row.care_provider, nurse_id=row.nurse_id, nurse_name=row.nurse_name,
        content=content, created_at=as_utc(row.created_at), updated_at=as_utc(row.created_at),
        amends=row.amends, signed_at=as_utc(row.signed_at), signed_by=row.signed_by)


async def stream_patient_view(engine: AsyncEngine, person_number: str,
                              batch_size: int) -> AsyncIterator[str]:
    """The patient's own signed entries and amendments as JSON Lines, patient view only."""
    cond = [journal_entries.c.status == "signed",
            journal_entries.c.person_number == person_number]
    async for rows in iter_pages(engine, cond, batch_size):
        yield "".join(json.dumps(patient_view(entry_from_export_row(r)), ensure_ascii=False,
                                 separators=(",", ":")) + "\n" for r in rows)
