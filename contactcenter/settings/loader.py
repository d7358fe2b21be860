"""Reading ``service.toml``, ``regions.toml`` and ``queues.toml`` plus the environment.

The region reference data (``municipalities.csv``, ``area_codes.tsv``) is
checked here too, so a broken line stops every command before it starts.

Precedence, lowest first: dataclass defaults, the TOML files, environment
variables ``RADGIVNING_<SECTION>__<KEY>``, then ``overrides`` (dotted keys with
already-typed values, used by tests and commands). Every problem found is
collected and reported together in one :class:`SettingsError`, each naming the
file or variable, the dotted key and what is wrong.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from contactcenter.callflow.region import ReferenceDataError, RegionResolver
from contactcenter.settings.sections import (
    SECTIONS,
    AriSettings,
    CallflowSettings,
    CoachingSettings,
    DatabaseSettings,
    DemoSettings,
    HttpSettings,
    Region,
    ServiceSettings,
)
from queues.settings import QueueSettings, parse_queues

ENV_PREFIX = "RADGIVNING_"
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
ARI_SCHEMES = ("http", "https")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingsError(Exception):
    """The configuration is invalid; ``problems`` lists every ``source: key: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Settings:
    """The whole configuration of one instance."""

    service: ServiceSettings
    http: HttpSettings
    database: DatabaseSettings
    ari: AriSettings
    callflow: CallflowSettings
    demo: DemoSettings
    coaching: CoachingSettings
    regions: Mapping[str, Region]
    queues: QueueSettings
    config_dir: Path


def default_config_dir(env: Mapping[str, str] | None = None) -> Path:
    """``RADGIVNING_CONFIG_DIR``, else ``./config``, else the ``config/`` of the source tree."""
    env = os.environ if env is None else env
    if env.get("RADGIVNING_CONFIG_DIR"):
        return Path(env["RADGIVNING_CONFIG_DIR"])
    local = Path("config")
    if local.is_dir():
        return local
    return Path(__file__).resolve().parents[2] / "config"


