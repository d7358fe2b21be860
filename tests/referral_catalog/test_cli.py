"""``radgivning catalog``: import/export through files, search output, demo fill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import contactcenter.cli
from contactcenter.cli import main
from referral_catalog.exporting import export_csv
from tests.referral_catalog.helpers import unit

HSA = unit("K1").hsa_id


@pytest.fixture
def cli(config_copy: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    modules = tuple(contactcenter.cli.COMMAND_MODULES)
    if "contactcenter.commands.catalog" not in modules:
        modules += ("contactcenter.commands.catalog",)
    monkeypatch.setattr(contactcenter.cli, "COMMAND_MODULES", modules)
    monkeypatch.setenv("RADGIVNING_DATABASE__URL", db_url)

    def run(*argv: str) -> int:
        return main(["--config-dir", str(config_copy), *argv])

    return run


@pytest.fixture
def migrated_cli(cli):
    assert cli("db", "upgrade") == 0
    return cli


def test_catalog_commands_refuse_an_unmigrated_database_with_exit_4(cli, capsys):
    assert cli("catalog", "export") == 4
    assert "radgivning db upgrade" in capsys.readouterr().err


def test_an_imported_csv_file_exports_back_to_the_same_csv(migrated_cli, tmp_path, capsys):
    source = tmp_path / "units.csv"
    source.write_text(export_csv([unit("K1"), unit("K2")]), encoding="utf-8")
    assert migrated_cli("catalog", "import", str(source), "--region", "01") == 0
    assert "2 new" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert (
        migrated_cli("catalog", "export", "--format", "csv", "--region", "01", "--output", str(out))
        == 0
    )
    assert out.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_an_import_with_a_bad_row_prints_every_problem_and_stores_nothing(
    migrated_cli, tmp_path, capsys
):
    source = tmp_path / "units.csv"
    text = export_csv([unit("K1"), unit("K2")]).replace(unit("K2").name, "", 1)
    source.write_text(text, encoding="utf-8")
    assert migrated_cli("catalog", "import", str(source), "--region", "01") == 1
    assert "row 2, name" in capsys.readouterr().err
    assert migrated_cli("catalog", "export", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"units": []}


def test_search_json_lists_hits_with_open_state_and_why(migrated_cli, tmp_path, capsys):
    source = tmp_path / "units.json"
    source.write_text(json.dumps([{**_record("K1")}]), encoding="utf-8")
    assert migrated_cli("catalog", "import", str(source), "--region", "01") == 0
    capsys.readouterr()
    assert (
        migrated_cli(
            "catalog",
            "search",
            "--json",
            "--region",
            "01",
            "--care-type",
            "vårdcentral",
            "--at",
            "2026-12-07T10:00:00+01:00",
            "--age",
            "30",
            "--municipality",
            "0180",
            "--within",
            "60",
        )
        == 0
    )
    (hit,) = json.loads(capsys.readouterr().out)
    assert hit["hsa_id"] == HSA and hit["care_types"] == ["VARDCENTRAL"]
    assert hit["open"] is True and hit["why"] and hit["name"]
    assert (
        migrated_cli("catalog", "search", "--region", "01", "--at", "2026-12-07T20:00:00+01:00")
        == 0
    )
    assert HSA in capsys.readouterr().out


def test_demo_fill_stores_fictional_units_once(migrated_cli, capsys):
    assert migrated_cli("catalog", "demo-fill", "--units", "40") == 0
    assert "stored 40" in capsys.readouterr().out
    assert migrated_cli("catalog", "demo-fill", "--units", "40") == 0
    assert "nothing added" in capsys.readouterr().out


def _record(suffix: str) -> dict:
    from referral_catalog.exporting import unit_to_record

    return unit_to_record(unit(suffix))


def test_an_import_with_a_field_over_the_csv_limit_names_the_row_and_stores_nothing(
    migrated_cli, tmp_path, capsys
):
    source = tmp_path / "units.csv"
    source.write_text(export_csv([unit("K1"), unit("K2", internal_notes="x" * 200_000)]))
    assert migrated_cli("catalog", "import", str(source), "--region", "01") == 1
    err = capsys.readouterr().err
    assert "row 2, record: line 3: a field is longer than 131072 characters" in err
    assert "Traceback" not in err
    assert migrated_cli("catalog", "export", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"units": []}


def test_an_import_of_a_file_that_is_not_utf8_names_the_line(migrated_cli, tmp_path, capsys):
    source = tmp_path / "units.csv"
    text = export_csv([unit("K1"), unit("K2")])
    source.write_bytes(text.encode("cp1252"))  # a spreadsheet's Latin-1: "å" is 0xe5
    column = text.splitlines()[1].index("å") + 1
    assert migrated_cli("catalog", "import", str(source), "--region", "01") == 1
    err = capsys.readouterr().err
    assert f"{source}: line 2, column {column}: not valid UTF-8 (byte 0xe5)" in err
    assert "nothing stored" in err.splitlines()[-1]
