"""The journal's configuration (``config/journal.toml``): contact reasons, retention,
regional reservnummer formats, FHIR identifier systems and export batching.

Urgencies, care types and deviation reasons are not the journal's own: they are one
coded list each for guidelines, catalog and journal, configured in decision support
(``decision_support.toml``) and handed in by the composition root as
:class:`SharedCodes`. A ``journal.toml`` that still has one of those tables (files
written before the lists were joined) must list exactly the same codes, or loading
fails naming both files and the table.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.identity_numbers import ReservnummerRule
from journal.model import SELF_CARE, Vocabulary

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "journal.toml"


class JournalConfigError(ValueError):
    """The configuration file is wrong; ``problems`` lists every ``file: key: problem``."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


#: What each table may hold: key -> expected type (``str`` values for the code lists).
_TABLES: dict[str, dict[str, type] | None] = {
    "retention": {"years": int, "archive_dir": str},
    "export": {"batch_size": int, "fhir_workers": int, "csv_delimiter": str},
    # The keys journal.fhir reads (DEFAULT_SYSTEMS there, plus ``validation``).
    "fhir": {k: str for k in ("personnummer", "samordningsnummer", "reservnummer", "hsa_id",
                              "code_system_base", "pseudonym", "validation")},
    "contact_reasons": None,  # code = label
    "reservnummer": None,  # region code (or "default") = {pattern, check}
    # Decision support's lists (SharedCodes); allowed here only when they agree with it.
    "urgencies": None, "care_types": None, "deviation_reasons": None,
}
_SHARED = ("urgencies", "care_types", "deviation_reasons")
_FHIR_VALIDATION = ("shape", "full")  # journal.fhir.VALIDATION_MODES
_TYPE_NAMES = {int: "an integer", str: "a string"}


ReservnummerFormat = ReservnummerRule
"""A region's reservnummer format (see :class:`journal.identity_numbers.ReservnummerRule`)."""


@dataclass(frozen=True)
class SharedCodes:
    """The code lists the journal shares with decision support (code -> Swedish name):
    urgencies (brådskandegrad), care types (vårdform) and deviation reasons
    (avvikelseorsak). ``source`` names the file they were configured in, for messages."""

    urgencies: Mapping[str, str]
    care_types: Mapping[str, str]
    deviation_reasons: Mapping[str, str]
    source: str = "decision_support.toml"


@dataclass(frozen=True)
class JournalConfig:
    """Validated journal settings."""

    contact_reasons: dict[str, str]
    urgencies: dict[str, str]  #: decision support's (SharedCodes)
    deviation_reasons: dict[str, str]  #: decision support's (SharedCodes)
    care_types: dict[str, str]  #: decision support's (SharedCodes)
    reservnummer: dict[str, ReservnummerFormat]
    retention_years: int = 10
    archive_dir: str = "var/journal-archive"
    batch_size: int = 2000
    csv_delimiter: str = ","
    fhir_workers: int = 1  #: >1: FHIR pages validated in that many worker processes
    fhir_systems: dict[str, str] = field(default_factory=dict)

    @property
    def vocabulary(self) -> Vocabulary:
        """The code lists that drafts and signing check against."""
        return Vocabulary(frozenset(self.contact_reasons), frozenset(self.urgencies),
                          frozenset(self.deviation_reasons), frozenset(self.care_types))

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        """Each code list's Swedish names by code (the displays of FHIR codings)."""
        return {"contact_reasons": self.contact_reasons, "urgencies": self.urgencies,
                "care_types": self.care_types, "deviation_reasons": self.deviation_reasons}