def load_settings(config_dir: Path | None = None, env: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Load and validate the configuration; raises :class:`SettingsError` listing all problems."""
    env = os.environ if env is None else env
    config_dir = (config_dir or default_config_dir(env)).resolve()
    problems: list[str] = []
    regions = _load_regions(config_dir / "regions.toml", problems)
    raw = _read_toml(config_dir / "service.toml", problems, required=False)
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    sources: dict[str, str] = {}
    _apply_file(raw, values, sources, problems)
    _apply_env(env, values, sources, problems)
    _apply_overrides(overrides or {}, values, sources, problems)
    sections = {name: cls(**values[name]) for name, cls in SECTIONS.items()}
    _validate(sections, regions, sources, problems)
    queues_raw = _read_toml(config_dir / "queues.toml", problems, required=False)
    queues = parse_queues(queues_raw, "queues.toml", regions, problems)
    try:
        RegionResolver.from_config_dir(config_dir)
    except ReferenceDataError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SettingsError(problems)
    return Settings(**sections, regions=regions, queues=queues, config_dir=config_dir)


def _read_toml(path: Path, problems: list[str], *, required: bool) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if required:
            problems.append(f"{path.name}: file not found in {path.parent}")
        return {}
    except OSError as exc:
        problems.append(f"{path.name}: cannot be read: {exc.strerror or exc}")
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # TOML is UTF-8 by definition; name the place, as a file saved as Latin-1 is common.
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(f"{path.name}: line {line}, column {column}: not valid UTF-8 "
                        f"(byte 0x{data[exc.start]:02x}); TOML files must be UTF-8")
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: not valid TOML: {exc}")
        return {}


def _load_regions(path: Path, problems: list[str]) -> dict[str, Region]:
    data = _read_toml(path, problems, required=True)
    src = path.name
    for key in data:
        if key != "regions":
            problems.append(f"{src}: {key}: unknown key (allowed: regions)")
    regions: dict[str, Region] = {}
    for code, raw in (data.get("regions") or {}).items():
        key = f"regions.{code}"
        if not (len(code) == 2 and code.isdigit()):
            problems.append(f"{src}: {key}: region code must be two digits")
        if not isinstance(raw, dict):
            problems.append(f"{src}: {key}: expected a table")
            continue
        fields: dict[str, str] = {}
        for name, value in raw.items():
            if name == "sms_choice":  # documented in the file; used by the IVR later
                if not isinstance(value, bool):
                    problems.append(f"{src}: {key}.{name}: expected bool, got {value!r}")
            elif name not in ("name", "county", "iso_3166_2", "orgnr"):
                problems.append(f"{src}: {key}.{name}: unknown key")
            elif not isinstance(value, str):
                problems.append(f"{src}: {key}.{name}: expected str, got {value!r}")
            else:
                fields[name] = value
        missing = [n for n in ("name", "county", "iso_3166_2") if n not in raw]
        for name in missing:
            problems.append(f"{src}: {key}.{name}: missing")
        if all(n in fields for n in ("name", "county", "iso_3166_2")):
            regions[code] = Region(code=code, **fields)  # keep it: avoids follow-on errors
    return regions


def _field_types(section: str) -> dict[str, Any]:
    cls = SECTIONS[section]
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _apply_file(raw: dict[str, Any], values: dict[str, dict[str, Any]],
                sources: dict[str, str], problems: list[str]) -> None:
    for section, table in raw.items():
        if section not in SECTIONS:
            problems.append(f"service.toml: {section}: unknown section "
                            f"(allowed: {', '.join(SECTIONS)})")
            continue
        if not isinstance(table, dict):
            problems.append(f"service.toml: {section}: expected a table")
            continue
        types = _field_types(section)
        for key, value in table.items():
            dotted = f"{section}.{key}"
            if key not in types:
                problems.append(f"service.toml: {dotted}: unknown key")
                continue
            error = _type_error(value, types[key])
            if error:
                problems.append(f"service.toml: {dotted}: {error}")
            else:
                values[section][key] = tuple(value) if isinstance(value, list) else value
                sources[dotted] = "service.toml"


def _apply_env(env: Mapping[str, str], values: dict[str, dict[str, Any]],
               sources: dict[str, str], problems: list[str]) -> None:
    for name, text in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
        dotted = f"{section}.{key}"
        if section not in SECTIONS or key not in _field_types(section):
            problems.append(f"environment {name}: {dotted}: unknown setting")
            continue
        try:
            values[section][key] = _parse_text(text, _field_types(section)[key])
            sources[dotted] = f"environment {name}"
        except ValueError as exc:
            problems.append(f"environment {name}: {dotted}: {exc}")


def _apply_overrides(overrides: Mapping[str, Any], values: dict[str, dict[str, Any]],
                     sources: dict[str, str], problems: list[str]) -> None:
    for dotted, value in overrides.items():
        section, _, key = dotted.partition(".")
        if section not in SECTIONS or key not in _field_types(section):
            problems.append(f"overrides: {dotted}: unknown setting")
            continue
        kind = _field_types(section)[key]
        if isinstance(value, list):
            value = tuple(value)
        error = _type_error(value, kind)
        if error:
            problems.append(f"overrides: {dotted}: {error}")
        else:
            values[section][key] = float(value) if kind is float else value
            sources[dotted] = "overrides"


def _type_error(value: Any, kind: Any) -> str | None:
    """Why ``value`` (from TOML) does not fit ``kind``, or None when it does."""
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind is str:
        ok = isinstance(value, str)
    else:  # tuple[str, ...]
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    if ok:
        return None
    return f"expected {_kind_name(kind)}, got {value!r}"


def _kind_name(kind: Any) -> str:
    if kind in (bool, int, float, str):
        return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}[kind]
    return "a list of strings"


def _parse_text(text: str, kind: Any) -> Any:
    """An environment variable's text as ``kind``; ValueError names what was expected."""
    stripped = text.strip()
    if kind is str:
        return text
    if kind is bool:
        if stripped.lower() in _TRUE:
            return True
        if stripped.lower() in _FALSE:
            return False
        raise ValueError(f"expected a boolean (true/false), got {text!r}")
    if kind is int:
        try:
            return int(stripped)
        except ValueError:
            raise ValueError(f"expected an integer, got {text!r}") from None
    if kind is float:
        try:
            return float(stripped)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _validate(sections: dict[str, Any], regions: Mapping[str, Region],
              sources: Mapping[str, str], problems: list[str]) -> None:
    """Checks beyond types, each reported against where the value came from."""
    def bad(key: str, message: str) -> None:
        source = sources.get(key.split("[")[0], "defaults")
        problems.append(f"{source}: {key}: {message}")

    service, http, database, ari, callflow, demo = (
        sections[n] for n in ("service", "http", "database", "ari", "callflow", "demo"))
    try:
        ZoneInfo(service.timezone)
    except (ValueError, KeyError, OSError):
        bad("service.timezone", f"unknown time zone {service.timezone!r}")
    if service.log_level.lower() not in LOG_LEVELS:
        bad("service.log_level", f"must be one of {', '.join(LOG_LEVELS)}")
    if not 0 <= http.port <= 65535:
        bad("http.port", f"must be between 0 and 65535, got {http.port}")
    if http.session_hours <= 0:
        bad("http.session_hours", "must be greater than zero")
    _check_scheme(bad, "database.url", database.url, DATABASE_SCHEMES)
    _check_scheme(bad, "ari.url", ari.url, ARI_SCHEMES)
    if not 0 < ari.reconnect_min_seconds <= ari.reconnect_max_seconds:
        bad("ari.reconnect_min_seconds", "must be > 0 and not above reconnect_max_seconds")
    if callflow.region_menu_attempts < 1:
        bad("callflow.region_menu_attempts", "must be at least 1")
    for name in ("dtmf_timeout_seconds", "nurse_originate_timeout_seconds"):
        if getattr(callflow, name) <= 0:
            bad(f"callflow.{name}", "must be greater than zero")
    if callflow.wrapup_seconds < 0:
        bad("callflow.wrapup_seconds", "must not be negative")
    if callflow.max_unanswered_offers < 1:
        bad("callflow.max_unanswered_offers", "must be at least 1")
    if "{number}" not in callflow.callback_endpoint or "/" not in callflow.callback_endpoint:
        bad("callflow.callback_endpoint", "must look like TECH/...{number}... "
            "(e.g. PJSIP/{number}@pstn-trunk)")
    if callflow.callback_originate_timeout_seconds <= 0:
        bad("callflow.callback_originate_timeout_seconds", "must be greater than zero")
    if callflow.callback_max_attempts < 1:
        bad("callflow.callback_max_attempts", "must be at least 1")
    if callflow.callback_retry_seconds < 0:
        bad("callflow.callback_retry_seconds", "must not be negative")
    for i, code in enumerate(demo.regions):
        if code not in regions:
            bad(f"demo.regions[{i}]", f"unknown region code {code!r} (not in regions.toml)")
    if demo.talk_seconds_min > demo.talk_seconds_max:
        bad("demo.talk_seconds_min", "must not be above talk_seconds_max")
    if demo.speed <= 0:
        bad("demo.speed", "must be greater than zero")
    _check_coach_endpoints(bad, sections["coaching"])


def _check_coach_endpoints(bad: Any, coaching: CoachingSettings) -> None:
    seen: set[str] = set()
    for i, entry in enumerate(coaching.endpoints):
        user, _, endpoint = entry.partition("=")
        tech, _, resource = endpoint.strip().partition("/")
        if not user.strip() or not tech or not resource:
            bad(f"coaching.endpoints[{i}]", f"{entry!r} must look like "
                "username=TECH/resource (e.g. handledare=PJSIP/coach-handledare)")
        elif user.strip() in seen:
            bad(f"coaching.endpoints[{i}]", f"{user.strip()!r} is named twice")
        seen.add(user.strip())


def _check_scheme(bad: Any, key: str, url: str, schemes: tuple[str, ...]) -> None:
    scheme = urlsplit(url).scheme
    if scheme not in schemes:
        bad(key, f"URL scheme {scheme or '(none)'!r} not supported (use {', '.join(schemes)})")
