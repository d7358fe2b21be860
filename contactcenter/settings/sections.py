"""The flat sections of ``service.toml``: one frozen dataclass per ``[section]``.

Every field has a default, so an empty ``service.toml`` is a working
configuration for the demo. The loader (:mod:`contactcenter.settings.loader`)
converts and checks values using the annotations below; the field types are
deliberately limited to ``int``, ``float``, ``str``, ``bool`` and
``tuple[str, ...]`` so that environment variables can be parsed to them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSettings:
    """``[service]``: identity and logging of this instance."""

    instance_id: str = ""
    timezone: str = "Europe/Stockholm"
    log_level: str = "info"


@dataclass(frozen=True)
class HttpSettings:
    """``[http]``: the web server (API, live page, login)."""

    host: str = "127.0.0.1"
    port: int = 8080
    session_hours: float = 10.0
    cookie_secure: bool = False
    #: Origins besides the service's own that may send state changes with a session cookie
    #: (e.g. ``https://radgivning.region.example`` when a proxy changes the host).
    allowed_origins: tuple[str, ...] = ()
    #: Lifetime of a new API token unless ``token create --expires-days`` says otherwise.
    api_token_days: float = 90.0


@dataclass(frozen=True)
class DatabaseSettings:
    """``[database]``: SQLAlchemy async URL (SQLite or PostgreSQL)."""

    url: str = "sqlite+aiosqlite:///var/radgivning.db"
    echo: bool = False


@dataclass(frozen=True)
class AriSettings:
    """``[ari]``: the Asterisk REST Interface the call flow runs on."""

    url: str = "http://127.0.0.1:8088"
    username: str = "asterisk"
    password: str = "asterisk"
    app: str = "contactcenter"
    reconnect_min_seconds: float = 0.5
    reconnect_max_seconds: float = 30.0


@dataclass(frozen=True)
class CallflowSettings:
    """``[callflow]``: the IVR and the connection of callers to nurses."""

    inbound_extensions: tuple[str, ...] = ("1177",)
    municipality_variable: str = "CC_MUNICIPALITY"
    relay_variable: str = "CC_RELAY"
    greeting: tuple[str, ...] = ("sound:hello-world",)
    region_menu_prompt: tuple[str, ...] = ("sound:vm-enter-num-to-call",)
    region_menu_attempts: int = 2
    dtmf_timeout_seconds: float = 6.0
    hold_music_class: str = "default"
    nurse_originate_timeout_seconds: int = 30
    nurse_endpoint_technology: str = "PJSIP"
    wrapup_seconds: float = 30.0
    max_unanswered_offers: int = 3
    callback_offer_prompt: tuple[str, ...] = ("sound:radgivning/tryck-1-aterringning",)
    callback_confirm_intro: tuple[str, ...] = ("sound:radgivning/vi-ringer-upp-pa-numret",)
    callback_confirm_prompt: tuple[str, ...] = ("sound:radgivning/tryck-1-bekrafta",)
    callback_goodbye: tuple[str, ...] = ("sound:radgivning/aterringning-bekraftad",)
    callback_endpoint: str = "PJSIP/{number}@pstn-trunk"
    callback_caller_id: str = "1177"
    callback_originate_timeout_seconds: int = 30
    callback_max_attempts: int = 3
    callback_retry_seconds: int = 600


@dataclass(frozen=True)
class DemoSettings:
    """``[demo]``: the simulated callers and nurses of ``radgivning demo``."""

    caller_rate_per_minute: float = 4.0
    nurses_per_region: int = 5
    regions: tuple[str, ...] = ("01", "03", "12", "14")
    speed: float = 4.0
    answer_delay_seconds: float = 2.0
    talk_seconds_min: float = 20.0
    talk_seconds_max: float = 60.0


@dataclass(frozen=True)
class CoachingSettings:
    """``[coaching]``: call coaching (samtalshandledning)."""

    #: Each supervisor's coach phone as ``"username=TECH/resource"``, e.g.
    #: ``"handledare=PJSIP/coach-handledare"``: it is called when they listen in.
    endpoints: tuple[str, ...] = ()

    def endpoint_map(self) -> dict[str, str]:
        """Username → endpoint (entries already validated at start)."""
        return dict(entry.split("=", 1) for entry in self.endpoints if "=" in entry)


@dataclass(frozen=True)
class Region:
    """One of the 21 regions (from ``regions.toml``); ``code`` is the SCB county code."""

    code: str
    name: str
    county: str
    iso_3166_2: str
    orgnr: str = ""


#: ``service.toml`` section name → dataclass; the order is the order of ``Settings``.
SECTIONS: dict[str, type] = {
    "service": ServiceSettings,
    "http": HttpSettings,
    "database": DatabaseSettings,
    "ari": AriSettings,
    "callflow": CallflowSettings,
    "demo": DemoSettings,
    "coaching": CoachingSettings,
}
