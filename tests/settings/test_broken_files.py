"""Broken configuration files give one clear message naming the file, the key or line and
the problem, and the configuration exit code, never a traceback: the settings' TOML files,
``journal.toml``, the region reference data, ``decision_support.toml`` and the guidelines."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.cli import main
from contactcenter.settings import SettingsError, load_settings

CONFIGURATION_EXIT = 3


def break_utf8(path: Path, old: str) -> int:
    """Re-encode ``old`` (which must be non-ASCII) as Latin-1; returns its 1-based line."""
    text = path.read_text(encoding="utf-8")
    assert old in text and not old.isascii()
    path.write_bytes(text.replace(old, "\0").encode().replace(b"\0", old.encode("latin-1")))
    return text[: text.index(old)].count("\n") + 1


def run_cli(config_dir: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["--config-dir", str(config_dir), *argv])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("name", "old"), [("service.toml", "Återuppringning"),
                                           ("regions.toml", "Västra Götaland"),
                                           ("queues.toml", "Nationell kö")])
def test_invalid_utf8_in_a_settings_file_names_the_file_and_line(config_copy: Path, name: str,
                                                                 old: str):
    line = break_utf8(config_copy / name, old)
    with pytest.raises(SettingsError) as caught:
        load_settings(config_dir=config_copy, env={})
    assert any(p.startswith(f"{name}: line {line}, column ") and "not valid UTF-8" in p
               for p in caught.value.problems), caught.value.problems


def test_the_cli_prints_invalid_utf8_in_service_toml_as_a_configuration_error(
        config_copy: Path, capsys):
    line = break_utf8(config_copy / "service.toml", "Återuppringning")
    code, err = run_cli(config_copy, capsys, "db", "current")
    assert code == CONFIGURATION_EXIT
    assert err.splitlines()[0] == "radgivning: configuration error"
    assert err.splitlines()[1].startswith(f"service.toml: line {line}, column ")
    assert "Traceback" not in err


# -- journal.toml ------------------------------------------------------------------------------


@pytest.fixture
def migrated(config_copy: Path, tmp_path: Path, monkeypatch, capsys) -> Path:
    monkeypatch.setenv("RADGIVNING_DATABASE__URL",
                       f"sqlite+aiosqlite:///{tmp_path / 'db' / 'radgivning.db'}")
    (tmp_path / "db").mkdir()
    assert main(["--config-dir", str(config_copy), "db", "upgrade"]) == 0
    capsys.readouterr()
    return config_copy


JOURNAL_BREAKAGES = [
    ("[export]", "[export\n", "journal.toml: not valid TOML: "),
    ("[export]", "[export]\ncolour = \"red\"", "journal.toml: export.colour: unknown key"),
    ("[retention]", "[retenton]\n[retention]", "journal.toml: retenton: unknown table"),
    ("batch_size = 2000", "batch_size = \"2000\"",
     "journal.toml: export.batch_size: expected an integer, got '2000'"),
    ("csv_delimiter = \",\"", "csv_delimiter = \";;\"", "journal.toml: export.csv_delimiter: "),
    ('FEBER = "Feber"', "FEBER = 1", "journal.toml: contact_reasons.FEBER: expected the Swedish"),
    ('[reservnummer."14"]', '[reservnummer."14"]\nformat = "x"',
     'journal.toml: reservnummer.14.format: unknown key'),
    ('validation = "shape"', 'validation = "quick"', "journal.toml: fhir.validation: must be"),
]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), JOURNAL_BREAKAGES)
def test_a_broken_journal_toml_stops_the_journal_commands_with_the_file_key_and_problem(
        migrated: Path, capsys, old: str, new: str, message: str):
    edit(migrated / "journal.toml", old, new)
    code, err = run_cli(migrated, capsys, "journal", "export", "--format", "jsonl")
    assert code == CONFIGURATION_EXIT
    assert err.splitlines()[0] == "radgivning: configuration error"
    assert message in err and "Traceback" not in err


def test_a_broken_journal_toml_stops_serve_before_it_starts(migrated: Path, capsys):
    edit(migrated / "journal.toml", "[retention]", "[retention")
    code, err = run_cli(migrated, capsys, "serve", "--port", "0")
    assert code == CONFIGURATION_EXIT
    assert "journal.toml: not valid TOML: " in err and "Traceback" not in err


def test_a_journal_toml_deviation_list_that_disagrees_with_decision_support_stops_serve(
        migrated: Path, capsys):
    edit(migrated / "journal.toml", "[retention]",
         '[deviation_reasons]\nNO_UNIT_OPEN = "Ingen lämplig enhet öppen"\n\n[retention]')
    code, err = run_cli(migrated, capsys, "serve", "--port", "0")
    assert code == CONFIGURATION_EXIT
    assert "journal.toml: deviation_reasons: disagrees with " in err
    assert "decision_support.toml deviation_reasons (only here: NO_UNIT_OPEN; " in err
    assert "Traceback" not in err


def test_invalid_utf8_in_journal_toml_names_the_line_in_the_journal_commands(migrated: Path,
                                                                            capsys):
    line = break_utf8(migrated / "journal.toml", "Bröstsmärta")
    code, err = run_cli(migrated, capsys, "journal", "export", "--format", "csv")
    assert code == CONFIGURATION_EXIT
    assert f"journal.toml: line {line}: not valid UTF-8 (byte 0xf6)" in err


# -- the region reference data -----------------------------------------------------------------


def test_a_malformed_municipality_line_stops_every_command_naming_file_and_line(
        config_copy: Path, capsys):
    path = config_copy / "municipalities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0]  # the county column is missing
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = run_cli(config_copy, capsys, "db", "current")
    assert code == CONFIGURATION_EXIT
    assert "municipalities.csv: line 5: expected 3 columns" in err and "Traceback" not in err


@pytest.mark.parametrize(("new", "problem"), [
    ("0117,Österåker,59.48", "expected 5 columns, got 3"),
    ("0117,Österåker,north,18.30,Åkersberga", "could not convert string to float: 'north'"),
    ("0117,Österåker,95.0,18.30,Åkersberga", "(95.0, 18.3) is not a WGS84 point"),
])
def test_a_malformed_municipality_centre_line_stops_serve_naming_file_and_line(
        migrated: Path, capsys, new: str, problem: str):
    path = migrated / "catalog" / "municipality_centres.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[3].startswith("0117,")
    lines[3] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    code, err = run_cli(migrated, capsys, "serve", "--port", "0")
    assert code == CONFIGURATION_EXIT
    assert f"municipality_centres.csv: line 4: {problem}" in err and "Traceback" not in err


# -- guidelines and decision_support.toml -----------------------------------------------------


def test_a_guideline_file_with_a_syntax_error_stops_serve_naming_the_file(migrated: Path,
                                                                          capsys):
    path = migrated / "guidelines" / "feber-barn.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[[levels]]", "[[levels]", 1),
                    encoding="utf-8")
    code, err = run_cli(migrated, capsys, "serve", "--port", "0")
    assert code == CONFIGURATION_EXIT
    assert f"{path}: is not valid TOML" in err and "Traceback" not in err


def test_a_guideline_file_with_a_schema_error_stops_serve_naming_file_and_field(migrated: Path,
                                                                                capsys):
    path = migrated / "guidelines" / "feber-barn.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('status = "approved"', "status = 3", 1), encoding="utf-8")
    code, err = run_cli(migrated, capsys, "serve", "--port", "0")
    assert code == CONFIGURATION_EXIT
    assert f"{path}: status: must be text, not int" in err


def test_invalid_utf8_in_a_guideline_file_is_named_by_serve_and_guidelines_check(
        migrated: Path, capsys):
    path = migrated / "guidelines" / "feber-barn.toml"
    line = break_utf8(path, "månader")
    code, err = run_cli(migrated, capsys, "serve", "--port", "0")
    assert code == CONFIGURATION_EXIT
    assert f"{path}: line {line}: is not valid UTF-8" in err and "Traceback" not in err
    code = main(["--config-dir", str(migrated), "guidelines", "check"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{path}\t-\tline {line}: is not valid UTF-8" in out


def test_invalid_utf8_in_decision_support_toml_is_named_by_guidelines_search(config_copy: Path,
                                                                            capsys):
    line = break_utf8(config_copy / "decision_support.toml", "Egenvård")
    code, err = run_cli(config_copy, capsys, "guidelines", "search", "feber")
    assert code == 1
    assert f"decision_support.toml: line {line}: is not valid UTF-8" in err
