"""Demo wiring hook: fill an empty catalog with the fictional demo units.

The composition root (``radgivning demo``) and ``radgivning catalog demo-fill``
call :func:`fill_demo_catalog` after the migrations; a catalog that already
holds units is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from referral_catalog.demo_data import (
    FALLBACK_ORGNR,
    generate_demo_catalog,
    load_municipalities,
    load_region_orgnrs,
)
from referral_catalog.geo import DEFAULT_CENTRES_PATH, MunicipalityCentres
from referral_catalog.ports import ALL_REGIONS, Actor
from referral_catalog.service import CatalogService

DEMO_ACTOR = Actor("demo-fill", {"region_admin"}, {ALL_REGIONS})


def centres_for(config_dir: Path | None) -> MunicipalityCentres:
    """Municipality centres from ``config_dir/catalog`` when present, else the shipped file."""
    path = None if config_dir is None else config_dir / "catalog" / "municipality_centres.csv"
    if path is None or not path.exists():
        path = DEFAULT_CENTRES_PATH
    return MunicipalityCentres.load(path)


async def fill_demo_catalog(
    service: CatalogService,
    *,
    regions: Iterable[str],
    units_total: int = 1600,
    reference_date: date,
    config_dir: Path | None = None,
) -> int:
    """Store a demo catalog over those of ``regions`` that have an organisation number.

    Returns how many units were stored (0 when the catalog was not empty).
    ``reference_date`` (today, for a live demo) places the demo notices.
    """
    if await service.count() > 0:
        return 0
    orgnrs = None
    municipalities = None
    if config_dir is not None:
        if (config_dir / "regions.toml").exists():
            orgnrs = load_region_orgnrs(config_dir / "regions.toml")
        if (config_dir / "municipalities.csv").exists():
            municipalities = load_municipalities(config_dir / "municipalities.csv")
    known = FALLBACK_ORGNR | (orgnrs if orgnrs is not None else load_region_orgnrs())
    usable = tuple(r for r in regions if r in known)
    if not usable:
        raise ValueError("no region with an organisation number to make demo HSA-ids from")
    units = generate_demo_catalog(
        usable,
        units_total,
        reference_date=reference_date,
        orgnrs=orgnrs,
        municipalities=municipalities,
        centres=centres_for(config_dir),
    )
    return await service.fill_if_empty(DEMO_ACTOR, units)
