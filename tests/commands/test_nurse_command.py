"""``radgivning nurse``: the roster the queues offer calls to."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.cli import main


@pytest.fixture
def cli(config_copy: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RADGIVNING_DATABASE__URL", db_url)

    def run(*argv: str) -> int:
        return main(["--config-dir", str(config_copy), *argv])
    assert run("db", "upgrade") == 0
    return run


def test_a_nurse_added_to_the_roster_is_listed_with_region_and_endpoint(cli, capsys) -> None:
    assert cli("nurse", "add", "ssk-01-1001", "--name", "Test Testsson", "--region", "01",
               "--endpoint", "PJSIP/nurse-1001", "--user", "sjukskoterska") == 0
    capsys.readouterr()
    assert cli("nurse", "list") == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "ssk-01-1001" in ln)
    assert "Test Testsson" in line and "PJSIP/nurse-1001" in line and " 01 " in line
    assert line.rstrip().endswith("yes")


@pytest.mark.parametrize(("args", "named"), [
    (["bad id!", "--name", "X", "--region", "01", "--endpoint", "PJSIP/x"], "nurse id"),
    (["ssk-1", "--name", "X", "--region", "99", "--endpoint", "PJSIP/x"], "--region"),
    (["ssk-1", "--name", "X", "--region", "01", "--endpoint", "nurse-1001"], "--endpoint"),
])
def test_bad_nurse_arguments_are_refused_naming_the_option_and_nothing_is_stored(
    cli, capsys, args: list[str], named: str,
) -> None:
    assert cli("nurse", "add", *args) == 2
    assert named in capsys.readouterr().err
    assert cli("nurse", "list") == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1  # the header only


def test_a_nurse_id_can_be_added_only_once_and_retired_keeps_the_row(cli, capsys) -> None:
    add = ["nurse", "add", "ssk-1", "--name", "A", "--region", "03", "--endpoint", "PJSIP/a"]
    assert cli(*add) == 0
    assert cli(*add) == 1
    assert cli("nurse", "retire", "ssk-1") == 0
    assert cli("nurse", "retire", "nobody") == 1
    capsys.readouterr()
    cli("nurse", "list")
    assert capsys.readouterr().out.splitlines()[1].rstrip().endswith("no")
