"""Import of care units from CSV: each line becomes the record :mod:`.importing` validates.

One unit per line with the columns in :data:`~referral_catalog.exporting.CSV_COLUMNS`;
lists (``care_types``, ``languages``) are separated by ``|``; one phone per
unit; ``weekday_hours`` and ``notices`` hold JSON text. A cell the export quoted
against spreadsheet formulas (a leading ``'``, see :mod:`.exporting`) is read
back without it. A field longer than the ``csv`` module's limit (131,072
characters) is an error of its row; the rows after it are still checked. All or
nothing, like every import (see :mod:`.importing`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from referral_catalog.exporting import restore_cell
from referral_catalog.importing import ImportResult, RowError, import_numbered


def _csv_record(raw: Mapping[str, str | None], errors: list[RowError], row: int) -> dict[str, Any]:
    def get(key: str) -> str:
        return restore_cell((raw.get(key) or "").strip())

    rec: dict[str, Any] = {
        k: get(k) or None
        for k in (
            "hsa_id",
            "name",
            "region",
            "municipality_code",
            "unit_type",
            "activity_code",
            "opening_hours",
            "public_holidays",
            "drop_in_hours",
            "web_url",
            "e_service_url",
            "internal_notes",
            "status",
        )
    }
    rec["care_types"] = [x.strip() for x in get("care_types").split("|") if x.strip()]
    rec["languages"] = [x.strip() for x in get("languages").split("|") if x.strip()] or None
    for kind in ("visiting", "postal"):
        parts = [get(f"{kind}_{p}") for p in ("street", "postal_code", "city")]
        if any(parts):
            rec[f"{kind}_address"] = dict(zip(("street", "postal_code", "city"), parts))
    if get("lat") or get("lon"):
        rec["coordinates"] = {"lat": get("lat") or None, "lon": get("lon") or None}
    if get("phone"):
        rec["phones"] = [
            {
                "number": get("phone"),
                "label": get("phone_label"),
                "hours": get("phone_hours") or None,
            }
        ]
    rec["age_group"] = {"min_years": get("age_min") or 0, "max_years": get("age_max") or None}
    for name in ("weekday_hours", "notices"):
        if get(name):
            try:
                rec[name] = json.loads(get(name))
            except json.JSONDecodeError as exc:
                errors.append(RowError(row, name, f"not JSON: {exc.msg}"))
    rec["fictional"] = get("fictional").lower() in ("1", "true", "ja", "yes")
    return rec


def import_csv(text: str) -> ImportResult:
    """Parse a CSV catalog with the columns in :data:`CSV_COLUMNS` (a header line first)."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        return ImportResult(errors=(RowError(0, "header", _csv_problem(exc)),))
    missing = [
        c
        for c in ("hsa_id", "name", "region", "municipality_code", "care_types")
        if c not in header
    ]
    if missing:
        return ImportResult(errors=(RowError(0, "header", f"missing columns: {missing}"),))
    pre_errors: list[RowError] = []
    records = [(n, _csv_record(raw, pre_errors, n)) for n, raw in _csv_rows(reader, pre_errors)]
    return import_numbered(records, pre_errors)


def _csv_rows(
    reader: csv.DictReader[str], errors: list[RowError]
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Numbered rows; a row the ``csv`` module cannot read becomes an error of that row.

    The reader drops the rest of the physical line it failed on and goes on with
    the next one, so the other rows are still checked.
    """
    number = 0
    while True:
        number += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # DictReader's own line_num only moves on success; its reader's counts this line.
            errors.append(
                RowError(number, "record", f"line {reader.reader.line_num}: {_csv_problem(exc)}")
            )
            continue
        yield number, raw


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"a field is longer than {csv.field_size_limit()} characters, "
            "the most a CSV field may hold"
        )
    return f"not readable as CSV ({exc})"