def load_config(path: Path | None = None, *, shared: SharedCodes) -> JournalConfig:
    """Read and validate ``journal.toml`` (default: the repository's ``config/``), with
    the ``shared`` code lists of decision support.

    Raises :class:`JournalConfigError` listing every problem: the file cannot be
    read, is not UTF-8 (with the line), is not TOML, has an unknown key or a
    value of the wrong type or range, or a shared list that disagrees with ``shared``.
    """
    path = path or DEFAULT_PATH
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JournalConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JournalConfigError(f"{path}: line {line}: not valid UTF-8 "
                                 f"(byte 0x{data[exc.start]:02x}); TOML files must be UTF-8"
                                 ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JournalConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(raw, str(path), shared=shared)


def config_from_dict(raw: dict[str, Any], source: str = "journal.toml", *,
                     shared: SharedCodes) -> JournalConfig:
    """A :class:`JournalConfig` from parsed TOML and decision support's ``shared`` code
    lists; every problem names ``source`` (or ``shared.source``) and the key."""
    problems: list[str] = []

    def bad(key: str, problem: str) -> None:
        problems.append(f"{source}: {key}: {problem}")

    tables: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        if name not in _TABLES:
            bad(name, f"unknown table (allowed: {', '.join(_TABLES)})")
        elif not isinstance(value, dict):
            bad(name, "expected a table")
        else:
            tables[name] = value
    for name, keys in _TABLES.items():
        for key, value in tables.get(name, {}).items() if keys is not None else ():
            if key not in keys:
                bad(f"{name}.{key}", f"unknown key (allowed: {', '.join(keys)})")
            elif not isinstance(value, keys[key]) or isinstance(value, bool):
                bad(f"{name}.{key}", f"expected {_TYPE_NAMES[keys[key]]}, got {value!r}")
    contact_reasons = _code_list(tables, "contact_reasons", bad)
    codes = _shared_lists(tables, shared, bad, problems)
    formats = _reservnummer(tables.get("reservnummer", {}), bad)
    retention, export, fhir = (tables.get(n, {}) for n in ("retention", "export", "fhir"))
    years = retention.get("years", 10)
    if isinstance(years, int) and years < 1:
        bad("retention.years", "must be a positive integer")
    batch = export.get("batch_size", 2000)
    if isinstance(batch, int) and not 1 <= batch <= 100_000:
        bad("export.batch_size", "must be 1..100000")
    workers = export.get("fhir_workers", 1)
    if isinstance(workers, int) and not 1 <= workers <= 32:
        bad("export.fhir_workers", "must be 1..32")
    delimiter = export.get("csv_delimiter", ",")
    if isinstance(delimiter, str) and (len(delimiter) != 1 or delimiter in "\"'\r\n"):
        bad("export.csv_delimiter", f"must be one character (not a quote or line break), "
            f"got {delimiter!r}")
    mode = fhir.get("validation", "shape")
    if isinstance(mode, str) and mode not in _FHIR_VALIDATION:
        bad("fhir.validation", f"must be one of {', '.join(_FHIR_VALIDATION)}, got {mode!r}")
    if problems:
        raise JournalConfigError(problems)
    return JournalConfig(
        contact_reasons=contact_reasons, urgencies=codes["urgencies"],
        deviation_reasons=codes["deviation_reasons"], care_types=codes["care_types"],
        reservnummer=formats,
        retention_years=years,
        archive_dir=retention.get("archive_dir", "var/journal-archive"),
        batch_size=batch, csv_delimiter=delimiter, fhir_workers=workers,
        fhir_systems=dict(fhir),
    )


def _code_list(tables: dict[str, dict[str, Any]], name: str, bad: Any) -> dict[str, str]:
    value = tables.get(name)
    if not value:
        bad(f"[{name}]", "must be a non-empty table")
        return {}
    for code, label in value.items():
        if not isinstance(label, str) or not label.strip():
            bad(f"{name}.{code}", f"expected the Swedish label as a string, got {label!r}")
    return {str(k): str(v) for k, v in value.items()}


def _shared_lists(tables: dict[str, dict[str, Any]], shared: SharedCodes, bad: Any,
                  problems: list[str]) -> dict[str, dict[str, str]]:
    """Decision support's lists, checked against any ``journal.toml`` copy of them."""
    codes = {name: dict(getattr(shared, name)) for name in _SHARED}
    for name in _SHARED:
        if name in tables:
            _agrees(tables[name], codes[name], name, shared.source, bad)
        if not codes[name]:
            problems.append(f"{shared.source}: {name}: must list at least one code")
    if SELF_CARE not in codes["care_types"]:
        problems.append(f"{shared.source}: care_types: must include {SELF_CARE} (self-care, "
                        "egenvård: the journal's self-care advice is that care type)")
    return codes


def _agrees(table: dict[str, Any], codes: Mapping[str, str], name: str, shared_source: str,
            bad: Any) -> None:
    """A ``journal.toml`` copy of a shared list must have exactly its codes (the names
    used are decision support's either way)."""
    only_here = [c for c in table if c not in codes]
    only_there = [c for c in codes if c not in table]
    if only_here or only_there:
        bad(name, f"disagrees with {shared_source} {name} (only here: "
            f"{', '.join(only_here) or '-'}; only there: {', '.join(only_there) or '-'}); "
            f"the list is configured in {shared_source}: remove this table")


def _reservnummer(table: dict[str, Any], bad: Any) -> dict[str, ReservnummerFormat]:
    formats = {}
    for region, spec in table.items():
        key = f"reservnummer.{region}"
        if not isinstance(spec, dict):
            bad(key, "expected a table with pattern and check")
            continue
        for name in spec:
            if name not in ("pattern", "check"):
                bad(f"{key}.{name}", "unknown key (allowed: pattern, check)")
        check, pattern = spec.get("check", "none"), spec.get("pattern")
        if check not in ("luhn", "none") or not isinstance(pattern, str):
            bad(key, 'needs a string pattern and check = "luhn" or "none"')
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            bad(f"{key}.pattern", f"not a regular expression: {exc}")
            continue
        formats[region] = ReservnummerFormat(pattern, check)
    return formats
