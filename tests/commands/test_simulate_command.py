"""``radgivning simulate`` and the engine configuration it takes from the settings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from contactcenter.cli import main
from contactcenter.settings import load_settings
from queues.settings import engine_config, is_swedish_holiday


@pytest.mark.parametrize(("day", "holiday"), [
    (date(2026, 6, 19), True),    # midsommarafton
    (date(2026, 12, 24), True),   # julafton
    (date(2026, 12, 31), True),   # nyårsafton
    (date(2026, 5, 14), True),    # Kristi himmelsfärdsdag
    (date(2026, 6, 18), False),
    (date(2026, 12, 6), False),   # an ordinary Sunday is not a holiday
])
def test_holiday_calendar_has_the_eves_a_schedule_treats_as_holidays(day: date,
                                                                       holiday: bool) -> None:
    assert is_swedish_holiday(day) is holiday


def test_engine_config_follows_queues_toml() -> None:
    settings = load_settings()
    config = engine_config(settings)
    assert set(config.regions) == set(settings.regions)
    assert config.national_queue_id == settings.queues.national_queue.id
    assert config.common is not None
    assert config.common.regions == settings.queues.national_common_queue.regions
    assert {p.id: p.answering_region for p in config.night_pools} == {
        p.id: p.answering_region for p in settings.queues.night_pools}
    assert config.rule_for("01").max_predicted_wait_seconds == \
        settings.queues.options_for("01").max_predicted_wait_seconds
    # The common queue is open on a weekday morning, closed at a weekday noon on midsommarafton
    # only through the holiday rule (holidays count as Sundays: night window only).
    tuesday_ten = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    midsummer_eve_noon = datetime(2026, 6, 19, 10, 0, tzinfo=UTC)
    assert config.common.schedule.is_open(tuesday_ten)
    assert not config.common.schedule.is_open(midsummer_eve_noon)


def test_simulate_prints_json_per_region_with_service_level_and_ledger(
    config_copy: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--config-dir", str(config_copy), "simulate", "--calls", "1500", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["regions"]) >= {"01", "14", "national"}
    total = out["total"]
    assert total["offered"] > 1000  # 1 % of the calls come from abroad (national queue)
    assert total["offered"] == total["answered"] + total["abandoned"] + out["unfinished"]
    assert total["answered_within_sl"] <= total["answered"]
    assert 0.0 <= total["service_level"] <= 1.0
    assert isinstance(out["ledger"], list) and out["ledger"]


def test_the_same_seed_gives_the_same_day(config_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--config-dir", str(config_copy), "simulate", "--calls", "800", "--json", "--seed", "7"]
    main(argv)
    first = capsys.readouterr().out
    main(argv)
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("borrow", ["01:5", "99:5:18", "01:x:18", "01:5:25"])
def test_a_bad_what_if_is_refused_naming_the_problem(
    config_copy: Path, capsys: pytest.CaptureFixture[str], borrow: str,
) -> None:
    assert main(["--config-dir", str(config_copy), "simulate", "--borrow", borrow]) == 2
    assert "--borrow" in capsys.readouterr().err


def test_a_what_if_runs_the_day_twice_and_shows_both(
    config_copy: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--config-dir", str(config_copy), "simulate", "--calls", "1500",
                 "--borrow", "01:5:8:14"]) == 0
    out = capsys.readouterr().out
    assert "service level" in out and "answered" in out
