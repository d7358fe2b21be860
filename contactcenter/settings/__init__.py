"""Settings: TOML files in ``config/`` plus ``RADGIVNING_<SECTION>__<KEY>`` overrides.

``load_settings()`` returns a frozen :class:`Settings`; any problem raises
:class:`SettingsError` naming the file (or variable), the dotted key and what
is wrong.
"""

from contactcenter.settings.loader import Settings, SettingsError, default_config_dir, load_settings
from contactcenter.settings.sections import (
    AriSettings,
    CallflowSettings,
    DatabaseSettings,
    DemoSettings,
    HttpSettings,
    Region,
    ServiceSettings,
)
from queues.settings import (
    CommonQueue,
    NightPool,
    OverflowGroup,
    QueueRef,
    QueueSettings,
    RegionQueueOptions,
)

__all__ = [
    "AriSettings", "CallflowSettings", "CommonQueue", "DatabaseSettings", "DemoSettings",
    "HttpSettings", "NightPool", "OverflowGroup", "QueueRef", "QueueSettings", "Region",
    "RegionQueueOptions", "ServiceSettings", "Settings", "SettingsError",
    "default_config_dir", "load_settings",
]
