"""The journal's configuration (``config/journal.toml``): code lists, retention,
regional reservnummer formats, FHIR identifier systems and export batching."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.identity_numbers import ReservnummerRule
from journal.model import Vocabulary

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "journal.toml"


class JournalConfigError(ValueError):
    """The configuration file is wrong; the message names the file and the key."""


ReservnummerFormat = ReservnummerRule
"""A region's reservnummer format (see :class:`journal.identity_numbers.ReservnummerRule`)."""


@dataclass(frozen=True)
class JournalConfig:
    """Validated journal settings."""

    contact_reasons: dict[str, str]
    urgencies: dict[str, str]
    deviation_reasons: dict[str, str]
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
                          frozenset(self.deviation_reasons))


def load_config(path: Path | None = None) -> JournalConfig:
    """Read and validate ``journal.toml`` (default: the repository's ``config/``)."""
    path = path or DEFAULT_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise JournalConfigError(f"{path}: {exc}") from exc
    return config_from_dict(raw, str(path))


def config_from_dict(raw: dict[str, Any], source: str = "journal.toml") -> JournalConfig:
    """A :class:`JournalConfig` from parsed TOML; errors name ``source`` and the key."""
    def need(table: str) -> dict[str, Any]:
        value = raw.get(table)
        if not isinstance(value, dict) or not value:
            raise JournalConfigError(f"{source}: [{table}] must be a non-empty table")
        return value

    formats = {}
    for region, spec in raw.get("reservnummer", {}).items():
        check = spec.get("check", "none")
        if check not in ("luhn", "none") or not isinstance(spec.get("pattern"), str):
            raise JournalConfigError(f"{source}: reservnummer.{region}: needs a string pattern "
                                     "and check = \"luhn\" or \"none\"")
        formats[region] = ReservnummerFormat(spec["pattern"], check)
    retention = raw.get("retention", {})
    years = retention.get("years", 10)
    if not isinstance(years, int) or years < 1:
        raise JournalConfigError(f"{source}: retention.years must be a positive integer")
    export = raw.get("export", {})
    batch = export.get("batch_size", 2000)
    if not isinstance(batch, int) or not 1 <= batch <= 100_000:
        raise JournalConfigError(f"{source}: export.batch_size must be 1..100000")
    workers = export.get("fhir_workers", 1)
    if not isinstance(workers, int) or not 1 <= workers <= 32:
        raise JournalConfigError(f"{source}: export.fhir_workers must be 1..32")
    return JournalConfig(
        contact_reasons={str(k): str(v) for k, v in need("contact_reasons").items()},
        urgencies={str(k): str(v) for k, v in need("urgencies").items()},
        deviation_reasons={str(k): str(v) for k, v in need("deviation_reasons").items()},
        reservnummer=formats, retention_years=years,
        archive_dir=str(retention.get("archive_dir", "var/journal-archive")),
        batch_size=batch, csv_delimiter=str(export.get("csv_delimiter", ",")),
        fhir_workers=workers,
        fhir_systems={str(k): str(v) for k, v in raw.get("fhir", {}).items()},
    )
