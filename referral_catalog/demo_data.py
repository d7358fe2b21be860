"""Synthetic, clearly fictional demo catalogs (fiktiva demoenheter).

Deterministic for a given seed. Every unit is marked ``fictional=True``, its
name is made of invented place names ("Vårdcentralen Exempelvik (Uppsala)"),
its phone numbers come from the ranges the Swedish regulator (PTS) reserves for
fiction, and its HSA-id is format-valid on the region's organisation number
(``config/regions.toml``, key ``orgnr``). Municipality codes and centres are
real (``config/municipalities.csv``, ``config/catalog/municipality_centres.csv``).
"""

from __future__ import annotations

import csv
import random
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from referral_catalog.geo import MunicipalityCentres
from referral_catalog.hours import STOCKHOLM
from referral_catalog.hsa import is_valid_orgnr, make_hsa_id
from referral_catalog.model import (
    Address,
    AgeGroup,
    CareType,
    CareUnit,
    Coordinates,
    NoticeKind,
    PhoneNumber,
    TemporaryNotice,
)

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEMO_REGIONS = ("01", "03", "12", "14")
DEMO_REFERENCE_DATE = date(2026, 12, 1)

# Region Skåne has no confirmed orgnr in config/regions.toml; this format-valid
# number (232100-0255) is used for its demo HSA-ids only. Verify before real use.
FALLBACK_ORGNR = {"12": "2321000255"}

# Rough population (thousands) per county: only to spread demo units plausibly.
_POPULATION_K = {
    "01": 2450,
    "03": 400,
    "04": 300,
    "05": 470,
    "06": 370,
    "07": 205,
    "08": 245,
    "09": 61,
    "10": 160,
    "12": 1420,
    "13": 340,
    "14": 1760,
    "17": 285,
    "18": 310,
    "19": 280,
    "20": 290,
    "21": 290,
    "22": 245,
    "23": 132,
    "24": 275,
    "25": 250,
}

_PLACE_PREFIX = ("Exempel", "Påhitt", "Demo", "Fiktiv")
_PLACE_SUFFIX = (
    "by",
    "vik",
    "dal",
    "torp",
    "hult",
    "lunda",
    "näs",
    "hamn",
    "holm",
    "ås",
    "berga",
    "sjö",
    "ström",
    "forsa",
    "stad",
    "köping",
    "tuna",
    "hed",
    "mo",
    "bro",
)

# PTS numbers reserved for fiction (fiktiva telefonnummer).
_FICTION_PHONES = {
    "01": ("08-465 004 ", 0, 99),
    "12": ("040-628 04 ", 0, 99),
    "14": ("031-390 06 ", 0, 99),
}
_FICTION_MOBILE = ("070-174 06 ", 5, 99)


@dataclass(frozen=True, slots=True)
class _Template:
    care_type: CareType
    label: str
    unit_type: str
    weight: float
    hours: tuple[str, ...]
    drop_in: tuple[str | None, ...] = (None,)
    age: AgeGroup = field(default_factory=AgeGroup)


