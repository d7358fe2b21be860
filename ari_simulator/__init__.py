"""Built-in ARI simulator: a simulated Asterisk 22 speaking ARI over real HTTP
and WebSocket, for tests, the demo and benchmarks.

Behaviour (ids, event order, error bodies) follows recordings of a real
Asterisk 22.10.1 kept in ``tests/fixtures/ari/``; ``tests/ari_simulator``
replays every recording against it.

Python control API::

    sim = AriSimulator(username="asterisk", password="asterisk", speed=1.0,
                       app_default=None, host="127.0.0.1", port=0)
    await sim.start(); sim.ari_url            # "http://127.0.0.1:PORT"
    handle = await sim.add_caller(number="+46701234567", municipality="0180",
                                  dtmf=[{"at": 0.5, "digits": "031#"}], patience=30.0,
                                  talk=None, name=None, relay=None,
                                  extension="1177", app="contactcenter")
    sim.caller(handle.caller_id).status       # ringing/in_stasis/bridged/hung_up/rejected
    await sim.add_phone(endpoint="PJSIP/ssk-01-1", behaviour="answer",
                        answer_delay=0.2, talk=None)   # or no_answer / busy / unreachable
    await sim.add_callee("+46812345678", trunk="pstn-trunk", behaviour="answer")
                        # originate to PJSIP/+46812345678@pstn-trunk rings this person
    sim.channels, sim.bridges, sim.event_log, sim.channelvars = [...]
    await sim.stop()

HTTP control API (no auth): ``POST /sim/callers``, ``GET /sim/callers/{id}``,
``POST /sim/phones``, ``GET /sim/state``. Standalone:
``python -m ari_simulator --port 8088 --username asterisk
--password asterisk --speed 1``.

``speed`` divides every simulated duration (playbacks, answer delays,
patience, talk time, DTMF times, timeouts).
"""
from .clock import SteppedClock
from .remotes import CallerHandle, SimCaller, SimPhone
from .server import AriSimulator

__all__ = ["AriSimulator", "CallerHandle", "SimCaller", "SimPhone", "SteppedClock"]
