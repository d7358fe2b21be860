"""``radgivning db upgrade|current|downgrade``."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.cli import main


@pytest.fixture
def cli(config_copy: Path, db_url: str, monkeypatch):
    monkeypatch.setenv("RADGIVNING_DATABASE__URL", db_url)

    def run(*argv: str) -> int:
        return main(["--config-dir", str(config_copy), *argv])
    return run


def test_db_current_says_the_schema_is_missing_before_upgrade(cli, capsys):
    assert cli("db", "current") == 1
    assert "radgivning db upgrade" in capsys.readouterr().out


def test_db_upgrade_then_current_reports_the_head_revision(cli, capsys):
    from contactcenter.db import head_revision

    assert cli("db", "upgrade") == 0
    assert str(head_revision()) in capsys.readouterr().out
    assert cli("db", "current") == 0
    assert capsys.readouterr().out.strip() == f"{head_revision()} (head)"


def test_db_downgrade_to_base_empties_the_schema(cli, capsys):
    assert cli("db", "upgrade", "--revision", "0001_foundation") == 0
    assert cli("db", "downgrade", "base") == 0
    assert "(base)" in capsys.readouterr().out
    assert cli("db", "current") == 1


def test_a_configuration_error_stops_the_command_with_exit_code_3(cli, capsys, monkeypatch):
    monkeypatch.setenv("RADGIVNING_HTTP__PORT", "many")
    assert cli("db", "current") == 3
    assert "RADGIVNING_HTTP__PORT: http.port" in capsys.readouterr().err


def test_db_grant_runs_on_postgresql_and_explains_itself_on_sqlite(cli, capsys, db_url):
    import uuid

    assert cli("db", "upgrade") == 0
    capsys.readouterr()
    role = "nobody_" + uuid.uuid4().hex[:6]
    code = cli("db", "grant", role)
    err = capsys.readouterr().err
    assert code == 2
    if db_url.startswith("sqlite"):
        assert "PostgreSQL only" in err
    else:
        assert f"no database role {role!r}" in err