_TEMPLATES = (
    _Template(
        CareType.VARDCENTRAL,
        "Vårdcentralen",
        "Vårdcentral",
        30,
        (
            "Mo-Fr 08:00-17:00; PH off",
            "Mo-Th 08:00-17:00; Fr 08:00-16:00; PH off",
            "Mo-Fr 07:30-16:30; PH off",
            "Mo-Fr 08:00-19:00; Sa 10:00-14:00; PH off",
        ),
        (None, None, "Mo-Fr 08:00-10:00; PH off"),
    ),
    _Template(
        CareType.JOURMOTTAGNING,
        "Närakuten",
        "Jourmottagning",
        6,
        (
            "Mo-Fr 17:00-22:00; Sa,Su,PH 09:00-21:00",
            "Mo-Su,PH 08:00-22:00",
            "Mo-Su,PH 22:00-07:00",
        ),
        ("Mo-Fr 17:00-21:00; Sa,Su,PH 09:00-20:00",),
    ),
    _Template(
        CareType.AKUTMOTTAGNING, "Akutmottagningen", "Akutmottagning", 2, ("24/7",), ("24/7",)
    ),
    _Template(
        CareType.BARNAKUT,
        "Barnakuten",
        "Barnakutmottagning",
        1,
        ("24/7", "Mo-Su,PH 08:00-22:00"),
        age=AgeGroup(0, 17),
    ),
    _Template(
        CareType.PSYKIATRISK_AKUT,
        "Psykiatriska akutmottagningen",
        "Psykiatrisk akutmottagning",
        1.5,
        ("24/7",),
        ("24/7",),
        AgeGroup(18, None),
    ),
    _Template(
        CareType.BVC,
        "BVC",
        "Barnavårdscentral",
        12,
        (
            "Mo-Fr 08:00-16:30; PH off",
            "Mo-Th 08:00-16:00; Fr 08:00-15:00; PH off",
        ),
        (None, "Tu 13:00-15:00; PH off"),
        AgeGroup(0, 6),
    ),
    _Template(
        CareType.BARNMORSKEMOTTAGNING,
        "Barnmorskemottagningen",
        "Barnmorskemottagning",
        8,
        ("Mo-Fr 08:00-16:00; PH off",),
    ),
    _Template(
        CareType.UNGDOMSMOTTAGNING,
        "Ungdomsmottagningen",
        "Ungdomsmottagning",
        6,
        (
            "Mo,We 13:00-18:00; Tu,Th 10:00-16:00; PH off",
            "Mo-Th 12:00-17:00; PH off",
        ),
        ("We 15:00-18:00; PH off", "Mo,Th 14:00-16:30; PH off"),
        AgeGroup(13, 25),
    ),
    _Template(
        CareType.TANDVARDSJOUR,
        "Tandvårdsjouren",
        "Tandvårdsjour",
        2,
        (
            "Mo-Fr 17:00-21:00; Sa,Su,PH 09:00-15:00",
            "Mo-Su,PH 08:00-20:00",
        ),
        ("Sa,Su,PH 09:00-12:00",),
    ),
    _Template(
        CareType.APOTEK,
        "Apoteket",
        "Apotek",
        15,
        (
            "Mo-Fr 09:00-19:00; Sa 10:00-16:00; PH off",
            "Mo-Su,PH 08:00-22:00",
            "Mo-Fr 10:00-18:00; Sa 10:00-15:00; PH off",
            "24/7",
        ),
    ),
)

_EXTRA_LANGUAGES = ("en", "ar", "fi", "so", "fa", "ti", "pl", "es", "de", "tr")


def load_region_orgnrs(path: Path = CONFIG_DIR / "regions.toml") -> dict[str, str]:
    """Organisation number per county code from ``regions.toml`` (only where confirmed)."""
    with open(path, "rb") as fh:
        regions = tomllib.load(fh).get("regions", {})
    return {code: r["orgnr"] for code, r in regions.items() if "orgnr" in r}


