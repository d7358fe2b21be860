"""Loading and validating service.toml, regions.toml and queues.toml plus the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.settings import Settings, SettingsError, load_settings


def load(config_dir: Path, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    return load_settings(config_dir=config_dir, env=env or {}, overrides=overrides or None)


def problems_of(config_dir: Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load(config_dir, env)
    return caught.value.problems


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_shipped_configuration_loads_with_21_regions_and_the_national_queue(config_copy: Path):
    settings = load(config_copy)
    assert len(settings.regions) == 21
    assert settings.regions["01"].name == "Region Stockholm"
    assert settings.regions["01"].iso_3166_2 == "SE-AB"
    assert settings.regions["08"].orgnr == ""
    assert settings.queues.national_queue.id == "national"
    assert settings.queues.national_queue.name == "Nationell kö"
    assert settings.config_dir == config_copy.resolve()
    assert settings.http.port == 8080
    assert settings.callflow.inbound_extensions == ("1177",)
    assert settings.demo.regions == ("01", "03", "12", "14")


def test_missing_service_toml_means_all_defaults(config_copy: Path):
    (config_copy / "service.toml").unlink()
    settings = load(config_copy)
    assert settings.database.url == "sqlite+aiosqlite:///var/radgivning.db"
    assert settings.ari.reconnect_max_seconds == 30.0
    assert settings.service.timezone == "Europe/Stockholm"


def test_environment_values_are_parsed_to_the_type_of_the_field(config_copy: Path):
    settings = load(config_copy, {
        "RADGIVNING_HTTP__PORT": "9000",
        "RADGIVNING_HTTP__COOKIE_SECURE": "true",
        "RADGIVNING_HTTP__SESSION_HOURS": "2",
        "RADGIVNING_ARI__PASSWORD": "s3cret",
        "RADGIVNING_DATABASE__URL": "postgresql+asyncpg://cc@db/radgivning",
        "RADGIVNING_CALLFLOW__INBOUND_EXTENSIONS": "1177, 1178",
        "RADGIVNING_CONFIG_DIR": "/ignored/when/config_dir/is/given",
        "UNRELATED": "x",
    })
    assert settings.http.port == 9000
    assert settings.http.cookie_secure is True
    assert settings.http.session_hours == 2.0 and isinstance(settings.http.session_hours, float)
    assert settings.ari.password == "s3cret"
    assert settings.database.url == "postgresql+asyncpg://cc@db/radgivning"
    assert settings.callflow.inbound_extensions == ("1177", "1178")


def test_an_environment_value_of_the_wrong_type_names_the_variable_and_key(config_copy: Path):
    problems = problems_of(config_copy, {"RADGIVNING_HTTP__PORT": "eighty"})
    assert problems == [("environment RADGIVNING_HTTP__PORT: http.port: "
                        "expected an integer, got 'eighty'")]


def test_an_unknown_environment_setting_is_reported(config_copy: Path):
    problems = problems_of(config_copy, {"RADGIVNING_HTTP__PROT": "1"})
    assert "environment RADGIVNING_HTTP__PROT: http.prot: unknown setting" in problems


def test_overrides_are_applied_after_the_environment(config_copy: Path):
    settings = load(config_copy, {"RADGIVNING_CALLFLOW__WRAPUP_SECONDS": "12"},
                    **{"callflow.wrapup_seconds": 0.3, "database.url": "sqlite+aiosqlite:///x.db"})
    assert settings.callflow.wrapup_seconds == 0.3
    assert settings.database.url == "sqlite+aiosqlite:///x.db"


def test_an_integer_override_of_a_float_field_becomes_a_float(config_copy: Path):
    settings = load(config_copy, **{"callflow.dtmf_timeout_seconds": 1})
    assert settings.callflow.dtmf_timeout_seconds == 1.0
    assert isinstance(settings.callflow.dtmf_timeout_seconds, float)


def test_an_unknown_override_is_an_error(config_copy: Path):
    with pytest.raises(SettingsError, match=r"overrides: callflow\.nope: unknown setting"):
        load(config_copy, **{"callflow.nope": 1})


def test_an_unknown_key_in_service_toml_names_the_file_and_dotted_key(config_copy: Path):
    replace_in(config_copy / "service.toml", "port = 8080", "port = 8080\nprot = 1")
    problems = problems_of(config_copy)
    assert problems == ["service.toml: http.prot: unknown key"]


def test_an_unknown_section_in_service_toml_is_reported(config_copy: Path):
    append(config_copy / "service.toml", "[htpp]\nport = 1")
    problems = problems_of(config_copy)
    assert any(p.startswith("service.toml: htpp: unknown section") for p in problems)


def test_a_value_of_the_wrong_type_in_service_toml_names_file_key_and_problem(config_copy: Path):
    replace_in(config_copy / "service.toml", "port = 8080", 'port = "8080"')
    assert problems_of(config_copy) == ["service.toml: http.port: expected an integer, got '8080'"]


def test_a_boolean_is_not_accepted_where_an_integer_is_expected(config_copy: Path):
    replace_in(config_copy / "service.toml", "nurses_per_region = 5", "nurses_per_region = true")
    assert problems_of(config_copy) == [
        "service.toml: demo.nurses_per_region: expected an integer, got True"]


def test_an_unknown_time_zone_is_rejected(config_copy: Path):
    replace_in(config_copy / "service.toml", 'timezone = "Europe/Stockholm"',
               'timezone = "Europe/Stokholm"')
    assert problems_of(config_copy) == [
        "service.toml: service.timezone: unknown time zone 'Europe/Stokholm'"]


def test_a_database_url_with_an_unsupported_scheme_is_rejected(config_copy: Path):
    problems = problems_of(config_copy, {"RADGIVNING_DATABASE__URL": "mysql://x/y"})
    assert len(problems) == 1
    assert problems[0].startswith("environment RADGIVNING_DATABASE__URL: database.url: "
                                  "URL scheme 'mysql' not supported")


def test_an_ari_url_must_be_http_or_https(config_copy: Path):
    replace_in(config_copy / "service.toml", 'url = "http://127.0.0.1:8088"',
               'url = "ws://127.0.0.1:8088"')
    problems = problems_of(config_copy)
    assert problems[0].startswith("service.toml: ari.url: URL scheme 'ws' not supported")


def test_an_unknown_region_in_the_demo_regions_is_rejected(config_copy: Path):
    replace_in(config_copy / "service.toml", 'regions = ["01", "03", "12", "14"]',
               'regions = ["01", "02"]')
    assert problems_of(config_copy) == [
        "service.toml: demo.regions[1]: unknown region code '02' (not in regions.toml)"]


def test_all_problems_are_reported_together(config_copy: Path):
    replace_in(config_copy / "service.toml", "port = 8080", 'port = "x"')
    replace_in(config_copy / "service.toml", 'log_level = "info"', 'log_level = "loud"')
    problems = problems_of(config_copy, {"RADGIVNING_ARI__RECONNECT_MIN_SECONDS": "soon"})
    assert len(problems) == 3
    assert {p.split(":")[1].strip() for p in problems} == {
        "http.port", "service.log_level", "ari.reconnect_min_seconds"}


def test_an_unknown_region_in_queues_toml_names_the_file_and_key(config_copy: Path):
    replace_in(config_copy / "queues.toml", 'answering_region = "20"', 'answering_region = "99"')
    assert problems_of(config_copy) == [
        ("queues.toml: night_pools[0].answering_region: unknown region code '99' "
        "(not in regions.toml)")]


def test_an_unknown_region_in_a_queue_group_list_is_reported_with_its_index(config_copy: Path):
    replace_in(config_copy / "queues.toml", 'regions = ["13", "14", "17"]',
               'regions = ["13", "15", "17"]')
    assert problems_of(config_copy) == [
        ("queues.toml: overflow_groups[1].regions[1]: unknown region code '15' "
        "(not in regions.toml)")]


def test_queue_options_for_an_unknown_region_are_rejected(config_copy: Path):
    append(config_copy / "queues.toml", '[regions."02"]\nannounce_position = false')
    assert problems_of(config_copy) == [
        "queues.toml: regions.02: unknown region code '02' (not in regions.toml)"]


def test_a_malformed_schedule_time_is_reported(config_copy: Path):
    replace_in(config_copy / "queues.toml", 'start = "23:00"', 'start = "23.00"')
    assert problems_of(config_copy) == [
        ("queues.toml: night_pools[0].schedule.windows[0].start: "
        "expected a time as \"HH:MM\", got '23.00'")]


def test_a_bad_schedule_time_zone_and_weekday_are_both_reported(config_copy: Path):
    replace_in(config_copy / "queues.toml", 'timezone = "Europe/Stockholm"',
               'timezone = "Mars/Olympus"')
    replace_in(config_copy / "queues.toml", 'days = ["mon", "tue", "wed", "thu", "fri"]',
               'days = ["mon", "tis"]')
    problems = problems_of(config_copy)
    assert problems[0] == ("queues.toml: national_common_queue.schedule.timezone: "
                           "unknown time zone 'Mars/Olympus'")
    assert problems[1].startswith("queues.toml: national_common_queue.schedule.windows[0].days:")


def test_an_unknown_key_in_queues_toml_is_reported(config_copy: Path):
    replace_in(config_copy / "queues.toml", "after_seconds = 180", "after_secs = 180")
    assert problems_of(config_copy)[0].startswith(
        "queues.toml: overflow_groups[0].after_secs: unknown key")


def test_regional_queue_options_fall_back_to_the_defaults(config_copy: Path):
    queues = load(config_copy).queues
    assert queues.options_for("01").max_predicted_wait_seconds == 2700
    assert queues.options_for("01").announce_position is True
    assert queues.options_for("09").announce_position is False
    assert queues.options_for("14") == queues.region_defaults


def test_an_unknown_region_key_in_regions_toml_is_reported(config_copy: Path):
    replace_in(config_copy / "regions.toml", 'iso_3166_2 = "SE-AB"',
               'iso_3166_2 = "SE-AB"\npopulation = 2400000')
    assert problems_of(config_copy) == ["regions.toml: regions.01.population: unknown key"]


def test_a_missing_regions_toml_is_reported(config_copy: Path):
    (config_copy / "regions.toml").unlink()
    problems = problems_of(config_copy)
    assert problems[0].startswith("regions.toml: file not found")


def test_invalid_toml_names_the_file(config_copy: Path):
    append(config_copy / "service.toml", "[http\n")
    assert problems_of(config_copy)[0].startswith("service.toml: not valid TOML")


def test_the_config_folder_comes_from_the_environment_when_not_given(config_copy: Path,
                                                                      tmp_path: Path,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={"RADGIVNING_CONFIG_DIR": str(config_copy)})
    assert settings.config_dir == config_copy.resolve()


def test_without_a_local_config_folder_the_source_tree_config_is_used(tmp_path: Path,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.config_dir == (Path(__file__).resolve().parents[2] / "config")
    assert len(settings.regions) == 21


def test_coach_phones_are_read_per_supervisor_and_a_malformed_one_names_file_and_key(
        config_copy: Path):
    replace_in(config_copy / "service.toml", "endpoints = []",
               'endpoints = ["handledare=PJSIP/coach-handledare"]')
    assert load(config_copy, {}).coaching.endpoint_map() == {
        "handledare": "PJSIP/coach-handledare"}
    replace_in(config_copy / "service.toml", '"handledare=PJSIP/coach-handledare"',
               '"handledare=PJSIP/coach-handledare", "anna", "handledare=PJSIP/x"')
    assert problems_of(config_copy) == [
        ("service.toml: coaching.endpoints[1]: 'anna' must look like username=TECH/resource "
         "(e.g. handledare=PJSIP/coach-handledare)"),
        "service.toml: coaching.endpoints[2]: 'handledare' is named twice"]
