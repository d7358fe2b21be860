"""Hostile catalog files: spreadsheet formulas, script URLs, control characters, huge
fields and broken UTF-8 are neutralised on export or refused on import, naming row and field."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from referral_catalog.csv_import import import_csv
from referral_catalog.errors import InvalidCareUnit
from referral_catalog.exporting import CSV_COLUMNS, export_csv
from referral_catalog.importing import decode_import, import_json
from referral_catalog.model import Coordinates, PhoneNumber
from referral_catalog.validation import validate_unit
from tests.referral_catalog.helpers import unit
from tests.referral_catalog.test_importing import record

FORMULAS = ['=HYPERLINK("http://x.invalid","klicka")', "@SUM(A1:A9)", "+1+1", "-1+1",
            "\t=1+1", "\r=1+1", "  =1+1"]


def exported_rows(units: list[Any]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export_csv(units))))


def test_csv_export_neutralises_a_cell_that_starts_a_formula() -> None:
    units = [unit(f"F{n}", internal_notes=f, unit_type=f) for n, f in enumerate(FORMULAS)]
    rows = exported_rows(units)
    assert [r["internal_notes"] for r in rows] == ["'" + f for f in FORMULAS]
    assert [r["unit_type"] for r in rows] == ["'" + f for f in FORMULAS]


def test_csv_export_leaves_text_with_a_formula_character_inside_alone() -> None:
    rows = exported_rows([unit("F1", internal_notes="Ring 1177 = sjukvårdsrådgivning")])
    assert rows[0]["internal_notes"] == "Ring 1177 = sjukvårdsrådgivning"


def test_negative_coordinates_are_exported_as_numbers_without_a_prefix() -> None:
    rows = exported_rows([unit("F1", coordinates=Coordinates(-33.45, -70.66))])
    assert (rows[0]["lat"], rows[0]["lon"]) == ("-33.45", "-70.66")


def test_an_exported_csv_with_neutralised_cells_imports_back_to_the_original_values() -> None:
    values = [*FORMULAS, "'=already quoted", "''@twice", "'plain apostrophe"]
    units = [unit(f"R{n}", internal_notes=v, unit_type=v.strip(),
                  phones=(PhoneNumber("+46 8 123 45 67", "-växel"),))
             for n, v in enumerate(values)]
    result = import_csv(export_csv(units))
    assert result.ok, result.errors
    assert [u.internal_notes for u in result.units] == [v.strip() for v in values]
    assert [u.unit_type for u in result.units] == [v.strip() for v in values]
    assert {u.phones[0] for u in result.units} == {PhoneNumber("+46 8 123 45 67", "-växel")}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox", "file:///etc/passwd", "//evil.invalid/x",
                                 "ftp://example.invalid/", "http://"])
def test_an_import_refuses_a_url_that_is_not_http_or_https(url: str) -> None:
    rows = [record("A"), record("B", web_url=url), record("C", e_service_url=url)]
    result = import_json(json.dumps(rows))
    assert result.units == ()
    assert [(e.row, e.field) for e in result.errors] == [(2, "web_url"), (3, "e_service_url")]


def test_http_and_https_urls_are_accepted() -> None:
    rows = [record("A", web_url="https://www.1177.se/", e_service_url="http://e.example.se/x")]
    assert import_json(json.dumps(rows)).ok


@pytest.mark.parametrize("bad", ["Vård\x00central", "Vård\x07central", "Vård\x1bcentral",
                                 "Vård\x7fcentral", "Vård\x85central", "Vård\ncentral"])
def test_an_import_refuses_control_characters_naming_row_and_field(bad: str) -> None:
    rows = [record("A"), record("B", name=bad, internal_notes=f"x{bad}")]
    result = import_json(json.dumps(rows))
    assert result.units == ()
    fields = {(e.row, e.field) for e in result.errors}
    assert (2, "name") in fields
    assert ((2, "internal_notes") in fields) == (bad != "Vård\ncentral")  # notes may be lines


def test_control_characters_in_nested_fields_are_named_by_their_field() -> None:
    rows = [record("A", visiting_address={"street": "G\x00atan 1", "postal_code": "111 22",
                                          "city": "Stockholm"},
                   phones=[{"number": "08-12\x0034", "label": "Växel"}])]
    result = import_json(json.dumps(rows))
    assert {(e.row, e.field) for e in result.errors} == {(1, "visiting_street"), (1, "phone")}


def test_a_unit_created_through_the_service_is_validated_the_same_way() -> None:
    with pytest.raises(InvalidCareUnit) as caught:
        validate_unit(unit("S1", web_url="javascript:alert(document.cookie)"))
    assert caught.value.field == "web_url"
    with pytest.raises(InvalidCareUnit) as caught:
        validate_unit(unit("S1", name="Vård\x00central"))
    assert caught.value.field == "name"


def csv_text(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: "" for c in CSV_COLUMNS} | r)
    return out.getvalue()


def csv_row(suffix: str, **fields: str) -> dict[str, str]:
    return {"hsa_id": f"SE2321000016-{suffix}", "name": f"Vårdcentralen {suffix}",
            "region": "01", "municipality_code": "0180", "care_types": "vårdcentral",
            "opening_hours": "Mo-Fr 08:00-17:00; PH off", **fields}


def test_a_csv_field_over_the_csv_limit_is_a_row_error_and_the_other_rows_are_still_checked() -> None:
    huge = "x" * 200_000
    text = csv_text(csv_row("A"), csv_row("B", internal_notes=huge), csv_row("C", age_min="old"))
    result = import_csv(text)
    assert result.units == ()
    assert [(e.row, e.field) for e in result.errors] == [(2, "record"), (3, "age_min")]
    assert "131072" in result.errors[0].problem


def test_a_csv_import_refuses_a_javascript_url_and_a_nul_byte_naming_row_and_field() -> None:
    text = csv_text(csv_row("A", web_url="javascript:alert(1)"), csv_row("B", name="V\x00C"))
    result = import_csv(text)
    assert [(e.row, e.field) for e in result.errors] == [(1, "web_url"), (2, "name")]


def test_invalid_utf8_in_an_imported_file_names_the_line() -> None:
    data = csv_text(csv_row("A"), csv_row("B")).encode("utf-8")
    lines = data.split(b"\n")
    lines[2] = lines[2].replace("Vårdcentralen".encode(), b"V\xe5rdcentralen")
    text, errors = decode_import(b"\n".join(lines))
    assert text is None
    assert [(e.row, e.field) for e in errors] == [(0, "file")]
    assert "line 3" in errors[0].problem and "UTF-8" in errors[0].problem


def test_a_utf8_file_with_a_byte_order_mark_decodes() -> None:
    text, errors = decode_import("\ufeffhsa_id\nÅ\n".encode())
    assert (text, errors) == ("hsa_id\nÅ\n", ())