def load_municipalities(path: Path = CONFIG_DIR / "municipalities.csv") -> dict[str, str]:
    """Municipality name per municipality code (kommunkod)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["kommunkod"]: r["kommun"] for r in csv.DictReader(fh)}


def generate_demo_catalog(
    regions: Sequence[str] = DEMO_REGIONS,
    units_total: int = 1600,
    seed: int = 1177,
    *,
    reference_date: date = DEMO_REFERENCE_DATE,
    orgnrs: Mapping[str, str] | None = None,
    municipalities: Mapping[str, str] | None = None,
    centres: MunicipalityCentres | None = None,
) -> list[CareUnit]:
    """A deterministic synthetic catalog of ``units_total`` units over ``regions``.

    Units are spread by rough population and favour each county's largest
    municipality codes. About 2 % carry temporary notices placed around
    ``reference_date`` (pass today's date for a live demo): some valid then,
    some later, some already over.
    """
    orgnrs = dict(FALLBACK_ORGNR | dict(orgnrs if orgnrs is not None else load_region_orgnrs()))
    municipalities = municipalities if municipalities is not None else load_municipalities()
    centres = centres if centres is not None else MunicipalityCentres.load()
    for code in regions:
        if code not in orgnrs or not is_valid_orgnr(orgnrs[code]):
            raise ValueError(f"region {code}: no valid organisation number for HSA-ids")
    rng = random.Random(seed)
    weights = [_POPULATION_K.get(code, 100) for code in regions]
    counts = _apportion(units_total, weights)
    units: list[CareUnit] = []
    for region, count in zip(regions, counts, strict=True):
        munis = sorted(m for m in municipalities if m.startswith(region) and m in centres)
        if not munis:
            raise ValueError(f"region {region}: no municipalities with centres")
        muni_weights = [_municipality_weight(m) for m in munis]
        for n in range(count):
            muni = rng.choices(munis, muni_weights)[0]
            units.append(
                _unit(
                    rng,
                    region,
                    orgnrs[region],
                    n + 1,
                    muni,
                    municipalities[muni],
                    centres.centre(muni),
                    reference_date,
                )
            )
    return units


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda k: raw[k] - counts[k], reverse=True):
        if sum(counts) >= total:
            break
        counts[i] += 1
    return counts


def _municipality_weight(code: str) -> float:
    # County seats and big towns carry codes 80-84 (0180 Stockholm, 1480 Göteborg).
    return {"80": 8.0, "81": 3.0, "82": 2.5, "83": 2.5, "84": 2.0}.get(code[2:], 1.0)


def _unit(
    rng: random.Random,
    region: str,
    orgnr: str,
    seq: int,
    muni: str,
    muni_name: str,
    centre: Coordinates,
    reference: date,
) -> CareUnit:
    tpl = rng.choices(_TEMPLATES, [t.weight for t in _TEMPLATES])[0]
    place = rng.choice(_PLACE_PREFIX) + rng.choice(_PLACE_SUFFIX)
    point = Coordinates(
        round(centre.lat + rng.gauss(0, 0.035), 5), round(centre.lon + rng.gauss(0, 0.06), 5)
    )
    street = f"{place}vägen {rng.randint(1, 120)}"
    postal = f"{rng.randint(100, 999)} {rng.randint(10, 99)}"
    languages = ("sv",) + tuple(sorted(rng.sample(_EXTRA_LANGUAGES, rng.choice((0, 1, 1, 2)))))
    prefix, lo, hi = _FICTION_PHONES.get(region, _FICTION_MOBILE)
    phone = PhoneNumber(
        f"{prefix}{rng.randint(lo, hi):02d}",
        "Rådgivning och tidsbokning",
        None if tpl.hours[0] == "24/7" else "Mo-Fr 08:00-12:00; PH off",
    )
    slug = f"{place.lower()}-{seq}".replace("å", "a").replace("ä", "a").replace("ö", "o")
    return CareUnit(
        hsa_id=make_hsa_id(orgnr, f"DEMO{seq:06d}"),
        name=f"{tpl.label} {place} ({muni_name})",
        region=region,
        municipality_code=muni,
        care_types=(tpl.care_type,),
        opening_hours=rng.choice(tpl.hours),
        unit_type=tpl.unit_type,
        activity_code=None,
        visiting_address=Address(street, postal, muni_name),
        postal_address=Address(f"Box {rng.randint(1, 9999)}", postal, muni_name),
        coordinates=point,
        phones=(phone,),
        drop_in_hours=rng.choice(tpl.drop_in),
        age_group=tpl.age,
        languages=languages,
        web_url=f"https://demo.example/{region}/{slug}",
        e_service_url=None if rng.random() < 0.5 else f"https://demo.example/e-tjanst/{slug}",
        internal_notes="Fiktiv demoenhet."
        + (" Ring bakvägen vid kö." if rng.random() < 0.1 else ""),
        notices=_notices(rng, reference),
        fictional=True,
    )


def _notices(rng: random.Random, reference: date) -> tuple[TemporaryNotice, ...]:
    roll = rng.random()
    if roll >= 0.02:
        return ()
    start_day = reference + timedelta(days=rng.randint(-3, 6))
    begin = datetime.combine(start_day, time(0, 0), STOCKHOLM)
    end = begin + timedelta(days=rng.randint(1, 4))
    if roll < 0.01:
        return (
            TemporaryNotice(
                NoticeKind.CLOSED, begin, end, "Tillfälligt stängt (fiktivt meddelande)."
            ),
        )
    if roll < 0.016:
        return (
            TemporaryNotice(
                NoticeKind.DEVIATING_HOURS,
                begin,
                end,
                "Avvikande öppettider (fiktivt meddelande).",
                "Mo-Fr 10:00-14:00; PH off",
            ),
        )
    return (
        TemporaryNotice(
            NoticeKind.INFORMATION, begin, end, "Begränsad telefontid (fiktivt meddelande)."
        ),
    )


def demo_regions_with_orgnr(regions: Iterable[str] | None = None) -> tuple[str, ...]:
    """The county codes that have an organisation number (configured or fallback)."""
    known = FALLBACK_ORGNR | load_region_orgnrs()
    wanted = list(regions) if regions is not None else sorted(known)
    return tuple(code for code in wanted if code in known)
