"""ARI REST resources: ``client.channels``, ``client.bridges``, ...

Each method is one ARI operation (see ``api-docs/*.json``); one module per
resource family: :mod:`~ari.resources.channels`, :mod:`~ari.resources.bridges`,
:mod:`~ari.resources.media` (playbacks, recordings) and
:mod:`~ari.resources.system` (Asterisk, applications, endpoints), on the shared
parameter and answer handling of :mod:`~ari.resources.base`. Results are the
typed models of :mod:`ari.models`.
"""

from ari.resources.base import Requester
from ari.resources.bridges import Bridges
from ari.resources.channels import Channels
from ari.resources.media import Playbacks, Recordings
from ari.resources.system import Applications, Asterisk, Endpoints

__all__ = [
    "Applications",
    "Asterisk",
    "Bridges",
    "Channels",
    "Endpoints",
    "Playbacks",
    "Recordings",
    "Requester",
]
