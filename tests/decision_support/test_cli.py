"""``radgivning guidelines search|check`` work from the content files, without a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import contactcenter.cli


@pytest.fixture
def cli(config_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # no database is migrated or even created: these commands read files only
    monkeypatch.setenv("RADGIVNING_DATABASE__URL", f"sqlite+aiosqlite:///{tmp_path}/none.db")
    assert "contactcenter.commands.guidelines" in contactcenter.cli.COMMAND_MODULES

    def run(*argv: str) -> int:
        return contactcenter.cli.main(["--config-dir", str(config_copy), *argv])
    return run


def test_search_prints_ranked_hits_with_why_they_matched(cli, capsys) -> None:
    assert cli("guidelines", "search", "ont i bröstet") == 0
    out = capsys.readouterr().out
    assert "Exempelinnehåll" in out
    first = next(ln for ln in out.splitlines() if ln.strip().startswith("1."))
    assert "brostsmarta" in first and "v1.0" in first
    assert "      - " in out


def test_search_as_json_lists_id_title_version_score_and_why(cli, capsys) -> None:
    assert cli("guidelines", "search", "--json", "--age", "2", "feber") == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["id"] == "feber-barn"
    assert set(hits[0]) >= {"id", "title", "version", "score", "why"}
    assert all(h["id"] != "feber-vuxen" for h in hits)


def test_check_passes_on_the_shipped_library(cli, capsys, tmp_path: Path) -> None:
    assert cli("guidelines", "check") == 0
    assert "no problems" in capsys.readouterr().out
    assert not (tmp_path / "none.db").exists()


def test_check_prints_file_field_and_problem_and_fails(cli, capsys, config_copy: Path) -> None:
    path = config_copy / "guidelines" / "halsont.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('urgency = "OMGAENDE"',
                                                             'urgency = "SNART"', 1),
                    encoding="utf-8")
    assert cli("guidelines", "check") == 1
    lines = capsys.readouterr().out.splitlines()
    problem = next(ln.split("\t") for ln in lines if "halsont.toml" in ln)
    assert problem[0].endswith("halsont.toml") and problem[1].endswith(".urgency")
    assert "SNART" in problem[2]
