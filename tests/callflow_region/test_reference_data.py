"""The shipped reference data: municipalities and area codes agree with each other."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from contactcenter.callflow.region import ReferenceDataError, RegionResolver
from contactcenter.settings import SettingsError, load_settings

CONFIG = Path(__file__).resolve().parents[2] / "config"
COUNTIES = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14",
            "17", "18", "19", "20", "21", "22", "23", "24", "25"}


def municipalities() -> dict[str, dict[str, str]]:
    with (CONFIG / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        return {row["kommunkod"]: row for row in csv.DictReader(f)}


def area_code_rows() -> list[list[str]]:
    with (CONFIG / "area_codes.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0] == ["riktnummer", "ort(libphonenumber)", "kommunkod", "lanskod", "lan"]
    return rows[1:]


def test_municipalities_cover_the_21_counties() -> None:
    munis = municipalities()
    assert len(munis) == 290
    assert {m["lanskod"] for m in munis.values()} == COUNTIES
    for code, m in munis.items():
        assert code[:2] == m["lanskod"], code


def test_every_area_code_row_has_a_valid_municipality_of_its_county() -> None:
    munis = municipalities()
    rows = area_code_rows()
    assert len(rows) == 272
    county_names: dict[str, set[str]] = {}
    for row in rows:
        assert len(row) == 5, row
        prefix, place, kommunkod, lanskod, lan = row
        assert prefix.startswith("0") and prefix[1:].isdigit() and 2 <= len(prefix) <= 4, row
        assert place, row
        assert kommunkod in munis, f"{prefix} {place}: unknown municipality {kommunkod!r}"
        assert munis[kommunkod]["lanskod"] == lanskod, f"{prefix} {place}: county mismatch"
        assert lanskod in COUNTIES, row
        assert lan.endswith(" län"), row
        county_names.setdefault(lanskod, set()).add(lan)
    # one name per county
    assert all(len(names) == 1 for names in county_names.values()), county_names
    assert len({row[0] for row in rows}) == len(rows)


@pytest.mark.parametrize(("prefix", "kommunkod"), [
    ("0125", "0581"),  # Vikbolandet → Norrköping
    ("0159", "0486"),  # Mariefred → Strängnäs
    ("0980", "2584"),  # Kiruna
    ("0981", "2584"),  # Vittangi → Kiruna
    ("0253", "2039"),  # Idre-Särna → Älvdalen
    ("0292", "0331"),  # Tärnsjö-Östervåla → Heby (Uppsala län since 2007)
    ("0485", "0885"),  # Öland → Borgholm (Mörbylånga shares the code; same county)
])
def test_hand_mapped_examples(prefix: str, kommunkod: str) -> None:
    row = next(r for r in area_code_rows() if r[0] == prefix)
    assert row[2] == kommunkod


def test_the_area_code_table_is_prefix_free() -> None:
    """Swedish area codes never start with another area code; the longest-prefix rule
    is a safety net, not something the data relies on."""
    prefixes = sorted(r[0] for r in area_code_rows())
    for a in prefixes:
        for b in prefixes:
            assert a == b or not b.startswith(a), (a, b)


def test_every_area_code_resolves_to_its_county() -> None:
    resolver = RegionResolver.from_config_dir(CONFIG)
    for prefix, place, _kommunkod, lanskod, _lan in area_code_rows():
        decision = resolver.from_ivr_digits(prefix + "#")
        assert decision is not None and decision.region == lanskod, (prefix, place)
        # a real-looking fixed-line number under this code is hinted to the same county
        number = "+46" + prefix[1:] + "123456"
        by_number = resolver.from_channel(None, number, None)
        assert by_number is not None, number
        assert (by_number.region, by_number.source) == (lanskod, "area_code"), number


# -- malformed files are refused at start-up, naming file and line -----------------------------


def broken_copy(tmp_path: Path, name: str, line: int, replace: object) -> Path:
    """The shipped reference data with line ``line`` (1-based) of ``name`` replaced."""
    for file in ("municipalities.csv", "area_codes.tsv"):
        (tmp_path / file).write_bytes((CONFIG / file).read_bytes())
    path = tmp_path / name
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = replace(lines[line - 1]) if callable(replace) else replace
    path.write_bytes(b"\n".join(lines))
    return tmp_path


def problems_of(config_dir: Path) -> list[str]:
    with pytest.raises(ReferenceDataError) as caught:
        RegionResolver.from_config_dir(config_dir)
    return caught.value.problems


@pytest.mark.parametrize(("name", "line", "replace", "problem"), [
    ("municipalities.csv", 5, b"0117,Osteraker", "municipalities.csv: line 5: expected 3 columns"),
    ("municipalities.csv", 5, b"0117,\xd6ster\xe5ker,01",
     "municipalities.csv: line 5: not valid UTF-8 (byte 0xd6)"),
    ("municipalities.csv", 5, b"117,Osteraker,01",
     "municipalities.csv: line 5: kommunkod '117' is not four digits"),
    ("municipalities.csv", 5, b"0117,Osteraker,03",
     "municipalities.csv: line 5: lanskod '03' must be the first two digits"),
    ("municipalities.csv", 5, b"0114,Upplands Vasby,01",
     "municipalities.csv: line 5: kommunkod 0114 already on line 2"),
    ("municipalities.csv", 1, b"kod,namn,lan", "municipalities.csv: line 1: the header must be"),
    ("area_codes.tsv", 3, lambda b: b.replace(b"\t", b",", 1),
     "area_codes.tsv: line 3: expected 5 columns"),
    ("area_codes.tsv", 3, lambda b: b"8" + b[1:], "area_codes.tsv: line 3: riktnummer '8"),
    ("area_codes.tsv", 3, lambda b: b.replace(b"\xc3\x85", b"\xc5"),
     "area_codes.tsv: line 3: not valid UTF-8 (byte 0xc5)"),
    ("area_codes.tsv", 3, lambda b: b.replace(b"\t0561\t", b"\t9999\t"),
     "area_codes.tsv: area code 0120 (Åtvidaberg): unknown municipality 9999"),
])
def test_a_malformed_reference_data_line_is_refused_naming_file_and_line(
        tmp_path: Path, name: str, line: int, replace: object, problem: str) -> None:
    problems = problems_of(broken_copy(tmp_path, name, line, replace))
    assert any(p.startswith(problem) for p in problems), problems


def test_every_malformed_line_of_both_files_is_reported_together(tmp_path: Path) -> None:
    config = broken_copy(tmp_path, "municipalities.csv", 5, b"0117,Osteraker")
    path = config / "municipalities.csv"
    lines = path.read_bytes().split(b"\n")
    lines[9] = b"x,y,z"
    path.write_bytes(b"\n".join(lines))
    problems = problems_of(config)
    assert [p.split(":")[1] for p in problems] == [" line 5", " line 10"]


def test_the_settings_report_a_malformed_reference_data_line(config_copy: Path) -> None:
    path = config_copy / "area_codes.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace("\t", " ", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(config_dir=config_copy, env={})
    (problem,) = caught.value.problems
    assert problem.startswith("area_codes.tsv: line 3: expected 5 columns (") and "got 4" in problem
