"""``wallboard.toml``: thresholds per region, levels by them, and problems named by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.cli import main
from contactcenter.wallboard_config import WallboardConfigError, load_wallboard_config

CONFIG = Path(__file__).resolve().parents[2] / "config" / "wallboard.toml"


def test_the_shipped_file_gives_region_01_its_own_waiting_thresholds() -> None:
    config = load_wallboard_config(CONFIG, {"01", "03"})
    assert config.for_queue("01")["waiting"] == (10.0, 25.0)
    assert config.for_queue("03")["waiting"] == (5.0, 15.0)
    assert config.level("03", "waiting", 4) == "ok"
    assert config.level("03", "waiting", 5) == "amber"
    assert config.level("03", "waiting", 15) == "red"
    assert config.level("01", "waiting", 15) == "amber"


def test_a_lower_service_level_is_worse() -> None:
    config = load_wallboard_config(CONFIG, {"01"})
    assert config.level("01", "service_level", 0.9) == "ok"
    assert config.level("01", "service_level", 0.7) == "amber"
    assert config.level("01", "service_level_2", 0.4) == "red"
    assert config.level("01", "service_level", None) == "ok"  # nothing answered yet


def test_every_problem_names_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "wallboard.toml"
    path.write_text(
        "colours = 1\n"
        "[thresholds]\nwaiting = { amber = 20, red = 10 }\nqueue_length = { amber = 1, red = 2 }\n"
        "service_level = { amber = 0.5, red = 0.9 }\n"
        '[regions."99".thresholds]\nwaiting = { amber = 1, red = 2 }\n'
        '[regions."01".thresholds]\nwaiting = { amber = "fem", red = 2 }\n', encoding="utf-8")
    with pytest.raises(WallboardConfigError) as caught:
        load_wallboard_config(path, {"01"})
    assert caught.value.problems == [
        "wallboard.toml: colours: unknown key (allowed: thresholds, regions)",
        "wallboard.toml: thresholds.waiting: needs 0 <= amber <= red (higher is worse)",
        ("wallboard.toml: thresholds.queue_length: unknown figure (allowed: waiting, "
        "longest_wait_seconds, predicted_wait_seconds, callbacks_pending, service_level, "
        "service_level_2)"),
        ("wallboard.toml: thresholds.service_level: needs 0 <= red <= amber <= 1 "
        "(lower is worse)"),
        "wallboard.toml: regions.99: not a region code of regions.toml",
        "wallboard.toml: regions.01.thresholds.waiting: amber and red must be numbers",
    ]


@pytest.fixture
def migrated(config_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setenv("RADGIVNING_DATABASE__URL",
                       f"sqlite+aiosqlite:///{tmp_path / 'db' / 'radgivning.db'}")
    (tmp_path / "db").mkdir()
    assert main(["--config-dir", str(config_copy), "db", "upgrade"]) == 0
    capsys.readouterr()
    return config_copy


def test_a_bad_wallboard_toml_stops_serve_before_it_starts(
        migrated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = migrated / "wallboard.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "waiting = { amber = 5, red = 15 }", "waiting = { amber = 50, red = 15 }"),
        encoding="utf-8")
    code = main(["--config-dir", str(migrated), "serve", "--port", "0"])
    err = capsys.readouterr().err
    assert code == 3
    assert "wallboard.toml: thresholds.waiting: needs 0 <= amber <= red" in err
    assert "Traceback" not in err
