"""Import and export: all or nothing, one error per row and field, weekday hours to OSM."""

from __future__ import annotations

import json
from typing import Any

import pytest

from referral_catalog.csv_import import import_csv
from referral_catalog.exporting import CSV_COLUMNS, export_csv, export_json
from referral_catalog.importing import RowError, import_json
from referral_catalog.model import CareType, NoticeKind
from referral_catalog.weekday_hours import WeekdayHoursError, weekday_hours_to_osm
from tests.referral_catalog.helpers import at, unit


def record(suffix: str, **overrides: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "hsa_id": f"SE2321000016-{suffix}",
        "name": f"Vårdcentralen Exempelby {suffix}",
        "region": "01",
        "municipality_code": "0180",
        "care_types": ["vårdcentral"],
        "opening_hours": "Mo-Fr 08:00-17:00; PH off",
        "coordinates": {"lat": 59.33, "lon": 18.07},
    }
    rec.update(overrides)
    return rec


def test_a_valid_json_file_imports_every_unit() -> None:
    result = import_json(json.dumps({"units": [record("A"), record("B")]}))
    assert result.ok
    assert [u.hsa_id for u in result.units] == ["SE2321000016-A", "SE2321000016-B"]
    assert result.units[0].care_types == (CareType.VARDCENTRAL,)


def test_one_bad_row_rejects_the_whole_import_and_names_row_and_field() -> None:
    rows = [record("A"), record("B", hsa_id="SE2321000017-B"), record("C")]
    result = import_json(json.dumps(rows))
    assert not result.ok
    assert result.units == ()
    assert result.errors == (
        RowError(2, "hsa_id", "organisation number 2321000017 fails its check digit"),
    )


def test_every_problem_in_a_row_is_reported_not_only_the_first() -> None:
    bad = record(
        "X",
        care_types=["vårdcentral", "sjukstuga"],
        opening_hours="Mo-Fx 08:00",
        coordinates={"lat": "north", "lon": 18.0},
        name="",
    )
    result = import_json(json.dumps([bad]))
    fields = sorted(e.field for e in result.errors)
    assert fields == ["care_types", "coordinates", "lat", "name"]
    assert all(e.row == 1 for e in result.errors)


def test_bad_opening_hours_syntax_is_reported_by_field() -> None:
    result = import_json(json.dumps([record("A", opening_hours="Mo-Fx 08:00-17:00")]))
    assert [(e.row, e.field) for e in result.errors] == [(1, "opening_hours")]


def test_a_municipality_outside_the_region_is_rejected() -> None:
    result = import_json(json.dumps([record("A", municipality_code="1480")]))
    assert [(e.field) for e in result.errors] == ["municipality_code"]


def test_duplicate_hsa_ids_are_rejected() -> None:
    result = import_json(json.dumps([record("A"), record("A")]))
    assert result.errors == (RowError(2, "hsa_id", "SE2321000016-A already given in row 1"),)


def test_not_json_is_a_file_error() -> None:
    result = import_json("{nope")
    assert not result.ok and result.errors[0].field == "file"


def test_weekday_hours_from_the_directory_become_opening_hours() -> None:
    days = [{"day": d, "from": "08:00", "to": "17:00"} for d in range(1, 6)]
    days += [{"day": 6, "from": "10:00", "to": "14:00"}]
    rec = record("A", opening_hours=None, weekday_hours=days)
    result = import_json(json.dumps([rec]))
    assert result.ok
    assert result.units[0].opening_hours == "Mo-Fr 08:00-17:00; Sa 10:00-14:00; PH off"


@pytest.mark.parametrize(
    ("entries", "holidays", "expected"),
    [
        (
            [
                {"day": 1, "from": "08:00", "to": "12:00"},
                {"day": 1, "from": "13:00", "to": "17:00"},
                {"day": 3, "from": "08:00", "to": "12:00"},
                {"day": 3, "from": "13:00", "to": "17:00"},
            ],
            "closed",
            "Mo,We 08:00-12:00,13:00-17:00; PH off",
        ),
        (
            [{"day": d, "from": "22:00", "to": "07:00"} for d in range(1, 8)],
            "open",
            "Mo-Su 22:00-07:00",
        ),
        ([{"day": d, "from": "00:00", "to": "24:00"} for d in range(1, 8)], "open", "24/7"),
        (
            [
                {"day": 6, "from": "09:00", "to": "15:00"},
                {"day": 7, "from": "10:00", "to": "14:00"},
            ],
            "sunday",
            "Sa 09:00-15:00; Su 10:00-14:00; PH 10:00-14:00",
        ),
        ([], "closed", "off; PH off"),
    ],
)
def test_weekday_hours_conversion(
    entries: list[dict[str, Any]], holidays: str, expected: str
) -> None:
    assert weekday_hours_to_osm(entries, holidays) == expected


@pytest.mark.parametrize(
    "entry",
    [
        {"day": 0, "from": "08:00", "to": "17:00"},
        {"day": 1, "from": "8", "to": "17:00"},
        {"day": 1, "from": "08:00"},
        {"day": "Mo", "from": "08:00", "to": "17:00"},
    ],
)
def test_malformed_weekday_hours_are_refused(entry: dict[str, Any]) -> None:
    with pytest.raises(WeekdayHoursError):
        weekday_hours_to_osm([entry])


def test_bad_weekday_hours_are_a_row_error() -> None:
    rec = record(
        "A", opening_hours=None, weekday_hours=[{"day": 9, "from": "08:00", "to": "17:00"}]
    )
    result = import_json(json.dumps([rec]))
    assert [(e.row, e.field) for e in result.errors] == [(1, "weekday_hours")]


def test_csv_with_one_bad_row_is_rejected_whole() -> None:
    header = ",".join(CSV_COLUMNS)
    good = {c: "" for c in CSV_COLUMNS} | {
        "hsa_id": "SE2321000016-A",
        "name": "Vårdcentralen Exempelby",
        "region": "01",
        "municipality_code": "0180",
        "care_types": "vårdcentral|bvc",
        "opening_hours": "Mo-Fr 08:00-17:00; PH off",
        "age_max": "",
        "languages": "sv|en",
    }
    bad = good | {"hsa_id": "SE2321000016-B", "age_min": "tretton"}
    text = "\n".join([header, *(",".join(r[c] for c in CSV_COLUMNS) for r in (good, bad))])
    result = import_csv(text)
    assert result.units == ()
    assert result.errors == (RowError(2, "age_min", "'tretton' is not a whole number"),)
    fixed = import_csv(text.replace("tretton", "13"))
    assert fixed.ok and fixed.units[1].age_group.min_years == 13
    assert fixed.units[0].care_types == (CareType.VARDCENTRAL, CareType.BVC)


def test_a_csv_without_required_columns_is_a_header_error() -> None:
    result = import_csv("hsa_id,name\nSE2321000016-A,X\n")
    assert result.errors[0].field == "header"


def test_export_then_import_gives_the_same_units_in_json_and_csv() -> None:
    from referral_catalog.model import TemporaryNotice

    notice = TemporaryNotice(
        NoticeKind.DEVIATING_HOURS,
        at("2026-12-02 00:00"),
        at("2026-12-03 00:00"),
        "Kort dag",
        "Mo-Su 10:00-12:00",
    )
    units = [unit("A", notices=(notice,), drop_in_hours="Mo 08:00-10:00"), unit("B")]
    assert import_json(export_json(units)).units == tuple(units)
    assert import_csv(export_csv(units)).units == tuple(units)


def test_a_record_with_fields_of_the_wrong_json_type_is_a_row_error_not_a_crash() -> None:
    rows = [record("A"), record("B", age_group=[1, 2], phones="08-123", languages=5)]
    result = import_json(json.dumps(rows))
    assert not result.ok and {e.row for e in result.errors} == {2}


def test_care_types_may_be_given_as_codes_or_swedish_names() -> None:
    rows = [record("A", care_types=["VARDCENTRAL", "närakut", "Psykiatrisk akutmottagning"])]
    result = import_json(json.dumps(rows))
    assert result.units[0].care_types == (
        CareType.VARDCENTRAL,
        CareType.JOURMOTTAGNING,
        CareType.PSYKIATRISK_AKUT,
    )
